//! `aks`: the AKS application routing add-on (managed ingress-nginx), with Airbyte's NGINX settings
//! and an optional Key Vault certificate.

use super::ingress::{TlsCtx, byo_ingress, render_ingress, tls_ctx};
use crate::controllers::AKS_KEYVAULT;
use crate::plan::{Byo, Plan};
use crate::render::{RenderError, Rendered};

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    // with a Key Vault certificate the add-on writes it to the Secret `keyvault-<ingress name>`
    let tls = if byo.effective.annotations.contains_key(AKS_KEYVAULT) {
        vec![TlsCtx {
            hosts: byo.hosts.clone(),
            secret_name: Some(format!("keyvault-{}", plan.name)),
        }]
    } else {
        tls_ctx(&byo.tls)
    };
    Ok(Rendered {
        docs: render_ingress(&byo_ingress(plan, byo, tls))?,
        file: None,
    })
}
