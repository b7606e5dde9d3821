//! One values file: bytes -> a tree of [`Node`]s with line:column origins, under explicit limits.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use serde_saphyr::options::DuplicateKeyPolicy;

use super::{InputError, InputErrorKind, Map, Node, Origin, Value};

/// Resource limits for reading values. Every limit is reported by name when exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest values file or standard input, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of maps and lists.
    pub max_depth: usize,
    /// Most YAML nodes one file may produce after alias expansion.
    pub max_nodes: usize,
    /// Most events that aliases (`*name`) may replay in one file: the "billion laughs" guard.
    pub max_alias_events: usize,
    /// Longest single scalar, in bytes.
    pub max_scalar_bytes: usize,
    /// Most entries in `ingress.hosts` (and in `ingress.tls`).
    pub max_hosts: usize,
    /// Most paths under one host.
    pub max_paths: usize,
}

impl Limits {
    /// The deepest `max_depth` a run may ask for: every step that walks the values (merge, checks,
    /// rendering, dropping the tree) holds that many levels on the main thread's stack, in debug
    /// builds too (a test runs each at this depth).
    pub const MAX_DEPTH_CAP: usize = 1000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 1_000_000,
            max_alias_events: 100_000,
            max_scalar_bytes: 1024 * 1024,
            max_hosts: 10_000,
            max_paths: 100,
        }
    }
}

/// The stack segment the parser gets when the caller's stack cannot hold `max_depth` levels: ample
/// for them in any build profile.
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;
/// Stack the parser needs on the calling thread: a base plus an allowance per nesting level, both
/// about four times what was measured (release: under 5 KiB a level; debug: tens of KiB). The
/// test `the_inline_budget_holds_the_deepest_document` parses at full depth within it.
const STACK_BASE: usize = 256 * 1024;
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    96 * 1024
} else {
    16 * 1024
};

/// The stack a parse with `max_depth` needs on the thread that runs it.
fn inline_stack_bytes(max_depth: usize) -> usize {
    STACK_BASE.saturating_add(max_depth.saturating_mul(STACK_PER_LEVEL))
}

/// A parsed values file.
#[derive(Debug)]
pub struct Document {
    pub root: Node,
    /// The text as read (BOM removed), kept for source-line excerpts in diagnostics.
    pub text: String,
    /// How many non-empty documents (`---`) were merged into `root`.
    pub documents: usize,
    /// Keys given twice in one mapping: the later one is in `root`, as Helm keeps it.
    pub duplicates: Vec<Duplicate>,
}

/// A key given twice in one mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    /// Where the key is in the values (empty when a later document replaced the mapping).
    pub path: super::Path,
    pub first: Origin,
    pub again: Origin,
}

/// Parses a values file, merging its YAML documents as Helm does. `name` is used in errors; `file` is the index
/// recorded in every [`Origin::File`].
pub fn parse_document(
    bytes: &[u8],
    name: &str,
    file: u32,
    limits: &Limits,
) -> Result<Document, InputError> {
    let err = located(name);
    let text = checked_text(bytes, limits, &err)?;
    let (root, documents, dups) = match read_block_yaml(text, file, limits) {
        Some(root) => (root, 1, Vec::new()),
        None => read_full_yaml(text, file, limits, &err)?,
    };
    scalars_within(&root, limits, &err)?;
    let at = |(line, column): (u32, u32)| Origin::File { file, line, column };
    let duplicates = dups
        .into_iter()
        .map(|d| Duplicate {
            path: key_path(&root, at(d.again)).unwrap_or_default(),
            first: at(d.first),
            again: at(d.again),
        })
        .collect();
    Ok(Document {
        root,
        text: text.to_string(),
        documents,
        duplicates,
    })
}

/// Builds input errors that name `name` and, where known, the line and column.
/// The kind follows from the message: a limit names its flag, an empty file or a document of the
/// wrong shape is invalid, anything else the parser said is a syntax error.
fn located(name: &str) -> impl Fn(Option<u32>, Option<u32>, String) -> InputError + Sync + '_ {
    move |line: Option<u32>, col: Option<u32>, message: String| {
        let kind = if message.contains("(--max-") {
            InputErrorKind::Limit
        } else if message.starts_with("the file is empty")
            || message.starts_with("the document is a")
            || message.starts_with("the file holds no values")
        {
            InputErrorKind::Invalid
        } else {
            InputErrorKind::Syntax
        };
        InputError::new(kind, name, message).at(line, col)
    }
}

