//! Reading back what the templates wrote: the stream split into documents, each read into a
//! [`Tree`] and checked to be the object its target planned (and, where the target has one, passing
//! its typed check) before anything is printed. Also the stream as YAML or as one JSON `List`.

use std::borrow::Cow;

use super::RenderError;
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
    pub fn json(&self) -> Result<serde_json::Value, RenderError> {
        read_document(&self.text).map(|t| t.to_json()).map_err(|e| {
            RenderError(format!(
                "{} `{}` does not read back: {e}",
                self.kind, self.name
            ))
        })
    }
}

/// A document the target means to render: its identity, checked against what the template produced.
#[derive(Clone, Debug)]
pub struct Expected {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
    /// The target's own check of a document of this kind (the typed read of an Ingress), if any.
    pub check: Option<Check>,
}

/// A check of one rendered document, read back: `Err` says what is wrong with it.
pub type Check = fn(&Document, &Tree<'_>) -> Result<(), String>;

impl Expected {
    /// A document of `api_version` `kind` named `name`, checked only for its identity.
    pub fn new(api_version: &'static str, kind: &'static str, name: impl Into<String>) -> Self {
        Expected {
            api_version,
            kind,
            name: name.into(),
            check: None,
        }
    }

    /// The same, with the target's check for its kind.
    pub fn checked(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }
}

/// Splits a rendered stream into documents, parses each, and checks it is the object the target
/// meant to render: same count, same apiVersion, kind and name, in order. A stream that is one
/// whole document becomes that document's text without a copy (a large Ingress is most of a run's
/// output).
pub fn parse_back(text: String, expected: &[Expected]) -> Result<Vec<Document>, RenderError> {
    let chunks = crate::blockyaml::documents(&text);
    if chunks.len() != expected.len() {
        return Err(format!(
            "rendered {} documents where {} were planned",
            chunks.len(),
            expected.len()
        )
        .into());
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
            )
            .into());
        }
        if let Some(check) = e.check {
            check(&d, &tree)?;
        }
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

pub fn read_document(text: &str) -> Result<Tree<'_>, String> {
    // the plain block style our templates write is read by the fast reader; the event reader below
    // takes the rest and words every refusal
    match crate::blockyaml::read(text, crate::tree::RENDERED, &mut TreeSink) {
        Some(tree) => Ok(tree),
        None => read_document_events(text),
    }
}

/// [`read_document`] for whatever the fast reader declines, from the YAML parser's events.
pub(crate) fn read_document_events(text: &str) -> Result<Tree<'static>, String> {
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

/// The generated-by header that starts YAML output.
pub fn header(target: &str) -> String {
    format!(
        "{HEADER_START} {} (target: {target})\n",
        env!("CARGO_PKG_VERSION"),
    )
}

/// How every file this tool writes begins (`--output-dir` recognises its own files by it).
pub const HEADER_START: &str = "# Generated by airbyte-ingress";

/// The documents as one YAML stream, each starting with `---`.
pub fn to_yaml(target: &str, docs: &[Document]) -> String {
    let mut out = Vec::new();
    let _ = write_yaml(&mut out, target, docs); // writing to memory cannot fail
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_yaml`] written out piece by piece (no copy of the stream).
pub fn write_yaml(
    out: &mut dyn std::io::Write,
    target: &str,
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
pub fn to_json(docs: &[Document]) -> Result<String, RenderError> {
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
    fn parse_back_gives_each_document_its_own_text() {
        let cm = |n: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n");
        let exp = |n: &str| Expected::new("v1", "ConfigMap", n);
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
        let exp = [Expected::new("v1", "ConfigMap", "a")];
        assert!(
            parse_back(text.to_string(), &exp)
                .unwrap_err()
                .0
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
}
