//! The routes a stream's objects make, in one shape whatever their kind: Ingress, Traefik
//! IngressRoute, Gateway API HTTPRoute (with its Gateway's listeners), Istio VirtualService (with
//! its Gateway's servers). Each route keeps where it was written.

use super::{Object, str_of};
use crate::values::{Node, Origin, Path, Value};

/// The kinds the manifest checks read: the routers and what they refer to.
pub const CHECKED_KINDS: &[&str] = &[
    "Ingress",
    "IngressRoute",
    "Middleware",
    "ServersTransport",
    "HTTPRoute",
    "Gateway",
    "VirtualService",
    "IngressExtension",
];

/// How a route's path matches request paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Match {
    Prefix,
    Exact,
    /// An Ingress path with `pathType: ImplementationSpecific` (or none): the controller decides.
    ImplementationSpecific,
    Regex,
}

/// A Service port as a route names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(u16),
    Name(String),
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendRef {
    pub name: String,
    pub port: Option<PortRef>,
    /// Where the port is written (the backend's own place when it names none).
    pub port_origin: Origin,
    pub namespace: Option<String>,
    pub origin: Origin,
    /// The backend in its object: `spec.rules[0].http.paths[1].backend`.
    pub at: Path,
    /// Traefik: the ServersTransport the service names.
    pub transport: Option<String>,
}

/// One path on some hosts, to one backend (or a redirect).
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The index of its object.
    pub object: usize,
    /// Hosts it answers; empty for every host.
    pub hosts: Vec<String>,
    pub path: String,
    pub matching: Match,
    /// Ingress only: whether `pathType` is written (networking.k8s.io/v1 requires it).
    pub path_type_given: bool,
    /// Where the path is written (or the route, when it has no path).
    pub origin: Origin,
    /// The route in its object: `spec.rules[0].http.paths[1]`.
    pub at: Path,
    /// `None` for a redirect.
    pub backend: Option<BackendRef>,
    /// What routes share to collide: the listeners or entry points they attach to.
    pub listener: String,
    /// A timeout on the route itself (HTTPRoute `timeouts.request`, VirtualService `timeout`).
    pub timeout: Option<(String, Origin, Path)>,
    /// What rewrites the request path on its way (a Traefik Middleware, an HTTPRoute
    /// `URLRewrite` filter, a VirtualService `rewrite`): what it is, where it is written.
    pub rewrites: Vec<(String, Origin, Path)>,
    /// A `Host` header the route sets on the way to the backend, and where.
    pub host_set: Option<(String, Origin, Path)>,
    /// What may limit who reaches the backend through this route, beyond its annotations: a
    /// Traefik route's Middlewares that do (an IP allow list, authentication), and those the
    /// stream does not hold, which might.
    pub guards: Vec<Guard>,
}

/// A Middleware on a route that limits (or may limit) who reaches its backend.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    /// `the Middleware `office-only``.
    pub what: String,
    /// What it does, when the stream holds it: an IP allow list or authentication.
    pub access: Option<crate::controllers::Access>,
    pub origin: Origin,
    pub at: Path,
}

/// Hosts a certificate is served for.
#[derive(Clone, Debug, PartialEq)]
pub struct Tls {
    pub object: usize,
    /// Empty: every host of the object.
    pub hosts: Vec<String>,
}

/// An object in an API version that is gone, with the one to use.
#[derive(Clone, Debug, PartialEq)]
pub struct Legacy {
    pub object: usize,
    pub current: &'static str,
    pub why: &'static str,
}

/// Everything the stream routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Routing {
    pub routes: Vec<Route>,
    pub tls: Vec<Tls>,
    /// Routes whose certificates live on a Gateway this stream does not hold.
    pub tls_unknown: Vec<usize>,
    pub legacy: Vec<Legacy>,
    /// The objects that route at all (Ingress, IngressRoute, HTTPRoute, VirtualService).
    pub routers: Vec<usize>,
    /// HTTPRoutes attached without a `sectionName` to a Gateway of this stream that has both a
    /// plain-HTTP and an HTTPS listener: (route, where the parentRef is written, the Gateway's
    /// label, the HTTP listener's name).
    pub http_exposed: Vec<(usize, Origin, String, String)>,
}

