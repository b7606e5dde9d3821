//! `post-render`, on its own and as the Helm 4 plugin in this repository, against whole-chart renders
//! of the real Airbyte chart (`../shared/conformance/full-render`): only the chart's Ingress is
//! replaced (or the target's objects added), every other object is handed back unchanged, the
//! target's objects pass the official schemas and the tool's own `validate -m`, and a bad value
//! stops Helm.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use airbyte_ingress::manifests::stream;
use airbyte_ingress::targets::Target;

struct Case {
    label: String,
    rendered: String,
    release: String,
    namespace: String,
    /// chart 2.0.x objects name no namespace: it must be passed
    names_namespace: bool,
}

fn cases() -> Vec<Case> {
    let base = common::shared().join("conformance/full-render");
    let mut out = Vec::new();
    for chart in ["chart-2.2", "chart-2.0.18"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(base.join(chart))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("rendered.yaml").is_file())
            .collect();
        dirs.sort();
        for d in dirs {
            let case: serde_json::Value =
                serde_saphyr::from_str(&std::fs::read_to_string(d.join("case.yaml")).unwrap())
                    .unwrap();
            let rendered = std::fs::read_to_string(d.join("rendered.yaml")).unwrap();
            out.push(Case {
                label: format!("{chart}/{}", d.file_name().unwrap().to_string_lossy()),
                names_namespace: rendered.contains("\n  namespace: "),
                rendered,
                release: case["release"].as_str().unwrap().to_string(),
                namespace: case["namespace"].as_str().unwrap().to_string(),
            });
        }
    }
    assert!(out.len() >= 4, "only {} full renders", out.len());
    out
}

/// The full render whose folder ends in `suffix`.
fn case(suffix: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.label.ends_with(suffix))
        .unwrap_or_else(|| panic!("no full render `{suffix}`"))
}

/// The render with `global.airbyteUrl` written without its scheme: no host to serve, an error.
fn without_scheme(rendered: &str) -> String {
    let bad = rendered.replace("AIRBYTE_URL: \"https://", "AIRBYTE_URL: \"");
    assert_ne!(
        bad, rendered,
        "the render has no https AIRBYTE_URL to break"
    );
    bad
}

/// The span of the chart's Ingress in a stream, if it has one.
fn chart_ingress(text: &str) -> Option<std::ops::Range<usize>> {
    stream::spans(text).into_iter().map(|s| s.bytes).find(|b| {
        let doc = &text[b.clone()];
        doc.contains("\nkind: Ingress\n") && doc.contains("helm.sh/chart: airbyte-")
    })
}

/// The documents of a stream that this tool rendered.
fn ours(text: &str) -> Vec<String> {
    text.split("\n---\n")
        .filter(|d| d.contains("app.kubernetes.io/managed-by: airbyte-ingress"))
        .map(str::to_string)
        .collect()
}

