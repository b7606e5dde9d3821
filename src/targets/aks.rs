//! `aks`: the AKS application routing add-on (managed ingress-nginx), with Airbyte's NGINX settings
//! and an optional Key Vault certificate.

use super::TargetOptions;
use super::ingress::{Effective, TlsCtx, merge_annotations, render_one, values_tls};
use super::nginx::nginx_defaults;
use crate::plan::Plan;
use crate::render::Rendered;
use crate::rules::annotations::Family;

pub const CLASS: &str = "webapprouting.kubernetes.azure.com";
const KEYVAULT: &str = "kubernetes.azure.com/tls-cert-keyvault-uri";

pub fn effective(plan: &Plan, opts: &TargetOptions) -> Effective {
    let mut defaults = nginx_defaults(plan);
    if let Some(uri) = &opts.aks_keyvault_cert_uri {
        defaults.push((KEYVAULT, uri.clone()));
        defaults.retain(|(k, _)| *k != "nginx.ingress.kubernetes.io/ssl-redirect");
        defaults.push(("nginx.ingress.kubernetes.io/ssl-redirect", "true".into()));
    }
    let (annotations, dropped) = merge_annotations(
        plan,
        &[Family::IngressNginx, Family::AksAppRouting],
        &defaults,
    );
    Effective {
        ingress_api: true,
        class: CLASS.into(),
        annotations,
        dropped,
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    let eff = effective(plan, opts);
    // with a Key Vault certificate the add-on writes it to the Secret `keyvault-<ingress name>`
    let tls = if eff.annotations.contains_key(KEYVAULT) {
        vec![TlsCtx {
            hosts: plan.hosts.iter().map(|h| h.host.clone()).collect(),
            secret_name: Some(format!("keyvault-{}", plan.name)),
        }]
    } else {
        values_tls(plan)
    };
    let note = "note: the application routing add-on's NGINX support ends in November 2026; application routing's Gateway API (GatewayClass `approuting-istio`) is the way forward";
    render_one(plan, &eff, tls, Some(note))
}