fn int(n: &Node) -> Option<u16> {
    match &n.value {
        Value::Int(i) => u16::try_from(*i).ok(),
        Value::Str(s) => s.parse().ok(),
        _ => None,
    }
}

fn seq(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn strings(n: Option<&Node>) -> Vec<String> {
    seq(n)
        .iter()
        .filter_map(str_of)
        .map(str::to_string)
        .collect()
}

fn get<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    n.as_map()?.get(key)
}

/// Reads the routes of every routing object.
pub fn routing(objects: &[Object]) -> Routing {
    let mut r = Routing::default();
    for (i, o) in objects.iter().enumerate() {
        match (o.group(), o.kind.as_str()) {
            ("networking.k8s.io" | "extensions", "Ingress") => {
                if o.api_version != "networking.k8s.io/v1" {
                    r.legacy.push(Legacy {
                        object: i,
                        current: "networking.k8s.io/v1",
                        why: "removed in Kubernetes 1.22; the v1 Ingress writes backends as `service: {name, port: {number}}` and needs `pathType`",
                    });
                    continue;
                }
                r.routers.push(i);
                ingress(i, o, objects, &mut r);
            }
            ("traefik.io" | "traefik.containo.us", "IngressRoute") => {
                if o.group() == "traefik.containo.us" {
                    r.legacy.push(Legacy {
                        object: i,
                        current: "traefik.io/v1alpha1",
                        why: "the `traefik.containo.us` API group was removed in Traefik v3",
                    });
                }
                r.routers.push(i);
                ingress_route(i, o, objects, &mut r);
            }
            ("gateway.networking.k8s.io", "HTTPRoute") => {
                r.routers.push(i);
                http_route(i, o, objects, &mut r);
            }
            ("networking.istio.io", "VirtualService") => {
                r.routers.push(i);
                virtual_service(i, o, objects, &mut r);
            }
            _ => {}
        }
    }
    r
}

