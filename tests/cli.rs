//! CLI cases: stdout, stderr and exit code pinned together.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use common::{fixtures, rel, run, run_in};

fn stem(p: &std::path::Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn invalid_fixtures_in_every_format() {
    for f in fixtures("invalid") {
        let file = rel(&f);
        for format in ["text", "json", "github", "sarif"] {
            let r = run(&["validate", "-f", &file, "--format", format]);
            assert_eq!(r.code, 1, "{file} {format}: {}", r.transcript());
            insta::assert_snapshot!(format!("validate-{}-{format}", stem(&f)), r.transcript());
        }
        // render refuses, and prints nothing on stdout
        let r = run(&["render", "--target", "chart", "-f", &file]);
        assert_eq!(r.code, 1, "{file}");
        assert!(r.stdout.is_empty(), "{file}: {}", r.stdout);
    }
}

#[test]
fn valid_fixtures_validate_clean_and_render() {
    for f in fixtures("valid") {
        let file = rel(&f);
        let r = run(&["validate", "-f", &file]);
        assert_eq!(r.code, 0, "{file}: {}", r.transcript());
        assert!(!r.stdout.contains("error["), "{file}: {}", r.stdout);
        let r = run(&[
            "render",
            "--target",
            "chart",
            "-f",
            &file,
            "--namespace",
            "airbyte",
        ]);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        insta::assert_snapshot!(format!("render-chart-{}", stem(&f)), r.transcript());
        // byte-identical output every time
        let again = run(&[
            "render",
            "--target",
            "chart",
            "-f",
            &file,
            "--namespace",
            "airbyte",
        ]);
        assert_eq!(again.stdout, r.stdout, "{file}");
    }
}

#[test]
fn every_target_renders_every_valid_fixture() {
    for f in fixtures("valid") {
        let file = rel(&f);
        for t in airbyte_ingress::targets::Target::all()
            .iter()
            .filter(|t| t.is_bring_your_own())
        {
            // the chart's own Ingress off, as these targets need
            let args = common::render_args(*t, &file);
            let r = run(&args);
            assert_eq!(r.code, 0, "{file} {}: {}", t.name(), r.stderr);
            assert!(
                !r.stderr.contains("chart-ingress-also-enabled"),
                "{}",
                r.stderr
            );
            insta::assert_snapshot!(format!("render-{}-{}", t.name(), stem(&f)), r.transcript());
            assert_eq!(
                run(&args).stdout,
                r.stdout,
                "{file} {}: output differs between runs",
                t.name()
            );
        }
    }
}

#[test]
fn broken_inputs_exit_2_with_location_and_nothing_on_stdout() {
    for f in fixtures("broken") {
        let file = rel(&f);
        for cmd in [
            &["validate", "-f", &file][..],
            &["render", "--target", "chart", "-f", &file][..],
        ] {
            let r = run(cmd);
            assert_eq!(r.code, 2, "{file}: {}", r.transcript());
            assert!(r.stdout.is_empty(), "{file}");
            assert!(
                r.stderr.starts_with(&format!("error: {file}:")),
                "{file}: {}",
                r.stderr
            );
        }
        insta::assert_snapshot!(
            format!("broken-{}", stem(&f)),
            run(&["validate", "-f", &file]).transcript()
        );
    }
}

#[test]
fn stdin_is_read_with_dash() {
    let values = std::fs::read(common::root().join("examples/values.yaml")).unwrap();
    let r = run_in(
        &common::root(),
        &["render", "-t", "chart", "-f", "-"],
        Some(&values),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("host: airbyte.example.com"));
    let r = run_in(&common::root(), &["validate", "-f", "-"], Some(b""));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: <stdin>: standard input is empty: nothing was piped in (or it was closed)\n"
    );
}

#[test]
fn unreadable_inputs_exit_2() {
    let r = run(&["validate", "-f", "no/such/file.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: no/such/file.yaml: cannot read the file"),
        "{}",
        r.stderr
    );
    let r = run(&["validate", "-f", "fixtures"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: fixtures: is a directory, not a file (`-m DIR` reads a directory of manifests)\n"
    );
    let r = run(&["validate"]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "nothing to validate");
    let dir = common::tempdir("cli");
    std::fs::write(dir.join("bad.yaml"), b"ingress:\n  className: \xff\n").unwrap();
    let r = run_in(&dir, &["validate", "-f", "bad.yaml"], None);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: bad.yaml:2:14: invalid UTF-8: the input must be UTF-8 text\n"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let r = run(&["render", "--target", "nope", "-f", "examples/values.yaml"]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "invalid value 'nope' for '--target <T>'");
    common::assert_has(
        &r.stderr,
        "[possible values: chart, nginx, alb, aks, aks-agc, haproxy, traefik, gateway-api, haproxy-cfg, istio]",
    );
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--release",
        "Bad_Name",
    ]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "invalid release name `Bad_Name`");
    let long = "a".repeat(54);
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--release",
        &long,
    ]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "Helm allows at most 53");
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--chart-version",
        "1.9.0",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("has no top-level `ingress` block")
            && r.stderr
                .contains("`airbyte-ingress migrate -f FILE` converts the values"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.hosts[-1].host=x",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --set ingress.hosts[-1].host=x: negative -1 index not allowed\n"
    );
    let r = run(&["explain", "backend-invalidd"]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "did you mean `backend-invalid`");
}

