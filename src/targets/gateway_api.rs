//! `gateway-api`: Gateway API v1 (standard channel). A Gateway of our own (HTTP, and HTTPS per TLS
//! host) or routes attached to an existing Gateway; HTTPRoutes with Airbyte's routes and a request
//! timeout; with TLS an HTTP-to-HTTPS redirect; a ReferenceGrant when the Gateway lives elsewhere.
//! With `--gateway-class approuting-istio` and a Key Vault certificate, AKS application routing's
//! listener `tls.options`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::TargetOptions;
use super::ingress::{
    Effective, Equivalents, airbyte_paths, drop_all_annotations, plain_hosts, tls_hosts,
};
use crate::plan::Plan;
use crate::render::{Expected, Rendered, render_docs};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "gateway-api/gateway.yaml.j2",
        include_str!("../../templates/gateway-api/gateway.yaml.j2"),
    ),
    (
        "gateway-api/httproute.yaml.j2",
        include_str!("../../templates/gateway-api/httproute.yaml.j2"),
    ),
    (
        "gateway-api/referencegrant.yaml.j2",
        include_str!("../../templates/gateway-api/referencegrant.yaml.j2"),
    ),
];
pub const AKS_CLASS: &str = "approuting-istio";
/// Gateway API Durations take a unit; 600s covers Airbyte's checks and discovers.
const REQUEST_TIMEOUT: &str = "600s";

#[derive(Serialize)]
struct ListenerCtx {
    name: String,
    hostname: Option<String>,
    port: u16,
    protocol: &'static str,
    tls: bool,
    cert_refs: Vec<CertRef>,
    options: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct CertRef {
    name: String,
    namespace: Option<String>,
}

#[derive(Serialize)]
struct GatewayCtx<'a> {
    name: String,
    namespace: String,
    release: &'a str,
    class: String,
    listeners: Vec<ListenerCtx>,
    /// The routes' namespace when it is not the Gateway's.
    routes_namespace: Option<String>,
}

#[derive(Clone, Serialize)]
struct ParentCtx {
    name: String,
    namespace: Option<String>,
    section: Option<String>,
}

#[derive(Serialize)]
struct RuleCtx {
    path: &'static str,
    service: String,
    port: u16,
    timeout: &'static str,
}

#[derive(Serialize)]
struct RouteCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    parents: Vec<ParentCtx>,
    hostnames: Vec<String>,
    redirect: bool,
    rules: Vec<RuleCtx>,
}

#[derive(Serialize)]
struct GrantCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    from_namespace: String,
    secrets: Vec<String>,
}

pub fn check_options(_plan: &Plan, opts: &TargetOptions) -> Result<(), String> {
    match (&opts.gateway_class, &opts.gateway_name) {
        (None, None) => Err("the gateway-api target needs `--gateway-class CLASS` to render a Gateway, or `--gateway-name NAME` to attach to an existing one".into()),
        (Some(_), Some(_)) => Err("`--gateway-class` renders a Gateway and `--gateway-name` attaches to an existing one: give one of them".into()),
        _ if opts.aks_keyvault_cert_uri.is_some() && opts.gateway_class.as_deref() != Some(AKS_CLASS) => {
            Err(format!("`--aks-keyvault-cert-uri` goes with `--gateway-class {AKS_CLASS}` (AKS application routing's Gateway API)"))
        }
        _ if opts.gateway_section.is_some() && opts.gateway_name.is_none() => Err("`--gateway-section` names a listener of an existing Gateway (`--gateway-name`)".into()),
        _ => Ok(()),
    }
}

pub fn effective(plan: &Plan, opts: &TargetOptions) -> Effective {
    let class = opts
        .gateway_class
        .clone()
        .unwrap_or_else(|| "gateway".into());
    Effective {
        ingress_api: false,
        class,
        annotations: Default::default(),
        dropped: drop_all_annotations(
            plan,
            &Equivalents {
                timeout: "the HTTPRoute's `timeouts.request: 600s`, which this target renders",
                redirect: "the redirect HTTPRoute this target renders with TLS",
                issuer: "cert-manager's Gateway API support (`cert-manager.io/cluster-issuer` on the Gateway)",
            },
        ),
    }
}

