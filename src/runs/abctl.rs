//! What `abctl local install` deploys, from the flags a user gives it: the values abctl builds
//! with the user's `--values` file merged over them, the Ingress abctl writes itself, and the
//! ingress-nginx controller-wide settings abctl installs. Modelled on abctl's source
//! ([`MODELLED`]): `internal/helm/airbyte_values.go` (the values), `internal/k8s/ingress.go` (the
//! Ingress), `internal/helm/nginx_values.go` (the controller's ConfigMap), `internal/common/const.go`
//! (release `airbyte-abctl` in namespace `airbyte-abctl`, Ingress `ingress-abctl`).

use super::{Checked, Failure, ManifestOptions, RunOptions, check_all, check_manifests};
use crate::airbyte::{ChartVersion, NEWEST_CHART};
use crate::findings::{self, Finding, InputEntry, Rule};
use crate::inputs::ReadFn;
use crate::source::{InputError, Limits, Origin, Sources};
use crate::values::{Path, ValueInputs};

/// The abctl whose behaviour is modelled.
pub const MODELLED: &str = "abctl v0.30 (airbytehq/abctl at aa203f6, April 2026)";
/// How the values abctl builds are named in findings.
pub const VALUES_FILE: &str = "abctl-values.yaml";
/// How the objects abctl writes are named in findings.
pub const INGRESS_FILE: &str = "abctl-ingress.yaml";
/// abctl's release and namespace.
pub const RELEASE: &str = "airbyte-abctl";
/// abctl's default `--port`.
pub const DEFAULT_PORT: u16 = 8000;

/// `abctl local install`'s flags that decide what reaches the ingress.
#[derive(Clone, Debug)]
pub struct AbctlOptions {
    pub hosts: Vec<String>,
    pub port: u16,
    /// `--values FILE`.
    pub values: Option<String>,
    /// `--chart-version`; abctl installs the newest V2 chart without it.
    pub chart: Option<ChartVersion>,
    pub disable_auth: bool,
    pub insecure_cookies: bool,
    pub low_resource_mode: bool,
    pub limits: Limits,
}

/// Which Ingress abctl writes for a chart version (`ChartIsV1Dot8Plus`, `ChartIsV2Plus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// Before 1.8: `/` to the webapp Service.
    V1Pre18,
    /// 1.8 to 2.0: `/` to the server Service.
    V1,
    /// 2.0 and later: V2 values (`global.airbyteUrl`), `/` to the server.
    V2,
}

impl Line {
    pub fn of(v: ChartVersion) -> Line {
        if v < ChartVersion::new(1, 8, 0) {
            Line::V1Pre18
        } else if v < ChartVersion::new(2, 0, 0) {
            Line::V1
        } else {
            Line::V2
        }
    }
}

/// What the check found, and the files abctl would write (for `-v`).
#[derive(Debug, Default)]
pub struct AbctlReport {
    pub findings: Vec<Finding>,
    pub sources: Sources,
    pub inputs: Vec<InputEntry>,
    pub values_text: String,
    pub ingress_text: String,
    pub chart: Option<ChartVersion>,
}

/// The values abctl passes before the user's `--values` file is merged over them (the keys that
/// reach the ingress; abctl's job resources, telemetry id and storage settings are left out).
pub fn values_yaml(o: &AbctlOptions, chart: ChartVersion) -> String {
    let mut s = format!(
        "# The values `abctl local install` builds (modelled on {MODELLED}), before it merges\n# the `--values` file over them. Keys that do not reach the ingress are left out.\n"
    );
    let line = Line::of(chart);
    if line == Line::V2 {
        s.push_str(&format!(
            "server:\n  env_vars:\n    WEBAPP_URL: http://{RELEASE}-airbyte-server-svc\n"
        ));
    }
    s.push_str("global:\n");
    if line == Line::V2 {
        s.push_str(&format!("  airbyteUrl: http://localhost:{}\n", o.port));
    }
    let auth = !o.disable_auth;
    if auth || o.insecure_cookies {
        s.push_str("  auth:\n");
        if auth {
            s.push_str("    enabled: true\n");
        }
        if o.insecure_cookies {
            // abctl writes the string `"false"`, quotes included; the server reads it as false
            match line {
                Line::V2 => s.push_str("    security:\n      cookieSecureSetting: false\n"),
                _ => s.push_str("    cookieSecureSetting: false\n"),
            }
        }
    }
    if o.low_resource_mode {
        match line {
            Line::V2 => s.push_str("connectorBuilderServer:\n  enabled: false\n"),
            _ => s.push_str("connector-builder-server:\n  enabled: false\n"),
        }
    }
    s
}

