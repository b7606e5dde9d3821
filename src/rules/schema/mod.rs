//! Checks the merged values against the published JSON schema and turns each schema error into a
//! finding at the value, in words (unknown keys with a did-you-mean, types, choices). Values that
//! provably conform skip the validator ([`fast`]).

mod fast;

pub use fast::{Instance, Kind, conforms};

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::findings::{Finding, Rule, did_you_mean};
use crate::values::{Node, Path, Seg, Value};

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        // the schema is generated from our own model; failing to compile it is a bug caught by tests
        jsonschema::validator_for(crate::model::schema()).expect("the generated schema compiles")
    })
}

/// Validates the merged values `root` against the schema; returns one finding per problem.
pub fn check(root: &Node) -> Vec<Finding> {
    let schema = crate::model::schema();
    // Compiling the schema is most of a typical run; values that provably conform skip it (read
    // from the tree itself), and everything else gets jsonschema's full verdict.
    if conforms(schema, schema, root) == Some(true) {
        return Vec::new();
    }
    let instance = &described_values(root);
    let mut out = Vec::new();
    for err in validator().iter_errors(instance) {
        let pointer = err.instance_path().as_str().to_string();
        let path = Path::from_pointer(&pointer, root);
        let node = root.nearest(&path);
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(&path);
                for key in unexpected {
                    let key_path = path.key(key);
                    let origin = node
                        .as_map()
                        .and_then(|m| m.get(key))
                        .map_or(node.origin, |n| n.key_origin);
                    let suggestion = did_you_mean(key, allowed.iter().map(String::as_str));
                    let misplaced = misplaced_hint(key);
                    let help = match (suggestion, misplaced) {
                        (_, Some(h)) => h,
                        (Some(s), None) => format!("did you mean `{s}`?"),
                        (None, None) => format!("`{path}` takes {}", list(&allowed)),
                    };
                    out.push(
                        Finding::new(
                            Rule::UnknownKey,
                            key_path.clone(),
                            origin,
                            format!("unknown key `{key}` in `{path}`: Helm ignores it silently"),
                        )
                        .help(help),
                    );
                }
            }
            ValidationErrorKind::Type { .. } | ValidationErrorKind::AnyOf { .. } => {
                out.push(type_finding(&path, node));
            }
            ValidationErrorKind::Enum { options } => {
                let choices: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(|o| o.as_str()).collect())
                    .unwrap_or_default();
                let given = match &node.value {
                    Value::Str(s) => s.clone(),
                    _ => scalar_text(node),
                };
                let near = choices
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(&given))
                    .copied()
                    .or_else(|| did_you_mean(&given, choices.iter().copied()));
                let listed = choices
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(
                    Finding::new(
                        Rule::ValueInvalid,
                        path.clone(),
                        node.origin,
                        format!("`{path}` is `{given}`, which is not one of {listed}"),
                    )
                    .help(match near {
                        Some(n) => format!("did you mean `{n}`? (values are case-sensitive)"),
                        None => format!("use one of {listed}"),
                    }),
                );
            }
            _ => {
                let msg = err.to_string();
                out.push(
                    Finding::new(
                        Rule::ValueInvalid,
                        path.clone(),
                        node.origin,
                        format!("`{path}`: {msg}"),
                    )
                    .help("change the value as the message says"),
                );
            }
        }
    }
    out
}

/// The keys the model describes, as JSON (the rest of a full values.yaml is not converted): what
/// jsonschema reads when the fast check cannot vouch for the values.
fn described_values(root: &Node) -> serde_json::Value {
    let props = crate::model::schema()
        .get("properties")
        .and_then(|p| p.as_object());
    let mut out = serde_json::Map::new();
    if let (Some(map), Some(props)) = (root.as_map(), props) {
        for (k, v) in map {
            if props.contains_key(k) {
                out.insert(k.clone(), v.to_json());
            }
        }
    }
    serde_json::Value::Object(out)
}

