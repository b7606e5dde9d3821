//! `haproxy`: the HAProxy Kubernetes Ingress Controller (haproxytech), with only Ingress-scope
//! annotations; the client timeout is controller-wide and said on stderr.

use super::TargetOptions;
use super::ingress::{Effective, class_for, merge_annotations, render_one, values_tls};
use crate::plan::Plan;
use crate::render::Rendered;
use crate::rules::annotations::Family;

pub fn effective(plan: &Plan, _opts: &TargetOptions) -> Effective {
    let mut defaults: Vec<(&str, String)> = vec![
        ("haproxy.org/timeout-server", "600s".into()),
        ("haproxy.org/check", "true".into()),
        ("haproxy.org/check-http", "/api/v1/health".into()),
        ("haproxy.org/forwarded-for", "true".into()),
    ];
    if !plan.tls.is_empty() {
        defaults.push(("haproxy.org/ssl-redirect", "true".into()));
    }
    let (annotations, dropped) = merge_annotations(plan, &[Family::Haproxy], &defaults);
    Effective {
        ingress_api: true,
        class: class_for(plan, Family::Haproxy, "haproxy"),
        annotations,
        dropped,
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    let note = "note: HAProxy's client timeout is controller-wide: set `timeout-client: 600s` (and `timeout-http-request: 10s`) in the controller's ConfigMap; it is not an Ingress annotation";
    render_one(plan, &effective(plan, opts), values_tls(plan), Some(note))
}
