//! Checks of the objects people already have (`validate -m`): every object that routes traffic to
//! Airbyte is held to Airbyte's needs (its Services and ports, Keycloak's public paths only, a `/`
//! route, proxy timeouts and body size per controller, defaults included) and to the URL.

use foldhash::{HashMap, HashMapExt};

use crate::airbyte::{
    self, Backend, ChartLine, ChartVersion, INTENT, KEYCLOAK_PUBLIC_PATHS, Ports,
};
use crate::controllers::{
    CLASS_ANNOTATION, families_for_class, family_of,
    floors::{self, Annotations},
    paths::serves_everything,
};
use crate::findings::{Finding, Rule};
use crate::manifests::inventory::Inventory;
use crate::manifests::routes::{Match, PortRef, Route, Routing};
use crate::manifests::{Object, str_of};
use crate::model::PathType;
use crate::names::{host_covers, parse_url};
use crate::values::{Origin, Path};

/// What the checks know of the release, from flags, values or the stream itself.
#[derive(Clone, Debug)]
pub struct Context {
    /// The release whose Services the routes must name; `None` when nothing says.
    pub release: Option<String>,
    pub chart: ChartVersion,
    /// `global.airbyteUrl` and where it was written.
    pub url: Option<(String, Origin)>,
    pub ports: Ports,
    /// Whether the objects are meant to route to Airbyte (`validate -m`), so that finding no route
    /// to it is an error; post-render checks a stream's other objects beside its own.
    pub must_route: bool,
    /// ingress-nginx's controller-wide settings (its ConfigMap), when the inputs hold them: a
    /// timeout or body size set there counts for every Ingress that does not set its own.
    pub nginx_config: Option<crate::manifests::NginxConfig>,
}