/// Keys the schema allows in the map at `path`.
fn allowed_keys(path: &Path) -> Vec<String> {
    let mut keys: Vec<String> = crate::model::schema_at(path)
        .and_then(|n| n.get("properties"))
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Keys users put inside `ingress` that belong elsewhere.
fn misplaced_hint(key: &str) -> Option<String> {
    match key {
        "rules" => Some("the V2 chart calls them `hosts` (each with `host` and `paths`)".into()),
        "service" => {
            Some("the V2 chart takes `backend: server` on each path instead of a service".into())
        }
        "ingressClassName" => Some("the chart's key is `className`".into()),
        "pathtype" | "path_type" => Some("the key is `pathType`".into()),
        _ => None,
    }
}

fn list(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_finding(path: &Path, node: &Node) -> Finding {
    let last_key = path.0.iter().rev().find_map(|s| match s {
        Seg::Key(k) => Some(&**k),
        Seg::Index(_) => None,
    });
    let in_annotations = path.0.len() == 3
        && path.0[0] == Seg::Key("ingress".into())
        && path.0[1] == Seg::Key("annotations".into());
    if in_annotations {
        let shown = scalar_text(node);
        return Finding::new(Rule::AnnotationNotString, path.clone(), node.origin, format!(
                "annotation `{}` is the {} `{shown}`, but annotation values must be strings; Helm would emit a manifest the API server rejects",
                last_key.unwrap_or(""),
                node.type_name()
            )).help(format!(
                "quote it in YAML (`\"{shown}\"`), or pass it with `--set-string` instead of `--set`"
            ));
    }
    if *path == Path::parse("ingress.enabled")
        && let Value::Str(s) = &node.value
    {
        return Finding::new(Rule::EnabledNotBoolean, path.clone(), node.origin, format!(
                "`ingress.enabled` is the string `\"{s}\"`; Helm treats every non-empty string as true, so the Ingress is rendered"
            )).help(format!(
                "write `enabled: {}` without quotes (or `--set ingress.enabled={}`)",
                bool_guess(s),
                bool_guess(s)
            ));
    }
    let expected = expected_type(path);
    Finding::new(
        Rule::WrongType,
        path.clone(),
        node.origin,
        format!(
            "`{path}` is a {} (`{}`), but it must be {expected}",
            node.type_name(),
            scalar_text(node)
        ),
    )
    .help(match path.0.last() {
        // a Kubernetes Ingress backend (`service: {name, port}`) where the chart takes a word
        Some(Seg::Key(k)) if &**k == "backend" && matches!(node.value, Value::Map(_)) => {
            "the chart's `backend` names an Airbyte service, not a Kubernetes backend: write `backend: server` (the chart builds the Service name and port itself); to route to a Service of your own, turn the chart's Ingress off and write your own Ingress (`validate -m` checks it)".to_string()
        }
        // `ingress.hosts[0]`: the entry is what must change, not the list
        Some(Seg::Index(_)) => format!(
            "write each entry of `{}` as {expected}",
            last_key.unwrap_or("the list")
        ),
        _ => format!("write `{}` as {expected}", last_key.unwrap_or("the value")),
    })
}

fn bool_guess(s: &str) -> &'static str {
    if s.trim().eq_ignore_ascii_case("true") || s.trim().eq_ignore_ascii_case("yes") {
        "true"
    } else {
        "false"
    }
}

/// What a value at this path must be, in words.
fn expected_type(path: &Path) -> &'static str {
    let shape: Vec<&str> = path
        .0
        .iter()
        .map(|s| match s {
            Seg::Key(k) => &**k,
            Seg::Index(_) => "[]",
        })
        .collect();
    match shape.as_slice() {
        ["ingress"]
        | ["global"]
        | ["global", "auth"]
        | ["global", "auth", "security"]
        | ["server"]
        | ["server", "service"]
        | ["keycloak"] => "a map",
        ["ingress", "enabled"] | ["keycloak", "enabled"] => "a boolean (`true` or `false`)",
        ["ingress", "annotations"] => "a map of strings",
        ["ingress", "hosts"]
        | ["ingress", "tls"]
        | ["ingress", "hosts", "[]", "paths"]
        | ["ingress", "tls", "[]", "hosts"] => "a list",
        ["ingress", "hosts", "[]"]
        | ["ingress", "tls", "[]"]
        | ["ingress", "hosts", "[]", "paths", "[]"] => "a map",
        ["global", "auth", "security", "cookieSecureSetting"] => "a boolean (`true` or `false`)",
        [.., "port"] => "a port number",
        _ => "a string",
    }
}

fn scalar_text(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(_) => "[...]".into(),
        Value::Map(_) => "{...}".into(),
    }
}
