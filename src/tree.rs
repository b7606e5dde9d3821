//! A rendered document read back: a tree that borrows its strings from the rendered text, with
//! mappings kept as lists of entries in document order. Typed checks read it through serde
//! (`T::deserialize(&tree)`, as `serde_json::from_value` reads a JSON value); the JSON view is
//! built only when JSON is printed. Against a `serde_json::Value`, whose maps copy and hash every
//! key, reading back a 55,000-line Ingress fell from 111 M to 70 M instructions.

use std::borrow::Cow;

use serde::de::value::{Error, MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};

#[derive(Clone, Debug, PartialEq)]
pub enum Tree<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Seq(Vec<Tree<'a>>),
    Map(Vec<(Cow<'a, str>, Tree<'a>)>),
}

impl<'a> Tree<'a> {
    /// A mapping's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Tree<'a>> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of keys (`["metadata", "name"]`).
    pub fn at(&self, keys: &[&str]) -> Option<&Tree<'a>> {
        keys.iter().try_fold(self, |t, k| t.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Tree::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON view (integers stay integers, as `serde_json` reads YAML's).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Tree::Null => J::Null,
            Tree::Bool(b) => J::Bool(*b),
            Tree::Int(i) => J::from(*i),
            Tree::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Tree::Str(s) => J::String(s.to_string()),
            Tree::Seq(items) => J::Array(items.iter().map(Tree::to_json).collect()),
            Tree::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Tree::Null => de::Unexpected::Unit,
            Tree::Bool(b) => de::Unexpected::Bool(*b),
            Tree::Int(i) => de::Unexpected::Signed(*i),
            Tree::Float(f) => de::Unexpected::Float(*f),
            Tree::Str(s) => de::Unexpected::Str(s),
            Tree::Seq(_) => de::Unexpected::Seq,
            Tree::Map(_) => de::Unexpected::Map,
        }
    }
}

/// The first key that repeats among `entries`: a scan for the few keys of most mappings, a set
/// beyond.
pub fn duplicate_key<'e, T>(entries: &'e [(Cow<'_, str>, T)]) -> Option<&'e str> {
    const SCAN: usize = 16;
    if entries.len() <= SCAN {
        return entries.iter().enumerate().find_map(|(i, (k, _))| {
            entries[..i]
                .iter()
                .any(|(seen, _)| seen == k)
                .then_some(k.as_ref())
        });
    }
    let mut seen = foldhash::HashSet::with_capacity_and_hasher(entries.len(), Default::default());
    entries
        .iter()
        .map(|(k, _)| k.as_ref())
        .find(|k| !seen.insert(*k))
}

/// Bounds for reading our own output: as deep as our templates and as large as the values allow
/// (already bounded when they were read).
pub const RENDERED: crate::blockyaml::Bounds = crate::blockyaml::Bounds {
    max_depth: 64,
    max_nodes: usize::MAX,
};

/// Builds a [`Tree`] for [`crate::blockyaml`].
pub struct TreeSink;

impl<'a> crate::blockyaml::Sink<'a> for TreeSink {
    type Out = Tree<'a>;
    fn null(&mut self, _: (u32, u32)) -> Tree<'a> {
        Tree::Null
    }
    fn bool(&mut self, b: bool, _: (u32, u32)) -> Tree<'a> {
        Tree::Bool(b)
    }
    fn int(&mut self, i: i64, _: (u32, u32)) -> Tree<'a> {
        Tree::Int(i)
    }
    fn str(&mut self, s: Cow<'a, str>, _: (u32, u32)) -> Tree<'a> {
        Tree::Str(s)
    }
    fn seq(&mut self, items: Vec<Tree<'a>>, _: (u32, u32)) -> Tree<'a> {
        Tree::Seq(items)
    }
    type Entry = (Cow<'a, str>, Tree<'a>);
    fn entry(&mut self, key: Cow<'a, str>, _: (u32, u32), value: Tree<'a>) -> Self::Entry {
        (key, value)
    }
    fn map(&mut self, entries: Vec<Self::Entry>, _: (u32, u32)) -> Option<Tree<'a>> {
        duplicate_key(&entries)
            .is_none()
            .then_some(Tree::Map(entries))
    }
}

impl<'de, 'a: 'de> IntoDeserializer<'de, Error> for &'de Tree<'a> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, 'a: 'de> de::Deserializer<'de> for &'de Tree<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self {
            Tree::Null => v.visit_unit(),
            Tree::Bool(b) => v.visit_bool(*b),
            Tree::Int(i) => v.visit_i64(*i),
            Tree::Float(f) => v.visit_f64(*f),
            Tree::Str(s) => v.visit_borrowed_str(s),
            Tree::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let out = v.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Tree::Map(entries) => {
                let mut map = MapDeserializer::new(entries.iter().map(|(k, t)| (k.as_ref(), t)));
                let out = v.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self {
            Tree::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match self {
            Tree::Str(s) => v.visit_enum(StrDeserializer::<Error>::new(s)),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a string naming a variant",
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn read(text: &str) -> Tree<'_> {
        crate::blockyaml::read(text, RENDERED, &mut TreeSink).unwrap()
    }

    #[test]
    fn strings_borrow_the_text_unless_an_escape_made_them() {
        let t = read("a: plain\nb: \"quoted\"\nc: 'single'\nd: \"esc\\\"aped\"\ne: 'it''s'\n");
        let borrowed = |k: &str| matches!(t.get(k), Some(Tree::Str(Cow::Borrowed(_))));
        assert!(borrowed("a") && borrowed("b") && borrowed("c"));
        assert_eq!(t.get("d"), Some(&Tree::Str(Cow::Owned("esc\"aped".into()))));
        assert_eq!(t.get("e"), Some(&Tree::Str(Cow::Owned("it's".into()))));
        assert_eq!(
            t.at(&["a"]).and_then(Tree::as_str),
            Some("plain"),
            "a path of one key"
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_small_and_large_mappings() {
        for n in [2, 16, 17, 500] {
            let mut entries: Vec<(Cow<'_, str>, ())> =
                (0..n).map(|i| (Cow::Owned(format!("k{i}")), ())).collect();
            assert_eq!(duplicate_key(&entries), None, "{n} distinct keys");
            entries.push((Cow::Borrowed("k1"), ()));
            assert_eq!(duplicate_key(&entries), Some("k1"), "{n} keys and a repeat");
        }
        // the fast reader declines a repeated key (the full parser words it)
        assert!(crate::blockyaml::read("a: 1\nb: 2\na: 3\n", RENDERED, &mut TreeSink).is_none());
    }

    /// Typed reads through the tree agree with reads through its JSON view, failures included.
    #[test]
    fn reads_types_as_serde_json_reads_the_json_view() {
        use k8s_openapi::api::networking::v1::Ingress;
        let ok = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\nspec:\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: s\n                port:\n                  number: 80\n";
        let bad = ok.replace("number: 80", "number: eighty");
        for text in [ok, bad.as_str()] {
            let t = read(text);
            let via_tree = Ingress::deserialize(&t).map_err(|e| e.to_string());
            let via_json = serde_json::from_value::<Ingress>(t.to_json());
            assert_eq!(via_tree.is_ok(), via_json.is_ok(), "{text}");
            if let (Ok(a), Ok(b)) = (via_tree, via_json) {
                assert_eq!(a, b);
            }
        }
        let t = read("kind: []\nnum: 3\nz: ~\nb: true\n");
        assert_eq!(
            t.to_json(),
            serde_json::json!({"kind": [], "num": 3, "z": null, "b": true})
        );
    }
}
