//! Any text as a `--set`, `--set-string`, `--set-json`, `--set-file` or `--set-literal` argument
//! over a values tree.
#![no_main]

use airbyte_ingress::values::{Limits, Map, Node, Origin, SetKind, Value, apply_set};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // one tree under every kind in turn, so that later kinds meet values of other types
    let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
    for (arg, kind) in SetKind::ORDER.into_iter().enumerate() {
        // --set-file reads a file of the same text, whatever it names
        let mut read = |_: &str, _: usize| Ok(data.to_vec());
        let _ = apply_set(
            &mut root,
            kind,
            text,
            Origin::Arg { arg: arg as u32 },
            &Limits::default(),
            &mut read,
            &|o| match o {
                Origin::Arg { arg } => SetKind::ORDER.get(arg as usize).copied(),
                _ => None,
            },
        );
        let _ = root.to_json();
    }
});
