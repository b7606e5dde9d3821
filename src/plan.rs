//! The controller-neutral plan: object name and namespace, class, annotations, hosts, routes to
//! Airbyte's Services, TLS, Airbyte's proxy intent, and what a bring-your-own target will serve.
//! Built only by [`Plan::build`]; every rule and every target reads a `Plan`, never raw values.

use std::collections::BTreeMap;

use crate::airbyte::{self, AirbytePath};
pub use crate::airbyte::{
    Backend, ChartLine, ChartVersion, INTENT, Intent, NEWEST_CHART, Port, Ports, Service,
};
use crate::controllers::{self, Controller, Effective, Given, Settings};
use crate::findings::{Finding, Rule};
use crate::model::{PathType, Values};
use crate::values::{Node, Origin, Path, Seg};

/// One path on one host, as the values list it.
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

/// What the run produces from the values.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// `validate` without `--target`: the values as the chart reads them.
    Values,
    /// The chart's own Ingress (`--target chart`).
    Chart,
    /// A bring-your-own ingress for one controller.
    Byo(Controller),
}

/// What a bring-your-own target serves, decided from the values once.
#[derive(Clone, Debug, PartialEq)]
pub struct Byo {
    pub settings: Settings,
    pub effective: Effective,
    /// The hosts to serve: the values' hosts, or the host of `global.airbyteUrl` when they list
    /// none.
    pub hosts: Vec<String>,
    /// TLS for those hosts: the values' entries, or the URL's host when it is `https` and the values
    /// have none.
    pub tls: Vec<TlsEntry>,
    /// Whether the host (and TLS) came from `global.airbyteUrl`.
    pub from_url: bool,
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
    /// `ingress.enabled`: the chart renders its own Ingress.
    pub enabled: bool,
    /// Where `ingress.enabled` was set (or the chart default).
    pub enabled_origin: Origin,
    pub class: Option<String>,
    /// Annotations as the values give them; a `None` value is a YAML `null`.
    pub annotations: BTreeMap<String, Option<String>>,
    pub hosts: Vec<HostRoutes>,
    pub tls: Vec<TlsEntry>,
    /// `global.airbyteUrl`, trimmed; `None` when empty.
    pub airbyte_url: Option<String>,
    pub edition: String,
    /// Whether the chart renders Keycloak's Service, the backend of `/auth/realms` and
    /// `/auth/resources` ([`airbyte::renders_keycloak`]).
    pub keycloak: bool,
    /// `global.auth.enabled` as the values set it (`None`: not set).
    pub auth_enabled: Option<bool>,
    pub cookie_secure: bool,
    pub ports: Ports,
    /// What any proxy in front of Airbyte must allow.
    pub intent: Intent,
    pub output: Output,
    /// Set for a bring-your-own target.
    pub byo: Option<Byo>,
}

/// Release, namespace and chart version (the `helm template` arguments) and the output.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub release: String,
    pub namespace: String,
    pub chart: ChartVersion,
    pub output: Output,
    /// The target's settings, for a bring-your-own output.
    pub settings: Settings,
}

