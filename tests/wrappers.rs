//! The wrapper readers against plain values files: the same values written inside an Argo CD
//! Application, a Flux HelmRelease, a kustomization, a helmfile or a Terraform `helm_release`
//! merge to exactly what the plain file (and the same assignments as `--set`) merges to, and
//! every value keeps its own line: an embedded value at line n of the values is at line
//! offset + n of the wrapper.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::collections::HashMap;

use airbyte_ingress::values::{InputError, InputErrorKind, Node, Origin, Path, Seg, Value};
use airbyte_ingress::{RunOptions, merge_single};
use proptest::prelude::*;

/// Runs the merge of `files` (names to texts; the first is given with `-f`) and `sets`.
fn merged(files: &[(&str, String)], sets: &[String]) -> Result<(Node, Vec<String>), String> {
    let texts: HashMap<String, String> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let mut read = |name: &str, _: usize| -> Result<Vec<u8>, InputError> {
        texts
            .get(name)
            .map(|t| t.as_bytes().to_vec())
            .ok_or_else(|| InputError::new(InputErrorKind::Unreadable, name, "not in the test"))
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
    opts.inputs.files = vec![files[0].0.to_string()];
    opts.inputs.sets = sets
        .iter()
        .map(|s| (airbyte_ingress::values::SetKind::Typed, s.clone()))
        .collect();
    let m = merge_single(&opts, &mut read).map_err(|e| e.to_string())?;
    let names = m
        .loaded
        .sources
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    Ok((m.loaded.root, names))
}

/// A values document in block style (what people write), from generated entries.
#[derive(Clone, Debug)]
enum Gen {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
    Map(Vec<(String, Gen)>),
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "global",
        "ingress",
        "airbyteUrl",
        "enabled",
        "className",
        "hosts",
        "host",
        "edition",
        "server",
        "service",
        "port",
        "annotations",
        "webapp",
        "worker",
        "replicas",
        "env",
    ])
    .prop_map(str::to_string)
}

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,12}(\\.example\\.com)?"
}

fn generated() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        word().prop_map(Gen::Str),
        (0i64..100_000).prop_map(Gen::Int),
        any::<bool>().prop_map(Gen::Bool),
        prop::collection::vec(word(), 1..4).prop_map(Gen::List),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop::collection::vec((key(), inner), 1..5).prop_map(|entries| {
            let mut seen = Vec::new();
            Gen::Map(
                entries
                    .into_iter()
                    .filter(|(k, _)| {
                        let fresh = !seen.contains(k);
                        seen.push(k.clone());
                        fresh
                    })
                    .collect(),
            )
        })
    })
}

fn top() -> impl Strategy<Value = Vec<(String, Gen)>> {
    generated().prop_map(|g| match g {
        Gen::Map(m) => m,
        other => vec![("worker".to_string(), other)],
    })
}

