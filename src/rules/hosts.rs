//! Hosts, paths and TLS: valid DNS names, no duplicates, a `/` route to the server, pathTypes the
//! API requires, paths ingress-nginx accepts, TLS entries that match the rules.

use foldhash::{HashMap, HashMapExt};

use super::Ctx;
use super::url::HostIndex;
use crate::findings::{Finding, Severity};
use crate::model::PathType;
use crate::plan::Backend;
use crate::values::Path;

/// Why a host is not a valid Ingress host, if it is not.
pub fn host_problem(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("is empty".into());
    }
    if let Some((scheme, _)) = split_scheme(host) {
        return Some(format!(
            "contains the scheme `{scheme}://`; `host` is a bare DNS name"
        ));
    }
    if host.contains('/') {
        return Some("contains a path; paths go in `paths`".into());
    }
    if host.contains(':') {
        return Some("contains a port; controllers listen on 80 and 443".into());
    }
    if host.len() > 253 {
        return Some(format!(
            "is {} characters long; DNS names have at most 253",
            host.len()
        ));
    }
    let body = match host.strip_prefix("*.") {
        Some(rest) => rest,
        None if host.contains('*') => {
            return Some("has `*` outside a whole first label (`*.example.com`)".into());
        }
        None => host,
    };
    if body.contains('*') {
        return Some("has `*` outside a whole first label (`*.example.com`)".into());
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!(
            "has uppercase letters; write `{}`",
            host.to_ascii_lowercase()
        ));
    }
    if host.contains('_') {
        return Some("contains `_`, which DNS-1123 names do not allow".into());
    }
    if host.trim_end_matches('.') != host {
        return Some("ends with `.`; Ingress hosts are written without the root dot".into());
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Some("has an empty label (`..`)".into());
        }
        if label.len() > 63 {
            return Some(format!(
                "has a label of {} characters; at most 63",
                label.len()
            ));
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Some(format!(
                "has the label `{label}` with characters other than a-z, 0-9 and `-`"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "has the label `{label}`, which starts or ends with `-`"
            ));
        }
    }
    if body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.parse::<std::net::Ipv4Addr>().is_ok()
    {
        return Some(
            "is an IP address; Ingress hosts must be DNS names (leave `host` empty for any host)"
                .into(),
        );
    }
    None
}

/// The DNS name in a host as written, without a scheme, port or path that `host-invalid` reports.
pub fn host_name(host: &str) -> &str {
    let h = split_scheme(host).map_or(host, |(_, rest)| rest);
    let end = h.find(['/', ':']).unwrap_or(h.len());
    &h[..end]
}

/// `("https", "a.example")` for `https://a.example` (a byte scan: this runs once per host).
fn split_scheme(host: &str) -> Option<(&str, &str)> {
    let at = host.as_bytes().windows(3).position(|w| w == b"://")?;
    Some((&host[..at], &host[at + 3..]))
}

