//! `global.airbyteUrl`: present, absolute, no path, port or trailing slash, its host served by the
//! ingress, `https` backed by a certificate, `http` with insecure cookies allowed. The URL feeds
//! links, OAuth redirects, cookies and the Keycloak issuer whatever serves Airbyte, so these rules
//! run whether or not the chart's Ingress is on.

use super::Ctx;
use crate::controllers::{AKS_KEYVAULT, ALB_CERTIFICATE};
use crate::findings::Rule;
use crate::names::{host_covers, host_name, parse_url};
use crate::values::Path;

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let url_path = Path::parse("global.airbyteUrl");
    let Some(raw) = plan.airbyte_url.clone() else {
        missing(ctx, url_path);
        return;
    };
    let written = match ctx.root.at(&url_path).map(|n| &n.value) {
        Some(crate::values::Value::Str(s)) => s.clone(),
        _ => raw.clone(),
    };
    if let Some((why, fix)) = url_problem(&written, &raw) {
        let f = ctx.value(
            Rule::UrlInvalid,
            url_path,
            format!("`global.airbyteUrl` `{}` {why}: links, login redirects and cookies are built from it as it is written", without_password(&written)),
        );
        ctx.push(f.help(fix));
        return;
    }
    let Some(url) = parse_url(&raw) else {
        let hint = if raw.contains("://") {
            "write the scheme and the host: `https://HOST`".to_string()
        } else {
            format!(
                "write the scheme too: `https://{}`",
                raw.trim_end_matches('/')
            )
        };
        let f = ctx.value(
            Rule::UrlInvalid,
            url_path,
            format!("`global.airbyteUrl` is `{raw}`, which is not an absolute URL such as `https://airbyte.example.com`: links, login redirects and cookies are built from it"),
        );
        ctx.push(f.help(hint));
        return;
    };
    let scheme = url.scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        let f = ctx.value(
            Rule::UrlInvalid,
            url_path,
            format!("`global.airbyteUrl` uses the scheme `{}`; Airbyte is served over `http` or `https`", url.scheme),
        );
        ctx.push(f.help(format!("write `https://{}`", url.host)));
        return;
    }
    if url.rest == "/" {
        let f = ctx.value(
            Rule::UrlTrailingSlash,
            url_path.clone(),
            format!("`global.airbyteUrl` `{raw}` ends with `/`: the chart appends `/api/public` and `/auth`, giving `//api/public`"),
        );
        ctx.push(f.help(format!("write `{}`", raw.trim_end_matches('/'))));
    } else if !url.rest.is_empty() {
        let f = ctx.value(
            Rule::UrlPath,
            url_path.clone(),
            format!("`global.airbyteUrl` `{raw}` has the path `{}`: Airbyte cannot be served under a sub-path (the UI loads from `/`)", url.rest),
        );
        ctx.push(f.help(format!(
            "serve Airbyte at the root of its own host: `{}://{}`",
            url.scheme, url.host
        )));
    }
    if let Some(port) = url.port {
        let f = ctx.value(
            Rule::UrlPort,
            url_path.clone(),
            format!("`global.airbyteUrl` names the port `{port}`: ingress controllers listen on 80 and 443, and links and cookies will carry `:{port}`"),
        );
        ctx.push(f.help(format!(
            "drop the port unless clients really reach Airbyte on `{port}`: `{}://{}`",
            url.scheme, url.host
        )));
    }
    // browsers hold `http://localhost` (and loopback addresses) a secure context and keep Secure
    // cookies there: abctl's default URL logs in
    if scheme == "http" && plan.cookie_secure && !is_loopback(url.host) {
        let misplaced = [
            "security",
            "global.security",
            "global.auth.cookieSecureSetting",
        ]
        .iter()
        .any(|p| ctx.root.at(&Path::parse(p)).is_some());
        let note = if misplaced {
            " (a `cookieSecureSetting` outside `global.auth.security` is not read)"
        } else {
            ""
        };
        let f = ctx.value(
            Rule::CookieSecureOverHttp,
            url_path.clone(),
            format!("`global.airbyteUrl` is `http` but `global.auth.security.cookieSecureSetting` is `true`{note}: browsers drop Secure cookies over HTTP and login fails with \"the server failed to set a cookie\""),
        );
        ctx.push(f.help(format!("serve Airbyte over HTTPS (`https://{}` with TLS), or set `global.auth.security.cookieSecureSetting: false`", url.host)));
    }
    // hosts and TLS that nothing serves (the chart's Ingress off, no target) say nothing about
    // the URL: the Ingress written by hand elsewhere is what serves it (`validate -m` compares it)
    if plan.hosts.is_empty() || !(plan.enabled || plan.is_byo()) {
        return;
    }
    let host = url.host.trim_end_matches('.');
    let host_served = plan
        .hosts
        .iter()
        .any(|h| host_covers(host_name(&h.host), host));
    if !host_served {
        let listed: Vec<String> = plan
            .hosts
            .iter()
            .take(5)
            .map(|h| format!("`{}`", h.host))
            .collect();
        let first = &plan.hosts[0];
        let first_origin = ctx.origin(&first.at.key("host"));
        let f = ctx
            .value(
                Rule::UrlHostMismatch,
                url_path.clone(),
                format!(
                    "`global.airbyteUrl` host `{host}` is not an ingress host; hosts are {}{} (ingress.hosts[0].host, {})",
                    listed.join(", "),
                    if plan.hosts.len() > 5 { ", ..." } else { "" },
                    ctx.describe(first_origin)
                ),
            )
            .help(format!(
                "make them match: `global.airbyteUrl: {}://{}` or add `{host}` to `ingress.hosts`",
                url.scheme, first.host
            ))
            .also(first_origin);
        ctx.push(f);
        // a mismatched host is the root cause; TLS for the wrong name follows from it
        return;
    }
    if scheme == "http" && tls_served(ctx, host) {
        let f = ctx.value(
            Rule::UrlHttpWithTls,
            url_path.clone(),
            format!("`global.airbyteUrl` is `http`, but TLS is configured for `{host}`: Airbyte writes `http://` into links and login redirects, browsers are sent off HTTPS, and the login cookie is set for the wrong scheme"),
        );
        ctx.push(f.help(format!("write `global.airbyteUrl: https://{host}`")));
    }
    if scheme == "https" && !tls_served(ctx, host) {
        let f = ctx.value(
            Rule::UrlHttpsWithoutTls,
            url_path,
            format!("`global.airbyteUrl` is `https`, but no `ingress.tls` entry covers `{host}` and no controller certificate is set: unless TLS ends before the ingress (an outer load balancer, a Traefik entrypoint certificate), browsers get the controller's default certificate"),
        );
        ctx.push(f.help(format!(
            "add `tls: [{{secretName: {}-tls, hosts: [{host}]}}]` to `ingress`, or a controller certificate (`alb.ingress.kubernetes.io/certificate-arn`, `kubernetes.azure.com/tls-cert-keyvault-uri`, a target's certificate flag)",
            host.split('.').next().unwrap_or("airbyte")
        )));
    }
}

