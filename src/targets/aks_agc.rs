//! `aks-agc`: Application Gateway for Containers through the Ingress API: the Ingress, an
//! IngressExtension with Airbyte's request timeout, a HealthCheckPolicy on `/api/v1/health`, and with
//! TLS an HTTP Ingress whose IngressExtension redirects to HTTPS, as Microsoft documents it.

use serde::Serialize;

use super::TargetOptions;
use super::ingress::{Effective, byo_ingress, merge_annotations, render_ingress, values_tls};
use crate::plan::{Backend, ChartLine, Plan};
use crate::render::{Expected, Rendered, render_docs};
use crate::rules::annotations::Family;

pub const CLASS: &str = "azure-alb-external";
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "aks-agc/ingressextension.yaml.j2",
        include_str!("../../templates/aks-agc/ingressextension.yaml.j2"),
    ),
    (
        "aks-agc/healthcheckpolicy.yaml.j2",
        include_str!("../../templates/aks-agc/healthcheckpolicy.yaml.j2"),
    ),
];
const EXT: &str = "alb.networking.azure.io/alb-ingress-extension";

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
    request_timeout: &'static str,
}

#[derive(Serialize)]
struct HealthCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    service: String,
    port: u16,
}

/// `--agc-alb-name` with `--agc-alb-namespace`, or `--agc-alb-id`, or the same annotations in the values.
pub fn check_options(plan: &Plan, opts: &TargetOptions) -> Result<(), String> {
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

pub fn effective(plan: &Plan, opts: &TargetOptions) -> Effective {
    let mut defaults: Vec<(&str, String)> = vec![(EXT, plan.name.clone())];
    if let Some(n) = &opts.agc_alb_name {
        defaults.push(("alb.networking.azure.io/alb-name", n.clone()));
    }
    if let Some(n) = &opts.agc_alb_namespace {
        defaults.push(("alb.networking.azure.io/alb-namespace", n.clone()));
    }
    if let Some(id) = &opts.agc_alb_id {
        defaults.push(("alb.networking.azure.io/alb-id", id.clone()));
    }
    let (annotations, dropped) = merge_annotations(plan, &[Family::Agc], &defaults);
    Effective {
        ingress_api: true,
        class: CLASS.into(),
        annotations,
        dropped,
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    check_options(plan, opts)?;
    let eff = effective(plan, opts);
    let ns = plan.namespace.as_str();
    let mut r = Rendered::default();
    let main = byo_ingress(plan, &eff, values_tls(plan));
    r.docs.extend(render_ingress(&main)?);

    let mut backends = vec![plan.service(Backend::Server, true)];
    if plan.is_enterprise() {
        backends.push(plan.service(Backend::Keycloak, true));
    }
    if plan.line == ChartLine::V2_0 {
        backends.push(plan.service(Backend::ConnectorBuilder, true));
    }
    let ext_name = eff
        .annotations
        .get(EXT)
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
                request_timeout: "600s",
            })
            .collect(),
        redirects: Vec::new(),
    };
    r.docs.extend(render_docs(
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
    };
    r.docs.extend(render_docs(
        "aks-agc/healthcheckpolicy.yaml.j2",
        &health,
        &[expected("HealthCheckPolicy", &health.name)],
    )?);

    if !plan.tls.is_empty() {
        // HTTP listener: an Ingress without TLS whose extension redirects every host to HTTPS
        let redirect_name = format!("{}-http-redirect", plan.name);
        let mut http = main.clone();
        http.name = redirect_name.clone();
        http.tls = Vec::new();
        for (k, v) in http.annotations.iter_mut() {
            if k == EXT {
                *v = redirect_name.clone();
            }
        }
        r.docs.extend(render_ingress(&http)?);
        let redirect = ExtCtx {
            name: redirect_name.clone(),
            namespace: ns,
            release: &plan.release,
            backends: Vec::new(),
            redirects: plan.hosts.iter().map(|h| h.host.as_str()).collect(),
        };
        r.docs.extend(render_docs(
            "aks-agc/ingressextension.yaml.j2",
            &redirect,
            &[expected("IngressExtension", &redirect_name)],
        )?);
    }
    Ok(r)
}

fn expected(kind: &'static str, name: &str) -> Expected {
    Expected {
        api_version: "alb.networking.azure.io/v1",
        kind,
        name: name.to_string(),
    }
}
