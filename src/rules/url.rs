//! `global.airbyteUrl`: present, absolute, no path, port or trailing slash, its host served by the
//! ingress, `https` backed by a certificate, `http` with insecure cookies allowed.

use std::borrow::Cow;

use foldhash::{HashSet, HashSetExt};

use super::Ctx;
use crate::findings::{Finding, Severity};
use crate::values::Path;

/// The parts of an absolute URL that matter here.
#[derive(Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// Everything after the authority, `""` when absent.
    pub rest: &'a str,
}

/// Splits `scheme://host[:port][/path][?query][#fragment]`; `None` when it is not of that shape.
pub fn parse_url(s: &str) -> Option<Url<'_>> {
    let (scheme, after) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        let close = stripped.find(']')?;
        let port = stripped[close + 1..].strip_prefix(':');
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty()
        || port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some(Url {
        scheme,
        host,
        port,
        rest,
    })
}

/// Ingress hosts indexed for coverage questions in constant time (thousands of hosts, thousands of
/// TLS names: no scans of one list per entry of the other).
pub struct HostIndex<'a> {
    exact: foldhash::HashSet<Cow<'a, str>>,
    /// `example.com` for `*.example.com`.
    wildcard_parents: foldhash::HashSet<Cow<'a, str>>,
    /// The parent domain of every exact host, for TLS wildcards that cover them.
    parents: foldhash::HashSet<Cow<'a, str>>,
}

/// Lowercase, without a trailing dot; borrowed when it already is.
fn normalize(h: &str) -> Cow<'_, str> {
    crate::names::lowercase(h.trim_end_matches('.'))
}

/// The part of `h` from byte `from` on, borrowed where `h` is.
fn tail<'a>(h: &Cow<'a, str>, from: usize) -> Cow<'a, str> {
    match h {
        Cow::Borrowed(b) => Cow::Borrowed(&b[from..]),
        Cow::Owned(o) => Cow::Owned(o[from..].to_owned()),
    }
}

