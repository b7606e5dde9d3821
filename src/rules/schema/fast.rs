//! A fast draft-07 check of the values tree against the published schema: it vouches only for
//! what provably conforms, and everything else goes to the jsonschema validator, which words the
//! errors. Tests hold it to jsonschema's verdict.

use crate::values::{Node, Value};

/// Whether `instance` conforms to `node` (a subschema of `root`), for the draft-07 subset the
/// published schema uses: `type`, `properties`, `additionalProperties`, `required`, `items`,
/// `enum`, `anyOf`, `minimum`, `maximum`, `$ref` into `#/definitions`, schemars' numeric
/// `format`s, and annotations. `Some(true)` only where jsonschema would agree; `None` for any
/// keyword or shape outside that subset, so the caller asks jsonschema. Tests hold it to
/// jsonschema's verdict on every fixture and on generated instances.
pub fn conforms<I: Instance>(
    root: &serde_json::Value,
    node: &serde_json::Value,
    instance: &I,
) -> Option<bool> {
    conforms_at(root, node, instance, 0)
}

/// What the fast check reads of an instance: the JSON view, or the values tree itself (which
/// saves building the view when the values conform).
pub trait Instance {
    fn kind(&self) -> Kind;
    /// The items of a list (empty otherwise).
    fn items(&self) -> impl Iterator<Item = &Self>;
    /// The entries of a map (empty otherwise).
    fn entries(&self) -> impl Iterator<Item = (&str, &Self)>;
    /// Whether this is exactly the JSON `v` (for `enum`).
    fn is_json(&self, v: &serde_json::Value) -> bool;
}

/// An instance value as JSON Schema types it; `Number` is any number that is not a plain integer.
pub enum Kind {
    Null,
    Bool,
    Int(i64),
    Number,
    Str,
    Seq,
    Map,
}

impl Instance for serde_json::Value {
    fn kind(&self) -> Kind {
        use serde_json::Value as J;
        match self {
            J::Null => Kind::Null,
            J::Bool(_) => Kind::Bool,
            J::Number(n) => n.as_i64().map_or(Kind::Number, Kind::Int),
            J::String(_) => Kind::Str,
            J::Array(_) => Kind::Seq,
            J::Object(_) => Kind::Map,
        }
    }
    fn items(&self) -> impl Iterator<Item = &Self> {
        self.as_array().into_iter().flatten()
    }
    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        self.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
    fn is_json(&self, v: &serde_json::Value) -> bool {
        self == v
    }
}

impl Instance for Node {
    fn kind(&self) -> Kind {
        match &self.value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Int(i) => Kind::Int(*i),
            // NaN and infinity are null in the JSON view
            Value::Float(f) if !f.is_finite() => Kind::Null,
            Value::Float(_) => Kind::Number,
            Value::Str(_) => Kind::Str,
            Value::Seq(_) => Kind::Seq,
            Value::Map(_) => Kind::Map,
        }
    }
    fn items(&self) -> impl Iterator<Item = &Self> {
        match &self.value {
            Value::Seq(items) => items.as_slice(),
            _ => &[],
        }
        .iter()
    }
    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        self.as_map()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
    fn is_json(&self, v: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (&self.value, v) {
            (Value::Str(a), J::String(b)) => a == b,
            (Value::Bool(a), J::Bool(b)) => a == b,
            (Value::Int(a), J::Number(b)) => b.as_i64() == Some(*a),
            (Value::Null, J::Null) => true,
            _ => false,
        }
    }
}

