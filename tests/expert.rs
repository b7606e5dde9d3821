//! Hand-written manifests as an Airbyte expert reads them: each of `fixtures/manifests/expert/`
//! (modelled on real hand-written ones, each file says which) and the two manual examples of
//! Airbyte's own ingress documentation give exactly the findings the expert names, at their lines:
//! no more (no false alarm), no fewer (no defect unsaid).
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

/// The (line, rule) of every finding of `validate -m FILE`, in order.
fn found(file: &str) -> Vec<(u64, String)> {
    let r = common::run(&["validate", "-m", file, "--format", "json"]);
    assert!(matches!(r.code, 0 | 1), "{file}: {}", r.transcript());
    let mut out: Vec<(u64, String)> = common::report_findings(&r.stdout)
        .into_iter()
        .map(|(rule, _, line)| (line, rule))
        .collect();
    out.sort();
    out
}

fn expect(file: &str, want: &[(u64, &str)]) {
    let mut want: Vec<(u64, String)> = want.iter().map(|(l, r)| (*l, r.to_string())).collect();
    want.sort();
    assert_eq!(found(file), want, "{file}");
}

#[test]
fn airbyte_s_documented_manifests() {
    let docs = common::shared().join("conformance/manifests/docs");
    // the connector builder's Service (gone since chart 2.1), all of `/auth` to Keycloak, no
    // timeouts or body size for ingress-nginx, which is retired
    expect(
        docs.join("nginx-manual.yaml").to_str().unwrap(),
        &[
            (8, "body-size-too-low"),
            (8, "ingress-nginx-retired"),
            (8, "timeout-too-low"),
            (8, "timeout-too-low"),
            (20, "keycloak-admin-exposed"),
            (26, "backend-service-unknown"),
        ],
    );
    // the legacy class annotation, no `target-type` (instance targets cannot reach a ClusterIP
    // Service), a redirect with no HTTP listener, a 30 s idle timeout, then the same routes
    expect(
        docs.join("alb-manual.yaml").to_str().unwrap(),
        &[
            (7, "alb-target-type"),
            (7, "class-annotation-deprecated"),
            (9, "alb-listen-ports"),
            (15, "timeout-too-low"),
            (30, "keycloak-admin-exposed"),
            (35, "backend-service-unknown"),
        ],
    );
}

#[test]
fn real_hand_written_manifests() {
    let f = |name: &str| format!("fixtures/manifests/expert/{name}");
    expect(
        &f("alb-eks-blog.yaml"),
        &[
            (10, "alb-healthcheck"),
            (11, "alb-healthcheck"),
            (14, "alb-scheme-internal"),
        ],
    );
    expect(
        &f("nginx-copied-snippets.yaml"),
        &[
            (10, "rewrite-target"),
            (11, "annotation-inert"),
            (12, "annotation-inert"),
            (13, "annotation-inert"),
            (14, "connect-timeout-capped"),
            (18, "class-missing"),
        ],
    );
    expect(
        &f("traefik-strip-prefix.yaml"),
        &[
            (13, "traefik-entrypoint-timeout"),
            (23, "root-route-missing"),
            (25, "rewrite-target"),
        ],
    );
    expect(
        &f("gateway-shared.yaml"),
        &[
            (34, "http-listener-attached"),
            (44, "host-header-rewritten"),
        ],
    );
    expect(
        &f("haproxy-snippet.yaml"),
        &[(8, "snippet-critical"), (11, "timeout-too-low")],
    );
    // ALB `instance` targets to a NodePort Service of the user's own reach it; to a ClusterIP
    // one they do not
    let alb = f("alb-instance-nodeport.yaml");
    expect(&alb, &[(30, "timeout-too-low")]);
    let dir = common::tempdir("expert-cluster-ip");
    let cluster_ip = dir.join("alb-instance-cluster-ip.yaml");
    let text = common::text(&alb);
    assert!(text.contains("type: NodePort"));
    std::fs::write(
        &cluster_ip,
        text.replace("type: NodePort", "type: ClusterIP"),
    )
    .unwrap();
    expect(
        cluster_ip.to_str().unwrap(),
        &[(30, "alb-target-type"), (30, "timeout-too-low")],
    );
    // no false alarms: a hand-named Service the manifests define, one host on two classes
    expect(&f("plain-service.yaml"), &[(26, "ingress-nginx-retired")]);
    expect(
        &f("two-classes.yaml"),
        &[(13, "ingress-nginx-retired"), (36, "ingress-nginx-retired")],
    );
}

/// One object read twice (a directory holding a copy of a file, two files of one object) routes
/// once: no `host-path-duplicate`.
#[test]
fn one_object_read_twice_is_no_duplicate() {
    let dir = common::tempdir("expert-twice");
    let text = common::text("fixtures/manifests/expert/plain-service.yaml");
    std::fs::write(dir.join("a.yaml"), &text).unwrap();
    std::fs::write(dir.join("b.yaml"), &text).unwrap();
    let once = found(dir.to_str().unwrap());
    assert!(
        !once.iter().any(|(_, r)| r == "host-path-duplicate"),
        "{once:?}"
    );
    // two objects of two names on one class are a duplicate
    std::fs::write(
        dir.join("b.yaml"),
        text.replace("name: airbyte\n", "name: airbyte-copy\n"),
    )
    .unwrap();
    let twice = found(dir.to_str().unwrap());
    assert!(
        twice.iter().any(|(_, r)| r == "host-path-duplicate"),
        "{twice:?}"
    );
}
