//! No internal errors from user input: generated values files (good, bad and half-written, in the
//! shapes real files have) go through validation and every target; each run ends in findings, a
//! usage or input error naming what to fix, or manifests. Never "internal error".
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

use airbyte_ingress::controllers::Settings;
use airbyte_ingress::targets::Target;
use airbyte_ingress::values::ValueInputs;
use airbyte_ingress::{Failure, RunOptions, check};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One of `choices`, or the key left out (`None`). The first choice is the usual one and comes
/// up about half the time, so that many generated files are valid and reach rendering.
fn maybe(choices: Vec<Value>) -> impl Strategy<Value = Option<Value>> {
    let usual = choices[0].clone();
    prop::option::of(prop_oneof![
        3 => Just(usual),
        2 => prop::sample::select(choices),
    ])
}

/// Mostly `choices[0]`, sometimes another choice, rarely missing: for the fields a file needs.
fn usually(choices: Vec<Value>) -> impl Strategy<Value = Option<Value>> {
    let usual = choices[0].clone();
    prop_oneof![
        16 => Just(Some(usual)),
        3 => prop::sample::select(choices).prop_map(Some),
        1 => Just(None),
    ]
}

fn host() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::sample::select(vec![
            json!("airbyte.example.com"),
            json!("b.example.com"),
            json!("*.example.com"),
        ]),
        1 => bad_host(),
    ]
}

fn bad_host() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("Airbyte.Example.com"),
        json!("https://airbyte.example.com"),
        json!("airbyte.example.com:8443"),
        json!("10.0.0.1"),
        json!(""),
        json!("a_b.example.com"),
        json!(null),
        json!(7),
    ])
}

fn path() -> impl Strategy<Value = Value> {
    (
        usually(vec![
            json!("/"),
            json!("/*"),
            json!("/api"),
            json!("/(.*)"),
            json!("ui"),
            json!(""),
        ]),
        usually(vec![
            json!("Prefix"),
            json!("Exact"),
            json!("ImplementationSpecific"),
            json!("prefix"),
        ]),
        usually(vec![
            json!("server"),
            json!("connector-builder-server"),
            json!("webapp"),
            json!("keycloak"),
        ]),
    )
        .prop_map(|(p, t, b)| {
            let mut m = Map::new();
            if let Some(p) = p {
                m.insert("path".into(), p);
            }
            if let Some(t) = t {
                m.insert("pathType".into(), t);
            }
            if let Some(b) = b {
                m.insert("backend".into(), b);
            }
            Value::Object(m)
        })
}

