//! Rendering: the embedded minijinja environment, which writes every value as a YAML-safe scalar,
//! and the parse-back of every rendered document before anything is printed.

use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior, Value as JValue};
use serde::Serialize;

use std::borrow::Cow;

use crate::targets::Target;
use crate::tree::{Tree, TreeSink};

/// One rendered Kubernetes object.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The YAML text of the document, without the `---` separator.
    pub text: String,
}

impl Document {
    /// The document's JSON view, read from its text again (for `-o json`; the parse-back keeps
    /// no tree, as a large Ingress's would outweigh everything else a run holds).
    pub fn json(&self) -> Result<serde_json::Value, String> {
        read_document(&self.text)
            .map(|t| t.to_json())
            .map_err(|e| format!("{} `{}` does not read back: {e}", self.kind, self.name))
    }
}

/// What a target produced: documents (or a configuration file) for stdout, notes for people (stderr).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    pub docs: Vec<Document>,
    /// A configuration file instead of Kubernetes objects (haproxy.cfg).
    pub file: Option<TextFile>,
    /// `note: ...` lines for stderr.
    pub notes: Vec<String>,
}

/// A rendered configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    pub name: String,
    pub text: String,
}

/// A document the target means to render: its identity, checked against what the template produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
}

const YAML: &str = "yaml";
const CFG: &str = "cfg";

/// The environment: escaping and syntax set once; each target folder's templates compiled the first
/// time one of them is rendered (a run renders one target; compiling them all cost 13% of a run).
fn base_env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    // every output is escaped for its template's kind (see `format_value`)
    env.set_auto_escape_callback(|name| {
        let mode = if name.ends_with(".cfg.j2") { CFG } else { YAML };
        minijinja::AutoEscape::Custom(mode.into())
    });
    env.set_formatter(format_value);
    env
}

/// Every embedded template, (name, source).
pub fn all_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    Target::ALL.iter().flat_map(|t| t.templates().iter())
}

/// Renders `template` with `ctx`, compiling its folder's templates (includes live there) on first use.
fn render_template<C: Serialize>(template: &str, ctx: &C) -> Result<String, String> {
    static ENV: OnceLock<std::sync::Mutex<Environment<'static>>> = OnceLock::new();
    let lock = ENV.get_or_init(|| std::sync::Mutex::new(base_env()));
    let mut env = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if env.get_template(template).is_err() {
        let folder = template.split('/').next().unwrap_or("");
        for (name, source) in all_templates().filter(|(n, _)| n.split('/').next() == Some(folder)) {
            env.add_template(name, source)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
    }
    let tmpl = env
        .get_template(template)
        .map_err(|e| format!("template {template}: {e}"))?;
    tmpl.render(minijinja::value::Serde(ctx))
        .map_err(|e| format!("template {template}: {e}"))
}

/// How every `{{ ... }}` of a template is written, by the template's kind: in `.yaml.j2`
/// templates as a YAML scalar that reads back as exactly that value, in `.cfg.j2` templates as one
/// configuration word. Templates hold no filters to forget: no value reaches the output any other
/// way (strings marked safe included).
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    v: &JValue,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    let cfg = matches!(state.auto_escape(), minijinja::AutoEscape::Custom(mode) if mode == CFG);
    let written = match (cfg, v.kind()) {
        (true, _) => out.write_str(&cfg_word(v)?),
        // most values (hosts, paths, names) are plain scalars already: written without a copy
        (false, ValueKind::String) => out.write_str(&yaml_str(v.as_str().unwrap_or_default())),
        // `true`, `false`, `8001`, `1.5`: plain scalars YAML reads back as they were
        (false, ValueKind::Bool | ValueKind::Number) => write!(out, "{v}"),
        (false, kind) => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("a template value must be a string, number or boolean, not {kind}"),
            ));
        }
    };
    written.map_err(|_| {
        minijinja::Error::new(
            minijinja::ErrorKind::WriteFailure,
            "cannot write the output",
        )
    })
}

