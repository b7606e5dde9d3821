//! Facts about Airbyte and its Helm chart that every layer reads: chart versions, how the chart
//! names its Services and objects, which paths go where, and what a proxy in front of Airbyte must
//! allow (its proxy intent), decided once here.

use std::fmt;

/// A chart version, e.g. `2.2.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChartVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The newest chart version this tool knows; the default of `--chart-version`.
pub const NEWEST_CHART: ChartVersion = ChartVersion::new(2, 2, 0);
/// Every chart version this tool knows, oldest first (released charts with a top-level `ingress`
/// block, from airbytehq/charts' `index.yaml`).
pub const KNOWN_CHARTS: [ChartVersion; 5] = [
    ChartVersion::new(2, 0, 18),
    ChartVersion::new(2, 0, 19),
    ChartVersion::new(2, 1, 0),
    ChartVersion::new(2, 1, 1),
    ChartVersion::new(2, 2, 0),
];

/// Whether `v` satisfies a Helm version constraint (Masterminds semver as Helm reads it: `*`,
/// `2.x`, `~2.1`, `^2.1.0`, `>=2.0.18`, `<2.2`, `!=2.1.0`, comma- or space-separated for "and",
/// `||` for "or"). A constraint it cannot read admits nothing.
pub fn satisfies(v: ChartVersion, constraint: &str) -> bool {
    constraint.split("||").any(|alt| {
        let parts: Vec<&str> = alt
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        !parts.is_empty() && parts.iter().all(|p| satisfies_one(v, p))
    })
}

fn satisfies_one(v: ChartVersion, c: &str) -> bool {
    let (op, rest) = ["<=", ">=", "!=", "=", "<", ">", "~", "^"]
        .iter()
        .find_map(|op| c.strip_prefix(op).map(|r| (*op, r.trim())))
        .unwrap_or(("", c));
    let rest = rest.trim_start_matches('v');
    let fields: Vec<&str> = rest
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .collect();
    let wild = |f: Option<&&str>| f.is_none_or(|x| matches!(*x, "x" | "X" | "*"));
    let num = |f: Option<&&str>| f.and_then(|x| x.parse::<u32>().ok());
    if rest == "*" || rest.is_empty() && op.is_empty() {
        return true;
    }
    let Some(major) = num(fields.first()) else {
        return false;
    };
    let minor = num(fields.get(1));
    let patch = num(fields.get(2));
    let floor = ChartVersion::new(major, minor.unwrap_or(0), patch.unwrap_or(0));
    let next = |m: u32, n: Option<u32>| match n {
        Some(n) => ChartVersion::new(m, n + 1, 0),
        None => ChartVersion::new(m + 1, 0, 0),
    };
    match op {
        "" | "=" if wild(fields.get(1)) => v.major == major,
        "" | "=" if wild(fields.get(2)) => v >= floor && v < next(major, minor),
        "" | "=" => v == floor,
        "!=" => v != floor,
        ">" => v > floor,
        ">=" => v >= floor,
        "<" => v < floor,
        "<=" => v <= floor,
        "~" => v >= floor && v < next(major, minor),
        "^" if major > 0 => v >= floor && v < ChartVersion::new(major + 1, 0, 0),
        "^" => v >= floor && v < next(major, minor),
        _ => false,
    }
}

/// The version stamped in the chart's own `Chart.yaml` in airbyte-platform's source: a chart built
/// from source (not a published one) says `airbyte-1.1.0` in its `helm.sh/chart` labels.
pub const SOURCE_PLACEHOLDER: ChartVersion = ChartVersion::new(1, 1, 0);

/// What to say about a chart version this tool does not know as a release: it is checked by the
/// rules of the nearest one it knows, and the note says which. `None` for a known release.
pub fn unknown_chart_note(v: ChartVersion) -> Option<String> {
    if KNOWN_CHARTS.contains(&v) {
        return None;
    }
    let known: Vec<String> = KNOWN_CHARTS.iter().map(|c| c.to_string()).collect();
    let known = known.join(", ");
    Some(if v > NEWEST_CHART {
        format!(
            "chart {v} is newer than the newest this tool knows ({NEWEST_CHART}): checked by {NEWEST_CHART}'s rules, so what changed since is not checked (the releases it knows: {known})"
        )
    } else {
        let line = match v.line() {
            Ok(ChartLine::V2_0) => "2.0.18-2.0.19",
            _ => "2.1 and later",
        };
        format!(
            "chart {v} is not a release this tool knows ({known}): checked by the rules of the {line} charts"
        )
    })
}