fn values() -> impl Strategy<Value = Value> {
    let url = usually(vec![
        json!("https://airbyte.example.com"),
        json!(""),
        json!("http://airbyte.example.com"),
        json!("airbyte.example.com"),
        json!("https://Airbyte.Example.com:8443/x/"),
        json!("https://10.0.0.1"),
        json!("https://a_b.example.com"),
        json!("ftp://airbyte.example.com"),
        json!("https://"),
        json!("https://b.example.com/"),
    ]);
    let global = (
        url,
        maybe(vec![json!("community"), json!("enterprise")]),
        maybe(vec![json!(false), json!(true), json!("true")]),
    );
    let annotations = prop::collection::btree_map(
        prop::sample::select(vec![
            "nginx.ingress.kubernetes.io/proxy-read-timeout",
            "nginx.ingress.kubernetes.io/configuration-snippet",
            "alb.ingress.kubernetes.io/target-type",
            "alb.ingress.kubernetes.io/certificate-arn",
            "alb.networking.azure.io/alb-name",
            "alb.networking.azure.io/alb-namespace",
            "kubernetes.io/ingress.class",
            "cert-manager.io/cluster-issuer",
            "cert-manager.io/issuer",
            "example.com/note",
            "bad key",
        ]),
        prop_oneof![
            8 => Just(json!("600")),
            1 => prop::sample::select(vec![json!("x"), json!(null), json!(30), json!("")]),
        ],
        0..3,
    );
    let hosts = prop::collection::vec(
        (
            prop::option::weighted(0.1, Just(())),
            host(),
            prop::collection::vec(path(), 1..2),
        ),
        0..3,
    );
    let tls = prop::collection::vec(
        (
            maybe(vec![json!("airbyte-tls"), json!("Bad_Secret")]),
            prop::collection::vec(host(), 0..2),
        ),
        0..2,
    );
    let ingress = (
        maybe(vec![json!(false), json!(true), json!("false")]),
        maybe(vec![
            json!("nginx"),
            json!("alb"),
            json!("traefik"),
            json!("haproxy"),
            json!("webapprouting.kubernetes.azure.com"),
            json!("azure-alb-external"),
            json!(""),
            json!("Bad_Class"),
        ]),
        annotations,
        hosts,
        tls,
    );
    let other = (
        prop::option::weighted(0.2, prop::sample::select(vec![json!("custom"), json!("")])),
        prop::option::weighted(0.2, prop::sample::select(vec![json!(9000), json!(0)])),
        prop::option::weighted(
            0.1,
            Just(
                json!({"ingress": {"enabled": true, "hosts": [{"host": "v1.example.com", "paths": ["/"]}]}}),
            ),
        ),
    );
    (global, ingress, other).prop_map(
        |((url, edition, auth), (enabled, class, ann, hosts, tls), (full, port, webapp))| {
            let mut g = Map::new();
            if let Some(u) = url {
                g.insert("airbyteUrl".into(), u);
            }
            if let Some(e) = edition {
                g.insert("edition".into(), e);
            }
            if let Some(a) = auth {
                g.insert("auth".into(), json!({ "enabled": a }));
            }
            let mut i = Map::new();
            if let Some(e) = enabled {
                i.insert("enabled".into(), e);
            }
            if let Some(c) = class {
                i.insert("className".into(), c);
            }
            if !ann.is_empty() {
                i.insert("annotations".into(), json!(ann));
            }
            if !hosts.is_empty() {
                // one entry per host name, as most files have (duplicates are generated within paths)
                let mut seen = std::collections::HashSet::new();
                let hosts: Vec<Value> = hosts
                    .into_iter()
                    .filter(|(_, h, _)| seen.insert(h.to_string()))
                    .map(|(no_paths, h, paths)| match no_paths {
                        Some(_) => json!({ "host": h }),
                        None => json!({ "host": h, "paths": paths }),
                    })
                    .collect();
                i.insert("hosts".into(), Value::Array(hosts));
            }
            if !tls.is_empty() {
                let tls: Vec<Value> = tls
                    .into_iter()
                    .map(|(secret, hosts)| match secret {
                        Some(s) => json!({ "secretName": s, "hosts": hosts }),
                        None => json!({ "hosts": hosts }),
                    })
                    .collect();
                i.insert("tls".into(), Value::Array(tls));
            }
            let mut root = Map::new();
            root.insert("global".into(), Value::Object(g));
            root.insert("ingress".into(), Value::Object(i));
            if let Some(f) = full {
                root.insert("fullnameOverride".into(), f);
            }
            if let Some(p) = port {
                root.insert("server".into(), json!({ "service": { "port": p } }));
            }
            if let Some(w) = webapp {
                root.insert("webapp".into(), w);
            }
            Value::Object(root)
        },
    )
}

/// The settings each target is run with: the ones it needs, and some it takes optionally.
/// What the target needs (its profile's), and in the second variant its other modes.
fn settings(t: Target, variant: usize) -> Settings {
    let mut s = t.needed_settings();
    match (t, variant % 2) {
        (Target::GatewayApi, 0) => s.gateway_namespace = Some("infra".into()),
        (Target::GatewayApi, _) => {
            s.gateway_class = Some("approuting-istio".into());
            s.aks_keyvault_cert_uri = Some("https://kv.vault.azure.net/certificates/a".into());
        }
        (Target::Istio, 1) => s.istio_gateway = Some("mesh/shared".into()),
        (Target::Traefik, 1) => s.traefik_cert_resolver = Some("le".into()),
        (Target::Alb, 1) => s.alb_certificate_arn = Some("arn:aws:acm:x".into()),
        (Target::Aks, 1) => {
            s.aks_keyvault_cert_uri = Some("https://kv.vault.azure.net/certificates/a".into())
        }
        _ => {}
    }
    s
}

