//! Every document every target renders, for every valid fixture, passes the official schemas in
//! `../shared/external-schemas` and goes through the real `kubectl apply --dry-run=client`.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use airbyte_ingress::targets::Target;

/// Renders every valid fixture for every target (and the values without hosts for the
/// bring-your-own targets) into files; returns (target, label, path, fixture) and the directory's
/// guard (the files go with it).
fn rendered() -> (common::TempDir, Vec<(Target, String, PathBuf, String)>) {
    let dir = common::tempdir("external");
    let mut out = Vec::new();
    // every target for the valid fixtures; the bring-your-own ones for values without hosts
    let cases = common::fixtures("valid")
        .into_iter()
        .map(|f| (f, true))
        .chain(common::fixtures("byo").into_iter().map(|f| (f, false)));
    for (f, chart_too) in cases {
        let targets = Target::all()
            .iter()
            .filter(|t| t.renders_objects() && (chart_too || t.is_bring_your_own()));
        for t in targets {
            let file = common::rel(&f);
            // the chart renders its own Ingress only when enabled; the others need it off
            let args = common::render_args(*t, &file);
            let r = common::run(&args);
            assert_eq!(r.code, 0, "{file} {}: {}", t.name(), r.stderr);
            let folder = f.parent().unwrap().file_name().unwrap().to_string_lossy();
            let stem = f.file_stem().unwrap().to_string_lossy();
            let label = format!("{}-{folder}-{stem}", t.name());
            let path = dir.join(format!("{label}.yaml"));
            std::fs::write(&path, r.stdout).unwrap();
            out.push((*t, label, path, file));
        }
    }
    (dir, out)
}

fn validate_py(files: &[&Path]) -> std::process::Output {
    let script = common::shared().join("external-schemas/validate.py");
    // --require-cel: the CRDs' CEL rules run as the API server runs them, or the test fails
    Command::new("python3")
        .arg(script)
        .arg("--require-cel")
        .args(files)
        .output()
        .expect("validate.py runs")
}

#[test]
fn rendered_documents_pass_the_official_schemas() {
    if common::python_with_jsonschema().is_none() {
        return;
    }
    let (_dir, rendered) = rendered();
    let mut files = Vec::new();
    for (_, _, path, _) in &rendered {
        files.push(path.clone());
    }
    // one run for all files: each problem line names its file
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = validate_py(&refs);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = text.lines().last().unwrap_or("");
    let passed: usize = summary
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        summary.ends_with(" passed, 0 failed") && passed >= rendered.len(),
        "{text}"
    );
}

#[test]
fn the_schema_oracle_can_fail() {
    if common::python_with_jsonschema().is_none() {
        return;
    }
    let r = common::run(&["render", "-t", "chart", "-f", "examples/values.yaml"]);
    let broken = r.stdout.replace("pathType:", "pathTyp:");
    let dir = common::tempdir("external");
    let path = dir.join("broken.yaml");
    std::fs::write(&path, broken).unwrap();
    let out = validate_py(&[&path]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn kubectl_accepts_what_render_prints() {
    let Some(_) = common::tool("kubectl", common::which("kubectl")) else {
        return;
    };
    let run = common::shared().join("tools/kubectl-dry-run/run");
    // one kubectl run per target, over every fixture's objects
    let (_dir, rendered) = rendered();
    for t in Target::all().iter().filter(|t| t.renders_objects()) {
        let mut stream = String::new();
        let mut objects = 0;
        for (_, label, path, _) in rendered.iter().filter(|(target, ..)| target == t) {
            let text = std::fs::read_to_string(path).unwrap();
            objects += text.matches("\napiVersion:").count();
            stream.push_str(&format!("# {label}\n{text}\n"));
        }
        let dir = common::tempdir("external");
        let path = dir.join(format!("all-{}.yaml", t.name()));
        std::fs::write(&path, &stream).unwrap();
        let out = Command::new("bash")
            .arg(&run)
            .arg(&path)
            .output()
            .expect("kubectl dry run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {text}{}",
            t.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            text.matches("(dry run)").count(),
            objects,
            "{}: {text}",
            t.name()
        );
    }
}

/// Everything this tool renders passes its own manifest check, read with the values it came from.
#[test]
fn rendered_manifests_pass_validate_m() {
    let (_dir, rendered) = rendered();
    for (t, label, path, fixture) in rendered {
        let path = path.display().to_string();
        let r = common::run(&["validate", "-m", &path, "-f", &fixture, "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|_| panic!("{label}: {}", r.transcript()));
        let errors: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{} {label}: {errors:#?}", t.name());
        // and the manifest side found the objects: no finding about the manifests means they were read
        assert_ne!(r.code, 2, "{label}: {}", r.stderr);
    }
}
