//! Any bytes as a GitOps/IaC wrapper (the first byte picks the kind: Argo CD, Flux, Kustomize,
//! helmfile, Terraform, or told by content), through reading, merging and every rule: findings or
//! an input error, never a panic, a hang or an internal error. Files the wrapper names read as the
//! same bytes.
#![no_main]

use airbyte_ingress::inputs::wrapper::FileKind;
use airbyte_ingress::{Failure, RunOptions, check_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (name, kind) = match pick % 6 {
        0 => ("app.yaml", Some(FileKind::Argocd)),
        1 => ("hr.yaml", Some(FileKind::Flux)),
        2 => ("kustomization.yaml", Some(FileKind::Kustomize)),
        3 => ("helmfile.yaml", Some(FileKind::Helmfile)),
        4 => ("main.tf", Some(FileKind::Terraform)),
        _ => ("input.yaml", None),
    };
    let mut opts = RunOptions {
        inputs: Default::default(),
        release: "airbyte".into(),
        namespace: "default".into(),
        chart: airbyte_ingress::plan::NEWEST_CHART,
        target: None,
        settings: Default::default(),
        wrappers: Default::default(),
        given: Default::default(),
    };
    opts.inputs.files = vec![name.into()];
    opts.wrappers.input_kind = kind;
    let mut read = |_: &str, _: usize| Ok(rest.to_vec());
    if let Err(Failure::Internal(m)) = check_all(&opts, &mut read) {
        panic!("internal error: {m}");
    }
});