fn run(values: &Value, t: Target, variant: usize) -> Result<(), TestCaseError> {
    let text = serde_json::to_string(values).unwrap();
    RUNS.with(|r| r.set(r.get() + 1));
    let opts = RunOptions {
        inputs: ValueInputs {
            files: vec!["values.yaml".into()],
            ..Default::default()
        },
        release: "airbyte".into(),
        namespace: "airbyte".into(),
        chart: airbyte_ingress::plan::NEWEST_CHART,
        target: Some(t),
        settings: settings(t, variant),
        wrappers: Default::default(),
        given: Default::default(),
    };
    let mut read = |_: &str, _: usize| Ok(text.clone().into_bytes());
    let checked = match check(&opts, &mut read) {
        Ok(c) => c,
        Err(Failure::Internal(e)) => {
            return Err(TestCaseError::fail(format!(
                "{}: internal error: {e}\n{text}",
                t.name()
            )));
        }
        // a usage or input error names what to fix: fine
        Err(_) => return Ok(()),
    };
    if checked.has_errors() {
        return Ok(());
    }
    let plan = checked.plan.as_ref().unwrap();
    RENDERED.with(|r| r.set(r.get() + 1));
    match t.render(plan) {
        Ok(_) => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!(
            "{}: values that pass validation failed to render: {e}\n{text}",
            t.name()
        ))),
    }
}