/// The first chart with a top-level `ingress` block.
pub const FIRST_CHART: ChartVersion = ChartVersion::new(2, 0, 18);
/// The chart that removed the connector builder Service and names the server port `http`.
const CHART_2_1: ChartVersion = ChartVersion::new(2, 1, 0);

/// The two shapes of the chart's `ingress` template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartLine {
    /// 2.0.18 - 2.0.19: `server` and `connector-builder-server` backends, ports by number, no
    /// `metadata.namespace`.
    V2_0,
    /// 2.1.0 and later: only `server`, port by name `http`, explicit `metadata.namespace`.
    V2_1,
}

impl ChartVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> ChartVersion {
        ChartVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `2.2.0`, `2.1`, `v2.0.18` (a pre-release or build suffix is ignored).
    pub fn parse(s: &str) -> Result<ChartVersion, VersionError> {
        let bad = || VersionError::NotAVersion(s.to_string());
        let t = s.trim().trim_start_matches('v');
        let core = t.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        let num = |i: usize| -> Result<u32, VersionError> {
            parts.get(i).map_or(Ok(0), |p| p.parse().map_err(|_| bad()))
        };
        Ok(ChartVersion::new(num(0)?, num(1)?, num(2)?))
    }

    /// The template shape, or why this version cannot be served.
    pub fn line(self) -> Result<ChartLine, VersionError> {
        if self < FIRST_CHART {
            return Err(VersionError::BeforeIngress(self));
        }
        if self.major > NEWEST_CHART.major {
            return Err(VersionError::Newer(self));
        }
        Ok(if self < CHART_2_1 {
            ChartLine::V2_0
        } else {
            ChartLine::V2_1
        })
    }
}

/// A chart version this tool cannot read or serve: a usage error naming the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not a version at all.
    NotAVersion(String),
    /// Before the chart had a top-level `ingress` block (2.0.18).
    BeforeIngress(ChartVersion),
    /// A major version this tool does not know.
    Newer(ChartVersion),
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::NotAVersion(s) => {
                write!(f, "`{s}` is not a chart version such as `2.2.0`")
            }
            VersionError::BeforeIngress(v) => write!(
                f,
                "chart {v} has no top-level `ingress` block (it arrived in {FIRST_CHART}); its ingress is the V1 \
                 `webapp.ingress`. Upgrade to chart 2.1 or later; `airbyte-ingress migrate -f FILE` converts the values"
            ),
            VersionError::Newer(v) => write!(
                f,
                "chart {v} is newer than this tool knows (newest: {NEWEST_CHART}); pass `--chart-version {NEWEST_CHART}` to check against it"
            ),
        }
    }
}

impl std::error::Error for VersionError {}

impl fmt::Display for ChartVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Which Airbyte Service a route goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// The name of the port of every Service a route may reach (server, connector builder, Keycloak),
/// in every chart this tool knows: a route may name it instead of the number.
pub const PORT_NAME: &str = "http";

/// The Keycloak Service's HTTP port (`keycloak.service.port`, not overridable in the chart).
pub const KEYCLOAK_PORT: u16 = 8180;
/// `server.service.port`'s default.
pub const SERVER_PORT: u16 = 8001;
/// `connectorBuilderServer.service.port`'s default (chart 2.0.18-2.0.19).
pub const BUILDER_PORT: u16 = 80;

/// The Service ports the values can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    pub server: u16,
    pub builder: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            server: SERVER_PORT,
            builder: BUILDER_PORT,
        }
    }
}

/// The Service name of a backend: named after the release (not the full name),
/// `<release>-airbyte-<component>-svc`.
pub fn service_name(release: &str, backend: Backend) -> String {
    match backend {
        Backend::Server => format!("{release}-airbyte-server-svc"),
        Backend::ConnectorBuilder => format!("{release}-airbyte-connector-builder-server-svc"),
        Backend::Keycloak => format!("{release}-airbyte-keycloak-svc"),
    }
}

/// A Service name as the Airbyte chart writes it (or once wrote it), read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceKind {
    /// One the chart renders.
    Current(Backend),
    /// `<release>-airbyte-webapp-svc`: V1 and 2.0 charts before 2.0.8 rendered it; the server
    /// serves the UI since.
    Webapp,
}

