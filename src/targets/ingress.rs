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
    pub family: Family,
    /// This target's way to do the same, when there is one.
    pub equivalent: Option<&'static str>,
}

/// What a bring-your-own target makes of the values: its class, its annotations (defaults under
/// the user's), and what it left out. Used both to render and to validate for the target.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
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
                family: f,
                equivalent: equivalent(key, reads[0]),
            }),
            _ => {
                map.insert(key.clone(), value.clone());
            }
        }
    }
    (map, dropped)
}

/// Airbyte's routes on every host of the values: `/` to the server, the connector builder on
/// chart 2.0.18-2.0.19, and Keycloak's public paths for Enterprise (never all of `/auth`, which
/// would expose the admin console). Most specific first.
pub fn airbyte_rules(plan: &Plan) -> Vec<RuleCtx> {
    let server = plan.service(Backend::Server, true);
    let mut extra: Vec<PathCtx> = Vec::new();
    if plan.is_enterprise() {
        let kc = plan.service(Backend::Keycloak, true);
        extra.push(PathCtx::new("/auth/realms", Some("Prefix"), &kc));
        extra.push(PathCtx::new("/auth/resources", Some("Prefix"), &kc));
    }
    if plan.line == ChartLine::V2_0 {
        extra.push(PathCtx::new(
            "/api/v1/connector_builder/",
            Some("Prefix"),
            &plan.service(Backend::ConnectorBuilder, true),
        ));
    }
    plan.hosts
        .iter()
        .map(|h| {
            let mut paths = extra.clone();
            paths.push(PathCtx::new("/", Some("Prefix"), &server));
            RuleCtx {
                host: h.host.clone(),
                paths,
            }
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

pub fn render_ingress(ctx: &IngressCtx) -> Result<Vec<Document>, String> {
    let expected = [Expected {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        name: ctx.name.clone(),
    }];
    render_docs("ingress/ingress.yaml.j2", ctx, &expected)
}
