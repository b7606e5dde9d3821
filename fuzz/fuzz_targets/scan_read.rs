//! Any bytes as a file `scan` reads for routes (Ingress, IngressRoute, HTTPRoute, VirtualService,
//! Gateway, Certificate): a count or an input error, never a panic.
#![no_main]

use airbyte_ingress::runs::scan::route_objects;
use airbyte_ingress::values::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = route_objects("fuzz.yaml", data, &Limits::default());
});