impl ServiceKind {
    /// One word for messages: `server`, `connector-builder`, `keycloak`, `webapp`.
    pub fn word(self) -> &'static str {
        match self {
            ServiceKind::Current(Backend::Server) => "server",
            ServiceKind::Current(Backend::ConnectorBuilder) => "connector-builder",
            ServiceKind::Current(Backend::Keycloak) => "keycloak",
            ServiceKind::Webapp => "webapp",
        }
    }
}

/// The Service names' endings, after `<release>`.
const SERVICE_SUFFIXES: [(&str, ServiceKind); 4] = [
    ("-airbyte-server-svc", ServiceKind::Current(Backend::Server)),
    (
        "-airbyte-connector-builder-server-svc",
        ServiceKind::Current(Backend::ConnectorBuilder),
    ),
    (
        "-airbyte-keycloak-svc",
        ServiceKind::Current(Backend::Keycloak),
    ),
    ("-airbyte-webapp-svc", ServiceKind::Webapp),
];

/// Whether a route's backend Service looks like Airbyte's: a chart Service of any release, or one
/// of the user's own (`airbyte-ui` in front of the server's pods). What `validate -m` and `scan`
/// both take for a route to Airbyte, with the routes that serve the URL's host.
pub fn names_airbyte(service: &str) -> bool {
    service.contains("airbyte")
}

/// Which Airbyte Service a name is, and of which release: `prod-airbyte-server-svc` is the server
/// of `prod`. The one place names are read back (the chart writes them in [`service_name`]).
pub fn read_service_name(name: &str) -> Option<(&str, ServiceKind)> {
    SERVICE_SUFFIXES.iter().find_map(|(suffix, kind)| {
        name.strip_suffix(suffix)
            .filter(|r| !r.is_empty())
            .map(|r| (r, *kind))
    })
}

/// The release whose server Service this is, if it is one.
pub fn server_release(name: &str) -> Option<&str> {
    match read_service_name(name) {
        Some((release, ServiceKind::Current(Backend::Server))) => Some(release),
        _ => None,
    }
}

/// The ConfigMap of a release's environment (`AIRBYTE_URL`, `AIRBYTE_EDITION`, ...).
pub fn env_config_map(release: &str) -> String {
    format!("{release}-airbyte-env")
}

/// The release whose environment ConfigMap this is, if it is one.
pub fn env_config_map_release(name: &str) -> Option<&str> {
    name.strip_suffix("-airbyte-env").filter(|r| !r.is_empty())
}

/// The chart version of a `helm.sh/chart` label of the Airbyte chart (`airbyte-2.2.0`), as written.
pub fn chart_label_version(label: &str) -> Option<&str> {
    label.strip_prefix("airbyte-")
}

/// An Airbyte Service as the chart names it. The chart 2.1+ Ingress refers to the server port by
/// its name `http`; `by_number` asks for the number anyway (bring-your-own manifests use numbers).
pub fn service(
    release: &str,
    line: ChartLine,
    ports: Ports,
    backend: Backend,
    by_number: bool,
) -> Service {
    let number = match backend {
        Backend::Server => ports.server,
        Backend::ConnectorBuilder => ports.builder,
        Backend::Keycloak => KEYCLOAK_PORT,
    };
    let port = if backend == Backend::Server && line == ChartLine::V2_1 && !by_number {
        Port::Name("http")
    } else {
        Port::Number(number)
    };
    Service {
        name: service_name(release, backend),
        port,
        number,
    }
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

/// The editions the V2 chart compares `global.edition` with (exactly, as Go templates compare
/// strings): `community` (the default) and `enterprise`; `cloud` is Airbyte's own.
pub const EDITIONS: [&str; 3] = ["community", "enterprise", "cloud"];

/// Whether the chart renders Keycloak's Service (`<release>-airbyte-keycloak-svc`), the backend of
/// `/auth/realms` and `/auth/resources`: `keycloak.enabled` and `global.edition` `enterprise` or
/// `cloud`, exactly as `templates/airbyte-keycloak/service.yaml` decides (chart 2.0.18 to 2.2).
/// `keycloak.enabled` is `false` by default, so an Enterprise release that signs in through its
/// own OIDC provider has no Keycloak to route to.
pub fn renders_keycloak(edition: &str, keycloak_enabled: bool) -> bool {
    keycloak_enabled && matches!(edition, "enterprise" | "cloud")
}

/// One of the paths Airbyte is served on, and what serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AirbytePath {
    /// A path prefix: `/`, `/auth/realms`, ...
    pub path: &'static str,
    pub backend: Backend,
    /// Higher wins where a router orders by priority (Traefik): Keycloak's paths over `/`.
    pub priority: u32,
}

