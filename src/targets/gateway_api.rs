//! `gateway-api`: Gateway API v1 (standard channel). A Gateway of our own (HTTP, and HTTPS per TLS
//! host) or routes attached to an existing Gateway; HTTPRoutes with Airbyte's routes and a request
//! timeout; with TLS an HTTP-to-HTTPS redirect; a ReferenceGrant when the Gateway lives elsewhere.
//! With `--gateway-class approuting-istio` and a Key Vault certificate, AKS application routing's
//! listener `tls.options`.

use super::SettingsError;
use std::collections::BTreeMap;

use serde::Serialize;

use super::ingress::{plain_hosts, tls_hosts};
use crate::controllers::GatewayImpl;
use crate::controllers::{AKS_GATEWAY_CLASS, AKS_KEYVAULT, Settings};
use crate::plan::{Byo, Plan};
use crate::render::{Expected, RenderError, Rendered, Templates, render_docs};

pub const TEMPLATES: Templates = &[
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
    (
        "gateway-api/authorizationpolicy.yaml.j2",
        include_str!("../../templates/gateway-api/authorizationpolicy.yaml.j2"),
    ),
    (
        "gateway-api/clientsettingspolicy.yaml.j2",
        include_str!("../../templates/gateway-api/clientsettingspolicy.yaml.j2"),
    ),
    (
        "gateway-api/clienttrafficpolicy.yaml.j2",
        include_str!("../../templates/gateway-api/clienttrafficpolicy.yaml.j2"),
    ),
    (
        "gateway-api/proxysettingspolicy.yaml.j2",
        include_str!("../../templates/gateway-api/proxysettingspolicy.yaml.j2"),
    ),
    (
        "gateway-api/securitypolicy.yaml.j2",
        include_str!("../../templates/gateway-api/securitypolicy.yaml.j2"),
    ),
];

/// The policy of a Gateway API implementation that carries what Gateway API has no field for.
#[derive(Serialize)]
struct PolicyCtx<'a> {
    name: String,
    namespace: String,
    release: &'a str,
    gateway: String,
    body: String,
    timeout: String,
    /// The request timeout in NGINX Gateway Fabric's duration syntax.
    nginx_timeout: String,
}

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
    /// `None` where the implementation ignores HTTPRoute `timeouts` (NGINX Gateway Fabric, which
    /// takes them from its ProxySettingsPolicy).
    timeout: Option<String>,
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

pub fn check_settings(opts: &Settings) -> Result<(), SettingsError> {
    match (&opts.gateway_class, &opts.gateway_name) {
        (None, None) => Err("the gateway-api target needs `--gateway-class CLASS` to render a Gateway, or `--gateway-name NAME` to attach to an existing one".into()),
        (Some(_), Some(_)) => Err("`--gateway-class` renders a Gateway and `--gateway-name` attaches to an existing one: give one of them".into()),
        _ if opts.aks_keyvault_cert_uri.is_some() && opts.gateway_class.as_deref() != Some(AKS_GATEWAY_CLASS) => {
            Err(format!("`--aks-keyvault-cert-uri` goes with `--gateway-class {AKS_GATEWAY_CLASS}` (AKS application routing's Gateway API)").into())
        }
        _ if opts.gateway_section.is_some() && opts.gateway_name.is_none() => Err("`--gateway-section` names a listener of an existing Gateway (`--gateway-name`)".into()),
        _ => Ok(()),
    }
}

/// The context of `authorizationpolicy.yaml.j2` (Istio).
#[derive(Serialize)]
struct IstioAllowListCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    gateway: &'a str,
    ranges: Vec<String>,
    hosts: Vec<String>,
}

