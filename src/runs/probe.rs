//! `probe URL`: a running Airbyte checked through the proxy in front of it, with the two
//! endpoints Airbyte answers without login (`GET /api/v1/health`, `GET
//! /api/v1/instance_configuration`), Keycloak's public OpenID configuration when Airbyte says it
//! uses Keycloak, and one body of `--body-probe-size` bytes posted to the health endpoint. It
//! never logs in and never writes: the POST goes to an endpoint that only answers GET, so Airbyte
//! refuses it (405) once the proxy has let the body through.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::findings::{Finding, InputEntry, Rule};
use crate::live::parse::{self, Proxy, URL_NOT_CONFIGURED, UrlParts};
use crate::live::{self, Http, NetError, Response};
use crate::source::{Origin, Sources};
use crate::values::Path;

use super::Checked;

/// What `probe` is asked.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    pub url: String,
    pub net: live::Config,
    /// The port of the plain-HTTP check (80 by default); `None` skips it.
    pub http_port: Option<u16>,
    /// Bytes to POST; `None` skips the body check.
    pub body_probe: Option<usize>,
}

/// Airbyte's own request size limit (`micronaut.server.max-request-size` in airbyte-server's
/// application.yml): the default body probe, the largest body Airbyte itself takes.
pub const AIRBYTE_MAX_REQUEST: usize = 10 * 1024 * 1024;

/// Certificates that end sooner than this are warned about.
pub const EXPIRY_WARN_DAYS: i64 = 14;

/// What a probe found.
pub struct ProbeReport {
    pub findings: Vec<Finding>,
    pub sources: Sources,
    pub inputs: Vec<InputEntry>,
    /// What was asked and answered, for `-v`.
    pub log: Vec<String>,
}

struct Probe<'a> {
    opts: &'a ProbeOptions,
    base: String,
    url: UrlParts,
    findings: Vec<Finding>,
    log: Vec<String>,
    proxy: Proxy,
    facts: Vec<String>,
    /// Whether anything answered: a TLS handshake or an HTTP response.
    answered: bool,
}

impl Probe<'_> {
    fn push(&mut self, rule: Rule, message: String, help: Option<String>) {
        let f = Finding::new(rule, Path::default(), Origin::Command, message);
        self.findings.push(match help {
            Some(h) => f.help(h),
            None => f,
        });
    }

    fn request(
        &mut self,
        http: &Http,
        method: &str,
        url: &str,
        body: Option<usize>,
    ) -> Result<Response, NetError> {
        let r = match body {
            Some(n) => http.post_bytes(url, n),
            None => http.get(url),
        };
        match &r {
            Ok(resp) => {
                self.answered = true;
                self.log.push(format!("{method} {url}: {}", resp.status));
                let p = parse::proxy_of(&resp.headers, &resp.body);
                if self.proxy == Proxy::Unknown && p != Proxy::Unknown {
                    self.proxy = p;
                }
            }
            Err(e) => self.log.push(format!("{method} {url}: {e}")),
        }
        r
    }
}