/// The text of an input that is read as text but not as YAML (a Terraform file, a wrapper read
/// by its own reader): the same checks as every values file (size, UTF-8, no NUL, not empty).
pub fn source_text(bytes: &[u8], name: &str, limits: &Limits) -> Result<String, InputError> {
    let err = located(name);
    checked_text(bytes, limits, &err).map(str::to_string)
}

/// The checks every input passes before it is parsed: its size, UTF-8 (a BOM removed), no NUL,
/// and some content.
fn checked_text<'b>(
    bytes: &'b [u8],
    limits: &Limits,
    err: &dyn Fn(Option<u32>, Option<u32>, String) -> InputError,
) -> Result<&'b str, InputError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(err(
            None,
            None,
            format!(
                "file is {} bytes, over the limit of {} bytes (--max-file-bytes)",
                bytes.len(),
                limits.max_file_bytes
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1))
                as u32
                + 1;
            return Err(err(
                Some(line),
                Some(col),
                "invalid UTF-8: the input must be UTF-8 text".into(),
            ));
        }
    };
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].matches('\n').count() as u32 + 1;
        return Err(err(
            Some(line),
            None,
            "a NUL byte: the input must be text".into(),
        ));
    }
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(err(
            None,
            None,
            "the file is empty: it holds no YAML document".into(),
        ));
    }
    Ok(text)
}

/// Every scalar of `node` within `--max-scalar-bytes`, or the error at the first one over.
fn scalars_within(
    node: &Node,
    limits: &Limits,
    err: &(dyn Fn(Option<u32>, Option<u32>, String) -> InputError + Sync),
) -> Result<(), InputError> {
    let Some((origin, len)) = longest_scalar_over(node, limits.max_scalar_bytes) else {
        return Ok(());
    };
    let (line, column) = match origin {
        Origin::File { line, column, .. } => (Some(line), Some(column)),
        _ => (None, None),
    };
    Err(err(
        line,
        column,
        format!(
            "a scalar of {len} bytes, over the limit of {} bytes (--max-scalar-bytes)",
            limits.max_scalar_bytes
        ),
    ))
}

/// A parsed stream of documents, each kept on its own (Kubernetes manifests).
pub struct Stream {
    /// Every document that is not empty, in order, with positions in the whole text.
    pub docs: Vec<Node>,
    /// The text as read (BOM removed).
    pub text: String,
    pub duplicates: Vec<Duplicate>,
}

/// Parses a stream of YAML (or JSON) documents without merging them: `helm template` output,
/// `kubectl get -o yaml|json`, hand-written manifests. `file` is the index every [`Origin::File`]
/// records.
pub fn parse_stream(
    bytes: &[u8],
    name: &str,
    file: u32,
    limits: &Limits,
) -> Result<Stream, InputError> {
    parse_stream_keeping(bytes, name, file, limits, &|_| true)
}