fn validate_py(files: &[PathBuf]) {
    if common::python_with_jsonschema().is_none() {
        return;
    }
    let out = Command::new("python3")
        .arg(common::shared().join("external-schemas/validate.py"))
        .arg("--require-cel")
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.trim_end().ends_with(" passed, 0 failed"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn only_the_chart_s_ingress_is_replaced_and_every_other_byte_kept() {
    let dir = common::tempdir("post-render");
    let mut rendered_files = Vec::new();
    for case in cases() {
        let input = case.rendered.as_bytes();
        for t in Target::object_targets() {
            let mut args = vec!["post-render", "--target", t.name()];
            args.extend(common::target_args(t.name()));
            if !case.names_namespace {
                args.extend(["--namespace", &case.namespace]);
            }
            let r = common::run_in(&common::root(), &args, Some(input));
            let what = format!("{} {}", case.label, t.name());
            assert_eq!(r.code, 0, "{what}: {}", r.stderr);
            let out = &r.stdout;
            if t == Target::Chart {
                assert_eq!(out, &case.rendered, "{what}: the stream was changed");
                continue;
            }
            let added = match chart_ingress(&case.rendered) {
                Some(span) => {
                    let (head, tail) = (&case.rendered[..span.start], &case.rendered[span.end..]);
                    assert!(
                        out.starts_with(head) && out.ends_with(tail),
                        "{what}: bytes outside the chart's Ingress changed"
                    );
                    out[head.len()..out.len() - tail.len()].to_string()
                }
                None => {
                    assert!(
                        out.starts_with(&case.rendered),
                        "{what}: the stream changed"
                    );
                    let rest = &out[case.rendered.len()..];
                    assert!(rest.starts_with("---\n"), "{what}: {rest}");
                    rest.to_string()
                }
            };
            assert!(
                chart_ingress(out).is_none(),
                "{what}: the chart's Ingress is still there"
            );
            assert!(!added.contains("helm.sh/chart"), "{what}: {added}");
            let objects = ours(&format!("\n{added}"));
            assert!(!objects.is_empty(), "{what}: nothing rendered\n{added}");
            for o in &objects {
                common::assert_has(o, &format!("app.kubernetes.io/instance: {}", case.release));
            }
            // what was read from the stream reaches the objects: the namespace, the chart
            // version (the builder route of 2.0.x), the edition (Keycloak's public paths)
            let all = objects.join("\n");
            common::assert_has(&all, &format!("namespace: {}", case.namespace));
            let builder = format!("{}-airbyte-connector-builder-server-svc", case.release);
            assert_eq!(
                all.contains(&builder),
                case.label.starts_with("chart-2.0"),
                "{what}: the connector builder route"
            );
            let keycloak = format!("{}-airbyte-keycloak-svc", case.release);
            assert_eq!(
                all.contains(&keycloak),
                case.rendered.contains("AIRBYTE_EDITION: \"enterprise\""),
                "{what}: Keycloak's routes"
            );
            let path = dir.join(format!(
                "{}-{}.yaml",
                case.label.replace('/', "-"),
                t.name()
            ));
            std::fs::write(&path, out).unwrap();
            // the stream as it goes to Helm passes the tool's own manifest check
            let p = path.display().to_string();
            let v = common::run(&["validate", "-m", &p, "--format", "json"]);
            let report: serde_json::Value = serde_json::from_str(&v.stdout)
                .unwrap_or_else(|_| panic!("{what}: {}", v.transcript()));
            let errors: Vec<&serde_json::Value> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] == "error")
                .collect();
            assert!(errors.is_empty(), "{what}: {errors:#?}");
            let only = dir.join(format!(
                "{}-{}-objects.yaml",
                case.label.replace('/', "-"),
                t.name()
            ));
            std::fs::write(&only, objects.join("\n---\n")).unwrap();
            rendered_files.push(only);
        }
    }
    validate_py(&rendered_files);
}

#[test]
fn what_the_stream_says_is_checked_and_errors_write_nothing() {
    let case = case("03-byo-url-only");
    // a URL without a scheme: no host to serve
    let bad = without_scheme(&case.rendered);
    let dir = common::tempdir("post-render-bad");
    let report = dir.join("report.txt");
    let report_arg = report.display().to_string();
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "traefik", "--report", &report_arg],
        Some(bad.as_bytes()),
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stdout.is_empty());
    common::assert_has(&r.stderr, "error[url-invalid]");
    common::assert_has(&r.stderr, "<stdin>:");
    common::assert_has(&r.stderr, "nothing was written, so Helm stops here");
    let written = std::fs::read_to_string(&report).unwrap();
    common::assert_has(&written, "error[url-invalid]");
    common::assert_has(&written, "error[hosts-missing]");

    // the stream's facts are read from where they are: -v says so
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx", "-v"],
        Some(case.rendered.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stderr,
        "release `prod` from Service data/prod-airbyte-server-svc",
    );
    common::assert_has(
        &r.stderr,
        "global.airbyteUrl `https://airbyte.internal.example.com` from ConfigMap data/prod-airbyte-env",
    );
    common::assert_has(
        &r.stderr,
        "adding 1 `nginx` object(s) at the end of the stream",
    );
    common::assert_has(&r.stdout, "host: airbyte.internal.example.com");

    // refused: no release in the stream, a namespace the objects contradict, a file target,
    // chart 2.0.x objects without --namespace
    let plain = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx"],
        Some(plain.as_bytes()),
    );
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "no Airbyte release in the stream");
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx", "-n", "other"],
        Some(case.rendered.as_bytes()),
    );
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "objects are in namespace `data`");
    let r = common::run_in(
        &common::root(),
        &[
            "post-render",
            "-t",
            "haproxy-cfg",
            "--haproxy-cert",
            "/a.pem",
        ],
        Some(case.rendered.as_bytes()),
    );
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "cannot post-render");
    let old = cases().into_iter().find(|c| !c.names_namespace).unwrap();
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx"],
        Some(old.rendered.as_bytes()),
    );
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "--post-renderer-args=--namespace=");
    assert!(r.stdout.is_empty());
}