/// Every finding about the objects.
pub fn check(
    objects: &[Object],
    inventory: &Inventory,
    routing: &Routing,
    ctx: &Context,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let line = ctx.chart.line().unwrap_or(ChartLine::V2_1);
    for l in &routing.legacy {
        let o = &objects[l.object];
        let origin = o.at("apiVersion").map_or(o.origin(), |n| n.origin);
        out.push(
            Finding::new(
                Rule::ApiVersionRemoved,
                Path::parse("apiVersion"),
                origin,
                format!("{} is `{}`: {}", o.label(), o.api_version, l.why),
            )
            .help(format!("write it as `apiVersion: {}`", l.current)),
        );
    }
    // the routes to Airbyte, and the objects that make them
    let airbyte: Vec<&Route> = routing
        .routes
        .iter()
        .filter(|r| is_airbyte_route(r, ctx))
        .collect();
    let mut routers: Vec<usize> = airbyte.iter().map(|r| r.object).collect();
    // a router that routes nothing is checked as if it were Airbyte's: its settings are what
    // someone meant for it
    let empty: Vec<usize> = routing
        .routers
        .iter()
        .copied()
        .filter(|i| !routing.routes.iter().any(|r| r.object == *i))
        .collect();
    routers.extend(&empty);
    routers.sort_unstable();
    routers.dedup();
    for &i in &routers {
        let o = &objects[i];
        if o.kind == "Ingress" {
            // every backend a Service of the input with node ports: the ALB's `instance` targets
            // reach it (the chart's own Services are ClusterIP)
            let mut backends = routing
                .routes
                .iter()
                .filter(|r| r.object == i)
                .filter_map(|r| r.backend.as_ref())
                .peekable();
            let node_ports = backends.peek().is_some()
                && backends.all(|b| {
                    inventory
                        .service(&b.name, b.namespace.as_deref().or(o.namespace.as_deref()))
                        .is_some_and(|s| s.node_ports)
                });
            ingress_settings(o, ctx.nginx_config.as_ref(), node_ports, &mut out);
        }
    }
    for &i in &empty {
        let o = &objects[i];
        let at = o.at("spec").map_or(o.origin(), |n| n.origin);
        out.push(
            Finding::new(
                Rule::RoutesNothing,
                Path::parse("spec"),
                at,
                format!("{} routes nothing: it has no rule with a path and no default backend, so no request reaches Airbyte through it", o.label()),
            ),
        );
    }
    if ctx.must_route && airbyte.is_empty() && !routing.routers.is_empty() {
        let first = &objects[routing.routers[0]];
        let names: Vec<String> = routing
            .routers
            .iter()
            .take(5)
            .map(|&i| objects[i].label())
            .collect();
        let why = match &ctx.url {
            Some((u, _)) => format!(" or serves the host of `global.airbyteUrl` (`{u}`)"),
            None => String::new(),
        };
        out.push(
            Finding::new(
                Rule::NoAirbyteRoute,
                Path::default(),
                first.origin(),
                format!("nothing routes to Airbyte: no route of {} goes to an Airbyte Service (`<release>-airbyte-server-svc`){why}, so none of Airbyte's needs could be checked", names.join(", ")),
            ),
        );
    }
    for r in &airbyte {
        let o = &objects[r.object];
        if !r.path_type_given {
            out.push(Finding::new(
                Rule::PathTypeMissing,
                r.at.key("pathType"),
                r.origin,
                format!("{}: path `{}` has no `pathType`: networking.k8s.io/v1 requires it and the API server rejects the Ingress", o.label(), r.path),
            ));
        }
        if let Some(b) = &r.backend {
            backend(o, r, b, inventory, ctx, line, &mut out);
        }
        if let Some((value, origin, at)) = &r.timeout {
            route_timeout(o, value, *origin, at.clone(), &mut out);
        }
        for (what, origin, at) in &r.rewrites {
            out.push(
                Finding::new(
                    Rule::RewriteTarget,
                    at.clone(),
                    *origin,
                    format!("{}: {what} rewrites the path of `{}` on its way to Airbyte: its UI and API expect their own paths and break when they are rewritten", o.label(), r.path),
                )
                .help("remove the rewrite; route `/` to the server unchanged"),
            );
        }
        if let Some((value, origin, at)) = &r.host_set {
            let own = r.hosts.iter().any(|h| h.eq_ignore_ascii_case(value));
            if !own {
                out.push(
                    Finding::new(
                        Rule::HostHeaderRewritten,
                        at.clone(),
                        *origin,
                        format!("{}: the route sets the `Host` header to `{value}`: Airbyte then sees another host than the one the browser asked for", o.label()),
                    ),
                );
            }
        }
    }
    let mut exposed_seen = Vec::new();
    for (i, origin, gateway, listener) in &routing.http_exposed {
        if !airbyte.iter().any(|r| r.object == *i) || exposed_seen.contains(i) {
            continue;
        }
        exposed_seen.push(*i);
        let o = &objects[*i];
        out.push(
            Finding::new(
                Rule::HttpListenerAttached,
                Path::parse("spec.parentRefs"),
                *origin,
                format!("{}: attached with no `sectionName` to {gateway}, it binds to the plain-HTTP listener `{listener}` too: Airbyte is served over HTTP, with no redirect to HTTPS", o.label()),
            )
            .help(format!("attach it to the HTTPS listener (`sectionName`), and give `{listener}` a route that redirects to HTTPS")),
        );
    }
    transports(objects, &airbyte, &mut out);
    nginx_gateway_fabric(objects, &airbyte, &mut out);
    extensions(objects, &mut out);
    root_routes(objects, &airbyte, inventory, &mut out);
    duplicates(objects, &airbyte, &mut out);
    url(objects, &airbyte, routing, ctx, &mut out);
    if let Some(first) = routers
        .iter()
        .map(|&i| &objects[i])
        .find(|o| o.kind == "IngressRoute")
    {
        out.push(
            Finding::new(
                Rule::TraefikEntrypointTimeout,
                Path::default(),
                first.origin(),
                format!("{}: Traefik's entrypoints end a request after `readTimeout` (60s by default since v3.0), whatever the ServersTransport allows", first.label()),
            )
            .help(format!("raise it to {} for the entrypoints these routes use (`--entryPoints.websecure.transport.respondingTimeouts.readTimeout`)", INTENT.request_timeout())),
        );
    }
    out
}

/// Whether a route is Airbyte's: it names an Airbyte Service, or serves the URL's host.
fn is_airbyte_route(r: &Route, ctx: &Context) -> bool {
    let names_airbyte = r
        .backend
        .as_ref()
        .is_some_and(|b| crate::airbyte::names_airbyte(&b.name));
    let url_host = ctx
        .url
        .as_ref()
        .and_then(|(u, _)| parse_url(u).map(|u| u.host.to_ascii_lowercase()));
    let serves_url = url_host
        .as_deref()
        .is_some_and(|h| r.hosts.iter().any(|rh| host_covers(rh, h)));
    names_airbyte || serves_url
}