/// As [`parse_stream`], building trees only for the documents `keep` wants (it sees each
/// document's text): the others are read for their well-formedness alone, and left out of
/// `docs`. A document the fast reader declines is read in full either way.
pub fn parse_stream_keeping(
    bytes: &[u8],
    name: &str,
    file: u32,
    limits: &Limits,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Stream, InputError> {
    let err = located(name);
    let text = checked_text(bytes, limits, &err)?;
    // plain block-style documents are read one by one by the fast reader; the documents it
    // declines are read by the full parser, in one pass over the stream with the others blanked
    // out (their lines kept, so every position stays where it is, and the alias budget is the
    // stream's, not a document's)
    let chunks = crate::blockyaml::documents(text);
    let mut lines_before = 0u32;
    let mut counted_to = 0usize;
    // per document: read fast (`Some(Some)`), skimmed and left out (`Some(None)`), or declined
    let mut fast: Vec<Option<Option<Node>>> = Vec::with_capacity(chunks.len());
    let bounds = crate::blockyaml::Bounds {
        max_depth: limits.max_depth,
        max_nodes: limits.max_nodes,
    };
    for chunk in &chunks {
        let start = chunk.as_ptr() as usize - text.as_ptr() as usize;
        lines_before +=
            memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..start]).count() as u32;
        counted_to = start;
        fast.push(if keep(chunk) {
            read_block_yaml_from(chunk, lines_before, file, limits).map(Some)
        } else {
            crate::blockyaml::read(chunk, bounds, &mut crate::blockyaml::SkimSink).map(|()| None)
        });
    }
    let (docs, dups) = if fast.iter().all(Option::is_some) {
        (fast.into_iter().flatten().flatten().collect(), Vec::new())
    } else {
        let mut rest = String::with_capacity(text.len());
        let mut copied = 0;
        for (chunk, read) in chunks.iter().zip(&fast) {
            if read.is_some() {
                let start = chunk.as_ptr() as usize - text.as_ptr() as usize;
                rest.push_str(&text[copied..start]);
                rest.extend(chunk.bytes().filter(|&b| b == b'\n').map(|_| '\n'));
                copied = start + chunk.len();
            }
        }
        rest.push_str(&text[copied..]);
        let (slow, dups) = read_documents(&rest, file, limits, &err)?;
        let mut docs: Vec<Node> = fast
            .into_iter()
            .flatten()
            .flatten()
            .chain(slow.into_iter().filter(|d| d.value != Value::Null))
            .collect();
        // back in stream order: every document's first line is its own
        docs.sort_by_key(|d| match d.origin {
            Origin::File { line, column, .. } => (line, column),
            _ => (0, 0),
        });
        (docs, dups)
    };
    // no scalar can be longer than the text it is in
    if text.len() > limits.max_scalar_bytes {
        for d in &docs {
            scalars_within(d, limits, &err)?;
        }
    }
    let at = |(line, column): (u32, u32)| Origin::File { file, line, column };
    let duplicates = dups
        .into_iter()
        .map(|d| Duplicate {
            path: docs
                .iter()
                .find_map(|root| key_path(root, at(d.again)))
                .unwrap_or_default(),
            first: at(d.first),
            again: at(d.again),
        })
        .collect();
    Ok(Stream {
        docs,
        text: text.to_string(),
        duplicates,
    })
}