/// A chart whose one template prints a whole-chart render, as the Airbyte chart would.
fn replay_chart(dir: &Path, rendered: &str) -> PathBuf {
    let chart = dir.join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("files")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: airbyte\nversion: 2.2.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("files/rendered.yaml"), rendered).unwrap();
    std::fs::write(
        chart.join("templates/all.yaml"),
        "{{ .Files.Get \"files/rendered.yaml\" }}\n",
    )
    .unwrap();
    chart
}

struct Helm {
    bin: PathBuf,
    home: common::TempDir,
}

impl Helm {
    fn new(tag: &str) -> Option<Helm> {
        let bin = common::helm()?;
        let home = common::tempdir(tag);
        let h = Helm { bin, home };
        // the plugins of this repository, in development mode, and a pass-through to compare with
        for p in ["helm-plugin/post-renderer", "helm-plugin/cli"] {
            let out = h
                .cmd()
                .args(["plugin", "install"])
                .arg(common::root().join(p))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{p}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let same = h.home.join("same");
        std::fs::create_dir_all(&same).unwrap();
        std::fs::write(same.join("plugin.yaml"), "apiVersion: v1\ntype: postrenderer/v1\nname: same\nversion: 0.1.0\nruntime: subprocess\nruntimeConfig:\n  platformCommand:\n    - command: cat\n").unwrap();
        let out = h
            .cmd()
            .args(["plugin", "install"])
            .arg(&same)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(h)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("HELM_DATA_HOME", self.home.join("data"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("AIRBYTE_INGRESS", env!("CARGO_BIN_EXE_airbyte-ingress"))
            .current_dir(common::root());
        c
    }
}

/// Helm's output split into its documents.
fn helm_docs(text: &str) -> Vec<String> {
    format!("\n{text}")
        .split("\n---\n")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_helm_4_plugin_replaces_the_ingress_inside_the_release() {
    let Some(helm) = Helm::new("helm-post-render") else {
        return;
    };
    let mut files = Vec::new();
    // the written files are checked after the loop: their directories live until then
    let mut dirs = Vec::new();
    for case in cases() {
        let dir = common::tempdir("helm-post-render-case");
        let chart = replay_chart(&dir, &case.rendered);
        let template = |post: &str, extra: &[String]| {
            let mut c = helm.cmd();
            c.args(["template", &case.release]).arg(&chart).args([
                "-n",
                &case.namespace,
                "--post-renderer",
                post,
            ]);
            for a in extra {
                c.arg(format!("--post-renderer-args={a}"));
            }
            c.output().unwrap()
        };
        let same = template("same", &[]);
        assert!(
            same.status.success(),
            "{}",
            String::from_utf8_lossy(&same.stderr)
        );
        let baseline = helm_docs(&String::from_utf8_lossy(&same.stdout));
        let had_ingress = baseline.iter().any(|d| d.contains("\nkind: Ingress\n"));
        for t in Target::object_targets() {
            let what = format!("{} {}", case.label, t.name());
            let mut extra: Vec<String> = vec!["--target".into(), t.name().into()];
            extra.extend(common::target_args(t.name()).into_iter().map(String::from));
            if !case.names_namespace {
                extra.push(format!("--namespace={}", case.namespace));
            }
            let out = template("airbyte-ingress", &extra);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{what}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let docs = helm_docs(&stdout);
            if t == Target::Chart {
                assert_eq!(docs, baseline, "{what}");
                continue;
            }
            // Helm's objects are unchanged; the chart's Ingress is gone; the target's are there
            let mut kept: Vec<&String> = docs
                .iter()
                .filter(|d| !d.contains("managed-by: airbyte-ingress"))
                .collect();
            let mut expected: Vec<&String> = baseline
                .iter()
                .filter(|d| {
                    !(d.contains("\nkind: Ingress\n") && d.contains("helm.sh/chart: airbyte-"))
                })
                .collect();
            kept.sort();
            expected.sort();
            assert_eq!(kept, expected, "{what}: Helm's other objects changed");
            let added: Vec<&String> = docs
                .iter()
                .filter(|d| d.contains("managed-by: airbyte-ingress"))
                .collect();
            assert!(!added.is_empty(), "{what}: no objects of the target");
            // Helm filed them under the chart's ingress template (and dropped its own annotation)
            for d in &added {
                assert!(!d.contains("postrender-filename"), "{what}: {d}");
                if had_ingress {
                    assert!(
                        d.starts_with("# Source: airbyte/templates/all.yaml\n"),
                        "{what}: {d}"
                    );
                } else {
                    assert!(
                        d.starts_with("# Source: airbyte/templates/ingress.yaml\n"),
                        "{what}: {d}"
                    );
                }
            }
            let path = dir.join(format!("{}.yaml", t.name()));
            std::fs::write(
                &path,
                added
                    .iter()
                    .map(|d| format!("---\n{d}\n"))
                    .collect::<String>(),
            )
            .unwrap();
            files.push(path);
        }
        dirs.push(dir);
    }
    validate_py(&files);
    drop(dirs);
}

/// Every way a post-render can stop Helm 4 (findings, a flag clap refuses, a flag the target needs,
/// a stream it cannot read) is shown by Helm itself, and written to `--report` too.
#[test]
fn a_bad_value_stops_helm_and_the_report_says_why() {
    let Some(helm) = Helm::new("helm-post-render-bad") else {
        return;
    };
    let case = case("03-byo-url-only");
    let dir = common::tempdir("helm-post-render-bad-case");
    let bad_chart = replay_chart(&dir.join("bad"), &without_scheme(&case.rendered));
    let good_chart = replay_chart(&dir.join("good"), &case.rendered);
    let garbage_chart = replay_chart(
        &dir.join("garbage"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-airbyte\n",
    );
    let report = dir.join("post-render.txt");
    let run = |chart: &Path, args: &[&str]| {
        let _ = std::fs::remove_file(&report);
        let mut cmd = helm.cmd();
        cmd.args(["template", &case.release]).arg(chart).args([
            "-n",
            &case.namespace,
            "--post-renderer",
            "airbyte-ingress",
        ]);
        for a in args {
            cmd.arg(format!("--post-renderer-args={a}"));
        }
        cmd.arg(format!(
            "--post-renderer-args=--report={}",
            report.display()
        ));
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let written = std::fs::read_to_string(&report).unwrap_or_default();
        (String::from_utf8_lossy(&out.stderr).to_string(), written)
    };
    // findings: Helm's error names them, and so does the report
    let (helm_says, written) = run(&bad_chart, &["--target", "traefik"]);
    for text in [&helm_says, &written] {
        common::assert_has(text, "error[url-invalid]");
        common::assert_has(text, "nothing was written, so Helm stops here");
    }
    common::assert_has(&helm_says, "Helm refuses the stand-in object");
    // a mistyped target, refused by the command line parser
    let (helm_says, written) = run(&good_chart, &["--target", "traefk"]);
    for text in [&helm_says, &written] {
        common::assert_has(text, "invalid value 'traefk' for '--target <T>'");
    }
    // a flag the target needs
    let (helm_says, written) = run(&good_chart, &["--target", "gateway-api"]);
    for text in [&helm_says, &written] {
        common::assert_has(text, "--gateway-class");
        common::assert_has(text, "it could not run");
    }
    // a stream that is not an Airbyte release
    let (helm_says, written) = run(&garbage_chart, &["--target", "nginx"]);
    for text in [&helm_says, &written] {
        common::assert_has(text, "no Airbyte release in the stream");
    }
}

#[test]
fn the_helm_cli_plugin_runs_every_command() {
    let Some(helm) = Helm::new("helm-cli-plugin") else {
        return;
    };
    let out = helm
        .cmd()
        .args(["airbyte", "validate", "-f", "examples/values.yaml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::assert_has(&String::from_utf8_lossy(&out.stdout), "0 errors");
    let out = helm
        .cmd()
        .args([
            "airbyte",
            "validate",
            "-f",
            "fixtures/invalid/backend-webapp.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = helm.cmd().args(["airbyte", "rules"]).output().unwrap();
    common::assert_has(&String::from_utf8_lossy(&out.stdout), "timeout-too-low");

    // Helm takes `-n` (wherever it is written) and `--debug` out of a plugin's arguments and
    // passes them as HELM_NAMESPACE and HELM_DEBUG: the namespace and `-v` still apply
    let render = |extra: &[&str]| {
        let out = helm
            .cmd()
            .args([
                "airbyte",
                "render",
                "-t",
                "nginx",
                "-f",
                "examples/values.yaml",
            ])
            .args(extra)
            .env_remove("HELM_NAMESPACE")
            .env("KUBECONFIG", "/nonexistent")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (out, _) = render(&["-n", "airbyte-prod"]);
    common::assert_has(&out, "namespace: airbyte-prod");
    let (out, _) = render(&["--namespace=airbyte-prod"]);
    common::assert_has(&out, "namespace: airbyte-prod");
    // no `-n`: the namespace Helm would install into (no kubeconfig: `default`)
    let (out, err) = render(&["--debug"]);
    common::assert_has(&out, "namespace: default");
    common::assert_has(&err, "rendered Ingress default/");
    // a wrapper's own namespace wins over Helm's default, not over `-n`
    let argo = ["-f", "fixtures/wrappers/argocd/inline-values.yaml"];
    let out = helm
        .cmd()
        .args(["airbyte", "values"])
        .args(argo)
        .args(["-v"])
        .env("KUBECONFIG", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("in namespace `default`"), "{err}");
    // Helm passes `-n` and the kubeconfig's namespace alike, so the Application's own stays
    let out = helm
        .cmd()
        .args(["airbyte", "values", "-n", "elsewhere", "-v"])
        .args(argo)
        .output()
        .unwrap();
    common::assert_has(
        &String::from_utf8_lossy(&out.stderr),
        "in namespace `airbyte`",
    );
}

/// `helm install --dry-run=client` takes the same flags as `helm upgrade --install` and needs no
/// cluster: the release it would install holds the target's objects, not the chart's Ingress.
#[test]
fn helm_install_keeps_the_target_s_objects_in_the_release() {
    let Some(helm) = Helm::new("helm-install") else {
        return;
    };
    let case = case("01-community-tls");
    let dir = common::tempdir("helm-install-case");
    let chart = replay_chart(&dir, &case.rendered);
    let out = helm
        .cmd()
        .env("KUBECONFIG", dir.join("no-cluster"))
        .args(["install", &case.release])
        .arg(&chart)
        .args([
            "-n",
            &case.namespace,
            "--dry-run=client",
            "--post-renderer",
            "airbyte-ingress",
        ])
        .args([
            "--post-renderer-args=--target",
            "--post-renderer-args=gateway-api",
            "--post-renderer-args=--gateway-class=istio",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::assert_has(&text, "STATUS: pending-install");
    common::assert_has(&text, "kind: HTTPRoute");
    common::assert_has(&text, "gatewayClassName: istio");
    assert!(!text.contains("kind: Ingress\n"), "{text}");
}

/// Helm 4 keeps a post-renderer's stderr: a failure is also told on the terminal the run was given
/// (the binary opens `/dev/tty` when stderr is not one), a success is not.
#[test]
fn a_failure_is_told_on_the_terminal_too() {
    use airbyte_ingress::cli::{Cli, Exit, Io, run};
    use clap::Parser;
    let case = case("03-byo-url-only");
    let bad = without_scheme(&case.rendered);
    let go = |stream: &str| {
        let (mut out, mut err, mut tty) = (Vec::new(), Vec::new(), Vec::new());
        let bytes = stream.as_bytes().to_vec();
        let mut read = |_: &str, _: usize| Ok(bytes.clone());
        let mut io = Io {
            stdout: &mut out,
            stderr: &mut err,
            color: false,
            color_stdout: false,
            read: &mut read,
            quiet: false,
            verbose: false,
            terminal: Some(&mut tty),
            helm: None,
        };
        let cli = Cli::try_parse_from(["airbyte-ingress", "post-render", "-t", "traefik"]).unwrap();
        let exit = run(cli, &mut io);
        (exit, out, String::from_utf8(tty).unwrap())
    };
    let (exit, out, tty) = go(&bad);
    assert_eq!(exit, Exit::Findings);
    assert!(out.is_empty());
    common::assert_has(&tty, "error[url-invalid]");
    common::assert_has(&tty, "nothing was written, so Helm stops here");
    let (exit, out, tty) = go(&case.rendered);
    assert_eq!(exit, Exit::Clean);
    assert!(!out.is_empty());
    assert!(tty.is_empty(), "{tty}");
}

/// Enterprise with `keycloak.enabled: false` (the chart's default): the chart renders Keycloak's
/// StatefulSet but not its Service, so no target may route `/auth` there. The values say the same
/// as the stream: `validate` and `post-render` agree, for every target.
#[test]
fn without_keycloak_s_service_no_target_routes_auth() {
    let case = case("02-enterprise-byo");
    // what the chart renders with `keycloak.enabled: false`: the same stream without the documents
    // of `templates/airbyte-keycloak/service.yaml`
    let mut without = case.rendered.clone();
    let mut dropped = 0;
    for s in stream::spans(&case.rendered).iter().rev() {
        if case.rendered[s.bytes.clone()]
            .contains("# Source: airbyte/templates/airbyte-keycloak/service.yaml")
        {
            without.replace_range(s.bytes.clone(), "");
            dropped += 1;
        }
    }
    assert_eq!(dropped, 2, "the Keycloak Service and its headless twin");
    let keycloak_svc = format!("{}-airbyte-keycloak-svc", case.release);
    let values = "global:\n  edition: enterprise\n  airbyteUrl: https://airbyte.corp.example\ningress:\n  enabled: false\n";
    for t in Target::all()
        .iter()
        .copied()
        .filter(|t| t.is_bring_your_own())
    {
        let mut args = vec!["render", "-t", t.name(), "-f", "-", "--release", "ab"];
        args.extend(common::target_args(t.name()));
        let r = common::run_in(&common::root(), &args, Some(values.as_bytes()));
        assert_eq!(r.code, 0, "{}: {}", t.name(), r.transcript());
        assert!(
            !r.stdout.contains(&keycloak_svc),
            "{}: {}",
            t.name(),
            r.stdout
        );
        common::assert_has(&r.stderr, "info[keycloak-off]");
        // with Keycloak on, the same values route its public paths (and only those)
        let on = format!("{values}keycloak:\n  enabled: true\n");
        let r = common::run_in(&common::root(), &args, Some(on.as_bytes()));
        assert_eq!(r.code, 0, "{}: {}", t.name(), r.transcript());
        common::assert_has(&r.stdout, &keycloak_svc);
        if !t.renders_objects() {
            continue;
        }
        let mut args = vec!["post-render", "-t", t.name()];
        args.extend(common::target_args(t.name()));
        let r = common::run_in(&common::root(), &args, Some(without.as_bytes()));
        assert_eq!(r.code, 0, "{}: {}", t.name(), r.transcript());
        let added = ours(&r.stdout).join("\n---\n");
        assert!(!added.is_empty(), "{}", t.name());
        assert!(!added.contains(&keycloak_svc), "{}: {added}", t.name());
        let r = common::run_in(&common::root(), &args, Some(case.rendered.as_bytes()));
        assert_eq!(r.code, 0, "{}: {}", t.name(), r.transcript());
        common::assert_has(&ours(&r.stdout).join("\n---\n"), &keycloak_svc);
    }
}

/// A chart built from airbyte-platform's source says `airbyte-1.1.0` in its labels: Helm shows
/// that this is a source build and what to pass, and `--chart-version` reads it as that chart.
#[test]
fn a_chart_built_from_source_is_named_as_such() {
    let case = case("03-byo-url-only");
    let from_source = case.rendered.replace("airbyte-2.2.0", "airbyte-1.1.0");
    assert_ne!(from_source, case.rendered);
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx"],
        Some(from_source.as_bytes()),
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    common::assert_has(
        &r.stderr,
        "placeholder version of the chart in airbyte-platform's source",
    );
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx", "--chart-version", "2.2.0"],
        Some(from_source.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    // a version this tool does not know is checked as the nearest, and said so
    let newer = case.rendered.replace("airbyte-2.2.0", "airbyte-2.3.1");
    let r = common::run_in(
        &common::root(),
        &["post-render", "-t", "nginx"],
        Some(newer.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(
        &r.stderr,
        "chart 2.3.1 is newer than the newest this tool knows",
    );

    let Some(helm) = Helm::new("helm-source-build") else {
        return;
    };
    let dir = common::tempdir("helm-source-build-case");
    let chart = replay_chart(&dir, &from_source);
    let run = |extra: &[&str]| {
        let mut cmd = helm.cmd();
        cmd.args(["template", &case.release])
            .arg(&chart)
            .args(["-n", &case.namespace, "--post-renderer", "airbyte-ingress"])
            .args([
                "--post-renderer-args=--target",
                "--post-renderer-args=nginx",
            ]);
        for a in extra {
            cmd.arg(format!("--post-renderer-args={a}"));
        }
        cmd.output().unwrap()
    };
    let out = run(&[]);
    assert!(!out.status.success());
    common::assert_has(
        &String::from_utf8_lossy(&out.stderr),
        "pass the version it was built from",
    );
    let out = run(&["--chart-version=2.2.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::assert_has(&String::from_utf8_lossy(&out.stdout), "kind: Ingress");
}