/// The hosts abctl's Ingress has rules for: none (every host) without `--host`; else the hosts,
/// then `localhost` and `host.docker.internal` unless given.
pub fn ingress_hosts(hosts: &[String]) -> Vec<Option<String>> {
    if hosts.is_empty() {
        return vec![None];
    }
    let mut out: Vec<Option<String>> = hosts.iter().cloned().map(Some).collect();
    for extra in ["localhost", "host.docker.internal"] {
        if !hosts.iter().any(|h| h == extra) {
            out.push(Some(extra.to_string()));
        }
    }
    out
}

/// The Ingress abctl writes, and the ingress-nginx ConfigMap its controller values render.
pub fn ingress_yaml(o: &AbctlOptions, chart: ChartVersion) -> String {
    let root = match Line::of(chart) {
        Line::V1Pre18 => "webapp",
        Line::V1 | Line::V2 => "server",
    };
    let mut s = format!(
        "# The Ingress `abctl local install` writes for chart {chart} (modelled on {MODELLED}),\n# and the ConfigMap of the ingress-nginx controller it installs.\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ingress-abctl\n  namespace: {RELEASE}\nspec:\n  ingressClassName: nginx\n  rules:\n"
    );
    for host in ingress_hosts(&o.hosts) {
        match host {
            Some(h) => s.push_str(&format!(
                "    - host: {}\n      http:\n",
                crate::render::yaml_str(&h)
            )),
            None => s.push_str("    - http:\n"),
        }
        s.push_str("        paths:\n");
        for (path, component) in [
            ("/api/v1/connector_builder", "connector-builder-server"),
            ("/", root),
        ] {
            s.push_str(&format!(
                "          - path: {path}\n            pathType: Prefix\n            backend:\n              service:\n                name: {RELEASE}-airbyte-{component}-svc\n                port:\n                  name: http\n"
            ));
        }
    }
    s.push_str(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\n  labels:\n    app.kubernetes.io/name: ingress-nginx\n    app.kubernetes.io/component: controller\ndata:\n  proxy-body-size: 10m\n  proxy-read-timeout: \"600\"\n  proxy-send-timeout: \"600\"\n",
    );
    s
}

