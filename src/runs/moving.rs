//! `render -m EXISTING --target T`: the routes a team already has to Airbyte (an ingress-nginx,
//! ALB, AGC or Traefik-annotated Ingress, a Traefik IngressRoute), read back into the values that
//! say the same (hosts, paths to Airbyte's Services, TLS, class, annotations, URL, release), each
//! value at the line of the input it came from, so that every target renders from them and every
//! finding points into the input. What the input asked for beyond Airbyte's floors (a longer
//! timeout, a larger body) is kept; what a chart version does not render is corrected, with a
//! warning at the input's line.

use super::{Checked, Failure, RunOptions};
use crate::airbyte::{self, Backend, ServiceKind};
use crate::controllers::Equivalent;
use crate::findings::{Finding, Rule};
use crate::inputs::ReadFn;
use crate::inputs::wrapper::{InputKind, Known, Layer, Release};
use crate::manifests::routes::{Match, Route, routing};
use crate::manifests::{self, Object, str_of};
use crate::source::{Map, Node, Origin, Sources, Value};
use crate::values::Path;

/// What the input asked for beyond the routes, for the target's intent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Asked {
    /// The longest read/send/request timeout the input sets, in seconds.
    pub timeout_s: Option<u64>,
    /// The largest body size, in MiB.
    pub body_mib: Option<u64>,
}

/// The input read back into values, with what was noticed on the way.
pub struct Moved {
    pub release: Release,
    pub sources: Sources,
    pub findings: Vec<Finding>,
    pub asked: Asked,
    /// What was read, for `-v`.
    pub notes: Vec<String>,
    /// Where `global.airbyteUrl` was taken from a route's host, for want of the release's own.
    pub derived_url: Option<Origin>,
}

fn node(value: Value, origin: Origin) -> Node {
    Node::new(value, origin)
}

fn string(s: &str, origin: Origin) -> Node {
    node(Value::Str(s.to_string()), origin)
}

fn map(entries: Vec<(&str, Node)>, origin: Origin) -> Node {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v);
    }
    node(Value::Map(m), origin)
}