fn ingress(i: usize, o: &Object, objects: &[Object], r: &mut Routing) {
    let spec = o.at("spec");
    // an AGC IngressExtension that answers some hosts with a redirect
    let redirected: Vec<String> = o
        .annotations()
        .get(crate::controllers::AGC_EXTENSION)
        .and_then(|ext| {
            objects
                .iter()
                .find(|x| x.kind == "IngressExtension" && x.name == *ext)
        })
        .map(|ext| {
            seq(ext.at("spec.rules"))
                .iter()
                .filter(|rule| get(rule, "requestRedirect").is_some())
                .filter_map(|rule| get(rule, "host").and_then(str_of).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    // routes collide only within one controller: the class says which (and a redirecting AGC
    // extension makes a listener of its own)
    let class = o
        .str_at("spec.ingressClassName")
        .map(str::to_string)
        .or_else(|| {
            o.annotations()
                .get(crate::controllers::CLASS_ANNOTATION)
                .cloned()
        })
        .unwrap_or_default();
    let listener = if redirected.is_empty() {
        format!("class:{class}")
    } else {
        format!("class:{class}/redirect")
    };
    let listener = listener.as_str();
    let backend_of = |b: &Node, at: Path| -> Option<BackendRef> {
        let svc = get(b, "service")?;
        let port = get(svc, "port").and_then(|p| {
            get(p, "number")
                .and_then(int)
                .map(PortRef::Number)
                .or_else(|| {
                    get(p, "name")
                        .and_then(str_of)
                        .map(|n| PortRef::Name(n.into()))
                })
        });
        let port_node = get(svc, "port").and_then(|p| get(p, "number").or_else(|| get(p, "name")));
        Some(BackendRef {
            name: get(svc, "name").and_then(str_of)?.to_string(),
            port,
            port_origin: port_node.map_or(b.origin, |n| n.origin),
            namespace: o.namespace.clone(),
            origin: get(svc, "name").map_or(b.origin, |n| n.origin),
            at: at.key("service"),
            transport: None,
        })
    };
    if let Some(def) = spec.and_then(|s| get(s, "defaultBackend")) {
        let at = Path::parse("spec.defaultBackend");
        r.routes.push(Route {
            object: i,
            hosts: Vec::new(),
            path: "/".into(),
            matching: Match::Prefix,
            path_type_given: true,
            origin: def.origin,
            backend: backend_of(def, at.clone()),
            at,
            listener: listener.into(),
            timeout: None,
            rewrites: Vec::new(),
            guards: Vec::new(),
            host_set: None,
        });
    }
    let mut object_hosts = Vec::new();
    for (ri, rule) in seq(spec.and_then(|s| get(s, "rules"))).iter().enumerate() {
        let host = get(rule, "host").and_then(str_of).map(str::to_string);
        object_hosts.extend(host.clone());
        let paths = get(rule, "http").and_then(|h| get(h, "paths"));
        for (pi, p) in seq(paths).iter().enumerate() {
            let at = Path::parse("spec.rules")
                .index(ri)
                .key("http")
                .key("paths")
                .index(pi);
            let path_type = get(p, "pathType").and_then(str_of);
            let matching = match path_type {
                Some("Exact") => Match::Exact,
                Some("Prefix") => Match::Prefix,
                _ => Match::ImplementationSpecific,
            };
            let path_node = get(p, "path");
            let redirect = host.as_ref().is_some_and(|h| redirected.contains(h));
            r.routes.push(Route {
                object: i,
                hosts: host.iter().cloned().collect(),
                path: path_node.and_then(str_of).unwrap_or("/").to_string(),
                matching,
                path_type_given: path_type.is_some(),
                origin: path_node.map_or(p.origin, |n| n.origin),
                backend: if redirect {
                    None
                } else {
                    get(p, "backend").and_then(|b| backend_of(b, at.key("backend")))
                },
                at,
                listener: listener.into(),
                timeout: None,
                rewrites: Vec::new(),
                guards: Vec::new(),
                host_set: None,
            });
        }
    }
    for t in seq(spec.and_then(|s| get(s, "tls"))) {
        r.tls.push(Tls {
            object: i,
            hosts: strings(get(t, "hosts")),
        });
    }
    // certificates named by the controller's annotation serve every host of the Ingress
    let ann = o.annotations();
    if ann.contains_key(crate::controllers::ALB_CERTIFICATE)
        || ann.contains_key(crate::controllers::AKS_KEYVAULT)
    {
        r.tls.push(Tls {
            object: i,
            hosts: object_hosts,
        });
    }
}

/// The arguments of every `Name(...)` matcher in a Traefik rule, in order.
fn matcher_args<'a>(rule: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(at) = rest.find(&format!("{name}(")) {
        // a longer matcher name ending in this one (`HostRegexp` for `Host`) is not this one
        let before = rest[..at].chars().last();
        rest = &rest[at + name.len() + 1..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let end = rest.find(')').unwrap_or(rest.len());
        out.extend(
            rest[..end]
                .split(',')
                .map(|a| a.trim().trim_matches(['`', '"', '\'']))
                .filter(|a| !a.is_empty()),
        );
    }
    out
}

/// A Middleware a Traefik route names: where it is named, and its object when the stream holds
/// it (in the route's namespace, or the one the reference gives).
struct RouteMiddleware<'a> {
    name: &'a str,
    origin: Origin,
    at: Path,
    object: Option<&'a Object>,
}

/// The Middlewares a Traefik route names, each found among the stream's objects once.
fn route_middlewares<'a>(
    route: &'a Node,
    at: &Path,
    o: &Object,
    objects: &'a [Object],
) -> Vec<RouteMiddleware<'a>> {
    let mut out = Vec::new();
    for (mi, m) in seq(get(route, "middlewares")).iter().enumerate() {
        let Some(name) = get(m, "name").and_then(str_of) else {
            continue;
        };
        let ns = get(m, "namespace")
            .and_then(str_of)
            .or(o.namespace.as_deref());
        out.push(RouteMiddleware {
            name,
            origin: get(m, "name").map_or(m.origin, |n| n.origin),
            at: at.key("middlewares").index(mi),
            object: objects.iter().find(|x| {
                x.kind == "Middleware"
                    && x.name == name
                    && (ns.is_none() || x.namespace.is_none() || x.namespace.as_deref() == ns)
            }),
        });
    }
    out
}