fn conforms_at<I: Instance>(
    root: &serde_json::Value,
    node: &serde_json::Value,
    instance: &I,
    depth: usize,
) -> Option<bool> {
    use serde_json::Value as J;
    if depth > 64 {
        return None;
    }
    let schema = match node {
        J::Bool(b) => return Some(*b),
        J::Object(m) => m,
        _ => return None,
    };
    let mut ok = true;
    for (key, want) in schema {
        let verdict = match key.as_str() {
            "$schema" | "title" | "description" | "default" | "examples" | "definitions" => {
                Some(true)
            }
            // schemars' integer widths: jsonschema does not know them and ignores them
            "format" => match want.as_str() {
                Some(
                    "uint8" | "uint16" | "uint32" | "uint64" | "int8" | "int16" | "int32" | "int64",
                ) => Some(true),
                _ => None,
            },
            "$ref" => {
                let target =
                    want.as_str()
                        .and_then(|r| match r.strip_prefix("#/definitions/") {
                            Some(name) if !name.contains(['/', '~']) => {
                                field(root.as_object()?, "definitions")?
                                    .as_object()
                                    .and_then(|d| field(d, name))
                            }
                            _ => root.pointer(r.strip_prefix('#')?),
                        })?;
                conforms_at(root, target, instance, depth + 1)
            }
            "type" => match want {
                J::String(t) => type_is(t, instance),
                J::Array(ts) => any(ts
                    .iter()
                    .map(|t| t.as_str().and_then(|t| type_is(t, instance)))),
                _ => None,
            },
            "enum" => {
                let options = want.as_array()?;
                if options.iter().any(|o| instance.is_json(o)) {
                    Some(true)
                } else if matches!(instance.kind(), Kind::Int(_) | Kind::Number) {
                    None // 1 and 1.0 are equal to jsonschema
                } else {
                    Some(false)
                }
            }
            "anyOf" => any(want
                .as_array()?
                .iter()
                .map(|branch| conforms_at(root, branch, instance, depth + 1))),
            "minimum" | "maximum" => match instance.kind() {
                Kind::Int(n) => {
                    let bound = want.as_i64()?;
                    Some(if key == "minimum" {
                        n >= bound
                    } else {
                        n <= bound
                    })
                }
                Kind::Number => None,
                _ => Some(true),
            },
            "required" => match instance.kind() {
                Kind::Map => {
                    let mut all = true;
                    for k in want.as_array()? {
                        let k = k.as_str()?;
                        all &= instance.entries().any(|(key, _)| key == k);
                    }
                    Some(all)
                }
                _ => Some(true),
            },
            "properties" => match instance.kind() {
                Kind::Map => {
                    let props = want.as_object()?;
                    let mut all = Some(true);
                    for (k, v) in instance.entries() {
                        if let Some(sub) = field(props, k) {
                            all = and(all, conforms_at(root, sub, v, depth + 1));
                        }
                    }
                    all
                }
                _ => Some(true),
            },
            "additionalProperties" => match instance.kind() {
                Kind::Map => {
                    let props = field(schema, "properties").and_then(|p| p.as_object());
                    if field(schema, "patternProperties").is_some() {
                        None
                    } else {
                        let mut all = Some(true);
                        for (k, v) in instance.entries() {
                            if props.is_none_or(|p| field(p, k).is_none()) {
                                all = and(all, conforms_at(root, want, v, depth + 1));
                            }
                        }
                        all
                    }
                }
                _ => Some(true),
            },
            "items" => match (instance.kind(), want) {
                (Kind::Seq, J::Object(_) | J::Bool(_)) => {
                    let mut all = Some(true);
                    for item in instance.items() {
                        all = and(all, conforms_at(root, want, item, depth + 1));
                    }
                    all
                }
                (Kind::Seq, _) => None,
                _ => Some(true),
            },
            _ => None,
        };
        match verdict {
            Some(true) => {}
            Some(false) => ok = false,
            None => return None,
        }
    }
    Some(ok)
}

