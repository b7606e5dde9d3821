//! Any bytes as values, through validation and every target's rendering: findings or manifests,
//! never a panic; rendered output always parses back.
#![no_main]

use airbyte_ingress::targets::Target;
use airbyte_ingress::values::ValueInputs;
use airbyte_ingress::{RunOptions, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for t in Target::all() {
        let settings = t.needed_settings();
        let opts = RunOptions {
            inputs: ValueInputs { files: vec!["fuzz.yaml".into()], ..Default::default() },
            release: "airbyte".into(),
            namespace: "airbyte".into(),
            chart: airbyte_ingress::plan::NEWEST_CHART,
            target: Some(*t),
            settings,
            wrappers: Default::default(),
            given: Default::default(),
        };
        let mut read = |_: &str, _: usize| Ok(data.to_vec());
        let Ok(checked) = check(&opts, &mut read) else { return };
        if checked.has_errors() {
            continue;
        }
        if let Some(plan) = &checked.plan {
            // a render error here is a bug: validation passed, so the output must be producible
            if let Err(e) = t.render(plan) {
                panic!("{}: {e}", t.name());
            }
        }
    }
});
