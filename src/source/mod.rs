//! The positioned tree every input becomes: [`Node`]s whose [`Origin`] is a file, line and column
//! (or a flag), the [`Sources`] behind those origins, YAML read into it under explicit [`Limits`],
//! Helm's two tree merges, and the typed [`InputError`] for an input that cannot be used.

mod de;
mod error;
mod map;
mod merge;
mod yaml;

use std::fmt;

pub use error::{InputError, InputErrorKind};
pub use map::{DuplicateKey, Map};
pub use merge::{coalesce_defaults, merge_into};
pub use yaml::{
    Document, Duplicate, Limits, Stream, check_fast_reader, parse_document, parse_stream,
    parse_stream_keeping, read_fast, source_text,
};

/// Where a value came from: a position in a values file, a `--set*` argument, or the chart's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Origin {
    /// 1-based line and column in the file with that index in [`Sources::files`].
    File { file: u32, line: u32, column: u32 },
    /// The `--set*` argument with that index in [`Sources::args`].
    Arg { arg: u32 },
    /// The chart's own `values.yaml` default.
    #[default]
    Default,
    /// The command itself (`--target T` and its flags): what a finding about the run, not about a
    /// value, points at.
    Command,
}

/// One value of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where the value itself starts.
    pub origin: Origin,
    /// Where the mapping key that holds this value was written (equal to `origin` outside maps).
    pub key_origin: Origin,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Map),
}

impl Node {
    pub fn new(value: Value, origin: Origin) -> Self {
        Node {
            value,
            origin,
            key_origin: origin,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Follows a path of map keys and list indexes; `None` when any step is missing.
    pub fn at(&self, path: &Path) -> Option<&Node> {
        let mut node = self;
        for seg in &path.0 {
            node = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(m)) => m.get(k)?,
                (Seg::Index(i), Value::Seq(s)) => s.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The deepest node on `path` that exists: the best location to blame for a missing value.
    pub fn nearest(&self, path: &Path) -> &Node {
        let mut node = self;
        for seg in &path.0 {
            let next = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(m)) => m.get(k),
                (Seg::Index(i), Value::Seq(s)) => s.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// The JSON view used for schema validation and typed extraction.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(s) => J::Array(s.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// A short description of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "map",
        }
    }
}

/// A dotted values path such as `ingress.hosts[0].host`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(pub Vec<Seg>);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// Shared, so that extending a path (once per host and path in a run) copies no key text.
    Key(std::sync::Arc<str>),
    Index(usize),
}

impl Path {
    /// Parses the simple dotted form used inside this crate (`a.b[0].c`; no escapes).
    pub fn parse(s: &str) -> Path {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    segs.push(Seg::Key(rest[..open].into()));
                }
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let close = stripped.find(']').unwrap_or(stripped.len());
                    segs.push(Seg::Index(stripped[..close].parse().unwrap_or(0)));
                    rest = stripped.get(close + 1..).unwrap_or("");
                }
            } else {
                segs.push(Seg::Key(rest.into()));
            }
        }
        Path(segs)
    }

    pub fn key(&self, k: &str) -> Path {
        self.join([Seg::Key(k.into())])
    }

    pub fn index(&self, i: usize) -> Path {
        self.join([Seg::Index(i)])
    }

    /// This path followed by `segs`, in one allocation of the exact size.
    pub fn join<const N: usize>(&self, segs: [Seg; N]) -> Path {
        let mut v = Vec::with_capacity(self.0.len() + N);
        v.extend_from_slice(&self.0);
        v.extend(segs);
        Path(v)
    }

    /// From a JSON pointer as the `jsonschema` crate reports instance locations.
    pub fn from_pointer(pointer: &str, root: &Node) -> Path {
        let mut path = Path::default();
        let mut node = Some(root);
        for raw in pointer.split('/').skip(1) {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            let seg = match node.map(|n| &n.value) {
                Some(Value::Seq(_)) => tok
                    .parse()
                    .map(Seg::Index)
                    .unwrap_or_else(|_| Seg::Key(tok.into())),
                _ => Seg::Key(tok.into()),
            };
            node = match (&seg, node.map(|n| &n.value)) {
                (Seg::Key(k), Some(Value::Map(m))) => m.get(k),
                (Seg::Index(i), Some(Value::Seq(s))) => s.get(*i),
                _ => None,
            };
            path.0.push(seg);
        }
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    // keys that contain dots (annotation keys) are quoted so the path stays readable
                    if k.contains('.') || k.is_empty() {
                        write!(f, "\"{k}\"")?;
                    } else {
                        f.write_str(k)?;
                    }
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// The names and texts behind [`Origin`]s, so a diagnostic can print `file:line:col` and the line.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    pub args: Vec<SourceArg>,
    /// How [`Origin::Command`] is shown, e.g. `--target traefik`.
    pub command: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name as the user gave it (`-` is shown as `<stdin>`).
    pub name: String,
    pub text: String,
    /// Where each line starts, built the first time a line is shown: a report of many findings in
    /// a large file looks each line up at once, not by walking the text.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> SourceFile {
        SourceFile {
            name,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Line `line` (1-based), without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *starts.get(i)?;
        let end = starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        (start < self.text.len() || i == 0)
            .then(|| self.text[start..end.max(start)].trim_end_matches('\r'))
    }
}

