//! `aks-agc`: Application Gateway for Containers through the Ingress API: the Ingress, an
//! IngressExtension with Airbyte's request timeout, a HealthCheckPolicy on `/api/v1/health`, and with
//! TLS an HTTP Ingress whose IngressExtension redirects to HTTPS, as Microsoft documents it.

use super::SettingsError;
use serde::Serialize;

use super::ingress::{byo_ingress, render_ingress, tls_ctx};
use crate::controllers::{AGC_EXTENSION, Settings};
use crate::plan::{Backend, Byo, ChartLine, Plan};
use crate::render::{Expected, RenderError, Rendered, Templates, render_docs};

pub const TEMPLATES: Templates = &[
    (
        "aks-agc/ingressextension.yaml.j2",
        include_str!("../../templates/aks-agc/ingressextension.yaml.j2"),
    ),
    (
        "aks-agc/healthcheckpolicy.yaml.j2",
        include_str!("../../templates/aks-agc/healthcheckpolicy.yaml.j2"),
    ),
];

#[derive(Serialize)]
struct ExtCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    backends: Vec<BackendCtx>,
    redirects: Vec<&'a str>,
}

#[derive(Serialize)]
struct BackendCtx {
    service: String,
    port: u16,
    request_timeout: String,
}

#[derive(Serialize)]
struct HealthCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    service: String,
    port: u16,
    path: &'static str,
}

/// `--agc-alb-name` with `--agc-alb-namespace`, or `--agc-alb-id`, or the same annotations in the values.
pub fn check_settings(plan: &Plan, opts: &Settings) -> Result<(), SettingsError> {
    let has = |k: &str| plan.annotations.get(k).is_some_and(|v| v.is_some());
    let managed = opts.agc_alb_name.is_some() || has("alb.networking.azure.io/alb-name");
    let managed_ns =
        opts.agc_alb_namespace.is_some() || has("alb.networking.azure.io/alb-namespace");
    let byo = opts.agc_alb_id.is_some() || has("alb.networking.azure.io/alb-id");
    if byo && (managed || managed_ns) {
        return Err("`--agc-alb-id` names an Application Gateway for Containers of your own; do not combine it with `--agc-alb-name`/`--agc-alb-namespace`".into());
    }
    if !(byo || managed && managed_ns) {
        return Err("the aks-agc target needs the Application Gateway for Containers: `--agc-alb-name NAME --agc-alb-namespace NS` (managed by the ALB controller) or `--agc-alb-id ARM_ID` (your own)".into());
    }
    Ok(())
}

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    let ns = plan.namespace.as_str();
    let mut r = Rendered::default();
    let main = byo_ingress(plan, byo, tls_ctx(&byo.tls));
    r.docs.extend(render_ingress(&main)?);

    let mut backends = vec![plan.service(Backend::Server, true)];
    if plan.keycloak {
        backends.push(plan.service(Backend::Keycloak, true));
    }
    if plan.line == ChartLine::V2_0 {
        backends.push(plan.service(Backend::ConnectorBuilder, true));
    }
    let ext_name = byo
        .effective
        .annotations
        .get(AGC_EXTENSION)
        .cloned()
        .unwrap_or_else(|| plan.name.clone());
    let ext = ExtCtx {
        name: ext_name.clone(),
        namespace: ns,
        release: &plan.release,
        backends: backends
            .iter()
            .map(|s| BackendCtx {
                service: s.name.clone(),
                port: s.number,
                request_timeout: plan.intent.request_timeout(),
            })
            .collect(),
        redirects: Vec::new(),
    };
    r.docs.extend(render_docs(
        TEMPLATES,
        "aks-agc/ingressextension.yaml.j2",
        &ext,
        &[expected("IngressExtension", &ext_name)],
    )?);

    let server = plan.service(Backend::Server, true);
    let health = HealthCtx {
        name: format!("{}-server", plan.name),
        namespace: ns,
        release: &plan.release,
        service: server.name,
        port: server.number,
        path: plan.intent.health_path,
    };
    r.docs.extend(render_docs(
        TEMPLATES,
        "aks-agc/healthcheckpolicy.yaml.j2",
        &health,
        &[expected("HealthCheckPolicy", &health.name)],
    )?);

    if !byo.tls.is_empty() {
        // HTTP listener: an Ingress without TLS whose extension redirects every host to HTTPS
        let redirect_name = format!("{}-http-redirect", plan.name);
        let mut http = main.clone();
        http.name = redirect_name.clone();
        http.tls = Vec::new();
        for (k, v) in http.annotations.iter_mut() {
            if k == AGC_EXTENSION {
                *v = redirect_name.clone();
            }
        }
        r.docs.extend(render_ingress(&http)?);
        let redirect = ExtCtx {
            name: redirect_name.clone(),
            namespace: ns,
            release: &plan.release,
            backends: Vec::new(),
            redirects: byo.hosts.iter().map(String::as_str).collect(),
        };
        r.docs.extend(render_docs(
            TEMPLATES,
            "aks-agc/ingressextension.yaml.j2",
            &redirect,
            &[expected("IngressExtension", &redirect_name)],
        )?);
    }
    Ok(r)
}

fn expected(kind: &'static str, name: &str) -> Expected {
    Expected::new("alb.networking.azure.io/v1", kind, name)
}
