//! Annotations: valid keys and class names, no null values, no dangerous snippets, the right
//! controller family for the class, and timeouts, body size and target type at Airbyte's floors on
//! what will be served (the chart Ingress's own, or a bring-your-own target's).

use super::Ctx;
use crate::controllers::{
    CLASS_ANNOTATION, Family, effective_class, equivalent, families_for_class, family_of,
    floors::{self, Annotations},
    keys,
};
use crate::findings::{Finding, Rule};
use crate::names::{dns_subdomain_ok, qualified_name_ok};
use crate::values::Path;

use crate::controllers::NGINX_SNIPPETS as CRITICAL_SNIPPETS;
const HIGH_RISK: &[&str] = &[
    "auth-url",
    "auth-signin",
    "auth-tls-match-cn",
    "auth-tls-error-page",
    "mirror-target",
    "mirror-host",
    "server-alias",
    "proxy-ssl-name",
    "upstream-hash-by",
];

fn ann_path() -> Path {
    Path::parse("ingress.annotations")
}

/// Where the class that picks the controller is set: `className`, else the deprecated annotation.
fn class_path(ctx: &Ctx) -> Path {
    if ctx.plan.class.is_some() {
        Path::parse("ingress.className")
    } else {
        ann_path().key(CLASS_ANNOTATION)
    }
}

/// `null` annotation values, which Helm keeps and the API server stores as empty strings.
pub fn null_values(ctx: &mut Ctx) {
    for (key, value) in &ctx.plan.annotations {
        if value.is_none() {
            let f = ctx.value(
                Rule::AnnotationNull,
                ann_path().key(key),
                format!("annotation `{key}` is `null`: Helm keeps the key and the API server stores it as an empty string"),
            );
            ctx.push(f.help("delete the key from the values file that sets it, or give it a string value; the rendered manifests leave it out"));
        }
    }
}

/// Names the API server checks: annotation keys and the IngressClass name.
pub fn check_names(ctx: &mut Ctx) {
    let plan = ctx.plan;
    for key in plan.annotations.keys() {
        if !qualified_name_ok(key) {
            let f = ctx.key(
                Rule::AnnotationKeyInvalid,
                ann_path().key(key),
                format!("annotation key `{key}` is not a valid Kubernetes key: the API server rejects the Ingress"),
            );
            ctx.push(f.help("write `prefix.example.com/name`: a DNS prefix, `/`, and a name of letters, digits, `-`, `_` and `.`"));
        }
    }
    if let Some(class) = &plan.class
        && !dns_subdomain_ok(class)
    {
        let f = ctx.value(
            Rule::ClassInvalid,
            Path::parse("ingress.className"),
            format!("`className` `{class}` is not a valid IngressClass name (lowercase letters, digits, `-` and `.`)"),
        );
        ctx.push(f.help(
            "use the name of an IngressClass in the cluster, e.g. `nginx`, `alb`, `traefik`",
        ));
    }
}

/// The deprecated class annotation, and ingress-nginx annotations that are dangerous whatever
/// the controller: they reach the output whenever the target reads ingress-nginx's annotations.
pub fn check_risks(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if let Some(Some(legacy)) = plan.annotations.get(CLASS_ANNOTATION) {
        let (msg, help) = match &plan.class {
            Some(c) => (
                format!(
                    "both `className: {c}` and the deprecated annotation `{CLASS_ANNOTATION}: {legacy}` are set; controllers disagree about which wins"
                ),
                "delete the annotation; `className` is the field".to_string(),
            ),
            None => (
                format!(
                    "the class is set with the deprecated annotation `{CLASS_ANNOTATION}: {legacy}`"
                ),
                format!("use `ingress.className: {legacy}` and delete the annotation"),
            ),
        };
        let f = ctx.value(
            Rule::ClassAnnotationDeprecated,
            ann_path().key(CLASS_ANNOTATION),
            msg,
        );
        ctx.push(f.help(help));
    }
    for key in plan.annotations.keys() {
        if let Some((rule, message, help)) = risk(key) {
            let f = ctx.key(rule, ann_path().key(key), message).help(help);
            ctx.push(f);
        }
    }
}