/// Checks a live Airbyte; `values`, when given, are compared with what it answers.
pub fn run(opts: &ProbeOptions, values: Option<&Checked>) -> Result<ProbeReport, super::Failure> {
    let url = parse::url_parts(&opts.url).ok_or_else(|| {
        super::Failure::Usage(format!(
            "`{}` is not an http:// or https:// URL with a host",
            opts.url
        ))
    })?;
    let mut sources = values.map(|c| c.loaded.sources.clone()).unwrap_or_default();
    sources.command = Some(opts.url.clone());
    let base = format!(
        "{}://{}{}{}",
        url.scheme,
        url.host,
        if (url.scheme == "https" && url.port == 443) || (url.scheme == "http" && url.port == 80) {
            String::new()
        } else {
            format!(":{}", url.port)
        },
        url.path
    );
    let mut p = Probe {
        opts,
        base,
        url,
        findings: Vec::new(),
        log: Vec::new(),
        proxy: Proxy::Unknown,
        facts: Vec::new(),
        answered: false,
    };
    probe(&mut p, values);
    let summary = format!(
        "{} answered through {}{}",
        p.base,
        p.proxy.name(),
        if p.facts.is_empty() {
            String::new()
        } else {
            format!(": {}", p.facts.join("; "))
        }
    );
    let help = if p.proxy == Proxy::Nginx {
        "if this NGINX is ingress-nginx: it was retired in March 2026 (no more releases or security fixes); `airbyte-ingress render -m` moves its Ingress to another controller"
    } else {
        "nothing to do"
    };
    // said when something answered (a TLS handshake or an HTTP answer)
    if p.answered {
        p.push(Rule::ProbeAnswer, summary, Some(help.to_string()));
    }
    crate::findings::sort(&mut p.findings);
    let inputs = values.map(|c| vec![c.input.clone()]).unwrap_or_default();
    Ok(ProbeReport {
        findings: p.findings,
        sources,
        inputs,
        log: p.log,
    })
}