/// The class, annotations and floors of an Ingress that routes to Airbyte.
fn ingress_settings(
    o: &Object,
    nginx: Option<&crate::manifests::NginxConfig>,
    node_ports: bool,
    out: &mut Vec<Finding>,
) {
    let ann = o.annotations();
    let ann_node = |key: &str| {
        o.at("metadata.annotations")
            .and_then(|a| a.as_map())
            .and_then(|a| a.get(key))
    };
    let ann_path = |key: &str| Path::parse("metadata.annotations").key(key);
    let class_node = o.at("spec.ingressClassName");
    let class = class_node
        .and_then(str_of)
        .or_else(|| ann.get(CLASS_ANNOTATION).map(String::as_str));
    if let Some(legacy) = ann.get(CLASS_ANNOTATION) {
        let origin = ann_node(CLASS_ANNOTATION).map_or(o.origin(), |n| n.key_origin);
        let (message, help) = match class_node.and_then(str_of) {
            Some(field) => (
                format!(
                    "{}: both `spec.ingressClassName: {field}` and the deprecated annotation `{CLASS_ANNOTATION}: {legacy}` are set; ingress-nginx reads the field first, the AWS Load Balancer Controller the annotation",
                    o.label()
                ),
                "delete the annotation; `spec.ingressClassName` is the field".to_string(),
            ),
            None => (
                format!(
                    "{}: the class is set with the deprecated annotation `{CLASS_ANNOTATION}: {legacy}`",
                    o.label()
                ),
                format!("write `spec.ingressClassName: {legacy}` and delete the annotation"),
            ),
        };
        out.push(
            Finding::new(
                Rule::ClassAnnotationDeprecated,
                ann_path(CLASS_ANNOTATION),
                origin,
                message,
            )
            .help(help),
        );
    }
    for key in ann.keys() {
        if let Some((rule, message, help)) = super::annotations::risk(key) {
            let origin = ann_node(key).map_or(o.origin(), |n| n.key_origin);
            out.push(
                Finding::new(
                    rule,
                    ann_path(key),
                    origin,
                    format!("{}: {message}", o.label()),
                )
                .help(help),
            );
        }
    }
    if class.is_none() {
        out.push(
            Finding::new(
                Rule::ClassMissing,
                Path::parse("spec.ingressClassName"),
                o.at("spec").map_or(o.origin(), |n| n.origin),
                format!("{}: no `spec.ingressClassName` (nor the legacy annotation): only the cluster's default IngressClass, if there is one, makes a controller serve it, and nothing checks that controller's settings; if it is ingress-nginx, its defaults answer 504 after 60 s and 413 above 1m", o.label()),
            )
            .help("set `spec.ingressClassName` (e.g. `nginx`, `alb`, `traefik`) and that controller's timeouts and body size"),
        );
    }
    let Some((class, families)) = class.and_then(|c| families_for_class(c).map(|f| (c, f))) else {
        // no class (or one this tool does not know): the annotations say which controller was
        // meant when they are all of one family, and what that controller would not read is said
        let mut fams: Vec<crate::controllers::Family> =
            ann.keys().filter_map(|k| family_of(k)).collect();
        fams.dedup();
        if let [family] = fams.as_slice() {
            for v in crate::controllers::keys::judge(*family, Annotations::Plain(&ann)) {
                let origin = match (v.on_key, ann_node(&v.key)) {
                    (true, Some(n)) => n.key_origin,
                    (false, Some(n)) => n.origin,
                    _ => o.origin(),
                };
                out.push(
                    Finding::new(
                        v.rule,
                        ann_path(&v.key),
                        origin,
                        format!("{}: {}", o.label(), v.message),
                    )
                    .help(v.help),
                );
            }
        }
        return;
    };
    for key in ann.keys() {
        if let Some(fam) = family_of(key)
            && !families.contains(&fam)
        {
            let origin = ann_node(key).map_or(o.origin(), |n| n.key_origin);
            out.push(Finding::new(
                Rule::AnnotationFamilyMismatch,
                ann_path(key),
                origin,
                format!("{}: annotation `{key}` is for {}, but the class `{class}` belongs to {}, which ignores it", o.label(), fam.controller(), families[0].controller()),
            ));
        }
    }
    let class_origin = class_node
        .map(|n| n.origin)
        .or_else(|| ann_node(CLASS_ANNOTATION).map(|n| n.origin))
        .unwrap_or(o.origin());
    let f5 = ann
        .keys()
        .any(|k| family_of(k) == Some(crate::controllers::Family::F5Nginx));
    if let Some((rule, message, help)) = super::edition::lifecycle_of(class, f5) {
        out.push(
            Finding::new(
                rule,
                Path::parse("spec.ingressClassName"),
                class_origin,
                format!("{}: {message}", o.label()),
            )
            .help(help),
        );
    }
    // ingress-nginx's ConfigMap sets what an Ingress leaves out, for every Ingress of the class
    let mut judged = ann.clone();
    let mut from_config: Vec<(String, Origin)> = Vec::new();
    if let (Some(cfg), crate::controllers::Family::IngressNginx) = (nginx, families[0]) {
        for (key, (value, origin)) in &cfg.values {
            let name = format!("nginx.ingress.kubernetes.io/{key}");
            if !judged.contains_key(&name) {
                judged.insert(name.clone(), value.clone());
                from_config.push((name, *origin));
            }
        }
    }
    let verdicts = floors::judge(families[0], Annotations::Plain(&judged), &INTENT)
        .into_iter()
        .chain(crate::controllers::keys::judge(
            families[0],
            Annotations::Plain(&ann),
        ));
    for v in verdicts {
        // `instance` targets work when the Services routed to have node ports
        if v.rule == Rule::AlbTargetType
            && node_ports
            && ann.get(ALB_TARGET_TYPE).is_none_or(|t| t == "instance")
        {
            continue;
        }
        let config = from_config.iter().find(|(k, _)| *k == v.key);
        let origin = match (config, v.on_key, v.set, ann_node(&v.key)) {
            (Some((_, at)), ..) => *at,
            (None, true, _, Some(n)) => n.key_origin,
            (None, false, true, Some(n)) => n.origin,
            _ => class_origin,
        };
        let message = match (config, nginx) {
            (Some(_), Some(cfg)) => format!(
                "{}: {} (set for every Ingress by ingress-nginx's controller settings in {})",
                o.label(),
                v.message,
                cfg.label
            ),
            _ => format!("{}: {}", o.label(), v.message),
        };
        out.push(Finding::new(v.rule, ann_path(&v.key), origin, message).help(v.help));
    }
}

