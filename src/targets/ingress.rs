//! The Ingress shared by every Ingress-API target: routes to Airbyte's Services, the target's
//! annotations under the user's, and annotations of other controllers left out and reported.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::{Backend, ChartLine, Plan, Port, Service};
use crate::render::{Document, Expected, render_docs};
use crate::rules::annotations::{Family, equivalent, families_for_class, family_of};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "ingress/ingress.yaml.j2",
    include_str!("../../templates/ingress/ingress.yaml.j2"),
)];

/// The context of `ingress/ingress.yaml.j2`.
#[derive(Clone, Debug, Serialize)]
pub struct IngressCtx {
    pub name: String,
    pub release: String,
    pub namespace: Option<String>,
    pub class: Option<String>,
    pub annotations: Vec<(String, String)>,
    pub tls: Vec<TlsCtx>,
    pub rules: Vec<RuleCtx>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TlsCtx {
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleCtx {
    pub host: String,
    pub paths: Vec<PathCtx>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PathCtx {
    pub path: String,
    pub path_type: Option<&'static str>,
    pub service: String,
    pub port_name: Option<&'static str>,
    pub port_number: Option<u16>,
}

impl PathCtx {
    fn new(path: &str, path_type: Option<&'static str>, s: &Service) -> PathCtx {
        let (port_name, port_number) = match s.port {
            Port::Name(n) => (Some(n), None),
            Port::Number(n) => (None, Some(n)),
        };
        PathCtx {
            path: path.to_string(),
            path_type,
            service: s.name.clone(),
            port_name,
            port_number,
        }
    }
}

/// An annotation of another controller, left out of a target's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub key: String,
    /// `None` for controller-neutral annotations that a CRD target cannot carry.
    pub family: Option<Family>,
    /// This target's way to do the same, when there is one.
    pub equivalent: Option<&'static str>,
}

/// What a bring-your-own target makes of the values: its class, its annotations (defaults under
/// the user's), and what it left out. Used both to render and to validate for the target.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// Whether the output is an Ingress whose annotations the controller reads.
    pub ingress_api: bool,
    pub class: String,
    pub annotations: BTreeMap<String, String>,
    pub dropped: Vec<Dropped>,
}

/// The values' class when it is one of this controller's, else the target's own.
pub fn class_for(plan: &Plan, family: Family, default: &str) -> String {
    match &plan.class {
        Some(c) if families_for_class(c).is_some_and(|f| f[0] == family) => c.clone(),
        _ => default.to_string(),
    }
}

/// The target's defaults first, then the user's annotations of the families it reads and
/// controller-neutral ones; others are dropped with this target's equivalent.
pub fn merge_annotations(
    plan: &Plan,
    reads: &[Family],
    defaults: &[(&str, String)],
) -> (BTreeMap<String, String>, Vec<Dropped>) {
    let mut map: BTreeMap<String, String> = defaults
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut dropped = Vec::new();
    for (key, value) in &plan.annotations {
        let Some(value) = value else { continue };
        if key == "kubernetes.io/ingress.class" {
            // the class goes in spec.ingressClassName; the deprecated annotation would contradict it
            continue;
        }
        match family_of(key) {
            Some(f) if !reads.contains(&f) => dropped.push(Dropped {
                key: key.clone(),
                family: Some(f),
                equivalent: equivalent(key, reads[0]),
            }),
            _ => {
                map.insert(key.clone(), value.clone());
            }
        }
    }
    (map, dropped)
}

/// Every annotation of the values, for targets whose objects carry none (IngressRoute, HTTPRoute).
/// What a target that carries no annotations does instead of the common ones.
pub struct Equivalents {
    /// For proxy read/send/request timeouts and idle timeouts.
    pub timeout: &'static str,
    /// For HTTP-to-HTTPS redirects.
    pub redirect: &'static str,
    /// For cert-manager issuers.
    pub issuer: &'static str,
}

/// Every annotation of the values, for targets whose objects carry none (IngressRoute, HTTPRoute,
/// haproxy.cfg); each with the target's way to do the same where one exists.
pub fn drop_all_annotations(plan: &Plan, eq: &Equivalents) -> Vec<Dropped> {
    plan.annotations
        .iter()
        .filter(|(k, v)| v.is_some() && k.as_str() != "kubernetes.io/ingress.class")
        .map(|(k, _)| {
            let equivalent = match k.rsplit('/').next().unwrap_or(k) {
                "proxy-read-timeout"
                | "proxy-send-timeout"
                | "timeout-server"
                | "request-timeout"
                | "load-balancer-attributes" => Some(eq.timeout),
                "ssl-redirect" | "force-ssl-redirect" => Some(eq.redirect),
                "cluster-issuer" | "issuer" => Some(eq.issuer),
                _ => None,
            };
            Dropped {
                key: k.clone(),
                family: family_of(k),
                equivalent,
            }
        })
        .collect()
}

/// One of Airbyte's routes: a path prefix, the Service behind it, and how specific it is.
#[derive(Clone, Debug)]
pub struct AirbytePath {
    pub path: &'static str,
    pub service: Service,
    /// Higher wins where a router orders by priority (Traefik): Keycloak's paths over `/`.
    pub priority: u32,
}

/// Airbyte's routes, most specific first (see [`airbyte_rules`]).
pub fn airbyte_paths(plan: &Plan) -> Vec<AirbytePath> {
    let mut out = Vec::new();
    if plan.is_enterprise() {
        let kc = plan.service(Backend::Keycloak, true);
        out.push(AirbytePath {
            path: "/auth/realms",
            service: kc.clone(),
            priority: 100,
        });
        out.push(AirbytePath {
            path: "/auth/resources",
            service: kc,
            priority: 100,
        });
    }
    if plan.line == ChartLine::V2_0 {
        out.push(AirbytePath {
            path: "/api/v1/connector_builder/",
            service: plan.service(Backend::ConnectorBuilder, true),
            priority: 90,
        });
    }
    out.push(AirbytePath {
        path: "/",
        service: plan.service(Backend::Server, true),
        priority: 10,
    });
    out
}

/// The TLS entries' hosts that the values also route, each with its Secret, in values order.
pub fn tls_hosts(plan: &Plan) -> Vec<(String, Option<String>)> {
    let index = crate::rules::url::HostIndex::new(plan.hosts.iter().map(|h| h.host.as_str()));
    let mut seen = foldhash::HashSet::default();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for t in &plan.tls {
        for h in &t.hosts {
            if index.overlaps(h) && seen.insert(crate::names::lowercase(h)) {
                out.push((h.clone(), t.secret_name.clone()));
            }
        }
    }
    out
}

/// The plan's hosts that `secure` (the hosts served over TLS) does not list, in the plan's order,
/// compared without case through a set so that thousands of hosts stay linear.
pub fn plain_hosts<'p>(plan: &'p Plan, secure: &[String]) -> Vec<&'p str> {
    let secure: foldhash::HashSet<_> = secure.iter().map(|h| crate::names::lowercase(h)).collect();
    plan.hosts
        .iter()
        .map(|h| h.host.as_str())
        .filter(|h| !secure.contains(&*crate::names::lowercase(h)))
        .collect()
}