/// Checks what the install will be.
pub fn check(o: &AbctlOptions, read: ReadFn<'_>) -> Result<AbctlReport, Failure> {
    let chart = o.chart.unwrap_or(NEWEST_CHART);
    let line = Line::of(chart);
    let values_text = values_yaml(o, chart);
    let ingress_text = ingress_yaml(o, chart);
    for h in &o.hosts {
        if h.is_empty() || h.contains(['/', ':', ' ']) {
            return Err(Failure::Usage(format!(
                "`--host {h}`: a host name such as `airbyte.example.com`, as abctl takes it"
            )));
        }
    }
    let mut report = AbctlReport {
        values_text: values_text.clone(),
        ingress_text: ingress_text.clone(),
        chart: Some(chart),
        ..AbctlReport::default()
    };
    // abctl's own files are read from memory, the user's from disk
    let mut reader = |name: &str, max: usize| -> Result<Vec<u8>, InputError> {
        match name {
            VALUES_FILE => Ok(values_text.clone().into_bytes()),
            INGRESS_FILE => Ok(ingress_text.clone().into_bytes()),
            _ => read(name, max),
        }
    };
    let mut found: Vec<Finding> = Vec::new();
    let mut sources;
    let checked: Option<Checked> = if line == Line::V2 {
        // 2.0.0 to 2.0.17 read their values as 2.0.18 does for everything that reaches the ingress
        let checked_as = chart.max(ChartVersion::new(2, 0, 18));
        let mut files = vec![VALUES_FILE.to_string()];
        files.extend(o.values.iter().cloned());
        let run = RunOptions {
            inputs: ValueInputs {
                files,
                limits: o.limits,
                ..Default::default()
            },
            release: RELEASE.into(),
            namespace: RELEASE.into(),
            chart: checked_as,
            wrappers: super::WrapperOptions {
                input_kind: Some(crate::inputs::wrapper::FileKind::Values),
                ..Default::default()
            },
            given: super::Given {
                release: true,
                namespace: true,
                chart: true,
            },
            ..Default::default()
        };
        let mut all = check_all(&run, &mut reader)?;
        let c = all.pop().ok_or_else(|| {
            Failure::Internal("the values of an abctl install gave no release".into())
        })?;
        sources = c.loaded.sources.clone();
        found.extend(c.findings.iter().cloned());
        report.inputs.push(c.input.clone());
        Some(c)
    } else {
        sources = Sources::default();
        if let Some(v) = &o.values {
            // read, so that a missing or broken file is said as abctl would say it
            crate::inputs::read_named(v, o.limits.max_file_bytes, &mut reader)
                .map_err(Failure::Input)?;
        }
        None
    };
    let mopts = ManifestOptions {
        files: vec![INGRESS_FILE.to_string()],
        release: Some(RELEASE.into()),
        chart: Some(chart.max(ChartVersion::new(2, 0, 18))),
        limits: o.limits,
    };
    if line == Line::V2 {
        let r = check_manifests(&mopts, checked.as_ref(), &mut sources, &mut reader)?;
        found.extend(r.findings);
    } else {
        // a V1 chart's Services are not the V2 ones the manifest rules know: only the file is read
        let mut objects = Vec::new();
        let mut dups = Vec::new();
        crate::inputs::manifests::read_bytes(
            INGRESS_FILE,
            ingress_text.as_bytes(),
            &mut sources,
            &o.limits,
            &mut objects,
            &mut dups,
        )
        .map_err(Failure::Input)?;
        let at = value_of(&sources, INGRESS_FILE, "ingressClassName: ");
        if let Some((rule, message, help)) = crate::rules::edition::lifecycle_of("nginx", false) {
            found.push(
                Finding::new(
                    rule,
                    Path::parse("spec.ingressClassName"),
                    at,
                    format!("Ingress {RELEASE}/ingress-abctl: {message}"),
                )
                .help(help),
            );
        }
        found.push(
            Finding::new(
                Rule::AbctlV1Chart,
                Path::default(),
                Origin::Command,
                format!(
                    "chart {chart} is a V1 chart: abctl builds V1 values for it (no `global.airbyteUrl`), which this tool does not check; its Ingress routes `/` to the {} Service, as that chart renders",
                    if line == Line::V1Pre18 { "webapp" } else { "server" }
                ),
            ),
        );
    }
    found.extend(own_findings(o, chart, checked.as_ref(), &sources));
    // abctl serves on `--port`, so its URL carries it on purpose
    let own_port = o.port.to_string();
    found.retain(|f| !(f.rule == Rule::UrlPort && f.message.contains(&format!("`{own_port}`"))));
    let ingress = sources.files.iter().position(|f| f.name == INGRESS_FILE);
    let found = abctl_routes(found, ingress);
    sources.command = Some(command_line(o));
    let mut found = found;
    findings::sort(&mut found);
    report.findings = found;
    report.sources = sources;
    Ok(report)
}

/// abctl's command line as the user typed it, for findings about a flag.
fn command_line(o: &AbctlOptions) -> String {
    let mut s = "abctl local install".to_string();
    for h in &o.hosts {
        s.push_str(&format!(" --host {h}"));
    }
    if o.port != DEFAULT_PORT {
        s.push_str(&format!(" --port {}", o.port));
    }
    if let Some(c) = o.chart {
        s.push_str(&format!(" --chart-version {c}"));
    }
    if let Some(v) = &o.values {
        s.push_str(&format!(" --values {v}"));
    }
    for (on, flag) in [
        (o.disable_auth, "--disable-auth"),
        (o.insecure_cookies, "--insecure-cookies"),
        (o.low_resource_mode, "--low-resource-mode"),
    ] {
        if on {
            s.push(' ');
            s.push_str(flag);
        }
    }
    s
}

/// abctl writes one rule per host with the same paths: a wrong backend is said once, with the
/// other rules as related places, and with what an abctl user can do about a route abctl writes.
fn abctl_routes(found: Vec<Finding>, ingress: Option<usize>) -> Vec<Finding> {
    let in_ingress = |f: &Finding| matches!(f.primary(), Origin::File { file, .. } if Some(file as usize) == ingress);
    let mut out: Vec<Finding> = Vec::new();
    for f in found {
        if f.rule == Rule::BackendServiceUnknown && in_ingress(&f) {
            let key = f.message.split(": ").skip(1).collect::<Vec<_>>().join(": ");
            if let Some(first) = out.iter_mut().find(|x| {
                x.rule == f.rule
                    && in_ingress(x)
                    && x.message.split(": ").skip(1).collect::<Vec<_>>().join(": ") == key
            }) {
                first.origins.push(f.primary());
                continue;
            }
            let f = f.help("abctl writes this route itself (each `abctl local install` writes it again): remove the path with `kubectl -n airbyte-abctl edit ingress ingress-abctl` after installing, or install a chart whose Services it names");
            out.push(f);
            continue;
        }
        out.push(f);
    }
    out
}

