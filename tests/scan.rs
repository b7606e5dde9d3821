//! `scan` over the fixture repositories (`fixtures/repos/`, each modelled on a real layout): the
//! exact findings between their files, nothing from unrelated files, every report format (SARIF
//! checked against the SARIF 2.1.0 schema), and files that cannot be read counted, never fatal.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use proptest::prelude::*;

fn scan_json(args: &[&str]) -> (i32, Vec<(String, String, u64)>, serde_json::Value) {
    let mut argv = vec!["scan"];
    argv.extend(args);
    argv.extend(["--format", "json"]);
    let r = common::run(&argv);
    assert_ne!(r.code, 2, "{}", r.transcript());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    (r.code, common::report_findings(&r.stdout), v)
}

fn owned(list: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    list.iter()
        .map(|(r, f, l)| (r.to_string(), f.to_string(), *l))
        .collect()
}

#[test]
fn terraform_with_a_kubectl_applied_ingress() {
    let repo = "fixtures/repos/terraform-kubectl";
    let (code, found, v) = scan_json(&[repo]);
    let ing = "fixtures/repos/terraform-kubectl/k8s/airbyte-ingress.yaml";
    let values = "fixtures/repos/terraform-kubectl/values/airbyte.yaml";
    assert_eq!(
        found,
        owned(&[
            // the route goes to the webapp Service chart 2.2 does not render, so `/` reaches no server
            ("root-route-missing", ing, 20),
            ("backend-service-unknown", ing, 24),
            // the values file of the helm_release against the Ingress of the kubectl_manifest
            ("url-host-mismatch", values, 2),
        ])
    );
    assert_eq!(code, 1);
    assert_eq!(v["inputs"][0]["kind"], "terraform-helm-release");
    assert_eq!(v["routes"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["routes"][0]["release"], "airbyte/airbyte");
    assert_eq!(v["routes"][0]["paired_by"], "service");
    assert_eq!(v["files"], 4);
}

#[test]
fn an_applicationsets_elements_are_releases_and_its_findings_name_them() {
    let repo = "fixtures/repos/argocd-applicationset";
    let appset = "fixtures/repos/argocd-applicationset/appsets/airbyte.yaml";
    let route = "fixtures/repos/argocd-applicationset/routes/airbyte-prod.yaml";
    let (code, found, v) = scan_json(&[repo]);
    assert_eq!(
        found,
        owned(&[
            ("ingress-nginx-retired", appset, 36),
            ("timeout-too-low", appset, 39),
            ("backend-invalid", appset, 46),
            // prod's hand-written Ingress, paired with the element's release by its Service
            ("body-size-too-low", route, 12),
            ("ingress-nginx-retired", route, 12),
        ])
    );
    assert_eq!(v["routes"][0]["release"], "airbyte-prod/airbyte-prod");
    assert_eq!(v["routes"][0]["paired_by"], "service");
    assert_eq!(code, 1);
    let releases = |rule: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["releases"].clone())
            .unwrap()
    };
    // what the template writes for both environments is told once, naming both; prod's own
    // timeout names prod alone
    assert_eq!(
        releases("backend-invalid"),
        serde_json::json!(["airbyte-staging", "airbyte-prod"])
    );
    assert_eq!(
        releases("timeout-too-low"),
        serde_json::json!(["airbyte-prod"])
    );
    let inputs: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["release"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["airbyte-staging", "airbyte-prod"]);
    // the app-of-apps chart's template of an ApplicationSet is Helm's to render
    let r = common::run(&["scan", repo, "-v"]);
    assert!(
        r.stderr.contains(
            "passed over fixtures/repos/argocd-applicationset/bootstrap/templates/airbyte-appset.yaml: a Helm template"
        ),
        "{}",
        r.transcript()
    );
    // another chart's ApplicationSet beside it is neither a release nor a template
    assert!(!r.stderr.contains("metrics-server"), "{}", r.transcript());
    assert!(
        r.stdout
            .contains("  = releases: airbyte-staging, airbyte-prod\n"),
        "{}",
        r.stdout
    );
    // validate -f of the file alone says the same of the values
    let one = common::run(&["validate", "-f", appset, "--format", "json"]);
    assert_eq!(common::report_findings(&one.stdout), found[..3]);
}

