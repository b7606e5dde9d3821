//! `traefik`: Traefik v3 IngressRoutes (`traefik.io/v1alpha1`) with a ServersTransport whose
//! timeouts fit Airbyte, and with TLS a permanent redirect from `web` to `websecure`.

use serde::Serialize;

use super::ingress::{plain_hosts, tls_hosts};
use crate::airbyte::AirbytePath;
use crate::plan::{Byo, Plan};
use crate::render::{Expected, RenderError, Rendered, Templates, render_docs};

pub const TEMPLATES: Templates = &[
    (
        "traefik/allowlist.yaml.j2",
        include_str!("../../templates/traefik/allowlist.yaml.j2"),
    ),
    (
        "traefik/ingressroute.yaml.j2",
        include_str!("../../templates/traefik/ingressroute.yaml.j2"),
    ),
    (
        "traefik/middleware.yaml.j2",
        include_str!("../../templates/traefik/middleware.yaml.j2"),
    ),
    (
        "traefik/serverstransport.yaml.j2",
        include_str!("../../templates/traefik/serverstransport.yaml.j2"),
    ),
];
const API: &str = "traefik.io/v1alpha1";

#[derive(Serialize)]
struct RouteCtx {
    rule: String,
    priority: u32,
    middlewares: Vec<String>,
    service: Option<String>,
    port: u16,
}

#[derive(Serialize)]
struct IngressRouteCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    entry_point: &'static str,
    routes: Vec<RouteCtx>,
    transport: String,
    tls_secret: Option<String>,
    cert_resolver: Option<String>,
}

#[derive(Serialize)]
struct NamedCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
}

#[derive(Serialize)]
struct AllowListCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    ranges: Vec<String>,
}

#[derive(Serialize)]
struct TransportCtx<'a> {
    name: String,
    namespace: &'a str,
    release: &'a str,
    response_header_timeout: String,
}

/// A Traefik host matcher. Hosts reach here validated (`host-invalid` stops rendering), and this
/// refuses anything outside DNS characters anyway, so no value can break out of the backticks.
pub fn host_matcher(host: &str) -> Result<String, String> {
    let (wild, rest) = match host.strip_prefix("*.") {
        Some(r) => (true, r),
        None => (false, host),
    };
    if rest.is_empty()
        || !rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(format!(
            "host `{host}` cannot be written into a Traefik rule"
        ));
    }
    Ok(if wild {
        // v3's Host() takes no wildcard: one DNS label before the rest, as Ingress wildcards mean
        format!("HostRegexp(`^[a-z0-9-]+\\.{}$`)", rest.replace('.', "\\."))
    } else {
        format!("Host(`{rest}`)")
    })
}

