//! `nginx`: ingress-nginx, with Airbyte's timeouts and body size; TLS redirect matching the values.

use super::TargetOptions;
use super::ingress::{
    Effective, byo_ingress, class_for, merge_annotations, render_ingress, values_tls,
};
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
    let eff = effective(plan, opts);
    let mut r = Rendered {
        docs: render_ingress(&byo_ingress(plan, &eff, values_tls(plan)))?,
        ..Rendered::default()
    };
    r.notes.push(
        "note: ingress-nginx was retired in March 2026 (no more releases or security fixes); plan the move to Traefik or Gateway API".into(),
    );
    Ok(r)
}