pub fn render(plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
    check_options(plan, opts)?;
    let ns = plan.namespace.as_str();
    let release = plan.release.as_str();
    let rules: Vec<RuleCtx> = airbyte_paths(plan)
        .into_iter()
        .map(|p| RuleCtx {
            path: p.path,
            service: p.service.name,
            port: p.service.number,
            timeout: REQUEST_TIMEOUT,
        })
        .collect();
    let all_hosts: Vec<String> = plan.hosts.iter().map(|h| h.host.clone()).collect();
    let mut r = Rendered::default();
    let route = |name: String,
                 parents: Vec<ParentCtx>,
                 hostnames: Vec<String>,
                 redirect: bool,
                 rules: Vec<RuleCtx>| RouteCtx {
        name,
        namespace: ns,
        release,
        parents,
        hostnames,
        redirect,
        rules,
    };
    let route_doc = |ctx: &RouteCtx| {
        render_docs(
            "gateway-api/httproute.yaml.j2",
            ctx,
            &[expected("HTTPRoute", &ctx.name)],
        )
    };

    if let Some(gw) = &opts.gateway_name {
        // attach to a Gateway someone else runs
        let parent = ParentCtx {
            name: gw.clone(),
            namespace: opts.gateway_namespace.clone().filter(|g| g != ns),
            section: opts.gateway_section.clone(),
        };
        r.docs.extend(route_doc(&route(
            plan.name.clone(),
            vec![parent],
            all_hosts,
            false,
            rules,
        ))?);
        r.notes.push(format!(
            "note: the Gateway `{gw}` must let routes from namespace `{ns}` attach and must serve TLS for these hosts; no redirect to HTTPS is rendered in this mode"
        ));
        return Ok(r);
    }

    let class = opts.gateway_class.clone().unwrap_or_default();
    let gw_ns = opts
        .gateway_namespace
        .clone()
        .unwrap_or_else(|| ns.to_string());
    let cross = gw_ns != ns;
    let keyvault = opts.aks_keyvault_cert_uri.as_ref().map(|uri| {
        let mut o = BTreeMap::new();
        o.insert("kubernetes.azure.com/tls-cert-keyvault-uri", uri.clone());
        if let Some(sa) = &opts.aks_keyvault_service_account {
            o.insert("kubernetes.azure.com/tls-cert-service-account", sa.clone());
        }
        o
    });
    // (host, Secret) served over HTTPS: the TLS entries' hosts, or every host with a Key Vault certificate
    let secure: Vec<(String, Option<String>)> = match &keyvault {
        Some(_) => all_hosts.iter().map(|h| (h.clone(), None)).collect(),
        None => tls_hosts(plan),
    };
    let mut listeners = vec![ListenerCtx {
        name: "http".into(),
        hostname: None,
        port: 80,
        protocol: "HTTP",
        tls: false,
        cert_refs: vec![],
        options: vec![],
    }];
    for (i, (host, secret)) in secure.iter().enumerate() {
        listeners.push(ListenerCtx {
            name: format!("https-{i}"),
            hostname: Some(host.clone()),
            port: 443,
            protocol: "HTTPS",
            tls: true,
            cert_refs: secret
                .iter()
                .map(|s| CertRef {
                    name: s.clone(),
                    namespace: cross.then(|| ns.to_string()),
                })
                .collect(),
            options: keyvault
                .clone()
                .map(|o| o.into_iter().collect())
                .unwrap_or_default(),
        });
        if secret.is_none() && keyvault.is_none() {
            return Err(format!(
                "the TLS entry for `{host}` has no `secretName`, which a Gateway listener needs"
            ));
        }
    }
    let gateway = GatewayCtx {
        name: plan.name.clone(),
        namespace: gw_ns.clone(),
        release,
        class: class.clone(),
        listeners,
        routes_namespace: cross.then(|| ns.to_string()),
    };
    r.docs.extend(render_docs(
        "gateway-api/gateway.yaml.j2",
        &gateway,
        &[expected("Gateway", &plan.name)],
    )?);

    let parent = |section: String| ParentCtx {
        name: plan.name.clone(),
        namespace: cross.then(|| gw_ns.clone()),
        section: Some(section),
    };
    let secure_hosts: Vec<String> = secure.iter().map(|(h, _)| h.clone()).collect();
    let plain: Vec<String> = plain_hosts(plan, &secure_hosts)
        .into_iter()
        .map(String::from)
        .collect();
    if !secure.is_empty() {
        let parents = (0..secure.len())
            .map(|i| parent(format!("https-{i}")))
            .collect();
        r.docs.extend(route_doc(&route(
            plan.name.clone(),
            parents,
            secure_hosts.clone(),
            false,
            rules_again(&rules),
        ))?);
        r.docs.extend(route_doc(&route(
            format!("{}-http-redirect", plan.name),
            vec![parent("http".into())],
            secure_hosts,
            true,
            vec![],
        ))?);
    }
    if !plain.is_empty() {
        let name = if secure.is_empty() {
            plan.name.clone()
        } else {
            format!("{}-http", plan.name)
        };
        r.docs.extend(route_doc(&route(
            name,
            vec![parent("http".into())],
            plain,
            false,
            rules,
        ))?);
    }
    if cross {
        let secrets: Vec<String> = {
            let mut s: Vec<String> = secure.iter().filter_map(|(_, s)| s.clone()).collect();
            s.sort();
            s.dedup();
            s
        };
        if !secrets.is_empty() {
            let grant = GrantCtx {
                name: format!("{}-gateway-tls", plan.name),
                namespace: ns,
                release,
                from_namespace: gw_ns.clone(),
                secrets,
            };
            r.docs.extend(render_docs(
                "gateway-api/referencegrant.yaml.j2",
                &grant,
                &[Expected {
                    api_version: "gateway.networking.k8s.io/v1beta1",
                    kind: "ReferenceGrant",
                    name: grant.name.clone(),
                }],
            )?);
        }
    }
    if class == AKS_CLASS && keyvault.is_some() && opts.aks_keyvault_service_account.is_none() {
        r.notes.push("note: application routing reads the Key Vault certificate with workload identity: pass `--aks-keyvault-service-account NAME` for the listener's `kubernetes.azure.com/tls-cert-service-account` option".into());
    }
    Ok(r)
}

fn rules_again(rules: &[RuleCtx]) -> Vec<RuleCtx> {
    rules
        .iter()
        .map(|r| RuleCtx {
            path: r.path,
            service: r.service.clone(),
            port: r.port,
            timeout: r.timeout,
        })
        .collect()
}

fn expected(kind: &'static str, name: &str) -> Expected {
    Expected {
        api_version: "gateway.networking.k8s.io/v1",
        kind,
        name: name.to_string(),
    }
}
