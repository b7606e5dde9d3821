//! Any bytes as a stream of manifests, through reading and every manifest check: findings or an
//! input error, never a panic, a hang or a stack overflow.
#![no_main]

use airbyte_ingress::values::Sources;
use airbyte_ingress::{ManifestOptions, check_manifests};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ManifestOptions {
        files: vec!["fuzz.yaml".into()],
        ..Default::default()
    };
    let mut read = |_: &str, _: usize| Ok(data.to_vec());
    let _ = check_manifests(&opts, None, &mut Sources::default(), &mut read);
});
