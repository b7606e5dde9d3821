//! The controller-neutral routing plan: object name and namespace, class, annotations, hosts, routes
//! to Airbyte's Services, TLS. Every target renders from a `Plan` only.

use std::collections::BTreeMap;
use std::fmt;

use crate::findings::{Finding, Severity};
use crate::model::{PathType, Values};
use crate::values::{Node, Origin, Path, Seg};

/// A chart version, e.g. `2.2.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChartVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The newest chart version this tool knows; the default of `--chart-version`.
pub const NEWEST_CHART: ChartVersion = ChartVersion {
    major: 2,
    minor: 2,
    patch: 0,
};

/// The two shapes of the chart's `ingress` template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartLine {
    /// 2.0.18 - 2.0.19: `server` and `connector-builder-server` backends, ports by number, no
    /// `metadata.namespace`.
    V2_0,
    /// 2.1.0 and later: only `server`, port by name `http`, explicit `metadata.namespace`.
    V2_1,
}

impl ChartVersion {
    /// Parses `2.2.0`, `2.1`, `v2.0.18` (a pre-release or build suffix is ignored).
    pub fn parse(s: &str) -> Result<ChartVersion, String> {
        let t = s.trim().trim_start_matches('v');
        let core = t.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let mut num = |what: &str| -> Result<u32, String> {
            match parts.next() {
                None | Some("") if what != "major" => Ok(0),
                Some(p) => p
                    .parse()
                    .map_err(|_| format!("`{s}` is not a chart version such as `2.2.0`")),
                None => Err(format!("`{s}` is not a chart version such as `2.2.0`")),
            }
        };
        let v = ChartVersion {
            major: num("major")?,
            minor: num("minor")?,
            patch: num("patch")?,
        };
        if parts.next().is_some() {
            return Err(format!("`{s}` is not a chart version such as `2.2.0`"));
        }
        Ok(v)
    }

    /// The template shape, or why this version cannot be served.
    pub fn line(self) -> Result<ChartLine, String> {
        let first = ChartVersion {
            major: 2,
            minor: 0,
            patch: 18,
        };
        if self < first {
            return Err(format!(
                "chart {self} has no top-level `ingress` block (it arrived in 2.0.18); its ingress is the V1 \
                 `webapp.ingress`. Upgrade to chart 2.1 or later; `airbyte-ingress migrate -f FILE` converts the values"
            ));
        }
        if self.major > 2 {
            return Err(format!(
                "chart {self} is newer than this tool knows (newest: {NEWEST_CHART}); pass `--chart-version {NEWEST_CHART}` to check against it"
            ));
        }
        Ok(
            if self
                < (ChartVersion {
                    major: 2,
                    minor: 1,
                    patch: 0,
                })
            {
                ChartLine::V2_0
            } else {
                ChartLine::V2_1
            },
        )
    }
}

impl fmt::Display for ChartVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Which Airbyte Service a route goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    Server,
    ConnectorBuilder,
    Keycloak,
}

/// How a Service port is referenced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    Number(u16),
    Name(&'static str),
}

/// A Service and port that a route sends traffic to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub port: Port,
    /// The port number, also when the chart refers to it by name.
    pub number: u16,
}

/// One path on one host.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub path: String,
    pub path_type: Option<PathType>,
    pub backend: Backend,
    pub service: Service,
    /// Where this route is in the values (`ingress.hosts[0].paths[1]`).
    pub at: Path,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HostRoutes {
    pub host: String,
    pub routes: Vec<Route>,
    pub at: Path,
    /// Paths the values list, including those left out of `routes` for an invalid backend.
    pub declared_paths: usize,
    /// Whether the values list `/` for this host (whatever its backend).
    pub declares_root: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TlsEntry {
    pub secret_name: Option<String>,
    pub hosts: Vec<String>,
    pub at: Path,
}

/// The controller-neutral plan. Built only by [`Plan::build`].
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub chart: ChartVersion,
    pub line: ChartLine,
    pub release: String,
    /// The object name: the chart's `airbyte.fullname`.
    pub name: String,
    pub namespace: String,
    pub enabled: bool,
    /// Where `ingress.enabled` was set (or the chart default).
    pub enabled_origin: Origin,
    pub class: Option<String>,
    /// Annotations as the values give them; a `None` value is a YAML `null`.
    pub annotations: BTreeMap<String, Option<String>>,
    pub hosts: Vec<HostRoutes>,
    pub tls: Vec<TlsEntry>,
    pub airbyte_url: Option<String>,
    pub edition: String,
    pub cookie_secure: bool,
    /// `server.service.port` (8001 by default).
    pub server_port: u16,
    /// `connectorBuilderServer.service.port` (80 by default; chart 2.0.18-2.0.19).
    pub builder_port: u16,
}