fn write(entries: &[(String, Gen)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in entries {
        match v {
            Gen::Str(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
            Gen::Int(i) => out.push_str(&format!("{pad}{k}: {i}\n")),
            Gen::Bool(b) => out.push_str(&format!("{pad}{k}: {b}\n")),
            Gen::List(items) => {
                out.push_str(&format!("{pad}{k}:\n"));
                for i in items {
                    out.push_str(&format!("{pad}  - {i}\n"));
                }
            }
            Gen::Map(m) => {
                out.push_str(&format!("{pad}{k}:\n"));
                write(m, indent + 2, out);
            }
        }
    }
}

/// `text` indented by `n` spaces, line by line.
fn indented(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

/// The ways values are embedded: the wrapper text, the file name, how many lines come before the
/// values' first line, and how far each line is indented. Terraform's `set` and Argo CD's
/// `parameters` carry the assignments.
fn embeddings(values: &str, sets: &[(String, String)]) -> Vec<(String, String, u32, u32)> {
    let params: String = sets
        .iter()
        .map(|(k, v)| format!("          - name: {k}\n            value: \"{v}\"\n"))
        .collect();
    let argo = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: airbyte\nspec:\n  source:\n    repoURL: https://airbytehq.github.io/charts\n    chart: airbyte\n    targetRevision: 2.2.0\n    helm:\n      values: |\n{}{}  destination:\n    namespace: default\n",
        indented(values, 8),
        if params.is_empty() {
            String::new()
        } else {
            format!(
                "      parameters:\n{}",
                params
                    .replace("          -", "        -")
                    .replace("            value", "          value")
            )
        }
    );
    let flux = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  namespace: default\ndata:\n  values.yaml: |\n{}---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: airbyte\n  namespace: default\nspec:\n  chart:\n    spec:\n      chart: airbyte\n      version: 2.2.0\n  valuesFrom:\n    - kind: ConfigMap\n      name: v\n",
        indented(values, 4)
    );
    let sets_tf: String = sets
        .iter()
        .map(|(k, v)| format!("  set {{\n    name  = \"{k}\"\n    value = \"{v}\"\n  }}\n"))
        .collect();
    let tf = format!(
        "resource \"helm_release\" \"airbyte\" {{\n  name    = \"airbyte\"\n  chart   = \"airbyte\"\n  version = \"2.2.0\"\n  values = [\n    <<-EOT\n{}    EOT\n  ]\n{sets_tf}}}\n",
        indented(values, 6)
    );
    let mut out = vec![
        (argo, "app.yaml".to_string(), 11, 8),
        (tf, "main.tf".to_string(), 6, 6),
    ];
    if sets.is_empty() {
        out.push((flux, "hr.yaml".to_string(), 7, 4));
        // these embed a map, not text: the same check on the map's own lines
        let kust = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: airbyte\n    releaseName: airbyte\n    version: 2.2.0\n    valuesInline:\n{}",
            indented(values, 6)
        );
        out.push((kust, "kustomization.yaml".to_string(), 7, 6));
        let helmfile = format!(
            "releases:\n  - name: airbyte\n    chart: airbyte/airbyte\n    version: 2.2.0\n    values:\n      -\n{}",
            indented(values, 8)
        );
        out.push((helmfile, "helmfile.yaml".to_string(), 6, 8));
    }
    out
}

/// Every leaf's path and position.
fn leaves(n: &Node, path: &mut Vec<Seg>, out: &mut Vec<(Path, Origin)>) {
    match &n.value {
        Value::Map(m) => {
            for (k, v) in m.iter() {
                path.push(Seg::Key(k.as_str().into()));
                leaves(v, path, out);
                path.pop();
            }
        }
        Value::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                leaves(v, path, out);
                path.pop();
            }
        }
        _ => out.push((Path(path.clone()), n.origin)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The same values and assignments merge to the same tree inside every wrapper as in a plain
    /// file with `--set`, and every value of the file is at its line plus the embedding's offset,
    /// its column plus the indentation.
    #[test]
    fn wrappers_merge_as_plain_values_and_keep_every_line(
        entries in top(),
        sets in prop::collection::vec(("global\\.[a-z]{1,8}", "[a-z0-9]{1,8}"), 0..3),
    ) {
        let mut values = String::new();
        write(&entries, 0, &mut values);
        let flags: Vec<String> = sets.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let plain = match merged(&[("values.yaml", values.clone())], &flags) {
            Ok((plain, _)) => plain,
            Err(e) => {
                // an assignment below a value of another type: refused in every wrapper too,
                // as Helm (and the Terraform provider, which calls Helm's parser) refuse it
                prop_assert!(e.contains("Helm cannot set"), "{}", e);
                for (text, name, _, _) in embeddings(&values, &sets) {
                    let wrapped = merged(&[(name.as_str(), text.clone())], &[]);
                    prop_assert!(wrapped.is_err(), "{} accepted what --set refuses\n{}", name, text);
                }
                return Ok(());
            }
        };
        let mut plain_leaves = Vec::new();
        leaves(&plain, &mut Vec::new(), &mut plain_leaves);
        for (text, name, offset, indent) in embeddings(&values, &sets) {
            let (wrapped, _) = merged(&[(name.as_str(), text.clone())], &[])
                .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
            prop_assert_eq!(wrapped.to_json(), plain.to_json(), "{}\n{}", name, text);
            let mut got = Vec::new();
            leaves(&wrapped, &mut Vec::new(), &mut got);
            for (path, o) in &plain_leaves {
                let Origin::File { file: 0, line, column } = *o else { continue };
                let w = got.iter().find(|(p, _)| p == path).map(|(_, o)| *o);
                prop_assert_eq!(
                    w,
                    Some(Origin::File { file: 0, line: line + offset, column: column + indent }),
                    "{} {}\n{}", name, path, text
                );
            }
        }
    }
}