/// Keycloak's prefixes end with `/` so that `PathPrefix` does not also match `/auth/realmsX`.
fn rule(host: &str, p: &AirbytePath) -> Result<String, String> {
    let path = if p.path == "/" || p.path.ends_with('/') {
        p.path.to_string()
    } else {
        format!("{}/", p.path)
    };
    Ok(format!("{} && PathPrefix(`{path}`)", host_matcher(host)?))
}

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    let opts = &byo.settings;
    let ns = plan.namespace.as_str();
    let release = plan.release.as_str();
    let transport = plan.name.clone();
    let redirect_mw = format!("{}-redirect-https", plan.name);
    let paths = plan.airbyte_paths();
    // the values' allow list, on every route to Airbyte (when it cannot be carried,
    // `access-control-dropped` stops the render before this)
    let allow = byo.effective.allow_list.clone();
    let allow_mw = format!("{}-allow-list", plan.name);
    let app_middlewares: Vec<String> = allow.iter().map(|_| allow_mw.clone()).collect();
    let app_routes = |hosts: &[&str]| -> Result<Vec<RouteCtx>, String> {
        let mut out = Vec::new();
        for h in hosts {
            for (p, service) in &paths {
                out.push(RouteCtx {
                    rule: rule(h, p)?,
                    priority: p.priority,
                    middlewares: app_middlewares.clone(),
                    service: Some(service.name.clone()),
                    port: service.number,
                });
            }
        }
        Ok(out)
    };

    // which hosts are served on websecure, and with which certificate
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    if opts.traefik_cert_resolver.is_some() {
        groups.push((None, byo.hosts.clone()));
    } else {
        // one group per Secret, in first-seen order, found by a map rather than a scan
        let mut group_of: foldhash::HashMap<Option<String>, usize> = Default::default();
        for (host, secret) in tls_hosts(byo) {
            match group_of.get(&secret) {
                Some(&i) => groups[i].1.push(host),
                None => {
                    group_of.insert(secret.clone(), groups.len());
                    groups.push((secret, vec![host]));
                }
            }
        }
    }
    let secure: Vec<String> = groups.iter().flat_map(|(_, h)| h.clone()).collect();
    let plain = plain_hosts(byo, &secure);

    let mut docs = Vec::new();
    let mut r = Rendered::default();
    for (i, (secret, hosts)) in groups.iter().enumerate() {
        let name = if i == 0 {
            plan.name.clone()
        } else {
            format!("{}-tls-{}", plan.name, i + 1)
        };
        let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let ctx = IngressRouteCtx {
            name: name.clone(),
            namespace: ns,
            release,
            entry_point: "websecure",
            routes: app_routes(&hosts)?,
            transport: transport.clone(),
            tls_secret: if opts.traefik_cert_resolver.is_some() {
                None
            } else {
                secret.clone()
            },
            cert_resolver: opts.traefik_cert_resolver.clone(),
        };
        // a TLS entry without `secretName` serves Traefik's default certificate (`tls-secret-missing`)
        docs.extend(render_docs(
            TEMPLATES,
            "traefik/ingressroute.yaml.j2",
            &ctx,
            &[expected("IngressRoute", &name)],
        )?);
    }
    // web: redirects for the TLS hosts, Airbyte itself for the others
    let mut web_routes = Vec::new();
    for h in &secure {
        web_routes.push(RouteCtx {
            rule: host_matcher(h)?,
            priority: 1,
            middlewares: vec![redirect_mw.clone()],
            service: None,
            port: 0,
        });
    }
    web_routes.extend(app_routes(&plain)?);
    if !web_routes.is_empty() {
        let name = if groups.is_empty() {
            plan.name.clone()
        } else {
            format!("{}-http", plan.name)
        };
        let ctx = IngressRouteCtx {
            name: name.clone(),
            namespace: ns,
            release,
            entry_point: "web",
            routes: web_routes,
            transport: transport.clone(),
            tls_secret: None,
            cert_resolver: None,
        };
        docs.extend(render_docs(
            TEMPLATES,
            "traefik/ingressroute.yaml.j2",
            &ctx,
            &[expected("IngressRoute", &name)],
        )?);
    }
    if !secure.is_empty() {
        let mw = NamedCtx {
            name: redirect_mw.clone(),
            namespace: ns,
            release,
        };
        docs.extend(render_docs(
            TEMPLATES,
            "traefik/middleware.yaml.j2",
            &mw,
            &[expected("Middleware", &redirect_mw)],
        )?);
    }
    if let Some(ranges) = allow {
        let mw = AllowListCtx {
            name: allow_mw.clone(),
            namespace: ns,
            release,
            ranges,
        };
        docs.extend(render_docs(
            TEMPLATES,
            "traefik/allowlist.yaml.j2",
            &mw,
            &[expected("Middleware", &allow_mw)],
        )?);
    }
    let st = TransportCtx {
        name: transport.clone(),
        namespace: ns,
        release,
        response_header_timeout: plan.intent.request_timeout(),
    };
    docs.extend(render_docs(
        TEMPLATES,
        "traefik/serverstransport.yaml.j2",
        &st,
        &[expected("ServersTransport", &transport)],
    )?);
    r.docs = docs;
    Ok(r)
}

fn expected(kind: &'static str, name: &str) -> Expected {
    Expected::new(API, kind, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_matchers() {
        assert_eq!(
            host_matcher("airbyte.example.com").unwrap(),
            "Host(`airbyte.example.com`)"
        );
        assert_eq!(
            host_matcher("*.example.com").unwrap(),
            "HostRegexp(`^[a-z0-9-]+\\.example\\.com$`)"
        );
        for bad in [
            "a`) || Host(`evil.com",
            "a\"b",
            "a b",
            "Airbyte.example.com",
            "",
            "*.",
        ] {
            assert!(host_matcher(bad).is_err(), "{bad}");
        }
    }
}