/// Reads the manifest files into the values they stand for.
pub fn read(files: &[String], opts: &RunOptions, read: ReadFn<'_>) -> Result<Moved, Failure> {
    let mut sources = Sources::default();
    let (objects, _) =
        manifests::read(files, &mut sources, &opts.inputs.limits, read).map_err(Failure::Input)?;
    let inventory = manifests::inventory::inventory(&objects);
    let r = routing(&objects);
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    // the routes to Airbyte's Services, and the release their names say
    let airbyte: Vec<(&Route, &str, ServiceKind)> = r
        .routes
        .iter()
        .filter_map(|route| {
            let b = route.backend.as_ref()?;
            let (release, kind) = airbyte::read_service_name(&b.name)?;
            Some((route, release, kind))
        })
        .collect();
    // what a move reads: the routes, and the Services and ConfigMaps that name the release; every
    // other kind is listed as not read
    let not_read: Vec<String> = objects
        .iter()
        .filter(|o| {
            !matches!(
                o.kind.as_str(),
                "Ingress"
                    | "IngressRoute"
                    | "HTTPRoute"
                    | "VirtualService"
                    | "Gateway"
                    | "ServersTransport"
                    | "IngressExtension"
                    | "Middleware"
                    | "Service"
                    | "ConfigMap"
            )
        })
        .map(Object::label)
        .collect();
    // what guards a route to Airbyte beyond its annotations (a Traefik Middleware): no output
    // carries it, so a move would open Airbyte, and one the input does not hold is not known
    let target = opts.target.and_then(|t| t.controller());
    let mut guarded = Vec::new();
    for (route, ..) in &airbyte {
        for g in &route.guards {
            if guarded.contains(&(&g.origin, &g.what)) {
                continue; // one route object, several paths
            }
            guarded.push((&g.origin, &g.what));
            let label = objects[route.object].label();
            let finding = match (g.access, target) {
                // nothing is rendered for a controller
                (Some(_), None) => None,
                (Some(access), Some(controller)) => Some(Finding::new(
                    Rule::AccessControlDropped,
                    g.at.clone(),
                    g.origin,
                    format!(
                        "{label}: {} limits who can reach Airbyte ({}); the `{}` output does not carry a route's Middlewares, so Airbyte would answer every client that reaches the proxy",
                        g.what,
                        access.describe(),
                        controller.output_name()
                    ),
                )
                .help(format!(
                    "restrict access the target's way first: {}; then move the route without the Middleware",
                    crate::controllers::access_advice(controller, access, &opts.settings)
                ))),
                (None, _) => Some(Finding::new(
                    Rule::CannotAssess,
                    g.at.clone(),
                    g.origin,
                    format!(
                        "{label}: the route names {}, which the input does not hold: whether it limits who can reach Airbyte cannot be assessed, and the output does not carry it",
                        g.what
                    ),
                )
                .help("pass the Middleware with the route (`kubectl get middleware -o yaml`), or check that the output keeps out whom it kept out")),
            };
            findings.extend(finding);
        }
    }
    for label in &not_read {
        notes.push(format!(
            "not read: {label} (render -m moves Ingress, IngressRoute, HTTPRoute and VirtualService routes)"
        ));
    }
    let first_origin = objects.first().map_or(Origin::Default, Object::origin);
    let release_name = if opts.given.release {
        opts.release.clone()
    } else {
        airbyte.first().map_or_else(
            || opts.release.clone(),
            |(_, release, _)| release.to_string(),
        )
    };
    let read_namespace = airbyte
        .first()
        .and_then(|(route, ..)| objects[route.object].namespace.clone());
    let at = airbyte
        .first()
        .map_or(first_origin, |(route, ..)| objects[route.object].origin());
    let namespace = match (opts.given.namespace, read_namespace) {
        (true, _) => opts.namespace.clone(),
        (false, Some(ns)) => ns,
        (false, None) => {
            // a route with no namespace goes where `kubectl apply -n` or a kustomization put it:
            // the output names one, so which is said, not guessed silently
            if let Some((route, ..)) = airbyte.first() {
                findings.push(
                    Finding::new(
                        Rule::CannotAssess,
                        Path::default(),
                        at,
                        format!(
                            "{} names no namespace, so the one Airbyte runs in is not known: the output is written for namespace `{}`",
                            objects[route.object].label(),
                            opts.namespace
                        ),
                    )
                    .help("pass `--namespace` with the namespace Airbyte runs in"),
                );
            }
            opts.namespace.clone()
        }
    };
    let file = files
        .first()
        .map(|f| crate::inputs::shown_name(f))
        .unwrap_or_default();
    let mut release = Release::new(
        InputKind::Manifests,
        &file,
        at,
        Known::new("airbyte".to_string(), "", Origin::Default),
    );
    release.name = Some(Known::new(
        release_name.clone(),
        "the Services the routes name",
        at,
    ));
    // the chart version: `--chart-version`, else the one the objects' `helm.sh/chart` labels name,
    // else the newest
    release.version = Some(match (&inventory.chart, opts.given.chart) {
        (Some(seen), false) => Known::new(seen.value.to_string(), seen.from.clone(), seen.origin),
        _ => Known::new(opts.chart.to_string(), "--chart-version", Origin::Command),
    });
    release.namespace = Some(Known::new(namespace.clone(), "metadata.namespace", at));
    if airbyte.is_empty() {
        findings.push(
            Finding::new(
                Rule::NoAirbyteRoute,
                Path::default(),
                first_origin,
                format!(
                    "nothing in {} routes to an Airbyte Service (`<release>-airbyte-server-svc`): there is no route to move",
                    files.join(", ")
                ),
            )
            .help(format!(
                "pass the Ingress or IngressRoute that serves Airbyte (`kubectl get ingress -A -o yaml`); read {} object(s){}",
                objects.len(),
                if not_read.is_empty() {
                    String::new()
                } else {
                    format!(", not read: {}", not_read.join(", "))
                }
            )),
        );
        release
            .layers
            .push(Layer::tree_of(map(Vec::new(), first_origin), first_origin));
        return Ok(Moved {
            release,
            sources,
            findings,
            asked: Asked::default(),
            notes,
            derived_url: None,
        });
    }
    let chart = opts.chart;
    let line = chart.line().unwrap_or(airbyte::ChartLine::V2_1);
    // hosts, in order, each with its paths
    let mut hosts: Vec<(String, Origin, Vec<Node>)> = Vec::new();
    let mut keycloak = false;
    for (route, rel, kind) in &airbyte {
        let o = &objects[route.object];
        if *rel != release_name {
            findings.push(not_carried(
                route.origin,
                format!(
                    "{}: the route for `{}` goes to release `{rel}`, not `{release_name}`: one release is moved at a time",
                    o.label(),
                    route.path
                ),
            ));
            continue;
        }
        let b = route.backend.as_ref().map(|b| (b.name.clone(), b.origin));
        let (backend, origin) = b.unwrap_or_default();
        let chart_backend = match kind {
            ServiceKind::Current(Backend::Server) => "server",
            ServiceKind::Current(Backend::Keycloak) => {
                keycloak = true;
                notes.push(format!(
                    "{}: `{}` to Keycloak: the target routes `/auth` itself",
                    o.label(),
                    route.path
                ));
                continue;
            }
            ServiceKind::Current(Backend::ConnectorBuilder) if line == airbyte::ChartLine::V2_0 => {
                "connector-builder-server"
            }
            ServiceKind::Current(Backend::ConnectorBuilder) | ServiceKind::Webapp => {
                findings.push(
                    Finding::new(
                        Rule::MoveCorrected,
                        Path::default(),
                        origin,
                        format!(
                            "{}: the route for `{}` goes to `{backend}`, which chart {chart} does not render: the moved route for it goes to the server, which serves it",
                            o.label(),
                            route.path
                        ),
                    )
                    .help(format!("nothing to do: the output routes `{}` to `{}`", route.path, airbyte::service_name(&release_name, Backend::Server))),
                );
                // `/` covers it; any other path goes to the server as well
                "server"
            }
        };
        let path_type = match route.matching {
            Match::Exact => "Exact",
            Match::Prefix => "Prefix",
            Match::ImplementationSpecific | Match::Regex => "ImplementationSpecific",
        };
        let path = map(
            vec![
                ("path", string(&route.path, route.origin)),
                ("pathType", string(path_type, route.origin)),
                ("backend", string(chart_backend, origin)),
            ],
            route.origin,
        );
        let route_hosts: Vec<String> = if route.hosts.is_empty() {
            vec![String::new()]
        } else {
            route.hosts.clone()
        };
        for h in route_hosts {
            let host_origin = host_origin(o, &h).unwrap_or(route.origin);
            match hosts.iter_mut().find(|(x, ..)| *x == h) {
                Some((_, _, paths)) => {
                    let dup = paths
                        .iter()
                        .any(|p| p.at(&Path::parse("path")) == path.at(&Path::parse("path")));
                    if !dup {
                        paths.push(path.clone());
                    }
                }
                None => hosts.push((h, host_origin, vec![path.clone()])),
            }
        }
    }
    // TLS: Ingress `spec.tls`, IngressRoute `spec.tls.secretName` for its hosts
    let mut tls: Vec<Node> = Vec::new();
    let routers: Vec<usize> = {
        let mut v: Vec<usize> = airbyte.iter().map(|(r, ..)| r.object).collect();
        v.dedup();
        v
    };
    let route_hosts: Vec<(String, Origin)> = hosts
        .iter()
        .filter(|(h, ..)| !h.is_empty())
        .map(|(h, at, _)| (h.clone(), *at))
        .collect();
    for &i in &routers {
        let o = &objects[i];
        match o.kind.as_str() {
            "HTTPRoute" | "VirtualService" => {
                tls.extend(gateway_tls(o, &objects, &route_hosts));
            }
            "Ingress" => {
                if let Some(Value::Seq(entries)) = o.at("spec.tls").map(|n| &n.value) {
                    for e in entries {
                        tls.push(with_secret(e, o, opts, &release_name, &mut findings));
                    }
                }
            }
            "IngressRoute" => {
                if let Some(secret) = o.at("spec.tls.secretName") {
                    let hs: Vec<Node> = hosts
                        .iter()
                        .filter(|(h, ..)| !h.is_empty())
                        .map(|(h, at, _)| string(h, *at))
                        .collect();
                    tls.push(map(
                        vec![
                            ("secretName", secret.clone()),
                            ("hosts", node(Value::Seq(hs), secret.origin)),
                        ],
                        secret.origin,
                    ));
                } else if let Some(r) = o.at("spec.tls.certResolver") {
                    notes.push(format!(
                        "{}: TLS from Traefik's certificate resolver `{}`: pass `--traefik-cert-resolver` for the traefik target",
                        o.label(),
                        str_of(r).unwrap_or_default()
                    ));
                }
            }
            _ => {}
        }
    }
    // annotations of every Ingress that routes to Airbyte, carried as the values' own: the target
    // keeps what its controller reads and reports the rest
    let mut annotations = Map::new();
    let mut class: Option<Node> = None;
    let mut asked = Asked::default();
    for &i in &routers {
        let o = &objects[i];
        if class.is_none() {
            class = o.at("spec.ingressClassName").cloned();
        }
        // an IngressRoute is Traefik's by its kind
        if class.is_none() && o.kind == "IngressRoute" {
            class = Some(string("traefik", o.origin()));
        }
        if let Some(ann) = o.at("metadata.annotations").and_then(Node::as_map) {
            for (k, v) in ann.iter() {
                if crate::controllers::is_snippet(k) {
                    findings.push(not_carried(
                        v.key_origin,
                        format!(
                            "{}: `{k}` is raw proxy configuration, which no other controller reads and no target carries: redo what it did with the target's own settings",
                            o.label()
                        ),
                    ).help("look at what the snippet does (headers, timeouts, redirects) and set that in the output, or in the target controller's configuration"));
                    continue;
                }
                if k == "nginx.ingress.kubernetes.io/rewrite-target"
                    || k == "nginx.ingress.kubernetes.io/app-root"
                {
                    findings.push(Finding::new(
                        Rule::MoveCorrected,
                        Path::parse("metadata.annotations").key(k),
                        v.key_origin,
                        format!(
                            "{}: `{k}` rewrites or redirects Airbyte's paths, and its UI and API break under it: the output routes the paths as they are",
                            o.label()
                        ),
                    ));
                    continue;
                }
                match annotations.get(k).map(|x| x.value.clone()) {
                    Some(existing) if existing != v.value => {
                        let (keep, why) = stricter(k, &existing, &v.value);
                        findings.push(
                            Finding::new(
                                Rule::MoveConflict,
                                Path::parse("metadata.annotations").key(k),
                                v.origin,
                                format!(
                                    "{}: `{k}` is `{}` here and `{}` on another route to the same release: the output takes `{}` ({why})",
                                    o.label(),
                                    text_of(&v.value),
                                    text_of(&existing),
                                    text_of(&keep)
                                ),
                            ),
                        );
                        if keep == v.value {
                            annotations.insert(k.clone(), v.clone());
                        }
                    }
                    Some(_) => {}
                    None => {
                        annotations.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
    // the chart's own Ingress keeps the annotations as they are: an ALB one without IP targets
    // registers none (Airbyte's Services are ClusterIP), so the move sets them
    let alb = class.as_ref().and_then(str_of) == Some("alb")
        || annotations
            .get("kubernetes.io/ingress.class")
            .and_then(str_of)
            == Some("alb");
    let target_type = "alb.ingress.kubernetes.io/target-type";
    if alb
        && opts.target.is_some_and(|t| !t.is_bring_your_own())
        && !annotations.contains_key(target_type)
        && let Some(&i) = routers.first()
    {
        let o = &objects[i];
        let at = o
            .at("metadata.annotations")
            .map_or(o.origin(), |n| n.origin);
        findings.push(
            Finding::new(
                Rule::MoveCorrected,
                Path::parse("metadata.annotations").key(target_type),
                at,
                format!(
                    "{}: an ALB Ingress without `{target_type}: ip` registers no targets for Airbyte's ClusterIP Services: the moved Ingress sets it",
                    o.label()
                ),
            ),
        );
        annotations.insert(target_type.to_string(), string("ip", at));
    }
    // what asks for less than Airbyte needs is raised to what the targets render themselves
    let floor = airbyte::INTENT;
    let mut raised: Vec<(String, String, Origin, String)> = Vec::new();
    for (k, v) in annotations.iter() {
        let Some(s) = str_of(v) else { continue };
        let fix = match k.as_str() {
            "alb.ingress.kubernetes.io/load-balancer-attributes" => asked_seconds(k, s)
                .filter(|t| *t < floor.alb_idle_floor_s)
                .map(|_| {
                    s.split(',')
                        .map(|kv| match kv.split_once('=') {
                            Some((k, _)) if k.trim() == "idle_timeout.timeout_seconds" => {
                                format!("idle_timeout.timeout_seconds={}", floor.alb_idle_s)
                            }
                            _ => kv.trim().to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                }),
            "haproxy.org/timeout-server" => asked_seconds(k, s)
                .filter(|t| *t < floor.timeout_floor_s)
                .map(|_| floor.request_timeout()),
            "nginx.ingress.kubernetes.io/proxy-body-size" => size_mib(s)
                .filter(|m| m * 1024 * 1024 < floor.body_floor_bytes)
                .map(|_| floor.body_size()),
            _ => asked_seconds(k, s)
                .filter(|t| *t < floor.timeout_floor_s)
                .map(|_| floor.request_timeout_s.to_string()),
        };
        if let Some(fix) = fix {
            raised.push((k.clone(), s.to_string(), v.origin, fix));
        }
    }
    for (k, was, origin, fix) in raised {
        findings.push(Finding::new(
            Rule::MoveCorrected,
            Path::parse("metadata.annotations").key(&k),
            origin,
            format!(
                "`{k}: {was}` is below what Airbyte needs (long checks and discovers, large catalog saves): the output sets `{fix}`"
            ),
        ));
        annotations.insert(k, string(&fix, origin));
    }
    for (k, v) in annotations.iter() {
        let Some(s) = str_of(v) else { continue };
        if let Some(secs) = asked_seconds(k, s) {
            asked.timeout_s = Some(asked.timeout_s.map_or(secs, |t: u64| t.max(secs)));
        }
        if k == "nginx.ingress.kubernetes.io/proxy-body-size"
            && let Some(mib) = size_mib(s)
        {
            asked.body_mib = Some(asked.body_mib.map_or(mib, |m: u64| m.max(mib)));
        }
    }
    // a timeout on the route itself (HTTPRoute `timeouts.request`, VirtualService `timeout`), or
    // in the Traefik ServersTransport an IngressRoute's service names
    for (route, ..) in &airbyte {
        let transport = route
            .backend
            .as_ref()
            .and_then(|b| b.transport.as_deref())
            .and_then(|name| {
                let ns = objects[route.object].namespace.as_deref();
                objects.iter().find(|o| {
                    o.kind == "ServersTransport"
                        && o.name == name
                        && (ns.is_none() || o.namespace.as_deref() == ns)
                })
            })
            .and_then(|st| st.at("spec.forwardingTimeouts.responseHeaderTimeout"))
            .map(|t| match &t.value {
                Value::Int(i) => i.to_string(),
                _ => str_of(t).unwrap_or_default().to_string(),
            });
        let written = route
            .timeout
            .as_ref()
            .map(|(t, ..)| t.clone())
            .or(transport);
        let secs = written.as_deref().and_then(whole_seconds);
        if let Some(secs) = secs {
            asked.timeout_s = Some(asked.timeout_s.map_or(secs, |t: u64| t.max(secs)));
        }
    }
    // Application Gateway for Containers keeps the request timeout in the IngressExtension of the
    // Airbyte Services
    for ext in objects.iter().filter(|o| o.kind == "IngressExtension") {
        let Some(Value::Seq(settings)) = ext.at("spec.backendSettings").map(|n| &n.value) else {
            continue;
        };
        for setting in settings {
            let airbyte_service = setting
                .at(&Path::parse("service"))
                .and_then(str_of)
                .and_then(airbyte::read_service_name)
                .is_some_and(|(rel, _)| rel == release_name);
            let written = setting.at(&Path::parse("timeouts.requestTimeout"));
            let secs = written.and_then(str_of).and_then(whole_seconds);
            if let (true, Some(secs), Some(at)) = (airbyte_service, secs, written) {
                if secs < floor.timeout_floor_s {
                    findings.push(Finding::new(
                        Rule::MoveCorrected,
                        Path::parse("spec.backendSettings"),
                        at.origin,
                        format!(
                            "{}: `requestTimeout: {}` is below what Airbyte needs (long checks and discovers): the output sets {}",
                            ext.label(),
                            str_of(at).unwrap_or_default(),
                            floor.request_timeout()
                        ),
                    ));
                } else {
                    asked.timeout_s = Some(asked.timeout_s.map_or(secs, |t: u64| t.max(secs)));
                }
            }
        }
    }
    // the URL: the release's own (its env ConfigMap) when the input holds it, else the first
    // host, https when TLS covers it
    let url = inventory
        .urls
        .iter()
        .find(|u| u.value.0 == release_name && !u.value.1.is_empty())
        .map(|u| (u.value.1.clone(), u.origin));
    let mut derived_url = None;
    let url = match url {
        Some(u) => u,
        None => {
            let Some((h, at, _)) = hosts.iter().find(|(h, ..)| !h.is_empty()) else {
                return Err(Failure::Usage(
                    "the routes to Airbyte name no host, and the input holds no `AIRBYTE_URL`: pass `--set global.airbyteUrl=https://HOST`".into(),
                ));
            };
            let secure = tls.iter().any(|t| {
                t.at(&Path::parse("hosts"))
                    .map(|hs| match &hs.value {
                        Value::Seq(s) => s.iter().any(|x| str_of(x) == Some(h.as_str())),
                        _ => false,
                    })
                    .unwrap_or(false)
            }) || annotations
                .contains_key("alb.ingress.kubernetes.io/certificate-arn");
            let u = format!("{}://{h}", if secure { "https" } else { "http" });
            notes.push(format!(
                "global.airbyteUrl `{u}` from the host of the first route"
            ));
            derived_url = Some(*at);
            (u, *at)
        }
    };
    let mut ingress = vec![];
    // the chart's own Ingress renders only when enabled; the other targets need it off (its default)
    if opts.target.is_some_and(|t| !t.is_bring_your_own()) {
        ingress.push(("enabled", node(Value::Bool(true), at)));
    }
    if let Some(c) = class {
        ingress.push(("className", c));
    }
    if !annotations.is_empty() {
        ingress.push(("annotations", node(Value::Map(annotations), at)));
    }
    let host_nodes: Vec<Node> = hosts
        .into_iter()
        .map(|(h, origin, paths)| {
            map(
                vec![
                    ("host", string(&h, origin)),
                    ("paths", node(Value::Seq(paths), origin)),
                ],
                origin,
            )
        })
        .collect();
    ingress.push(("hosts", node(Value::Seq(host_nodes), at)));
    if !tls.is_empty() {
        ingress.push(("tls", node(Value::Seq(tls), at)));
    }
    let mut global = vec![("airbyteUrl", string(&url.0, url.1))];
    if keycloak {
        global.push(("edition", string("enterprise", at)));
    }
    let mut top = vec![("global", map(global, at)), ("ingress", map(ingress, at))];
    if keycloak {
        top.push((
            "keycloak",
            map(vec![("enabled", node(Value::Bool(true), at))], at),
        ));
    }
    release.layers.push(Layer::tree_of(map(top, at), at));
    Ok(Moved {
        release,
        sources,
        findings,
        asked,
        notes,
        derived_url,
    })
}

/// The TLS a route's Gateway serves for the route's hosts, as values' TLS entries: an HTTPRoute's
/// parent Gateway (Gateway API) listeners with a certificate Secret, a VirtualService's Istio
/// Gateway servers with a `credentialName`; the Gateways are looked up in the input.
fn gateway_tls(route: &Object, objects: &[Object], route_hosts: &[(String, Origin)]) -> Vec<Node> {
    let ns = route.namespace.as_deref().unwrap_or_default();
    let seq = |n: Option<&Node>| match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.clone(),
        _ => Vec::new(),
    };
    // (group of the Gateway, its namespace, its name)
    let parents: Vec<(&str, String, String)> = if route.kind == "HTTPRoute" {
        seq(route.at("spec.parentRefs"))
            .iter()
            .filter_map(|p| {
                let name = str_of(p.at(&Path::parse("name"))?)?.to_string();
                let pns = p
                    .at(&Path::parse("namespace"))
                    .and_then(str_of)
                    .unwrap_or(ns)
                    .to_string();
                Some(("gateway.networking.k8s.io", pns, name))
            })
            .collect()
    } else {
        seq(route.at("spec.gateways"))
            .iter()
            .filter_map(|g| {
                let g = str_of(g)?;
                let (gns, name) = g.split_once('/').unwrap_or((ns, g));
                Some(("networking.istio.io", gns.to_string(), name.to_string()))
            })
            .collect()
    };
    let mut out = Vec::new();
    for (group, gns, name) in parents {
        let Some(gw) = objects.iter().find(|o| {
            o.kind == "Gateway"
                && o.group() == group
                && o.name == name
                && o.namespace.as_deref().unwrap_or(ns) == gns
        }) else {
            continue;
        };
        // (secret node, hostname the listener or server serves; None for every host)
        let mut served: Vec<(Node, Option<String>)> = Vec::new();
        if group == "gateway.networking.k8s.io" {
            for l in seq(gw.at("spec.listeners")) {
                let refs = seq(l.at(&Path::parse("tls.certificateRefs")));
                let Some(secret) = refs.first().and_then(|r| r.at(&Path::parse("name"))) else {
                    continue;
                };
                let host = l
                    .at(&Path::parse("hostname"))
                    .and_then(str_of)
                    .map(str::to_string);
                served.push((secret.clone(), host));
            }
        } else {
            for srv in seq(gw.at("spec.servers")) {
                let Some(secret) = srv.at(&Path::parse("tls.credentialName")) else {
                    continue;
                };
                for h in seq(srv.at(&Path::parse("hosts"))) {
                    let h = str_of(&h).unwrap_or_default();
                    let h = h.split_once('/').map_or(h, |(_, h)| h);
                    served.push((secret.clone(), (h != "*").then(|| h.to_string())));
                }
            }
        }
        for (secret, host) in served {
            let covered: Vec<Node> = route_hosts
                .iter()
                .filter(|(h, _)| {
                    host.as_deref()
                        .is_none_or(|l| crate::names::host_covers(l, h))
                })
                .map(|(h, at)| string(h, *at))
                .collect();
            if covered.is_empty() {
                continue;
            }
            out.push(map(
                vec![
                    ("secretName", secret.clone()),
                    ("hosts", node(Value::Seq(covered), secret.origin)),
                ],
                secret.origin,
            ));
        }
    }
    out
}

/// Where a host is written in an object (its rule's `host`, a `Host(...)` match).
/// A TLS entry with no `secretName` (an ALB's ACM certificate, a controller's default one) for a
/// target whose controller serves certificates from Secrets: the Secret `--tls-secret` names, else
/// `<fullname>-tls`, said as a correction at the entry's line.
fn with_secret(
    entry: &Node,
    o: &Object,
    opts: &RunOptions,
    release: &str,
    findings: &mut Vec<Finding>,
) -> Node {
    // every target whose controller serves certificates from Secrets; the chart's own Ingress
    // keeps the input's class, and with it where the certificate comes from
    let needs = opts
        .target
        .and_then(|t| t.controller())
        .is_some_and(|c| c.uses_tls_secrets());
    let Value::Map(entries) = &entry.value else {
        return entry.clone();
    };
    if !needs || entries.contains_key("secretName") {
        return entry.clone();
    }
    let secret = opts
        .settings
        .tls_secret
        .clone()
        .unwrap_or_else(|| format!("{}-tls", airbyte::fullname(release, None, None)));
    findings.push(
        Finding::new(
            Rule::MoveCorrected,
            Path::default(),
            entry.origin,
            format!(
                "{}: a TLS entry with no `secretName` (the controller's own certificate, such as an ALB's from ACM): the target serves certificates from Secrets, so the moved entry names `{secret}`",
                o.label()
            ),
        )
        .help("create that `kubernetes.io/tls` Secret (cert-manager can issue it), or name yours with `--tls-secret`"),
    );
    let mut out = entries.clone();
    out.insert("secretName".to_string(), string(&secret, entry.origin));
    node(Value::Map(out), entry.origin)
}

fn host_origin(o: &Object, host: &str) -> Option<Origin> {
    fn find(n: &Node, host: &str) -> Option<Origin> {
        match &n.value {
            Value::Str(s) if s == host || s.contains(&format!("`{host}`")) => Some(n.origin),
            Value::Map(m) => m.values().find_map(|v| find(v, host)),
            Value::Seq(s) => s.iter().find_map(|v| find(v, host)),
            _ => None,
        }
    }
    find(o.at("spec")?, host)
}

/// A route of the input the output does not carry.
fn not_carried(origin: Origin, message: String) -> Finding {
    Finding::new(Rule::MoveNotCarried, Path::default(), origin, message)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// Of two values of one annotation, the one that serves Airbyte: the longer timeout, the larger
/// body; otherwise the first seen.
fn stricter(key: &str, a: &Value, b: &Value) -> (Value, &'static str) {
    let num = |v: &Value| match v {
        Value::Str(s) => size_mib(s)
            .filter(|_| key.ends_with("body-size"))
            .or_else(|| s.trim().parse::<u64>().ok()),
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    };
    let timed = key.contains("timeout") || key.ends_with("body-size");
    match (timed, num(a), num(b)) {
        (true, Some(x), Some(y)) if y > x => (
            b.clone(),
            "the larger serves Airbyte's long requests and large saves",
        ),
        (true, Some(_), Some(_)) => (
            a.clone(),
            "the larger serves Airbyte's long requests and large saves",
        ),
        _ => (a.clone(), "the first route's"),
    }
}

/// NGINX's size syntax in MiB, rounded up: `16m`, `1g`, `10485760` (bytes), `512k`; `0` (no limit)
/// is `None`.
pub fn size_mib(s: &str) -> Option<u64> {
    crate::controllers::floors::nginx_size(s)
        .filter(|b| *b > 0)
        .map(|b| b.div_ceil(1024 * 1024))
}

/// A duration as Gateway API, Istio, Traefik, AGC and HAProxy write it, in whole seconds rounded up.
fn whole_seconds(s: &str) -> Option<u64> {
    crate::controllers::floors::duration_seconds(s)
        .filter(|t| t.is_finite() && *t >= 0.0)
        .map(|t| t.ceil() as u64)
}

/// The request timeout, in seconds, an annotation of the input asks for: ingress-nginx's read and
/// send timeouts, HAProxy's server timeout, the ALB's idle timeout.
fn asked_seconds(key: &str, value: &str) -> Option<u64> {
    use crate::controllers::floors;
    match key {
        "nginx.ingress.kubernetes.io/proxy-read-timeout"
        | "nginx.ingress.kubernetes.io/proxy-send-timeout" => floors::nginx_seconds(value),
        "haproxy.org/timeout-server" => whole_seconds(value),
        "alb.ingress.kubernetes.io/load-balancer-attributes" => {
            floors::alb_idle_timeout(value).and_then(Result::ok)
        }
        _ => None,
    }
}

/// Checks the moved values as `render -f` checks values: the findings of reading come first.
pub fn check(
    files: &[String],
    opts: &RunOptions,
    read: ReadFn<'_>,
) -> Result<(Checked, Vec<String>), Failure> {
    let mut moved = self::read(files, opts, read)?;
    // values given with `-f` and `--set` go over what the routes say
    for name in &opts.inputs.files {
        let (shown, bytes) =
            crate::inputs::read_named(name, opts.inputs.limits.max_file_bytes, read)
                .map_err(Failure::Input)?;
        moved.release.layers.push(
            crate::values::file_layer(&shown, &bytes, &mut moved.sources, &opts.inputs.limits)
                .map_err(Failure::Input)?,
        );
    }
    moved.release.layers.extend(crate::values::flag_layers(
        &opts.inputs.sets,
        &mut moved.sources,
    ));
    let mut opts = opts.clone();
    // what the input asked for beyond Airbyte's floors is kept
    let floor = airbyte::INTENT;
    if let Some(t) = moved
        .asked
        .timeout_s
        .filter(|t| *t > floor.request_timeout_s)
    {
        opts.settings.request_timeout_s = Some(t);
    }
    if let Some(b) = moved.asked.body_mib.filter(|b| *b > floor.body_mib) {
        opts.settings.body_mib = Some(b);
    }
    let mut checked =
        super::releases::check_read_release(&opts, moved.release, &moved.sources, read)?;
    let mut notes = moved.notes;
    // an annotation whose meaning the target carries its own way is carried, not dropped: said
    // under `-v`, not warned about
    if let Some(byo) = checked.plan.as_ref().and_then(|p| p.byo.as_ref()) {
        for d in &byo.effective.dropped {
            // what the output does itself is carried, what is not needed is said so; advice for
            // the user stays a warning
            let carried = match &d.equivalent {
                Some(Equivalent::Carried(how)) => Some(format!("into {how}")),
                Some(Equivalent::NotNeeded(why)) => Some(format!("as not needed: {why}")),
                Some(Equivalent::Advice(_)) | None => None,
            };
            if let Some(how) = carried {
                let path = Path::parse("ingress.annotations").key(&d.key);
                checked.findings.retain(|f| {
                    !(matches!(f.rule, Rule::AnnotationDropped | Rule::AnnotationNotNeeded)
                        && f.path == path)
                });
                notes.push(format!("`{}` carried {how}", d.key));
            }
        }
    }
    // with nothing to move, what the empty values lack says nothing more
    if moved
        .findings
        .iter()
        .any(|f| f.rule == Rule::NoAirbyteRoute)
    {
        checked.findings.retain(|f| f.rule != Rule::HostsMissing);
    }
    // a URL made up from a route's host stands for the release's own, which was not read: what
    // its scheme or host would say about the values is not said (given with `--set` or `-f`, it is)
    if let Some(origin) = moved.derived_url {
        let made_up = checked
            .loaded
            .root
            .at(&Path::parse("global.airbyteUrl"))
            .is_some_and(|n| n.origin == origin);
        if made_up {
            checked.findings.retain(|f| {
                !matches!(
                    f.rule,
                    Rule::CookieSecureOverHttp | Rule::UrlHttpWithTls | Rule::UrlHttpsWithoutTls
                )
            });
        }
    }
    checked.findings.extend(moved.findings);
    crate::findings::sort(&mut checked.findings);
    Ok((checked, notes))
}

#[cfg(test)]
mod tests {
    use super::size_mib;

    #[test]
    fn nginx_sizes_in_mib() {
        assert_eq!(size_mib("16m"), Some(16));
        assert_eq!(size_mib("1G"), Some(1024));
        assert_eq!(size_mib("512k"), Some(1));
        assert_eq!(size_mib("10485760"), Some(10));
        assert_eq!(size_mib("0"), None);
        assert_eq!(size_mib("lots"), None);
    }
}
