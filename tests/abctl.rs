//! `abctl`: what `abctl local install` deploys, modelled on abctl's source (v0.30). The values and
//! the Ingress abctl builds are pinned by fixtures written from its source (`fixtures/abctl/`);
//! each chart line's Ingress gives exactly the findings an expert expects under `validate -m`,
//! and the controller-wide settings of ingress-nginx's ConfigMap count for every Ingress.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use airbyte_ingress::airbyte::ChartVersion;
use airbyte_ingress::runs::abctl::{self, AbctlOptions};

fn opts(chart: &str, f: impl FnOnce(&mut AbctlOptions)) -> AbctlOptions {
    let mut o = AbctlOptions {
        hosts: Vec::new(),
        port: abctl::DEFAULT_PORT,
        values: None,
        chart: Some(ChartVersion::parse(chart).unwrap()),
        disable_auth: false,
        insecure_cookies: false,
        low_resource_mode: false,
        limits: Default::default(),
    };
    f(&mut o);
    o
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(common::root().join("fixtures/abctl").join(name)).unwrap()
}

/// The files abctl writes, as its source writes them (`internal/k8s/ingress.go`,
/// `internal/helm/airbyte_values.go`, `internal/helm/nginx_values.go`): one fixture per chart line.
#[test]
fn the_ingress_and_values_are_abctls() {
    let host = |o: &mut AbctlOptions| {
        o.hosts = vec!["airbyte.example.com".into()];
        o.insecure_cookies = true;
    };
    for (chart, file) in [
        ("1.7.2", "ingress-1.7.yaml"),
        ("1.8.1", "ingress-1.8.yaml"),
        ("2.0.18", "ingress-2.0.yaml"),
        ("2.2.0", "ingress-2.2.yaml"),
    ] {
        let o = opts(chart, host);
        assert_eq!(
            abctl::ingress_yaml(&o, o.chart.unwrap()).trim_end(),
            fixture(file).trim_end(),
            "{file}"
        );
    }
    let o = opts("2.2.0", |_| {});
    assert_eq!(
        abctl::values_yaml(&o, o.chart.unwrap()).trim_end(),
        fixture("values-2.2.yaml").trim_end()
    );
    let o = opts("2.2.0", |o| {
        o.disable_auth = true;
        o.insecure_cookies = true;
        o.low_resource_mode = true;
        o.port = 9000;
    });
    assert_eq!(
        abctl::values_yaml(&o, o.chart.unwrap()).trim_end(),
        fixture("values-2.2-flags.yaml").trim_end()
    );
    let o = opts("1.8.1", |o| {
        o.insecure_cookies = true;
        o.low_resource_mode = true;
    });
    assert_eq!(
        abctl::values_yaml(&o, o.chart.unwrap()).trim_end(),
        fixture("values-1.8-flags.yaml").trim_end()
    );
    // no `--host`: one rule for every host; given hosts get localhost and host.docker.internal
    assert_eq!(abctl::ingress_hosts(&[]), vec![None]);
    assert_eq!(
        abctl::ingress_hosts(&["localhost".into(), "a.example".into()]),
        vec![
            Some("localhost".to_string()),
            Some("a.example".to_string()),
            Some("host.docker.internal".to_string())
        ]
    );
}

/// A case: a fixture or flags, and the (rule, file, line) findings expected.
type Expected<'a> = &'a [(&'a str, &'a str, u64)];
/// A case: abctl flags, the (rule, file) findings expected, the exit code.
type Install<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], i32);

fn owned(l: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    l.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect()
}

