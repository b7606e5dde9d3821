//! `haproxy-cfg`: a standalone haproxy.cfg in front of Airbyte: timeouts for long requests, HTTPS
//! with a redirect from HTTP, routing by Host (404 for anything else), Keycloak's public paths for
//! Enterprise, a health-checked backend, optional cookie persistence.

use super::SettingsError;
use serde::Serialize;

use crate::controllers::Settings;
use crate::plan::{Backend, Byo, ChartLine, Plan};
use crate::render::{RenderError, Rendered, Templates, TextFile};

pub const TEMPLATES: Templates = &[
    (
        "haproxy-cfg/haproxy.cfg.j2",
        include_str!("../../templates/haproxy-cfg/haproxy.cfg.j2"),
    ),
    (
        "haproxy-cfg/routing.cfg.j2",
        include_str!("../../templates/haproxy-cfg/routing.cfg.j2"),
    ),
];

#[derive(Serialize)]
struct Ctx {
    version: &'static str,
    http_bind: String,
    https_bind: String,
    tls: bool,
    cert: String,
    exact_hosts: Vec<String>,
    /// `[.]example[.]com` for `*.example.com`: one more label in front (no backslashes, which
    /// HAProxy's parser would eat).
    wildcard_suffixes: Vec<String>,
    upstreams: Vec<String>,
    keycloak: Option<String>,
    builder: Option<String>,
    sticky: bool,
    /// Airbyte's request timeout, for the client and server sides.
    timeout: String,
    health_path: &'static str,
    /// The clients the values' allow list admits (`Effective::allow_list`); empty: everyone.
    allow: Vec<String>,
}

/// `HOST:PORT` (or `[v6]:PORT`, or `:PORT` for a bind) with nothing HAProxy would read as more.
pub fn check_address(what: &str, s: &str, allow_empty_host: bool) -> Result<(), SettingsError> {
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("{what} `{s}` is not HOST:PORT"))?;
    let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0);
    let host_ok = (allow_empty_host && host.is_empty())
        || (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':')));
    if port_ok && host_ok {
        Ok(())
    } else {
        Err(format!("{what} `{s}` is not HOST:PORT").into())
    }
}

pub fn check_settings(plan: &Plan, opts: &Settings) -> Result<(), SettingsError> {
    for u in &opts.upstreams {
        check_address("--upstream", u, false)?;
    }
    if let Some(b) = &opts.http_bind {
        check_address("--http-bind", b, true)?;
    }
    if let Some(b) = &opts.https_bind {
        check_address("--https-bind", b, true)?;
    }
    if let Some(c) = &opts.haproxy_cert
        && (c.is_empty()
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | '_' | '-')))
    {
        return Err(format!(
            "`--haproxy-cert {c}`: use a plain path (letters, digits, `/`, `.`, `_`, `-`)"
        )
        .into());
    }
    let https_url = plan.hosts.is_empty()
        && plan
            .url_parts()
            .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("https"));
    if (!plan.tls.is_empty() || https_url) && opts.haproxy_cert.is_none() {
        let what = if https_url {
            "`global.airbyteUrl` is `https`"
        } else {
            "the values configure TLS"
        };
        return Err(format!(
            "{what}: pass `--haproxy-cert PEM` (certificate and key in one file) for the HTTPS frontend"
        ).into());
    }
    Ok(())
}

/// The in-cluster DNS name and port of an Airbyte Service.
fn service_address(plan: &Plan, b: Backend) -> String {
    let s = plan.service(b, true);
    format!(
        "{}.{}.svc.cluster.local:{}",
        s.name, plan.namespace, s.number
    )
}

pub fn render(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    let opts = &byo.settings;
    let tls = opts.haproxy_cert.is_some();
    let mut exact_hosts = Vec::new();
    let mut wildcard_suffixes = Vec::new();
    for h in &byo.hosts {
        match h.strip_prefix('*') {
            Some(suffix) => wildcard_suffixes.push(suffix.replace('.', "[.]")),
            None => exact_hosts.push(h.to_ascii_lowercase()),
        }
    }
    let ctx = Ctx {
        version: env!("CARGO_PKG_VERSION"),
        http_bind: opts.http_bind.clone().unwrap_or_else(|| ":80".into()),
        https_bind: opts.https_bind.clone().unwrap_or_else(|| ":443".into()),
        tls,
        cert: opts.haproxy_cert.clone().unwrap_or_default(),
        exact_hosts,
        wildcard_suffixes,
        upstreams: if opts.upstreams.is_empty() {
            vec![service_address(plan, Backend::Server)]
        } else {
            opts.upstreams.clone()
        },
        keycloak: plan
            .keycloak
            .then(|| service_address(plan, Backend::Keycloak)),
        builder: (plan.line == ChartLine::V2_0)
            .then(|| service_address(plan, Backend::ConnectorBuilder)),
        sticky: opts.sticky,
        timeout: plan.intent.request_timeout(),
        health_path: plan.intent.health_path,
        allow: byo.effective.allow_list.clone().unwrap_or_default(),
    };
    let text = crate::render::render_text(TEMPLATES, "haproxy-cfg/haproxy.cfg.j2", &ctx)?;
    Ok(Rendered {
        docs: Vec::new(),
        file: Some(TextFile {
            name: "haproxy.cfg".into(),
            text,
        }),
    })
}