/// A schema object's entry by a scan: schema objects hold a handful of keys, where comparing
/// them beats hashing the one asked for (this runs for every value of the instance).
fn field<'a>(
    m: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Value> {
    m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

/// Whether any verdict holds: true wins over unknown, unknown over false (stops at the first true).
fn any(verdicts: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut out = Some(false);
    for v in verdicts {
        match v {
            Some(true) => return Some(true),
            Some(false) => {}
            None => out = None,
        }
    }
    out
}

/// Both verdicts together: false wins over unknown, unknown over true.
fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn type_is<I: Instance>(t: &str, v: &I) -> Option<bool> {
    let kind = v.kind();
    Some(match t {
        "null" => matches!(kind, Kind::Null),
        "boolean" => matches!(kind, Kind::Bool),
        "string" => matches!(kind, Kind::Str),
        "object" => matches!(kind, Kind::Map),
        "array" => matches!(kind, Kind::Seq),
        "number" => matches!(kind, Kind::Int(_) | Kind::Number),
        "integer" => match kind {
            Kind::Int(_) => true,
            Kind::Number => return None, // 2.0 counts as an integer to jsonschema
            _ => false,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value as J, json};

    use super::super::{described_values, validator};
    use super::conforms;

    fn loaded(text: &str) -> Option<crate::values::Node> {
        let inputs = crate::values::ValueInputs {
            files: vec!["values.yaml".into()],
            ..Default::default()
        };
        let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
        let loaded = crate::values::load(&inputs, crate::chart_defaults(), &mut read).ok()?;
        Some(loaded.root)
    }

    fn described(text: &str) -> Option<J> {
        loaded(text).map(|root| described_values(&root))
    }

    fn jsonschema_says(instance: &J) -> bool {
        validator().is_valid(instance)
    }

    /// The described values of every valid fixture and the example, loaded once.
    fn valid_instances() -> &'static [J] {
        static V: std::sync::OnceLock<Vec<J>> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            crate::test_corpus()
                .into_iter()
                .filter(|(n, _)| n.contains("/valid/") || n.contains("/examples/"))
                .filter_map(|(_, t)| described(&t))
                .collect()
        })
    }

    #[test]
    fn the_fast_verdict_agrees_with_jsonschema_on_every_known_input() {
        let schema = crate::model::schema();
        let mut decided = 0;
        for (name, text) in crate::test_corpus() {
            let Some(instance) = described(&text) else {
                continue;
            };
            let full = jsonschema_says(&instance);
            // the check reads the tree itself; it must judge as it judges the JSON view
            let root = loaded(&text).unwrap();
            assert_eq!(
                conforms(schema, schema, &root),
                conforms(schema, schema, &instance),
                "{name}: the tree and its JSON view judged differently"
            );
            if let Some(fast) = conforms(schema, schema, &instance) {
                assert_eq!(fast, full, "{name}: fast {fast}, jsonschema {full}");
                decided += 1;
            }
            if name.contains("/valid/") || name.contains("/examples/") {
                assert_eq!(conforms(schema, schema, &instance), Some(true), "{name}");
            }
        }
        assert!(decided > 40, "the fast path decided only {decided} inputs");
    }

    #[test]
    fn the_fast_verdict_rejects_what_jsonschema_rejects() {
        let schema = crate::model::schema();
        for instance in [
            json!({"ingress": {"enabled": "yes"}}),
            json!({"ingress": {"hosts": [{"host": "a", "paths": [{"path": "/", "pathType": "prefix"}]}]}}),
            json!({"ingress": {"hostz": []}}),
            json!({"ingress": {"annotations": {"a": 1}}}),
            json!({"global": {"airbyteUrl": 5}}),
            json!({"server": {"service": {"port": 0}}}),
            json!({"server": {"service": {"port": 65536}}}),
            json!({"server": {"service": {"port": "80"}}}),
        ] {
            assert!(!jsonschema_says(&instance), "{instance}");
            assert_eq!(
                conforms(schema, schema, &instance),
                Some(false),
                "{instance}"
            );
        }
        let port = |p: J| json!({"server": {"service": {"port": p}}});
        assert_eq!(conforms(schema, schema, &port(json!(8001))), Some(true));
        // outside the subset it declines to judge: 2.0 is an integer to jsonschema
        assert!(jsonschema_says(&port(json!(2.0))));
        assert_eq!(conforms(schema, schema, &port(json!(2.0))), None);
    }

    /// Every property name and enum string of the schema, and one word it does not know.
    fn schema_words() -> Vec<String> {
        fn walk(n: &J, out: &mut std::collections::BTreeSet<String>) {
            match n {
                J::Object(m) => {
                    for (k, v) in m {
                        if k == "properties" {
                            out.extend(v.as_object().into_iter().flat_map(|p| p.keys().cloned()));
                        }
                        if k == "enum" {
                            let strings = v.as_array().into_iter().flatten().filter_map(J::as_str);
                            out.extend(strings.map(String::from));
                        }
                        walk(v, out);
                    }
                }
                J::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut words = std::collections::BTreeSet::from(["x".to_string()]);
        walk(crate::model::schema(), &mut words);
        words.into_iter().collect()
    }

    /// A JSON value built from the schema's own words, so that generated objects often hit real
    /// properties and enums, mixed with wrong types.
    fn arb_json() -> impl Strategy<Value = J> {
        let words = prop::sample::select(schema_words());
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            (-3i64..70000).prop_map(|n| json!(n)),
            prop::sample::select(vec![0.5f64, 2.0, 80.0, -1.0]).prop_map(|f| json!(f)),
            words.clone().prop_map(J::String),
        ];
        leaf.prop_recursive(5, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
                prop::collection::btree_map(words.clone(), inner, 0..5)
                    .prop_map(|m| J::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Replaces the value at one of `base`'s paths (chosen by `pick`) with `with`.
    fn graft(base: &mut J, pick: usize, with: J) {
        let mut slots: Vec<String> = Vec::new();
        fn walk(v: &J, at: String, out: &mut Vec<String>) {
            out.push(at.clone());
            match v {
                J::Object(m) => m
                    .iter()
                    .for_each(|(k, c)| walk(c, format!("{at}/{k}"), out)),
                J::Array(a) => a
                    .iter()
                    .enumerate()
                    .for_each(|(i, c)| walk(c, format!("{at}/{i}"), out)),
                _ => {}
            }
        }
        walk(base, String::new(), &mut slots);
        let at = &slots[pick % slots.len()];
        if let Some(slot) = base.pointer_mut(at) {
            *slot = with;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn a_fast_verdict_on_a_mutated_input_is_jsonschemas(
            base in 0usize..8, pick in any::<usize>(), with in arb_json(), key in 0usize..4,
        ) {
            let schema = crate::model::schema();
            let valid = valid_instances();
            let mut instance = valid[base % valid.len()].clone();
            if key == 0 {
                // an extra key somewhere rather than a replaced value
                graft(&mut instance, pick, json!({"ingress": with.clone()}));
            } else {
                graft(&mut instance, pick, with);
            }
            if let Some(fast) = conforms(schema, schema, &instance) {
                prop_assert_eq!(fast, jsonschema_says(&instance), "{}", instance);
            }
        }
    }
}