thread_local! {
    static RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static RENDERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[test]
fn no_values_file_gives_an_internal_error_for_any_target() {
    let config = ProptestConfig {
        cases: 400,
        ..ProptestConfig::default()
    };
    proptest!(config, |(v in values(), variant in 0..2usize)| {
        for &t in Target::all() {
            run(&v, t, variant)?;
        }
    });
    // the generator must reach rendering often, or the test proves little: about a quarter of
    // the runs render (21-27% in ten runs of 400 cases); an eighth is the floor, so that a random
    // draw never fails the test while a generator that stopped reaching rendering does
    let (runs, rendered) = (RUNS.with(|r| r.get()), RENDERED.with(|r| r.get()));
    assert!(
        rendered * 8 > runs,
        "only {rendered} of {runs} runs rendered"
    );
}

/// The cases that once reached an internal error.
#[test]
fn known_cases_end_in_findings() {
    // gateway-api with a TLS entry without `secretName`
    let v = json!({
        "global": { "airbyteUrl": "https://airbyte.example.com" },
        "ingress": {
            "hosts": [{ "host": "airbyte.example.com", "paths": [{ "path": "/", "pathType": "Prefix", "backend": "server" }] }],
            "tls": [{ "hosts": ["airbyte.example.com"] }],
        },
    });
    run(&v, Target::GatewayApi, 0).unwrap();
    run(&v, Target::Istio, 0).unwrap();
    // a TLS host spelt in capitals, served from the URL's host: Traefik's rule refused it
    let v = json!({
        "global": { "airbyteUrl": "https://airbyte.example.com" },
        "ingress": { "tls": [{ "hosts": ["Airbyte.Example.com"] }] },
    });
    for &t in Target::all() {
        run(&v, t, 0).unwrap();
    }
}

/// One generated object: (kind, name, document as JSON).
fn object() -> impl Strategy<Value = (String, String, Value)> {
    let name = "[a-z][a-z0-9-]{0,12}";
    let host = prop::sample::select(vec![
        "airbyte.example.com",
        "b.example.com",
        "*.example.com",
        "UP.example.com",
    ]);
    let path = prop::sample::select(vec![
        "/",
        "/auth",
        "/auth/realms",
        "/api",
        "/*",
        "/(.*)",
        "",
    ]);
    let service = prop::sample::select(vec![
        "airbyte-airbyte-server-svc",
        "prod-airbyte-server-svc",
        "airbyte-airbyte-keycloak-svc",
        "airbyte-airbyte-webapp-svc",
        "airbyte-airbyte-connector-builder-server-svc",
        "grafana",
    ]);
    let port = prop_oneof![
        Just(json!(8001)),
        Just(json!(80)),
        Just(json!("http")),
        Just(json!(null))
    ];
    let kind = prop::sample::select(vec![
        "Ingress",
        "IngressRoute",
        "HTTPRoute",
        "VirtualService",
        "Service",
        "ConfigMap",
        "Deployment",
    ]);
    (kind, name, host, path, service, port).prop_map(|(kind, name, host, path, service, port)| {
        let doc = match kind {
            "Ingress" => json!({
                "apiVersion": "networking.k8s.io/v1", "kind": kind,
                "metadata": {"name": name, "annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "30"}},
                "spec": {"ingressClassName": "nginx", "rules": [{"host": host, "http": {"paths": [
                    {"path": path, "pathType": "Prefix", "backend": {"service": {"name": service, "port": {"number": port}}}}
                ]}}]}
            }),
            "IngressRoute" => json!({
                "apiVersion": "traefik.io/v1alpha1", "kind": kind, "metadata": {"name": name},
                "spec": {"routes": [{"match": format!("Host(`{host}`) && PathPrefix(`{path}`)"), "services": [{"name": service, "port": port}]}]}
            }),
            "HTTPRoute" => json!({
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": kind, "metadata": {"name": name},
                "spec": {"hostnames": [host], "rules": [{"matches": [{"path": {"value": path}}], "backendRefs": [{"name": service, "port": port}], "timeouts": {"request": "5s"}}]}
            }),
            "VirtualService" => json!({
                "apiVersion": "networking.istio.io/v1", "kind": kind, "metadata": {"name": name},
                "spec": {"hosts": [host], "http": [{"match": [{"uri": {"prefix": path}}], "route": [{"destination": {"host": service, "port": {"number": port}}}]}]}
            }),
            "Service" => json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": service}, "spec": {"ports": [{"name": "http", "port": port}]}}),
            "ConfigMap" => json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": "airbyte-airbyte-env"}, "data": {"AIRBYTE_URL": format!("https://{host}")}}),
            _ => json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": {"replicas": 1}}),
        };
        let shown = doc["metadata"]["name"].as_str().unwrap_or_default().to_string();
        (kind.to_string(), shown, doc)
    })
}

/// How a stream is written: YAML documents, one YAML List, or one JSON List.
fn write_stream(objects: &[Value], form: usize) -> String {
    match form % 3 {
        0 => objects
            .iter()
            .map(|o| {
                format!(
                    "---\n# Source: chart/templates/x.yaml\n{}\n",
                    serde_json::to_string(o).unwrap()
                )
            })
            .collect(),
        1 => {
            let items: Vec<String> = objects
                .iter()
                .map(|o| format!("- {}\n", serde_json::to_string(o).unwrap()))
                .collect();
            format!("apiVersion: v1\nkind: List\nitems:\n{}", items.concat())
        }
        _ => serde_json::to_string_pretty(
            &json!({"apiVersion": "v1", "kind": "List", "items": objects}),
        )
        .unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever objects a stream holds and however it is written, every object is read with its
    /// kind and name, and the checks end in findings, never a panic.
    #[test]
    fn manifest_streams_read_back_every_object(
        objects in prop::collection::vec(object(), 0..8),
        form in 0..3usize,
    ) {
        let docs: Vec<Value> = objects.iter().map(|(_, _, d)| d.clone()).collect();
        let text = if docs.is_empty() { "apiVersion: v1\nkind: List\nitems: []\n".to_string() } else { write_stream(&docs, form) };
        let mut sources = airbyte_ingress::values::Sources::default();
        let mut read = |_: &str, _: usize| Ok(text.clone().into_bytes());
        let opts = airbyte_ingress::ManifestOptions {
            files: vec!["m.yaml".into()],
            ..Default::default()
        };
        let report = airbyte_ingress::check_manifests(&opts, None, &mut sources, &mut read)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(report.objects, objects.len(), "{}", text);
        // every finding points into the file
        for f in &report.findings {
            let shown = sources.describe(f.primary());
            prop_assert!(shown.starts_with("m.yaml:"), "{} {}", shown, f.message);
        }
        let (read_back, _) = airbyte_ingress::manifests::read(
            &["m.yaml".into()],
            &mut airbyte_ingress::values::Sources::default(),
            &Default::default(),
            &mut |_: &str, _: usize| Ok(text.clone().into_bytes()),
        ).unwrap();
        let got: Vec<(String, String)> = read_back.iter().map(|o| (o.kind.clone(), o.name.clone())).collect();
        let want: Vec<(String, String)> = objects.iter().map(|(k, n, _)| (k.clone(), n.clone())).collect();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `render -m` over any stream of objects, for every target that renders objects: findings
    /// or an input error, and when there are no errors, objects that render; never an internal
    /// error or a panic.
    #[test]
    fn any_stream_moves_or_says_why(
        objects in prop::collection::vec(object(), 0..6),
        form in 0..3usize,
        variant in 0..2usize,
    ) {
        let docs: Vec<Value> = objects.iter().map(|(_, _, d)| d.clone()).collect();
        let text = if docs.is_empty() { String::new() } else { write_stream(&docs, form) };
        for t in Target::object_targets() {
            let opts = RunOptions {
                namespace: "airbyte".into(),
                target: Some(t),
                settings: settings(t, variant),
                ..Default::default()
            };
            let mut read = |_: &str, _: usize| Ok(text.clone().into_bytes());
            match airbyte_ingress::runs::moving::check(&["m.yaml".into()], &opts, &mut read) {
                Err(Failure::Internal(e)) => {
                    return Err(TestCaseError::fail(format!("{}: internal error: {e}\n{text}", t.name())));
                }
                Err(_) => {}
                Ok((checked, _)) => {
                    let routes = objects.iter().any(|(k, _, d)| {
                        k != "Service" && k != "ConfigMap" && k != "Deployment"
                            && serde_json::to_string(d).unwrap().contains("-airbyte-")
                    });
                    if !routes {
                        // nothing routes to Airbyte's server: that is an error finding
                        prop_assert!(checked.has_errors(), "{}: {}", t.name(), text);
                    }
                    if !checked.has_errors() {
                        let plan = checked.plan.as_ref().unwrap();
                        t.render(plan).map_err(|e| TestCaseError::fail(format!("{}: render failed: {e}\n{text}", t.name())))?;
                    }
                }
            }
        }
    }
}

/// A release's render as Helm hands it to a post-renderer: the Airbyte Services and env
/// ConfigMap (with a URL of some shape), maybe the chart's Ingress (hosts, TLS, annotations of
/// some shape), and other objects, in some order; Helm 4's filename annotation or `# Source:`
/// comments.
fn release_stream() -> impl Strategy<Value = (String, bool)> {
    let url = prop_oneof![
        6 => Just("https://airbyte.example.com"),
        2 => Just("http://airbyte.example.com"),
        1 => prop::sample::select(vec!["airbyte.example.com", "", "https://Airbyte.Example.com:8443/x"]),
    ];
    let ingress = prop::option::of((
        prop_oneof![
            6 => Just("airbyte.example.com"),
            1 => prop::sample::select(vec!["b.example.com", "*.example.com", "UP.example.com", ""]),
        ],
        prop_oneof![4 => Just("/"), 1 => prop::sample::select(vec!["/api", "/*", ""])],
        prop_oneof![
            6 => Just("airbyte-airbyte-server-svc"),
            1 => prop::sample::select(vec!["airbyte-airbyte-webapp-svc", "other"]),
        ],
        any::<bool>(),
        prop::sample::select(vec![
            json!({}),
            json!({"nginx.ingress.kubernetes.io/proxy-read-timeout": "30"}),
            json!({"alb.ingress.kubernetes.io/target-type": "ip"}),
            json!({"k": 5}),
        ]),
    ));
    // objects of other charts and of Airbyte that route nothing
    let extra = prop::collection::vec(
        prop::sample::select(vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "airbyte-server", "namespace": "airbyte"}, "spec": {"replicas": 1}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "grafana"}, "spec": {"ports": [{"port": 80}]}}),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "airbyte-secrets"}, "stringData": {"a": "---"}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "grafana"}, "spec": {"rules": [{"host": "grafana.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "grafana", "port": {"number": 80}}}}]}}]}}),
        ]),
        0..4,
    );
    (url, ingress, extra, any::<bool>(), any::<u64>(), prop::sample::select(vec!["community", "enterprise"])).prop_map(
        |(url, ingress, extra, annotated, seed, edition)| {
            let labels = json!({"helm.sh/chart": "airbyte-2.2.0", "app.kubernetes.io/instance": "airbyte"});
            let mut docs = vec![
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "airbyte-airbyte-server-svc", "namespace": "airbyte", "labels": labels}, "spec": {"ports": [{"name": "http", "port": 8001}]}}),
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "airbyte-airbyte-env", "namespace": "airbyte", "labels": labels}, "data": {"AIRBYTE_URL": url, "AIRBYTE_EDITION": edition}}),
            ];
            if let Some((host, path, service, tls, annotations)) = ingress {
                let mut spec = json!({"ingressClassName": "nginx", "rules": [{"host": host, "http": {"paths": [{"path": path, "pathType": "Prefix", "backend": {"service": {"name": service, "port": {"name": "http"}}}}]}}]});
                if tls {
                    spec["tls"] = json!([{"hosts": [host], "secretName": "airbyte-tls"}]);
                }
                docs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "airbyte", "namespace": "airbyte", "labels": labels, "annotations": annotations}, "spec": spec}));
            }
            docs.extend(extra);
            // a stable shuffle from the seed
            let n = docs.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(i as u64 + 7) % (i as u64 + 1)) as usize;
                docs.swap(i, j);
            }
            let mut text = String::new();
            for (i, mut d) in docs.into_iter().enumerate() {
                if annotated {
                    if let Some(meta) = d.get_mut("metadata").and_then(Value::as_object_mut) {
                        let ann = meta.entry("annotations").or_insert_with(|| json!({}));
                        if let Some(a) = ann.as_object_mut() {
                            a.insert("postrenderer.helm.sh/postrender-filename".into(), json!(format!("airbyte/templates/t{i}.yaml")));
                        }
                    }
                    text.push_str(&format!("{}{}\n", if i > 0 { "---\n" } else { "" }, serde_json::to_string(&d).unwrap()));
                } else {
                    text.push_str(&format!("---\n# Source: airbyte/templates/t{i}.yaml\n{}\n", serde_json::to_string(&d).unwrap()));
                }
            }
            (text, annotated)
        },
    )
}

