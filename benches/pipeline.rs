//! Load, validate and render per target at 1, 100, 1000 and 5000 hosts, in process.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

use airbyte_ingress::targets::Target;
use airbyte_ingress::values::{Limits, ValueInputs, parse_document};
use airbyte_ingress::{RunOptions, check};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

// the binary's allocator, so that these figures match what the command does
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A values file with `n` hosts, one path each, and one TLS entry for all of them.
pub fn values_with_hosts(n: usize) -> String {
    let mut s = String::from(
        "global:\n  airbyteUrl: https://h0.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n",
    );
    for i in 0..n {
        s.push_str(&format!("    - host: h{i}.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n"));
    }
    s.push_str("  tls:\n    - secretName: airbyte-tls\n      hosts:\n");
    for i in 0..n {
        s.push_str(&format!("        - h{i}.example.com\n"));
    }
    s
}

/// A `kubectl get svc,cm,ingress -o yaml` List of `n` objects: a Service, the env ConfigMap and an
/// Ingress per release, with the fields the API server adds (as `scripts/bench.sh` writes it).
pub fn kubectl_list(n: usize) -> String {
    let mut s = String::from("apiVersion: v1\nitems:\n");
    for i in 0..n {
        let name = format!("r{}", i / 3);
        let meta = |obj: &str, extra: &str| {
            format!(
                "  metadata:\n{extra}    creationTimestamp: '2026-11-30T10:00:00Z'\n    name: {obj}\n    namespace: data\n    resourceVersion: '{}'\n    uid: 6f1c0d2e-0000-4000-8000-{i:012}\n",
                1000 + i
            )
        };
        match i % 3 {
            0 => s.push_str(&format!("- apiVersion: v1\n  kind: Service\n{}  spec:\n    clusterIP: 10.96.0.12\n    ports:\n    - name: http\n      port: 8001\n      protocol: TCP\n      targetPort: http\n    selector:\n      airbyte: server\n    type: ClusterIP\n  status:\n    loadBalancer: {{}}\n", meta(&format!("{name}-airbyte-server-svc"), ""))),
            1 => s.push_str(&format!("- apiVersion: v1\n  kind: ConfigMap\n{}  data:\n    AIRBYTE_URL: https://{name}.example.com\n    AIRBYTE_VERSION: dev\n", meta(&format!("{name}-airbyte-env"), ""))),
            _ => s.push_str(&format!("- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n{}  spec:\n    ingressClassName: nginx\n    rules:\n    - host: {name}.example.com\n      http:\n        paths:\n        - backend:\n            service:\n              name: {name}-airbyte-server-svc\n              port:\n                number: 8001\n          path: /\n          pathType: Prefix\n    tls:\n    - hosts:\n      - {name}.example.com\n      secretName: {name}-tls\n  status:\n    loadBalancer: {{}}\n", meta(&name, "    annotations:\n      nginx.ingress.kubernetes.io/proxy-body-size: 16m\n      nginx.ingress.kubernetes.io/proxy-read-timeout: '600'\n      nginx.ingress.kubernetes.io/proxy-send-timeout: '600'\n"))),
        }
    }
    s.push_str("kind: List\nmetadata:\n  resourceVersion: ''\n");
    s
}

fn options(target: Option<Target>) -> RunOptions {
    RunOptions {
        inputs: ValueInputs {
            files: vec!["values.yaml".into()],
            ..Default::default()
        },
        release: "airbyte".into(),
        namespace: "airbyte".into(),
        chart: airbyte_ingress::plan::NEWEST_CHART,
        target,
        settings: target.map(|t| t.needed_settings()).unwrap_or_default(),
        wrappers: Default::default(),
        given: Default::default(),
    }
}