impl Plan {
    /// Builds the plan from typed values; what the chart would refuse becomes an error finding.
    /// `root` is the merged values tree, for locations.
    pub fn build(
        values: Values,
        root: &Node,
        opts: &PlanOptions,
    ) -> Result<(Plan, Vec<Finding>), crate::airbyte::VersionError> {
        let line = opts.chart.line()?;
        let mut findings = Vec::new();
        let ingress = values.ingress.unwrap_or_default();
        let global = values.global.unwrap_or_default();
        let at = |p: &Path| root.nearest(p).origin;
        let ing = Path::parse("ingress");
        // made once: every path below shares their text
        let [hosts_key, paths_key, backend_key] =
            ["hosts", "paths", "backend"].map(|k| Seg::Key(k.into()));

        let port_of = |c: &Option<crate::model::Component>| {
            c.as_ref()
                .and_then(|c| c.service.as_ref())
                .and_then(|s| s.port)
        };
        let ports = Ports {
            server: port_of(&values.server).unwrap_or(airbyte::SERVER_PORT),
            builder: port_of(&values.connector_builder_server).unwrap_or(airbyte::BUILDER_PORT),
        };
        let release = &opts.release;

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
                        let origin = at(&bp);
                        findings.push(backend_finding(other, line, opts.chart, bp, origin));
                        None
                    }
                };
                let Some(backend) = backend else { continue };
                routes.push(Route {
                    path: p.path.unwrap_or_default(),
                    path_type: p.path_type,
                    backend,
                    service: airbyte::service(release, line, ports, backend, false),
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
        let tls: Vec<TlsEntry> = ingress
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
        let name = airbyte::fullname(
            release,
            values.name_override.as_deref(),
            values.fullname_override.as_deref(),
        );
        let namespace = values
            .namespace_override
            .clone()
            .filter(|n| !n.is_empty() && line == ChartLine::V2_1)
            .unwrap_or_else(|| opts.namespace.clone());
        let auth = global.auth.unwrap_or_default();
        let edition = global.edition.unwrap_or_else(|| "community".into());
        let keycloak = airbyte::renders_keycloak(
            &edition,
            values.keycloak.and_then(|k| k.enabled).unwrap_or(false),
        );
        let mut plan = Plan {
            chart: opts.chart,
            line,
            release: release.clone(),
            name,
            namespace,
            enabled: ingress.enabled.unwrap_or(false),
            enabled_origin: at(&ing.key("enabled")),
            class: ingress.class_name.filter(|c| !c.is_empty()),
            annotations: ingress.annotations.unwrap_or_default(),
            hosts,
            tls,
            airbyte_url: global
                .airbyte_url
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty()),
            edition,
            keycloak,
            auth_enabled: auth.enabled.map(|b| b.as_bool()),
            cookie_secure: auth
                .security
                .and_then(|s| s.cookie_secure_setting)
                .is_none_or(|b| b.as_bool()),
            ports,
            intent: airbyte::Intent {
                request_timeout_s: opts
                    .settings
                    .request_timeout_s
                    .unwrap_or(airbyte::INTENT.request_timeout_s),
                body_mib: opts.settings.body_mib.unwrap_or(airbyte::INTENT.body_mib),
                ..airbyte::INTENT
            },
            output: opts.output.clone(),
            byo: None,
        };
        if let Output::Byo(controller) = opts.output {
            plan.byo = Some(plan.bring_your_own(controller, &opts.settings));
        }
        Ok((plan, findings))
    }

    /// What a bring-your-own target for `controller` serves: the values' hosts and TLS, or the
    /// URL's host; the target's annotations under the values' own.
    fn bring_your_own(&self, controller: Controller, settings: &Settings) -> Byo {
        let (hosts, tls, from_url) = if !self.hosts.is_empty() {
            let hosts = self.hosts.iter().map(|h| h.host.clone()).collect();
            (hosts, self.tls.clone(), false)
        } else {
            match self.url_parts() {
                Some((scheme, host)) => {
                    let tls = if scheme.eq_ignore_ascii_case("https") && self.tls.is_empty() {
                        let secret = controller.uses_tls_secrets().then(|| {
                            settings
                                .tls_secret
                                .clone()
                                .unwrap_or_else(|| self.default_tls_secret())
                        });
                        vec![TlsEntry {
                            secret_name: secret,
                            hosts: vec![host.clone()],
                            at: Path::parse("global.airbyteUrl"),
                        }]
                    } else {
                        self.tls.clone()
                    };
                    (vec![host], tls, true)
                }
                None => (Vec::new(), self.tls.clone(), false),
            }
        };
        let effective = controllers::effective(
            controller,
            Given {
                class: self.class.as_deref(),
                annotations: &self.annotations,
                tls: !tls.is_empty(),
                name: &self.name,
                hosts: &hosts,
            },
            settings,
            &self.intent,
        );
        Byo {
            settings: settings.clone(),
            effective,
            hosts,
            tls,
            from_url,
        }
    }

    /// The Secret a bring-your-own target names for the URL's host when nothing else does.
    pub fn default_tls_secret(&self) -> String {
        format!("{}-tls", self.name)
    }

    /// The scheme and lowercased host of `global.airbyteUrl`, when it is an absolute URL.
    pub fn url_parts(&self) -> Option<(String, String)> {
        let url = crate::names::parse_url(self.airbyte_url.as_deref()?)?;
        Some((
            url.scheme.to_string(),
            url.host.trim_end_matches('.').to_ascii_lowercase(),
        ))
    }

    /// An Airbyte Service as the chart names it. `by_number` asks for the port number even where
    /// the chart refers to it by name (bring-your-own manifests use numbers).
    pub fn service(&self, backend: Backend, by_number: bool) -> Service {
        airbyte::service(&self.release, self.line, self.ports, backend, by_number)
    }

    /// Airbyte's paths for a bring-your-own target, most specific first, each with its Service
    /// (ports by number).
    pub fn airbyte_paths(&self) -> Vec<(AirbytePath, Service)> {
        airbyte::airbyte_paths(self.line, self.keycloak)
            .into_iter()
            .map(|p| (p, self.service(p.backend, true)))
            .collect()
    }

    /// Every route of every host, in values order.
    pub fn routes(&self) -> impl Iterator<Item = (&HostRoutes, &Route)> {
        self.hosts
            .iter()
            .flat_map(|h| h.routes.iter().map(move |r| (h, r)))
    }

    /// Whether the run renders or checks a bring-your-own target.
    pub fn is_byo(&self) -> bool {
        self.byo.is_some()
    }

    /// Whether the values configure ingress hosts for someone to serve: the chart's Ingress is on,
    /// or hosts are listed.
    pub fn configures_ingress(&self) -> bool {
        self.enabled || !self.hosts.is_empty()
    }
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
    Finding::new(Rule::BackendInvalid, path, origin, message).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(values: &str, chart: &str, output: Output) -> (Plan, Vec<Finding>) {
        plan_with(values, chart, output, Settings::default())
    }

    fn plan_with(
        values: &str,
        chart: &str,
        output: Output,
        settings: Settings,
    ) -> (Plan, Vec<Finding>) {
        let inputs = crate::values::ValueInputs {
            files: vec!["values.yaml".into()],
            ..Default::default()
        };
        let mut read = |_: &str, _: usize| Ok(values.as_bytes().to_vec());
        let loaded = crate::values::load(&inputs, crate::chart_defaults(), &mut read).unwrap();
        let typed: Values = serde::Deserialize::deserialize(&loaded.root).unwrap();
        let opts = PlanOptions {
            release: "prod".into(),
            namespace: "data".into(),
            chart: ChartVersion::parse(chart).unwrap(),
            output,
            settings,
        };
        Plan::build(typed, &loaded.root, &opts).unwrap()
    }

    const TWO_PATHS: &str = "ingress:\n  enabled: true\n  hosts:\n    - host: a.example.com\n      paths:\n        - {path: /, pathType: Prefix, backend: server}\n        - {path: /b, pathType: Prefix, backend: connector-builder-server}\n";

    #[test]
    fn names_follow_the_release_and_overrides() {
        let (p, _) = plan_of("nameOverride: ab\n", "2.2.0", Output::Values);
        assert_eq!((p.name.as_str(), p.namespace.as_str()), ("prod-ab", "data"));
        let (p, _) = plan_of(
            "fullnameOverride: air\nnamespaceOverride: other\n",
            "2.2.0",
            Output::Values,
        );
        assert_eq!((p.name.as_str(), p.namespace.as_str()), ("air", "other"));
        // chart 2.0.18-2.0.19 has no namespaceOverride in its Ingress
        let (p, _) = plan_of("namespaceOverride: other\n", "2.0.19", Output::Values);
        assert_eq!(p.namespace, "data");
    }

    #[test]
    fn backends_follow_the_chart_version() {
        let (p, f) = plan_of(TWO_PATHS, "2.0.18", Output::Values);
        assert!(f.is_empty());
        let routes: Vec<(&str, &str, &Port)> = p
            .routes()
            .map(|(_, r)| (r.path.as_str(), r.service.name.as_str(), &r.service.port))
            .collect();
        assert_eq!(
            routes,
            [
                ("/", "prod-airbyte-server-svc", &Port::Number(8001)),
                (
                    "/b",
                    "prod-airbyte-connector-builder-server-svc",
                    &Port::Number(80)
                )
            ]
        );
        let (p, f) = plan_of(TWO_PATHS, "2.2.0", Output::Values);
        assert_eq!(
            p.hosts[0].routes.len(),
            1,
            "the refused backend is left out"
        );
        assert_eq!(p.hosts[0].declared_paths, 2);
        assert_eq!(p.hosts[0].routes[0].service.port, Port::Name("http"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::BackendInvalid);
        assert_eq!(f[0].path.to_string(), "ingress.hosts[0].paths[1].backend");
    }

    #[test]
    fn ports_and_settings_come_from_the_values() {
        let v = "server:\n  service:\n    port: 9001\nconnectorBuilderServer:\n  service:\n    port: 8080\nglobal:\n  edition: enterprise\n  auth:\n    enabled: \"true\"\n    security:\n      cookieSecureSetting: false\n";
        let (p, _) = plan_of(v, "2.0.18", Output::Values);
        assert_eq!(
            p.ports,
            Ports {
                server: 9001,
                builder: 8080
            }
        );
        assert!(!p.cookie_secure);
        // Enterprise without `keycloak.enabled`: the chart renders no Keycloak Service
        assert!(!p.keycloak);
        let (p, _) = plan_of(
            &format!("{v}keycloak:\n  enabled: true\n"),
            "2.0.18",
            Output::Values,
        );
        assert!(p.keycloak);
        assert_eq!(p.auth_enabled, Some(true));
        let paths: Vec<(&str, u16)> = p
            .airbyte_paths()
            .iter()
            .map(|(a, s)| (a.path, s.number))
            .collect();
        assert_eq!(
            paths,
            [
                ("/auth/realms", 8180),
                ("/auth/resources", 8180),
                ("/api/v1/connector_builder/", 8080),
                ("/", 9001)
            ]
        );
    }

    #[test]
    fn a_bring_your_own_target_serves_the_url_host_when_the_values_list_none() {
        let byo = |values: &str, c: Controller, s: Settings| {
            plan_with(values, "2.2.0", Output::Byo(c), s).0.byo.unwrap()
        };
        let url = "global:\n  airbyteUrl: https://Airbyte.Corp.example\n";
        let b = byo(url, Controller::IngressNginx, Settings::default());
        assert!(b.from_url);
        assert_eq!(b.hosts, ["airbyte.corp.example"]);
        assert_eq!(b.tls[0].secret_name.as_deref(), Some("prod-airbyte-tls"));
        assert_eq!(
            b.effective.annotations["nginx.ingress.kubernetes.io/ssl-redirect"],
            "true"
        );
        let named = Settings {
            tls_secret: Some("corp-tls".into()),
            ..Settings::default()
        };
        let b = byo(url, Controller::Traefik, named);
        assert_eq!(b.tls[0].secret_name.as_deref(), Some("corp-tls"));
        // the ALB takes ACM certificates: TLS hosts for discovery, no Secret
        let b = byo(url, Controller::Alb, Settings::default());
        assert_eq!(b.tls[0].secret_name, None);
        let b = byo(
            "global:\n  airbyteUrl: http://airbyte.corp.example\n",
            Controller::Haproxy,
            Settings::default(),
        );
        assert!(b.tls.is_empty() && b.from_url);
        let b = byo(
            "global:\n  airbyteUrl: airbyte.corp.example\n",
            Controller::Haproxy,
            Settings::default(),
        );
        assert!(
            b.hosts.is_empty() && !b.from_url,
            "no scheme: no URL to take a host from"
        );
        // hosts in the values win
        let b = byo(
            "global:\n  airbyteUrl: https://a.example.com\ningress:\n  hosts:\n    - host: b.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n",
            Controller::IngressNginx,
            Settings::default(),
        );
        assert_eq!(
            (b.hosts.as_slice(), b.from_url, b.tls.len()),
            (&["b.example.com".to_string()][..], false, 0)
        );
    }
}