/// Whatever a release's render holds, post-render ends in findings, a usage or input error, or a
/// stream that reads back, holds no chart Ingress, and keeps every byte outside the chart's Ingress.
#[test]
fn post_render_keeps_what_it_does_not_own() {
    let config = ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    };
    let (runs, written) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    proptest!(config, |((text, _annotated) in release_stream(), which in 0..100usize, variant in 0..2usize)| {
        runs.set(runs.get() + 1);
        let targets: Vec<Target> = Target::object_targets().collect();
        let target = targets[which % targets.len()];
        let opts = airbyte_ingress::PostRenderOptions {
            target,
            settings: settings(target, variant),
            namespace: None,
            limits: Default::default(),
            strict: false,
            chart: None,
        };
        let done = match airbyte_ingress::post_render(&opts, text.as_bytes()) {
            Ok(d) => d,
            Err(Failure::Internal(m)) => return Err(TestCaseError::fail(format!("{}: internal error: {m}\n{text}", target.name()))),
            Err(_) => return Ok(()),
        };
        let Some(out) = done.output else {
            prop_assert!(airbyte_ingress::findings::failing(&done.findings, false));
            return Ok(());
        };
        written.set(written.get() + 1);
        if target == Target::Chart {
            prop_assert_eq!(&out, &text);
            return Ok(());
        }
        let span = airbyte_ingress::manifests::stream::spans(&text).into_iter().map(|s| s.bytes).find(|b| text[b.clone()].contains("\"kind\":\"Ingress\"") && text[b.clone()].contains("airbyte-2.2.0"));
        match span {
            Some(b) => {
                prop_assert!(out.starts_with(&text[..b.start]) && out.ends_with(&text[b.end..]), "{}\n{}", text, out);
            }
            None => prop_assert!(out.starts_with(&text), "{}\n{}", text, out),
        }
        let (objects, _) = airbyte_ingress::manifests::read(
            &["-".into()],
            &mut airbyte_ingress::values::Sources::default(),
            &Default::default(),
            &mut |_: &str, _: usize| Ok(out.clone().into_bytes()),
        ).map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
        prop_assert!(!objects.iter().any(|o| airbyte_ingress::manifests::release::is_chart_ingress(o, "airbyte")), "{}", out);
        prop_assert!(objects.iter().any(|o| o.labels().get("app.kubernetes.io/managed-by").map(String::as_str) == Some("airbyte-ingress")), "{}", out);
    });
    // the generator must reach writing a stream often, or the test proves little
    assert!(
        written.get() * 4 > runs.get(),
        "only {} of {} runs wrote a stream",
        written.get(),
        runs.get()
    );
}
