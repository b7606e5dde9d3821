//! `istio`: the Istio ingress gateway through Istio's own API (`networking.istio.io/v1`), as the
//! AKS Istio add-on and upstream Istio run it. A Gateway in the ingress gateway's namespace that
//! selects its pods (an HTTP server, redirecting to HTTPS for the TLS hosts, and an HTTPS server
//! per TLS host with its `credentialName`), or an existing Gateway; a VirtualService in the
//! release namespace with Airbyte's routes, each with a timeout and retries only where the request
//! never reached Airbyte.

use super::SettingsError;
use serde::Serialize;

use super::ingress::{plain_hosts, tls_hosts};
use crate::controllers::Settings;
use crate::controllers::istio::{AKS_NAMESPACE, existing, gateway_namespace, selector};
use crate::names::{dns_label_ok, dns_subdomain_ok};
use crate::plan::{Byo, Plan};
use crate::render::{Expected, RenderError, Rendered, Templates, render_docs};

pub const TEMPLATES: Templates = &[
    (
        "istio/authorizationpolicy.yaml.j2",
        include_str!("../../templates/istio/authorizationpolicy.yaml.j2"),
    ),
    (
        "istio/gateway.yaml.j2",
        include_str!("../../templates/istio/gateway.yaml.j2"),
    ),
    (
        "istio/virtualservice.yaml.j2",
        include_str!("../../templates/istio/virtualservice.yaml.j2"),
    ),
];

/// Retried only when the request never reached Airbyte (no connection, or the stream refused
/// before it was processed): Airbyte's API is mostly `POST`, and Istio's default also retries
/// 503s, which could run a sync or create a connection twice.
pub const RETRY_ON: &str = "connect-failure,refused-stream";
pub const RETRY_ATTEMPTS: u32 = 2;

const API: &str = "networking.istio.io/v1";

pub fn check_settings(s: &Settings) -> Result<(), SettingsError> {
    if let Some(gw) = &s.istio_gateway {
        let ok = gw
            .split_once('/')
            .is_some_and(|(ns, name)| dns_label_ok(ns) && dns_subdomain_ok(name));
        if !ok {
            return Err(format!(
                "`--istio-gateway {gw}` is not NAMESPACE/NAME of a Gateway (e.g. `{AKS_NAMESPACE}/shared-gateway`)"
            ).into());
        }
        for (flag, given) in [
            ("--istio-selector", s.istio_selector.is_some()),
            (
                "--istio-gateway-namespace",
                s.istio_gateway_namespace.is_some(),
            ),
        ] {
            if given {
                return Err(format!(
                    "`--istio-gateway` binds to an existing Gateway; `{flag}` is for the Gateway this target renders: give one of them"
                ).into());
            }
        }
        return Ok(());
    }
    selector(s)?;
    if gateway_namespace(s).is_none() {
        return Err(format!(
            "`--istio-selector {}` selects gateway pods this tool does not know: pass `--istio-gateway-namespace NS`, the namespace they run in (their TLS Secrets must be there too)",
            s.istio_selector.as_deref().unwrap_or_default()
        ).into());
    }
    Ok(())
}

#[derive(Serialize)]
struct ServerCtx {
    name: String,
    port: u16,
    protocol: &'static str,
    hosts: Vec<String>,
    redirect: bool,
    credential: Option<String>,
}

#[derive(Serialize)]
struct GatewayCtx<'a> {
    name: &'a str,
    namespace: &'a str,
    release: &'a str,
    selector: Vec<(String, String)>,
    servers: Vec<ServerCtx>,
}

/// The context of `authorizationpolicy.yaml.j2`.
#[derive(Serialize)]
struct AllowListCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    selector: Vec<(String, String)>,
    ranges: Vec<String>,
    hosts: Vec<String>,
}

#[derive(Serialize)]
struct RouteCtx {
    name: String,
    prefix: String,
    host: String,
    port: u16,
}

#[derive(Serialize)]
struct VirtualServiceCtx<'a> {
    name: &'a str,
    namespace: &'a str,
    release: &'a str,
    hosts: &'a [String],
    gateway: String,
    routes: Vec<RouteCtx>,
    timeout: String,
    retries: u32,
    retry_on: &'static str,
}