/// The context of `securitypolicy.yaml.j2`.
#[derive(Serialize)]
struct AllowListCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    routes: Vec<String>,
    ranges: Vec<String>,
}

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    let opts = &byo.settings;
    let ns = plan.namespace.as_str();
    let release = plan.release.as_str();
    // Gateway API Durations take a unit; NGINX Gateway Fabric reports `timeouts` as an unsupported
    // field and ignores it (its graph's checkForUnsupportedHTTPFields), so its ProxySettingsPolicy
    // carries them instead
    let ngf = opts.gateway_name.is_none()
        && crate::controllers::gateway_impl(opts.gateway_class.as_deref().unwrap_or_default())
            == GatewayImpl::NginxGatewayFabric;
    let timeout = (!ngf).then(|| plan.intent.request_timeout());
    let rules: Vec<RuleCtx> = plan
        .airbyte_paths()
        .into_iter()
        .map(|(p, service)| RuleCtx {
            path: p.path,
            service: service.name,
            port: service.number,
            timeout: timeout.clone(),
        })
        .collect();
    let all_hosts: Vec<String> = byo.hosts.clone();
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
            TEMPLATES,
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
        // `gateway-attach-existing` says what the Gateway must allow
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
        o.insert(AKS_KEYVAULT, uri.clone());
        if let Some(sa) = &opts.aks_keyvault_service_account {
            o.insert("kubernetes.azure.com/tls-cert-service-account", sa.clone());
        }
        o
    });
    // (host, Secret) served over HTTPS: the TLS entries' hosts, or every host with a Key Vault certificate
    let secure: Vec<(String, Option<String>)> = match &keyvault {
        Some(_) => all_hosts.iter().map(|h| (h.clone(), None)).collect(),
        None => tls_hosts(byo),
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
            // `tls-secret-required` stops rendering before this
            return Err(format!(
                "the TLS entry for `{host}` has no `secretName`, which a Gateway listener needs"
            )
            .into());
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
        TEMPLATES,
        "gateway-api/gateway.yaml.j2",
        &gateway,
        &[expected("Gateway", &plan.name)],
    )?);

    // what Gateway API has no field for, in the implementation's own policy
    let policy = PolicyCtx {
        name: plan.name.clone(),
        namespace: gw_ns.clone(),
        release,
        gateway: plan.name.clone(),
        body: plan.intent.body_size(),
        timeout: plan.intent.request_timeout(),
        nginx_timeout: crate::controllers::nginx_duration(plan.intent.request_timeout_s),
    };
    match crate::controllers::gateway_impl(&class) {
        GatewayImpl::NginxGatewayFabric => {
            r.docs.extend(render_docs(
                TEMPLATES,
                "gateway-api/clientsettingspolicy.yaml.j2",
                &policy,
                &[Expected::new(
                    "gateway.nginx.org/v1alpha1",
                    "ClientSettingsPolicy",
                    &policy.name,
                )],
            )?);
            r.docs.extend(render_docs(
                TEMPLATES,
                "gateway-api/proxysettingspolicy.yaml.j2",
                &policy,
                &[Expected::new(
                    "gateway.nginx.org/v1alpha1",
                    "ProxySettingsPolicy",
                    &policy.name,
                )],
            )?);
        }
        GatewayImpl::EnvoyGateway => r.docs.extend(render_docs(
            TEMPLATES,
            "gateway-api/clienttrafficpolicy.yaml.j2",
            &policy,
            &[Expected::new(
                "gateway.envoyproxy.io/v1alpha1",
                "ClientTrafficPolicy",
                &policy.name,
            )],
        )?),
        GatewayImpl::Istio | GatewayImpl::Other => {}
    }

    let parent = |section: String| ParentCtx {
        name: plan.name.clone(),
        namespace: cross.then(|| gw_ns.clone()),
        section: Some(section),
    };
    let secure_hosts: Vec<String> = secure.iter().map(|(h, _)| h.clone()).collect();
    let plain: Vec<String> = plain_hosts(byo, &secure_hosts)
        .into_iter()
        .map(String::from)
        .collect();
    // the routes that reach Airbyte (not the redirect), for a policy that guards them
    let mut app_routes: Vec<String> = Vec::new();
    if !secure.is_empty() {
        app_routes.push(plan.name.clone());
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
        app_routes.push(name.clone());
        r.docs.extend(route_doc(&route(
            name,
            vec![parent("http".into())],
            plain,
            false,
            rules,
        ))?);
    }
    // the values' allow list, as the implementation enforces it (when it cannot,
    // `access-control-dropped` stops the render before this)
    let allow = byo.effective.allow_list.clone();
    if let Some(ranges) = &allow
        && crate::controllers::gateway_impl(&class) == GatewayImpl::Istio
    {
        let name = format!("{}-allow-list", plan.name);
        let ctx = IstioAllowListCtx {
            name: name.clone(),
            namespace: &gw_ns,
            release,
            gateway: &plan.name,
            ranges: ranges.clone(),
            hosts: crate::controllers::istio::policy_hosts(&byo.hosts),
        };
        r.docs.extend(render_docs(
            TEMPLATES,
            "gateway-api/authorizationpolicy.yaml.j2",
            &ctx,
            &[Expected::new(
                "security.istio.io/v1",
                "AuthorizationPolicy",
                &name,
            )],
        )?);
    }
    if let Some(ranges) = allow
        && crate::controllers::gateway_impl(&class) == GatewayImpl::EnvoyGateway
    {
        let name = format!("{}-allow-list", plan.name);
        let ctx = AllowListCtx {
            name: name.clone(),
            namespace: ns,
            release,
            routes: app_routes,
            // Envoy Gateway takes CIDRs only: an address is its own /32 or /128
            ranges: ranges
                .iter()
                .map(|r| crate::controllers::as_cidr(r))
                .collect(),
        };
        r.docs.extend(render_docs(
            TEMPLATES,
            "gateway-api/securitypolicy.yaml.j2",
            &ctx,
            &[Expected::new(
                "gateway.envoyproxy.io/v1alpha1",
                "SecurityPolicy",
                &name,
            )],
        )?);
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
                TEMPLATES,
                "gateway-api/referencegrant.yaml.j2",
                &grant,
                &[Expected::new(
                    "gateway.networking.k8s.io/v1beta1",
                    "ReferenceGrant",
                    &grant.name,
                )],
            )?);
        }
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
            timeout: r.timeout.clone(),
        })
        .collect()
}

fn expected(kind: &'static str, name: &str) -> Expected {
    Expected::new("gateway.networking.k8s.io/v1", kind, name)
}
