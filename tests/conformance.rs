//! The `chart` target and values loading against what the real Helm rendered from the real Airbyte
//! chart (`../shared/conformance`), compared as data as its README prescribes.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::Path;

use serde_json::Value;

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML parses")
}

/// Drops what the comparison ignores: labels, null annotations, and an empty annotations map.
fn normalize(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("labels");
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            ann.retain(|_, v| !v.is_null());
            if ann.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    v
}

fn case_args(dir: &Path, chart: &str) -> Vec<String> {
    let mut args = vec![
        "render".to_string(),
        "--target".into(),
        "chart".into(),
        "--chart-version".into(),
        chart.into(),
    ];
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()) && n.ends_with(".yaml"))
        .collect();
    files.sort_by_key(|n| n.trim_end_matches(".yaml").parse::<u32>().unwrap_or(0));
    for f in files {
        args.push("-f".into());
        args.push(dir.join(f).display().to_string());
    }
    let case: Value = std::fs::read_to_string(dir.join("case.yaml"))
        .map(|t| yaml(&t))
        .unwrap_or(Value::Null);
    args.push("--release".into());
    args.push(
        case.get("release")
            .and_then(Value::as_str)
            .unwrap_or("airbyte")
            .into(),
    );
    args.push("--namespace".into());
    args.push(
        case.get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("airbyte")
            .into(),
    );
    for s in case
        .get("set")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        args.push("--set".into());
        args.push(s.as_str().unwrap().into());
    }
    args
}

#[test]
fn chart_target_matches_helm_for_every_conformance_case() {
    let shared = common::shared();
    let mut checked = 0;
    for (folder, chart) in [("chart-2.2", "2.2.0"), ("chart-2.0.18", "2.0.18")] {
        let mut cases: Vec<_> = std::fs::read_dir(shared.join("conformance").join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        for dir in cases {
            let args = case_args(&dir, chart);
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = common::run(&argv);
            let name = format!("{folder}/{}", dir.file_name().unwrap().to_string_lossy());
            if dir.join("expected.yaml").exists() {
                assert_eq!(run.code, 0, "{name}: {}", run.stderr);
                let expected = normalize(yaml(
                    &std::fs::read_to_string(dir.join("expected.yaml")).unwrap(),
                ));
                let got = normalize(yaml(&run.stdout));
                assert_eq!(got, expected, "{name}");
            } else if dir.join("expected-error.txt").exists() {
                let helm_error = std::fs::read_to_string(dir.join("expected-error.txt")).unwrap();
                assert_eq!(
                    run.code, 1,
                    "{name}: must fail with findings\n{}",
                    run.stderr
                );
                assert!(run.stdout.is_empty(), "{name}: nothing on stdout");
                // the error names the offending value, as Helm's does
                let bad = helm_error
                    .split(':')
                    .nth(1)
                    .and_then(|s| s.split('.').next())
                    .unwrap()
                    .trim();
                assert!(
                    run.stderr.contains(&format!("`{bad}`")),
                    "{name}: {}",
                    run.stderr
                );
                assert!(
                    run.stderr.contains("backend-invalid"),
                    "{name}: {}",
                    run.stderr
                );
            } else {
                assert!(
                    dir.join("expected-empty").exists(),
                    "{name}: unknown case shape"
                );
                assert_eq!(run.code, 0, "{name}: {}", run.stderr);
                // as Helm, no object; unlike Helm, the output says why in comments
                assert!(
                    run.stdout.lines().all(|l| l.starts_with('#'))
                        && run.stdout.contains("nothing to render"),
                    "{name}: no Ingress expected, got {}",
                    run.stdout
                );
                assert!(
                    run.stderr.contains("ingress.enabled"),
                    "{name}: must say why: {}",
                    run.stderr
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 26, "only {checked} conformance cases found");
}

#[test]
fn null_annotation_from_a_later_file_is_warned_about() {
    let dir = common::shared().join("conformance/chart-2.2/13-merge-set");
    let args = case_args(&dir, "2.2.0");
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = common::run(&argv);
    assert_eq!(run.code, 0);
    common::assert_has(&run.stderr, "2.yaml:3:47: warning[annotation-null]");
}