/// The name of the Gateway this target renders: the release's full name, and the release
/// namespace when the Gateway lives elsewhere, so that two releases of the same name in two
/// namespaces do not overwrite each other's Gateway in the shared gateway namespace.
pub fn gateway_name(plan: &Plan, gateway_ns: &str) -> String {
    if gateway_ns == plan.namespace {
        plan.name.clone()
    } else {
        format!("{}-{}", plan.name, plan.namespace)
    }
}

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    let s = &byo.settings;
    let ns = plan.namespace.as_str();
    let mut r = Rendered::default();

    let gateway = match existing(s) {
        Some((gw_ns, gw_name)) => format!("{gw_ns}/{gw_name}"),
        None => {
            let gw_ns = gateway_namespace(s)
                .ok_or("the ingress gateway's namespace is unknown (checked before rendering)")?;
            let name = gateway_name(plan, gw_ns);
            // `ns/host`: only VirtualServices of the release namespace bind to these hosts
            let scoped = |h: &str| format!("{ns}/{h}");
            let secure = tls_hosts(byo);
            let secure_hosts: Vec<String> = secure.iter().map(|(h, _)| h.clone()).collect();
            let plain = plain_hosts(byo, &secure_hosts);
            let mut servers = Vec::new();
            if !secure.is_empty() {
                servers.push(ServerCtx {
                    name: "http-redirect".into(),
                    port: 80,
                    protocol: "HTTP",
                    hosts: secure_hosts.iter().map(|h| scoped(h)).collect(),
                    redirect: true,
                    credential: None,
                });
            }
            if !plain.is_empty() {
                servers.push(ServerCtx {
                    name: "http".into(),
                    port: 80,
                    protocol: "HTTP",
                    hosts: plain.iter().map(|h| scoped(h)).collect(),
                    redirect: false,
                    credential: None,
                });
            }
            for (i, (host, secret)) in secure.iter().enumerate() {
                let Some(secret) = secret else {
                    // `tls-secret-required` stops rendering before this
                    return Err(format!(
                        "the TLS entry for `{host}` has no `secretName`, which an HTTPS server needs as its `credentialName`"
                    ).into());
                };
                servers.push(ServerCtx {
                    name: format!("https-{i}"),
                    port: 443,
                    protocol: "HTTPS",
                    hosts: vec![scoped(host)],
                    redirect: false,
                    credential: Some(secret.clone()),
                });
            }
            let ctx = GatewayCtx {
                name: &name,
                namespace: gw_ns,
                release: &plan.release,
                selector: selector(s)?,
                servers,
            };
            r.docs.extend(render_docs(
                TEMPLATES,
                "istio/gateway.yaml.j2",
                &ctx,
                &[Expected::new(API, "Gateway", &name)],
            )?);
            // the values' allow list on the same gateway pods, for Airbyte's hosts only, with
            // any port (not for a wildcard host, which cannot be written so: `access-control-
            // dropped` then)
            if let Some(ranges) = byo.effective.allow_list.clone() {
                let policy = format!("{name}-allow-list");
                let hosts = crate::controllers::istio::policy_hosts(&byo.hosts);
                let ctx = AllowListCtx {
                    name: policy.clone(),
                    namespace: gw_ns,
                    release: &plan.release,
                    selector: ctx.selector,
                    ranges,
                    hosts,
                };
                r.docs.extend(render_docs(
                    TEMPLATES,
                    "istio/authorizationpolicy.yaml.j2",
                    &ctx,
                    &[Expected::new(
                        "security.istio.io/v1",
                        "AuthorizationPolicy",
                        &policy,
                    )],
                )?);
            }
            format!("{gw_ns}/{name}")
        }
    };

    let routes = plan
        .airbyte_paths()
        .into_iter()
        .map(|(p, service)| {
            // a uri prefix matches characters, not path segments: `/auth/realms/` keeps
            // `/auth/realmsX` away from Keycloak
            let prefix = if p.path.ends_with('/') {
                p.path.to_string()
            } else {
                format!("{}/", p.path)
            };
            RouteCtx {
                name: route_name(p.path),
                prefix,
                host: format!("{}.{ns}.svc.cluster.local", service.name),
                port: service.number,
            }
        })
        .collect();
    let vs = VirtualServiceCtx {
        name: &plan.name,
        namespace: ns,
        release: &plan.release,
        hosts: &byo.hosts,
        gateway,
        routes,
        timeout: plan.intent.request_timeout(),
        retries: RETRY_ATTEMPTS,
        retry_on: RETRY_ON,
    };
    r.docs.extend(render_docs(
        TEMPLATES,
        "istio/virtualservice.yaml.j2",
        &vs,
        &[Expected::new(API, "VirtualService", &plan.name)],
    )?);
    Ok(r)
}

/// A route's name in the gateway's logs and stats: `server` for `/`, else the path's words.
fn route_name(path: &str) -> String {
    let words: Vec<&str> = path.split(['/', '_']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        "server".into()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(selector: Option<&str>, ns: Option<&str>, gw: Option<&str>) -> Settings {
        Settings {
            istio_selector: selector.map(Into::into),
            istio_gateway_namespace: ns.map(Into::into),
            istio_gateway: gw.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn an_existing_gateway_is_namespace_slash_name_and_excludes_the_rendering_flags() {
        assert!(check_settings(&with(None, None, Some("infra/shared"))).is_ok());
        for bad in ["shared", "infra/", "/shared", "Infra/shared", "a/b/c"] {
            assert!(
                check_settings(&with(None, None, Some(bad))).is_err(),
                "{bad}"
            );
        }
        assert!(check_settings(&with(Some("istio=x"), None, Some("infra/shared"))).is_err());
        assert!(check_settings(&with(None, Some("infra"), Some("infra/shared"))).is_err());
    }

    #[test]
    fn route_names() {
        assert_eq!(route_name("/"), "server");
        assert_eq!(route_name("/auth/realms"), "auth-realms");
        assert_eq!(
            route_name("/api/v1/connector_builder/"),
            "api-v1-connector-builder"
        );
    }
}