/// `values -f WRAPPER` prints what `values -f PLAIN --set ...` prints, through the binary, for the
/// wrapper fixtures and the plain files and flags written out by hand from them.
#[test]
fn values_of_each_wrapper_fixture_equal_its_plain_equivalent() {
    let dir = common::tempdir("wrappers");
    let argocd = dir.join("argocd.yaml");
    std::fs::write(
        &argocd,
        "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.staging.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
    )
    .unwrap();
    let argocd = argocd.to_str().unwrap();
    let w = "fixtures/wrappers";
    let cases: Vec<(Vec<String>, Vec<String>)> = vec![
        (
            vec![format!("{w}/argocd/inline-values.yaml")],
            vec!["-f".into(), argocd.into()],
        ),
        (
            vec![
                format!("{w}/argocd/multi-source.yaml"),
                "--repo-root".into(),
                format!("values={w}/argocd/platform-values"),
            ],
            vec![
                "-f".into(),
                format!("{w}/argocd/platform-values/airbyte/values.yaml"),
                "-f".into(),
                format!("{w}/argocd/platform-values/airbyte/values-prod.yaml"),
                "--set".into(),
                "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=1m".into(),
            ],
        ),
        (
            vec![format!("{w}/helmfile/helmfile.yaml")],
            vec![
                "-f".into(),
                format!("{w}/helmfile/values/airbyte.yaml"),
                "--set".into(),
                "global.edition=community,global.airbyteUrl=https://airbyte.example.com".into(),
            ],
        ),
        (
            vec![
                format!("{w}/terraform/v2/main.tf"),
                "--tf-vars".into(),
                format!("{w}/terraform/v2/prod.tfvars"),
            ],
            vec![
                "-f".into(),
                format!("{w}/terraform/v2/values/airbyte.yaml"),
                "--set".into(),
                "global.airbyteUrl=https://airbyte.example.com".into(),
                "--set".into(),
                "ingress.hosts[0].host=airbyte.example.com".into(),
                "--set-string".into(),
                "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=600,ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-send-timeout=600".into(),
                "--set".into(),
                "global.auth.instanceAdmin.password=not-in-git".into(),
            ],
        ),
    ];
    for (wrapped, plain) in cases {
        let mut a = vec!["values", "-f"];
        a.extend(wrapped.iter().map(String::as_str));
        let mut b = vec!["values"];
        b.extend(plain.iter().map(String::as_str));
        let (ra, rb) = (common::run(&a), common::run(&b));
        assert_eq!(ra.code, 0, "{}", ra.transcript());
        assert_eq!(rb.code, 0, "{}", rb.transcript());
        assert_eq!(ra.stdout, rb.stdout, "{wrapped:?} vs {plain:?}");
    }
}

/// Several Airbyte releases in the files: `validate` checks each, `render` wants `--release`.
#[test]
fn several_releases_are_checked_one_by_one() {
    let a = "fixtures/wrappers/argocd/inline-values.yaml";
    let b = "fixtures/wrappers/argocd/apps.yaml";
    let r = common::run(&["validate", "-f", a, "-f", b, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let releases: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["release"].as_str().unwrap())
        .collect();
    assert_eq!(releases, ["airbyte", "airbyte-oss"]);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"url-host-mismatch") && rules.contains(&"alb-target-type"),
        "{rules:?}"
    );
    let r = common::run(&["render", "-t", "nginx", "-f", a, "-f", b]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "pick one with `--release NAME`");
    let r = common::run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        a,
        "-f",
        b,
        "--release",
        "airbyte-oss",
    ]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(&r.stdout, "name: airbyte-oss-airbyte-server-svc");
    let r = common::run(&["validate", "-f", a, "-f", b, "--release", "nope"]);
    assert_eq!(r.code, 2);
}

