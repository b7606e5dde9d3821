//! `migrate`: V1 values (`webapp.ingress`, or the V1 top-level `ingress.rules`) to the V2
//! `ingress:` block, with findings for what cannot be carried over; and the in-place rewrite, which
//! replaces only the V1 block's lines and reads the result back before anything is written.

use std::fmt::Write as _;

use crate::findings::{Finding, Rule};
use crate::render::yaml_str;
use crate::values::{Map, Node, Origin, Path, Value};

/// The converted block and what the conversion could not carry.
pub struct Migration {
    /// The V2 `ingress` block as a node (origins point at the V1 values it came from).
    pub ingress: Node,
    pub findings: Vec<Finding>,
    /// Where the V1 block was: `webapp.ingress` or `ingress`.
    pub converted_from: Path,
}

fn s(v: &str, o: Origin) -> Node {
    Node::new(Value::Str(v.to_string()), o)
}

fn warn(rule: Rule, path: Path, origin: Origin, message: String, help: &str) -> Finding {
    Finding::new(rule, path, origin, message).help(help)
}

/// Annotation values must be strings; V1 files often have numbers and booleans there.
fn as_string_scalar(n: &Node) -> Node {
    let text = match &n.value {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return n.clone(),
    };
    Node {
        value: Value::Str(text),
        ..n.clone()
    }
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
            "enabled" | "className" | "tls" => {
                out.insert(k.clone(), v.clone());
            }
            "annotations" => {
                let mut a = v.clone();
                if let Value::Map(m) = &mut a.value {
                    for n in m.values_mut() {
                        *n = as_string_scalar(n);
                    }
                }
                out.insert(k.clone(), a);
            }
            k2 if k2 == hosts_key => {
                let Value::Seq(hosts) = &v.value else { continue };
                let hosts = hosts
                    .iter()
                    .enumerate()
                    .filter_map(|(hi, h)| host(h, &p.index(hi), &mut findings))
                    .collect();
                out.insert("hosts".into(), Node::new(Value::Seq(hosts), v.origin));
            }
            _ => findings.push(warn(
                Rule::MigrateDropped,
                p.clone(),
                v.key_origin,
                format!("`{p}` has no V2 equivalent and is not carried over"),
                "the V2 `ingress` block takes `enabled`, `className`, `annotations`, `hosts` and `tls`",
            )),
        }
    }
    moved_keys(root, &mut findings);
    Some(Migration {
        ingress: Node::new(Value::Map(out), old.origin),
        findings,
        converted_from: source,
    })
}

/// One V1 host as a V2 host: every path to `backend: server`, `pathType` kept (default Prefix).
fn host(h: &Node, at: &Path, findings: &mut Vec<Finding>) -> Option<Node> {
    let hm = h.as_map()?;
    let mut nh = Map::new();
    if let Some(host) = hm.get("host") {
        nh.insert("host".into(), host.clone());
    }
    let mut paths = Vec::new();
    if let Some(Node {
        value: Value::Seq(ps),
        ..
    }) = hm.get("paths")
    {
        for (pi, pnode) in ps.iter().enumerate() {
            let pp = at.key("paths").index(pi);
            let (path, path_type) = match &pnode.value {
                // the oldest V1 charts listed paths as plain strings
                Value::Str(x) => (s(x, pnode.origin), None),
                Value::Map(m) => (
                    m.get("path")
                        .cloned()
                        .unwrap_or_else(|| s("/", pnode.origin)),
                    m.get("pathType").cloned(),
                ),
                _ => continue,
            };
            if let Value::Map(m) = &pnode.value {
                let known = ["path", "pathType", "service", "backend"];
                for extra in m.keys().filter(|k| !known.contains(&k.as_str())) {
                    findings.push(warn(
                        Rule::MigrateDropped,
                        pp.key(extra),
                        pnode.origin,
                        format!("`{}` is not carried over: V2 paths take `path`, `pathType` and `backend`", pp.key(extra)),
                        "set it again in the V2 block if it still matters",
                    ));
                }
                if let Some(svc) = m.get("service") {
                    findings.push(warn(
                        Rule::MigrateDropped,
                        pp.key("service"),
                        svc.origin,
                        format!("`{}` named the Service by hand; V2 routes every path to `backend: server`", pp.key("service")),
                        "nothing to do: the chart names the Service from the release",
                    ));
                }
            }
            paths.push(path_node(path, path_type, pnode.origin));
        }
    }
    if paths.is_empty() {
        paths.push(path_node(s("/", h.origin), None, h.origin));
    }
    nh.insert("paths".into(), Node::new(Value::Seq(paths), h.origin));
    Some(Node::new(Value::Map(nh), h.origin))
}