/// The path of the mapping entry whose key was written at `origin`.
fn key_path(root: &Node, origin: Origin) -> Option<super::Path> {
    use super::Seg;
    fn walk(n: &Node, origin: Origin, path: &mut Vec<Seg>) -> bool {
        match &n.value {
            Value::Map(m) => m.iter().any(|(k, v)| {
                path.push(Seg::Key(k.as_str().into()));
                if v.key_origin == origin || walk(v, origin, path) {
                    return true;
                }
                path.pop();
                false
            }),
            Value::Seq(items) => items.iter().enumerate().any(|(i, v)| {
                path.push(Seg::Index(i));
                if walk(v, origin, path) {
                    return true;
                }
                path.pop();
                false
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    walk(root, origin, &mut path).then_some(super::Path(path))
}

/// The full parser (serde-saphyr): every YAML construct, every error worded, every document of
/// the file merged as Helm merges them. Returns the root, how many documents it merged, and the
/// keys given twice (the later one kept, as Helm does).
fn read_full_yaml(
    text: &str,
    file: u32,
    limits: &Limits,
    err: &(dyn Fn(Option<u32>, Option<u32>, String) -> InputError + Sync),
) -> Result<(Node, usize, Vec<Pair>), InputError> {
    let (docs, dups) = read_documents(text, file, limits, err)?;
    // Helm reads every document of a values file and merges each over the ones before it; a
    // document that is empty or `null` adds nothing; any other non-map document is an error.
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for node in docs {
        match &node.value {
            Value::Map(_) => {
                documents += 1;
                match root.as_mut() {
                    Some(r) => super::merge::merge_into(r, node),
                    None => root = Some(node),
                }
            }
            Value::Null => {}
            _ => {
                let (line, column) = match node.origin {
                    Origin::File { line, column, .. } => (Some(line), Some(column)),
                    _ => (None, None),
                };
                return Err(err(
                    line,
                    column,
                    format!(
                        "the document is a {}, but a values file must be a mapping (`key: value`)",
                        node.type_name()
                    ),
                ));
            }
        }
    }
    let Some(root) = root else {
        return Err(err(
            None,
            None,
            "the file holds no values: its only document is empty or `null`".into(),
        ));
    };
    Ok((root, documents, dups))
}

/// The first tab in the indentation of a line at or after `from`: (line, column), 1-based.
fn indent_tab(text: &str, from: u32) -> Option<(u32, u32)> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
            indent.find('\t').map(|c| (i as u32 + 1, c as u32 + 1))
        })
}

/// Every document of `text`, each on its own, with the keys given twice.
fn read_documents(
    text: &str,
    file: u32,
    limits: &Limits,
    err: &(dyn Fn(Option<u32>, Option<u32>, String) -> InputError + Sync),
) -> Result<(Vec<Node>, Vec<Pair>), InputError> {
    let parse = || {
        DUPLICATES.with(|d| d.borrow_mut().clear());
        serde_saphyr::from_slice_multiple_with_options::<Option<Spanned<Raw>>>(
            text.as_bytes(),
            parser_options(limits),
        )
        .map_err(|e| {
            let loc = e.location().filter(|l| l.line() > 0);
            let message = plain_message(&e, limits);
            // a tab where indentation goes: the parser notices it at the end of the line before,
            // Helm (and the person reading) at the tab itself
            let at = match loc {
                Some(l) if message.contains("tab") => indent_tab(text, l.line() as u32)
                    .unwrap_or((l.line() as u32, l.column() as u32)),
                Some(l) => (l.line() as u32, l.column() as u32),
                None => (0, 0),
            };
            let found = loc.is_some();
            err(found.then_some(at.0), found.then_some(at.1), message)
        })
    };
    // The deserializer recurses once per nesting level, and a debug build spends tens of KiB of
    // stack per level. The parse runs on the caller's stack when it holds `max_depth` levels (the
    // CLI's main thread does, at the default limit); otherwise stacker gives it a stack segment of
    // known size on the same thread, whatever thread calls us (test threads have 2 MiB).
    let docs = stacker::maybe_grow(
        inline_stack_bytes(limits.max_depth),
        PARSER_STACK_BYTES,
        parse,
    )?;
    let dups = DUPLICATES.with(|d| std::mem::take(&mut *d.borrow_mut()));
    let nodes = docs
        .into_iter()
        .map(|doc| match doc {
            Some(doc) => {
                let at = (doc.referenced.line() as u32, doc.referenced.column() as u32);
                doc.value.into_node(file, at, at)
            }
            None => Node::new(Value::Null, Origin::Default),
        })
        .collect();
    Ok((nodes, dups))
}

/// The fast path: files in plain block style (most values files) are read without the full
/// parser; `None` sends everything else to it. See [`crate::blockyaml`].
fn read_block_yaml(text: &str, file: u32, limits: &Limits) -> Option<Node> {
    read_block_yaml_from(text, 0, file, limits)
}

/// As [`read_block_yaml`], for a document after `lines_before` lines of its stream.
fn read_block_yaml_from(text: &str, lines_before: u32, file: u32, limits: &Limits) -> Option<Node> {
    let bounds = crate::blockyaml::Bounds {
        max_depth: limits.max_depth,
        max_nodes: limits.max_nodes,
    };
    crate::blockyaml::read_from(text, lines_before as usize, bounds, &mut NodeSink { file })
        .filter(|root| matches!(root.value, Value::Map(_)))
}

/// What the fast reader reads of `text` (`None`: it declines), for the reader's own tests.
#[doc(hidden)]
pub fn read_fast(text: &str) -> Option<Node> {
    read_block_yaml(text, 0, &Limits::default())
}

/// Whether the fast reader, where it reads `text`, reads exactly what the full parser reads:
/// `Ok(true)` read and agreed, `Ok(false)` declined, `Err` (both trees) when they differ. For the
/// tests and the `block_yaml` fuzz target.
#[doc(hidden)]
pub fn check_fast_reader(text: &str) -> Result<bool, String> {
    let limits = Limits::default();
    let Some(quick) = read_block_yaml(text, 0, &limits) else {
        return Ok(false);
    };
    let err = |_: Option<u32>, _: Option<u32>, message: String| {
        InputError::new(InputErrorKind::Syntax, "", message)
    };
    let full = match read_full_yaml(text, 0, &limits, &err) {
        Ok((root, 1, _)) => Some(root),
        _ => None,
    };
    if full.as_ref() == Some(&quick) {
        Ok(true)
    } else {
        Err(format!(
            "the fast reader disagrees with the full parser\n--- text\n{text}\n--- fast\n{quick:#?}\n--- full\n{full:#?}"
        ))
    }
}

/// Builds the values tree, with positions, for [`crate::blockyaml`].
struct NodeSink {
    file: u32,
}

impl NodeSink {
    fn node(&self, value: Value, at: (u32, u32)) -> Node {
        let origin = Origin::File {
            file: self.file,
            line: at.0,
            column: at.1,
        };
        Node {
            value,
            origin,
            key_origin: origin,
        }
    }
}

impl<'a> crate::blockyaml::Sink<'a> for NodeSink {
    type Out = Node;
    fn null(&mut self, at: (u32, u32)) -> Node {
        self.node(Value::Null, at)
    }
    fn bool(&mut self, b: bool, at: (u32, u32)) -> Node {
        self.node(Value::Bool(b), at)
    }
    fn int(&mut self, i: i64, at: (u32, u32)) -> Node {
        self.node(Value::Int(i), at)
    }
    fn str(&mut self, s: Cow<'a, str>, at: (u32, u32)) -> Node {
        self.node(Value::Str(s.into_owned()), at)
    }
    fn seq(&mut self, items: Vec<Node>, at: (u32, u32)) -> Node {
        self.node(Value::Seq(items), at)
    }
    type Entry = (String, Node);
    fn entry(&mut self, key: Cow<'a, str>, at: (u32, u32), mut value: Node) -> Self::Entry {
        value.key_origin = Origin::File {
            file: self.file,
            line: at.0,
            column: at.1,
        };
        (key.into_owned(), value)
    }
    fn map(&mut self, entries: Vec<Self::Entry>, at: (u32, u32)) -> Option<Node> {
        // a key given twice: the event reader reports it with both places
        let map = Map::from_entries(entries).ok()?;
        Some(self.node(Value::Map(map), at))
    }
}

/// Parser options: Helm's YAML 1.1 reading under our limits.
fn parser_options(limits: &Limits) -> serde_saphyr::Options {
    let budget = serde_saphyr::budget! {
        max_depth: limits.max_depth,
        max_nodes: limits.max_nodes,
        max_total_scalar_bytes: limits.max_file_bytes.saturating_mul(2),
        max_documents: 1024,
        flow_nesting_limit: limits.max_depth,
    };
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = limits.max_alias_events;
    alias_limits.max_replay_stack_depth = limits.max_depth;
    serde_saphyr::options! {
        budget: budget,
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        alias_limits: alias_limits,
        // Helm reads values with a YAML 1.1 parser: 0755 is octal, yes/no/on/off are booleans
        legacy_octal_numbers: true,
        strict_booleans: false,
        with_snippet: false,
    }
}

/// serde-saphyr's message without its location prefix, with our limit names added.
fn plain_message(e: &serde_saphyr::Error, limits: &Limits) -> String {
    let msg = e.to_string();
    // drop a leading "line X column Y: " style prefix if the renderer adds one
    let msg = msg.lines().next().unwrap_or("").to_string();
    // the location is printed in front already
    let msg = match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains("column") => msg[..i].to_string(),
        _ => msg,
    };
    let lower = msg.to_lowercase();
    if lower.contains("alias")
        && (lower.contains("replay") || lower.contains("limit") || lower.contains("budget"))
    {
        format!(
            "aliases expand to more than {} events (--max-alias-events)",
            limits.max_alias_events
        )
    } else if lower.contains("depth")
        || lower.contains("nesting")
        || lower.contains("recursion limit")
    {
        format!(
            "nesting deeper than {} levels (--max-depth)",
            limits.max_depth
        )
    } else if lower.contains("nodes") {
        format!("more than {} YAML nodes: {msg}", limits.max_nodes)
    } else {
        format!("invalid YAML: {msg}")
    }
}

