//! `chart`: the Ingress the Airbyte chart's `templates/ingress.yaml` renders, field for field.

use serde::Serialize;

use super::TargetOptions;
use crate::plan::{ChartLine, Plan, Port};
use crate::render::{Expected, Rendered, render_docs};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "chart/ingress.yaml.j2",
    include_str!("../../templates/chart/ingress.yaml.j2"),
)];

#[derive(Serialize)]
struct Ctx<'a> {
    name: &'a str,
    release: &'a str,
    /// Chart 2.1+ sets `metadata.namespace`; 2.0.18-2.0.19 leave it to the client.
    namespace: Option<&'a str>,
    class: Option<&'a str>,
    annotations: Vec<(&'a str, &'a str)>,
    tls: Vec<CtxTls<'a>>,
    rules: Vec<CtxRule<'a>>,
    version: &'static str,
}

#[derive(Serialize)]
struct CtxTls<'a> {
    hosts: &'a [String],
    secret_name: Option<&'a str>,
}

#[derive(Serialize)]
struct CtxRule<'a> {
    host: &'a str,
    paths: Vec<CtxPath<'a>>,
}

#[derive(Serialize)]
struct CtxPath<'a> {
    path: &'a str,
    path_type: Option<&'static str>,
    service: &'a str,
    port_name: Option<&'static str>,
    port_number: Option<u16>,
}

pub fn render(plan: &Plan, _opts: &TargetOptions) -> Result<Rendered, String> {
    let mut rendered = Rendered::default();
    if !plan.enabled {
        rendered.notes.push(
            "nothing to render: `ingress.enabled` is not true, so the chart renders no Ingress (set `ingress.enabled: true`)".into(),
        );
        return Ok(rendered);
    }
    let ctx = Ctx {
        name: &plan.name,
        release: &plan.release,
        namespace: (plan.line == ChartLine::V2_1).then_some(plan.namespace.as_str()),
        class: plan.class.as_deref(),
        // null annotations are dropped: the API server would store them as empty strings
        annotations: plan
            .annotations
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k.as_str(), v)))
            .collect(),
        tls: plan
            .tls
            .iter()
            .map(|t| CtxTls {
                hosts: &t.hosts,
                secret_name: t.secret_name.as_deref(),
            })
            .collect(),
        rules: plan
            .hosts
            .iter()
            .map(|h| CtxRule {
                host: &h.host,
                paths: h
                    .routes
                    .iter()
                    .map(|r| CtxPath {
                        path: &r.path,
                        path_type: r.path_type.map(|p| p.as_str()),
                        service: &r.service.name,
                        port_name: match r.service.port {
                            Port::Name(n) => Some(n),
                            Port::Number(_) => None,
                        },
                        port_number: match r.service.port {
                            Port::Number(n) => Some(n),
                            Port::Name(_) => None,
                        },
                    })
                    .collect(),
            })
            .collect(),
        version: env!("CARGO_PKG_VERSION"),
    };
    let expected = [Expected {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        name: plan.name.clone(),
    }];
    rendered.docs = render_docs("chart/ingress.yaml.j2", &ctx, &expected)?;
    Ok(rendered)
}