#[test]
fn argocd_multi_source_with_a_route_on_a_shared_gateway() {
    let repo = "fixtures/repos/argocd-multisource";
    // the `$values` file lives in this repository's checkout, named by its ref
    let (code, found, _) = scan_json(&[repo, "--repo-root", &format!("values={repo}")]);
    assert_eq!(
        found,
        owned(&[(
            "http-listener-attached",
            "fixtures/repos/argocd-multisource/routes/airbyte.yaml",
            9
        )])
    );
    assert_eq!(code, 0);
    // without the checkout, the values file is a cannot-assess, not a guess
    let (_, found, _) = scan_json(&[repo]);
    assert!(
        found
            .iter()
            .any(|(r, f, _)| r == "cannot-assess" && f.ends_with("apps/airbyte.yaml")),
        "{found:?}"
    );
}

#[test]
fn kustomize_with_an_httproute_on_a_missing_listener() {
    let (code, found, _) = scan_json(&["fixtures/repos/kustomize-gateway"]);
    let route = "fixtures/repos/kustomize-gateway/airbyte/httproute.yaml";
    assert_eq!(
        found,
        owned(&[
            // the route is not accepted, so nothing serves the https URL's certificate either
            (
                "url-https-without-tls",
                "fixtures/repos/kustomize-gateway/airbyte/kustomization.yaml",
                16
            ),
            ("gateway-listener-missing", route, 9),
        ])
    );
    assert_eq!(code, 1);
}

#[test]
fn flux_with_an_ingressroute_in_another_namespace() {
    let (code, found, _) = scan_json(&["fixtures/repos/flux-traefik"]);
    let route = "fixtures/repos/flux-traefik/clusters/prod/airbyte/ingressroute.yaml";
    assert_eq!(
        found,
        owned(&[
            ("route-namespace-mismatch", route, 2),
            ("traefik-entrypoint-timeout", route, 2),
            ("tls-secret-no-certificate", route, 17),
        ])
    );
    assert_eq!(code, 1);
}

#[test]
fn all_repositories_at_once_give_the_same_findings() {
    let mut each = Vec::new();
    for repo in ["terraform-kubectl", "kustomize-gateway", "flux-traefik"] {
        each.extend(scan_json(&[&format!("fixtures/repos/{repo}")]).1);
    }
    each.sort();
    let (_, mut all, _) = scan_json(&[
        "fixtures/repos/terraform-kubectl",
        "fixtures/repos/kustomize-gateway",
        "fixtures/repos/flux-traefik",
    ]);
    all.sort();
    assert_eq!(all, each);
}

#[test]
fn sarif_reports_are_valid_sarif() {
    let schema: serde_json::Value =
        serde_json::from_str(&common::text("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let runs = [
        vec!["scan", "fixtures/repos", "--format", "sarif"],
        vec![
            "validate",
            "-f",
            "fixtures/invalid/url-with-credentials.yaml",
            "--format",
            "sarif",
        ],
        vec![
            "validate",
            "-m",
            "fixtures/manifests/expert",
            "--format",
            "sarif",
        ],
        // a run that could not go on reports in SARIF too
        vec!["scan", "no/such/folder", "--format", "sarif"],
        // probe's findings point at no file: the URL is their location
        vec!["probe", "http://127.0.0.1:1", "--format", "sarif"],
        vec!["probe", "ftp://airbyte.example.com", "--format", "sarif"],
    ];
    for args in runs {
        let r = common::run(&args);
        let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        assert!(
            !report["runs"][0]["results"].as_array().unwrap().is_empty(),
            "{args:?}: no results"
        );
    }
    // the oracle can fail: a report without its `version` is not SARIF
    let r = common::run(&["scan", "fixtures/repos", "--format", "sarif"]);
    let mut report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    report.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&report));
}

