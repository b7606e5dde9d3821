//! Any bytes as a values file: an error or a tree, never a panic, a hang or a stack overflow.
#![no_main]

use airbyte_ingress::values::{Limits, parse_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_document(data, "fuzz.yaml", 0, &Limits::default());
});
