//! Editions and lifecycles: Enterprise's Keycloak routes, and controllers at or near end of life.

use super::Ctx;
use super::annotations::{Family, effective_class, families_for_class};
use crate::findings::Severity;
use crate::values::Path;

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if !plan.enabled && plan.hosts.is_empty() {
        return;
    }
    let edition = plan.edition.to_ascii_lowercase();
    if (edition == "enterprise" || edition == "pro") && plan.enabled {
        let p = Path::parse("global.edition");
        ctx.push(
            "enterprise-auth-route",
            Severity::Warning,
            p,
            format!(
                "`global.edition: {}` needs `/auth/realms` and `/auth/resources` routed to `{}-airbyte-keycloak-svc:8180`, and the chart's Ingress routes only to the server",
                plan.edition, plan.release
            ),
            "render a bring-your-own ingress, which routes exactly those paths (not all of `/auth`, which would expose the Keycloak admin console): `airbyte-ingress render --target nginx|alb|aks|aks-agc|haproxy|traefik|gateway-api|haproxy-cfg`".into(),
        );
    }
    let Some(class) = effective_class(ctx) else {
        return;
    };
    let class_path = if plan.class.is_some() {
        Path::parse("ingress.className")
    } else {
        Path::parse("ingress.annotations").key("kubernetes.io/ingress.class")
    };
    let origin = ctx.origin(&class_path);
    if class.eq_ignore_ascii_case("webapprouting.kubernetes.azure.com") {
        ctx.push_at(
            "aks-nginx-eol",
            Severity::Info,
            class_path,
            origin,
            "the AKS application routing add-on's NGINX support ends in November 2026 (critical patches only)".into(),
            "move to application routing's Gateway API (GatewayClass `approuting-istio`) or to Application Gateway for Containers".into(),
        );
    } else if families_for_class(&class).is_some_and(|f| f[0] == Family::IngressNginx)
        && !plan
            .annotations
            .keys()
            .any(|k| k.starts_with("nginx.org/") || k.starts_with("nginx.com/"))
    {
        ctx.push_at(
            "ingress-nginx-retired",
            Severity::Info,
            class_path,
            origin,
            format!("the class `{class}` is served by ingress-nginx, which was retired in March 2026: no more releases or security fixes"),
            "plan the move to Gateway API or Traefik, or to your cloud's controller".into(),
        );
    }
}
