//! No injection: any string in any field either fails validation or reaches the output as exactly
//! that string. Random strings full of YAML, template and rule syntax go into every field, for every
//! target; the output is parsed back independently and must hold exactly the planned objects.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use airbyte_ingress::controllers::Settings;
use airbyte_ingress::targets::Target;
use airbyte_ingress::values::{SetKind, ValueInputs};
use airbyte_ingress::{RunOptions, check};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Strings made to break things: YAML structure, document markers, template syntax, quotes,
/// backslashes, backticks, line breaks of every kind, and plain DNS-ish text.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\n---\nkind: Secret\n",
        "{{ name }}",
        "{% if true %}x{% endif %}",
        "{# c #}",
        "\"",
        "'",
        "\\",
        "`",
        "`) || Host(`evil",
        ": ",
        "- ",
        "#",
        "&a",
        "*a",
        "!!str",
        "|",
        ">",
        "%",
        "@",
        "\t",
        "\r\n",
        "\u{2028}",
        "\u{85}",
        "\u{feff}",
        "😀",
        "null",
        "true",
        "0x10",
        "1e3",
        "~",
        "airbyte",
        "example.com",
        ".",
        "-",
        "/",
        "a",
        "Z",
        "9",
        " ",
    ]);
    prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat())
}

struct Case {
    host: String,
    path: String,
    class: String,
    ann_key: String,
    ann_value: String,
    secret: String,
    release: String,
    namespace: String,
}

fn values(c: &Case) -> String {
    let doc = json!({
        "global": { "airbyteUrl": format!("https://{}", c.host) },
        "ingress": {
            "enabled": true,
            "className": c.class,
            "annotations": { c.ann_key.clone(): c.ann_value },
            "hosts": [{ "host": c.host, "paths": [{ "path": c.path, "pathType": "Prefix", "backend": "server" }] }],
            "tls": [{ "secretName": c.secret, "hosts": [c.host] }],
        },
    });
    // JSON is YAML: every string arrives exactly as generated
    serde_json::to_string(&doc).unwrap()
}

fn target_options(t: Target) -> Settings {
    t.needed_settings()
}