/// A wrapper's release name and namespace name the Services a target routes to; the flags win.
#[test]
fn render_uses_the_wrapper_s_release_unless_the_flags_say_otherwise() {
    let f = "fixtures/wrappers/flux/target-namespace.yaml";
    let r = common::run(&["render", "-t", "nginx", "-f", f]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(&r.stdout, "namespace: data\n");
    common::assert_has(&r.stdout, "name: data-airbyte-airbyte-server-svc");
    let r = common::run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        f,
        "--release",
        "x",
        "-n",
        "other",
    ]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(&r.stdout, "namespace: other\n");
    common::assert_has(&r.stdout, "name: x-airbyte-server-svc");
}

/// Bad wrappers: a missing file at the wrapper's line naming the path, malformed HCL and YAML at
/// their line and column, a file of another chart said to be so; exit 2 in every format.
#[test]
fn bad_wrappers_exit_2_at_their_lines() {
    let dir = common::tempdir("bad-wrappers");
    let missing = dir.join("app.yaml");
    std::fs::write(&missing, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: airbyte\nspec:\n  source:\n    repoURL: https://github.com/acme/x\n    path: charts/airbyte\n    helm:\n      valueFiles: [values.yaml]\n").unwrap();
    let hcl = dir.join("main.tf");
    std::fs::write(
        &hcl,
        "resource \"helm_release\" \"a\" {\n  name = \"airbyte\"\n  chart = \n}\n",
    )
    .unwrap();
    let tf_missing = dir.join("file.tf");
    std::fs::write(&tf_missing, "resource \"helm_release\" \"a\" {\n  name  = \"airbyte\"\n  chart = \"airbyte\"\n  values = [file(\"nope.yaml\")]\n}\n").unwrap();
    let other = dir.join("grafana.yaml");
    std::fs::write(&other, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: grafana\nspec:\n  source:\n    chart: grafana\n    repoURL: https://grafana.github.io/helm-charts\n").unwrap();
    let cases = [
        (
            tf_missing.to_str().unwrap().to_string(),
            "input-unreadable",
            "file.tf:4:",
        ),
        (
            hcl.to_str().unwrap().to_string(),
            "input-syntax",
            "main.tf:3:",
        ),
        (
            other.to_str().unwrap().to_string(),
            "input-invalid",
            "no release of Airbyte's chart",
        ),
    ];
    for (file, rule, says) in &cases {
        for format in ["text", "json", "github", "sarif"] {
            let r = common::run(&["validate", "-f", file, "--format", format]);
            assert_eq!(r.code, 2, "{file} {format}: {}", r.transcript());
            common::assert_has(&r.stderr, says);
            if format != "text" {
                common::assert_has(&r.stdout, rule);
            } else {
                assert!(r.stdout.is_empty());
            }
        }
    }
    // a Git source that is not this checkout: its chart folder is not read, nothing is guessed
    let r = common::run(&["validate", "-f", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    common::assert_has(&r.stderr, "no release of Airbyte's chart");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A helmfile whose template actions sit inside its values is read: each action is a value
    /// this tool cannot resolve (`cannot-assess` at its line, never a fault of the value around
    /// it); one whose actions shape the YAML is refused as templated, exit 2.
    #[test]
    fn helmfile_actions_in_values_are_unknowns_and_shaping_ones_refuse(
        prefix in "[a-z]{0,6}",
        expr in "\\.(Values|StateValues|Environment\\.Values)\\.[a-z]{1,8}",
        suffix in "(\\.[a-z]{2,6}){0,2}",
        gotmpl in any::<bool>(),
    ) {
        let dir = common::tempdir("helmfile-actions");
        let name = if gotmpl { "helmfile.yaml.gotmpl" } else { "helmfile.yaml" };
        let host = format!("{prefix}{{{{ {expr} }}}}{suffix}");
        let text = format!(
            "repositories:\n  - name: airbyte\n    url: https://airbytehq.github.io/charts\n---\nreleases:\n  - name: airbyte\n    namespace: airbyte\n    chart: airbyte/airbyte\n    version: 2.2.0\n    values:\n      - global:\n          airbyteUrl: 'https://{host}'\n        ingress:\n          enabled: false\n          hosts:\n            - host: '{host}'\n              paths: [{{path: /, pathType: Prefix, backend: server}}]\n"
        );
        let file = dir.join(name);
        std::fs::write(&file, &text).unwrap();
        let r = common::run(&["validate", "-f", file.to_str().unwrap(), "--format", "json"]);
        prop_assert_eq!(r.code, 0, "{}\n{}", text, r.transcript());
        let found = common::report_findings(&r.stdout);
        prop_assert!(
            found.iter().any(|(rule, _, line)| rule == "cannot-assess" && *line == 16),
            "{:?}\n{}", found, text
        );
        prop_assert!(
            found.iter().all(|(rule, ..)| rule == "cannot-assess"),
            "{:?}\n{}", found, text
        );
        // the same release made once per item of a `range`: refused
        let shaped = text.replace(
            "releases:\n",
            "releases:\n{{- range $x := list \"a\" }}\n",
        ) + "{{- end }}\n";
        std::fs::write(&file, &shaped).unwrap();
        let r = common::run(&["validate", "-f", file.to_str().unwrap(), "--format", "json"]);
        prop_assert_eq!(r.code, 2, "{}\n{}", shaped, r.transcript());
        prop_assert!(r.stdout.contains("input-templated"), "{}", r.stdout);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// An ApplicationSet over a written-out list generator is one release per element, named and
    /// placed from the element, with the element's host in its values (with `goTemplate` and
    /// without); a trailing slash written in one element's URL is found for that element alone.
    #[test]
    fn list_generators_give_one_release_per_element(
        // `env` first: no YAML 1.1 word (`y`, `no`, `on`) that would read as a boolean
        envs in prop::collection::btree_set("env[a-z0-9]{0,4}", 1..4),
        go in any::<bool>(),
        slash_in in 0..4usize,
    ) {
        let envs: Vec<String> = envs.into_iter().collect();
        let slash_in = slash_in % envs.len();
        let p = |k: &str| if go { format!("{{{{ .{k} }}}}") } else { format!("{{{{{k}}}}}") };
        let elements: String = envs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let slash = if i == slash_in { "/" } else { "" };
                format!("          - env: {e}\n            url: https://{e}.example.com{slash}\n")
            })
            .collect();
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: airbyte\nspec:\n  goTemplate: {go}\n  generators:\n    - list:\n        elements:\n{elements}  template:\n    metadata:\n      name: 'airbyte-{env}'\n    spec:\n      source:\n        repoURL: https://airbytehq.github.io/charts\n        chart: airbyte\n        targetRevision: 2.2.0\n        helm:\n          values: |\n            global:\n              airbyteUrl: '{url}'\n      destination:\n        namespace: 'ns-{env}'\n",
            env = p("env"),
            url = p("url"),
        );
        let dir = common::tempdir("appset-list");
        let file = dir.join("appset.yaml");
        std::fs::write(&file, &text).unwrap();
        let r = common::run(&["validate", "-f", file.to_str().unwrap(), "--format", "json"]);
        prop_assert_eq!(r.code, 1, "{}\n{}", text, r.transcript());
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let inputs = v["inputs"].as_array().unwrap();
        let mut got: Vec<(String, String)> = inputs
            .iter()
            .map(|i| (i["release"].as_str().unwrap().to_string(), i["namespace"].as_str().unwrap().to_string()))
            .collect();
        got.sort();
        let mut want: Vec<(String, String)> = envs.iter().map(|e| (format!("airbyte-{e}"), format!("ns-{e}"))).collect();
        want.sort();
        prop_assert_eq!(got, want, "{}", text);
        let slashes: Vec<&serde_json::Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "url-trailing-slash")
            .collect();
        prop_assert_eq!(slashes.len(), 1, "{}", r.stdout);
        let message = slashes[0]["message"].as_str().unwrap();
        let wanted = format!("https://{}.example.com/", envs[slash_in]);
        prop_assert!(message.contains(&wanted), "{}", message);
        prop_assert!(!r.stdout.contains("cannot-assess"), "{}", r.stdout);
    }
}
