//! Typed values read straight from the tree: `T::deserialize(&node)`, as `serde_json::from_value`
//! would read the tree's JSON view, without building that view.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};

use super::{Node, Value};

impl<'de> IntoDeserializer<'de, Error> for &'de Node {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Int(i) => v.visit_i64(*i),
            Value::Float(f) if f.is_finite() => v.visit_f64(*f),
            // the JSON view has no NaN or infinity: it holds null there
            Value::Float(_) => v.visit_unit(),
            Value::Str(s) => v.visit_borrowed_str(s),
            Value::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let out = v.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Value::Map(m) => {
                let mut map = MapDeserializer::new(m.iter().map(|(k, n)| (k.as_str(), n)));
                let out = v.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Null => v.visit_none(),
            Value::Float(f) if !f.is_finite() => v.visit_none(),
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
        match &self.value {
            Value::Str(s) => v.visit_enum(StrDeserializer::<Error>::new(s)),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a string naming a variant",
            )),
        }
    }

    /// Keys the model does not describe (most of a full values.yaml) are skipped without a walk.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl Node {
    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.value {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Int(i) => de::Unexpected::Signed(*i),
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::Str(s) => de::Unexpected::Str(s),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::super::{Limits, parse_document};

    /// Every file the project has reads into the model the same from the tree as from its JSON
    /// view (or fails on both).
    #[test]
    fn reads_the_model_as_serde_json_reads_the_json_view() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for dir in [
            "fixtures/valid",
            "fixtures/invalid",
            "fixtures/v1",
            "examples",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read(&path).unwrap();
                let Ok(doc) = parse_document(&text, "v.yaml", 0, &Limits::default()) else {
                    continue;
                };
                let direct = crate::model::Values::deserialize(&doc.root);
                let via_json = serde_json::from_value::<crate::model::Values>(doc.root.to_json());
                match (direct, via_json) {
                    (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{path:?}"),
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("{path:?}: from the tree {a:?}, from JSON {b:?}"),
                }
                compared += 1;
            }
        }
        assert!(compared > 20, "{compared}");
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in [
            "ingress:\n  enabled: \"yes\"\n",
            "ingress:\n  hosts: {a: 1}\n",
            "server:\n  service:\n    port: 70000\n",
            "ingress:\n  hosts:\n    - host: a\n      paths:\n        - path: /\n          pathType: prefix\n",
        ] {
            let doc = parse_document(text.as_bytes(), "v.yaml", 0, &Limits::default()).unwrap();
            assert!(
                crate::model::Values::deserialize(&doc.root).is_err(),
                "{text}"
            );
            assert!(serde_json::from_value::<crate::model::Values>(doc.root.to_json()).is_err());
        }
    }
}