#[test]
fn set_flags_override_files_and_are_blamed_in_findings() {
    let r = run(&[
        "validate",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=600",
    ]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    insta::assert_snapshot!("set-number-annotation", r.transcript());
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--set-string",
        "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=600",
        "--release",
        "prod",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"")
    );
    assert!(r.stdout.contains("name: prod-airbyte-server-svc"));
    // --set-string beats --set whatever the order, as in Helm
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "--set-string",
        "ingress.className=a",
        "--set",
        "ingress.className=b",
    ]);
    common::assert_has(&r.stdout, "ingressClassName: a");
}

#[test]
fn json_output_is_one_list() {
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "examples/values.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"][0]["kind"], "Ingress");
    assert_eq!(
        v["items"][0]["spec"]["rules"][0]["host"],
        "airbyte.example.com"
    );
}

#[test]
fn strict_fails_on_warnings() {
    let shared = common::shared();
    let c = shared.join("conformance/chart-2.2/13-merge-set");
    let (a, b) = (
        c.join("1.yaml").display().to_string(),
        c.join("2.yaml").display().to_string(),
    );
    let url = "global.airbyteUrl=https://airbyte.prod.example.com";
    assert_eq!(run(&["validate", "-f", &a, "-f", &b, "--set", url]).code, 0);
    assert_eq!(
        run(&["validate", "-f", &a, "-f", &b, "--set", url, "--strict"]).code,
        1
    );
    // without it the second file's hosts replace the first's and the URL matches none of them
    let r = run(&["validate", "-f", &a, "-f", &b]);
    assert_eq!(r.code, 1);
    common::assert_has(&r.stdout, "error[url-host-mismatch]");
}

#[test]
fn output_dir_writes_one_file_per_object_atomically() {
    let dir = common::tempdir("cli");
    let out = dir.join("out");
    let values = common::root()
        .join("examples/values.yaml")
        .display()
        .to_string();
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        &values,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, vec!["ingress-airbyte.yaml".to_string()]);
    let text = std::fs::read_to_string(out.join("ingress-airbyte.yaml")).unwrap();
    assert!(text.starts_with("# Generated by airbyte-ingress") && text.contains("kind: Ingress"));
    // a symlinked output directory is refused
    #[cfg(unix)]
    {
        let link = dir.join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        let r = run(&[
            "render",
            "-t",
            "chart",
            "-f",
            &values,
            "--output-dir",
            link.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 2);
        common::assert_has(&r.stderr, "symlink");
    }
}

#[test]
fn rules_and_explain() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.lines().any(|l| l.starts_with("backend-invalid")));
    let r = run(&["explain", "unknown-key"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("explain-unknown-key", r.stdout);
}

#[test]
fn help_documents_exit_codes_and_limits() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Exit codes:") && r.stdout.contains("--max-alias-events"),
        "{}",
        r.stdout
    );
}

#[test]
fn readme_lists_every_rule() {
    let readme = common::text("README.md");
    for r in airbyte_ingress::findings::Rule::all() {
        let r = r.info();
        assert!(
            readme.contains(&format!("| `{}` | {} |", r.id, r.severity.as_str())),
            "README.md does not list rule `{}`",
            r.id
        );
    }
}

/// The README's table of target flags is the one `targets --markdown` derives from the flag table
/// (`scripts/readme-tables.sh` rewrites it).
#[test]
fn readme_flag_table_is_generated() {
    let readme = common::text("README.md");
    let r = common::run(&["targets", "--markdown"]);
    assert_eq!(r.code, 0);
    assert!(
        readme.contains(&r.stdout),
        "README.md's flag table is stale: run scripts/readme-tables.sh"
    );
    let r = common::run(&["targets"]);
    common::assert_has(&r.stdout, "haproxy-cfg");
    common::assert_has(&r.stdout, "flags: --tls-secret --traefik-cert-resolver");
}

#[test]
fn readme_lists_every_target_and_no_other() {
    let readme = common::text("README.md");
    let section = readme
        .split("\n## Targets\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Targets section");
    let table: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("| target | what it renders |"))
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    let targets: Vec<&str> = airbyte_ingress::targets::Target::all()
        .iter()
        .map(|t| t.name())
        .collect();
    assert_eq!(table, targets, "the README's Targets table");
}