/// Release, namespace and chart version: the `helm template` arguments.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub release: String,
    pub namespace: String,
    pub chart: ChartVersion,
}

/// The chart's `airbyte.fullname`: fullnameOverride, else the release name if it contains the
/// chart name, else `<release>-<name>`; at most 63 characters, no trailing `-`.
pub fn fullname(
    release: &str,
    name_override: Option<&str>,
    fullname_override: Option<&str>,
) -> String {
    fn trunc(s: &str) -> String {
        let cut: String = s.chars().take(63).collect();
        cut.trim_end_matches('-').to_string()
    }
    if let Some(f) = fullname_override.filter(|f| !f.is_empty()) {
        return trunc(f);
    }
    let name = name_override.filter(|n| !n.is_empty()).unwrap_or("airbyte");
    if release.contains(name) {
        trunc(release)
    } else {
        trunc(&format!("{release}-{name}"))
    }
}

impl Plan {
    /// Builds the plan from typed values; what the chart would refuse becomes an error finding.
    /// `root` is the merged values tree, for locations.
    pub fn build(
        values: Values,
        root: &Node,
        opts: &PlanOptions,
    ) -> Result<(Plan, Vec<Finding>), String> {
        let line = opts.chart.line()?;
        let mut findings = Vec::new();
        let ingress = values.ingress.unwrap_or_default();
        let global = values.global.unwrap_or_default();
        let at = |p: &Path| root.nearest(p).origin;
        let ing = Path::parse("ingress");
        // made once: every path below shares their text
        let [hosts_key, paths_key, backend_key] =
            ["hosts", "paths", "backend"].map(|k| Seg::Key(k.into()));

        let server_port = values
            .server
            .as_ref()
            .and_then(|c| c.service.as_ref())
            .and_then(|s| s.port)
            .unwrap_or(8001);
        let builder_port = values
            .connector_builder_server
            .as_ref()
            .and_then(|c| c.service.as_ref())
            .and_then(|s| s.port)
            .unwrap_or(80);
        let release = &opts.release;
        let service = |b: Backend| service_for(release, line, server_port, builder_port, b, false);

        let mut hosts = Vec::new();
        for (hi, h) in ingress.hosts.into_iter().flatten().enumerate() {
            let hp = ing.join([hosts_key.clone(), Seg::Index(hi)]);
            let declared = h.paths.as_deref().unwrap_or_default();
            let declared_paths = declared.len();
            let declares_root = declared.iter().any(|p| p.path.as_deref() == Some("/"));
            let mut routes = Vec::with_capacity(declared_paths);
            for (pi, p) in h.paths.into_iter().flatten().enumerate() {
                let pp = hp.join([paths_key.clone(), Seg::Index(pi)]);
                let bp = pp.join([backend_key.clone()]);
                let backend = match (p.backend.as_deref(), line) {
                    (Some("server"), _) => Some(Backend::Server),
                    (Some("connector-builder-server"), ChartLine::V2_0) => {
                        Some(Backend::ConnectorBuilder)
                    }
                    (other, _) => {
                        findings.push(backend_finding(
                            other,
                            line,
                            opts.chart,
                            bp.clone(),
                            at(&bp),
                        ));
                        None
                    }
                };
                let Some(backend) = backend else { continue };
                routes.push(Route {
                    path: p.path.unwrap_or_default(),
                    path_type: p.path_type,
                    backend,
                    service: service(backend),
                    at: pp,
                });
            }
            hosts.push(HostRoutes {
                host: h.host.unwrap_or_default(),
                routes,
                at: hp,
                declared_paths,
                declares_root,
            });
        }
        let tls = ingress
            .tls
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, t)| TlsEntry {
                secret_name: t.secret_name,
                hosts: t.hosts.unwrap_or_default(),
                at: ing.key("tls").index(i),
            })
            .collect();
        let name = fullname(
            release,
            values.name_override.as_deref(),
            values.fullname_override.as_deref(),
        );
        let namespace = values
            .namespace_override
            .clone()
            .filter(|n| !n.is_empty() && line == ChartLine::V2_1)
            .unwrap_or_else(|| opts.namespace.clone());
        let plan = Plan {
            chart: opts.chart,
            line,
            release: release.clone(),
            name,
            namespace,
            enabled: ingress.enabled.unwrap_or(false),
            enabled_origin: at(&ing.key("enabled")),
            class: ingress.class_name.clone().filter(|c| !c.is_empty()),
            annotations: ingress.annotations.clone().unwrap_or_default(),
            hosts,
            tls,
            airbyte_url: global.airbyte_url.clone(),
            edition: global.edition.clone().unwrap_or_else(|| "community".into()),
            cookie_secure: global
                .auth
                .as_ref()
                .and_then(|a| a.security.as_ref())
                .and_then(|s| s.cookie_secure_setting.as_ref())
                .is_none_or(|b| b.as_bool()),
            server_port,
            builder_port,
        };
        Ok((plan, findings))
    }

    /// An Airbyte Service as the chart names it. `by_number` asks for the port number even where
    /// the chart refers to it by name (bring-your-own manifests use numbers).
    pub fn service(&self, backend: Backend, by_number: bool) -> Service {
        service_for(
            &self.release,
            self.line,
            self.server_port,
            self.builder_port,
            backend,
            by_number,
        )
    }

    /// Enterprise editions route `/auth/realms` and `/auth/resources` to Keycloak.
    pub fn is_enterprise(&self) -> bool {
        matches!(
            self.edition.to_ascii_lowercase().as_str(),
            "enterprise" | "pro"
        )
    }

    /// Every route of every host, in values order.
    pub fn routes(&self) -> impl Iterator<Item = (&HostRoutes, &Route)> {
        self.hosts
            .iter()
            .flat_map(|h| h.routes.iter().map(move |r| (h, r)))
    }
}

