//! `alb`: the AWS Load Balancer Controller: IP targets (the server Service is ClusterIP), the health
//! check on `/api/v1/health`, an idle timeout for Airbyte, HTTPS with a redirect when there is a certificate.

use super::TargetOptions;
use super::ingress::{Effective, class_for, merge_annotations, render_one, values_tls};
use crate::plan::Plan;
use crate::render::Rendered;
use crate::rules::annotations::Family;

const CERT: &str = "alb.ingress.kubernetes.io/certificate-arn";

pub fn effective(plan: &Plan, opts: &TargetOptions) -> Effective {
    let mut defaults: Vec<(&str, String)> = vec![
        (
            "alb.ingress.kubernetes.io/scheme",
            opts.alb_scheme.clone().unwrap_or_else(|| "internal".into()),
        ),
        ("alb.ingress.kubernetes.io/target-type", "ip".into()),
        (
            "alb.ingress.kubernetes.io/healthcheck-path",
            "/api/v1/health".into(),
        ),
        ("alb.ingress.kubernetes.io/success-codes", "200".into()),
        // 240 s: minutes for Airbyte's checks, under the server's 300 s keep-alive
        (
            "alb.ingress.kubernetes.io/load-balancer-attributes",
            "idle_timeout.timeout_seconds=240".into(),
        ),
    ];
    if let Some(arn) = &opts.alb_certificate_arn {
        defaults.push((CERT, arn.clone()));
    }
    let (mut annotations, dropped) = merge_annotations(plan, &[Family::Alb], &defaults);
    // a certificate (given, or discovered from the TLS hosts) means HTTPS: listen on both ports and redirect
    if annotations.contains_key(CERT) || !plan.tls.is_empty() {
        annotations
            .entry("alb.ingress.kubernetes.io/listen-ports".into())
            .or_insert_with(|| r#"[{"HTTP": 80}, {"HTTPS": 443}]"#.into());
        annotations
            .entry("alb.ingress.kubernetes.io/ssl-redirect".into())
            .or_insert_with(|| "443".into());
    }
    Effective {
        ingress_api: true,
        class: class_for(plan, Family::Alb, "alb"),
        annotations,
        dropped,
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    let eff = effective(plan, opts);
    let discovered = !eff.annotations.contains_key(CERT) && !plan.tls.is_empty();
    let note = discovered.then_some("note: no `--alb-certificate-arn`: the controller discovers an ACM certificate from the TLS hosts");
    render_one(plan, &eff, values_tls(plan), note)
}
