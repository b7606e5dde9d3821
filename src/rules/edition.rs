//! Editions and lifecycles: Enterprise's Keycloak routes, and controllers at or near end of life.

use super::Ctx;
use crate::airbyte;
use crate::controllers::{
    AKS_APP_ROUTING_CLASS, Family, effective_class, families_for_class, family_of,
};
use crate::findings::{Finding, Rule};
use crate::values::{Origin, Path};

/// The chart's Ingress routes only to the server; Enterprise with Keycloak needs Keycloak's public
/// paths.
pub fn enterprise_routes(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if !plan.keycloak {
        return;
    }
    let f = ctx.value(
        Rule::EnterpriseAuthRoute,
        Path::parse("global.edition"),
        format!(
            "`global.edition: {}` needs `/auth/realms` and `/auth/resources` routed to `{}-airbyte-keycloak-svc:8180`, and the chart's Ingress routes only to the server",
            plan.edition, plan.release
        ),
    );
    ctx.push(f.help("render a bring-your-own ingress, which routes exactly those paths (not all of `/auth`, which would expose the Keycloak admin console): `airbyte-ingress render --target nginx|alb|aks|aks-agc|haproxy|traefik|gateway-api|haproxy-cfg`"));
}

/// `global.edition` as the chart compares it (exactly), and Enterprise without its Keycloak: the
/// chart then renders no Keycloak Service, and no ingress routes `/auth`.
pub fn edition(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let edition = plan.edition.as_str();
    let edition_path = Path::parse("global.edition");
    if !airbyte::EDITIONS.contains(&edition) {
        let known = airbyte::EDITIONS
            .iter()
            .find(|e| e.eq_ignore_ascii_case(edition.trim()));
        let (why, help) = match (known, edition.to_ascii_lowercase().as_str()) {
            (Some(e), _) => (
                format!("the chart compares it exactly, so `{edition}` is not `{e}`"),
                format!("write `global.edition: {e}`"),
            ),
            (None, "pro") => (
                "`pro` was the V1 chart's name for Enterprise; the V2 chart knows `community` and `enterprise`".to_string(),
                "write `global.edition: enterprise`".to_string(),
            ),
            _ => (
                "the chart knows `community` (the default) and `enterprise`".to_string(),
                "write `global.edition: community` or `global.edition: enterprise`".to_string(),
            ),
        };
        let f = ctx.value(
            Rule::EditionUnknown,
            edition_path,
            format!("`global.edition: {edition}` is not an edition the chart knows: {why}; it runs neither Enterprise's Keycloak nor its Enterprise settings"),
        );
        ctx.push(f.help(help));
        return;
    }
    if edition != "community" && !plan.keycloak {
        let enabled = Path::parse("keycloak.enabled");
        let path = match ctx.root.at(&enabled) {
            Some(_) => enabled,
            None => edition_path,
        };
        let f = ctx.value(
            Rule::KeycloakOff,
            path,
            format!("`global.edition: {edition}` without `keycloak.enabled: true`: the chart renders no Keycloak Service, so no route goes to `/auth/realms` or `/auth/resources` and people sign in through the identity provider of `global.auth.identityProvider`"),
        );
        ctx.push(f.help("set `keycloak.enabled: true` if Airbyte's own Keycloak should serve the login pages; otherwise nothing needs to change"));
    }
}

/// Controllers at or near the end of their life, by the class that will be served.
pub fn lifecycle(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let (class, f5) = match &plan.byo {
        // a Gateway or IngressRoute target has no IngressClass (a GatewayClass named `nginx` is
        // not the retired controller)
        Some(byo) if !byo.effective.controller.ingress_api() => return,
        Some(byo) => (Some(byo.effective.class.as_str()), false),
        None => (
            effective_class(plan.class.as_deref(), &plan.annotations),
            plan.annotations
                .keys()
                .any(|k| family_of(k) == Some(Family::F5Nginx)),
        ),
    };
    let Some(class) = class else { return };
    let class_path = if plan.class.is_some() || plan.byo.is_some() {
        Path::parse("ingress.className")
    } else {
        Path::parse("ingress.annotations").key(crate::controllers::CLASS_ANNOTATION)
    };
    // a bring-your-own target's class is the values' only when it kept theirs
    let origin = match &plan.byo {
        Some(_) if plan.class.as_deref() != Some(class) => Origin::Command,
        _ => ctx.origin(&class_path),
    };
    if let Some((rule, message, help)) = lifecycle_of(class, f5) {
        ctx.push(Finding::new(rule, class_path, origin, message).help(help));
    }
}

/// The end-of-life news for a class's controller, if any: (rule, message, help). `f5` says the
/// annotations are the F5 NGINX controller's, which is not the retired one.
pub fn lifecycle_of(class: &str, f5: bool) -> Option<(Rule, String, &'static str)> {
    if class.eq_ignore_ascii_case(AKS_APP_ROUTING_CLASS) {
        Some((
            Rule::AksNginxEol,
            "the AKS application routing add-on's NGINX support ends in November 2026 (critical patches only)".into(),
            "move to application routing's Gateway API (GatewayClass `approuting-istio`) or to Application Gateway for Containers",
        ))
    } else if families_for_class(class).is_some_and(|f| f[0] == Family::IngressNginx) && !f5 {
        Some((
            Rule::IngressNginxRetired,
            format!(
                "the class `{class}` is served by ingress-nginx, which was retired in March 2026: no more releases or security fixes"
            ),
            "plan the move to Gateway API or Traefik, or to your cloud's controller",
        ))
    } else {
        None
    }
}