const ALB_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";

/// Which Airbyte Service a name is, and for which release, in the words messages use.
fn airbyte_service(name: &str) -> Option<(&str, &'static str)> {
    airbyte::read_service_name(name).map(|(release, kind)| (release, kind.word()))
}

#[allow(clippy::too_many_arguments)]
fn backend(
    o: &Object,
    r: &Route,
    b: &crate::manifests::routes::BackendRef,
    inventory: &Inventory,
    ctx: &Context,
    line: ChartLine,
    out: &mut Vec<Finding>,
) {
    let release = ctx.release.as_deref();
    let server = release.map(|rel| airbyte::service_name(rel, Backend::Server));
    let finding = |rule: Rule, message: String, help: String| {
        Finding::new(
            rule,
            b.at.clone(),
            b.origin,
            format!("{}: {message}", o.label()),
        )
        .help(help)
    };
    // a wrong port is pointed at where the port is written
    let port_finding = |message: String, help: String| {
        Finding::new(
            Rule::BackendPortWrong,
            b.at.clone(),
            b.port_origin,
            format!("{}: {message}", o.label()),
        )
        .help(help)
    };
    let service_ns = b.namespace.as_deref().or(o.namespace.as_deref());
    let defined = inventory.service(&b.name, service_ns).is_some();
    let fix = server
        .clone()
        .unwrap_or_else(|| "<release>-airbyte-server-svc".to_string());
    let known = airbyte_service(&b.name);
    // what the chart renders
    match known {
        Some((_, "webapp")) => {
            out.push(finding(
                Rule::BackendServiceUnknown,
                format!("the route to `{}` goes to the webapp Service, which charts since 2.0.8 do not render: the server serves the UI since Airbyte 1.7", b.name),
                format!("route `{}` to `{fix}` (port 8001)", r.path),
            ));
            return;
        }
        Some((_, "connector-builder")) if line == ChartLine::V2_1 => {
            out.push(finding(
                Rule::BackendServiceUnknown,
                format!("the route to `{}` goes to the connector builder Service, which chart {} does not render (removed in 2.1.0; the server serves the builder under `/`)", b.name, ctx.chart),
                format!("remove the route for `{}`: `/` to `{fix}` covers it", r.path),
            ));
            return;
        }
        Some((rel, what)) if release.is_some_and(|r| r != rel) => {
            let want = release.unwrap_or_default();
            out.push(finding(
                Rule::BackendServiceUnknown,
                format!(
                    "`{}` is the {what} Service of release `{rel}`, but the release is `{want}`",
                    b.name
                ),
                format!(
                    "use `{want}-airbyte-{}-svc`",
                    if what == "connector-builder" {
                        "connector-builder-server"
                    } else {
                        what
                    }
                ),
            ));
            return;
        }
        None if b.name.contains("airbyte") && !defined => {
            // an Airbyte-looking name the chart never renders (`airbyte-server`, `airbyte-webapp`)
            out.push(finding(
                Rule::BackendServiceUnknown,
                format!("`{}` is not a Service the Airbyte chart renders (its Services are `<release>-airbyte-server-svc`, `<release>-airbyte-keycloak-svc`)", b.name),
                format!("route `{}` to `{fix}`", r.path),
            ));
            return;
        }
        // a Service the manifests define themselves is known, whatever its name
        None if !defined => return,
        None | Some(_) => {}
    }
    // the Service itself, when the stream holds it or the release's Services
    let expected_port = match known.map(|k| k.1) {
        Some("keycloak") => airbyte::KEYCLOAK_PORT,
        Some("connector-builder") => ctx.ports.builder,
        _ => ctx.ports.server,
    };
    let (port_name, port_number): (Option<&str>, u16) = match inventory.service(&b.name, service_ns)
    {
        Some(svc) => {
            let first = svc.ports.first();
            let Some(port) = &b.port else { return };
            let ok = svc.ports.iter().any(|(name, number)| match port {
                PortRef::Number(n) => n == number,
                PortRef::Name(n) => name.as_deref() == Some(n.as_str()),
            });
            if !ok {
                let listed: Vec<String> = svc
                    .ports
                    .iter()
                    .map(|(n, p)| match n {
                        Some(n) => format!("`{p}` (`{n}`)"),
                        None => format!("`{p}`"),
                    })
                    .collect();
                out.push(port_finding(
                    format!(
                        "Service `{}` has no port {}; its ports: {}",
                        b.name,
                        port_text(port),
                        listed.join(", ")
                    ),
                    format!("use port {}", first.map_or(expected_port, |p| p.1)),
                ));
            }
            return;
        }
        None if known.is_some_and(|(rel, _)| inventory.has_services_of(rel)) => {
            let rel = known.map_or("", |k| k.0);
            let names: Vec<String> = inventory
                .services
                .iter()
                .filter(|s| s.name.starts_with(&format!("{rel}-airbyte-")))
                .map(|s| format!("`{}`", s.name))
                .collect();
            let help = match known.map(|k| k.1) {
                Some("keycloak") => "Keycloak runs only with `global.edition: enterprise` and `keycloak.enabled: true`: enable it, or remove the route".to_string(),
                _ => format!("route `{}` to one of the Services listed", r.path),
            };
            out.push(finding(
                Rule::BackendServiceUnknown,
                format!(
                    "there is no Service `{}` among the release's Services: {}",
                    b.name,
                    names.join(", ")
                ),
                help,
            ));
            return;
        }
        // every Service the chart renders for a route names its port `http`
        None => (Some(airbyte::PORT_NAME), expected_port),
    };
    let ok = match &b.port {
        None => true,
        Some(PortRef::Number(n)) => *n == port_number,
        Some(PortRef::Name(n)) => Some(n.as_str()) == port_name,
    };
    if !ok && let Some(port) = &b.port {
        out.push(port_finding(
            format!(
                "`{}` is reached on port {port_number}{}, not {}",
                b.name,
                port_name.map(|n| format!(" (`{n}`)")).unwrap_or_default(),
                port_text(port)
            ),
            format!("use port {port_number}"),
        ));
    }
}