impl<'a> HostIndex<'a> {
    pub fn new(hosts: impl IntoIterator<Item = &'a str>) -> HostIndex<'a> {
        let hosts = hosts.into_iter();
        let n = hosts.size_hint().0;
        let mut idx = HostIndex {
            exact: HashSet::with_capacity(n),
            wildcard_parents: Default::default(),
            parents: Default::default(),
        };
        for h in hosts {
            let h = normalize(h);
            if h.starts_with("*.") {
                idx.wildcard_parents.insert(tail(&h, 2));
            } else {
                if let Some(dot) = h.find('.') {
                    idx.parents.insert(tail(&h, dot + 1));
                }
                idx.exact.insert(h);
            }
        }
        idx
    }

    /// Whether one of the hosts serves `name` (as [`host_covers`] does, for any of them).
    pub fn covers(&self, name: &str) -> bool {
        let n = normalize(name);
        self.exact.contains(&*n)
            || n.split_once('.').is_some_and(|(label, parent)| {
                !label.is_empty() && self.wildcard_parents.contains(parent)
            })
    }

    /// Whether `name` is served by a host, or is a wildcard that covers one of them.
    pub fn overlaps(&self, name: &str) -> bool {
        let n = normalize(name);
        match n.strip_prefix("*.") {
            Some(parent) => self.wildcard_parents.contains(parent) || self.parents.contains(parent),
            None => self.covers(&n),
        }
    }
}

/// Whether an ingress host (possibly `*.example.com`) serves `name`; case-insensitive, trailing dot ignored.
pub fn host_covers(ingress_host: &str, name: &str) -> bool {
    let h = ingress_host.trim_end_matches('.').to_ascii_lowercase();
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    match h.strip_prefix("*.") {
        Some(suffix) => n
            .strip_suffix(suffix)
            .and_then(|label| label.strip_suffix('.'))
            .is_some_and(|l| !l.is_empty() && !l.contains('.')),
        None => h == n,
    }
}

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let url_path = Path::parse("global.airbyteUrl");
    let relevant = plan.enabled || !plan.hosts.is_empty();
    if !relevant {
        return;
    }
    let raw = plan.airbyte_url.as_deref().unwrap_or("").trim().to_string();
    if raw.is_empty() {
        if plan.enabled {
            ctx.push(
                "url-missing",
                Severity::Error,
                url_path,
                "`global.airbyteUrl` is empty while the ingress is enabled: the chart then uses `http://localhost:8080` for links, redirects and login".into(),
                format!("set `global.airbyteUrl: https://{}`", plan.hosts.first().map_or("airbyte.example.com", |h| h.host.as_str())),
            );
        }
        return;
    }
    let origin = ctx.origin(&url_path);
    let Some(url) = parse_url(&raw) else {
        ctx.push(
            "url-invalid",
            Severity::Error,
            url_path,
            format!("`global.airbyteUrl` is `{raw}`, which is not an absolute URL such as `https://airbyte.example.com`"),
            "write the scheme and the host: `https://HOST`".into(),
        );
        return;
    };
    let scheme = url.scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        ctx.push(
            "url-invalid",
            Severity::Error,
            url_path.clone(),
            format!("`global.airbyteUrl` uses the scheme `{}`; Airbyte is served over `http` or `https`", url.scheme),
            format!("write `https://{}`", url.host),
        );
        return;
    }
    if url.rest == "/" {
        ctx.push(
            "url-trailing-slash",
            Severity::Error,
            url_path.clone(),
            format!("`global.airbyteUrl` `{raw}` ends with `/`: the chart appends `/api/public` and `/auth`, giving `//api/public`"),
            format!("write `{}`", raw.trim_end_matches('/')),
        );
    } else if !url.rest.is_empty() {
        ctx.push(
            "url-path",
            Severity::Error,
            url_path.clone(),
            format!("`global.airbyteUrl` `{raw}` has the path `{}`: Airbyte cannot be served under a sub-path (the UI loads from `/`)", url.rest),
            format!("serve Airbyte at the root of its own host: `{}://{}`", url.scheme, url.host),
        );
    }
    if let Some(port) = url.port {
        ctx.push(
            "url-port",
            Severity::Warning,
            url_path.clone(),
            format!("`global.airbyteUrl` names the port `{port}`: ingress controllers listen on 80 and 443, and links and cookies will carry `:{port}`"),
            format!("drop the port unless clients really reach Airbyte on `{port}`: `{}://{}`", url.scheme, url.host),
        );
    }
    let host = url.host.trim_end_matches('.');
    let host_served = plan.hosts.is_empty()
        || plan
            .hosts
            .iter()
            .any(|h| host_covers(super::hosts::host_name(&h.host), host));
    if !host_served {
        let listed: Vec<String> = plan
            .hosts
            .iter()
            .take(5)
            .map(|h| format!("`{}`", h.host))
            .collect();
        let first = &plan.hosts[0];
        let first_origin = ctx.origin(&first.at.key("host"));
        let mut f = Finding::new(
            "url-host-mismatch",
            Severity::Error,
            url_path.clone(),
            origin,
            format!(
                "`global.airbyteUrl` host `{host}` is not an ingress host; hosts are {}{} (ingress.hosts[0].host, {})",
                listed.join(", "),
                if plan.hosts.len() > 5 { ", ..." } else { "" },
                ctx.describe(first_origin)
            ),
            format!(
                "make them match: `global.airbyteUrl: {}://{}` or add `{host}` to `ingress.hosts`",
                url.scheme, first.host
            ),
        );
        f.origins.push(first_origin);
        ctx.findings.push(f);
    }
    // a mismatched host is the root cause; TLS for the wrong name follows from it
    if scheme == "https" && host_served {
        let tls_covers = plan
            .tls
            .iter()
            .any(|t| t.hosts.iter().any(|h| host_covers(h, host)));
        let controller_cert = plan.annotations.iter().any(|(k, v)| {
            v.as_deref().is_some_and(|v| !v.is_empty())
                && (k == "alb.ingress.kubernetes.io/certificate-arn"
                    || k == "kubernetes.azure.com/tls-cert-keyvault-uri")
        });
        if !tls_covers && !controller_cert {
            ctx.push(
                "url-https-without-tls",
                Severity::Warning,
                url_path.clone(),
                format!("`global.airbyteUrl` is `https`, but no `ingress.tls` entry covers `{host}` and no controller certificate annotation is set: unless TLS ends before the ingress (an outer load balancer, a Traefik entrypoint certificate), browsers get the controller's default certificate"),
                format!(
                    "add `tls: [{{secretName: {}-tls, hosts: [{host}]}}]` to `ingress`, or a certificate annotation (`alb.ingress.kubernetes.io/certificate-arn`, `kubernetes.azure.com/tls-cert-keyvault-uri`)",
                    host.split('.').next().unwrap_or("airbyte")
                ),
            );
        }
    }
    if scheme == "http" && plan.cookie_secure {
        ctx.push(
            "cookie-secure-over-http",
            Severity::Warning,
            url_path.clone(),
            "`global.airbyteUrl` is `http` but `global.auth.security.cookieSecureSetting` is `true`: browsers drop Secure cookies over HTTP and login fails with \"the server failed to set a cookie\"".to_string(),
            format!("serve Airbyte over HTTPS (`https://{host}` with TLS), or set `global.auth.security.cookieSecureSetting: false`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_as_expected() {
        assert_eq!(
            parse_url("https://a.example"),
            Some(Url {
                scheme: "https",
                host: "a.example",
                port: None,
                rest: ""
            })
        );
        assert_eq!(
            parse_url("http://a.example:8080/x?y"),
            Some(Url {
                scheme: "http",
                host: "a.example",
                port: Some("8080"),
                rest: "/x?y"
            })
        );
        assert_eq!(
            parse_url("https://[::1]:443").map(|u| (u.host, u.port)),
            Some(("[::1]", Some("443")))
        );
        assert_eq!(parse_url("airbyte.example.com"), None);
        assert_eq!(parse_url("https://user@a.example"), None);
        assert_eq!(parse_url("https://a.example:"), None);
        assert_eq!(parse_url("https://"), None);
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(host_covers("airbyte.example.com", "Airbyte.Example.com."));
        assert!(host_covers("*.example.com", "airbyte.example.com"));
        assert!(!host_covers("*.example.com", "example.com"));
        assert!(!host_covers("*.example.com", "a.b.example.com"));
        assert!(!host_covers("airbyte.example.com", "airbyte.example.org"));
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn the_index_agrees_with_host_covers() {
        let hosts = ["airbyte.example.com", "*.corp.example", "Data.Example.org."];
        let idx = HostIndex::new(hosts);
        for name in [
            "airbyte.example.com",
            "AIRBYTE.example.com.",
            "a.corp.example",
            "corp.example",
            "a.b.corp.example",
            "data.example.org",
            "x.example.com",
            "*.example.com",
            "*.corp.example",
            "*.other.example",
        ] {
            let by_scan = hosts.iter().any(|h| host_covers(h, name));
            assert_eq!(idx.covers(name), by_scan, "{name}");
            let overlaps = by_scan
                || hosts
                    .iter()
                    .any(|h| host_covers(name, h) || h.eq_ignore_ascii_case(name));
            assert_eq!(idx.overlaps(name), overlaps, "{name}");
        }
    }
}
