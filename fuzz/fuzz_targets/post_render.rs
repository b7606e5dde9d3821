//! Any bytes as the stream Helm hands a post-renderer, for every target that renders objects:
//! findings, a usage or input error, or a stream; never a panic, a hang or an internal error.
#![no_main]

use airbyte_ingress::targets::Target;
use airbyte_ingress::{Failure, PostRenderOptions, post_render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, stream)) = data.split_first() else {
        return;
    };
    let targets: Vec<Target> = Target::object_targets().collect();
    let target = targets[pick as usize % targets.len()];
    let settings = target.needed_settings();
    let opts = PostRenderOptions {
        target,
        settings,
        namespace: (pick & 0x80 != 0).then(|| "airbyte".to_string()),
        limits: Default::default(),
        strict: false,
        chart: None,
    };
    if let Err(Failure::Internal(m)) = post_render(&opts, stream) {
        panic!("internal error: {m}");
    }
});
