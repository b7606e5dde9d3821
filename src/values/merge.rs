//! Helm's two merges: `-f` files over each other (maps deep, everything else replaced, nulls kept),
//! then the chart's defaults underneath (a user `null` deletes a default key).

use super::{Node, Value};

/// Merges `over` into `base` as Helm merges a later `-f` file into the earlier ones.
pub fn merge_into(base: &mut Node, over: Node) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing)
                        if matches!(
                            (&existing.value, &v.value),
                            (Value::Map(_), Value::Map(_))
                        ) =>
                    {
                        merge_into(existing, v);
                    }
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
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
    for (k, dv) in d {
        match u.get_mut(k) {
            None => {
                u.insert(k.clone(), dv.clone());
            }
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
}
