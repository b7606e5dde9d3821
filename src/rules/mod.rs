//! Validation rules: the registry (`airbyte-ingress rules`) and the run over values and plan.

mod schema;

use crate::findings::{Finding, Severity};
use crate::model::Values;
use crate::plan::Plan;
use crate::values::{Node, Path, Value};

pub use schema::check as check_schema;

/// A rule as `rules` lists it and `explain` prints it.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// How to fix it, in general.
    pub help: &'static str,
    /// Values that trigger it.
    pub bad: &'static str,
    /// The same values, fixed.
    pub good: &'static str,
}

/// Every rule, sorted by id.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "annotation-not-string",
        severity: Severity::Error,
        summary: "an annotation value is a number or boolean; the API server accepts only strings",
        help: "quote the value in YAML, or pass it with `--set-string` instead of `--set`",
        bad: "ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: 600\n",
        good: "ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n",
    },
    RuleInfo {
        id: "annotation-null",
        severity: Severity::Warning,
        summary: "an annotation is `null` (often a later values file trying to remove it); Helm keeps the key and the API server stores an empty string",
        help: "delete the key from the values file that sets it, or give it a string value; this tool leaves null annotations out",
        bad: "ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: null\n",
        good: "ingress:\n  annotations: {}\n",
    },
    RuleInfo {
        id: "backend-invalid",
        severity: Severity::Error,
        summary: "a path's backend is not one the chart version accepts; Helm fails with \"Invalid backend service\"",
        help: "use `backend: server`; `connector-builder-server` exists only on chart 2.0.18 - 2.0.19",
        bad: "ingress:\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /connector-builder\n          pathType: Prefix\n          backend: connector-builder-server\n",
        good: "ingress:\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
    },
    RuleInfo {
        id: "enabled-not-boolean",
        severity: Severity::Error,
        summary: "`ingress.enabled` is a string; Helm treats any non-empty string, even \"false\", as true",
        help: "write `enabled: true` or `enabled: false` without quotes",
        bad: "ingress:\n  enabled: \"false\"\n",
        good: "ingress:\n  enabled: false\n",
    },
    RuleInfo {
        id: "unknown-key",
        severity: Severity::Error,
        summary: "a key the chart does not read (a typo or a key from another chart version) is silently ignored by Helm",
        help: "fix the spelling (the message suggests the nearest key) or remove the key",
        bad: "ingress:\n  enabled: true\n  host:\n    - host: airbyte.example.com\n",
        good: "ingress:\n  enabled: true\n  hosts:\n    - host: airbyte.example.com\n",
    },
    RuleInfo {
        id: "v1-webapp-ingress",
        severity: Severity::Error,
        summary: "`webapp.ingress` is the V1 chart's ingress; the V2 chart ignores its hosts and routes to a webapp Service that no longer exists",
        help: "move it to the top-level `ingress` block and add `backend: server` to every path",
        bad: "webapp:\n  ingress:\n    enabled: true\n    hosts:\n      - host: airbyte.example.com\n        paths:\n          - path: /\n            pathType: Prefix\n",
        good: "ingress:\n  enabled: true\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
    },
    RuleInfo {
        id: "value-invalid",
        severity: Severity::Error,
        summary: "a value is not one of the allowed choices or out of range",
        help: "use one of the values the message lists",
        bad: "ingress:\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: prefix\n",
        good: "ingress:\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n",
    },
    RuleInfo {
        id: "wrong-type",
        severity: Severity::Error,
        summary: "a value has the wrong type (a map where a list belongs, a number where a string belongs, ...)",
        help: "write the value with the type the message names",
        bad: "ingress:\n  hosts:\n    host: airbyte.example.com\n",
        good: "ingress:\n  hosts:\n    - host: airbyte.example.com\n",
    },
];

/// Looks a rule up by id.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Rules that need only the merged values (run before the typed model exists).
pub fn check_values(root: &Node) -> Vec<Finding> {
    let mut out = Vec::new();
    let webapp_ingress = Path::parse("webapp.ingress");
    if let Some(node) = root.at(&webapp_ingress) {
        let enabled = node
            .at(&Path::parse("enabled"))
            .is_some_and(|n| n.value == Value::Bool(true));
        let has_hosts = node
            .at(&Path::parse("hosts"))
            .is_some_and(|n| matches!(&n.value, Value::Seq(s) if !s.is_empty()));
        if enabled || has_hosts {
            out.push(Finding::new(
                "v1-webapp-ingress",
                Severity::Error,
                webapp_ingress,
                node.key_origin,
                "`webapp.ingress` is the V1 chart's ingress block: the V2 chart ignores its hosts and the webapp Service it routes to no longer exists".into(),
                "move its `className`, `annotations`, `hosts` and `tls` to the top-level `ingress` block, add `backend: server` to every path, and delete `webapp.ingress`".into(),
            ));
        }
    }
    out
}

/// Rules over the typed values and the plan.
pub fn check_plan(_values: &Values, root: &Node, plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    let ann = Path::parse("ingress.annotations");
    for (key, value) in &plan.annotations {
        if value.is_none() {
            let p = ann.key(key);
            let origin = root.at(&p).map_or(root.nearest(&ann).origin, |n| n.origin);
            out.push(Finding::new(
                "annotation-null",
                Severity::Warning,
                p,
                origin,
                format!("annotation `{key}` is `null`: Helm keeps the key and the API server stores it as an empty string"),
                "delete the key from the values file that sets it, or give it a string value; the rendered manifests leave it out".into(),
            ));
        }
    }
    out
}

/// Levenshtein distance, for did-you-mean suggestions.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a small edit distance, or one that contains / is contained in `key`.
pub fn did_you_mean<'a>(
    key: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = key.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let d = distance(&lower, &c.to_lowercase());
            let related =
                c.to_lowercase().starts_with(&lower) || lower.starts_with(&c.to_lowercase());
            (if related { d.min(1) } else { d }, c)
        })
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_sorted_and_unique() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn did_you_mean_finds_near_keys() {
        let keys = ["enabled", "className", "annotations", "hosts", "tls"];
        assert_eq!(did_you_mean("host", keys), Some("hosts"));
        assert_eq!(did_you_mean("classname", keys), Some("className"));
        assert_eq!(did_you_mean("annotation", keys), Some("annotations"));
        assert_eq!(did_you_mean("enable", keys), Some("enabled"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