/// The path rewrites among a route's Middlewares (`replacePath`, `replacePathRegex`,
/// `stripPrefix`, `stripPrefixRegex`, `addPrefix`).
fn traefik_rewrites(middlewares: &[RouteMiddleware<'_>]) -> Vec<(String, Origin, Path)> {
    let mut out = Vec::new();
    for m in middlewares {
        let Some(mw) = m.object else { continue };
        for kind in [
            "replacePath",
            "replacePathRegex",
            "stripPrefix",
            "stripPrefixRegex",
            "addPrefix",
        ] {
            if mw.at(&format!("spec.{kind}")).is_some() {
                out.push((
                    format!("the Middleware `{}` (`{kind}`)", m.name),
                    m.origin,
                    m.at.clone(),
                ));
            }
        }
    }
    out
}

/// The Middlewares of a route that limit who passes (`ipAllowList`, `ipWhiteList`, `basicAuth`,
/// `digestAuth`, `forwardAuth`), and those the stream does not hold (which might).
fn traefik_guards(middlewares: &[RouteMiddleware<'_>]) -> Vec<Guard> {
    use crate::controllers::Access;
    let mut out = Vec::new();
    for m in middlewares {
        let Some(mw) = m.object else {
            out.push(Guard {
                what: format!("the Middleware `{}`", m.name),
                access: None,
                origin: m.origin,
                at: m.at.clone(),
            });
            continue;
        };
        for (kind, access) in [
            ("ipAllowList", Access::AllowList),
            ("ipWhiteList", Access::AllowList),
            ("basicAuth", Access::Authentication),
            ("digestAuth", Access::Authentication),
            ("forwardAuth", Access::Authentication),
        ] {
            if mw.at(&format!("spec.{kind}")).is_some() {
                out.push(Guard {
                    what: format!("the Middleware `{}` (`{kind}`)", m.name),
                    access: Some(access),
                    origin: m.origin,
                    at: m.at.clone(),
                });
            }
        }
    }
    out
}

fn ingress_route(i: usize, o: &Object, objects: &[Object], r: &mut Routing) {
    let listener = strings(o.at("spec.entryPoints")).join(",");
    let mut object_hosts = Vec::new();
    for (ri, route) in seq(o.at("spec.routes")).iter().enumerate() {
        let at = Path::parse("spec.routes").index(ri);
        let rule_node = get(route, "match");
        let rule = rule_node.and_then(str_of).unwrap_or("");
        let hosts: Vec<String> = matcher_args(rule, "Host")
            .into_iter()
            .map(str::to_string)
            .collect();
        object_hosts.extend(hosts.clone());
        let mut paths: Vec<(String, Match)> = Vec::new();
        for (name, m) in [
            ("PathPrefix", Match::Prefix),
            ("Path", Match::Exact),
            ("PathRegexp", Match::Regex),
        ] {
            paths.extend(
                matcher_args(rule, name)
                    .into_iter()
                    .map(|p| (p.to_string(), m)),
            );
        }
        if paths.is_empty() {
            paths.push(("/".into(), Match::Prefix));
        }
        let services = seq(get(route, "services"));
        let backend = services.iter().enumerate().find_map(|(si, s)| {
            if get(s, "kind")
                .and_then(str_of)
                .is_some_and(|k| k != "Service")
            {
                return None; // a TraefikService (noop@internal behind a redirect, say)
            }
            let port = get(s, "port").and_then(|p| {
                int(p)
                    .map(PortRef::Number)
                    .or_else(|| str_of(p).map(|n| PortRef::Name(n.into())))
            });
            Some(BackendRef {
                name: get(s, "name").and_then(str_of)?.to_string(),
                port,
                port_origin: get(s, "port").map_or(s.origin, |n| n.origin),
                namespace: get(s, "namespace")
                    .and_then(str_of)
                    .map(str::to_string)
                    .or_else(|| o.namespace.clone()),
                origin: get(s, "name").map_or(s.origin, |n| n.origin),
                at: at.key("services").index(si),
                transport: get(s, "serversTransport")
                    .and_then(str_of)
                    .map(str::to_string),
            })
        });
        let middlewares = route_middlewares(route, &at, o, objects);
        let rewrites = traefik_rewrites(&middlewares);
        let guards = traefik_guards(&middlewares);
        for (path, matching) in paths {
            r.routes.push(Route {
                object: i,
                hosts: hosts.clone(),
                path,
                matching,
                path_type_given: true,
                origin: rule_node.map_or(route.origin, |n| n.origin),
                at: at.clone(),
                backend: backend.clone(),
                listener: listener.clone(),
                timeout: None,
                rewrites: rewrites.clone(),
                host_set: None,
                guards: guards.clone(),
            });
        }
    }
    if o.at("spec.tls").is_some() {
        r.tls.push(Tls {
            object: i,
            hosts: object_hosts,
        });
    }
}

fn http_route(i: usize, o: &Object, objects: &[Object], r: &mut Routing) {
    let hostnames = strings(o.at("spec.hostnames"));
    let parents = seq(o.at("spec.parentRefs"));
    let listener = parents
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                get(p, "name").and_then(str_of).unwrap_or(""),
                get(p, "sectionName").and_then(str_of).unwrap_or("*")
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    for (ri, rule) in seq(o.at("spec.rules")).iter().enumerate() {
        let at = Path::parse("spec.rules").index(ri);
        let mut matches: Vec<(String, Match, Origin)> = seq(get(rule, "matches"))
            .iter()
            .filter_map(|m| {
                let p = get(m, "path")?;
                let value = get(p, "value");
                let kind = match get(p, "type").and_then(str_of) {
                    Some("Exact") => Match::Exact,
                    Some("RegularExpression") => Match::Regex,
                    _ => Match::Prefix,
                };
                Some((
                    value.and_then(str_of).unwrap_or("/").to_string(),
                    kind,
                    value.map_or(p.origin, |v| v.origin),
                ))
            })
            .collect();
        if matches.is_empty() {
            matches.push(("/".into(), Match::Prefix, rule.origin));
        }
        let backend = seq(get(rule, "backendRefs"))
            .iter()
            .enumerate()
            .find_map(|(bi, b)| {
                if get(b, "kind")
                    .and_then(str_of)
                    .is_some_and(|k| k != "Service")
                {
                    return None;
                }
                Some(BackendRef {
                    name: get(b, "name").and_then(str_of)?.to_string(),
                    port: get(b, "port").and_then(int).map(PortRef::Number),
                    port_origin: get(b, "port").map_or(b.origin, |n| n.origin),
                    namespace: get(b, "namespace")
                        .and_then(str_of)
                        .map(str::to_string)
                        .or_else(|| o.namespace.clone()),
                    origin: get(b, "name").map_or(b.origin, |n| n.origin),
                    at: at.key("backendRefs").index(bi),
                    transport: None,
                })
            });
        let timeout = get(rule, "timeouts")
            .and_then(|t| get(t, "request"))
            .and_then(|t| {
                str_of(t).map(|s| (s.to_string(), t.origin, at.key("timeouts").key("request")))
            });
        let mut rewrites = Vec::new();
        let mut host_set = None;
        for (fi, f) in seq(get(rule, "filters")).iter().enumerate() {
            let f_at = at.key("filters").index(fi);
            match get(f, "type").and_then(str_of) {
                Some("URLRewrite")
                    if get(f, "urlRewrite").and_then(|u| get(u, "path")).is_some() =>
                {
                    rewrites.push(("a `URLRewrite` filter".to_string(), f.origin, f_at));
                }
                Some("URLRewrite") => {
                    if let Some(h) = get(f, "urlRewrite").and_then(|u| get(u, "hostname")) {
                        host_set = str_of(h).map(|v| {
                            (
                                v.to_string(),
                                h.origin,
                                f_at.key("urlRewrite").key("hostname"),
                            )
                        });
                    }
                }
                Some("RequestHeaderModifier") => {
                    let m = get(f, "requestHeaderModifier");
                    for (si, h) in seq(m.and_then(|m| get(m, "set"))).iter().enumerate() {
                        if get(h, "name")
                            .and_then(str_of)
                            .is_some_and(|n| n.eq_ignore_ascii_case("host"))
                            && let Some(v) = get(h, "value")
                        {
                            let p = f_at
                                .key("requestHeaderModifier")
                                .key("set")
                                .index(si)
                                .key("value");
                            host_set = str_of(v).map(|s| (s.to_string(), v.origin, p));
                        }
                    }
                }
                _ => {}
            }
        }
        let rule = RuleRoutes {
            object: i,
            hosts: &hostnames,
            at: &at,
            backend: &backend,
            listener: &listener,
            timeout: &timeout,
            rewrites: &rewrites,
            host_set: &host_set,
        };
        rule.push(matches, &mut r.routes);
    }
    // TLS is on the Gateway's HTTPS listeners the route attaches to
    let ns = o.namespace.as_deref();
    for p in parents {
        let name = get(p, "name").and_then(str_of).unwrap_or("");
        let p_ns = get(p, "namespace").and_then(str_of).or(ns);
        let section = get(p, "sectionName").and_then(str_of);
        let Some(gw) = objects.iter().find(|g| {
            g.kind == "Gateway"
                && g.group() == "gateway.networking.k8s.io"
                && g.name == name
                && (p_ns.is_none() || g.namespace.is_none() || g.namespace.as_deref() == p_ns)
        }) else {
            r.tls_unknown.push(i);
            continue;
        };
        let protocols: Vec<(Option<&str>, Option<&str>)> = seq(gw.at("spec.listeners"))
            .iter()
            .map(|l| {
                (
                    get(l, "name").and_then(str_of),
                    get(l, "protocol").and_then(str_of),
                )
            })
            .collect();
        let plain = protocols.iter().find(|(_, p)| *p == Some("HTTP"));
        let secure = protocols.iter().any(|(_, p)| *p == Some("HTTPS"));
        if section.is_none()
            && secure
            && let Some((name, _)) = plain
        {
            r.http_exposed.push((
                i,
                get(p, "name").map_or(p.origin, |n| n.origin),
                gw.label(),
                name.unwrap_or("").to_string(),
            ));
        }
        for l in seq(gw.at("spec.listeners")) {
            let listener_name = get(l, "name").and_then(str_of);
            if section.is_some() && section != listener_name {
                continue;
            }
            let https = matches!(get(l, "protocol").and_then(str_of), Some("HTTPS"));
            if https {
                let host = get(l, "hostname").and_then(str_of).map(str::to_string);
                r.tls.push(Tls {
                    object: i,
                    hosts: match host {
                        Some(h) => vec![h],
                        None => hostnames.clone(),
                    },
                });
            }
        }
    }
}

/// What every match of one route rule (an HTTPRoute rule, a VirtualService `http` entry) shares.
struct RuleRoutes<'a> {
    object: usize,
    hosts: &'a [String],
    at: &'a Path,
    backend: &'a Option<BackendRef>,
    listener: &'a str,
    timeout: &'a Option<(String, Origin, Path)>,
    rewrites: &'a [(String, Origin, Path)],
    host_set: &'a Option<(String, Origin, Path)>,
}

impl RuleRoutes<'_> {
    /// One route per match, each with the rule's hosts, backend, listener and timeout.
    fn push(&self, matches: Vec<(String, Match, Origin)>, out: &mut Vec<Route>) {
        for (path, matching, origin) in matches {
            out.push(Route {
                object: self.object,
                hosts: self.hosts.to_vec(),
                path,
                matching,
                path_type_given: true,
                origin,
                at: self.at.clone(),
                backend: self.backend.clone(),
                listener: self.listener.to_string(),
                timeout: self.timeout.clone(),
                rewrites: self.rewrites.to_vec(),
                host_set: self.host_set.clone(),
                guards: Vec::new(),
            });
        }
    }
}