/// Whether a Prefix/Exact path uses only what ingress-nginx's strict path validation accepts.
fn nginx_path_ok(path: &str) -> bool {
    path.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
}

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if plan.enabled && plan.hosts.is_empty() {
        let p = Path::parse("ingress.hosts");
        ctx.push(
            "hosts-missing",
            Severity::Error,
            p,
            "the ingress is enabled but `ingress.hosts` is empty: the chart renders an Ingress with no rules".into(),
            "add `hosts: [{host: airbyte.example.com, paths: [{path: /, pathType: Prefix, backend: server}]}]`".into(),
        );
    }
    // borrowed keys: hosts are lowercase unless `host-invalid` says otherwise
    let mut seen: HashMap<(std::borrow::Cow<'_, str>, &str), &Path> =
        HashMap::with_capacity(plan.hosts.len());
    let mut any_root = false;
    for h in &plan.hosts {
        if let Some(problem) = host_problem(&h.host) {
            ctx.push(
                "host-invalid",
                Severity::Error,
                h.at.key("host"),
                format!("host `{}` {problem}", h.host),
                "write a DNS name such as `airbyte.example.com` (a wildcard only as `*.example.com`)".into(),
            );
        }
        if h.declared_paths == 0 {
            let pp = h.at.key("paths");
            ctx.push(
                "paths-missing",
                Severity::Error,
                pp,
                format!(
                    "host `{}` has no paths: the API server rejects a rule without paths",
                    h.host
                ),
                "add `paths: [{path: /, pathType: Prefix, backend: server}]`".into(),
            );
        }
        // once a host; borrowed (a free clone per path) unless the host is invalid anyway
        let host = crate::names::lowercase(&h.host);
        for r in &h.routes {
            let key = (host.clone(), r.path.as_str());
            if let Some(first) = seen.get(&key) {
                let origin = ctx.origin(&r.at.key("path"));
                let first_at = ctx.origin(&first.key("path"));
                let msg = format!(
                    "host `{}` path `{}` is listed twice (first at {}); ingress-nginx's admission webhook rejects it and other controllers pick one",
                    h.host,
                    r.path,
                    ctx.describe(first_at)
                );
                let mut f = Finding::new(
                    "host-path-duplicate",
                    Severity::Error,
                    r.at.key("path"),
                    origin,
                    msg,
                    "remove one of them".into(),
                );
                f.origins.push(first_at);
                ctx.findings.push(f);
            } else {
                seen.insert(key, &r.at);
            }
            match r.path_type {
                None => {
                    let tp = r.at.key("pathType");
                    let origin = ctx.origin(&r.at);
                    ctx.push_at(
                        "path-type-missing",
                        Severity::Error,
                        tp,
                        origin,
                        format!("path `{}` has no `pathType`: networking.k8s.io/v1 requires it and the API server rejects the Ingress", r.path),
                        "add `pathType: Prefix`".into(),
                    );
                }
                Some(PathType::Prefix | PathType::Exact)
                    if !r.path.starts_with('/') || !nginx_path_ok(&r.path) =>
                {
                    let origin = ctx.origin(&r.at.key("path"));
                    let why = if r.path.starts_with('/') {
                        "uses characters other than letters, digits, `/`, `-` and `_`, which ingress-nginx rejects for Prefix and Exact paths (regular expressions need ImplementationSpecific)"
                    } else {
                        "does not start with `/`"
                    };
                    ctx.push_at(
                        "path-invalid",
                        Severity::Error,
                        r.at.key("path"),
                        origin,
                        format!("path `{}` {why}", r.path),
                        "use a plain path such as `/`".into(),
                    );
                }
                _ => {}
            }
            if r.backend == Backend::Server && r.path == "/" && r.path_type != Some(PathType::Exact)
            {
                any_root = true;
            }
        }
        // a `/` with an invalid backend is reported as that; no second finding for the same line
        any_root |= h.declares_root && h.routes.len() < h.declared_paths;
    }
    if !plan.hosts.is_empty() && !any_root {
        let p = plan.hosts[0].at.key("paths");
        ctx.push(
            "root-route-missing",
            Severity::Error,
            p,
            "no host routes `/` to the server: Airbyte's UI and API are served from the root and cannot live under a sub-path".into(),
            "add `{path: /, pathType: Prefix, backend: server}` to the host's paths".into(),
        );
    }
    let index = HostIndex::new(plan.hosts.iter().map(|h| host_name(&h.host)));
    for t in &plan.tls {
        match t.secret_name.as_deref() {
            None => {
                let origin = ctx.origin(&t.at);
                ctx.push_at(
                    "tls-secret-invalid",
                    Severity::Warning,
                    t.at.key("secretName"),
                    origin,
                    "a TLS entry has no `secretName`: the controller serves its default certificate for these hosts".into(),
                    "name the `kubernetes.io/tls` Secret that holds the certificate: `secretName: airbyte-tls`".into(),
                )
            }
            Some(s) if !crate::names::dns_subdomain_ok(s) => {
                let p = t.at.key("secretName");
                ctx.push(
                    "tls-secret-invalid",
                    Severity::Error,
                    p,
                    format!("`secretName` `{s}` is not a valid Secret name (lowercase letters, digits, `-` and `.`)"),
                    "name the `kubernetes.io/tls` Secret that holds the certificate, e.g. `airbyte-tls`".into(),
                );
            }
            Some(_) => {}
        }
        for (i, th) in t.hosts.iter().enumerate() {
            let served = index.overlaps(th);
            if !served {
                let p = t.at.key("hosts").index(i);
                ctx.push(
                    "tls-host-unserved",
                    Severity::Warning,
                    p,
                    format!("TLS host `{th}` is not an ingress host, so no rule serves it"),
                    "list the same names in `ingress.hosts[].host` and `ingress.tls[].hosts`"
                        .into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_problems() {
        for ok in [
            "airbyte.example.com",
            "*.example.com",
            "a-b.c1.example",
            "localhost",
        ] {
            assert_eq!(host_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("https://airbyte.example.com", "scheme"),
            ("airbyte.example.com:8443", "port"),
            ("airbyte.example.com/ui", "path"),
            ("Airbyte.example.com", "uppercase"),
            ("air_byte.example.com", "`_`"),
            ("a.*.example.com", "`*`"),
            ("*example.com", "`*`"),
            ("a..example.com", "empty label"),
            ("-a.example.com", "starts or ends"),
            ("10.0.0.1", "IP address"),
            ("", "empty"),
        ] {
            let p = host_problem(bad).unwrap_or_default();
            assert!(p.contains(why), "{bad}: {p}");
        }
        assert!(
            host_problem(&format!("{}.example.com", "a".repeat(64)))
                .unwrap()
                .contains("63")
        );
    }
}