#[derive(Clone, Debug)]
pub struct SourceArg {
    pub kind: SetKind,
    pub text: String,
}

impl Sources {
    /// `file:line:col` or `--set ARG`, as diagnostics print it.
    pub fn describe(&self, origin: Origin) -> String {
        match origin {
            Origin::File { file, line, column } => {
                let name = self
                    .files
                    .get(file as usize)
                    .map_or("?", |f| f.name.as_str());
                format!("{name}:{line}:{column}")
            }
            Origin::Arg { arg } => match self.args.get(arg as usize) {
                Some(a) => format!("{} {}", a.kind.flag(), a.text),
                None => "--set".to_string(),
            },
            Origin::Default => "the chart's default values".to_string(),
            Origin::Command => self
                .command
                .clone()
                .unwrap_or_else(|| "the command line".to_string()),
        }
    }

    /// The text of the source line an origin points at (without its line ending).
    pub fn line_text(&self, origin: Origin) -> Option<&str> {
        match origin {
            Origin::File { file, line, .. } => self.files.get(file as usize)?.line(line),
            _ => None,
        }
    }
}

/// Which value flag an argument came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// `--set`: `true`, `false`, `null` and integers are typed; everything else is a string.
    Typed,
    /// `--set-string`: every value is a string.
    String,
    /// `--set-json`: every value is JSON.
    Json,
    /// `--set-file`: every value is the text of the file it names.
    File,
    /// `--set-literal`: one key, and everything after the first `=` as a string, commas included.
    Literal,
}

impl SetKind {
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Typed => "--set",
            SetKind::String => "--set-string",
            SetKind::Json => "--set-json",
            SetKind::File => "--set-file",
            SetKind::Literal => "--set-literal",
        }
    }

    /// Helm applies the value flags by kind, not by position, in this order (checked with Helm 4).
    pub const ORDER: [SetKind; 5] = [
        SetKind::Json,
        SetKind::Typed,
        SetKind::String,
        SetKind::File,
        SetKind::Literal,
    ];
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    #[test]
    fn lines_are_found_by_number_whatever_the_line_endings() {
        let f = SourceFile::new("v.yaml".into(), "a: 1\r\nb: 2\n\nc: 3".into());
        assert_eq!(f.line(1), Some("a: 1"));
        assert_eq!(f.line(2), Some("b: 2"));
        assert_eq!(f.line(3), Some(""));
        assert_eq!(f.line(4), Some("c: 3"));
        assert_eq!(f.line(5), None);
        assert_eq!(f.line(0), None);
        let ended = SourceFile::new("v.yaml".into(), "a: 1\n".into());
        assert_eq!((ended.line(1), ended.line(2)), (Some("a: 1"), None));
    }
}
