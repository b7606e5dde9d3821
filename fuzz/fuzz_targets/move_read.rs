//! Any bytes as the existing routes `render -m` moves, for every target that renders objects:
//! findings, an input error, or objects that render; never a panic or an internal error.
#![no_main]

use airbyte_ingress::runs::RunOptions;
use airbyte_ingress::targets::Target;
use airbyte_ingress::{Failure, runs::moving};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let targets: Vec<Target> = Target::object_targets().collect();
    let target = targets[pick as usize % targets.len()];
    let opts = RunOptions {
        target: Some(target),
        settings: target.needed_settings(),
        ..Default::default()
    };
    let mut read = |_: &str, _: usize| Ok(bytes.to_vec());
    match moving::check(&["fuzz.yaml".to_string()], &opts, &mut read) {
        Err(Failure::Internal(m)) => panic!("internal error: {m}"),
        Ok((checked, _)) if !checked.has_errors() => {
            let plan = checked.plan.as_ref().expect("a plan without errors");
            if let Err(e) = target.render(plan) {
                panic!("{}: render failed: {e}", target.name());
            }
        }
        _ => {}
    }
});
