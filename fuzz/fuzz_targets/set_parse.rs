//! Any text as a `--set`, `--set-string` or `--set-json` argument over a values tree.
#![no_main]

use airbyte_ingress::values::{Limits, Map, Node, Origin, SetKind, Value, apply_set};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in [SetKind::Typed, SetKind::String, SetKind::Json] {
        let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
        let _ = apply_set(&mut root, kind, text, Origin::Arg { arg: 0 }, &Limits::default());
        let _ = root.to_json();
    }
});