#[test]
fn every_format_and_the_verbose_listing() {
    for format in ["text", "json", "github", "sarif"] {
        let r = common::run(&["scan", "fixtures/repos/flux-traefik", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.transcript());
        common::assert_has(&r.stdout, "route-namespace-mismatch");
    }
    let r = common::run(&["scan", "fixtures/repos/terraform-kubectl", "-v"]);
    common::assert_has(
        &r.stderr,
        "read 4 files: 1 Airbyte releases, 1 routes to Airbyte",
    );
    common::assert_has(
        &r.stderr,
        "route Ingress airbyte/airbyte (fixtures/repos/terraform-kubectl/k8s/airbyte-ingress.yaml) to release airbyte/airbyte (by service)",
    );
    // the other application's Ingress in the same folder is no route to Airbyte and gives nothing
    assert!(!r.stdout.contains("grafana"), "{}", r.stdout);
    // --strict fails on warnings
    let r = common::run(&[
        "scan",
        "fixtures/repos/argocd-multisource",
        "--repo-root",
        "values=fixtures/repos/argocd-multisource",
    ]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let r = common::run(&[
        "scan",
        "fixtures/repos/argocd-multisource",
        "--repo-root",
        "values=fixtures/repos/argocd-multisource",
        "--strict",
    ]);
    assert_eq!(r.code, 1, "{}", r.transcript());
}

/// A repository with what breaks readers: a binary file, a file over the size limit, invalid
/// YAML, a symbolic link loop, an ignored file. Each is skipped (counted, at its line where it has
/// one) and the rest is still checked.
#[test]
fn unreadable_files_are_counted_and_never_stop_the_scan() {
    let dir = common::tempdir("scan-bad-files");
    let repo = common::text("fixtures/rules/route-namespace-mismatch/bad.yaml");
    std::fs::write(dir.join("airbyte.yaml"), &repo).unwrap();
    std::fs::write(dir.join("binary.yaml"), b"kind: Ingress\n\0\x01\x02").unwrap();
    std::fs::write(dir.join("latin1.yaml"), b"kind: Ingress\nname: caf\xe9\n").unwrap();
    std::fs::write(
        dir.join("broken.yaml"),
        "kind: Ingress\nspec: [a, b\n  c: d\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("huge.yaml"),
        format!("kind: Ingress\n#{}\n", "x".repeat(40_000)),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("loop")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&*dir, dir.join("loop/back")).unwrap();
    // ignored by .gitignore: a defect there is not reported unless --no-ignore
    std::fs::write(dir.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir_all(dir.join("ignored")).unwrap();
    std::fs::write(
        dir.join("ignored/route.yaml"),
        repo.replace("namespace: ingress", "namespace: other"),
    )
    .unwrap();
    let path = dir.display().to_string();
    let r = common::run(&[
        "scan",
        &path,
        "--max-file-bytes",
        "20000",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let found = common::report_findings(&r.stdout);
    let skipped: Vec<&str> = found
        .iter()
        .filter(|(rule, ..)| rule == "scan-file-skipped")
        .map(|(_, f, _)| f.as_str())
        .collect();
    for name in ["binary.yaml", "latin1.yaml", "broken.yaml", "huge.yaml"] {
        assert!(
            skipped.iter().any(|f| f.ends_with(name)),
            "{name}: {skipped:?}"
        );
    }
    // the syntax error is pointed at its line
    assert!(
        found
            .iter()
            .any(|(rule, f, line)| rule == "scan-file-skipped"
                && f.ends_with("broken.yaml")
                && *line == 3),
        "{found:?}"
    );
    // the good file is still checked
    assert!(
        found
            .iter()
            .any(|(rule, f, _)| rule == "route-namespace-mismatch" && f.ends_with("airbyte.yaml")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, f, _)| f.contains("ignored/")),
        "{found:?}"
    );
    assert!(v["skipped"].as_array().unwrap().len() >= 4, "{v}");
    let r = common::run(&["scan", &path, "--no-ignore", "--format", "json"]);
    assert!(
        common::report_findings(&r.stdout)
            .iter()
            .any(|(_, f, _)| f.contains("ignored/")),
        "{}",
        r.stdout
    );
    // only a folder that cannot be read at all stops the scan, in every format
    for format in ["text", "json", "github", "sarif"] {
        let r = common::run(&["scan", "no/such/folder", "--format", format]);
        assert_eq!(r.code, 2, "{}", r.transcript());
        common::assert_has(&r.stderr, "no/such/folder");
    }
}

/// Random file contents, names and nesting, made of the pieces scan reads (wrappers, routes,
/// Gateways, Certificates, values) cut at random places: scan always ends with a report (exit 0 or
/// 1, JSON that parses), never an error, a panic or a hang.
fn piece() -> impl Strategy<Value = String> {
    let pieces: Vec<String> = [
        "fixtures/rules/route-namespace-mismatch/bad.yaml",
        "fixtures/rules/gateway-listener-missing/bad.yaml",
        "fixtures/rules/tls-secret-no-certificate/bad.yaml",
        "fixtures/repos/terraform-kubectl/main.tf",
        "fixtures/repos/flux-traefik/clusters/prod/airbyte/helmrelease.yaml",
        "fixtures/repos/kustomize-gateway/airbyte/kustomization.yaml",
        "fixtures/repos/terraform-kubectl/k8s/airbyte-ingress.yaml",
    ]
    .iter()
    .map(common::text)
    .collect();
    (
        0..pieces.len(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        "[ -~\n\t{}\\[\\]:]{0,40}",
    )
        .prop_map(move |(i, a, b, noise)| {
            let text = &pieces[i];
            let chars: Vec<char> = text.chars().collect();
            let (x, y) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            let (from, to) = (x.min(y), x.max(y));
            let mut s: String = chars[..from].iter().collect();
            s.push_str(&noise);
            s.extend(&chars[to..]);
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The scan's reader of one file, on the pieces cut and on any bytes: a count or an input
    /// error naming the file, never a panic (the fuzz target `scan_read` runs the same).
    #[test]
    fn the_route_reader_takes_any_bytes(text in piece(), noise in prop::collection::vec(any::<u8>(), 0..200)) {
        let limits = airbyte_ingress::values::Limits::default();
        for bytes in [text.as_bytes(), &noise[..]] {
            match airbyte_ingress::runs::scan::route_objects("f.yaml", bytes, &limits) {
                Ok(_) => {}
                Err(e) => prop_assert_eq!(e.source, "f.yaml"),
            }
        }
    }

    #[test]
    fn any_tree_of_files_gives_a_report(
        files in prop::collection::vec(
            ("[a-c]{1,2}(/[a-c]{1,2}){0,2}", prop::sample::select(vec!["yaml", "yml", "json", "tf", "txt"]), piece()),
            1..8,
        )
    ) {
        let dir = common::tempdir("scan-random");
        for (path, ext, text) in &files {
            let p = dir.join(format!("{path}.{ext}"));
            if std::fs::create_dir_all(p.parent().unwrap()).is_err() {
                continue;
            }
            let _ = std::fs::write(&p, text);
        }
        let path = dir.display().to_string();
        let r = common::run(&["scan", &path, "--format", "json"]);
        prop_assert!(r.code == 0 || r.code == 1, "{}", r.transcript());
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        prop_assert!(v["findings"].is_array());
        prop_assert!(!r.stderr.contains("internal error"), "{}", r.stderr);
    }
}

/// A repository that holds the ingress-nginx release: its `controller.config` counts for every
/// nginx Ingress paired with a release, as the controller applies it.
#[test]
fn the_ingress_nginx_release_in_the_repository_counts() {
    let dir = common::tempdir("scan-nginx");
    let airbyte =
        common::text("fixtures/repos/flux-traefik/clusters/prod/airbyte/helmrelease.yaml");
    std::fs::write(dir.join("airbyte.yaml"), airbyte).unwrap();
    std::fs::write(
        dir.join("ingress.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: airbyte\n  namespace: airbyte\nspec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [airbyte.example.com]\n      secretName: airbyte-tls\n  rules:\n    - host: airbyte.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: airbyte-airbyte-server-svc\n                port:\n                  name: http\n",
    )
    .unwrap();
    let path = dir.display().to_string();
    let rules = |path: &str| -> Vec<String> {
        let r = common::run(&["scan", path, "--format", "json"]);
        common::report_findings(&r.stdout)
            .into_iter()
            .map(|f| f.0)
            .collect()
    };
    let without = rules(&path);
    assert!(
        without.iter().any(|r| r == "body-size-too-low"),
        "{without:?}"
    );
    assert!(
        without.iter().any(|r| r == "timeout-too-low"),
        "{without:?}"
    );
    std::fs::write(
        dir.join("ingress-nginx.yaml"),
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ingress-nginx\n  namespace: ingress-nginx\nspec:\n  chart:\n    spec:\n      chart: ingress-nginx\n      version: 4.12.0\n      sourceRef: {kind: HelmRepository, name: ingress-nginx}\n  values:\n    controller:\n      config:\n        proxy-body-size: 16m\n        proxy-read-timeout: 600\n        proxy-send-timeout: \"600\"\n",
    )
    .unwrap();
    let with = rules(&path);
    assert!(
        !with
            .iter()
            .any(|r| r == "body-size-too-low" || r == "timeout-too-low"),
        "{with:?}"
    );
}

/// NGINX Gateway Fabric's policies kept in a file of their own still count for the routes on its
/// Gateways; without them the route is warned about.
#[test]
fn nginx_gateway_fabric_policies_in_their_own_file_count() {
    let dir = common::tempdir("scan-ngf");
    let bad = common::text("fixtures/rules/ngf-policy-missing/bad.yaml");
    let good = common::text("fixtures/rules/ngf-policy-missing/good.yaml");
    // the good example's policies, alone in policies.yaml; the routes as the bad example has them
    let policies: Vec<&str> = good
        .split("\n---\n")
        .filter(|d| d.contains("gateway.nginx.org"))
        .collect();
    std::fs::write(dir.join("gateway.yaml"), &bad).unwrap();
    let path = dir.display().to_string();
    let (_, found, _) = scan_json(&[&path]);
    assert!(
        found.iter().any(|(r, ..)| r == "ngf-policy-missing"),
        "{found:?}"
    );
    std::fs::write(dir.join("policies.yaml"), policies.join("\n---\n")).unwrap();
    let (_, found, _) = scan_json(&[&path]);
    assert!(
        !found.iter().any(|(r, ..)| r == "ngf-policy-missing"),
        "{found:?}"
    );
}

/// A route to a Service of the user's own (no release in its name, no wrapper in the repository)
/// is checked as `validate -m` checks it: the scan and `validate -m` of the same folder agree.
#[test]
fn a_route_to_a_service_of_ones_own_is_checked_as_validate_m_checks_it() {
    let dir = common::tempdir("scan-own-service");
    let text = common::text("fixtures/manifests/expert/alb-instance-nodeport.yaml");
    std::fs::write(
        dir.join("airbyte.yaml"),
        text.replace("type: NodePort", "type: ClusterIP"),
    )
    .unwrap();
    let path = dir.display().to_string();
    let (code, found, _) = scan_json(&[&path]);
    let rules: Vec<&str> = found.iter().map(|(r, ..)| r.as_str()).collect();
    assert_eq!(rules, ["alb-target-type", "timeout-too-low"], "{found:?}");
    assert_eq!(code, 1);
    let r = common::run(&["validate", "-m", &path, "--format", "json"]);
    let validated: Vec<String> = common::report_findings(&r.stdout)
        .into_iter()
        .map(|(rule, ..)| rule)
        .collect();
    assert_eq!(validated, rules);
}

/// helmfile v1's `helmfile.yaml.gotmpl` is a wrapper to the scan, its actions inside values are
/// unknowns, and a `.gotmpl` values file beside it is passed over.
#[test]
fn a_helmfile_v1_state_file_is_read_by_the_scan() {
    let (code, found, v) = scan_json(&["fixtures/wrappers/helmfile-v1"]);
    assert_eq!(code, 0, "{found:?}");
    assert_eq!(v["inputs"].as_array().map(Vec::len), Some(1), "{v}");
    let file = "fixtures/wrappers/helmfile-v1/helmfile.yaml.gotmpl";
    assert!(
        found.contains(&("body-size-too-low".to_string(), file.to_string(), 26)),
        "{found:?}"
    );
    assert!(
        found.contains(&("cannot-assess".to_string(), file.to_string(), 28)),
        "{found:?}"
    );
}