/// A value as one word of a configuration file such as haproxy.cfg. Anything that could end the
/// word, the line or start a comment or escape (whitespace, control characters, `#`, quotes,
/// backslashes) is refused, so no value can add a directive.
fn cfg_word(v: &JValue) -> Result<String, minijinja::Error> {
    let s = v.to_string();
    let bad = s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '#' | '"' | '\'' | '\\'));
    if bad {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "`{}` cannot be written as one configuration word",
                s.escape_debug()
            ),
        ));
    }
    Ok(s)
}

/// Renders a template into a configuration file (no YAML parse-back: its values were written as
/// checked configuration words).
pub fn render_text<C: Serialize>(template: &str, ctx: &C) -> Result<String, String> {
    let mut text = render_template(template, ctx)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// A string as a YAML scalar: plain when it cannot be read as anything else, otherwise double-quoted
/// with every character outside printable ASCII escaped, so no value can add a line, key or document.
pub fn yaml_str(s: &str) -> Cow<'_, str> {
    if is_plain_safe(s) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out.into()
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.bytes().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return false;
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-'))
    {
        return false;
    }
    // booleans, null and special floats in YAML 1.1 or 1.2 (the words the reader declines too)
    !crate::blockyaml::is_special_word(s)
}

/// Renders a template with a serializable context and parses every document back.
pub fn render_docs<C: Serialize>(
    template: &str,
    ctx: &C,
    expected: &[Expected],
) -> Result<Vec<Document>, String> {
    let text = render_template(template, ctx)?;
    parse_back(text, expected)
}

/// Splits a rendered stream into documents, parses each, and checks it is the object the target
/// meant to render: same count, same apiVersion, kind and name, in order. A stream that is one
/// whole document becomes that document's text without a copy (a large Ingress is most of a run's
/// output).
pub fn parse_back(text: String, expected: &[Expected]) -> Result<Vec<Document>, String> {
    let chunks = split_documents(&text);
    if chunks.len() != expected.len() {
        return Err(format!(
            "rendered {} documents where {} were planned",
            chunks.len(),
            expected.len()
        ));
    }
    let mut docs = Vec::with_capacity(chunks.len());
    for (&chunk, e) in chunks.iter().zip(expected) {
        let tree = read_document(chunk)
            .map_err(|e| format!("rendered document does not parse back: {e}"))?;
        let get = |keys: &[&str]| tree.at(keys).and_then(Tree::as_str).map(str::to_string);
        let d = Document {
            api_version: get(&["apiVersion"]).unwrap_or_default(),
            kind: get(&["kind"]).unwrap_or_default(),
            name: get(&["metadata", "name"]).unwrap_or_default(),
            namespace: get(&["metadata", "namespace"]),
            text: String::new(),
        };
        if d.api_version != e.api_version || d.kind != e.kind || d.name != e.name {
            return Err(format!(
                "rendered {}/{} `{}` where {}/{} `{}` was planned",
                d.api_version, d.kind, d.name, e.api_version, e.kind, e.name
            ));
        }
        typed_check(&d, &tree)?;
        docs.push(d);
    }
    // the texts last, once nothing borrows the stream
    let whole = chunks.len() == 1 && chunks[0].len() == text.len();
    let texts: Vec<String> = if whole {
        vec![text]
    } else {
        chunks.iter().map(|c| c.to_string()).collect()
    };
    for (d, mut t) in docs.iter_mut().zip(texts) {
        if !t.ends_with('\n') {
            t.push('\n');
        }
        d.text = t;
    }
    Ok(docs)
}

