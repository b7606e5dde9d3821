//! Helm's two merges: `-f` files over each other (maps deep, everything else replaced, nulls kept),
//! then the chart's defaults underneath (a user `null` deletes a default key).

use super::{Node, Value};

/// Merges `over` into `base` as Helm merges a later `-f` file into the earlier ones.
pub fn merge_into(base: &mut Node, over: Node) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            // a key in both merges (maps) or is replaced (anything else: `merge_into`'s other arm);
            // new keys come in key order and join the map in one linear step
            let mut new = Vec::new();
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge_into(existing, v),
                    None => new.push((k, v)),
                }
            }
            b.append_new(new);
        }
        (_, value) => {
            base.value = value;
            base.origin = over.origin;
            base.key_origin = over.key_origin;
        }
    }
}

/// Lays the chart's defaults under the user's values as Helm's coalesce does: a key the user lacks is
/// copied from the defaults; a user `null` for a key the defaults have deletes it; maps recurse; any
/// other user value wins (a `null` for a key the defaults lack is kept as `null`).
pub fn coalesce_defaults(user: &mut Node, defaults: &Node) {
    let (Value::Map(u), Value::Map(d)) = (&mut user.value, &defaults.value) else {
        return;
    };
    let mut new = Vec::new();
    for (k, dv) in d {
        match u.get_mut(k) {
            None => new.push((k.clone(), dv.clone())),
            Some(uv) if uv.value == Value::Null => {
                u.remove(k);
            }
            Some(uv) => {
                if matches!((&uv.value, &dv.value), (Value::Map(_), Value::Map(_))) {
                    coalesce_defaults(uv, dv);
                }
            }
        }
    }
    u.append_new(new);
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, parse_document};
    use super::*;

    fn doc(s: &str) -> Node {
        parse_document(s.as_bytes(), "t.yaml", 0, &Limits::default())
            .unwrap()
            .root
    }

    /// Every map in the tree is in key order, and every key is found again: lookups bisect, and
    /// the JSON comparisons below would not notice an order that is off.
    fn assert_ordered(n: &Node, context: &str) {
        match &n.value {
            Value::Map(m) => {
                let keys: Vec<&String> = m.keys().collect();
                assert!(keys.is_sorted_by(|a, b| a < b), "{context}: {keys:?}");
                for (k, v) in m {
                    assert!(m.get(k).is_some(), "{context}: `{k}` not found");
                    assert_ordered(v, context);
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| assert_ordered(i, context)),
            _ => {}
        }
    }

    #[test]
    fn files_merge_like_helm() {
        use serde_json::json;
        let cases = [
            (
                "a: {p: 1, q: 2}",
                "a: {q: 3, r: 4}",
                json!({"a": {"p": 1, "q": 3, "r": 4}}),
            ),
            // Helm's YAML 1.1 reads the key `y` as the boolean true
            ("a: {y: 1}", "a: {z: 2}", json!({"a": {"true": 1, "z": 2}})),
            ("l: [1, 2]", "l: [3]", json!({"l": [3]})),
            ("a: {x: 1}", "a: 5", json!({"a": 5})),
            ("a: 5", "a: {x: 1}", json!({"a": {"x": 1}})),
            // a null in a later file is kept: only the chart defaults lose keys to it
            ("a: {x: 1}", "a: {x: null}", json!({"a": {"x": null}})),
            // new keys before, between and after the ones already there
            (
                "a: {m: 1, t: 2}",
                "a: {b: 3, p: 4, z: 5}",
                json!({"a": {"b": 3, "m": 1, "p": 4, "t": 2, "z": 5}}),
            ),
        ];
        for (first, second, want) in cases {
            let mut base = doc(first);
            merge_into(&mut base, doc(second));
            assert_eq!(base.to_json(), want, "{first} + {second}");
            assert_ordered(&base, &format!("{first} + {second}"));
        }
    }

    #[test]
    fn defaults_coalesce_like_helm() {
        use serde_json::json;
        let defaults = doc(
            "ingress: {enabled: false, className: \"\", annotations: {}}\nglobal: {edition: community}",
        );
        let cases = [
            (
                "ingress: {enabled: true}",
                json!({"ingress": {"enabled": true, "className": "", "annotations": {}}, "global": {"edition": "community"}}),
            ),
            (
                "ingress: {className: null}",
                json!({"ingress": {"enabled": false, "annotations": {}}, "global": {"edition": "community"}}),
            ),
            (
                "ingress: {annotations: {a: null}}",
                json!({"ingress": {"enabled": false, "className": "", "annotations": {"a": null}}, "global": {"edition": "community"}}),
            ),
            (
                "global: null",
                json!({"ingress": {"enabled": false, "className": "", "annotations": {}}}),
            ),
            (
                "ingress: 3",
                json!({"ingress": 3, "global": {"edition": "community"}}),
            ),
        ];
        for (user, want) in cases {
            let mut u = doc(user);
            coalesce_defaults(&mut u, &defaults);
            assert_eq!(u.to_json(), want, "{user}");
            assert_ordered(&u, user);
        }
    }
}