/// abctl's Ingress under `validate -m`, as a user who copied it from the cluster checks it: no
/// port errors (the chart's Services name their port `http`), no timeout or body-size warnings
/// (the controller's ConfigMap sets them for every Ingress); the builder route of 2.1+ to a
/// Service that chart does not render is the one real defect.
#[test]
fn abctls_ingress_gives_exactly_what_an_expert_expects() {
    let cases: &[(&str, &str, Expected)] = &[
        (
            "ingress-2.0.yaml",
            "2.0.18",
            &[(
                "ingress-nginx-retired",
                "fixtures/abctl/ingress-2.0.yaml",
                9,
            )],
        ),
        (
            "ingress-2.2.yaml",
            "2.2.0",
            &[
                (
                    "ingress-nginx-retired",
                    "fixtures/abctl/ingress-2.2.yaml",
                    9,
                ),
                (
                    "backend-service-unknown",
                    "fixtures/abctl/ingress-2.2.yaml",
                    18,
                ),
                (
                    "backend-service-unknown",
                    "fixtures/abctl/ingress-2.2.yaml",
                    35,
                ),
                (
                    "backend-service-unknown",
                    "fixtures/abctl/ingress-2.2.yaml",
                    52,
                ),
            ],
        ),
    ];
    for (file, chart, want) in cases {
        let path = format!("fixtures/abctl/{file}");
        let r = common::run(&[
            "validate",
            "-m",
            &path,
            "--chart-version",
            chart,
            "--release",
            "airbyte-abctl",
            "--format",
            "json",
        ]);
        let mut got = common::report_findings(&r.stdout);
        got.sort();
        let mut want = owned(want);
        want.sort();
        assert_eq!(got, want, "{file}: {}", r.stdout);
    }
}

/// `validate -m` (chart 2.0.18, JSON) of `text` written to `name` in `dir`.
fn validate_written(dir: &std::path::Path, name: &str, text: &str) -> common::Run {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    common::run(&[
        "validate",
        "-m",
        &path,
        "--chart-version",
        "2.0.18",
        "--format",
        "json",
    ])
}

/// The controller's ConfigMap: what it sets counts for an Ingress that sets nothing; a value
/// under Airbyte's floor there is pointed at in the ConfigMap; an annotation still wins.
#[test]
fn controller_wide_settings_count() {
    let ingress = fixture("ingress-2.0.yaml");
    let dir = common::tempdir("abctl-config");
    let low = ingress.replace("proxy-body-size: 10m", "proxy-body-size: 1m");
    assert_ne!(low, ingress);
    let r = validate_written(&dir, "low.yaml", &low);
    let got = common::report_findings(&r.stdout);
    let line = low
        .lines()
        .position(|l| l.contains("proxy-body-size: 1m"))
        .unwrap() as u64
        + 1;
    assert!(
        got.iter()
            .any(|(rule, _, l)| rule == "body-size-too-low" && *l == line),
        "{}",
        r.stdout
    );
    common::assert_has(
        &r.stdout,
        "set for every Ingress by ingress-nginx's controller settings in ConfigMap ingress-nginx/ingress-nginx-controller",
    );
    // without the ConfigMap, the Ingress alone leaves nginx's defaults
    let alone = ingress.split("\n---\n").next().unwrap().to_string();
    let r = validate_written(&dir, "alone.yaml", &alone);
    let got: Vec<String> = common::report_findings(&r.stdout)
        .into_iter()
        .map(|x| x.0)
        .collect();
    for rule in ["body-size-too-low", "timeout-too-low"] {
        assert!(got.iter().any(|g| g == rule), "{rule}: {got:?}");
    }
    // an annotation on the Ingress wins over the ConfigMap
    let annotated = low.replace(
        "  namespace: airbyte-abctl\n",
        "  namespace: airbyte-abctl\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n",
    );
    let r = validate_written(&dir, "annotated.yaml", &annotated);
    assert!(!r.stdout.contains("body-size-too-low"), "{}", r.stdout);
}