/// (path, service, port) of every route in a rendered Ingress.
fn routes(yaml: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value =
        serde_saphyr::from_str(yaml.split("\n---\n").nth(1).unwrap()).unwrap();
    let mut out = Vec::new();
    for rule in v["spec"]["rules"].as_array().unwrap() {
        for p in rule["http"]["paths"].as_array().unwrap() {
            let svc = &p["backend"]["service"];
            out.push((
                p["path"].as_str().unwrap().into(),
                svc["name"].as_str().unwrap().into(),
                svc["port"]["number"].as_u64().unwrap(),
            ));
        }
    }
    out
}

#[test]
fn enterprise_routes_keycloak_public_paths_only() {
    let r = run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        "fixtures/valid/enterprise.yaml",
        "--release",
        "ab",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = routes(&r.stdout);
    assert_eq!(
        got,
        vec![
            (
                "/auth/realms".to_string(),
                "ab-airbyte-keycloak-svc".to_string(),
                8180
            ),
            (
                "/auth/resources".to_string(),
                "ab-airbyte-keycloak-svc".to_string(),
                8180
            ),
            ("/".to_string(), "ab-airbyte-server-svc".to_string(), 8001),
        ]
    );
    assert!(
        !r.stdout.contains("path: /auth\n"),
        "all of /auth would expose the admin console"
    );
    // the chart cannot route Keycloak: validating for it says so, validating for a bring-your-own target does not
    let on = [
        "validate",
        "-f",
        "fixtures/valid/enterprise.yaml",
        "--set",
        "ingress.enabled=true",
    ];
    assert!(run(&on).stdout.contains("warning[enterprise-auth-route]"));
    assert!(
        !run(&[
            "validate",
            "-f",
            "fixtures/valid/enterprise.yaml",
            "--target",
            "nginx"
        ])
        .stdout
        .contains("enterprise-auth-route")
    );
}

#[test]
fn chart_2_0_routes_the_connector_builder() {
    let r = run(&[
        "render",
        "-t",
        "haproxy",
        "-f",
        "examples/values.yaml",
        "--chart-version",
        "2.0.19",
        "--set",
        "ingress.enabled=false,connectorBuilderServer.service.port=8080",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = routes(&r.stdout);
    assert_eq!(
        got[0],
        (
            "/api/v1/connector_builder/".into(),
            "airbyte-airbyte-connector-builder-server-svc".into(),
            8080
        )
    );
    assert_eq!(
        got[1],
        ("/".into(), "airbyte-airbyte-server-svc".into(), 8001)
    );
    let r = run(&[
        "render",
        "-t",
        "haproxy",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
    ]);
    assert!(
        !r.stdout.contains("connector"),
        "chart 2.1+ has no connector builder Service"
    );
}

#[test]
fn user_annotations_override_target_defaults_and_low_overrides_are_reported() {
    let r = run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--set-string",
        "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=900",
    ]);
    assert!(
        r.stdout
            .contains("nginx.ingress.kubernetes.io/proxy-read-timeout: \"900\""),
        "{}",
        r.stdout
    );
    let r = run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--set-string",
        "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=30",
    ]);
    assert_eq!(r.code, 0);
    common::assert_has(
        &r.stderr,
        "--set-string ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=30: warning[timeout-too-low]",
    );
    let r = run(&[
        "render",
        "-t",
        "alb",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--set-string",
        "ingress.annotations.alb\\.ingress\\.kubernetes\\.io/target-type=instance",
    ]);
    assert_eq!(
        r.code, 1,
        "an ALB that registers no targets is an error: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn target_options_are_checked() {
    let r = run(&["render", "-t", "aks-agc", "-f", "examples/values.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--agc-alb-name NAME --agc-alb-namespace NS"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "render",
        "-t",
        "alb",
        "-f",
        "examples/values.yaml",
        "--alb-scheme",
        "public",
    ]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "[possible values: internal, internet-facing]");
    let r = run(&[
        "render",
        "-t",
        "aks",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--aks-keyvault-cert-uri",
        "https://kv.vault.azure.net/certificates/airbyte",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kubernetes.azure.com/tls-cert-keyvault-uri: \"https://kv.vault.azure.net/certificates/airbyte\""));
    assert!(r.stdout.contains("secretName: keyvault-airbyte"));
}

