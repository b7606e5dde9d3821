//! Any text as a `--set`, `--set-string`, `--set-json`, `--set-file` or `--set-literal` argument
//! over a values tree.
#![no_main]

use airbyte_ingress::values::{Limits, Map, Node, Origin, SetKind, Value, apply_set};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in SetKind::ORDER {
        let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
        // --set-file reads a file of the same text, whatever it names
        let mut read = |_: &str, _: usize| Ok(data.to_vec());
        let _ = apply_set(
            &mut root,
            kind,
            text,
            Origin::Arg { arg: 0 },
            &Limits::default(),
            &mut read,
        );
        let _ = root.to_json();
    }
});
