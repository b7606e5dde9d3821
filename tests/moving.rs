//! `render -m EXISTING --target T`: a hand-written route to Airbyte moved to every target. What the
//! input asked for is in the output (hosts, TLS Secrets, timeouts and body size above Airbyte's
//! floors), what it asked below them is raised, what no target carries is reported at its line,
//! and an input where nothing routes to Airbyte fails. Schema, CEL, kubectl and `validate -m` of
//! every moved output are in `tests/external.rs`.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use airbyte_ingress::targets::Target;
use proptest::prelude::*;

/// `render -m FILE --target T` with the flags T needs, from the repository root.
fn moved(file: &str, target: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["render", "-m", file, "--target", target];
    let mut needed = common::target_args(target);
    // a class given here replaces the one the target needs to render at all
    if extra.contains(&"--gateway-class")
        && let Some(at) = needed.iter().position(|a| *a == "--gateway-class")
    {
        needed.drain(at..at + 2);
    }
    args.extend(needed);
    args.extend(extra);
    common::run(&args)
}

/// The objects a run wrote, as JSON (naming the output when it does not read as YAML).
fn objects(r: &common::Run) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple(&r.stdout)
        .unwrap_or_else(|e| panic!("the output does not read back: {e}\n{}", r.stdout))
}

/// A fixture with one piece of its text replaced (which must be there), written to a temporary
/// file: the folder's guard and the file's path.
fn variant(fixture: &str, from: &str, to: &str) -> (common::TempDir, String) {
    let text = common::text(fixture);
    assert!(text.contains(from), "{fixture} has no `{from}`");
    let dir = common::tempdir("moving");
    let path = dir.join(std::path::Path::new(fixture).file_name().unwrap());
    std::fs::write(&path, text.replace(from, to)).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

/// A fixture whose timeout `from` is made `to` (an hour), moved to ingress-nginx: the hour is its
/// read timeout. The folder's guard and the file's path, for more moves.
fn an_hour_reaches_nginx(fixture: &str, from: &str, to: &str) -> (common::TempDir, String) {
    let (dir, path) = variant(fixture, from, to);
    let r = moved(&path, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"",
    );
    (dir, path)
}

/// Every target that writes Kubernetes objects, with the Gateway API target once per
/// implementation whose policies it writes.
fn targets() -> Vec<(String, Vec<&'static str>)> {
    let mut v: Vec<(String, Vec<&'static str>)> = Target::object_targets()
        .map(|t| (t.name().to_string(), Vec::new()))
        .collect();
    for class in ["nginx", "eg"] {
        v.push(("gateway-api".into(), vec!["--gateway-class", class]));
    }
    v
}

/// Whether a target names TLS Secrets (the ALB takes ACM certificates).
fn names_secrets(target: &str) -> bool {
    target != "alb"
}

fn stderr_has_at(r: &common::Run, at: &str, rule: &str) {
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with(at) && l.contains(rule));
    assert!(line.is_some(), "no {rule} at {at}:\n{}", r.stderr);
}

#[test]
fn nginx_timeouts_and_body_size_reach_every_target() {
    let file = "fixtures/manifests/moving/nginx-timeouts.yaml";
    for (target, extra) in targets() {
        let r = moved(file, &target, &extra);
        let label = format!("{target} {extra:?}");
        assert_eq!(r.code, 0, "{label}: {}", r.stderr);
        common::assert_has(&r.stdout, "airbyte.data.example.com");
        common::assert_has(&r.stdout, "prod-airbyte-server-svc");
        common::assert_has(&r.stdout, "airbyte-data-tls");
        // the snippet is not carried, at its line, for every target
        stderr_has_at(&r, &format!("{file}:15:5:"), "warning[move-not-carried]");
        assert!(!r.stdout.contains("more_set_headers"), "{label}");
    }
    // the hour the input asked for, each target its own way
    let nginx = moved(file, "nginx", &[]);
    common::assert_has(
        &nginx.stdout,
        "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"",
    );
    common::assert_has(
        &nginx.stdout,
        "nginx.ingress.kubernetes.io/proxy-body-size: \"50m\"",
    );
    let ngf = moved(file, "gateway-api", &["--gateway-class", "nginx"]);
    common::assert_has(&ngf.stdout, "kind: ClientSettingsPolicy");
    common::assert_has(&ngf.stdout, "maxSize: \"50m\"");
    // NGINX Gateway Fabric ignores HTTPRoute `timeouts`: its ProxySettingsPolicy carries them
    common::assert_has(&ngf.stdout, "kind: ProxySettingsPolicy");
    common::assert_has(&ngf.stdout, "read: \"3600s\"");
    assert!(!ngf.stdout.contains("timeouts:"), "{}", ngf.stdout);
    let eg = moved(file, "gateway-api", &["--gateway-class", "eg"]);
    common::assert_has(&eg.stdout, "kind: ClientTrafficPolicy");
    common::assert_has(&eg.stdout, "streamIdleTimeout: \"3600s\"");
    assert!(!eg.stdout.contains("ClientSettingsPolicy"), "{}", eg.stdout);
    let traefik = moved(file, "traefik", &[]);
    common::assert_has(&traefik.stdout, "responseHeaderTimeout: \"3600s\"");
}

#[test]
fn what_a_target_carries_is_said_under_verbose_not_warned() {
    let file = "fixtures/manifests/moving/nginx-timeouts.yaml";
    let r = moved(file, "gateway-api", &["--gateway-class", "nginx", "-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stderr,
        "moved: `nginx.ingress.kubernetes.io/proxy-body-size` carried into the ClientSettingsPolicy's `body.maxSize: 50m`",
    );
    common::assert_has(
        &r.stderr,
        "moved: `nginx.ingress.kubernetes.io/proxy-read-timeout` carried into the ProxySettingsPolicy's `timeout.read`/`timeout.send: 3600s`",
    );
    // carried, so not also warned about as dropped
    assert!(
        !r.stderr
            .contains("annotation `nginx.ingress.kubernetes.io/proxy-body-size` is for"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_alb_certificate_becomes_a_secret_the_listener_names() {
    let file = "fixtures/manifests/moving/alb-idle.yaml";
    for (target, extra) in [
        ("gateway-api", vec!["--gateway-class", "nginx"]),
        ("istio", vec![]),
    ] {
        let r = moved(file, target, &extra);
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        stderr_has_at(&r, &format!("{file}:19:7:"), "warning[move-corrected]");
        common::assert_has(&r.stderr, "the moved entry names `airbyte-tls`");
        common::assert_has(&r.stdout, "airbyte-tls");
    }
    // the ALB keeps its certificate, health check and idle timeout as they were
    let alb = moved(file, "alb", &[]);
    assert_eq!(alb.code, 0, "{}", alb.stderr);
    common::assert_has(&alb.stdout, "certificate-arn");
    common::assert_has(
        &alb.stdout,
        "alb.ingress.kubernetes.io/healthcheck-path: /api/v1/health",
    );
    common::assert_has(&alb.stdout, "idle_timeout.timeout_seconds=600");
    assert!(!alb.stderr.contains("move-corrected"), "{}", alb.stderr);
}

#[test]
fn the_docs_examples_are_corrected_where_they_break_airbyte() {
    let docs = common::shared().join("conformance/manifests/docs");
    let alb = docs.join("alb-manual.yaml").display().to_string();
    let r = moved(&alb, "chart", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 30 s idle is raised; IP targets are set; the builder route goes to the server on 2.2
    common::assert_has(&r.stdout, "idle_timeout.timeout_seconds=240");
    common::assert_has(&r.stdout, "alb.ingress.kubernetes.io/target-type: ip");
    assert!(
        !r.stdout.contains("connector-builder-server-svc"),
        "{}",
        r.stdout
    );
    stderr_has_at(&r, &format!("{alb}:15:57:"), "warning[move-corrected]");
    stderr_has_at(&r, &format!("{alb}:7:5:"), "warning[move-corrected]");
    stderr_has_at(&r, &format!("{alb}:35:23:"), "warning[move-corrected]");
    // on 2.0.x the builder Service is rendered: its route is kept as it is
    let old = moved(&alb, "nginx", &["--chart-version", "2.0.18"]);
    assert_eq!(old.code, 0, "{}", old.stderr);
    common::assert_has(&old.stdout, "airbyte-airbyte-connector-builder-server-svc");
}

#[test]
fn a_containous_ingressroute_moves_with_its_secret() {
    let file = "fixtures/manifests/moving/traefik-containous.yaml";
    for (target, extra) in targets() {
        let r = moved(file, &target, &extra);
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        common::assert_has(&r.stdout, "airbyte.example.com");
        if names_secrets(&target) {
            common::assert_has(&r.stdout, "airbyte-example-com-tls");
        }
    }
}

#[test]
fn two_routes_for_one_host_take_the_larger_setting_and_say_so() {
    let dir = common::tempdir("moving");
    let input = dir.join("two.yaml");
    std::fs::write(&input, TWO_INGRESSES).unwrap();
    let path = input.display().to_string();
    let r = common::run(&["render", "-m", &path, "--target", "nginx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"",
    );
    assert!(!r.stdout.contains("\"1800\""), "{}", r.stdout);
    stderr_has_at(&r, &format!("{path}:28:53:"), "warning[move-conflict]");
    common::assert_has(&r.stderr, "the output takes `3600`");
}

/// Two Ingresses of one release, as teams split the API from the UI, with different timeouts.
const TWO_INGRESSES: &str = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: airbyte-ui
  namespace: airbyte
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: \"1800\"
spec:
  ingressClassName: nginx
  rules:
    - host: airbyte.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: airbyte-airbyte-server-svc
                port:
                  number: 8001
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: airbyte-api
  namespace: airbyte
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"
spec:
  ingressClassName: nginx
  rules:
    - host: airbyte.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: airbyte-airbyte-server-svc
                port:
                  number: 8001
";

#[test]
fn nothing_routing_to_airbyte_fails_and_lists_what_was_not_read() {
    let dir = common::tempdir("moving");
    let input = dir.join("other.yaml");
    std::fs::write(
        &input,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, namespace: airbyte}\nspec: {}\n---\n\
apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: grafana, namespace: airbyte}\n\
spec:\n  rules:\n    - host: grafana.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: grafana, port: {number: 80}}}\n",
    )
    .unwrap();
    let path = input.display().to_string();
    for (target, extra) in targets() {
        let r = moved(&path, &target, &extra);
        assert_eq!(r.code, 1, "{target}: {}", r.transcript());
        assert_eq!(r.stdout, "", "{target}: nothing on stdout");
        stderr_has_at(&r, &format!("{path}:1:1:"), "error[no-airbyte-route]");
        common::assert_has(&r.stderr, "not read: Deployment airbyte/x");
        assert!(!r.stderr.contains("hosts-missing"), "{}", r.stderr);
    }
}

#[test]
fn bad_input_is_exit_2_with_its_line_and_nothing_on_stdout() {
    let r = common::run_in(
        &common::root(),
        &["render", "-m", "-", "--target", "nginx"],
        Some(b"apiVersion: v1\nkind: [\n"),
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert_eq!(r.stdout, "");
    common::assert_has(&r.stderr, "<stdin>:2:");
    let missing = common::run(&["render", "-m", "no/such/file.yaml", "--target", "nginx"]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
    assert_eq!(missing.stdout, "");
    common::assert_has(&missing.stderr, "no/such/file.yaml");
}

#[test]
fn a_kubectl_list_on_stdin_moves() {
    let list =
        std::fs::read(common::root().join("fixtures/manifests/valid/kubectl-list.json")).unwrap();
    let r = common::run_in(
        &common::root(),
        &[
            "render",
            "-m",
            "-",
            "--target",
            "gateway-api",
            "--gateway-class",
            "nginx",
        ],
        Some(&list),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    // the release the List's Services name, in their namespace
    common::assert_has(&r.stdout, "name: list-airbyte-server-svc");
    common::assert_has(&r.stdout, "namespace: airbyte");
}

/// Hosts and Secret names as people write them: lowercase DNS labels.
fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}"
}

fn ingress_strategy() -> impl Strategy<Value = (Vec<(String, bool)>, u64, u64)> {
    (
        proptest::collection::btree_map(label(), any::<bool>(), 1..4)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>()),
        1u64..7200,
        1u64..200,
    )
}

/// An Ingress routing each host to Airbyte's server, TLS with its own Secret for some.
fn ingress(hosts: &[(String, bool)], timeout: u64, body: u64) -> String {
    let mut s = format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: airbyte\n  namespace: data\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"{timeout}\"\n    nginx.ingress.kubernetes.io/proxy-body-size: {body}m\nspec:\n  ingressClassName: nginx\n"
    );
    if hosts.iter().any(|(_, tls)| *tls) {
        s.push_str("  tls:\n");
        for (h, _) in hosts.iter().filter(|(_, tls)| *tls) {
            s.push_str(&format!(
                "    - hosts: [{h}.example.com]\n      secretName: {h}-cert\n"
            ));
        }
    }
    s.push_str("  rules:\n");
    for (h, _) in hosts {
        s.push_str(&format!(
            "    - host: {h}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: rel-airbyte-server-svc\n                port:\n                  number: 8001\n"
        ));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every host and TLS Secret of the input is in the output of every target (Secrets where the
    /// target names them), the exit is 0, and a timeout or body size below Airbyte's floor is raised.
    #[test]
    fn every_host_and_secret_of_the_input_is_in_the_output(
        (hosts, timeout, body) in ingress_strategy()
    ) {
        let dir = common::tempdir("moving-prop");
        let input = dir.join("in.yaml");
        std::fs::write(&input, ingress(&hosts, timeout, body)).unwrap();
        let path = input.display().to_string();
        for (target, extra) in [
            ("nginx", vec![]),
            ("traefik", vec![]),
            ("alb", vec![]),
            ("istio", vec![]),
            ("gateway-api", vec!["--gateway-class", "nginx"]),
        ] {
            let r = moved(&path, target, &extra);
            prop_assert_eq!(r.code, 0, "{}: {}", target, r.transcript());
            for (h, tls) in &hosts {
                let host = format!("{h}.example.com");
                prop_assert!(r.stdout.contains(&host), "{} lost {}: {}", target, host, r.stdout);
                if *tls && names_secrets(target) {
                    let secret = format!("{h}-cert");
                    prop_assert!(r.stdout.contains(&secret), "{} lost {}", target, secret);
                }
            }
            if target == "nginx" {
                // below Airbyte's floor (300 s, 10 MiB) raised to what it needs; else as asked
                let want = if timeout < 300 { 600 } else { timeout };
                let line = format!("proxy-read-timeout: \"{want}\"");
                prop_assert!(r.stdout.contains(&line), "{}: {}", line, r.stdout);
                let b = if body < 10 { 16 } else { body };
                let line = format!("proxy-body-size: \"{b}m\"");
                prop_assert!(r.stdout.contains(&line), "{}: {}", line, r.stdout);
            }
        }
    }
}

#[test]
fn a_rewrite_is_not_carried_to_any_target() {
    let (_dir, path) = variant(
        "fixtures/manifests/moving/nginx-timeouts.yaml",
        "nginx.ingress.kubernetes.io/ssl-redirect: \"true\"",
        "nginx.ingress.kubernetes.io/rewrite-target: /",
    );
    for (target, extra) in targets() {
        let r = moved(&path, &target, &extra);
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        stderr_has_at(&r, &format!("{path}:14:5:"), "warning[move-corrected]");
        assert!(!r.stdout.contains("rewrite"), "{target}: {}", r.stdout);
        assert!(!r.stdout.contains("ReplacePath"), "{target}: {}", r.stdout);
    }
}

#[test]
fn gateway_api_and_istio_routes_move_with_their_gateways_certificates() {
    for (file, secret) in [
        ("fixtures/manifests/valid/gateway-api.yaml", "airbyte-tls"),
        ("fixtures/manifests/valid/istio.yaml", "airbyte-tls"),
    ] {
        for (target, extra) in targets() {
            let r = moved(file, &target, &extra);
            assert_eq!(r.code, 0, "{file} {target}: {}", r.stderr);
            common::assert_has(&r.stdout, "airbyte.example.com");
            if names_secrets(&target) {
                common::assert_has(&r.stdout, secret);
            }
            // the Gateway's certificate makes the route HTTPS: nothing to warn about
            assert!(
                !r.stderr.contains("url-https-without-tls"),
                "{file} {target}: {}",
                r.stderr
            );
        }
    }
    // an HTTPRoute's hour of timeout is kept
    an_hour_reaches_nginx(
        "fixtures/manifests/valid/gateway-api.yaml",
        "request: 600s",
        "request: 1h",
    );
}

/// Each hand-written route moved to every target, pinned as a whole (output and findings) and
/// reviewed: a change to any target's move shows here.
#[test]
fn moved_outputs_are_pinned() {
    for f in common::fixtures("manifests/moving") {
        let file = common::rel(&f);
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let mut all = String::new();
        for (target, extra) in targets() {
            let r = moved(&file, &target, &extra);
            let label = if extra.is_empty() {
                target.clone()
            } else {
                format!("{target} {}", extra.join(" "))
            };
            all.push_str(&format!(
                "=== --target {label} (exit {})\n{}--- stderr\n{}",
                r.code, r.stdout, r.stderr
            ));
        }
        insta::assert_snapshot!(format!("moved-{stem}"), all);
    }
}

/// What the move writes for NGINX Gateway Fabric carries its own policies: `validate -m` of it
/// has no `ngf-policy-missing`, while the Gateway API guides' way (timeouts on the route) has.
#[test]
fn nginx_gateway_fabric_output_has_the_policies_it_needs() {
    let dir = common::tempdir("moving");
    let out = dir.join("ngf.yaml");
    let r = moved(
        "fixtures/manifests/moving/nginx-timeouts.yaml",
        "gateway-api",
        &["--gateway-class", "nginx"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(&out, &r.stdout).unwrap();
    let path = out.display().to_string();
    let v = common::run(&["validate", "-m", &path]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    assert!(!v.stdout.contains("ngf-policy-missing"), "{}", v.stdout);
    // without the policies, the same route is warned about
    let bare: Vec<&str> = r
        .stdout
        .split("\n---\n")
        .filter(|d| {
            !d.contains("kind: ProxySettingsPolicy") && !d.contains("kind: ClientSettingsPolicy")
        })
        .collect();
    std::fs::write(&out, bare.join("\n---\n")).unwrap();
    let v = common::run(&["validate", "-m", &path]);
    common::assert_has(&v.stdout, "warning[ngf-policy-missing]");
}

/// Traefik keeps an IngressRoute's timeout in the ServersTransport its service names: an hour there
/// is an hour in the output.
#[test]
fn a_traefik_serverstransport_timeout_is_carried() {
    let (_dir, path) = an_hour_reaches_nginx(
        "fixtures/manifests/valid/traefik.yaml",
        "responseHeaderTimeout: 10m",
        "responseHeaderTimeout: 1h",
    );
    let r = moved(&path, "gateway-api", &["--gateway-class", "istio"]);
    common::assert_has(&r.stdout, "request: \"3600s\"");
}

/// A whole Helm render (the real chart's, with its Ingress among 70 other objects) moves like a
/// hand-written Ingress: the chart's Ingress is the route, every other object is left alone.
#[test]
fn a_whole_helm_render_moves_its_chart_ingress() {
    let render =
        common::shared().join("conformance/full-render/chart-2.2/01-community-tls/rendered.yaml");
    let file = render.display().to_string();
    for (target, extra) in targets() {
        let r = moved(&file, &target, &extra);
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        common::assert_has(&r.stdout, "airbyte.example.com");
        common::assert_has(&r.stdout, "airbyte-airbyte-server-svc");
        // only the target's objects: nothing of the chart's other objects is copied
        assert!(!r.stdout.contains("kind: Deployment"), "{target}");
        assert!(!r.stdout.contains("kind: ConfigMap"), "{target}");
    }
}

/// Application Gateway for Containers keeps its request timeout in an IngressExtension: 30 s there
/// is raised (and said), 45 minutes is kept.
#[test]
fn an_agc_ingressextension_timeout_is_read() {
    let file = "fixtures/manifests/warnings/agc-short-timeout.yaml";
    let r = moved(file, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    stderr_has_at(&r, &format!("{file}:40:25:"), "warning[move-corrected]");
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"",
    );
    let (_dir, path) = variant(file, "requestTimeout: 30s", "requestTimeout: 45m");
    let r = moved(&path, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("move-corrected"), "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/proxy-read-timeout: \"2700\"",
    );
}

/// A route that names no namespace (a kustomization or `kubectl apply -n` places it) is written
/// for the default namespace, and the run says so at the route; `--namespace` settles it.
#[test]
fn a_route_with_no_namespace_is_said_not_guessed() {
    let (_dir, file) = variant(
        "fixtures/manifests/moving/nginx-timeouts.yaml",
        "  namespace: data\n",
        "",
    );
    let r = moved(&file, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    stderr_has_at(&r, &format!("{file}:4:1:"), "info[cannot-assess]");
    common::assert_has(&r.stderr, "names no namespace");
    common::assert_has(&r.stdout, "namespace: default");
    let r = moved(&file, "nginx", &["--namespace", "data"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("names no namespace"), "{}", r.stderr);
    common::assert_has(&r.stdout, "namespace: data");
}

/// With no TLS on the route and no `AIRBYTE_URL` in the input, the URL the move makes up is
/// `http`: the values' URL rules do not judge it (the release's own URL was not read), but they
/// judge one the user gives.
#[test]
fn a_made_up_url_is_not_judged_a_given_one_is() {
    let text = common::text("fixtures/manifests/moving/nginx-timeouts.yaml");
    let without_tls = text.replace(
        "  tls:\n    - hosts:\n        - airbyte.data.example.com\n      secretName: airbyte-data-tls\n",
        "",
    );
    assert_ne!(without_tls, text, "the fixture's TLS block moved");
    let dir = common::tempdir("moving");
    let file = dir.join("no-tls.yaml").display().to_string();
    std::fs::write(&file, without_tls).unwrap();
    let r = moved(&file, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("cookie-secure-over-http"),
        "{}",
        r.stderr
    );
    let r = moved(
        &file,
        "nginx",
        &["--set", "global.airbyteUrl=http://airbyte.data.example.com"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stderr, "warning[cookie-secure-over-http]");
}

/// An Ingress that keeps Airbyte private (an allow list, oauth2-proxy through `auth-url`) moves
/// as it is to the targets that read ingress-nginx's annotations, and to no other: for each of
/// them nothing is written and what it cannot carry is an error at its line. An allow list alone
/// becomes the ALB's `inbound-cidrs`, unless security groups of the input make the ALB ignore it.
#[test]
fn access_controls_are_kept_or_the_move_stops() {
    let file = "fixtures/manifests/access/nginx-allowlist.yaml";
    for t in Target::all().iter().filter(|t| **t != Target::Chart) {
        let r = moved(file, t.name(), &[]);
        let reads_nginx = matches!(t, Target::Nginx | Target::Aks);
        // the ALB (`inbound-cidrs`), Traefik (a Middleware), haproxy.cfg (`src`) and Istio (an
        // AuthorizationPolicy, also for Gateway API's `istio` class, which these runs render
        // for) carry the allow list, not the authenticator
        let carries_allow_list = matches!(
            t,
            Target::Alb | Target::Traefik | Target::HaproxyCfg | Target::Istio | Target::GatewayApi
        );
        if reads_nginx {
            assert_eq!(r.code, 0, "{}: {}", t.name(), r.stderr);
            common::assert_has(
                &r.stdout,
                "whitelist-source-range: \"203.0.113.0/24,10.8.0.0/16\"",
            );
            common::assert_has(
                &r.stdout,
                "auth-url: \"https://oauth2.example.com/oauth2/auth\"",
            );
            assert!(!r.stderr.contains("access-control-dropped"), "{}", r.stderr);
        } else {
            assert_eq!(r.code, 1, "{}: {}", t.name(), r.transcript());
            assert!(r.stdout.is_empty(), "{}: {}", t.name(), r.stdout);
            let allow_list = "nginx-allowlist.yaml:9:5: error[access-control-dropped]";
            assert_eq!(
                r.stderr.contains(allow_list),
                !carries_allow_list,
                "{}: {}",
                t.name(),
                r.stderr
            );
            common::assert_has(
                &r.stderr,
                "nginx-allowlist.yaml:10:5: error[access-control-dropped]",
            );
        }
    }
    // the ALB's security group admits the allow list's ranges (an address as its /32), unless
    // given security groups replace the rules `inbound-cidrs` makes
    let only = "fixtures/manifests/access/nginx-allowlist-only.yaml";
    let (_dir, alb) = variant(
        only,
        "203.0.113.0/24, 10.8.0.0/16",
        "203.0.113.0/24, 192.0.2.7",
    );
    let r = moved(&alb, "alb", &["-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "alb.ingress.kubernetes.io/inbound-cidrs: \"203.0.113.0/24,192.0.2.7/32\"",
    );
    common::assert_has(
        &r.stderr,
        "`nginx.ingress.kubernetes.io/whitelist-source-range` carried into `alb.ingress.kubernetes.io/inbound-cidrs`",
    );
    let (_dir, groups) = variant(
        only,
        "    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n",
        "    alb.ingress.kubernetes.io/security-groups: sg-0123456789abcdef0\n",
    );
    let r = moved(&groups, "alb", &[]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(!r.stdout.contains("inbound-cidrs"), "{}", r.stdout);
    common::assert_has(
        &r.stderr,
        "nginx-allowlist-only.yaml:9:5: error[access-control-dropped]",
    );
}

/// Traefik carries an allow list as an `ipAllowList` Middleware on every route to Airbyte (the
/// redirect to HTTPS needs none), with the ranges as written, each once; an allow list it could
/// not carry exactly (a range that is no address, two lists that disagree) stops the move.
#[test]
fn traefik_carries_an_allow_list_in_a_middleware() {
    let file = "fixtures/manifests/access/nginx-allowlist-only.yaml";
    let r = moved(file, "traefik", &["-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = objects(&r);
    let allow = docs
        .iter()
        .find(|d| d["kind"] == "Middleware" && d["spec"]["ipAllowList"].is_object())
        .expect("an ipAllowList Middleware");
    assert_eq!(
        allow["spec"]["ipAllowList"]["sourceRange"],
        serde_json::json!(["203.0.113.0/24", "10.8.0.0/16"])
    );
    let name = allow["metadata"]["name"].as_str().unwrap();
    for d in docs.iter().filter(|d| d["kind"] == "IngressRoute") {
        for route in d["spec"]["routes"].as_array().unwrap() {
            let to_airbyte = route["services"][0]["kind"] == "Service";
            let names: Vec<&str> = route["middlewares"]
                .as_array()
                .map(|m| m.iter().filter_map(|m| m["name"].as_str()).collect())
                .unwrap_or_default();
            assert_eq!(names.contains(&name), to_airbyte, "{route}");
        }
    }
    common::assert_has(
        &r.stderr,
        "`nginx.ingress.kubernetes.io/whitelist-source-range` carried into the `ipAllowList` Middleware",
    );
    // each says why it was not carried
    for (from, to, why) in [
        (
            "203.0.113.0/24, 10.8.0.0/16",
            "203.0.113.0/24, office",
            "`office` in `nginx.ingress.kubernetes.io/whitelist-source-range` is no IP address or CIDR range",
        ),
        (
            "203.0.113.0/24, 10.8.0.0/16",
            "203.0.113.0/33",
            "`203.0.113.0/33` in `nginx.ingress.kubernetes.io/whitelist-source-range` is no IP address",
        ),
        (
            "    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n",
            "    haproxy.org/allow-list: 192.0.2.0/24\n",
            "`haproxy.org/allow-list` and `nginx.ingress.kubernetes.io/whitelist-source-range` name different ranges",
        ),
    ] {
        let (_dir, path) = variant(file, from, to);
        let r = moved(&path, "traefik", &[]);
        assert_eq!(r.code, 1, "{to}: {}", r.transcript());
        common::assert_has(&r.stderr, "error[access-control-dropped]");
        common::assert_has(&r.stderr, why);
    }
}

/// An ALB Ingress kept to some ranges by its security group (`inbound-cidrs`) moves to the
/// targets that read ingress-nginx's annotations with those ranges as their allow list, to
/// Traefik and haproxy.cfg with theirs, and to no other.
#[test]
fn an_alb_allow_list_moves_to_the_targets_that_can_hold_it() {
    let (_dir, file) = variant(
        "fixtures/manifests/moving/alb-idle.yaml",
        "    alb.ingress.kubernetes.io/target-type: ip\n",
        "    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/inbound-cidrs: 203.0.113.0/24,198.51.100.0/24\n",
    );
    for t in Target::all().iter().filter(|t| **t != Target::Chart) {
        let r = moved(&file, t.name(), &[]);
        let kept = match t {
            Target::Alb => {
                Some("alb.ingress.kubernetes.io/inbound-cidrs: \"203.0.113.0/24,198.51.100.0/24\"")
            }
            Target::Nginx | Target::Aks => Some(
                "nginx.ingress.kubernetes.io/whitelist-source-range: \"203.0.113.0/24,198.51.100.0/24\"",
            ),
            Target::Traefik => Some("- \"198.51.100.0/24\""),
            Target::HaproxyCfg => Some("acl allowed_client src 198.51.100.0/24"),
            Target::Istio | Target::GatewayApi => {
                Some("notRemoteIpBlocks:\n              - \"203.0.113.0/24\"")
            }
            _ => None,
        };
        match kept {
            Some(text) => {
                assert_eq!(r.code, 0, "{}: {}", t.name(), r.stderr);
                common::assert_has(&r.stdout, text);
            }
            None => {
                assert_eq!(r.code, 1, "{}: {}", t.name(), r.transcript());
                assert!(r.stdout.is_empty(), "{}", t.name());
                common::assert_has(
                    &r.stderr,
                    "error[access-control-dropped]: annotation `alb.ingress.kubernetes.io/inbound-cidrs`",
                );
            }
        }
    }
}

/// Envoy Gateway carries an allow list as a SecurityPolicy on the HTTPRoutes that reach Airbyte
/// (not on the redirect), denying every other client, with each address as its /32; NGINX
/// Gateway Fabric, AKS's managed `approuting-istio` and unknown implementations cannot, and the
/// move stops.
#[test]
fn envoy_gateway_carries_an_allow_list_in_a_security_policy() {
    let (_dir, file) = variant(
        "fixtures/manifests/access/nginx-allowlist-only.yaml",
        "203.0.113.0/24, 10.8.0.0/16",
        "203.0.113.0/24, 192.0.2.7",
    );
    let r = moved(&file, "gateway-api", &["--gateway-class", "eg"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = objects(&r);
    let policy = docs
        .iter()
        .find(|d| d["kind"] == "SecurityPolicy")
        .expect("a SecurityPolicy");
    let auth = &policy["spec"]["authorization"];
    assert_eq!(auth["defaultAction"], "Deny");
    assert_eq!(auth["rules"][0]["action"], "Allow");
    assert_eq!(
        auth["rules"][0]["principal"]["clientCIDRs"],
        serde_json::json!(["203.0.113.0/24", "192.0.2.7/32"])
    );
    let targets: Vec<&str> = policy["spec"]["targetRefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let to_airbyte: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "HTTPRoute" && d["spec"]["rules"][0]["backendRefs"].is_array())
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(!to_airbyte.is_empty());
    assert_eq!(targets, to_airbyte);
    for class in [
        "nginx",
        "approuting-istio",
        "gke-l7-global-external-managed",
    ] {
        let r = moved(&file, "gateway-api", &["--gateway-class", class]);
        assert_eq!(r.code, 1, "{class}: {}", r.transcript());
        common::assert_has(&r.stderr, "error[access-control-dropped]");
    }
}

/// Istio carries an allow list as a DENY AuthorizationPolicy on the gateway pods the rendered
/// Gateway selects, for Airbyte's hosts with any port, in the gateway's namespace; not for a
/// wildcard host (a host with a port would slip past it) or a Gateway someone else runs.
#[test]
fn istio_carries_an_allow_list_in_an_authorization_policy() {
    let file = "fixtures/manifests/access/nginx-allowlist-only.yaml";
    let r = moved(file, "istio", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = objects(&r);
    let gateway = docs.iter().find(|d| d["kind"] == "Gateway").unwrap();
    let policy = docs
        .iter()
        .find(|d| d["kind"] == "AuthorizationPolicy")
        .expect("an AuthorizationPolicy");
    assert_eq!(
        policy["metadata"]["namespace"],
        gateway["metadata"]["namespace"]
    );
    assert_eq!(
        policy["spec"]["selector"]["matchLabels"],
        gateway["spec"]["selector"]
    );
    assert_eq!(policy["spec"]["action"], "DENY");
    let rule = &policy["spec"]["rules"][0];
    assert_eq!(
        rule["from"][0]["source"]["notRemoteIpBlocks"],
        serde_json::json!(["203.0.113.0/24", "10.8.0.0/16"])
    );
    assert_eq!(
        rule["to"][0]["operation"]["hosts"],
        serde_json::json!(["airbyte.example.com", "airbyte.example.com:*"])
    );
    let (_dir, wildcard) = variant(file, "airbyte.example.com", "'*.example.com'");
    for (input, extra, why) in [
        (
            wildcard.as_str(),
            &[][..],
            "(Istio's DENY rule cannot match a wildcard host with every port",
        ),
        (
            file,
            &["--istio-gateway", "istio-system/shared"][..],
            "(it attaches to a Gateway it does not render",
        ),
    ] {
        let r = moved(input, "istio", extra);
        assert_eq!(r.code, 1, "{input} {extra:?}: {}", r.transcript());
        common::assert_has(&r.stderr, "error[access-control-dropped]");
        common::assert_has(&r.stderr, why);
    }
}

/// Gateway API's `istio` class carries an allow list as a DENY AuthorizationPolicy attached to
/// the Gateway it renders (`targetRefs`), in the Gateway's namespace.
#[test]
fn istio_gateway_api_carries_an_allow_list_on_its_gateway() {
    let file = "fixtures/manifests/access/nginx-allowlist-only.yaml";
    let r = moved(
        file,
        "gateway-api",
        &[
            "--gateway-class",
            "istio",
            "--gateway-namespace",
            "gateways",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = objects(&r);
    let gateway = docs.iter().find(|d| d["kind"] == "Gateway").unwrap();
    let policy = docs
        .iter()
        .find(|d| d["kind"] == "AuthorizationPolicy")
        .expect("an AuthorizationPolicy");
    assert_eq!(policy["metadata"]["namespace"], "gateways");
    assert_eq!(
        policy["metadata"]["namespace"],
        gateway["metadata"]["namespace"]
    );
    assert_eq!(
        policy["spec"]["targetRefs"],
        serde_json::json!([{
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": gateway["metadata"]["name"],
        }])
    );
    assert_eq!(policy["spec"]["action"], "DENY");
    // attached to a Gateway someone else runs, nothing is
    let r = common::run(&[
        "render",
        "-m",
        file,
        "--target",
        "gateway-api",
        "--gateway-name",
        "shared",
    ]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    common::assert_has(&r.stderr, "error[access-control-dropped]");
    common::assert_has(&r.stderr, "whose implementation it cannot tell");
}

/// A Traefik route's Middlewares that keep Airbyte private are not carried by any output (its own
/// IngressRoute included): one the input holds that limits access stops the move at its line,
/// and one the input does not hold cannot be assessed, which is said, and does not stop it.
#[test]
fn a_traefik_route_s_access_middlewares_stop_the_move() {
    let file = "fixtures/manifests/access/traefik-middlewares.yaml";
    for t in ["traefik", "nginx", "istio"] {
        let r = moved(file, t, &[]);
        assert_eq!(r.code, 1, "{t}: {}", r.transcript());
        assert!(r.stdout.is_empty(), "{t}");
        common::assert_has(
            &r.stderr,
            "traefik-middlewares.yaml:15:17: error[access-control-dropped]: IngressRoute airbyte/airbyte: the Middleware `office-only` (`ipAllowList`) limits who can reach Airbyte",
        );
        common::assert_has(
            &r.stderr,
            "traefik-middlewares.yaml:16:17: info[cannot-assess]: IngressRoute airbyte/airbyte: the route names the Middleware `sso`, which the input does not hold",
        );
    }
    let (_dir, sso_only) = variant(file, "        - name: office-only\n", "");
    let r = moved(&sso_only, "gateway-api", &["--gateway-class", "eg"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(&r.stderr, "info[cannot-assess]");
}

/// A deny list is no allow list: an ALB allow list moved to ingress-nginx beside an ingress-nginx
/// deny list becomes its allow list and the deny list stays; for Traefik, which has no deny list,
/// the allow list is carried and the deny list stops the move.
#[test]
fn a_deny_list_neither_stands_for_nor_hides_an_allow_list() {
    let (_dir, file) = variant(
        "fixtures/manifests/moving/alb-idle.yaml",
        "    alb.ingress.kubernetes.io/target-type: ip\n",
        "    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/inbound-cidrs: 203.0.113.0/24\n    nginx.ingress.kubernetes.io/denylist-source-range: 203.0.113.66/32\n",
    );
    let r = moved(&file, "nginx", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/whitelist-source-range: \"203.0.113.0/24\"",
    );
    common::assert_has(
        &r.stdout,
        "nginx.ingress.kubernetes.io/denylist-source-range: \"203.0.113.66/32\"",
    );
    let r = moved(&file, "traefik", &[]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    common::assert_has(
        &r.stderr,
        "error[access-control-dropped]: annotation `nginx.ingress.kubernetes.io/denylist-source-range` limits who can reach Airbyte (an IP deny list)",
    );
    assert!(
        !r.stderr.contains(
            "error[access-control-dropped]: annotation `alb.ingress.kubernetes.io/inbound-cidrs`"
        ),
        "{}",
        r.stderr
    );
}
