//! Hosts, paths and TLS: valid DNS names, no duplicates, a route that serves `/` to the server (in
//! any catch-all form the class's controller reads), pathTypes the API requires, paths
//! ingress-nginx accepts, TLS entries that match the rules.

use foldhash::{HashMap, HashMapExt};

use super::Ctx;
use crate::controllers::{effective_class, families_for_class, paths::serves_everything};
use crate::findings::Rule;
use crate::model::PathType;
use crate::names::{HostIndex, dns_subdomain_ok, host_name, host_problem, lowercase};
use crate::plan::Backend;
use crate::values::Path;

/// Whether a Prefix/Exact path uses only what ingress-nginx's strict path validation accepts.
fn nginx_path_ok(path: &str) -> bool {
    path.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
}

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if plan.enabled && plan.hosts.is_empty() && !plan.is_byo() {
        let f = ctx.value(
            Rule::HostsMissing,
            Path::parse("ingress.hosts"),
            "the ingress is enabled but `ingress.hosts` is empty: the chart renders an Ingress with no rules",
        );
        ctx.push(f.help("add `hosts: [{host: airbyte.example.com, paths: [{path: /, pathType: Prefix, backend: server}]}]`"));
    }
    // the controller that will read these paths, for its catch-all forms
    let family = effective_class(plan.class.as_deref(), &plan.annotations)
        .and_then(families_for_class)
        .map(|f| f[0]);
    let regex = ["use-regex", "rewrite-target"].iter().any(|name| {
        plan.annotations
            .get(&format!("nginx.ingress.kubernetes.io/{name}"))
            .is_some_and(|v| {
                v.as_deref()
                    .is_some_and(|v| *name != "use-regex" || v == "true")
            })
    });
    // borrowed keys: hosts are lowercase unless `host-invalid` says otherwise
    let mut seen: HashMap<(std::borrow::Cow<'_, str>, &str), &Path> =
        HashMap::with_capacity(plan.hosts.len());
    let mut any_root = false;
    for h in &plan.hosts {
        if let Some(problem) = host_problem(&h.host) {
            let f = ctx.value(
                Rule::HostInvalid,
                h.at.key("host"),
                format!("host `{}` {problem}", h.host),
            );
            ctx.push(f.help("write a DNS name such as `airbyte.example.com` (a wildcard only as `*.example.com`)"));
        }
        if h.declared_paths == 0 {
            let f = ctx.value(
                Rule::PathsMissing,
                h.at.key("paths"),
                format!(
                    "host `{}` has no paths: the API server rejects a rule without paths",
                    h.host
                ),
            );
            ctx.push(f);
        }
        // once a host; borrowed (a free clone per path) unless the host is invalid anyway
        let host = lowercase(&h.host);
        for r in &h.routes {
            let key = (host.clone(), r.path.as_str());
            if let Some(first) = seen.get(&key) {
                let first_at = ctx.origin(&first.key("path"));
                let msg = format!(
                    "host `{}` path `{}` is listed twice (first at {}); ingress-nginx's admission webhook rejects it and other controllers pick one",
                    h.host,
                    r.path,
                    ctx.describe(first_at)
                );
                let f = ctx
                    .value(Rule::HostPathDuplicate, r.at.key("path"), msg)
                    .also(first_at);
                ctx.push(f);
            } else {
                seen.insert(key, &r.at);
            }
            match r.path_type {
                None => {
                    let origin = ctx.origin(&r.at);
                    let f = crate::findings::Finding::new(
                        Rule::PathTypeMissing,
                        r.at.key("pathType"),
                        origin,
                        format!(
                            "path `{}` has no `pathType`: networking.k8s.io/v1 requires it and the API server rejects the Ingress",
                            r.path
                        ),
                    );
                    ctx.push(f);
                }
                Some(PathType::Prefix | PathType::Exact)
                    if !r.path.starts_with('/') || !nginx_path_ok(&r.path) =>
                {
                    let why = if r.path.starts_with('/') {
                        "uses characters other than letters, digits, `/`, `-` and `_`, which ingress-nginx rejects for Prefix and Exact paths (regular expressions need ImplementationSpecific)"
                    } else {
                        "does not start with `/`"
                    };
                    let f = ctx.value(
                        Rule::PathInvalid,
                        r.at.key("path"),
                        format!("path `{}` {why}", r.path),
                    );
                    ctx.push(f.help("use a plain path such as `/`"));
                }
                _ => {}
            }
            if r.backend == Backend::Server
                && serves_everything(family, &r.path, r.path_type, regex)
            {
                any_root = true;
            }
        }
        // a `/` with an invalid backend is reported as that; no second finding for the same line
        any_root |= h.declares_root && h.routes.len() < h.declared_paths;
    }
    if !plan.hosts.is_empty() && !any_root {
        let f = ctx.value(
            Rule::RootRouteMissing,
            plan.hosts[0].at.key("paths"),
            "no host routes `/` to the server: Airbyte's UI and API are served from the root and cannot live under a sub-path",
        );
        ctx.push(f.help("add `{path: /, pathType: Prefix, backend: server}` to the host's paths"));
    }
    let index = HostIndex::new(plan.hosts.iter().map(|h| host_name(&h.host)));
    // the ALB takes certificates from ACM (`certificate-arn` or discovery by host), haproxy.cfg
    // from its PEM: a TLS entry without a Secret is how they are written
    let no_secrets = family == Some(crate::controllers::Family::Alb)
        || plan
            .byo
            .as_ref()
            .is_some_and(|b| !b.effective.controller.uses_tls_secrets());
    for t in &plan.tls {
        match t.secret_name.as_deref() {
            None if no_secrets => {}
            None => {
                let origin = ctx.origin(&t.at);
                let f = crate::findings::Finding::new(
                    Rule::TlsSecretMissing,
                    t.at.key("secretName"),
                    origin,
                    "a TLS entry has no `secretName`: the controller serves its default certificate for these hosts",
                );
                ctx.push(f.help("name the `kubernetes.io/tls` Secret that holds the certificate: `secretName: airbyte-tls`"));
            }
            Some(s) if !dns_subdomain_ok(s) => {
                let f = ctx.value(
                    Rule::TlsSecretInvalid,
                    t.at.key("secretName"),
                    format!("`secretName` `{s}` is not a valid Secret name (lowercase letters, digits, `-` and `.`)"),
                );
                ctx.push(f.help("name the `kubernetes.io/tls` Secret that holds the certificate, e.g. `airbyte-tls`"));
            }
            Some(_) => {}
        }
        for (i, th) in t.hosts.iter().enumerate() {
            if let Some(problem) = host_problem(th) {
                let f = ctx.value(
                    Rule::HostInvalid,
                    t.at.key("hosts").index(i),
                    format!("TLS host `{th}` {problem}"),
                );
                ctx.push(f.help("write the host as in `ingress.hosts`: a DNS name such as `airbyte.example.com`"));
                continue;
            }
            if !index.overlaps(th) {
                let f = ctx.value(
                    Rule::TlsHostUnserved,
                    t.at.key("hosts").index(i),
                    format!("TLS host `{th}` is not an ingress host, so no rule serves it"),
                );
                ctx.push(f);
            }
        }
    }
}