#[test]
fn traefik_redirects_and_uses_a_cert_resolver_when_asked() {
    let base = [
        "render",
        "-t",
        "traefik",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
    ];
    let r = run(&base);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("secretName: airbyte-example-tls")
            && r.stdout.contains("kind: Middleware")
    );
    assert!(
        r.stderr.contains("respondingTimeouts.readTimeout=600s"),
        "the entrypoint timeout note: {}",
        r.stderr
    );
    let mut args = base.to_vec();
    args.extend(["--traefik-cert-resolver", "letsencrypt"]);
    let r = run(&args);
    assert!(
        r.stdout.contains("certResolver: letsencrypt") && !r.stdout.contains("secretName"),
        "{}",
        r.stdout
    );
    // no TLS: one IngressRoute on `web`, no redirect
    let r = run(&[
        "render",
        "-t",
        "traefik",
        "-f",
        "fixtures/valid/minimal-http.yaml",
        "--set",
        "ingress.enabled=false",
    ]);
    assert!(
        r.stdout.contains("- web")
            && !r.stdout.contains("websecure")
            && !r.stdout.contains("Middleware"),
        "{}",
        r.stdout
    );
}

#[test]
fn gateway_api_modes() {
    let base = [
        "render",
        "-t",
        "gateway-api",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
    ];
    let r = run(&base);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "--gateway-class CLASS");
    // attach to an existing Gateway: one HTTPRoute, no Gateway
    let mut args = base.to_vec();
    args.extend([
        "--gateway-name",
        "shared",
        "--gateway-namespace",
        "infra",
        "--gateway-section",
        "https",
    ]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("kind: Gateway\n") && r.stdout.matches("kind: HTTPRoute").count() == 1,
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("namespace: infra") && r.stdout.contains("sectionName: https"),
        "{}",
        r.stdout
    );
    // our own Gateway in the release namespace: no ReferenceGrant
    let mut args = base.to_vec();
    args.extend(["--gateway-class", "istio"]);
    let r = run(&args);
    assert!(
        r.stdout.contains("kind: Gateway\n") && !r.stdout.contains("ReferenceGrant"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("request: \"600s\"") && r.stdout.contains("statusCode: 301"));
    // AKS application routing with a Key Vault certificate: listener options, no certificateRefs
    let mut args = base.to_vec();
    args.extend([
        "--gateway-class",
        "approuting-istio",
        "--aks-keyvault-cert-uri",
        "https://kv.vault.azure.net/certificates/airbyte",
        "--aks-keyvault-service-account",
        "airbyte-tls",
    ]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "kubernetes.azure.com/tls-cert-keyvault-uri: \"https://kv.vault.azure.net/certificates/airbyte\"",
    );
    assert!(
        r.stdout
            .contains("kubernetes.azure.com/tls-cert-service-account: airbyte-tls")
            && !r.stdout.contains("certificateRefs")
    );
    let mut args = base.to_vec();
    args.extend([
        "--gateway-class",
        "istio",
        "--aks-keyvault-cert-uri",
        "https://kv.vault.azure.net/certificates/airbyte",
    ]);
    assert_eq!(run(&args).code, 2);
}

#[test]
fn istio_modes() {
    let base = [
        "render",
        "-t",
        "istio",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "-n",
        "data",
    ];
    // the defaults: the AKS add-on's external gateway, its namespace, the Secret there
    let r = run(&base);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "  name: airbyte-data\n  namespace: aks-istio-ingress\n",
        "istio: aks-istio-ingressgateway-external",
        "- data/airbyte.example.com",
        "credentialName: airbyte-example-tls",
        "httpsRedirect: true",
        "- aks-istio-ingress/airbyte-data",
        "host: airbyte-airbyte-server-svc.data.svc.cluster.local",
    ] {
        common::assert_has(&r.stdout, line);
    }
    common::assert_has(&r.stderr, "info[istio-credential-namespace]");
    common::assert_has(&r.stderr, "info[istio-gateway-timeouts]");

    // upstream Istio: its selector implies istio-system
    let mut args = base.to_vec();
    args.extend(["--istio-selector", "istio=ingressgateway"]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stdout, "namespace: istio-system");
    common::assert_has(&r.stdout, "- istio-system/airbyte-data");

    // gateway pods this tool does not know: their namespace must be given
    let mut args = base.to_vec();
    args.extend(["--istio-selector", "app=edge-gateway"]);
    let r = run(&args);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    common::assert_has(&r.stderr, "--istio-gateway-namespace NS");
    args.extend(["--istio-gateway-namespace", "edge"]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stdout, "app: edge-gateway");
    common::assert_has(&r.stdout, "- edge/airbyte-data");

    // a Gateway of someone else's: only the VirtualService, bound to it
    let mut args = base.to_vec();
    args.extend(["--istio-gateway", "mesh-edge/shared"]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("kind: Gateway\n")
            && r.stdout.matches("kind: VirtualService").count() == 1,
        "{}",
        r.stdout
    );
    common::assert_has(&r.stdout, "- mesh-edge/shared");
    common::assert_has(&r.stderr, "info[istio-attach-existing]");

    // refused: a malformed selector, a bad Gateway reference, flags of both modes, a bad namespace
    for extra in [
        &["--istio-selector", "istio"][..],
        &["--istio-selector", "istio=a b"],
        &["--istio-gateway", "shared"],
        &["--istio-gateway", "Mesh/shared"],
        &[
            "--istio-gateway",
            "mesh/shared",
            "--istio-selector",
            "istio=x",
        ],
        &["--istio-gateway-namespace", "Not_A_Namespace"],
        &["--gateway-class", "istio"],
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        let r = run(&args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{extra:?}");
    }
    // and the flags belong to the istio target only
    let r = run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        "examples/values.yaml",
        "--istio-selector",
        "istio=x",
    ]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "`--istio-selector` is a setting of `istio`");
}