/// Services are named after the release (not the full name): `<release>-airbyte-<component>-svc`.
/// The chart 2.1+ Ingress refers to the server port by its name `http`.
fn service_for(
    release: &str,
    line: ChartLine,
    server_port: u16,
    builder_port: u16,
    backend: Backend,
    by_number: bool,
) -> Service {
    let (name, number) = match backend {
        Backend::Server => (format!("{release}-airbyte-server-svc"), server_port),
        Backend::ConnectorBuilder => (
            format!("{release}-airbyte-connector-builder-server-svc"),
            builder_port,
        ),
        Backend::Keycloak => (format!("{release}-airbyte-keycloak-svc"), 8180),
    };
    let port = if backend == Backend::Server && line == ChartLine::V2_1 && !by_number {
        Port::Name("http")
    } else {
        Port::Number(number)
    };
    Service { name, port, number }
}

fn backend_finding(
    value: Option<&str>,
    line: ChartLine,
    chart: ChartVersion,
    path: Path,
    origin: Origin,
) -> Finding {
    let allowed = match line {
        ChartLine::V2_0 => "`server` or `connector-builder-server`",
        ChartLine::V2_1 => "`server`",
    };
    let (message, help) = match value {
        None => (
            format!("the path has no `backend`; chart {chart} accepts {allowed}"),
            "add `backend: server` (the server serves the API and the web UI)".to_string(),
        ),
        Some("connector-builder-server") => (
            format!("backend `connector-builder-server` was removed in chart 2.1.0; chart {chart} fails with \"Invalid backend service\""),
            "remove this path: on chart 2.1+ the server serves the connector builder under `/`".to_string(),
        ),
        Some(b @ ("webapp" | "airbyte-webapp")) => (
            format!("backend `{b}` does not exist: the web UI is served by the server since Airbyte 1.7"),
            "use `backend: server`".to_string(),
        ),
        Some("keycloak") => (
            format!("backend `keycloak` is not accepted by chart {chart} (it accepts {allowed})"),
            "use `backend: server` here, and route `/auth/realms` and `/auth/resources` to Keycloak with a bring-your-own target (`render --target nginx|traefik|gateway-api|...`)".to_string(),
        ),
        Some(b) => (
            format!("backend `{b}` is not accepted by chart {chart} (it accepts {allowed})"),
            "use `backend: server`".to_string(),
        ),
    };
    Finding::new(
        "backend-invalid",
        Severity::Error,
        path,
        origin,
        message,
        help,
    )
}