fn port_text(p: &PortRef) -> String {
    match p {
        PortRef::Number(n) => format!("`{n}`"),
        PortRef::Name(n) => format!("`{n}`"),
    }
}

/// A timeout written on a route (HTTPRoute `timeouts.request`, VirtualService `timeout`).
fn route_timeout(o: &Object, value: &str, origin: Origin, at: Path, out: &mut Vec<Finding>) {
    let floor = INTENT.timeout_floor_s as f64;
    match floors::duration_seconds(value) {
        // 0 turns the timeout off
        Some(s) if s == 0.0 || s >= floor => {}
        secs => out.push(
            Finding::new(
                Rule::TimeoutTooLow,
                at,
                origin,
                match secs {
                    Some(_) => format!("{}: the request timeout is `{value}`: Airbyte's checks and discovers take minutes and get 504s under {floor} s", o.label()),
                    None => format!("{}: the request timeout `{value}` is not a duration such as `600s`", o.label()),
                },
            )
            .help(format!("set it to `{}`", INTENT.request_timeout())),
        ),
    }
}

/// Traefik: the ServersTransports that Airbyte's IngressRoute services name.
fn transports(objects: &[Object], airbyte: &[&Route], out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for r in airbyte {
        let Some(name) = r.backend.as_ref().and_then(|b| b.transport.as_deref()) else {
            continue;
        };
        let ns = objects[r.object].namespace.as_deref();
        let Some(st) = objects.iter().find(|o| {
            o.kind == "ServersTransport"
                && o.name == name
                && (ns.is_none() || o.namespace.as_deref() == ns)
        }) else {
            continue;
        };
        if seen.contains(&st.name) {
            continue;
        }
        seen.push(st.name.clone());
        if let Some(t) = st.at("spec.forwardingTimeouts.responseHeaderTimeout") {
            let value = match &t.value {
                crate::values::Value::Int(i) => i.to_string(),
                _ => str_of(t).unwrap_or("").to_string(),
            };
            route_timeout(
                st,
                &value,
                t.origin,
                Path::parse("spec.forwardingTimeouts.responseHeaderTimeout"),
                out,
            );
        }
    }
}

