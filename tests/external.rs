//! Every document every target renders, for every valid fixture, passes the official schemas in
//! `../shared/external-schemas` and goes through the real `kubectl apply --dry-run=client`.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use airbyte_ingress::targets::Target;

/// One rendered output: its target, a label, the file it was written to, and the arguments that
/// `validate -m` reads it with (the values it came from; nothing for a `render -m` move).
struct Rendered {
    target: Target,
    label: String,
    path: PathBuf,
    with: Vec<String>,
}

/// The inputs `render -m` moves in these tests: this project's hand-written routes to move and
/// its valid manifests, and the docs' hand-written examples in the shared conformance set.
pub fn moving_inputs() -> Vec<PathBuf> {
    let mut v = common::fixtures("manifests/moving");
    // routes of other controllers that check clean: a Gateway API Gateway and HTTPRoute, Istio,
    // Traefik, a release's render with the chart's Ingress
    v.extend(common::fixtures("manifests/valid"));
    let docs = common::shared().join("conformance/manifests/docs");
    if let Ok(entries) = std::fs::read_dir(&docs) {
        let mut more: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        v.extend(more);
    }
    v
}

/// Renders every valid fixture for every target (and the values without hosts for the
/// bring-your-own targets), the Gateway API target for each implementation whose policies it
/// writes, and every route to move for every target, into files; returns them with the
/// directory's guard (the files go with it).
fn rendered() -> (common::TempDir, Vec<Rendered>) {
    let dir = common::tempdir("external");
    let mut out = Vec::new();
    let mut write = |t: Target, label: String, args: Vec<String>, with: Vec<String>| {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = common::run(&argv);
        assert_eq!(r.code, 0, "{label}: {}", r.stderr);
        let path = dir.join(format!("{label}.yaml"));
        std::fs::write(&path, r.stdout).unwrap();
        out.push(Rendered {
            target: t,
            label,
            path,
            with,
        });
    };
    // every target for the valid fixtures; the bring-your-own ones for values without hosts
    let cases = common::fixtures("valid")
        .into_iter()
        .map(|f| (f, true))
        .chain(common::fixtures("byo").into_iter().map(|f| (f, false)));
    for (f, chart_too) in cases {
        let targets = Target::object_targets().filter(|t| chart_too || t.is_bring_your_own());
        let folder = f.parent().unwrap().file_name().unwrap().to_string_lossy();
        let stem = f.file_stem().unwrap().to_string_lossy();
        let file = common::rel(&f);
        for t in targets {
            // the chart renders its own Ingress only when enabled; the others need it off
            let args = common::render_args(t, &file);
            let label = format!("{}-{folder}-{stem}", t.name());
            let with = vec!["-f".to_string(), file.clone()];
            write(t, label, owned(&args), with.clone());
            // the implementations whose own policies the Gateway API target writes
            if t.name() == "gateway-api" && chart_too {
                for class in ["nginx", "eg"] {
                    let mut args = owned(&args);
                    let at = args.iter().position(|a| a == "--gateway-class").unwrap();
                    args[at + 1] = class.to_string();
                    let label = format!("gateway-api-{class}-{folder}-{stem}");
                    write(t, label, args, with.clone());
                }
            }
        }
    }
    // every route to move, to every target
    for f in moving_inputs() {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let file = f.display().to_string();
        for t in Target::object_targets() {
            let mut args = owned(&["render", "-m", &file, "--target", t.name()]);
            args.extend(owned(&common::target_args(t.name())));
            write(t, format!("moved-{}-{stem}", t.name()), args, Vec::new());
        }
        for class in ["nginx", "eg"] {
            let args = owned(&[
                "render",
                "-m",
                &file,
                "--target",
                "gateway-api",
                "--gateway-class",
                class,
            ]);
            let t = Target::from_name("gateway-api").unwrap();
            write(
                t,
                format!("moved-gateway-api-{class}-{stem}"),
                args,
                Vec::new(),
            );
        }
    }
    // an allow list, to the targets that carry it (the others stop: `tests/moving.rs`)
    let allow = "fixtures/manifests/access/nginx-allowlist-only.yaml";
    for t in ["alb", "traefik", "nginx", "aks", "istio", "gateway-api"] {
        let t = Target::from_name(t).unwrap();
        let mut args = owned(&["render", "-m", allow, "--target", t.name()]);
        args.extend(owned(&common::target_args(t.name())));
        write(t, format!("allow-list-{}", t.name()), args, Vec::new());
    }
    // Envoy Gateway, whose SecurityPolicy carries it
    let t = Target::from_name("gateway-api").unwrap();
    let args = owned(&[
        "render",
        "-m",
        allow,
        "--target",
        "gateway-api",
        "--gateway-class",
        "eg",
    ]);
    write(t, "allow-list-gateway-api-eg".into(), args, Vec::new());
    (dir, out)
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_string()).collect()
}

fn validate_py(files: &[&Path]) -> std::process::Output {
    let shared = common::shared().join("external-schemas");
    let script = shared.join("validate.py");
    // the shared schemas and this project's own (tests/data/schemas: kinds the shared folder has
    // not got, see tests/data/SOURCES.md) in one folder for `--schemas`
    let dir = common::tempdir("schemas");
    for folder in [shared.clone(), common::root().join("tests/data/schemas")] {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    // --require-cel: the CRDs' CEL rules run as the API server runs them, or the test fails
    Command::new("python3")
        .arg(script)
        .arg("--schemas")
        .arg(dir.as_os_str())
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
    for r in &rendered {
        files.push(r.path.clone());
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

/// The Gateway API implementations' own policy kinds this tool renders.
const POLICY_KINDS: [&str; 5] = [
    "\nkind: ClientSettingsPolicy\n",
    "\nkind: ProxySettingsPolicy\n",
    "\nkind: ClientTrafficPolicy\n",
    "\nkind: SecurityPolicy\n",
    "\nkind: AuthorizationPolicy\n",
];

#[test]
fn kubectl_accepts_what_render_prints() {
    let Some(_) = common::tool("kubectl", common::which("kubectl")) else {
        return;
    };
    let run = common::shared().join("tools/kubectl-dry-run/run");
    // one kubectl run per target, over every fixture's objects
    let (_dir, rendered) = rendered();
    for t in Target::object_targets() {
        let mut stream = String::new();
        let mut objects = 0;
        for Rendered { label, path, .. } in rendered.iter().filter(|r| r.target == t) {
            let text = std::fs::read_to_string(path).unwrap();
            // the stand-in API server serves no discovery for the implementations' policy kinds
            // (NGINX Gateway Fabric, Envoy Gateway): those go through validate.py's schemas and
            // CEL rules above, and the rest of the stream through kubectl
            let served: Vec<&str> = text
                .split("\n---\n")
                .filter(|doc| !POLICY_KINDS.iter().any(|k| doc.contains(k)))
                .collect();
            let text = served.join("\n---\n");
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
    for Rendered {
        target: t,
        label,
        path,
        with,
    } in rendered
    {
        let path = path.display().to_string();
        let mut args = vec!["validate", "-m", &path, "--format", "json"];
        args.extend(with.iter().map(String::as_str));
        let r = common::run(&args);
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
