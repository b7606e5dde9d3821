//! Values loading as Helm does it: files, stdin, `--set*` flags, deep merge, chart defaults, with the
//! origin of every value kept for diagnostics.

mod de;
mod map;
mod merge;
mod set;
mod yaml;

use std::fmt;

pub use map::{DuplicateKey, Map};
pub use merge::{coalesce_defaults, merge_into};
pub use set::{SetKind, apply_set, empty_assignments};
pub use yaml::{
    Duplicate, Limits, Stream, check_fast_reader, parse_document, parse_stream, read_fast,
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

/// Where the inputs are and how they are read; the plain form of the CLI's value flags.
#[derive(Clone, Debug, Default)]
pub struct ValueInputs {
    /// `-f` files in order; `-` reads standard input.
    pub files: Vec<String>,
    /// `--set*` arguments in command-line order, each with its flag.
    pub sets: Vec<(SetKind, String)>,
    pub limits: Limits,
    /// Read the values Helm passes to this dependency of an umbrella chart: its block, with the
    /// top-level `global` merged in.
    pub subchart: Option<String>,
}

/// The merged values with the chart's defaults underneath, and what the tree's origins refer to.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub root: Node,
    pub sources: Sources,
    /// What reading noticed that is worth saying but does not stop the run.
    pub notices: Vec<Notice>,
}

/// Something about the input worth saying that does not stop the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A file held several YAML documents, merged in order.
    Documents {
        file: String,
        count: usize,
        at: Origin,
    },
    /// A key given twice in one mapping; the later one (`again`) won, as in Helm.
    DuplicateKey {
        path: Path,
        first: Origin,
        again: Origin,
    },
    /// A `--set` assignment with an empty value; `key` as written.
    EmptySet { key: String, arg: Origin },
}

/// An input that cannot be used at all: exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// `file:line:col`, `file`, or the flag and argument.
    pub location: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for LoadError {}

/// The bytes of an input file and the name diagnostics show for it (`-`, standard input, is
/// `<stdin>`); a file that cannot be read is an error naming it.
pub fn read_named(
    name: &str,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<(String, Vec<u8>), LoadError> {
    let shown = if name == "-" {
        "<stdin>".to_string()
    } else {
        name.to_string()
    };
    match read(name) {
        Ok(bytes) => Ok((shown, bytes)),
        Err(message) => Err(LoadError {
            location: shown,
            message,
        }),
    }
}

/// Reads every input, merges them in Helm's order, takes a dependency's values out of an
/// umbrella chart's when asked, and lays the chart defaults underneath.
///
/// `read` gives the bytes of a file name (`-` is standard input), so tests need no file system.
pub fn load(
    inputs: &ValueInputs,
    defaults: &Node,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Loaded, LoadError> {
    let mut sources = Sources::default();
    let mut notices = Vec::new();
    let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
    for name in &inputs.files {
        let (shown, bytes) = read_named(name, read)?;
        let file_id = sources.files.len() as u32;
        let doc = parse_document(&bytes, &shown, file_id, &inputs.limits)?;
        if doc.documents > 1 {
            notices.push(Notice::Documents {
                file: shown.clone(),
                count: doc.documents,
                at: Origin::File {
                    file: file_id,
                    line: 1,
                    column: 1,
                },
            });
        }
        for d in doc.duplicates {
            notices.push(Notice::DuplicateKey {
                path: d.path,
                first: d.first,
                again: d.again,
            });
        }
        sources.files.push(SourceFile::new(shown, doc.text));
        merge_into(&mut root, doc.root);
    }
    // Helm applies the value flags by kind, not by position
    for kind in SetKind::ORDER {
        for (k, text) in inputs.sets.iter().filter(|(k, _)| *k == kind) {
            let arg = sources.args.len() as u32;
            sources.args.push(SourceArg {
                kind: *k,
                text: text.clone(),
            });
            let origin = Origin::Arg { arg };
            apply_set(&mut root, *k, text, origin, &inputs.limits, read).map_err(|message| {
                LoadError {
                    location: format!("{} {}", k.flag(), text),
                    message,
                }
            })?;
            if *k == SetKind::Typed {
                for key in empty_assignments(text) {
                    notices.push(Notice::EmptySet { key, arg: origin });
                }
            }
        }
    }
    if let Some(name) = &inputs.subchart {
        root = subchart(root, name)?;
        for n in &mut notices {
            if let Notice::DuplicateKey { path, .. } = n
                && path.0.first() == Some(&Seg::Key(name.as_str().into()))
            {
                path.0.remove(0);
            }
        }
    }
    coalesce_defaults(&mut root, defaults);
    Ok(Loaded {
        root,
        sources,
        notices,
    })
}

/// The values Helm gives the dependency `name` of an umbrella chart: the `name:` block, with the
/// top-level `global` merged over the block's own `global` (the parent's win, as Helm's
/// coalesceGlobals does).
fn subchart(mut root: Node, name: &str) -> Result<Node, LoadError> {
    let Value::Map(top) = &mut root.value else {
        return Err(LoadError {
            location: "--subchart".into(),
            message: "the values are not a map".into(),
        });
    };
    let parent_global = top.get("global").cloned();
    let mut block = match top.remove(name) {
        Some(
            n @ Node {
                value: Value::Map(_),
                ..
            },
        ) => n,
        Some(other) => {
            return Err(LoadError {
                location: format!("--subchart {name}"),
                message: format!(
                    "`{name}` is a {}, not the map of values of a dependency",
                    other.type_name()
                ),
            });
        }
        None => {
            let keys: Vec<String> = top
                .iter()
                .filter(|(k, n)| k.as_str() != "global" && n.as_map().is_some())
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            return Err(LoadError {
                location: format!("--subchart {name}"),
                message: format!(
                    "the values have no `{name}` block; top-level maps: {}",
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
            });
        }
    };
    if let (Some(parent), Value::Map(b)) = (parent_global, &mut block.value) {
        match b.get_mut("global") {
            Some(own) if matches!(own.value, Value::Map(_)) => merge_into(own, parent),
            _ => {
                b.insert("global".into(), parent);
            }
        }
    }
    Ok(block)
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
