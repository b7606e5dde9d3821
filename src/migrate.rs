//! `migrate`: V1 values (`webapp.ingress`, or the V1 top-level `ingress.rules`) to the V2 `ingress:`
//! block, with findings for what cannot be carried over.

use std::fmt::Write as _;

use crate::findings::{Finding, Severity};
use crate::render::yaml_str;
use crate::values::{Map, Node, Origin, Path, Value};

/// The converted block and what the conversion could not carry.
pub struct Migration {
    /// The V2 `ingress` block as a node (origins point at the V1 values it came from).
    pub ingress: Node,
    pub findings: Vec<Finding>,
    /// Top-level keys to delete from the V1 values (`webapp.ingress` is deleted from `webapp`).
    pub converted_from: Path,
}

fn s(v: &str, o: Origin) -> Node {
    Node::new(Value::Str(v.to_string()), o)
}

fn info(rule: &'static str, path: Path, origin: Origin, message: String, help: String) -> Finding {
    Finding::new(rule, Severity::Warning, path, origin, message, help)
}

/// Converts; `None` when the values hold no V1 ingress.
pub fn migrate(root: &Node) -> Option<Migration> {
    let mut findings = Vec::new();
    let webapp = Path::parse("webapp.ingress");
    let v1_top = Path::parse("ingress.rules");
    let (source, old, hosts_key) =
        if let Some(n) = root.at(&webapp).filter(|n| n.as_map().is_some()) {
            (webapp, n, "hosts")
        } else if root.at(&v1_top).is_some() {
            (
                Path::parse("ingress"),
                root.at(&Path::parse("ingress"))?,
                "rules",
            )
        } else {
            return None;
        };
    let old_map = old.as_map()?;
    let mut out = Map::new();
    for (k, v) in old_map {
        let p = source.key(k);
        match k.as_str() {
            "enabled" | "className" | "annotations" | "tls" => {
                out.insert(k.clone(), v.clone());
            }
            k2 if k2 == hosts_key => {
                let Value::Seq(hosts) = &v.value else { continue };
                let mut new_hosts = Vec::new();
                for (hi, h) in hosts.iter().enumerate() {
                    let Some(hm) = h.as_map() else { continue };
                    let mut nh = Map::new();
                    if let Some(host) = hm.get("host") {
                        nh.insert("host".into(), host.clone());
                    }
                    let mut paths = Vec::new();
                    if let Some(Node { value: Value::Seq(ps), .. }) = hm.get("paths") {
                        for (pi, pnode) in ps.iter().enumerate() {
                            let pp = p.index(hi).key("paths").index(pi);
                            let (path, path_type) = match &pnode.value {
                                // the oldest V1 charts listed paths as plain strings
                                Value::Str(x) => (s(x, pnode.origin), None),
                                Value::Map(m) => (m.get("path").cloned().unwrap_or_else(|| s("/", pnode.origin)), m.get("pathType").cloned()),
                                _ => continue,
                            };
                            if let Some(Value::Map(m)) = Some(&pnode.value) {
                                for extra in m.keys().filter(|k| !["path", "pathType", "service", "backend"].contains(&k.as_str())) {
                                    findings.push(info("migrate-dropped", pp.key(extra), pnode.origin, format!("`{}` is not carried over: V2 paths take `path`, `pathType` and `backend`", pp.key(extra)), "set it again in the V2 block if it still matters".into()));
                                }
                                if let Some(svc) = m.get("service") {
                                    findings.push(info("migrate-dropped", pp.key("service"), svc.origin, format!("`{}` named the Service by hand; V2 routes every path to `backend: server`", pp.key("service")), "nothing to do: the chart names the Service from the release".into()));
                                }
                            }
                            let mut np = Map::new();
                            np.insert("path".into(), path);
                            np.insert("pathType".into(), path_type.unwrap_or_else(|| s("Prefix", pnode.origin)));
                            np.insert("backend".into(), s("server", pnode.origin));
                            paths.push(Node::new(Value::Map(np), pnode.origin));
                        }
                    }
                    if paths.is_empty() {
                        let mut np = Map::new();
                        np.insert("path".into(), s("/", h.origin));
                        np.insert("pathType".into(), s("Prefix", h.origin));
                        np.insert("backend".into(), s("server", h.origin));
                        paths.push(Node::new(Value::Map(np), h.origin));
                    }
                    nh.insert("paths".into(), Node::new(Value::Seq(paths), h.origin));
                    new_hosts.push(Node::new(Value::Map(nh), h.origin));
                }
                out.insert("hosts".into(), Node::new(Value::Seq(new_hosts), v.origin));
            }
            _ => findings.push(info(
                "migrate-dropped",
                p.clone(),
                v.key_origin,
                format!("`{p}` has no V2 equivalent and is not carried over"),
                "the V2 `ingress` block takes `enabled`, `className`, `annotations`, `hosts` and `tls`".into(),
            )),
        }
    }
    // keys that moved, often left at the wrong level after an upgrade
    if let Some(sec) = root.at(&Path::parse("security")) {
        findings.push(info("migrate-moved-key", Path::parse("security"), sec.key_origin, "top-level `security` is ignored by the chart".into(), "move it under `global.auth.security` (e.g. `global.auth.security.cookieSecureSetting`)".into()));
    }
    if let Some(url) = root
        .at(&Path::parse("global.webapp.url"))
        .or_else(|| root.at(&Path::parse("webapp.url")))
    {
        findings.push(info(
            "migrate-moved-key",
            Path::parse("global.webapp.url"),
            url.key_origin,
            "`webapp.url` does not exist in the V2 chart".into(),
            "set `global.airbyteUrl` to the URL people use".into(),
        ));
    }
    if root
        .at(&Path::parse("global.airbyteUrl"))
        .is_none_or(|n| matches!(&n.value, Value::Str(s) if s.is_empty()) || n.value == Value::Null)
    {
        findings.push(info(
            "migrate-moved-key",
            Path::parse("global.airbyteUrl"),
            root.origin,
            "`global.airbyteUrl` is not set: V2 needs it to match the ingress host".into(),
            "add `global.airbyteUrl: https://<your host>`".into(),
        ));
    }
    Some(Migration {
        ingress: Node::new(Value::Map(out), old.origin),
        findings,
        converted_from: source,
    })
}

/// A node as block YAML at `indent` spaces, every scalar written with the YAML-safe quoting.
pub fn to_yaml(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match &node.value {
        Value::Map(m) if m.is_empty() => out.push_str(" {}\n"),
        Value::Seq(s) if s.is_empty() => out.push_str(" []\n"),
        Value::Map(m) => {
            out.push('\n');
            for (k, v) in m {
                let _ = write!(out, "{pad}{}:", yaml_str(k));
                to_yaml(v, indent + 2, out);
            }
        }
        Value::Seq(items) => {
            out.push('\n');
            for item in items {
                let _ = write!(out, "{pad}-");
                match &item.value {
                    Value::Map(m) if !m.is_empty() => {
                        // first key on the dash line
                        let mut inner = String::new();
                        to_yaml(item, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(inner.trim_start_matches('\n').trim_start());
                    }
                    _ => to_yaml(item, indent + 2, out),
                }
            }
        }
        scalar => {
            let text = match scalar {
                Value::Null => "null".to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                Value::Str(s) => yaml_str(s).into_owned(),
                _ => String::new(),
            };
            let _ = writeln!(out, " {text}");
        }
    }
}