/// Lines of haproxy.cfg for the fixed shape of these cases (one host, TLS, community edition).
fn haproxy_cfg_lines() -> usize {
    static LINES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LINES.get_or_init(|| {
        let r = common::run(&[
            "render",
            "-t",
            "haproxy-cfg",
            "-f",
            "examples/values.yaml",
            "--set",
            "ingress.enabled=false",
            "--haproxy-cert",
            "/etc/haproxy/airbyte.pem",
        ]);
        r.stdout.lines().count()
    })
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

fn run_case(c: &Case, t: Target) -> Result<(), TestCaseError> {
    let text = values(c);
    let opts = RunOptions {
        inputs: ValueInputs {
            files: vec!["v.yaml".into()],
            sets: vec![(SetKind::String, "x=1".into())],
            ..Default::default()
        },
        release: c.release.clone(),
        namespace: c.namespace.clone(),
        chart: airbyte_ingress::plan::NEWEST_CHART,
        target: Some(t),
        settings: target_options(t),
        wrappers: Default::default(),
        given: Default::default(),
    };
    let mut read = |_: &str, _: usize| Ok(text.clone().into_bytes());
    let checked = match check(&opts, &mut read) {
        Ok(c) => c,
        Err(_) => return Ok(()), // refused as input: fine
    };
    if checked.has_errors() {
        return Ok(()); // refused by validation: fine
    }
    let plan = checked.plan.as_ref().expect("a plan without errors");
    RENDERED.with(|r| r.set(r.get() + 1));
    let rendered = t
        .render(plan)
        .map_err(|e| TestCaseError::fail(format!("{}: render failed: {e}", t.name())))?;
    if let Some(file) = &rendered.file {
        // haproxy.cfg: the host is one word of its ACL, and no value adds or removes a line
        let expected_lines = haproxy_cfg_lines();
        prop_assert_eq!(
            file.text.lines().count(),
            expected_lines,
            "a value changed the config's shape\n{}",
            file.text
        );
        let host_acl = format!("-m str {}\n", c.host.to_ascii_lowercase());
        prop_assert!(
            file.text.contains(&host_acl),
            "{:?} missing\n{}",
            c.host,
            file.text
        );
        return Ok(());
    }
    let stream = airbyte_ingress::render::document::to_yaml(t.name(), &rendered.docs);
    // parse the whole stream independently of the tool's own parse-back
    let docs: Vec<Value> = serde_saphyr::from_multiple(&stream).map_err(|e| {
        TestCaseError::fail(format!(
            "{}: output does not parse: {e}\n{stream}",
            t.name()
        ))
    })?;
    prop_assert_eq!(
        docs.len(),
        rendered.docs.len(),
        "{}: a value added or removed a document\n{}",
        t.name(),
        stream
    );
    let mut seen = Vec::new();
    for (d, r) in docs.iter().zip(&rendered.docs) {
        prop_assert_eq!(d, &r.json().unwrap());
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        prop_assert!(
            keys.iter()
                .all(|k| ["apiVersion", "kind", "metadata", "spec"].contains(&k.as_str())),
            "{:?}",
            keys
        );
        let kind = d["kind"].as_str().unwrap_or("");
        prop_assert!(
            [
                "Ingress",
                "IngressRoute",
                "Middleware",
                "ServersTransport",
                "Gateway",
                "HTTPRoute",
                "ReferenceGrant",
                "IngressExtension",
                "HealthCheckPolicy",
                "VirtualService"
            ]
            .contains(&kind),
            "{}",
            kind
        );
        // objects go to the release namespace; the Istio Gateway goes to the ingress gateway's
        let namespace = if t == Target::Istio && kind == "Gateway" {
            "aks-istio-ingress"
        } else {
            c.namespace.as_str()
        };
        prop_assert_eq!(
            d["metadata"]["namespace"].as_str().unwrap_or(&c.namespace),
            namespace
        );
        strings(d, &mut seen);
    }
    // the values that every target carries arrive exactly
    // (Traefik carries it inside its rule, as exactly `Host(`host`)`)
    let matcher = format!("Host(`{}`)", c.host);
    prop_assert!(
        seen.iter().any(|s| *s == c.host || s.contains(&matcher)),
        "{}: host {:?} missing\n{}",
        t.name(),
        c.host,
        stream
    );
    if t == Target::Istio {
        // the Gateway's servers name the host in the release namespace, and the Secret exactly
        let scoped = format!("{}/{}", c.namespace, c.host.to_ascii_lowercase());
        prop_assert!(
            seen.contains(&scoped),
            "istio: {:?} missing\n{}",
            scoped,
            stream
        );
        prop_assert!(
            seen.contains(&c.secret),
            "istio: {:?} missing\n{}",
            c.secret,
            stream
        );
    }
    if t == Target::Chart {
        // an empty className means no class, as in Helm
        let class = (!c.class.is_empty()).then_some(&c.class);
        for s in [
            Some(&c.path),
            class,
            Some(&c.ann_key),
            Some(&c.ann_value),
            Some(&c.secret),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(seen.contains(s), "chart: {:?} missing\n{}", s, stream);
        }
    }
    Ok(())
}

thread_local! {
    // cases that got past validation and were rendered, on this test's thread
    static RENDERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn case_with(field: usize, v: String) -> Case {
    let mut c = Case {
        host: "airbyte.example.com".into(),
        path: "/".into(),
        class: "nginx".into(),
        ann_key: "example.com/x".into(),
        ann_value: "1".into(),
        secret: "airbyte-tls".into(),
        release: "airbyte".into(),
        namespace: "airbyte".into(),
    };
    match field {
        0 => c.host = v,
        1 => c.path = v,
        2 => c.class = v,
        3 => c.ann_key = v,
        4 => c.ann_value = v,
        5 => c.secret = v,
        6 => c.release = v,
        _ => c.namespace = v,
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// One hostile field per case, so that many cases get past validation and are rendered.
    #[test]
    fn any_string_in_any_field_is_refused_or_emitted_exactly(field in 0usize..8, value in hostile()) {
        let c = case_with(field, value);
        for t in Target::all() {
            run_case(&c, *t)?;
        }
    }
}

#[test]
fn the_property_is_not_vacuous() {
    // annotation values accept any string: every hostile one must get through and render, on every
    // target, or the property above would only ever see refusals
    let pieces = [
        "{{ name }}",
        "\n---\nkind: Secret",
        "\"",
        "\\",
        "`",
        "😀",
        "null",
        "x y",
        "{% if %}",
    ];
    let before = RENDERED.with(|r| r.get());
    for p in pieces {
        for t in Target::all() {
            run_case(&case_with(4, format!("a{p}b")), *t).unwrap();
        }
    }
    let rendered = RENDERED.with(|r| r.get()) - before;
    assert!(
        rendered >= pieces.len() * Target::all().len(),
        "only {rendered} cases rendered"
    );
    // and every other field is swept with the same pieces
    for field in 0..8 {
        for p in pieces {
            for t in Target::all() {
                run_case(&case_with(field, format!("a{p}b")), *t).unwrap();
            }
        }
    }
}

#[test]
fn a_document_marker_in_a_value_stays_a_value() {
    let c = Case {
        host: "airbyte.example.com".into(),
        path: "/".into(),
        class: "nginx".into(),
        ann_key: "example.com/note".into(),
        ann_value:
            "x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n{{ 7*7 }}{% raw %}"
                .into(),
        secret: "airbyte-tls".into(),
        release: "airbyte".into(),
        namespace: "airbyte".into(),
    };
    for t in Target::all() {
        run_case(&c, *t).unwrap();
    }
}
