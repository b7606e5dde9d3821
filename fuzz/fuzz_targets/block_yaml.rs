//! Any text as a values file: where the fast block-style reader reads it, it reads exactly what the
//! full parser reads (values and positions).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = airbyte_ingress::values::check_fast_reader(text) {
            panic!("{e}");
        }
    }
});