/// `localhost`, `*.localhost` and loopback addresses: the hosts browsers treat as secure contexts.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "[::1]"
        || h.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The URL with a password before `@` replaced by `***`, so that a report does not repeat it.
fn without_password(url: &str) -> String {
    let Some((scheme, after)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    match after[..end].rsplit_once('@') {
        Some((user, host)) => {
            let user = user
                .split_once(':')
                .map_or(user.to_string(), |(u, _)| format!("{u}:***"));
            format!("{scheme}://{user}@{host}{}", &after[end..])
        }
        None => url.to_string(),
    }
}

/// What makes a URL unusable as Airbyte's, beyond its shape: spaces around or inside it, a user
/// and password, a wildcard host, a port no TCP port can be. (why, fix); `None` when it is none of
/// these (or not a URL at all, which is said elsewhere).
fn url_problem(written: &str, trimmed: &str) -> Option<(String, String)> {
    let mut why: Vec<String> = Vec::new();
    if written != trimmed {
        why.push("has spaces around it, which the chart keeps".into());
    }
    if trimmed.chars().any(char::is_whitespace) {
        why.push("holds a space".into());
    }
    let clean: String = trimmed.split_whitespace().collect();
    let Some((scheme, after)) = clean.split_once("://") else {
        return (!why.is_empty()).then(|| (why.join("; "), format!("write `{clean}`")));
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let mut host_port = authority;
    if let Some((_, h)) = authority.rsplit_once('@') {
        why.push("carries a user name (and password) before `@`: they are sent in every link, and browsers refuse them".into());
        host_port = h;
    }
    let mut wildcard = false;
    if host_port.contains('*') {
        why.push("has a wildcard host: Airbyte needs the one name people reach it under".into());
        wildcard = true;
    }
    if !host_port.starts_with('[')
        && let Some((h, port)) = host_port.rsplit_once(':')
        && !port.is_empty()
        && port.chars().all(|c| c.is_ascii_digit())
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        why.push(format!(
            "has the port `{port}`, which is no TCP port (1-65535)"
        ));
        host_port = h;
    }
    if why.is_empty() {
        return None;
    }
    let fix = if wildcard {
        format!("write the host itself, e.g. `{scheme}://airbyte.example.com`")
    } else {
        format!("write `{scheme}://{host_port}{rest}`")
    };
    Some((why.join("; "), fix))
}

/// `global.airbyteUrl` is empty: an error wherever something serves Airbyte under a name.
fn missing(ctx: &mut Ctx, url_path: Path) {
    let plan = ctx.plan;
    // a bring-your-own target with no hosts either is told so once, by `hosts-missing`
    let byo_without_hosts = plan.is_byo() && plan.hosts.is_empty();
    let why = if plan.enabled {
        "while the chart's Ingress is enabled"
    } else if !plan.hosts.is_empty() {
        "while the values list ingress hosts"
    } else if plan.auth_enabled == Some(true) {
        "while `global.auth.enabled` is true"
    } else {
        return;
    };
    if byo_without_hosts {
        return;
    }
    let host = plan
        .hosts
        .first()
        .map_or("airbyte.example.com", |h| h.host.as_str());
    let f = ctx.value(
        Rule::UrlMissing,
        url_path,
        format!("`global.airbyteUrl` is empty {why}: the chart then uses `http://localhost:8080` for links, login redirects and cookies"),
    );
    ctx.push(f.help(format!("set `global.airbyteUrl: https://{host}`")));
}

/// Whether something serves a certificate for `host`: a TLS entry of the values, a controller
/// certificate annotation that the output keeps, a bring-your-own target's certificate settings,
/// or an existing Gateway (which terminates TLS itself: `gateway-attach-existing` and
/// `istio-attach-existing` say so).
fn tls_served(ctx: &Ctx, host: &str) -> bool {
    let plan = ctx.plan;
    let in_values = plan
        .tls
        .iter()
        .any(|t| t.hosts.iter().any(|h| host_covers(h, host)));
    let cert_annotation = |k: &str, v: Option<&str>| {
        v.is_some_and(|v| !v.is_empty()) && (k == ALB_CERTIFICATE || k == AKS_KEYVAULT)
    };
    match &plan.byo {
        // the chart's Ingress carries the values' annotations as they are
        None => {
            in_values
                || plan
                    .annotations
                    .iter()
                    .any(|(k, v)| cert_annotation(k, v.as_deref()))
        }
        // a target carries only the annotations of its controller (a dropped ALB certificate
        // serves nothing), its certificate flags, or an existing Gateway's own certificates
        Some(b) => {
            let s = &b.settings;
            in_values
                || b.effective
                    .annotations
                    .iter()
                    .any(|(k, v)| cert_annotation(k, Some(v)))
                || s.traefik_cert_resolver.is_some()
                || s.haproxy_cert.is_some()
                || s.aks_keyvault_cert_uri.is_some()
                || s.gateway_name.is_some()
                || s.istio_gateway.is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{url_problem, without_password};

    #[test]
    fn loopback_hosts_are_secure_contexts() {
        for h in [
            "localhost",
            "LOCALHOST.",
            "airbyte.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
        ] {
            assert!(super::is_loopback(h), "{h}");
        }
        for h in [
            "localhost.example.com",
            "10.0.0.1",
            "airbyte.example.com",
            "[::2]",
        ] {
            assert!(!super::is_loopback(h), "{h}");
        }
    }

    #[test]
    fn passwords_are_not_repeated() {
        assert_eq!(
            without_password("https://admin:s3cret@a.example:1/x"),
            "https://admin:***@a.example:1/x"
        );
        assert_eq!(
            without_password("https://admin@a.example"),
            "https://admin@a.example"
        );
        assert_eq!(
            without_password("https://a.example/@x"),
            "https://a.example/@x"
        );
    }

    fn problem(url: &str) -> Option<(String, String)> {
        url_problem(url, url.trim())
    }

    #[test]
    fn every_problem_is_named_and_the_fix_drops_them_all() {
        let (why, fix) = problem("https://admin:pw@airbyte.example.com:84430/x").unwrap();
        assert!(
            why.contains("user name") && why.contains("`84430`"),
            "{why}"
        );
        assert_eq!(fix, "write `https://airbyte.example.com/x`");
        let (why, fix) = problem(" https://air byte.example.com ").unwrap();
        assert!(
            why.contains("around") && why.contains("holds a space"),
            "{why}"
        );
        assert_eq!(fix, "write `https://airbyte.example.com`");
        let (why, fix) = problem("https://*.example.com").unwrap();
        assert!(why.contains("wildcard"), "{why}");
        assert!(fix.contains("airbyte.example.com"), "{fix}");
        assert!(problem("https://airbyte.example.com:0").is_some());
        assert!(problem("http://[::1]:8080").is_none());
        assert!(problem("https://airbyte.example.com:8443/").is_none());
        assert!(problem("https://airbyte.example.com").is_none());
    }
}
