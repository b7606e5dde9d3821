//! One values file: bytes -> a tree of [`Node`]s with line:column origins, under explicit limits.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use serde_saphyr::options::DuplicateKeyPolicy;

use super::{LoadError, Map, Node, Origin, Value};

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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 1_000_000,
            max_alias_events: 100_000,
            max_scalar_bytes: 1024 * 1024,
        }
    }
}

/// A parsed values file.
pub struct Document {
    pub root: Node,
    /// The text as read (BOM removed), kept for source-line excerpts in diagnostics.
    pub text: String,
    /// Documents after the first (`---`), which Helm ignores.
    pub extra_documents: usize,
}

/// Parses the first YAML document of a values file. `name` is used in errors; `file` is the index
/// recorded in every [`Origin::File`].
pub fn parse_document(
    bytes: &[u8],
    name: &str,
    file: u32,
    limits: &Limits,
) -> Result<Document, LoadError> {
    let err = |line: Option<u32>, col: Option<u32>, message: String| LoadError {
        location: match (line, col) {
            (Some(l), Some(c)) => format!("{name}:{l}:{c}"),
            (Some(l), None) => format!("{name}:{l}"),
            _ => name.to_string(),
        },
        message,
    };
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
                "invalid UTF-8: values files must be UTF-8 text".into(),
            ));
        }
    };
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].matches('\n').count() as u32 + 1;
        return Err(err(
            Some(line),
            None,
            "a NUL byte: values files must be text".into(),
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
    let options = serde_saphyr::options! {
        budget: budget,
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        alias_limits: alias_limits,
        // Helm reads values with a YAML 1.1 parser: 0755 is octal, yes/no/on/off are booleans
        legacy_octal_numbers: true,
        strict_booleans: false,
        with_snippet: false,
    };
    DUPLICATE.with(|d| d.borrow_mut().take());
    let docs: Vec<Option<Spanned<Raw>>> =
        serde_saphyr::from_slice_multiple_with_options(text.as_bytes(), options).map_err(|e| {
            if let Some(dup) = DUPLICATE.with(|d| d.borrow_mut().take()) {
                return err(Some(dup.again.0), Some(dup.again.1), dup.message());
            }
            let loc = e.location().filter(|l| l.line() > 0);
            err(
                loc.map(|l| l.line() as u32),
                loc.map(|l| l.column() as u32),
                plain_message(&e, limits),
            )
        })?;
    let mut docs = docs.into_iter();
    let first = match docs.next() {
        Some(Some(d)) => d,
        _ => {
            return Err(err(
                None,
                None,
                "the file is empty: it holds no YAML document".into(),
            ));
        }
    };
    let extra_documents = docs.count();
    let root_loc = (
        first.referenced.line() as u32,
        first.referenced.column() as u32,
    );
    let root = first.value.into_node(file, root_loc, root_loc);
    match &root.value {
        Value::Map(_) => {}
        Value::Null => {
            return Err(err(
                None,
                None,
                "the first YAML document is empty: a values file must hold a mapping".into(),
            ));
        }
        _ => {
            return Err(err(
                Some(root_loc.0),
                Some(root_loc.1),
                format!(
                    "the document is a {}, but a values file must be a mapping (`key: value`)",
                    root.type_name()
                ),
            ));
        }
    }
    if let Some((origin, len)) = longest_scalar_over(&root, limits.max_scalar_bytes) {
        let (line, column) = match origin {
            Origin::File { line, column, .. } => (Some(line), Some(column)),
            _ => (None, None),
        };
        return Err(err(
            line,
            column,
            format!(
                "a scalar of {len} bytes, over the limit of {} bytes (--max-scalar-bytes)",
                limits.max_scalar_bytes
            ),
        ));
    }
    Ok(Document {
        root,
        text: text.to_string(),
        extra_documents,
    })
}

/// serde-saphyr's message without its location prefix, with our limit names added.
fn plain_message(e: &serde_saphyr::Error, limits: &Limits) -> String {
    let msg = e.to_string();
    // drop a leading "line X column Y: " style prefix if the renderer adds one
    let msg = msg.lines().next().unwrap_or("").to_string();
    let lower = msg.to_lowercase();
    if lower.contains("alias")
        && (lower.contains("replay") || lower.contains("limit") || lower.contains("budget"))
    {
        format!(
            "aliases expand to more than {} events (--max-alias-events): {msg}",
            limits.max_alias_events
        )
    } else if lower.contains("depth") || lower.contains("nesting") {
        format!(
            "nesting deeper than {} levels (--max-depth): {msg}",
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

struct Duplicate {
    key: String,
    first: (u32, u32),
    again: (u32, u32),
}

impl Duplicate {
    fn message(&self) -> String {
        format!(
            "duplicate key `{}`: first at line {}, column {}, again at line {}, column {}; YAML requires unique keys (remove one)",
            self.key, self.first.0, self.first.1, self.again.0, self.again.1
        )
    }
}

thread_local! {
    // The first duplicate key the visitor met in this thread's current parse. Serde's visitor cannot
    // return a rich error with two locations, so it records the pair here and fails the parse.
    static DUPLICATE: std::cell::RefCell<Option<Duplicate>> = const { std::cell::RefCell::new(None) };
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
            Raw::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    let kl = loc(&k);
                    let vl = loc(&v);
                    map.insert(k.value.0, v.value.into_node(file, vl, kl));
                }
                Value::Map(map)
            }
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
            if let Some(first) = seen.get(&key.value.0) {
                let dup = Duplicate {
                    key: key.value.0.clone(),
                    first: *first,
                    again: at,
                };
                let msg = dup.message();
                DUPLICATE.with(|d| *d.borrow_mut() = Some(dup));
                return Err(de::Error::custom(msg));
            }
            seen.insert(key.value.0.clone(), at);
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}