/// Keycloak's public paths: login pages and their assets. Never all of `/auth`, which would
/// expose the Keycloak admin console that Airbyte's own proxy used to hide.
pub const KEYCLOAK_PUBLIC_PATHS: [&str; 2] = ["/auth/realms", "/auth/resources"];
/// The connector builder's API on chart 2.0.18-2.0.19.
pub const BUILDER_PATH: &str = "/api/v1/connector_builder/";

/// Where Airbyte's traffic goes, most specific first: Keycloak's public paths when the chart
/// renders Keycloak ([`renders_keycloak`]), the connector builder on chart 2.0.18-2.0.19, and `/`
/// to the server (UI and API alike).
pub fn airbyte_paths(line: ChartLine, keycloak: bool) -> Vec<AirbytePath> {
    let mut out = Vec::with_capacity(4);
    if keycloak {
        for path in KEYCLOAK_PUBLIC_PATHS {
            out.push(AirbytePath {
                path,
                backend: Backend::Keycloak,
                priority: 100,
            });
        }
    }
    if line == ChartLine::V2_0 {
        out.push(AirbytePath {
            path: BUILDER_PATH,
            backend: Backend::ConnectorBuilder,
            priority: 90,
        });
    }
    out.push(AirbytePath {
        path: "/",
        backend: Backend::Server,
        priority: 10,
    });
    out
}

/// What any proxy in front of Airbyte must allow, from Airbyte's own settings: the one place the
/// timeouts, body size and health check every target writes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intent {
    /// Seconds a proxy waits for a response (read, send, request timeouts): source checks and
    /// schema discovery take minutes; Airbyte's old bundled proxy waited an hour.
    pub request_timeout_s: u64,
    /// Below this many seconds, checks and discovers get 504s.
    pub timeout_floor_s: u64,
    /// Seconds to open a connection to Airbyte (it is in the cluster: quick or not at all).
    pub connect_timeout_s: u64,
    /// The request body limit to set, in MiB: the server accepts 10 MB, with room to spare.
    pub body_mib: u64,
    /// Below this many bytes, saving large catalogs gets 413s (the server's `max-request-size`).
    pub body_floor_bytes: u64,
    /// The server's health check, answered with 200.
    pub health_path: &'static str,
    /// The ALB idle timeout to set: minutes for Airbyte, under the server's 300 s keep-alive so the
    /// ALB never reuses a connection the server closed.
    pub alb_idle_s: u64,
    /// The lowest ALB idle timeout that serves Airbyte's long requests.
    pub alb_idle_floor_s: u64,
    /// The highest, under the server's keep-alive.
    pub alb_idle_ceiling_s: u64,
}

/// Airbyte's proxy intent.
pub const INTENT: Intent = Intent {
    request_timeout_s: 600,
    timeout_floor_s: 300,
    connect_timeout_s: 15,
    body_mib: 16,
    body_floor_bytes: 10 * 1024 * 1024,
    health_path: "/api/v1/health",
    alb_idle_s: 240,
    alb_idle_floor_s: 120,
    alb_idle_ceiling_s: 290,
};

impl Intent {
    /// The request timeout as a duration: `600s`.
    pub fn request_timeout(&self) -> String {
        format!("{}s", self.request_timeout_s)
    }