/// The install as a whole, from abctl's flags: exact findings per chart line and flags.
#[test]
fn installs_give_exactly_their_findings() {
    let v = "fixtures/rules/abctl-url-localhost/bad.yaml";
    let cases: &[Install] = &[
        // the default: the newest chart, no host: the builder route to a Service 2.1+ lacks
        (
            &[],
            &[
                ("backend-service-unknown", "abctl-ingress.yaml"),
                ("ingress-nginx-retired", "abctl-ingress.yaml"),
            ],
            1,
        ),
        // chart 2.0.x: nothing wrong but the retired controller
        (
            &["--chart-version", "2.0.18"],
            &[("ingress-nginx-retired", "abctl-ingress.yaml")],
            0,
        ),
        // --low-resource-mode on 2.0.x turns off the Service the builder route names
        (
            &["--chart-version", "2.0.18", "--low-resource-mode"],
            &[
                ("backend-service-unknown", "abctl-ingress.yaml"),
                ("ingress-nginx-retired", "abctl-ingress.yaml"),
            ],
            1,
        ),
        // a host with the URL left at localhost, and Secure cookies over plain HTTP
        (
            &[
                "--chart-version",
                "2.0.18",
                "--host",
                "airbyte.example.com",
                "--values",
                v,
            ],
            &[
                ("abctl-cookies-over-http", "abctl-values.yaml"),
                ("abctl-url-localhost", "abctl-values.yaml"),
                ("ingress-nginx-retired", "abctl-ingress.yaml"),
            ],
            0,
        ),
        (
            &[
                "--chart-version",
                "2.0.18",
                "--host",
                "airbyte.example.com",
                "--insecure-cookies",
                "--values",
                "fixtures/rules/abctl-url-localhost/good.yaml",
            ],
            &[("ingress-nginx-retired", "abctl-ingress.yaml")],
            0,
        ),
        // V1 lines: only the Ingress
        (
            &["--chart-version", "1.7.2"],
            &[
                ("abctl-v1-chart", ""),
                ("ingress-nginx-retired", "abctl-ingress.yaml"),
            ],
            0,
        ),
        (
            &["--chart-version", "1.8.1"],
            &[
                ("abctl-v1-chart", ""),
                ("ingress-nginx-retired", "abctl-ingress.yaml"),
            ],
            0,
        ),
    ];
    for (args, want, code) in cases {
        let mut argv = vec!["abctl", "local", "install"];
        argv.extend_from_slice(args);
        argv.extend(["--format", "json"]);
        let r = common::run(&argv);
        assert_eq!(r.code, *code, "{args:?}: {}", r.transcript());
        let mut got: Vec<(String, String)> = common::report_findings(&r.stdout)
            .into_iter()
            .map(|(a, b, _)| (a, b))
            .collect();
        got.sort();
        let mut want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{args:?}: {}", r.stdout);
    }
    // what abctl refuses, refused here too, in every format
    for bad in [
        vec!["abctl", "local", "upgrade"],
        vec!["abctl", "--host", "http://a.example"],
        vec!["abctl", "--port", "0"],
    ] {
        let r = common::run(&bad);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.transcript());
    }
    let r = common::run(&["abctl", "--values", "no/such.yaml", "--format", "sarif"]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stdout.contains("\"results\""), "{}", r.stdout);
}

/// The Services the rules believe in, against the whole-chart renders of the real chart: the
/// server and connector builder Services name their port `http`, on the numbers the rules use.
#[test]
fn the_renders_services_are_what_the_rules_believe() {
    use airbyte_ingress::airbyte::{BUILDER_PORT, PORT_NAME, SERVER_PORT};
    let cases = [
        (
            "chart-2.0.18/01-builder",
            vec![
                ("airbyte-airbyte-server-svc", SERVER_PORT),
                ("airbyte-airbyte-connector-builder-server-svc", BUILDER_PORT),
            ],
        ),
        (
            "chart-2.2/01-community-tls",
            vec![("airbyte-airbyte-server-svc", SERVER_PORT)],
        ),
    ];
    for (case, services) in cases {
        let text = std::fs::read_to_string(
            common::shared()
                .join("conformance/full-render")
                .join(case)
                .join("rendered.yaml"),
        )
        .unwrap();
        let stream =
            airbyte_ingress::values::parse_stream(text.as_bytes(), case, 0, &Default::default())
                .unwrap();
        let objects = airbyte_ingress::inputs::manifests::objects_of(stream.docs);
        for (name, port) in services {
            let svc = objects
                .iter()
                .find(|o| o.kind == "Service" && o.name == name)
                .unwrap_or_else(|| panic!("{case}: no {name}"));
            let ports = svc.at("spec.ports").unwrap().to_json();
            assert_eq!(ports[0]["name"], PORT_NAME, "{case} {name}: {ports}");
            assert_eq!(ports[0]["port"], port, "{case} {name}: {ports}");
        }
        // 2.1+ renders no connector builder Service, which is why abctl's builder route fails there
        if case.starts_with("chart-2.2") {
            assert!(!objects.iter().any(|o| o.name.contains("connector-builder")));
        }
    }
}