fn longest_scalar_over(node: &Node, max: usize) -> Option<(Origin, usize)> {
    match &node.value {
        Value::Str(s) if s.len() > max => Some((node.origin, s.len())),
        Value::Seq(items) => items.iter().find_map(|n| longest_scalar_over(n, max)),
        Value::Map(m) => m.values().find_map(|n| longest_scalar_over(n, max)),
        _ => None,
    }
}

/// A key given twice, by (line, column) of each copy.
struct Pair {
    first: (u32, u32),
    again: (u32, u32),
}

thread_local! {
    // The keys the visitor met twice in this thread's current parse (serde's visitor has no other
    // way out for them); the parse runs on this thread, on whichever stack segment.
    static DUPLICATES: std::cell::RefCell<Vec<Pair>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A scalar mapping key, converted to the string Helm would use.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key("null".to_string()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key("null".to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The tree as serde-saphyr hands it over, before file ids are attached.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Key>, Spanned<Raw>)>),
}

impl Raw {
    fn into_node(self, file: u32, at: (u32, u32), key_at: (u32, u32)) -> Node {
        let origin = Origin::File {
            file,
            line: at.0,
            column: at.1,
        };
        let key_origin = Origin::File {
            file,
            line: key_at.0,
            column: key_at.1,
        };
        let value = match self {
            Raw::Null => Value::Null,
            Raw::Bool(b) => Value::Bool(b),
            Raw::Int(i) => Value::Int(i),
            Raw::Float(f) => Value::Float(f),
            Raw::Str(s) => Value::Str(s),
            Raw::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|s| {
                        let loc = loc(&s);
                        s.value.into_node(file, loc, loc)
                    })
                    .collect(),
            ),
            // `visit_map` kept the later of two equal keys
            Raw::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let kl = loc(&k);
                        let vl = loc(&v);
                        (k.value.0, v.value.into_node(file, vl, kl))
                    })
                    .collect(),
            ),
        };
        Node {
            value,
            origin,
            key_origin,
        }
    }
}