fn path_node(path: Node, path_type: Option<Node>, origin: Origin) -> Node {
    let mut np = Map::new();
    np.insert("path".into(), path);
    np.insert(
        "pathType".into(),
        path_type.unwrap_or_else(|| s("Prefix", origin)),
    );
    np.insert("backend".into(), s("server", origin));
    Node::new(Value::Map(np), origin)
}

/// Keys that moved, often left at the wrong level after an upgrade.
fn moved_keys(root: &Node, findings: &mut Vec<Finding>) {
    if let Some(sec) = root.at(&Path::parse("security")) {
        findings.push(warn(
            Rule::MigrateMovedKey,
            Path::parse("security"),
            sec.key_origin,
            "top-level `security` is ignored by the chart".into(),
            "move it under `global.auth.security` (e.g. `global.auth.security.cookieSecureSetting`)",
        ));
    }
    let url = ["global.webapp.url", "webapp.url"]
        .into_iter()
        .map(Path::parse)
        .find_map(|p| root.at(&p).map(|n| (p, n)));
    if let Some((path, url)) = url {
        findings.push(warn(
            Rule::MigrateMovedKey,
            path,
            url.key_origin,
            "`webapp.url` does not exist in the V2 chart".into(),
            "set `global.airbyteUrl` to the URL people use",
        ));
    }
    if root
        .at(&Path::parse("global.airbyteUrl"))
        .is_none_or(|n| matches!(&n.value, Value::Str(s) if s.is_empty()) || n.value == Value::Null)
    {
        findings.push(warn(
            Rule::MigrateMovedKey,
            Path::parse("global.airbyteUrl"),
            root.origin,
            "`global.airbyteUrl` is not set: V2 needs it to match the ingress host".into(),
            "add `global.airbyteUrl: https://<your host>`",
        ));
    }
}

/// The V2 `ingress:` block as it is printed and written.
pub fn block(m: &Migration) -> String {
    let mut out = String::from("ingress:");
    to_yaml(&m.ingress, 2, &mut out);
    out
}

/// `text` (the values file `root` was read from) with the V1 block replaced by the V2 one: the
/// V1 block's lines are cut out (with its `webapp:` when nothing else is under it) and the new
/// block goes where they were (or at the end); every other byte is kept, comments included.
/// The result is read back and must hold exactly the old values with the block swapped.
pub fn rewrite(text: &str, root: &Node, m: &Migration) -> Result<String, String> {
    let webapp_only = m.converted_from == Path::parse("webapp.ingress")
        && root
            .at(&Path::parse("webapp"))
            .and_then(Node::as_map)
            .is_some_and(|w| w.len() == 1);
    let cut = if webapp_only {
        Path::parse("webapp")
    } else {
        m.converted_from.clone()
    };
    let node = root
        .at(&cut)
        .ok_or_else(|| format!("`{cut}` is not in the file"))?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (first, last) = entry_lines(&lines, node, &cut)?;
    if lines[first..last].iter().any(|l| l.contains('#')) {
        return Err(format!(
            "the `{cut}` block has comments, which rewriting it would lose"
        ));
    }
    let mut new_block = block(m);
    let top_level = cut.0.len() == 1;
    let mut out = String::with_capacity(text.len() + new_block.len());
    for l in &lines[..first] {
        out.push_str(l);
    }
    if top_level {
        out.push_str(&new_block);
    }
    for l in &lines[last..] {
        out.push_str(l);
    }
    if !top_level {
        if !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&std::mem::take(&mut new_block));
    }
    // read back: the file must now hold the old values with the V1 block swapped for the new one
    let back = crate::values::parse_document(out.as_bytes(), "rewritten", 0, &Default::default())
        .map_err(|e| format!("the rewritten file does not read back: {e}"))?;
    let mut want = root.clone();
    if let Value::Map(top) = &mut want.value {
        if webapp_only {
            top.remove("webapp");
        } else if let (true, Some(Value::Map(w))) = (
            m.converted_from == Path::parse("webapp.ingress"),
            top.get_mut("webapp").map(|n| &mut n.value),
        ) {
            w.remove("ingress");
        }
        top.insert("ingress".into(), m.ingress.clone());
    }
    if back.root.to_json() != want.to_json() {
        return Err("the rewritten file does not read back as the migrated values".into());
    }
    Ok(out)
}