/// NGINX Gateway Fabric (a parent Gateway of class `nginx` in the input): it ignores HTTPRoute
/// `timeouts` (an unsupported field in its graph), so NGINX's 60 s read timeout and 1m body limit
/// hold unless a ProxySettingsPolicy and a ClientSettingsPolicy on the Gateway or the route raise
/// them.
fn nginx_gateway_fabric(objects: &[Object], airbyte: &[&Route], out: &mut Vec<Finding>) {
    use crate::values::Value;
    let mut seen: Vec<usize> = Vec::new();
    for r in airbyte {
        let o = &objects[r.object];
        if o.kind != "HTTPRoute" || seen.contains(&r.object) {
            continue;
        }
        seen.push(r.object);
        let ns = o.namespace.as_deref();
        let parents: Vec<&Object> = match o.at("spec.parentRefs").map(|n| &n.value) {
            Some(Value::Seq(refs)) => refs
                .iter()
                .filter_map(|p| str_of(p.at(&Path::parse("name"))?))
                .filter_map(|name| {
                    objects.iter().find(|g| {
                        g.kind == "Gateway"
                            && g.group() == "gateway.networking.k8s.io"
                            && g.name == name
                            && (ns.is_none() || g.namespace.as_deref() == ns)
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let Some(gw) = parents.into_iter().find(|g| {
            g.at("spec.gatewayClassName")
                .and_then(str_of)
                .is_some_and(|c| {
                    crate::controllers::gateway_impl(c)
                        == crate::controllers::GatewayImpl::NginxGatewayFabric
                })
        }) else {
            continue;
        };
        // the policy of a kind that targets this Gateway or this route
        let policy = |kind: &str| {
            objects.iter().find(|p| {
                p.kind == kind
                    && p.group() == "gateway.nginx.org"
                    && (ns.is_none() || p.namespace.as_deref() == ns)
                    && targets(p, &gw.name, &o.name)
            })
        };
        let mut missing = Vec::new();
        match policy("ProxySettingsPolicy").and_then(|p| p.at("spec.timeout.read").map(|t| (p, t))) {
            Some((p, t)) => {
                let value = str_of(t).unwrap_or_default().to_string();
                route_timeout(p, &value, t.origin, Path::parse("spec.timeout.read"), out);
            }
            None => missing.push(format!(
                "ProxySettingsPolicy setting `timeout.read` and `timeout.send` to {} (NGINX's 60 s answers 504 to checks and discovers{})",
                INTENT.request_timeout(),
                if r.timeout.is_some() { "; the route's `timeouts` are ignored" } else { "" }
            )),
        }
        match policy("ClientSettingsPolicy").and_then(|p| p.at("spec.body.maxSize").map(|t| (p, t))) {
            Some((p, t)) => {
                let value = str_of(t).unwrap_or_default();
                let ok = floors::nginx_size(value).is_some_and(|b| b == 0 || b >= INTENT.body_floor_bytes);
                if !ok {
                    out.push(
                        Finding::new(
                            Rule::BodySizeTooLow,
                            Path::parse("spec.body.maxSize"),
                            t.origin,
                            format!("{}: `body.maxSize: {value}` is under Airbyte's 10 MB: large catalog saves get 413", p.label()),
                        )
                        .help(format!("set `body.maxSize: {}`", INTENT.body_size())),
                    );
                }
            }
            None => missing.push(format!(
                "ClientSettingsPolicy setting `body.maxSize: {}` (NGINX's 1m answers 413 to large catalog saves)",
                INTENT.body_size()
            )),
        }
        if !missing.is_empty() {
            let at = o.at("spec.parentRefs").map_or(o.origin(), |n| n.origin);
            out.push(
                Finding::new(
                    Rule::NgfPolicyMissing,
                    Path::parse("spec.parentRefs"),
                    at,
                    format!(
                        "{}: attached to {}, a Gateway of NGINX Gateway Fabric, with no {}",
                        o.label(),
                        gw.label(),
                        missing.join(", and no ")
                    ),
                )
                .help("add the policies for the Gateway (`airbyte-ingress render --target gateway-api --gateway-class nginx` writes both)"),
            );
        }
    }
}

/// Whether a policy's `targetRef` or `targetRefs` names this Gateway or this HTTPRoute.
fn targets(policy: &Object, gateway: &str, route: &str) -> bool {
    use crate::values::Value;
    let one = |t: &crate::values::Node| {
        let kind = t.at(&Path::parse("kind")).and_then(str_of);
        let name = t.at(&Path::parse("name")).and_then(str_of);
        matches!((kind, name), (Some("Gateway"), Some(n)) if n == gateway)
            || matches!((kind, name), (Some("HTTPRoute"), Some(n)) if n == route)
    };
    let single = policy.at("spec.targetRef").is_some_and(one);
    let many = match policy.at("spec.targetRefs").map(|n| &n.value) {
        Some(Value::Seq(refs)) => refs.iter().any(one),
        _ => false,
    };
    single || many
}

/// Application Gateway for Containers: request timeouts in the IngressExtensions of Airbyte's
/// Services.
fn extensions(objects: &[Object], out: &mut Vec<Finding>) {
    for o in objects.iter().filter(|o| o.kind == "IngressExtension") {
        let Some(crate::values::Value::Seq(settings)) =
            o.at("spec.backendSettings").map(|n| &n.value)
        else {
            continue;
        };
        for (i, s) in settings.iter().enumerate() {
            let m = s.as_map();
            let service = m
                .and_then(|m| m.get("service"))
                .and_then(str_of)
                .unwrap_or("");
            if !service.contains("airbyte") {
                continue;
            }
            if let Some(t) = m
                .and_then(|m| m.get("timeouts"))
                .and_then(|t| t.as_map())
                .and_then(|t| t.get("requestTimeout"))
            {
                let at = Path::parse("spec.backendSettings")
                    .index(i)
                    .key("timeouts")
                    .key("requestTimeout");
                route_timeout(o, str_of(t).unwrap_or(""), t.origin, at, out);
            }
        }
    }
}

/// Whether a route reaches the backend for every path, in the forms its controller reads.
fn catch_all(o: &Object, r: &Route) -> bool {
    match (o.kind.as_str(), r.matching) {
        ("Ingress", m) => {
            let ann = o.annotations();
            let class = o
                .str_at("spec.ingressClassName")
                .or_else(|| ann.get(CLASS_ANNOTATION).map(String::as_str));
            let family = class.and_then(families_for_class).map(|f| f[0]);
            let regex = ann
                .get("nginx.ingress.kubernetes.io/use-regex")
                .is_some_and(|v| v == "true")
                || ann.contains_key("nginx.ingress.kubernetes.io/rewrite-target");
            let path_type = match m {
                Match::Prefix => Some(PathType::Prefix),
                Match::Exact => Some(PathType::Exact),
                _ if r.path_type_given => Some(PathType::ImplementationSpecific),
                _ => None,
            };
            serves_everything(family, &r.path, path_type, regex)
        }
        (_, Match::Prefix) => r.path == "/" || r.path.is_empty(),
        (_, Match::Regex) => matches!(
            r.path.as_str(),
            "/" | "^/" | "/.*" | "^/.*" | ".*" | "^/(.*)"
        ),
        _ => false,
    }
}

/// Every host Airbyte is served on has a route for `/` to the server.
fn root_routes(
    objects: &[Object],
    airbyte: &[&Route],
    inventory: &Inventory,
    out: &mut Vec<Finding>,
) {
    let mut hosts: Vec<(String, &Route)> = Vec::new();
    for r in airbyte.iter().filter(|r| r.backend.is_some()) {
        let keys = if r.hosts.is_empty() {
            vec![String::new()]
        } else {
            r.hosts.iter().map(|h| h.to_ascii_lowercase()).collect()
        };
        for h in keys {
            if !hosts.iter().any(|(k, _)| *k == h) {
                hosts.push((h, r));
            }
        }
    }
    for (host, first) in hosts {
        let served = airbyte.iter().any(|r| {
            let on_host =
                r.hosts.is_empty() || r.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
            // the chart's server Service, or a Service the manifests define by hand that is not
            // one of Airbyte's others (plain-manifest installs name theirs as they like)
            let to_server = r.backend.as_ref().is_some_and(|b| {
                matches!(airbyte_service(&b.name), Some((_, "server")))
                    || (airbyte_service(&b.name).is_none()
                        && inventory
                            .service(
                                &b.name,
                                b.namespace
                                    .as_deref()
                                    .or(objects[r.object].namespace.as_deref()),
                            )
                            .is_some()
                        && !["keycloak", "builder", "webapp"]
                            .iter()
                            .any(|w| b.name.contains(w)))
            });
            on_host && to_server && catch_all(&objects[r.object], r)
        });
        if !served {
            let o = &objects[first.object];
            let shown = if host.is_empty() {
                "every host".to_string()
            } else {
                format!("host `{host}`")
            };
            out.push(
                Finding::new(
                    Rule::RootRouteMissing,
                    first.at.clone(),
                    first.origin,
                    format!("{}: no route for `/` on {shown} goes to the Airbyte server: its UI and API are served from the root", o.label()),
                )
                .help("route `/` (Prefix) to `<release>-airbyte-server-svc` port 8001"),
            );
        }
    }
    // Keycloak: only its public paths
    for r in airbyte {
        let Some(b) = &r.backend else { continue };
        if !matches!(airbyte_service(&b.name), Some((_, "keycloak")))
            && !b.name.contains("keycloak")
        {
            continue;
        }
        let path = r.path.trim_end_matches('/');
        let public = match r.matching {
            Match::Regex => KEYCLOAK_PUBLIC_PATHS.iter().any(|p| {
                r.path.starts_with(&format!("^{p}/")) || r.path.starts_with(&format!("{p}/"))
            }),
            _ => KEYCLOAK_PUBLIC_PATHS
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/"))),
        };
        if !public {
            let o = &objects[r.object];
            out.push(
                Finding::new(
                    Rule::KeycloakAdminExposed,
                    r.at.clone(),
                    r.origin,
                    format!("{}: `{}` goes to Keycloak (`{}`): that exposes more than its public pages, the admin console included", o.label(), r.path, b.name),
                )
                .help("route only `/auth/realms` and `/auth/resources` (Prefix) to Keycloak"),
            );
        }
    }
}

/// The same host and path twice on the same listeners.
fn duplicates(objects: &[Object], airbyte: &[&Route], out: &mut Vec<Finding>) {
    let mut seen: HashMap<(String, String, String, Match), &Route> = HashMap::new();
    for r in airbyte.iter().filter(|r| r.backend.is_some()) {
        let hosts = if r.hosts.is_empty() {
            vec![String::new()]
        } else {
            r.hosts.clone()
        };
        for h in hosts {
            let key = (
                r.listener.clone(),
                h.to_ascii_lowercase(),
                r.path.clone(),
                r.matching,
            );
            let same_object = |a: usize, b: usize| {
                let (a, b) = (&objects[a], &objects[b]);
                a.group() == b.group()
                    && a.kind == b.kind
                    && a.namespace == b.namespace
                    && a.name == b.name
            };
            match seen.get(&key) {
                // one object read twice (two files, a copy beside a symlink) is one object
                Some(first) if first.object != r.object && same_object(first.object, r.object) => {}
                Some(first) if !(first.object == r.object && first.at == r.at) => {
                    let o = &objects[r.object];
                    out.push(
                        Finding::new(
                            Rule::HostPathDuplicate,
                            r.at.clone(),
                            r.origin,
                            format!("{}: host `{h}` path `{}` is routed twice (first in {}); ingress-nginx's admission webhook rejects it and other controllers pick one", o.label(), r.path, objects[first.object].label()),
                        )
                        .also(first.origin),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(key, r);
                }
            }
        }
    }
}

/// `global.airbyteUrl`'s host is served, over TLS when it is `https`.
fn url(
    objects: &[Object],
    airbyte: &[&Route],
    routing: &Routing,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let Some((raw, origin)) = &ctx.url else {
        return;
    };
    let Some(u) = parse_url(raw) else { return };
    if airbyte.is_empty() {
        return;
    }
    let host = u.host.trim_end_matches('.').to_ascii_lowercase();
    let serving: Vec<&&Route> = airbyte
        .iter()
        .filter(|r| r.hosts.is_empty() || r.hosts.iter().any(|h| host_covers(h, &host)))
        .collect();
    if serving.is_empty() {
        let first = airbyte[0];
        let hosts: Vec<String> = {
            let mut h: Vec<String> = airbyte
                .iter()
                .flat_map(|r| r.hosts.iter().cloned())
                .collect();
            h.sort();
            h.dedup();
            h.into_iter().take(5).map(|h| format!("`{h}`")).collect()
        };
        out.push(
            Finding::new(
                Rule::UrlHostMismatch,
                Path::parse("global.airbyteUrl"),
                *origin,
                format!("`global.airbyteUrl` host `{host}` is not served by the routes to Airbyte; they serve {} ({})", hosts.join(", "), objects[first.object].label()),
            )
            .help("make the URL and the routes' hosts name the same host")
            .also(first.origin),
        );
        return;
    }
    if !u.scheme.eq_ignore_ascii_case("https") {
        return;
    }
    let covered = serving.iter().any(|r| {
        routing.tls_unknown.contains(&r.object)
            || routing.tls.iter().any(|t| {
                t.object == r.object
                    && (t.hosts.is_empty() || t.hosts.iter().any(|h| host_covers(h, &host)))
            })
    });
    if !covered {
        let first = serving[0];
        out.push(
            Finding::new(
                Rule::UrlHttpsWithoutTls,
                Path::parse("global.airbyteUrl"),
                *origin,
                format!("`global.airbyteUrl` is `https`, but no route to Airbyte serves a certificate for `{host}` ({} has no TLS for it): unless TLS ends before the ingress, browsers get the controller's default certificate", objects[first.object].label()),
            )
            .help("add a TLS section for the host (an Ingress's `tls`, an IngressRoute's `tls`, a Gateway's HTTPS listener), or the controller's certificate annotation")
            .also(first.origin),
        );
    }
}