fn benches(c: &mut Criterion) {
    let sizes = [1usize, 100, 1000, 5000];
    let inputs: Vec<(usize, String)> = sizes.iter().map(|n| (*n, values_with_hosts(*n))).collect();

    let mut g = c.benchmark_group("load");
    for (n, text) in &inputs {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            b.iter(|| {
                parse_document(text.as_bytes(), "values.yaml", 0, &Limits::default())
                    .map(|d| d.documents)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("validate");
    for (n, text) in &inputs {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            let opts = options(None);
            b.iter(|| {
                let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
                check(&opts, &mut read).map(|c| c.findings.len())
            })
        });
    }
    g.finish();

    // the same values as a plain file, inside an Argo CD Application (`values: |`) and inside a
    // Terraform heredoc: reading a wrapper should cost about what reading its values costs
    let mut g = c.benchmark_group("wrapper");
    g.sample_size(20);
    for n in [1usize, 1000] {
        let plain = values_with_hosts(n);
        let indent =
            |pad: &str| -> String { plain.lines().map(|l| format!("{pad}{l}\n")).collect() };
        let argo = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: airbyte\nspec:\n  source:\n    repoURL: https://airbytehq.github.io/charts\n    chart: airbyte\n    targetRevision: 2.2.0\n    helm:\n      values: |\n{}  destination:\n    namespace: airbyte\n",
            indent("        ")
        );
        let tf = format!(
            "resource \"helm_release\" \"airbyte\" {{\n  name    = \"airbyte\"\n  chart   = \"airbyte\"\n  version = \"2.2.0\"\n  values = [\n    <<-EOT\n{}    EOT\n  ]\n}}\n",
            indent("      ")
        );
        for (kind, name, text) in [
            ("values", "values.yaml", plain.clone()),
            ("argocd", "app.yaml", argo),
            ("terraform", "main.tf", tf),
        ] {
            g.bench_with_input(BenchmarkId::new(kind, n), &text, |b, text| {
                let mut opts = options(None);
                opts.inputs.files = vec![name.into()];
                b.iter(|| {
                    let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
                    check(&opts, &mut read).map(|c| c.findings.len())
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("manifests");
    g.sample_size(20);
    for n in [20usize, 2000] {
        let text = kubectl_list(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            let opts = airbyte_ingress::ManifestOptions {
                files: vec!["list.yaml".into()],
                ..Default::default()
            };
            b.iter(|| {
                let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
                let mut sources = airbyte_ingress::values::Sources::default();
                airbyte_ingress::check_manifests(&opts, None, &mut sources, &mut read)
                    .map(|r| r.findings.len())
            })
        });
    }
    g.finish();

    // a release's render through post-render: the trimmed fixture, and the chart's whole render
    // (4,983 lines) when the shared conformance folder is beside the repository
    let mut g = c.benchmark_group("post-render");
    g.sample_size(20);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let streams = [
        (
            "fixture",
            root.join("fixtures/post-render/community-tls.yaml"),
        ),
        (
            "whole-chart",
            root.join("../shared/conformance/full-render/chart-2.2/01-community-tls/rendered.yaml"),
        ),
    ];
    for (name, path) in streams {
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        for t in [Target::Traefik, Target::GatewayApi] {
            let opts = airbyte_ingress::PostRenderOptions {
                target: t,
                settings: t.needed_settings(),
                namespace: None,
                limits: Default::default(),
                strict: false,
                chart: None,
            };
            g.bench_with_input(BenchmarkId::new(t.name(), name), &text, |b, text| {
                b.iter(|| {
                    airbyte_ingress::post_render(&opts, text).map(|r| r.output.map(|o| o.len()))
                })
            });
        }
    }
    g.finish();

    for t in Target::all() {
        let mut g = c.benchmark_group(format!("render/{}", t.name()));
        g.sample_size(20);
        for (n, text) in &inputs {
            g.throughput(Throughput::Elements(*n as u64));
            let opts = options(Some(*t));
            let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
            let checked = check(&opts, &mut read).expect("the generated values load");
            let plan = checked.plan.expect("the generated values are valid");
            g.bench_with_input(BenchmarkId::from_parameter(n), &plan, |b, plan| {
                b.iter(|| t.render(plan).map(|r| r.docs.len()))
            });
        }
        g.finish();
    }
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