/// Application Gateway for Containers kinds, as far as we emit them; unknown fields are refused.
mod agc {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct IngressExtension {
        #[serde(rename = "apiVersion")]
        pub _api_version: String,
        #[serde(rename = "kind")]
        pub _kind: String,
        #[serde(rename = "metadata")]
        pub _metadata: serde_json::Value,
        pub spec: IngressExtensionSpec,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct IngressExtensionSpec {
        #[serde(default)]
        pub backend_settings: Vec<BackendSettings>,
        #[serde(default)]
        pub rules: Vec<Rule>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct BackendSettings {
        pub service: String,
        pub ports: Vec<PortSetting>,
        pub timeouts: Timeouts,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only to check the rendered shape
    pub struct PortSetting {
        pub port: u16,
        pub protocol: Protocol,
    }

    #[derive(Deserialize)]
    pub enum Protocol {
        #[serde(rename = "HTTP")]
        Http,
        #[serde(rename = "HTTPS")]
        Https,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Timeouts {
        pub request_timeout: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Rule {
        pub host: String,
        pub request_redirect: Redirect,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Redirect {
        pub scheme: String,
        pub status_code: u16,
    }
}

/// A Kubernetes Duration such as `600s` or `10m`.
fn is_duration(s: &str) -> bool {
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "h", "m", "s"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// Kinds with Rust types are read into them: nothing unknown (serde_ignored names it), nothing of
/// the wrong type. Kinds without published types are checked structurally.
fn typed_check(d: &Document, tree: &Tree<'_>) -> Result<(), String> {
    if d.kind == "ReferenceGrant" {
        let ok = |key: &str| matches!(tree.at(&["spec", key]), Some(Tree::Seq(items)) if !items.is_empty());
        if !ok("from")
            || !ok("to")
            || !matches!(tree, Tree::Map(entries) if entries.iter().all(|(k, _)| {
                ["apiVersion", "kind", "metadata", "spec"].contains(&k.as_ref())
            }))
        {
            return Err(format!("rendered ReferenceGrant `{}` is malformed", d.name));
        }
    }
    if d.api_version == "alb.networking.azure.io/v1" && d.kind == "IngressExtension" {
        let ext: agc::IngressExtension = serde::Deserialize::deserialize(tree)
            .map_err(|e| format!("rendered IngressExtension `{}` is malformed: {e}", d.name))?;
        for b in &ext.spec.backend_settings {
            if b.service.is_empty()
                || b.ports.is_empty()
                || !is_duration(&b.timeouts.request_timeout)
            {
                return Err(format!(
                    "rendered IngressExtension `{}` has an incomplete backend setting",
                    d.name
                ));
            }
        }
        for r in &ext.spec.rules {
            if r.host.is_empty()
                || r.request_redirect.scheme != "https"
                || ![301, 302, 307, 308].contains(&r.request_redirect.status_code)
            {
                return Err(format!(
                    "rendered IngressExtension `{}` has an invalid redirect",
                    d.name
                ));
            }
        }
    }
    if d.api_version == "networking.k8s.io/v1" && d.kind == "Ingress" {
        // k8s-openapi skips fields it does not know; serde_ignored names them (a re-serialize and
        // compare did the same at twice the cost of the whole parse-back)
        let mut unknown = None;
        let _: k8s_openapi::api::networking::v1::Ingress =
            serde_ignored::deserialize(tree, |path| {
                unknown.get_or_insert_with(|| field_path(&path));
            })
            .map_err(|e| format!("rendered Ingress `{}` is not a valid Ingress: {e}", d.name))?;
        if let Some(path) = unknown {
            return Err(format!(
                "rendered Ingress `{}` has fields outside networking.k8s.io/v1 Ingress (`{path}`)",
                d.name
            ));
        }
    }
    Ok(())
}

/// `spec.rules[0].http` for a path serde_ignored reports (its `?` for optional values left out).
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        P::Map { parent, key } => {
            let head = field_path(parent);
            if head.is_empty() {
                key.clone()
            } else {
                format!("{head}.{key}")
            }
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            field_path(parent)
        }
    }
}

/// Reads one rendered YAML document into a [`Tree`] (serde's generic deserializer was most of the
/// cost of a large render). Our templates emit no anchors, aliases, tags or duplicate keys: meeting
/// one is an error. Plain scalars resolve as YAML's core schema (null, booleans, integers, floats);
/// every quoted scalar is a string.
pub fn read_document(text: &str) -> Result<Tree<'_>, String> {
    // the plain block style our templates write is read by the fast reader; the event reader below
    // takes the rest and words every refusal
    match crate::blockyaml::read(text, RENDERED, &mut TreeSink) {
        Some(tree) => Ok(tree),
        None => read_document_events(text),
    }
}

/// Our own output is as deep as our templates and as large as the values allow (already bounded).
pub(crate) const RENDERED: crate::blockyaml::Bounds = crate::blockyaml::Bounds {
    max_depth: 64,
    max_nodes: usize::MAX,
};

/// [`read_document`] for whatever the fast reader declines, from the YAML parser's events.
fn read_document_events(text: &str) -> Result<Tree<'static>, String> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

    enum Frame {
        Seq(Vec<Tree<'static>>),
        Map(
            Vec<(Cow<'static, str>, Tree<'static>)>,
            Option<Cow<'static, str>>,
        ),
    }
    fn push(
        stack: &mut [Frame],
        out: &mut Vec<Tree<'static>>,
        v: Tree<'static>,
    ) -> Result<(), String> {
        match stack.last_mut() {
            None => out.push(v),
            Some(Frame::Seq(items)) => items.push(v),
            Some(Frame::Map(entries, key)) => match key.take() {
                None => match v {
                    Tree::Str(k) => *key = Some(k),
                    other => return Err(format!("a mapping key that is not a string: {other:?}")),
                },
                Some(k) => entries.push((k, v)),
            },
        }
        Ok(())
    }
    fn plain(s: &str) -> Tree<'static> {
        match s {
            "" | "~" | "null" | "Null" | "NULL" => Tree::Null,
            "true" | "True" | "TRUE" => Tree::Bool(true),
            "false" | "False" | "FALSE" => Tree::Bool(false),
            _ => {
                if let Ok(i) = s.parse::<i64>() {
                    return Tree::Int(i);
                }
                let numeric = s
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
                match s.parse::<f64>() {
                    Ok(f) if numeric && f.is_finite() => Tree::Float(f),
                    _ => Tree::Str(s.to_string().into()),
                }
            }
        }
    }

    let mut stack: Vec<Frame> = Vec::new();
    let mut out: Vec<Tree<'static>> = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (ev, _) = ev.map_err(|e| e.to_string())?;
        match ev {
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(..)
            | Event::DocumentEnd => {}
            Event::Scalar(v, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err("an anchor or tag in rendered output".into());
                }
                let value = if style == ScalarStyle::Plain {
                    plain(&v)
                } else {
                    Tree::Str(v.into_owned().into())
                };
                push(&mut stack, &mut out, value)?;
            }
            Event::SequenceStart(_, anchor, tag) | Event::MappingStart(_, anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                return Err("an anchor or tag in rendered output".into());
            }
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Frame::Map(Vec::new(), None)),
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items)) => push(&mut stack, &mut out, Tree::Seq(items))?,
                _ => return Err("unbalanced sequence".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, None)) => {
                    if let Some(k) = crate::tree::duplicate_key(&entries) {
                        return Err(format!("duplicate key `{k}`"));
                    }
                    push(&mut stack, &mut out, Tree::Map(entries))?
                }
                _ => return Err("unbalanced mapping".into()),
            },
            _ => return Err("an alias or anchor in rendered output".into()),
        }
    }
    match (out.len(), out.pop()) {
        (1, Some(v)) => Ok(v),
        (n, _) => Err(format!("{n} YAML documents where one was rendered")),
    }
}