/// Where the value after the first `key` (`name: `) of the named file starts.
fn value_of(sources: &Sources, file: &str, key: &str) -> Origin {
    match line_of(sources, file, key) {
        Origin::File { file, line, column } => Origin::File {
            file,
            line,
            column: column + key.len() as u32,
        },
        other => other,
    }
}

/// Where a line containing `needle` is in the named file (line 1 when it is not found).
fn line_of(sources: &Sources, file: &str, needle: &str) -> Origin {
    let Some(i) = sources.files.iter().position(|f| f.name == file) else {
        return Origin::Command;
    };
    let text = &sources.files[i].text;
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.find(needle).map(|c| (n as u32 + 1, c as u32 + 1)))
        .unwrap_or((1, 1));
    Origin::File {
        file: i as u32,
        line,
        column,
    }
}

/// The findings only an abctl install has.
fn own_findings(
    o: &AbctlOptions,
    chart: ChartVersion,
    checked: Option<&Checked>,
    sources: &Sources,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let plan = checked.and_then(|c| c.plan.as_ref());
    let url = plan.and_then(|p| p.airbyte_url.clone());
    let url_origin = checked.map_or(Origin::Command, |c| {
        c.loaded
            .root
            .nearest(&Path::parse("global.airbyteUrl"))
            .origin
    });
    let url_host = url
        .as_deref()
        .and_then(crate::names::parse_url)
        .map(|u| (u.scheme.to_string(), u.host.to_ascii_lowercase()));
    let outside: Vec<&String> = o
        .hosts
        .iter()
        .filter(|h| !crate::rules::url::is_loopback(h) && *h != "host.docker.internal")
        .collect();
    if let (Some(first), Some((_, host))) = (outside.first(), &url_host)
        && crate::rules::url::is_loopback(host)
    {
        out.push(
            Finding::new(
                Rule::AbctlUrlLocalhost,
                Path::parse("global.airbyteUrl"),
                url_origin,
                format!(
                    "`--host {first}` serves Airbyte under `{first}`, but `global.airbyteUrl` is still abctl's `{}`: links, OAuth redirects and cookies name localhost, so people on other machines are sent to their own computer",
                    url.as_deref().unwrap_or_default()
                ),
            )
            .help(format!(
                "set `global.airbyteUrl: http://{first}:{}` in the `--values` file (or the https URL of a TLS proxy in front of abctl)",
                o.port
            )),
        );
        // Secure cookies over plain HTTP for the hosts that are not loopback
        if plan.is_some_and(|p| p.cookie_secure && p.auth_enabled == Some(true)) {
            out.push(
                Finding::new(
                    Rule::AbctlCookiesOverHttp,
                    Path::parse("global.auth.security.cookieSecureSetting"),
                    url_origin,
                    format!(
                        "abctl serves plain HTTP, and the login cookie is Secure: a browser on `http://{first}:{}` drops it and login fails with \"the server failed to set a cookie\" (only localhost is exempt)",
                        o.port
                    ),
                )
                .help("pass `--insecure-cookies` to abctl, or put a TLS proxy in front and set `global.airbyteUrl` to its https URL"),
            );
        }
    }
    // the builder route abctl writes, to a Service `--low-resource-mode` turns off
    if o.low_resource_mode && chart < ChartVersion::new(2, 1, 0) {
        let disabled = plan.is_none()
            || checked.is_some_and(|c| {
                c.loaded
                    .root
                    .at(&Path::parse("connectorBuilderServer.enabled"))
                    .is_some_and(|n| n.value == crate::source::Value::Bool(false))
            });
        if disabled {
            out.push(
                Finding::new(
                    Rule::BackendServiceUnknown,
                    Path::parse("spec.rules[0].http.paths[0].backend"),
                    value_of(sources, INGRESS_FILE, "name: "),
                    format!(
                        "Ingress {RELEASE}/ingress-abctl: `/api/v1/connector_builder` goes to `{RELEASE}-airbyte-connector-builder-server-svc`, but `--low-resource-mode` turns the connector builder off, so that Service is not rendered and the Builder's calls answer 503"
                    ),
                )
                .help("leave out `--low-resource-mode` to use the Connector Builder, or accept that it is off"),
            );
        }
    }
    out
}
