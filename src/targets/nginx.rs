//! `nginx`: ingress-nginx, with Airbyte's timeouts and body size; TLS redirect matching the values.

use super::TargetOptions;
use super::ingress::{Effective, class_for, merge_annotations, render_one, values_tls};
use crate::plan::Plan;
use crate::render::Rendered;
use crate::rules::annotations::Family;

/// ingress-nginx settings for Airbyte, shared with the AKS application routing add-on (which runs it).
pub fn nginx_defaults(plan: &Plan) -> Vec<(&'static str, String)> {
    vec![
        ("nginx.ingress.kubernetes.io/proxy-body-size", "16m".into()),
        (
            "nginx.ingress.kubernetes.io/proxy-connect-timeout",
            "15".into(),
        ),
        (
            "nginx.ingress.kubernetes.io/proxy-read-timeout",
            "600".into(),
        ),
        (
            "nginx.ingress.kubernetes.io/proxy-send-timeout",
            "600".into(),
        ),
        (
            "nginx.ingress.kubernetes.io/ssl-redirect",
            (!plan.tls.is_empty()).to_string(),
        ),
    ]
}

pub fn effective(plan: &Plan, _opts: &TargetOptions) -> Effective {
    let (annotations, dropped) =
        merge_annotations(plan, &[Family::IngressNginx], &nginx_defaults(plan));
    Effective {
        ingress_api: true,
        class: class_for(plan, Family::IngressNginx, "nginx"),
        annotations,
        dropped,
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    let note = "note: ingress-nginx was retired in March 2026 (no more releases or security fixes); plan the move to Traefik or Gateway API";
    render_one(plan, &effective(plan, opts), values_tls(plan), Some(note))
}