/// The documents of a rendered stream: the text between `---` lines, where it holds more than
/// blank lines and comments.
fn split_documents(text: &str) -> Vec<&str> {
    let has_content = |chunk: &str| {
        chunk
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    };
    let mut docs = Vec::new();
    let mut start = 0;
    // a search for the marker at line starts, not a walk over every line
    let first = text.starts_with("---").then_some(0);
    let after_breaks = memchr::memmem::find_iter(text.as_bytes(), b"\n---").map(|at| at + 1);
    for at in first.into_iter().chain(after_breaks) {
        let end = at + 3;
        if !matches!(text.as_bytes().get(end), None | Some(b'\n')) || at < start {
            continue;
        }
        if has_content(&text[start..at]) {
            docs.push(&text[start..at]);
        }
        start = (end + 1).min(text.len());
    }
    if has_content(&text[start..]) {
        docs.push(&text[start..]);
    }
    docs
}
/// The generated-by header that starts YAML output.
pub fn header(target: Target) -> String {
    format!(
        "# Generated by airbyte-ingress {} (target: {})\n",
        env!("CARGO_PKG_VERSION"),
        target.name()
    )
}

/// The documents as one YAML stream, each starting with `---`.
pub fn to_yaml(target: Target, docs: &[Document]) -> String {
    let mut out = Vec::new();
    let _ = write_yaml(&mut out, target, docs); // writing to memory cannot fail
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_yaml`] written out piece by piece (no copy of the stream).
pub fn write_yaml(
    out: &mut dyn std::io::Write,
    target: Target,
    docs: &[Document],
) -> std::io::Result<()> {
    out.write_all(header(target).as_bytes())?;
    for d in docs {
        out.write_all(b"---\n")?;
        out.write_all(d.text.as_bytes())?;
    }
    Ok(())
}

/// The documents as one `v1` `List`.
pub fn to_json(docs: &[Document]) -> Result<String, String> {
    let items = docs
        .iter()
        .map(Document::json)
        .collect::<Result<Vec<_>, _>>()?;
    let list = serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": items,
    });
    let mut s = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_template_compiles_and_escapes_for_its_kind() {
        let mut env = base_env();
        for (name, source) in all_templates() {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            // never build YAML (or a config) by pasting: the kind names the escaping
            let want = if name.ends_with(".cfg.j2") { CFG } else { YAML };
            assert!(
                name.ends_with(".yaml.j2") || name.ends_with(".cfg.j2"),
                "{name}: neither a YAML nor a configuration template"
            );
            // a probe under the template's name is escaped as the template is
            let ctx = minijinja::value::Serde(serde_json::json!({ "v": "a: b" }));
            let probe = env.template_from_named_str(name, "{{ v }}").unwrap();
            match want {
                YAML => assert_eq!(probe.render(ctx).unwrap(), "\"a: b\"", "{name}"),
                _ => assert!(probe.render(ctx).is_err(), "{name}"),
            }
        }
    }

    /// A configuration word can hold nothing that ends it, a line or starts a comment.
    #[test]
    fn configuration_words_are_refused_what_could_add_a_directive() {
        let env = base_env();
        let word = |v: serde_json::Value| {
            let ctx = minijinja::value::Serde(serde_json::json!({ "v": v }));
            env.template_from_named_str("t.cfg.j2", "bind {{ v }}\n")
                .unwrap()
                .render(ctx)
        };
        assert_eq!(
            word("airbyte-server".into()).unwrap(),
            "bind airbyte-server"
        );
        assert_eq!(word(8001.into()).unwrap(), "bind 8001");
        for bad in ["", "a b", "a\nb", "a#b", "a\"b", "a'b", "a\\b", "a\tb"] {
            assert!(word(bad.into()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn plain_only_when_unambiguous() {
        assert_eq!(yaml_str("airbyte.example.com"), "airbyte.example.com");
        assert_eq!(yaml_str("/"), "/");
        assert_eq!(yaml_str("yes"), "\"yes\"");
        // the words the block reader declines are quoted, so our output stays on its fast path
        assert_eq!(yaml_str("nan"), "\"nan\"");
        assert_eq!(yaml_str("Infinity"), "\"Infinity\"");
        assert!(
            matches!(yaml_str("airbyte"), Cow::Borrowed("airbyte")),
            "a plain value is not copied"
        );
        assert_eq!(yaml_str("600"), "\"600\"");
        assert_eq!(yaml_str(""), "\"\"");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(
            yaml_str("x\n---\nkind: Secret"),
            "\"x\\u000a---\\u000akind: Secret\""
        );
        assert_eq!(yaml_str("\u{2028}"), "\"\\u2028\"");
        assert_eq!(yaml_str("😀"), "\"\\U0001f600\"");
    }

    #[test]
    fn quoted_strings_parse_back_unchanged() {
        for s in [
            "a\"b\\c",
            "{{ x }}",
            "{% if %}",
            "*alias",
            "&anchor",
            "!tag",
            "- item",
            "# c",
            "\t",
            "\r\n",
            "null",
            "~",
            "0x1F",
            "1e3",
            "😀\u{85}\u{2028}\u{feff}",
        ] {
            let doc = format!("k: {}\n", yaml_str(s));
            let v: serde_json::Value = serde_saphyr::from_str(&doc).unwrap();
            assert_eq!(v["k"], serde_json::Value::String(s.to_string()), "{doc}");
        }
    }

    /// What a YAML template writes reads back as the value it was given, whichever way it was
    /// written, even a string marked safe.
    #[test]
    fn yaml_templates_write_scalars_that_read_back_as_their_value() {
        use serde_json::json;
        let env = base_env();
        for v in [
            json!("server"),
            json!("/api/v1"),
            json!("yes"),
            json!("NULL"),
            json!("a b"),
            json!("8001"),
            json!(""),
            json!(8001),
            json!(-3),
            json!(1.5),
            json!(true),
            json!(false),
        ] {
            let ctx = minijinja::value::Serde(json!({ "v": v }));
            let out = env.render_str("k: {{ v }}\n", ctx).unwrap();
            let back: serde_json::Value = serde_saphyr::from_str(&out).unwrap();
            assert_eq!(back["k"], v, "{out}");
        }
        let ctx = minijinja::value::Serde(json!({ "v": "a: b\nc: d" }));
        let out = env.render_str("k: {{ v | safe }}\n", ctx).unwrap();
        assert_eq!(out, "k: \"a: b\\u000ac: d\"");
        let ctx = minijinja::value::Serde(json!({ "v": {"a": 1} }));
        assert!(env.render_str("k: {{ v }}\n", ctx).is_err());
    }

    #[test]
    fn splits_documents_at_marker_lines_only() {
        let text = "a: 1\n---\nb: ---\n----\n---\n# only a comment\n\n---\nc: 3";
        assert_eq!(split_documents(text), ["a: 1\n", "b: ---\n----\n", "c: 3"]);
        assert_eq!(split_documents("---\na: 1\n---\n"), ["a: 1\n"]);
        assert!(split_documents("---\n# nothing\n---").is_empty());
    }

    /// Each document keeps exactly its own text, whether the stream was moved (one document) or
    /// split (several), and every text ends its last line.
    #[test]
    fn parse_back_gives_each_document_its_own_text() {
        let cm = |n: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n");
        let exp = |n: &str| Expected {
            api_version: "v1",
            kind: "ConfigMap",
            name: n.into(),
        };
        let one = parse_back(cm("a").trim_end().to_string(), &[exp("a")]).unwrap();
        assert_eq!(one[0].text, cm("a"));
        let two = parse_back(
            format!("{}---\n{}", cm("a"), cm("b")),
            &[exp("a"), exp("b")],
        )
        .unwrap();
        assert_eq!(
            (two[0].text.as_str(), two[1].text.as_str()),
            (cm("a").as_str(), cm("b").as_str())
        );
        assert_eq!(two[1].json().unwrap()["metadata"]["name"], "b");
    }

    #[test]
    fn parse_back_refuses_an_extra_document() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";
        let exp = [Expected {
            api_version: "v1",
            kind: "ConfigMap",
            name: "a".into(),
        }];
        assert!(
            parse_back(text.to_string(), &exp)
                .unwrap_err()
                .contains("2 documents")
        );
    }

    #[test]
    fn read_document_agrees_with_serde_saphyr() {
        let docs = [
            "a: 1\nb: \"1\"\nc: true\nd: \"true\"\ne: null\nf: \"\"\ng: -3\nh: 1.5\ni: /api\nj: \"x\\u000ay\"\n",
            "k:\n  - x\n  - {y: 2}\n  - []\nl: {}\nm: 600s\nn: \"Host(`a`) && PathPrefix(`/`)\"\n",
        ];
        for d in docs {
            let oracle: serde_json::Value = serde_saphyr::from_str(d).unwrap();
            assert_eq!(read_document(d).unwrap().to_json(), oracle, "{d}");
            assert_eq!(read_document_events(d).unwrap().to_json(), oracle, "{d}");
        }
        assert!(read_document("a: 1\na: 2\n").is_err());
        assert!(read_document("a: &x 1\nb: *x\n").is_err());
        assert!(read_document("a: !!str 1\n").is_err());
        assert!(read_document("a: 1\n---\nb: 2\n").is_err());
    }

    /// Every document every target renders for every valid fixture is read by the fast reader,
    /// and reads as the event reader reads it.
    #[test]
    fn the_fast_reader_reads_every_rendered_document_as_the_event_reader_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/valid");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read(&path).unwrap();
            for &target in crate::targets::Target::ALL {
                let opts = crate::test_options(
                    Some(target),
                    crate::targets::TargetOptions {
                        agc_alb_name: Some("airbyte-agc".into()),
                        agc_alb_namespace: Some("alb-infra".into()),
                        gateway_class: Some("istio".into()),
                        haproxy_cert: Some("/etc/haproxy/certs/airbyte.pem".into()),
                        ..Default::default()
                    },
                );
                let mut read = |_: &str| Ok(text.clone());
                let Ok(checked) = crate::check(&opts, &mut read) else {
                    continue; // a fixture this target cannot take (its findings are tested elsewhere)
                };
                let Some(plan) = checked.plan else { continue };
                let Ok(rendered) = target.render(&plan, &opts.target_options) else {
                    continue;
                };
                for doc in &rendered.docs {
                    let fast = crate::blockyaml::read(&doc.text, RENDERED, &mut TreeSink);
                    let fast = fast.unwrap_or_else(|| {
                        panic!(
                            "{} {target:?}: the fast reader declined\n{}",
                            path.display(),
                            doc.text
                        )
                    });
                    assert_eq!(
                        fast,
                        read_document_events(&doc.text).unwrap(),
                        "{}",
                        doc.text
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "only {seen} documents rendered");
    }

    #[test]
    fn durations() {
        assert!(
            is_duration("600s")
                && is_duration("10m")
                && is_duration("1h30m")
                && is_duration("500ms")
        );
        assert!(
            !is_duration("600") && !is_duration("") && !is_duration("s") && !is_duration("10x")
        );
    }

    #[test]
    fn parse_back_refuses_malformed_ingress_extensions() {
        let exp = [Expected {
            api_version: "alb.networking.azure.io/v1",
            kind: "IngressExtension",
            name: "a".into(),
        }];
        let head = "apiVersion: alb.networking.azure.io/v1\nkind: IngressExtension\nmetadata:\n  name: a\n";
        let ok = format!(
            "{head}spec:\n  backendSettings:\n    - service: s\n      ports: [{{port: 8001, protocol: HTTP}}]\n      timeouts: {{requestTimeout: 600s}}\n"
        );
        assert!(parse_back(ok.to_string(), &exp).is_ok());
        let bad_timeout = ok.replace("600s", "600");
        assert!(parse_back(bad_timeout.to_string(), &exp).is_err());
        let unknown = ok.replace("timeouts:", "timeoutz:");
        assert!(parse_back(unknown.to_string(), &exp).is_err());
    }

    #[test]
    fn parse_back_refuses_unknown_ingress_fields() {
        let exp = [Expected {
            api_version: "networking.k8s.io/v1",
            kind: "Ingress",
            name: "a".into(),
        }];
        let head = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n";
        let ok = format!(
            "{head}spec:\n  rules:\n    - host: a.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: s\n                port:\n                  number: 80\n"
        );
        assert!(parse_back(ok.to_string(), &exp).is_ok());
        for (from, to, field) in [
            ("spec:\n  rules:", "spec:\n  rulez:", "spec.rulez"),
            (
                "              service:",
                "              servise:",
                "spec.rules[0].http.paths[0].backend.servise",
            ),
            (
                "  name: a\n",
                "  name: a\n  labelz: {}\n",
                "metadata.labelz",
            ),
        ] {
            let err = parse_back(ok.replacen(from, to, 1), &exp).unwrap_err();
            assert!(
                err.contains("fields outside") && err.contains(field),
                "{err}"
            );
        }
        let wrong_type = ok.replace("number: 80", "number: eighty");
        assert!(
            parse_back(wrong_type.to_string(), &exp)
                .unwrap_err()
                .contains("not a valid Ingress")
        );
    }
}