/// What is wrong with an annotation whatever its value: ingress-nginx snippets (Critical),
/// High-risk keys, and `rewrite-target` on Airbyte's routes. (rule, message, help).
pub(super) fn risk(key: &str) -> Option<(Rule, String, &'static str)> {
    if crate::controllers::is_snippet(key) && !key.starts_with("nginx.ingress.kubernetes.io/") {
        return Some((
            Rule::SnippetCritical,
            format!(
                "annotation `{key}` injects raw HAProxy configuration: whoever can edit the Ingress can change the proxy for every route it serves, and no other controller reads it"
            ),
            "remove it and use the controller's dedicated annotations (`timeout-server`, `check-http`, ...)",
        ));
    }
    let name = key.strip_prefix("nginx.ingress.kubernetes.io/")?;
    Some(if CRITICAL_SNIPPETS.contains(&name) {
        (
            Rule::SnippetCritical,
            format!(
                "annotation `{key}` injects raw NGINX configuration: ingress-nginx rates it Critical, rejects it by default since v1.12, and snippets were the path of the IngressNightmare CVEs"
            ),
            "remove it and use the dedicated annotation for what it did (timeouts, body size, headers)",
        )
    } else if HIGH_RISK.contains(&name) {
        (
            Rule::AnnotationHighRisk,
            format!(
                "annotation `{key}` is rated High risk by ingress-nginx (configuration injection, CVE-2025-1097/1098/24514 class)"
            ),
            "keep it only if you need it and run ingress-nginx v1.11.5/v1.12.1 or later",
        )
    } else if name == "rewrite-target" {
        (
            Rule::RewriteTarget,
            format!(
                "annotation `{key}` rewrites request paths: Airbyte's UI and API expect their own paths and break when they are rewritten"
            ),
            "remove it; route `/` to the server unchanged",
        )
    } else if name == "app-root" {
        (
            Rule::RewriteTarget,
            format!(
                "annotation `{key}` redirects `/` to another path: Airbyte's UI is served from `/` and its own links go there"
            ),
            "remove it; Airbyte is served from the root of its host",
        )
    } else {
        return None;
    })
}

/// The chart's Ingress with no class at all: only a default IngressClass makes a controller take
/// it (the API server writes the default's name into it at creation; ingress-nginx otherwise
/// ignores it unless started with `--watch-ingress-without-class`).
pub fn class_missing(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if effective_class(plan.class.as_deref(), &plan.annotations).is_some() {
        return;
    }
    let f = ctx.value(
        Rule::ClassMissing,
        Path::parse("ingress.enabled"),
        "the chart's Ingress names no class (`ingress.className`): only the cluster's default IngressClass, if there is one, makes a controller serve it, and nothing checks that controller's settings; if it is ingress-nginx, its defaults answer 504 after 60 s and 413 above 1m",
    );
    ctx.push(f.help("set `ingress.className` (e.g. `nginx`, `alb`, `traefik`) and that controller's timeouts and body size in `ingress.annotations`"));
}

/// The served class and annotations: the right family for the class, and Airbyte's floors.
pub fn check_served(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let (class, served) = match &plan.byo {
        Some(byo) if !byo.effective.controller.ingress_api() => return,
        Some(byo) => (
            Some(byo.effective.class.as_str()),
            Annotations::Plain(&byo.effective.annotations),
        ),
        None => (
            effective_class(plan.class.as_deref(), &plan.annotations),
            Annotations::Values(&plan.annotations),
        ),
    };
    let Some((class, families)) = class.and_then(|c| families_for_class(c).map(|f| (c, f))) else {
        return;
    };
    let primary = families[0];
    if plan.byo.is_none() {
        family_mismatch(ctx, class, families);
    }
    let class_path = class_path(ctx);
    let verdicts = floors::judge(primary, served, &plan.intent)
        .into_iter()
        .chain(keys::judge(primary, served));
    for v in verdicts {
        let p = ann_path().key(&v.key);
        // a key that does nothing is blamed on the key; a value the user wrote (or overrode)
        // there; a missing one on the class that chose the controller whose default applies
        let origin = if v.on_key {
            ctx.key_origin(&p)
        } else if v.set {
            ctx.origin(&p)
        } else {
            ctx.origin(&class_path)
        };
        ctx.push(Finding::new(v.rule, p, origin, v.message).help(v.help));
    }
}

fn family_mismatch(ctx: &mut Ctx, class: &str, fits: &[Family]) {
    let plan = ctx.plan;
    for key in plan.annotations.keys() {
        let Some(fam) = family_of(key) else { continue };
        if fits.contains(&fam) {
            continue;
        }
        let target_family = fits[0];
        // the class reads the user's annotations only: none of its own is set for them
        let eq = equivalent(key, target_family, &plan.intent, &|_| false)
            .map(|e| format!("; the equivalent for this class is {e}"))
            .unwrap_or_default();
        let f = ctx.key(
            Rule::AnnotationFamilyMismatch,
            ann_path().key(key),
            format!(
                "annotation `{key}` is for {}, but the class `{class}` belongs to {}, which ignores it",
                fam.controller(),
                target_family.controller()
            ),
        );
        ctx.push(f.help(format!("remove it{eq}")));
    }
}