#[test]
fn hostile_hosts_never_reach_a_traefik_rule() {
    let r = run(&[
        "render",
        "-t",
        "traefik",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--set",
        "ingress.hosts[0].host=a`) || Host(`evil.example",
    ]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stdout.is_empty());
    common::assert_has(&r.stderr, "error[host-invalid]");
}

#[test]
fn host_and_path_counts_are_limited() {
    let dir = common::tempdir("cli");
    let mut hosts = String::from("ingress:\n  hosts:\n");
    for i in 0..11 {
        hosts.push_str(&format!("    - host: h{i}.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n"));
    }
    std::fs::write(dir.join("many.yaml"), &hosts).unwrap();
    let r = run_in(
        &dir,
        &["validate", "-f", "many.yaml", "--max-hosts", "10"],
        None,
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: many.yaml:3:5: `ingress.hosts` has 11 entries, over the limit of 10 (--max-hosts)\n"
    );
    let r = run_in(
        &dir,
        &["validate", "-f", "many.yaml", "--max-paths", "0"],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("`ingress.hosts[0].paths` has 1 entries, over the limit of 0 (--max-paths)"),
        "{}",
        r.stderr
    );
    assert_ne!(run_in(&dir, &["validate", "-f", "many.yaml"], None).code, 2);
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_airbyte__ingress()"),
        ("zsh", "#compdef airbyte-ingress"),
        ("fish", "complete -c airbyte-ingress"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains(marker),
            "{shell}: {}",
            &r.stdout[..r.stdout.len().min(300)]
        );
        assert!(
            r.stdout.contains("render") && r.stdout.contains("validate"),
            "{shell}"
        );
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn works_as_a_kubectl_plugin() {
    let dir = common::tempdir("cli");
    let plugin = dir.join("kubectl-airbyte_ingress");
    std::fs::copy(env!("CARGO_BIN_EXE_airbyte-ingress"), &plugin).unwrap();
    let out = std::process::Command::new(&plugin)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        help.contains("Usage: kubectl airbyte-ingress [OPTIONS] <COMMAND>"),
        "{help}"
    );
    let out = std::process::Command::new(&plugin)
        .args(["render", "-t", "chart", "-f"])
        .arg(common::root().join("examples/values.yaml"))
        .output()
        .unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("kind: Ingress"));
}