fn virtual_service(i: usize, o: &Object, objects: &[Object], r: &mut Routing) {
    let hosts = strings(o.at("spec.hosts"));
    let gateways = strings(o.at("spec.gateways"));
    let listener = gateways.join(",");
    for (hi, http) in seq(o.at("spec.http")).iter().enumerate() {
        let at = Path::parse("spec.http").index(hi);
        let mut matches: Vec<(String, Match, Origin)> = seq(get(http, "match"))
            .iter()
            .filter_map(|m| {
                let uri = get(m, "uri")?;
                [
                    ("prefix", Match::Prefix),
                    ("exact", Match::Exact),
                    ("regex", Match::Regex),
                ]
                .into_iter()
                .find_map(|(k, kind)| {
                    let v = get(uri, k)?;
                    Some((str_of(v)?.to_string(), kind, v.origin))
                })
            })
            .collect();
        if matches.is_empty() {
            matches.push(("/".into(), Match::Prefix, http.origin));
        }
        let backend = seq(get(http, "route"))
            .iter()
            .enumerate()
            .find_map(|(di, d)| {
                let dest = get(d, "destination")?;
                let host = get(dest, "host").and_then(str_of)?;
                let mut parts = host.split('.');
                let name = parts.next().unwrap_or(host).to_string();
                let namespace = parts
                    .next()
                    .map(str::to_string)
                    .or_else(|| o.namespace.clone());
                Some(BackendRef {
                    name,
                    port: get(dest, "port")
                        .and_then(|p| get(p, "number"))
                        .and_then(int)
                        .map(PortRef::Number),
                    port_origin: get(dest, "port")
                        .and_then(|p| get(p, "number"))
                        .map_or(dest.origin, |n| n.origin),
                    namespace,
                    origin: get(dest, "host").map_or(dest.origin, |n| n.origin),
                    at: at.key("route").index(di).key("destination"),
                    transport: None,
                })
            });
        let timeout = get(http, "timeout")
            .and_then(|t| str_of(t).map(|s| (s.to_string(), t.origin, at.key("timeout"))));
        let rewrite = get(http, "rewrite");
        let rewrites: Vec<(String, Origin, Path)> = rewrite
            .filter(|w| get(w, "uri").is_some() || get(w, "uriRegexRewrite").is_some())
            .map(|w| ("its `rewrite`".to_string(), w.origin, at.key("rewrite")))
            .into_iter()
            .collect();
        let host_set = rewrite.and_then(|w| get(w, "authority")).and_then(|a| {
            str_of(a).map(|v| (v.to_string(), a.origin, at.key("rewrite").key("authority")))
        });
        let rule = RuleRoutes {
            object: i,
            hosts: &hosts,
            at: &at,
            backend: &backend,
            listener: &listener,
            timeout: &timeout,
            rewrites: &rewrites,
            host_set: &host_set,
        };
        rule.push(matches, &mut r.routes);
    }
    // TLS is on the Istio Gateway's servers
    for g in &gateways {
        let (g_ns, g_name) = match g.split_once('/') {
            Some((ns, n)) => (Some(ns), n),
            None => (o.namespace.as_deref(), g.as_str()),
        };
        let Some(gw) = objects.iter().find(|x| {
            x.kind == "Gateway"
                && x.group() == "networking.istio.io"
                && x.name == g_name
                && (g_ns.is_none() || x.namespace.is_none() || x.namespace.as_deref() == g_ns)
        }) else {
            r.tls_unknown.push(i);
            continue;
        };
        for server in seq(gw.at("spec.servers")) {
            let https = get(server, "tls").is_some_and(|t| {
                get(t, "mode").and_then(str_of) != Some("PASSTHROUGH")
                    && get(t, "httpsRedirect").is_none()
            }) && get(server, "port")
                .and_then(|p| get(p, "protocol"))
                .and_then(str_of)
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"));
            if https {
                let server_hosts = strings(get(server, "hosts"))
                    .into_iter()
                    .map(|h| h.rsplit('/').next().unwrap_or(&h).to_string())
                    .collect();
                r.tls.push(Tls {
                    object: i,
                    hosts: server_hosts,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routing_of(text: &str) -> (Vec<Object>, Routing) {
        let mut sources = crate::values::Sources::default();
        let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
        let (objects, _) = super::super::read(
            &["m.yaml".into()],
            &mut sources,
            &Default::default(),
            &mut read,
        )
        .unwrap();
        let r = routing(&objects);
        (objects, r)
    }

    #[test]
    fn traefik_rules_are_read_into_hosts_and_paths() {
        assert_eq!(
            matcher_args("Host(`a.example`) && PathPrefix(`/auth/realms/`)", "Host"),
            ["a.example"]
        );
        assert_eq!(
            matcher_args("HostRegexp(`^x`) || Host(`a`, `b`)", "Host"),
            ["a", "b"]
        );
        assert_eq!(
            matcher_args(
                "Host(`a`) && (PathPrefix(`/x`) || Path(`/y`))",
                "PathPrefix"
            ),
            ["/x"]
        );
    }

    #[test]
    fn every_kind_gives_routes_with_backends_and_tls() {
        let text = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, namespace: data}\nspec:\n  tls: [{hosts: [a.example], secretName: t}]\n  rules:\n    - host: a.example\n      http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: prod-airbyte-server-svc, port: {name: http}}}}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: data}\nspec:\n  parentRefs: [{name: gw, sectionName: https}]\n  hostnames: [b.example]\n  rules:\n    - backendRefs: [{name: prod-airbyte-server-svc, port: 8001}]\n      timeouts: {request: 30s}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [c.example]\n  http:\n    - match: [{uri: {prefix: /auth}}]\n      route: [{destination: {host: prod-airbyte-keycloak-svc.data.svc.cluster.local, port: {number: 8180}}}]\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n";
        let (objects, r) = routing_of(text);
        assert_eq!(r.routes.len(), 3);
        let b = r.routes[0].backend.as_ref().unwrap();
        assert_eq!(
            (b.name.as_str(), &b.port),
            (
                "prod-airbyte-server-svc",
                &Some(PortRef::Name("http".into()))
            )
        );
        assert_eq!(r.routes[1].path, "/");
        assert_eq!(r.routes[1].timeout.as_ref().unwrap().0, "30s");
        assert_eq!(
            r.routes[2].backend.as_ref().unwrap().name,
            "prod-airbyte-keycloak-svc"
        );
        assert_eq!(
            r.routes[2].backend.as_ref().unwrap().namespace.as_deref(),
            Some("data")
        );
        assert_eq!(
            r.tls,
            [Tls {
                object: 0,
                hosts: vec!["a.example".into()]
            }]
        );
        // the HTTPRoute's Gateway is not in the stream; the VirtualService has none (mesh only)
        assert_eq!(r.tls_unknown, [1]);
        assert_eq!(r.legacy.len(), 1);
        assert_eq!(objects[r.legacy[0].object].name, "old");
    }
}
