//! Rendering: the embedded minijinja environment, which writes every template value as a YAML-safe
//! scalar (or a checked word in a configuration file), and the parse-back of what it wrote
//! ([`document`]). Targets hand in their own templates; this module knows none of them.

pub mod document;

/// A rendering that failed: a template that did not render, or a document that does not read back
/// as what the target meant. A fault of this tool, never of the values (they were checked first),
/// so the runs report it as an internal error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for RenderError {
    fn from(s: String) -> Self {
        RenderError(s)
    }
}

impl From<&str> for RenderError {
    fn from(s: &str) -> Self {
        RenderError(s.to_string())
    }
}

use std::borrow::Cow;
use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior, Value as JValue};
use serde::Serialize;

pub use document::{Document, Expected, parse_back, read_document};

/// A target's templates: (name, source), embedded at build time. Names start with the target's
/// folder (`traefik/ingressroute.yaml.j2`); `.yaml.j2` templates write YAML, `.cfg.j2` templates
/// configuration words.
pub type Templates = &'static [(&'static str, &'static str)];

/// What a target produced: Kubernetes objects, or a configuration file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    pub docs: Vec<Document>,
    /// A configuration file instead of Kubernetes objects (haproxy.cfg).
    pub file: Option<TextFile>,
}

/// A rendered configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    pub name: String,
    pub text: String,
}

const YAML: &str = "yaml";
const CFG: &str = "cfg";

/// The environment: escaping and syntax set once; each target's templates compiled the first time
/// one of them is rendered (a run renders one target; compiling them all cost 13% of a run).
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

/// Renders `template` of `templates` with `ctx`, compiling the whole set (includes live there) the
/// first time one of them is rendered.
pub(crate) fn render_template<C: Serialize>(
    templates: Templates,
    template: &str,
    ctx: &C,
) -> Result<String, RenderError> {
    static ENV: OnceLock<std::sync::Mutex<Environment<'static>>> = OnceLock::new();
    let lock = ENV.get_or_init(|| std::sync::Mutex::new(base_env()));
    let mut env = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if env.get_template(template).is_err() {
        for (name, source) in templates {
            env.add_template(name, source)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
    }
    let tmpl = env
        .get_template(template)
        .map_err(|e| RenderError(format!("template {template}: {e}")))?;
    tmpl.render(minijinja::value::Serde(ctx))
        .map_err(|e| RenderError(format!("template {template}: {e}")))
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
pub fn render_text<C: Serialize>(
    templates: Templates,
    template: &str,
    ctx: &C,
) -> Result<String, RenderError> {
    let mut text = render_template(templates, template, ctx)?;
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

/// Renders a template with a serializable context and parses every document back: each must be
/// the object the target meant, and pass the target's check for its kind.
pub fn render_docs<C: Serialize>(
    templates: Templates,
    template: &str,
    ctx: &C,
    expected: &[Expected],
) -> Result<Vec<Document>, RenderError> {
    let text = render_template(templates, template, ctx)?;
    parse_back(text, expected)
}

/// Compiles one template in the environment and checks that a value under its name is escaped
/// for its kind (YAML-quoted in `.yaml.j2`, refused in `.cfg.j2` when it would end a word), so
/// that no template can write a value any other way. For the targets' tests.
pub fn probe_template(name: &str, source: &str) -> Result<(), String> {
    let mut env = base_env();
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(|e| format!("{name}: {e}"))?;
    if !(name.ends_with(".yaml.j2") || name.ends_with(".cfg.j2")) {
        return Err(format!(
            "{name}: neither a YAML nor a configuration template"
        ));
    }
    let ctx = minijinja::value::Serde(serde_json::json!({ "v": "a: b" }));
    let probe = env
        .template_from_named_str(name, "{{ v }}")
        .map_err(|e| e.to_string())?;
    let written = probe.render(ctx);
    match (name.ends_with(".cfg.j2"), written) {
        (false, Ok(s)) if s == "\"a: b\"" => Ok(()),
        (true, Err(_)) => Ok(()),
        (_, other) => Err(format!("{name}: a value was written as {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