/// The line range `[first, last)` of the block-style mapping entry for `node` (at `path`): its key
/// line and every following line indented deeper (or blank) up to the next sibling.
fn entry_lines(lines: &[&str], node: &Node, path: &Path) -> Result<(usize, usize), String> {
    let Origin::File { line, column, .. } = node.key_origin else {
        return Err(format!("`{path}` is not written in the file"));
    };
    let first = line as usize - 1;
    let key_line = lines.get(first).ok_or("a line past the end")?;
    let indent = column as usize - 1;
    let block_style = key_line[..indent.min(key_line.len())].trim().is_empty();
    let value_below = matches!(node.origin, Origin::File { line: l, .. } if l > line)
        || !matches!(node.value, Value::Map(_) | Value::Seq(_));
    if !block_style || !value_below {
        return Err(format!(
            "`{path}` is written in flow style, which this rewrite does not edit"
        ));
    }
    let mut last = first + 1;
    while let Some(l) = lines.get(last) {
        let content = l.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        if !content.trim().is_empty() && lead <= indent {
            break;
        }
        last += 1;
    }
    // trailing blank lines stay with what follows
    while last > first + 1 && lines[last - 1].trim().is_empty() {
        last -= 1;
    }
    Ok((first, last))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn migrate_text(text: &str) -> Result<String, String> {
        let doc = crate::values::parse_document(text.as_bytes(), "v1.yaml", 0, &Default::default())
            .map_err(|e| e.to_string())?;
        let m = migrate(&doc.root).ok_or("no V1 ingress")?;
        rewrite(text, &doc.root, &m)
    }

    #[test]
    fn the_rewrite_keeps_every_other_byte() {
        let text = "global:\n  airbyteUrl: https://a.example.com   # the URL\nratio: 1.0\nbig: 1.5e3\nzeta: 1\nwebapp:\n  ingress:\n    enabled: true\n    hosts:\n      - host: a.example.com\n        paths:\n          - path: /\nalpha: 2\n";
        let out = migrate_text(text).unwrap();
        assert!(out.starts_with("global:\n  airbyteUrl: https://a.example.com   # the URL\nratio: 1.0\nbig: 1.5e3\nzeta: 1\ningress:\n"), "{out}");
        assert!(
            out.ends_with("        pathType: Prefix\nalpha: 2\n"),
            "{out}"
        );
        assert!(!out.contains("webapp"), "{out}");
    }

    #[test]
    fn webapp_keeps_its_other_keys_and_the_block_goes_at_the_end() {
        let text = "webapp:\n  replicaCount: 1\n  ingress:\n    enabled: true\n    hosts:\n      - host: a.example.com\n  image:\n    tag: x\n";
        let out = migrate_text(text).unwrap();
        assert!(
            out.starts_with("webapp:\n  replicaCount: 1\n  image:\n    tag: x\ningress:\n"),
            "{out}"
        );
    }

    #[test]
    fn the_v1_top_level_block_is_replaced_where_it_was() {
        let text = "a: 1\ningress:\n  enabled: true\n  rules:\n    - host: a.example.com\n      paths:\n        - path: /\n          pathType: Prefix\nb: 2\n";
        let out = migrate_text(text).unwrap();
        assert!(
            out.starts_with("a: 1\ningress:\n  enabled: true\n  hosts:\n"),
            "{out}"
        );
        assert!(out.ends_with("b: 2\n") && !out.contains("rules"), "{out}");
    }

    #[test]
    fn comments_inside_the_block_or_flow_style_are_refused() {
        let commented = "webapp:\n  ingress:\n    # ours\n    enabled: true\n";
        assert!(migrate_text(commented).unwrap_err().contains("comments"));
        let flow = "webapp: {ingress: {enabled: true}}\n";
        assert!(migrate_text(flow).unwrap_err().contains("flow style"));
        // comments elsewhere are kept
        let elsewhere = "# top\nwebapp:\n  ingress:\n    enabled: true\n# after\nx: 1 # trailing\n";
        let out = migrate_text(elsewhere).unwrap();
        assert!(
            out.starts_with("# top\ningress:\n") && out.ends_with("# after\nx: 1 # trailing\n"),
            "{out}"
        );
    }

    #[test]
    fn annotation_values_become_strings() {
        let text = "webapp:\n  ingress:\n    annotations:\n      nginx.ingress.kubernetes.io/proxy-read-timeout: 600\n      x/y: true\n";
        let out = migrate_text(text).unwrap();
        assert!(
            out.contains("proxy-read-timeout: \"600\"") && out.contains("x/y: \"true\""),
            "{out}"
        );
    }
}