/// Airbyte's routes on every host of the values: `/` to the server, the connector builder on
/// chart 2.0.18-2.0.19, and Keycloak's public paths for Enterprise (never all of `/auth`, which
/// would expose the admin console). Most specific first.
pub fn airbyte_rules(plan: &Plan) -> Vec<RuleCtx> {
    let paths: Vec<PathCtx> = airbyte_paths(plan)
        .iter()
        .map(|p| PathCtx::new(p.path, Some("Prefix"), &p.service))
        .collect();
    plan.hosts
        .iter()
        .map(|h| RuleCtx {
            host: h.host.clone(),
            paths: paths.clone(),
        })
        .collect()
}

/// The routes exactly as the values list them (the chart's own Ingress).
pub fn values_rules(plan: &Plan) -> Vec<RuleCtx> {
    plan.hosts
        .iter()
        .map(|h| RuleCtx {
            host: h.host.clone(),
            paths: h
                .routes
                .iter()
                .map(|r| PathCtx::new(&r.path, r.path_type.map(|p| p.as_str()), &r.service))
                .collect(),
        })
        .collect()
}

pub fn values_tls(plan: &Plan) -> Vec<TlsCtx> {
    plan.tls
        .iter()
        .map(|t| TlsCtx {
            hosts: t.hosts.clone(),
            secret_name: t.secret_name.clone(),
        })
        .collect()
}

/// A bring-your-own Ingress with Airbyte's routes.
pub fn byo_ingress(plan: &Plan, eff: &Effective, tls: Vec<TlsCtx>) -> IngressCtx {
    IngressCtx {
        name: plan.name.clone(),
        release: plan.release.clone(),
        namespace: Some(plan.namespace.clone()),
        class: Some(eff.class.clone()),
        annotations: eff
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        tls,
        rules: airbyte_rules(plan),
    }
}

/// The whole output of a single-Ingress target: the Ingress, and a note for stderr if any.
pub fn render_one(
    plan: &Plan,
    eff: &Effective,
    tls: Vec<TlsCtx>,
    note: Option<&str>,
) -> Result<crate::render::Rendered, String> {
    Ok(crate::render::Rendered {
        docs: render_ingress(&byo_ingress(plan, eff, tls))?,
        notes: note.map(str::to_string).into_iter().collect(),
        ..Default::default()
    })
}

pub fn render_ingress(ctx: &IngressCtx) -> Result<Vec<Document>, String> {
    let expected = [Expected {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        name: ctx.name.clone(),
    }];
    render_docs("ingress/ingress.yaml.j2", ctx, &expected)
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_hosts_keeps_the_plan_order_and_ignores_case() {
        let values = "global:\n  airbyteUrl: https://b.example.com\ningress:\n  enabled: true\n  hosts:\n    - host: a.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n    - host: b.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n    - host: c.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n";
        let opts = crate::test_options(None, Default::default());
        let mut read = |_: &str| Ok(values.as_bytes().to_vec());
        let plan = crate::check(&opts, &mut read).unwrap().plan.unwrap();
        let secure = vec!["B.Example.com".to_string()];
        assert_eq!(
            super::plain_hosts(&plan, &secure),
            ["a.example.com", "c.example.com"]
        );
        assert_eq!(super::plain_hosts(&plan, &[]).len(), 3);
    }
}