    /// The body limit in NGINX's size syntax: `16m`.
    pub fn body_size(&self) -> String {
        format!("{}m", self.body_mib)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_versions_parse_and_pick_their_template_shape() {
        assert_eq!(ChartVersion::parse("2.2.0"), Ok(ChartVersion::new(2, 2, 0)));
        assert_eq!(
            ChartVersion::parse("v2.0.18"),
            Ok(ChartVersion::new(2, 0, 18))
        );
        assert_eq!(ChartVersion::parse("2.1"), Ok(ChartVersion::new(2, 1, 0)));
        assert_eq!(
            ChartVersion::parse("2.1.1-rc.1+build"),
            Ok(ChartVersion::new(2, 1, 1))
        );
        for bad in ["", "two", "2..1", "2.1.0.4", "2.x", "-1"] {
            assert!(ChartVersion::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ChartVersion::new(2, 0, 18).line(), Ok(ChartLine::V2_0));
        assert_eq!(ChartVersion::new(2, 0, 19).line(), Ok(ChartLine::V2_0));
        assert_eq!(ChartVersion::new(2, 1, 0).line(), Ok(ChartLine::V2_1));
        assert_eq!(NEWEST_CHART.line(), Ok(ChartLine::V2_1));
        assert!(
            ChartVersion::new(2, 0, 17)
                .line()
                .unwrap_err()
                .to_string()
                .contains("migrate")
        );
        assert!(
            ChartVersion::new(3, 0, 0)
                .line()
                .unwrap_err()
                .to_string()
                .contains("newer")
        );
    }

    #[test]
    fn services_are_named_after_the_release_with_the_port_the_chart_uses() {
        let ports = Ports::default();
        let s = service("prod", ChartLine::V2_1, ports, Backend::Server, false);
        assert_eq!(
            (s.name.as_str(), s.port, s.number),
            ("prod-airbyte-server-svc", Port::Name("http"), 8001)
        );
        let s = service("prod", ChartLine::V2_1, ports, Backend::Server, true);
        assert_eq!(s.port, Port::Number(8001));
        let s = service("prod", ChartLine::V2_0, ports, Backend::Server, false);
        assert_eq!(s.port, Port::Number(8001));
        let ports = Ports {
            server: 9000,
            builder: 8080,
        };
        let s = service(
            "ab",
            ChartLine::V2_0,
            ports,
            Backend::ConnectorBuilder,
            false,
        );
        assert_eq!(
            (s.name.as_str(), s.number),
            ("ab-airbyte-connector-builder-server-svc", 8080)
        );
        let s = service("ab", ChartLine::V2_1, ports, Backend::Keycloak, false);
        assert_eq!(
            (s.name.as_str(), s.number),
            ("ab-airbyte-keycloak-svc", 8180)
        );
    }

    #[test]
    fn fullname_follows_the_chart_helper() {
        assert_eq!(fullname("airbyte", None, None), "airbyte");
        assert_eq!(fullname("prod", None, None), "prod-airbyte");
        assert_eq!(fullname("my-airbyte-1", None, None), "my-airbyte-1");
        assert_eq!(fullname("prod", Some("ab"), None), "prod-ab");
        assert_eq!(fullname("prod", None, Some("custom")), "custom");
        assert_eq!(fullname("prod", Some(""), Some("")), "prod-airbyte");
        let long = fullname(&"a".repeat(60), None, None);
        assert_eq!(long.len(), 63);
        assert_eq!(
            fullname(&format!("{}-x", "b".repeat(62)), None, Some("")).len(),
            62
        );
    }

    /// Names read back are the names the chart writes, for every backend and release.
    #[test]
    fn service_names_read_back() {
        for release in ["airbyte", "prod", "a-airbyte-b"] {
            for b in [
                Backend::Server,
                Backend::ConnectorBuilder,
                Backend::Keycloak,
            ] {
                assert_eq!(
                    read_service_name(&service_name(release, b)),
                    Some((release, ServiceKind::Current(b)))
                );
            }
            assert_eq!(
                env_config_map_release(&env_config_map(release)),
                Some(release)
            );
        }
        assert_eq!(
            read_service_name("old-airbyte-webapp-svc"),
            Some(("old", ServiceKind::Webapp))
        );
        assert_eq!(read_service_name("-airbyte-server-svc"), None);
        assert_eq!(read_service_name("airbyte-server"), None);
        assert_eq!(server_release("prod-airbyte-keycloak-svc"), None);
        assert_eq!(chart_label_version("airbyte-2.2.0"), Some("2.2.0"));
    }

    #[test]
    fn airbyte_paths_by_edition_and_chart() {
        let paths =
            |line, ent| -> Vec<&str> { airbyte_paths(line, ent).iter().map(|p| p.path).collect() };
        assert_eq!(paths(ChartLine::V2_1, false), ["/"]);
        assert_eq!(
            paths(ChartLine::V2_1, true),
            ["/auth/realms", "/auth/resources", "/"]
        );
        assert_eq!(
            paths(ChartLine::V2_0, false),
            ["/api/v1/connector_builder/", "/"]
        );
        // as the chart's Service template: both conditions, the edition compared exactly
        assert!(renders_keycloak("enterprise", true) && renders_keycloak("cloud", true));
        assert!(!renders_keycloak("enterprise", false));
        assert!(!renders_keycloak("Enterprise", true) && !renders_keycloak("pro", true));
        assert!(!renders_keycloak("community", true));
    }
}