fn probe(p: &mut Probe<'_>, values: Option<&Checked>) {
    let host = p
        .url
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    // DNS, TCP and TLS
    if p.url.scheme == "https" {
        match live::tls_check(&p.opts.net, &host, p.url.port) {
            Err(e) => {
                unreachable(p, &e);
                return;
            }
            Ok(tls) => {
                p.answered = true;
                let days = tls.not_after.map(|t| (t - now()) / 86_400);
                p.facts.push(format!(
                    "{}, a certificate for {} from {}{}",
                    tls.version,
                    if tls.names.is_empty() {
                        "no DNS name".to_string()
                    } else {
                        tls.names.join(", ")
                    },
                    if tls.issuer.is_empty() {
                        "an unknown issuer"
                    } else {
                        tls.issuer.as_str()
                    },
                    days.map(|d| format!(", {d} days left")).unwrap_or_default()
                ));
                if let Some(problem) = &tls.problem {
                    p.push(
                        Rule::ProbeTlsInvalid,
                        format!(
                            "`{host}:{}` serves a certificate browsers refuse: {problem} (it names {})",
                            p.url.port,
                            if tls.names.is_empty() { "no DNS name".to_string() } else { tls.names.join(", ") }
                        ),
                        Some("serve a certificate for this host from a trusted authority: the Ingress's `tls` hosts and `secretName` (cert-manager's Certificate), the listener's `certificateRefs`, or the load balancer's certificate; for a private authority pass its certificate with `--cacert`".into()),
                    );
                    if !p.opts.net.insecure {
                        return;
                    }
                } else if let Some(d) = days.filter(|d| *d < EXPIRY_WARN_DAYS) {
                    p.push(
                        Rule::ProbeTlsExpiring,
                        format!("the certificate of `{host}` expires in {d} days"),
                        Some("renew it now, and check that its renewal (cert-manager, the cloud's certificate manager) works".into()),
                    );
                }
            }
        }
    }
    let http = match Http::new(&p.opts.net) {
        Ok(h) => h,
        Err(e) => {
            unreachable(p, &e);
            return;
        }
    };
    if p.url.scheme == "https"
        && let Some(port) = p.opts.http_port
    {
        plain_http(p, &http, &host, port);
    }
    if !health(p, &http) {
        return;
    }
    instance(p, &http, values);
    if let Some(size) = p.opts.body_probe {
        body_limit(p, &http, size);
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn unreachable(p: &mut Probe<'_>, e: &NetError) {
    let (what, help) = match e {
        NetError::Resolve(_) => (
            "the name does not resolve",
            "check DNS for the host (the load balancer's record), or point the probe at an address with `--resolve HOST:PORT:ADDR`",
        ),
        NetError::Connect(_) => (
            "nothing accepts connections there",
            "check that the load balancer or the controller's Service listens on this port, and that a firewall or security group lets you in",
        ),
        NetError::Timeout(_) => (
            "no answer within the timeout",
            "a firewall that drops packets, an internal load balancer reached from outside its network, or a proxy that hangs; raise `--timeout` to tell a slow one",
        ),
        NetError::Tls(_) => (
            "no TLS handshake",
            "the port may serve plain HTTP, or the proxy has no certificate for this host (SNI): check the HTTPS listener",
        ),
        NetError::Other(_) => ("the request failed", "see the message"),
    };
    p.push(
        Rule::ProbeUnreachable,
        format!("{what}: {e}"),
        Some(help.to_string()),
    );
}

fn plain_http(p: &mut Probe<'_>, http: &Http, host: &str, port: u16) {
    let url = format!(
        "http://{}{}{}/api/v1/health",
        p.url.host,
        if port == 80 {
            String::new()
        } else {
            format!(":{port}")
        },
        p.url.path
    );
    let resp = match p.request(http, "GET", &url, None) {
        Ok(r) => r,
        Err(NetError::Connect(_)) => {
            p.facts
                .push(format!("nothing listens for plain HTTP on port {port}"));
            return;
        }
        Err(e) => {
            p.facts.push(format!("plain HTTP on port {port}: {e}"));
            return;
        }
    };
    if (300..400).contains(&resp.status) {
        let location = resp.header("location").unwrap_or_default().to_string();
        match parse::url_parts(&location) {
            Some(to) if to.scheme == "https" && to.host == p.url.host => {
                p.facts.push(format!("plain HTTP redirects to HTTPS ({})", resp.status));
            }
            Some(to) if to.host != p.url.host => p.push(
                Rule::ProbeHttpRedirectElsewhere,
                format!(
                    "`{url}` redirects to `{location}`, another host than `{host}`: people who type the address are sent elsewhere"
                ),
                Some("make the HTTP-to-HTTPS redirect keep the host (ingress-nginx `ssl-redirect`, a Gateway's redirect HTTPRoute with only `scheme: https`)".into()),
            ),
            _ => p.push(
                Rule::ProbeHttpNotRedirected,
                format!("`{url}` answers {} to `{location}`, not to HTTPS on the same host", resp.status),
                Some("redirect plain HTTP to `https://` on the same host".into()),
            ),
        }
    } else if (200..300).contains(&resp.status) {
        p.push(
            Rule::ProbeHttpNotRedirected,
            format!("`{url}` serves Airbyte over plain HTTP ({}): passwords and session cookies cross the network in clear", resp.status),
            Some("redirect HTTP to HTTPS: ingress-nginx does for TLS hosts unless `ssl-redirect: \"false\"`; Traefik with a redirectScheme middleware; Gateway API with a redirect HTTPRoute on the HTTP listener; the ALB with `ssl-redirect: \"443\"`".into()),
        );
    } else {
        p.facts.push(format!("plain HTTP answers {}", resp.status));
    }
}

/// The health endpoint through the proxy; false when nothing more can be asked.
fn health(p: &mut Probe<'_>, http: &Http) -> bool {
    let url = format!("{}/api/v1/health", p.base);
    let resp = match p.request(http, "GET", &url, None) {
        Ok(r) => r,
        Err(e @ NetError::Timeout(_)) => {
            p.push(
                Rule::ProbeHealth,
                format!("`GET {url}` got no answer within {} s: {e}", p.opts.net.timeout.as_secs()),
                Some("the proxy or Airbyte's server hangs; check the server pods and the proxy's logs".into()),
            );
            return false;
        }
        Err(e) => {
            unreachable(p, &e);
            return false;
        }
    };
    let meaning = match resp.status {
        200 => None,
        502 => Some(
            "the proxy reached no Airbyte server: the route's backend Service or port is wrong, or the server pods are down",
        ),
        503 => Some(
            "the proxy has no ready endpoint for the route: the server pods are not ready, or the Service's selector matches none",
        ),
        504 => Some(
            "the server did not answer within the proxy's timeout: the server is overloaded or stuck, or the proxy's timeout is very short",
        ),
        404 => Some(
            "the path is not routed to Airbyte's server: a default backend or another application answered",
        ),
        401 | 403 => Some(
            "something in front of Airbyte asks for credentials (an auth proxy, basic auth, an IP allow-list), so this probe cannot see Airbyte",
        ),
        300..=399 => None,
        _ => Some("Airbyte's health endpoint answers 200"),
    };
    if (300..400).contains(&resp.status) {
        let location = resp.header("location").unwrap_or_default().to_string();
        let to_https = parse::url_parts(&location).is_some_and(|to| {
            to.scheme == "https" && to.host == p.url.host && p.url.scheme == "http"
        });
        let (meaning, help) = if to_https {
            (
                "the proxy sends plain HTTP to HTTPS",
                format!(
                    "probe the HTTPS URL people use: `airbyte-ingress probe {}`",
                    location.split("/api/v1/health").next().unwrap_or(&location)
                ),
            )
        } else {
            (
                "something in front of Airbyte redirects its API (a login proxy, a path rewrite, another host), and Airbyte's UI cannot call it",
                "route the URL's paths to `<release>-airbyte-server-svc` unchanged; put an auth proxy in front of the UI only if it lets `/api/` through".to_string(),
            )
        };
        p.push(
            Rule::ProbeHealth,
            format!(
                "`GET {url}` answered {} to `{location}`: {meaning}",
                resp.status
            ),
            Some(help),
        );
        return false;
    }
    if let Some(meaning) = meaning {
        p.push(
            Rule::ProbeHealth,
            format!("`GET {url}` answered {}: {meaning}", resp.status),
            Some(format!("`kubectl get pods,svc,endpoints -n <namespace>` for the server; the route's backend should be `<release>-airbyte-server-svc` port 8001; the proxy here is {}", p.proxy.name())),
        );
        return false;
    }
    if resp.truncated {
        p.push(
            Rule::ProbeAnswerInvalid,
            format!(
                "`GET {url}` answered more than {} bytes: not Airbyte's health answer",
                p.opts.net.max_body
            ),
            None,
        );
        return false;
    }
    match parse::health(&resp.body) {
        Ok(true) => {
            p.facts.push("health available".into());
            true
        }
        Ok(false) => {
            p.push(
                Rule::ProbeHealth,
                format!("`GET {url}` says `available: false`: Airbyte's server runs but is not available"),
                Some("check the server's logs: its database and its other dependencies".into()),
            );
            false
        }
        Err(e) => {
            p.push(
                Rule::ProbeAnswerInvalid,
                format!("`GET {url}` answered 200, but {}: something other than Airbyte's server answers this path", e.0),
                Some("the route sends `/api` somewhere else (the webapp, a default backend, a login page): route `/` to `<release>-airbyte-server-svc`".into()),
            );
            false
        }
    }
}

fn instance(p: &mut Probe<'_>, http: &Http, values: Option<&Checked>) {
    let url = format!("{}/api/v1/instance_configuration", p.base);
    let resp = match p.request(http, "GET", &url, None) {
        Ok(r) => r,
        Err(e) => {
            p.facts.push(format!("instance configuration: {e}"));
            return;
        }
    };
    if resp.status != 200 {
        p.facts
            .push(format!("instance configuration answered {}", resp.status));
        return;
    }
    let i = match parse::instance(&resp.body) {
        Ok(i) if !resp.truncated => i,
        Ok(_) | Err(_) => {
            let why = parse::instance(&resp.body).err().map_or_else(
                || format!("more than {} bytes", p.opts.net.max_body),
                |e| e.0,
            );
            p.push(
                Rule::ProbeAnswerInvalid,
                format!("`GET {url}` answered 200, but {why}"),
                None,
            );
            return;
        }
    };
    p.facts.push(format!(
        "Airbyte {} {}, auth `{}`{}",
        if i.edition.is_empty() {
            "?"
        } else {
            i.edition.as_str()
        },
        i.version,
        i.auth.mode,
        match i.initial_setup_complete {
            Some(false) => ", setup not complete",
            _ => "",
        }
    ));
    let probed = p.base.clone();
    if i.airbyte_url == URL_NOT_CONFIGURED || i.airbyte_url.trim().is_empty() {
        p.push(
            Rule::ProbeUrlMismatch,
            format!("Airbyte reports `airbyteUrl: {URL_NOT_CONFIGURED}`: `AIRBYTE_URL` is not set, so links, OAuth redirects and login cookies have no URL to use"),
            Some(format!("set `global.airbyteUrl: {probed}` in the values and upgrade the release")),
        );
    } else {
        match parse::url_parts(&i.airbyte_url) {
            Some(reported) if reported == p.url => {}
            Some(reported) => {
                let mut differ = Vec::new();
                if reported.scheme != p.url.scheme {
                    differ.push(format!(
                        "scheme `{}` vs `{}`",
                        reported.scheme, p.url.scheme
                    ));
                }
                if reported.host != p.url.host {
                    differ.push(format!("host `{}` vs `{}`", reported.host, p.url.host));
                }
                if reported.port != p.url.port {
                    differ.push(format!("port {} vs {}", reported.port, p.url.port));
                }
                if reported.path != p.url.path {
                    differ.push(format!("path `{}` vs `{}`", reported.path, p.url.path));
                }
                p.push(
                    Rule::ProbeUrlMismatch,
                    format!(
                        "Airbyte believes it is at `{}`, but it is reached at `{probed}` ({}): login cookies, links and OAuth redirects go to the other address",
                        i.airbyte_url,
                        differ.join(", ")
                    ),
                    Some(format!("set `global.airbyteUrl: {probed}` in the values (or probe the URL people use)")),
                );
            }
            None => p.push(
                Rule::ProbeUrlMismatch,
                format!(
                    "Airbyte reports `airbyteUrl: {}`, which is not an absolute http(s) URL",
                    i.airbyte_url
                ),
                Some(format!("set `global.airbyteUrl: {probed}`")),
            ),
        }
    }
    if let Some(c) = values {
        values_differ(p, c, &i.airbyte_url);
        edition_differs(p, c, &i.edition);
    }
    // Keycloak: Airbyte names it `<airbyteUrl>/auth/realms/<realm>`
    if i.auth.mode == "oidc"
        && let Some(server) = i.auth.authorization_server_url.clone()
        && server.contains("/auth/realms/")
    {
        keycloak(p, http, &server);
    }
}

fn values_differ(p: &mut Probe<'_>, c: &Checked, live_url: &str) {
    let Some(given) = c.plan.as_ref().and_then(|pl| pl.airbyte_url.clone()) else {
        return;
    };
    let same = match (parse::url_parts(&given), parse::url_parts(live_url)) {
        (Some(a), Some(b)) => a == b,
        _ => given == live_url,
    };
    if same {
        return;
    }
    values_finding(
        p,
        c,
        "global.airbyteUrl",
        format!(
            "the values say `global.airbyteUrl: {given}`, and the running Airbyte reports `{live_url}`: the release was not upgraded with these values, or they are not the ones deployed"
        ),
    );
}

/// `probe-values-differ` at the value of `key` (or where the chart's default stands).
fn values_finding(p: &mut Probe<'_>, c: &Checked, key: &str, message: String) {
    let path = Path::parse(key);
    let origin = c
        .loaded
        .root
        .at(&path)
        .map_or(Origin::Default, |n| n.origin);
    p.findings.push(
        Finding::new(Rule::ProbeValuesDiffer, path, origin, message)
            .help("upgrade the release with these values, or check which values the cluster runs (`helm get values`)"),
    );
}

/// The values' `global.edition` against the one Airbyte reports (`pro` and `trial` are
/// Enterprise licences of the `enterprise` chart edition, so they agree with it).
fn edition_differs(p: &mut Probe<'_>, c: &Checked, live: &str) {
    let Some(given) = c.plan.as_ref().map(|pl| pl.edition.clone()) else {
        return;
    };
    let chart_edition = |e: &str| match e {
        "pro" | "trial" | "enterprise" => "enterprise",
        _ => "community",
    };
    if live.is_empty() || chart_edition(&given) == chart_edition(live) {
        return;
    }
    values_finding(
        p,
        c,
        "global.edition",
        format!(
            "the values make a `{given}` release, and the running Airbyte reports edition `{live}`: these values are not the ones deployed"
        ),
    );
}

fn keycloak(p: &mut Probe<'_>, http: &Http, server: &str) {
    let discovery = format!(
        "{}/.well-known/openid-configuration",
        server.trim_end_matches('/')
    );
    match p.request(http, "GET", &discovery, None) {
        Ok(r) if r.status == 200 && !r.truncated && parse::openid_issuer(&r.body).is_ok() => {
            p.facts.push("Keycloak's OpenID configuration answers".into());
        }
        Ok(r) => p.push(
            Rule::ProbeKeycloakUnreachable,
            format!("`GET {discovery}` answered {}, not Keycloak's OpenID configuration: browsers cannot log in", r.status),
            Some("route `/auth/realms/` and `/auth/resources/` to `<release>-airbyte-keycloak-svc` port 8180".into()),
        ),
        Err(e) => p.push(
            Rule::ProbeKeycloakUnreachable,
            format!("`GET {discovery}` failed: {e}: browsers cannot log in"),
            Some("route `/auth/realms/` and `/auth/resources/` to `<release>-airbyte-keycloak-svc` port 8180".into()),
        ),
    }
    let admin = format!("{}/auth/admin/", p.base);
    if let Ok(r) = p.request(http, "GET", &admin, None) {
        let location = r
            .header("location")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = String::from_utf8_lossy(&r.body).to_ascii_lowercase();
        let exposed = ((300..400).contains(&r.status) && location.contains("/admin/"))
            || (r.status == 200 && body.contains("keycloak"));
        if exposed {
            p.push(
                Rule::ProbeKeycloakAdmin,
                format!("`GET {admin}` answers {} with Keycloak's admin console: anyone on the network can try its admin login", r.status),
                Some("route only `/auth/realms/` and `/auth/resources/` to Keycloak, not all of `/auth`".into()),
            );
        }
    }
}

fn body_limit(p: &mut Probe<'_>, http: &Http, size: usize) {
    let url = format!("{}/api/v1/health", p.base);
    let mib = size as f64 / 1_048_576.0;
    match p.request(http, "POST", &url, Some(size)) {
        Ok(r) if r.status == 413 => {
            let from_proxy = parse::proxy_of(&r.headers, &r.body) != Proxy::Unknown
                || !r.body.starts_with(b"{");
            if from_proxy {
                let proxy = parse::proxy_of(&r.headers, &r.body);
                let proxy = if proxy == Proxy::Unknown { p.proxy } else { proxy };
                p.push(
                    Rule::ProbeBodyLimit,
                    format!("a {mib:.1} MiB request body gets 413 from {}: Airbyte's large catalog saves and connector uploads fail", proxy.name()),
                    Some(proxy.body_fix().to_string()),
                );
            } else {
                p.facts.push(format!("a {mib:.1} MiB body passes the proxy; Airbyte itself refuses it (its own limit is 10 MiB)"));
            }
        }
        Ok(r) => p.facts.push(format!("a {mib:.1} MiB body passes the proxy ({})", r.status)),
        Err(e @ NetError::Timeout(_)) => p.facts.push(format!("a {mib:.1} MiB body: no answer within the timeout ({e})")),
        Err(e) => p.push(
            Rule::ProbeBodyLimit,
            format!("a {mib:.1} MiB request body was cut off: {e}: the proxy closed the connection, as proxies do above their body limit"),
            Some(p.proxy.body_fix().to_string()),
        ),
    }
}

/// `--timeout`'s default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
