//! Keys at a level the V2 chart does not read: the V1 `webapp.ingress` (with what each of its shapes
//! really does under the V2 chart), settings one level off (`security:` at the top), and an umbrella
//! chart's values read without `--subchart`.

use crate::findings::{Finding, Rule};
use crate::values::{Node, Path, Value};

/// Top-level keys of the Airbyte chart that an umbrella chart's values nest under the dependency
/// (not `postgresql` or `minio`, which umbrella charts often have of their own).
const AIRBYTE_KEYS: &[&str] = &[
    "ingress",
    "webapp",
    "server",
    "worker",
    "workloadLauncher",
    "workloadApiServer",
    "keycloak",
    "connectorBuilderServer",
    "airbyteBootloader",
    "temporal",
    "cron",
];

/// Keys the chart reads elsewhere: (where they are found, where they belong).
const MISPLACED: &[(&str, &str)] = &[
    ("security", "global.auth.security"),
    ("auth", "global.auth"),
    ("airbyteUrl", "global.airbyteUrl"),
    ("webapp.url", "global.airbyteUrl"),
    ("global.webapp.url", "global.airbyteUrl"),
    ("global.security", "global.auth.security"),
    (
        "global.auth.cookieSecureSetting",
        "global.auth.security.cookieSecureSetting",
    ),
    (
        "global.auth.cookieSameSiteSetting",
        "global.auth.security.cookieSameSiteSetting",
    ),
];

/// Rules over the merged values tree as it is, before the typed model reads it.
pub fn check(root: &Node) -> Vec<Finding> {
    let mut out = Vec::new();
    v1_webapp_ingress(root, &mut out);
    for (found, belongs) in MISPLACED {
        let path = Path::parse(found);
        let Some(node) = root
            .at(&path)
            .filter(|n| n.origin != crate::values::Origin::Default)
        else {
            continue;
        };
        out.push(
            Finding::new(
                Rule::MisplacedKey,
                path,
                node.key_origin,
                format!("`{found}` is not read by the Airbyte chart: Helm ignores it, so the setting does not apply"),
            )
            .help(format!("move it to `{belongs}`")),
        );
    }
    if let Some(name) = nested_airbyte_values(root) {
        let key = Path::parse(name);
        let origin = root.at(&key).map_or(root.origin, |n| n.key_origin);
        out.push(
            Finding::new(
                Rule::SubchartValues,
                key,
                origin,
                format!("these values hold no Airbyte keys at the top level, but `{name}` does: they look like an umbrella chart's values, with Airbyte as the dependency `{name}`"),
            )
            .help(format!("pass `--subchart {name}` to check the values Helm gives that dependency (its block, with the top-level `global` merged in)")),
        );
    }
    out
}

/// The one top-level key whose map holds Airbyte's keys, when the top level holds none of them.
pub fn nested_airbyte_values(root: &Node) -> Option<&str> {
    let top = root.as_map()?;
    let is_airbyte = |m: &crate::values::Map| {
        AIRBYTE_KEYS.iter().any(|k| {
            m.get(k)
                .is_some_and(|n| n.origin != crate::values::Origin::Default)
        })
    };
    if is_airbyte(top) {
        return None;
    }
    let mut holders = top
        .iter()
        .filter(|(k, n)| k.as_str() != "global" && n.as_map().is_some_and(is_airbyte))
        .map(|(k, _)| k.as_str());
    let first = holders.next()?;
    holders.next().is_none().then_some(first)
}

fn v1_webapp_ingress(root: &Node, out: &mut Vec<Finding>) {
    let path = Path::parse("webapp.ingress");
    let Some(node) = root.at(&path) else { return };
    let enabled = node
        .at(&Path::parse("enabled"))
        .is_some_and(|n| n.value == Value::Bool(true));
    let hosts = match node.at(&Path::parse("hosts")).map(|n| &n.value) {
        Some(Value::Seq(h)) => h.as_slice(),
        _ => &[],
    };
    if !enabled && hosts.is_empty() {
        return;
    }
    let migrate = "run `airbyte-ingress migrate -f FILE` for the V2 `ingress` block (every path to `backend: server`), then delete `webapp.ingress`";
    // the oldest V1 shape lists paths as plain strings; the V2 chart's install notes read `.path`
    // of each, and Helm aborts
    let string_path = hosts.iter().enumerate().find_map(|(hi, h)| {
        let paths = h.as_map()?.get("paths")?;
        let Value::Seq(items) = &paths.value else {
            return None;
        };
        items
            .iter()
            .position(|p| matches!(p.value, Value::Str(_)))
            .map(|pi| (hi, pi, items[pi].origin))
    });
    let finding = match string_path {
        Some((hi, pi, origin)) if enabled => Finding::new(
            Rule::V1WebappIngress,
            path.key("hosts").index(hi).key("paths").index(pi),
            origin,
            "`webapp.ingress` is the V1 chart's ingress, and this path is a plain string (the oldest V1 shape): the V2 chart's install notes read `.path` of every path, so `helm install` and `helm template` abort with \"can't evaluate field path in type interface {}\"",
        ),
        _ if enabled => Finding::new(
            Rule::V1WebappIngress,
            path,
            node.key_origin,
            "`webapp.ingress` is the V1 chart's ingress: the V2 chart renders no Ingress from it (the webapp Service it routed to no longer exists), yet its install notes print these hosts as if Airbyte were served there",
        ),
        _ => Finding::new(
            Rule::V1WebappIngress,
            path,
            node.key_origin,
            "`webapp.ingress` is the V1 chart's ingress block: the V2 chart ignores its hosts, so nothing routes to Airbyte from them",
        ),
    };
    out.push(finding.help(migrate));
}

/// `fullnameOverride` and `nameOverride`: the chart names its objects after them (cut to 63
/// characters, a trailing `-` dropped), so each must be a name the API server takes.
pub fn names(ctx: &mut super::Ctx) {
    for key in ["fullnameOverride", "nameOverride"] {
        let path = Path::parse(key);
        let Some(crate::values::Value::Str(v)) = ctx.root.at(&path).map(|n| &n.value) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        let cut: String = v.chars().take(63).collect();
        let cut = cut.trim_end_matches('-');
        if crate::names::dns_label_ok(cut) {
            continue;
        }
        let suggestion: String = v
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let f = ctx.value(
            Rule::NameInvalid,
            path,
            format!("`{key}` `{v}` is not a name the API server takes: the chart names its objects after it (lowercase letters, digits and `-`, starting and ending with a letter or digit)"),
        );
        let help = if suggestion.is_empty() {
            format!("remove `{key}`")
        } else {
            format!("write `{key}: {suggestion}`")
        };
        ctx.push(f.help(help));
    }
}