#[test]
fn quiet_and_verbose() {
    let base = [
        "render",
        "-t",
        "chart",
        "-f",
        "fixtures/valid/minimal-http.yaml",
    ];
    let normal = run(&base);
    common::assert_has(&normal.stderr, "warning[");
    let mut q = base.to_vec();
    q.push("-q");
    let quiet = run(&q);
    assert_eq!(quiet.stdout, normal.stdout);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let mut v = base.to_vec();
    v.push("-v");
    let verbose = run(&v);
    assert!(
        verbose
            .stderr
            .contains("read fixtures/valid/minimal-http.yaml (")
            && verbose.stderr.contains("rendered Ingress default/airbyte"),
        "{}",
        verbose.stderr
    );
    // errors still show with -q
    let r = run(&[
        "render",
        "-t",
        "chart",
        "-f",
        "fixtures/invalid/backend-webapp.yaml",
        "-q",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[backend-invalid]"));
}

#[test]
fn migrate_converts_v1_values() {
    let r = run(&["migrate", "-f", "fixtures/v1/webapp-ingress.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("migrate-webapp-ingress", r.transcript());
    // the printed block is valid V2 values, with every path to the server
    let dir = common::tempdir("cli");
    std::fs::write(
        dir.join("v2.yaml"),
        format!(
            "global:\n  airbyteUrl: https://airbyte.example.com\n{}",
            r.stdout
        ),
    )
    .unwrap();
    let v = run_in(
        &dir,
        &["validate", "-f", "v2.yaml", "--format", "json"],
        None,
    );
    assert_eq!(v.code, 0, "{}", v.stdout);
    assert!(r.stdout.contains("backend: server"));
    // --in-place replaces only the V1 block: the comment above it and every other line stay
    let commented = common::text("fixtures/v1/webapp-ingress.yaml");
    std::fs::write(dir.join("v1.yaml"), &commented).unwrap();
    let r = run_in(&dir, &["migrate", "-f", "v1.yaml", "--in-place"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("v1.yaml.bak")).unwrap(),
        commented
    );
    let new = std::fs::read_to_string(dir.join("v1.yaml")).unwrap();
    assert!(
        new.starts_with("# V1 values: the ingress under webapp")
            && !new.contains("webapp:\n  ingress")
            && new.contains("backend: server")
            && new.contains("replicaCount: 1")
            && new.contains(
                "  replicaCount: 1\nsecurity:\n  cookieSecureSetting: \"false\"\ningress:\n"
            ),
        "{new}"
    );
    assert_eq!(
        run_in(
            &dir,
            &["validate", "-f", "v1.yaml", "--format", "json"],
            None
        )
        .code,
        0
    );
    // a comment inside the V1 block would be lost: refused, and the file left alone
    let inside = commented.replace("    enabled: true\n", "    enabled: true # on\n");
    std::fs::write(dir.join("v1.yaml"), &inside).unwrap();
    let r = run_in(&dir, &["migrate", "-f", "v1.yaml", "--in-place"], None);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "has comments");
    assert_eq!(
        std::fs::read_to_string(dir.join("v1.yaml")).unwrap(),
        inside
    );
    // V2 values: nothing to do
    let r = run(&["migrate", "-f", "examples/values.yaml"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty() && r.stderr.contains("nothing to migrate"));
}

#[test]
fn pre_commit_hook_validates_each_file_on_its_own() {
    let hook = common::root().join("scripts/pre-commit-validate.sh");
    let hook_run = |args: &[&str]| {
        std::process::Command::new("bash")
            .arg(&hook)
            .args(args)
            .current_dir(common::root())
            .env("AIRBYTE_INGRESS", env!("CARGO_BIN_EXE_airbyte-ingress"))
            .output()
            .unwrap()
    };
    let ok = hook_run(&[
        "examples/values.yaml",
        "fixtures/valid/alb-certificate.yaml",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = hook_run(&[
        "examples/values.yaml",
        "fixtures/invalid/backend-webapp.yaml",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout)
            .contains("fixtures/invalid/backend-webapp.yaml:12:20: error[backend-invalid]")
    );
    // flags before the files apply to every file
    let strict = hook_run(&["--strict", "fixtures/valid/minimal-http.yaml"]);
    assert_eq!(strict.status.code(), Some(1), "warnings fail with --strict");
}

#[test]
fn output_dir_leaves_nothing_behind_when_a_write_fails_midway() {
    let dir = common::tempdir("cli");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // the third object's file name is taken by a directory: writing fails after two temporary files
    std::fs::create_dir(out.join("healthcheckpolicy-airbyte-server.yaml")).unwrap();
    let values = common::root()
        .join("examples/values.yaml")
        .display()
        .to_string();
    let mut args = vec![
        "render",
        "-t",
        "aks-agc",
        "-f",
        &values,
        "--set",
        "ingress.enabled=false",
        "--output-dir",
        out.to_str().unwrap(),
    ];
    args.extend(common::target_args("aks-agc"));
    let r = run(&args);
    assert_eq!(r.code, 2, "{}", r.transcript());
    common::assert_has(&r.stderr, "exists and is not a regular file");
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        left,
        vec!["healthcheckpolicy-airbyte-server.yaml".to_string()],
        "no other file, no temporary file"
    );
    // with the obstacle gone the same run writes every object
    std::fs::remove_dir(out.join("healthcheckpolicy-airbyte-server.yaml")).unwrap();
    assert_eq!(run(&args).code, 0);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5);
}

/// The bring-your-own majority: values with the chart's Ingress off (or no `ingress:` at all) and
/// only `global.airbyteUrl`. Every bring-your-own target serves the URL's host, and says so.
#[test]
fn byo_targets_render_from_the_url_alone() {
    for f in fixtures("byo") {
        let file = rel(&f);
        for t in airbyte_ingress::targets::Target::all()
            .iter()
            .filter(|t| t.is_bring_your_own())
        {
            let args = common::render_args(*t, &file);
            let r = run(&args);
            assert_eq!(r.code, 0, "{file} {}: {}", t.name(), r.stderr);
            assert!(!r.stdout.is_empty(), "{file} {}", t.name());
            common::assert_has(&r.stderr, "info[host-from-url]");
            insta::assert_snapshot!(
                format!("render-{}-byo-{}", t.name(), stem(&f)),
                r.transcript()
            );
        }
        // validating for a target says the same as rendering for it
        let r = run(&["validate", "-f", &file, "--target", "traefik"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        common::assert_has(&r.stdout, "info[host-from-url]");
        common::assert_has(&r.stdout, "info[traefik-entrypoint-timeout]");
    }
    // neither hosts nor a URL: nothing to serve, a finding (exit 1) and nothing on stdout
    let dir = common::tempdir("cli");
    std::fs::write(dir.join("v.yaml"), "ingress:\n  enabled: false\n").unwrap();
    let r = run_in(&dir, &["render", "-t", "nginx", "-f", "v.yaml"], None);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stdout.is_empty());
    common::assert_has(
        &r.stderr,
        "--target nginx: error[hosts-missing]: nothing to serve",
    );
    // a Secret named for the URL's host, when the values have no TLS of their own
    let r = run(&[
        "render",
        "-t",
        "traefik",
        "-f",
        "fixtures/byo/url-only.yaml",
        "--tls-secret",
        "corp-wildcard-tls",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stdout, "secretName: corp-wildcard-tls");
    let r = run(&[
        "render",
        "-t",
        "traefik",
        "-f",
        "fixtures/valid/nginx-tls.yaml",
        "--tls-secret",
        "x",
    ]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "which names its own Secrets");
}

/// Warnings alone pass, and fail with `--strict`.
#[test]
fn warning_fixtures_pass_unless_strict() {
    for f in fixtures("warnings") {
        let file = rel(&f);
        let r = run(&["validate", "-f", &file]);
        assert_eq!(r.code, 0, "{file}: {}", r.transcript());
        assert!(r.stdout.contains("warning["), "{file}");
        insta::assert_snapshot!(format!("validate-warnings-{}", stem(&f)), r.transcript());
        assert_eq!(
            run(&["validate", "-f", &file, "--strict"]).code,
            1,
            "{file}"
        );
    }
}

/// An umbrella chart's values: without `--subchart`, a finding that names the flag; with it, the
/// values Helm gives the dependency.
#[test]
fn umbrella_values_need_and_take_subchart() {
    let file = "fixtures/umbrella/platform.yaml";
    let r = run(&["validate", "-f", file]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    insta::assert_snapshot!("validate-umbrella-without-subchart", r.transcript());
    let r = run(&["validate", "-f", file, "--subchart", "airbyte"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let r = run(&["render", "-t", "chart", "-f", file, "--subchart", "airbyte"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stdout, "host: airbyte.corp.example");
    common::assert_has(&r.stdout, "ingressClassName: traefik");
    let r = run(&["values", "-f", file, "--subchart", "airbyte"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["global"]["airbyteUrl"], "https://airbyte.corp.example");
    assert_eq!(v["ingress"]["className"], "traefik");
    assert!(v.get("postgresql").is_none() && v.get("airbyte").is_none());
    let r = run(&["validate", "-f", file, "--subchart", "airbytes"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --subchart airbytes: the values have no `airbytes` block; top-level maps: `airbyte`, `postgresql`\n"
    );
}

/// An empty `--set` value is usually an unset shell variable: said, and Helm's result kept.
#[test]
fn empty_set_values_are_reported() {
    let r = run(&[
        "validate",
        "-f",
        "examples/values.yaml",
        "--set",
        "server.env_vars.LOG_LEVEL=",
    ]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(
        &r.stdout,
        "--set server.env_vars.LOG_LEVEL=: warning[set-empty-value]: `server.env_vars.LOG_LEVEL=` gives",
    );
    let r = run(&[
        "values",
        "-f",
        "examples/values.yaml",
        "--set-literal",
        "server.env_vars.JAVA_OPTS=-Xmx1g,-Dx=y",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["server"]["env_vars"]["JAVA_OPTS"], "-Xmx1g,-Dx=y");
}

/// A flag of another target is refused, not ignored.
#[test]
fn flags_of_other_targets_are_refused() {
    let r = run(&[
        "render",
        "-t",
        "nginx",
        "-f",
        "examples/values.yaml",
        "--gateway-class",
        "istio",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: `--gateway-class` is a setting of `gateway-api`, not of the `nginx` target\n"
    );
    assert!(r.stdout.is_empty());
}

/// `validate -m`: manifests with errors in every format, warnings alone, clean ones.
#[test]
fn manifests_in_every_format() {
    for f in fixtures("manifests/invalid") {
        let file = rel(&f);
        for format in ["text", "json", "github", "sarif"] {
            let r = run(&["validate", "-m", &file, "--format", format]);
            assert_eq!(r.code, 1, "{file} {format}: {}", r.transcript());
            insta::assert_snapshot!(format!("manifests-{}-{format}", stem(&f)), r.transcript());
        }
    }
    for f in fixtures("manifests/warnings") {
        let file = rel(&f);
        let r = run(&["validate", "-m", &file]);
        assert_eq!(r.code, 0, "{file}: {}", r.transcript());
        insta::assert_snapshot!(format!("manifests-{}", stem(&f)), r.transcript());
        assert_eq!(
            run(&["validate", "-m", &file, "--strict"]).code,
            1,
            "{file}"
        );
    }
    // a directory is read recursively, JSON Lists included
    let r = run(&["validate", "-m", "fixtures/manifests/valid", "-v"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(!r.stdout.contains("warning["), "{}", r.stdout);
    common::assert_has(&r.stderr, "read 14 objects from 5 manifest files");
}

/// The two examples of Airbyte's ingress documentation: each failure the docs carry, at its line.
#[test]
fn the_documentation_examples_are_caught_at_their_lines() {
    let docs = common::shared().join("conformance/manifests/docs");
    let dir = common::tempdir("cli");
    std::fs::write(
        dir.join("values.yaml"),
        "global:\n  airbyteUrl: https://airbyte.corp.example\n",
    )
    .unwrap();
    let found = |name: &str| -> Vec<(String, u64)> {
        let path = docs.join(name).display().to_string();
        let r = run_in(
            &dir,
            &[
                "validate",
                "-m",
                &path,
                "-f",
                "values.yaml",
                "--format",
                "json",
            ],
            None,
        );
        assert_eq!(r.code, 1, "{}", r.transcript());
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let nginx = found("nginx-manual.yaml");
    for want in [
        ("keycloak-admin-exposed", 20),
        ("backend-service-unknown", 26),
        ("timeout-too-low", 8),
        ("body-size-too-low", 8),
    ] {
        assert!(
            nginx.contains(&(want.0.to_string(), want.1)),
            "{want:?} not in {nginx:?}"
        );
    }
    let alb = found("alb-manual.yaml");
    for want in [
        ("keycloak-admin-exposed", 30),
        ("backend-service-unknown", 35),
        ("timeout-too-low", 15),
        ("alb-target-type", 7),
        ("class-annotation-deprecated", 7),
    ] {
        assert!(
            alb.contains(&(want.0.to_string(), want.1)),
            "{want:?} not in {alb:?}"
        );
    }
    // the host against global.airbyteUrl: reported at the URL, with the Ingress's host beside it
    let path = docs.join("nginx-manual.yaml").display().to_string();
    let r = run_in(&dir, &["validate", "-m", &path, "-f", "values.yaml"], None);
    common::assert_has(
        &r.stdout,
        "values.yaml:2:15: error[url-host-mismatch]: `global.airbyteUrl` host `airbyte.corp.example` is not served by the routes to Airbyte; they serve `airbyte.example.com`",
    );
}

/// `kubectl get ingress,svc,cm -o yaml | airbyte-ingress validate -m -`, and whole Helm renders.
#[test]
fn live_lists_and_helm_renders_are_read() {
    let shared = common::shared().join("conformance");
    let list = std::fs::read(shared.join("manifests/live-list.yaml")).unwrap();
    let r = run_in(&common::root(), &["validate", "-m", "-", "-v"], Some(&list));
    assert_eq!(r.code, 0, "{}", r.transcript());
    common::assert_has(&r.stderr, "inferred release `prod`");
    common::assert_has(
        &r.stderr,
        "inferred global.airbyteUrl `https://airbyte.internal.example.com`",
    );
    common::assert_has(&r.stdout, "<stdin>:484:52: warning[body-size-too-low]");
    common::assert_has(&r.stdout, "<stdin>:492:23: warning[timeout-too-low]");
    for case in [
        "chart-2.2/01-community-tls",
        "chart-2.2/02-enterprise-byo",
        "chart-2.2/03-byo-url-only",
        "chart-2.0.18/01-builder",
    ] {
        let path = shared.join("full-render").join(case).join("rendered.yaml");
        let r = run(&[
            "validate",
            "-m",
            &path.display().to_string(),
            "--format",
            "json",
        ]);
        assert_eq!(r.code, 0, "{case}: {}", r.stdout);
    }
}

/// What post-render hands back for a release render with the chart's Ingress on: the Ingress's
/// `# Source:` line, then the target's objects in its place; the Service and ConfigMap as they were.
#[test]
fn post_render_replaces_the_chart_ingress_in_a_release_render() {
    let input =
        std::fs::read(common::root().join("fixtures/post-render/community-tls.yaml")).unwrap();
    for (target, extra) in [
        ("traefik", &[][..]),
        ("gateway-api", &["--gateway-class", "istio"][..]),
    ] {
        let mut args = vec!["post-render", "--target", target];
        args.extend(extra);
        let r = common::run_in(&common::root(), &args, Some(&input));
        insta::assert_snapshot!(
            format!("post-render-{target}-community-tls"),
            r.transcript()
        );
    }
}