fn loc<T>(s: &Spanned<T>) -> (u32, u32) {
    (s.referenced.line() as u32, s.referenced.column() as u32)
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries: Vec<(Spanned<Key>, Spanned<Raw>)> = Vec::new();
        let mut seen: std::collections::HashMap<String, (u32, u32)> =
            std::collections::HashMap::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            let at = loc(&key);
            if let Some(first) = seen.insert(key.value.0.clone(), at) {
                // Helm keeps the later value; the caller decides whether that is an error
                DUPLICATES.with(|d| d.borrow_mut().push(Pair { first, again: at }));
                entries.retain(|(k, _)| k.value.0 != key.value.0);
            }
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The deepest documents the default limit allows, each nesting the way it can: block maps,
    /// block lists, flow lists, and an anchor replayed deep inside another nest.
    fn deepest_documents() -> Vec<String> {
        let d = Limits::default().max_depth - 1;
        let block_maps: String = (0..d).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        let block_lists = format!("k:\n{}1\n", "- ".repeat(d - 1));
        let flow = format!("k: {}1{}\n", "[".repeat(d - 1), "]".repeat(d - 1));
        let half = d / 2;
        let anchored = format!(
            "a: &a {}1{}\nb: {}*a{}\n",
            "[".repeat(half - 1),
            "]".repeat(half - 1),
            "[".repeat(d - half - 1),
            "]".repeat(d - half - 1)
        );
        vec![block_maps, block_lists, flow, anchored]
    }

    #[test]
    fn the_inline_budget_holds_the_deepest_document() {
        let limits = Limits::default();
        let need = inline_stack_bytes(limits.max_depth);
        let slack = 128 * 1024;
        for doc in deepest_documents() {
            let parsed = std::thread::Builder::new()
                .stack_size(need + slack)
                .spawn(move || {
                    // the parse takes the inline path, on a stack no larger than the budget
                    let left = stacker::remaining_stack().expect("linux reports the stack");
                    assert!(
                        left >= need && left < need + slack,
                        "{left} left, {need} needed"
                    );
                    parse_document(doc.as_bytes(), "deep.yaml", 0, &limits).map(|_| ())
                })
                .unwrap()
                .join();
            match parsed {
                Ok(result) => result.unwrap(),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    }

    fn load(bytes: &[u8]) -> Result<Document, InputError> {
        parse_document(bytes, "v.yaml", 0, &Limits::default())
    }

    fn err(bytes: &[u8]) -> String {
        match load(bytes) {
            Ok(_) => panic!("{:?} loaded", String::from_utf8_lossy(bytes)),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn values_remember_line_and_column() {
        let d = load(b"global:\n  airbyteUrl: https://a.example\ningress:\n  hosts:\n    - host: a.example\n").unwrap();
        let url = d
            .root
            .at(&super::super::Path::parse("global.airbyteUrl"))
            .unwrap();
        assert_eq!(
            url.origin,
            Origin::File {
                file: 0,
                line: 2,
                column: 15
            }
        );
        assert_eq!(
            url.key_origin,
            Origin::File {
                file: 0,
                line: 2,
                column: 3
            }
        );
        let host = d
            .root
            .at(&super::super::Path::parse("ingress.hosts[0].host"))
            .unwrap();
        assert_eq!(
            host.origin,
            Origin::File {
                file: 0,
                line: 5,
                column: 13
            }
        );
    }

    #[test]
    fn bom_and_crlf_just_work() {
        let d = load(b"\xEF\xBB\xBFingress:\r\n  enabled: true\r\n  className: nginx\r\n").unwrap();
        let class = d
            .root
            .at(&super::super::Path::parse("ingress.className"))
            .unwrap();
        assert_eq!(class.value, Value::Str("nginx".into()));
        assert_eq!(
            class.origin,
            Origin::File {
                file: 0,
                line: 3,
                column: 14
            }
        );
    }

    #[test]
    fn duplicate_keys_keep_the_later_value_and_are_reported_with_both_places() {
        let d =
            load(b"ingress:\n  enabled: true\n  enabled: false\nenv:\n  - {K: 1, K: 2}\n").unwrap();
        assert_eq!(
            d.root
                .at(&super::super::Path::parse("ingress.enabled"))
                .unwrap()
                .value,
            Value::Bool(false)
        );
        let at = |line, column| Origin::File {
            file: 0,
            line,
            column,
        };
        assert_eq!(
            d.duplicates,
            [
                Duplicate {
                    path: super::super::Path::parse("ingress.enabled"),
                    first: at(2, 3),
                    again: at(3, 3)
                },
                Duplicate {
                    path: super::super::Path::parse("env[0].K"),
                    first: at(5, 6),
                    again: at(5, 12)
                }
            ]
        );
    }

    #[test]
    fn input_errors_name_file_line_and_problem() {
        assert!(err(b"a: 1\nb: \xff\xfe\n").starts_with("v.yaml:2:4: invalid UTF-8"));
        assert!(err(b"").contains("empty"));
        assert!(err(b"# nothing\n\n").contains("empty"));
        assert!(err(b"~\n").contains("no values"));
        assert!(err(b"- a\n- b\n").starts_with("v.yaml:1:1: the document is a list"));
        assert!(err(b"just a string\n").contains("is a string"));
        assert!(
            err(b"a: [1, 2\n").starts_with("v.yaml:"),
            "{}",
            err(b"a: [1, 2\n")
        );
        assert!(err(b"a:\n\tb: 1\n").contains("invalid YAML"));
        assert!(err(b"a: 1\n---\n- x\n").contains("is a list"));
    }

    #[test]
    fn size_limit_is_enforced() {
        let limits = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        let e = parse_document(b"a: 0123456789\n", "v.yaml", 0, &limits)
            .err()
            .unwrap();
        assert!(e.message.contains("over the limit of 10 bytes"), "{e}");
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut s = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            s.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 9].join(",")));
        }
        let e = err(s.as_bytes());
        assert!(
            e.contains("alias") || e.contains("nodes") || e.contains("budget"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let flow = format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(
            err(flow.as_bytes()),
            "v.yaml:1:68: nesting deeper than 64 levels (--max-depth)"
        );
        let mut block = String::new();
        for i in 0..100 {
            block.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
        }
        block.push_str(&format!("{}v: 1\n", "  ".repeat(100)));
        let e = err(block.as_bytes());
        assert!(e.contains("nesting") || e.contains("depth"), "{e}");
    }

    #[test]
    fn several_documents_merge_as_helm_does() {
        let d = load(b"a: {p: 1, r: 3}\n---\na: {q: 2, r: null}\n---\n").unwrap();
        assert_eq!(d.documents, 2);
        assert_eq!(
            d.root.to_json(),
            serde_json::json!({"a": {"p": 1, "q": 2, "r": null}})
        );
    }

    #[test]
    fn yaml_1_1_scalars_as_helm_reads_them() {
        let d = load(b"a: yes\nb: off\nc: 0755\nd: '0755'\ne: 1_000\n").unwrap();
        assert_eq!(
            d.root.to_json(),
            serde_json::json!({"a": true, "b": false, "c": 493, "d": "0755", "e": 1000})
        );
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;
    use proptest::prelude::*;

    /// What the full parser alone reads of a stream: the reference for the mixed reading.
    fn full(text: &str) -> Vec<Node> {
        let err = located("s");
        let (docs, _) = read_documents(text, 0, &Limits::default(), &err).unwrap();
        docs.into_iter()
            .filter(|d| d.value != Value::Null)
            .collect()
    }

    /// Documents the fast reader takes and documents it leaves to the full parser (an anchor, a
    /// block scalar, a flow map, a list on two lines), with comments between them.
    const POOL: [&str; 8] = [
        "a: 1\nb: [x, \"y\"]\n",
        "# only a comment\n",
        "c: &k v\nd: *k\n",
        "e: |\n  text\n  more\nf: 2\n",
        "g:\n  {}\nh: 6f1c0d2e-0000-4000\n",
        "i: {j: 1}\n",
        "k: [1,\n  2]\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever mix of documents a stream holds, reading the fast ones fast and the rest
        /// with the full parser gives what the full parser alone gives, positions included.
        #[test]
        fn a_mixed_stream_reads_as_the_full_parser_reads_it(
            picks in prop::collection::vec(0..POOL.len(), 1..8),
            leading in any::<bool>(),
        ) {
            // a stream of comments only is an empty file, an input error either way
            prop_assume!(picks.iter().any(|&i| i != 1));
            let mut text = if leading { "---\n".to_string() } else { String::new() };
            let docs: Vec<&str> = picks.iter().map(|&i| POOL[i]).collect();
            text.push_str(&docs.join("---\n"));
            let stream = parse_stream(text.as_bytes(), "s", 0, &Limits::default()).unwrap();
            prop_assert_eq!(stream.docs, full(&text));
        }
    }

    /// A tab in the indentation is said at its own line, as Helm says it.
    #[test]
    fn a_tab_is_placed_where_it_is() {
        let text = "global:\n  airbyteUrl: https://a.example.com\ningress:\n  enabled: true\n\tclassName: nginx\n";
        let Err(e) = parse_stream(text.as_bytes(), "v", 0, &Limits::default()) else {
            panic!("a tab in the indentation was read")
        };
        assert_eq!((e.line, e.column), (Some(5), Some(1)), "{e}");
        let Err(e) = parse_document(text.as_bytes(), "v", 0, &Limits::default()) else {
            panic!("a tab in the indentation was read")
        };
        assert_eq!((e.line, e.column), (Some(5), Some(1)), "{e}");
    }

    /// Documents a caller does not want as trees are skimmed and left out; everything else is
    /// as the full parser reads it, and a skimmed document that is not well formed is still an
    /// error (or, with a key given twice, read in full so the duplicate is said).
    #[test]
    fn skimmed_documents_are_left_out_but_still_checked() {
        let keep = |d: &str| !d.contains("kind: Deployment");
        let deployment = "kind: Deployment\nspec:\n  replicas: 1\n";
        let text = format!("{}---\n{deployment}---\n{}", POOL[0], POOL[7]);
        let s = parse_stream_keeping(text.as_bytes(), "s", 0, &Limits::default(), &keep).unwrap();
        let want: Vec<Node> = full(&text).into_iter().filter(|d| {
            !matches!(&d.value, Value::Map(m) if m.get("kind").is_some_and(|k| k.value == Value::Str("Deployment".into())))
        }).collect();
        assert_eq!(s.docs, want);
        assert_eq!(s.docs.len(), 2);
        let broken = format!("{}---\nkind: Deployment\nspec: [\n", POOL[0]);
        assert!(
            parse_stream_keeping(broken.as_bytes(), "s", 0, &Limits::default(), &keep).is_err()
        );
        let twice = format!("{}---\nkind: Deployment\nspec: 1\nspec: 2\n", POOL[0]);
        let s = parse_stream_keeping(twice.as_bytes(), "s", 0, &Limits::default(), &keep).unwrap();
        assert_eq!(s.duplicates.len(), 1);
    }

    /// The real chart's whole render: most documents fast, a few (a ConfigMap's block scalar, a
    /// list written over two lines) by the full parser; the result is the full parser's.
    #[test]
    fn a_whole_chart_render_reads_as_the_full_parser_reads_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/conformance/full-render");
        let mut seen = 0;
        for chart in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            for case in std::fs::read_dir(chart.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let Ok(text) = std::fs::read_to_string(case.path().join("rendered.yaml")) else {
                    continue;
                };
                let stream = parse_stream(text.as_bytes(), "s", 0, &Limits::default()).unwrap();
                assert_eq!(stream.docs, full(&text), "{}", case.path().display());
                seen += 1;
            }
        }
        assert!(seen >= 4, "only {seen} renders");
    }
}
