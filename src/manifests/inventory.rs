//! What a stream of objects says about the Airbyte release it belongs to: its Services and ports,
//! its release name, its chart version (`helm.sh/chart` labels), its URL (the `AIRBYTE_URL` of the
//! `<release>-airbyte-env` ConfigMap). Facts only; the checks decide what to make of them.

use super::{Object, str_of};
use crate::airbyte::{self, ChartVersion};
use crate::values::{Origin, Value};

/// A Service of the stream.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceInfo {
    pub name: String,
    pub namespace: Option<String>,
    /// Each port's name (if any) and number.
    pub ports: Vec<(Option<String>, u16)>,
    /// `type: NodePort` or `LoadBalancer`: it has node ports, which an ALB's `instance` targets
    /// need.
    pub node_ports: bool,
    pub origin: Origin,
}

/// A fact inferred from the stream, and where it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen<T> {
    pub value: T,
    pub origin: Origin,
    /// What it was read from, for `-v`: `Service prod-airbyte-server-svc`.
    pub from: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inventory {
    pub services: Vec<ServiceInfo>,
    /// Release names the stream shows, first seen first.
    pub releases: Vec<Seen<String>>,
    /// `AIRBYTE_URL` of a `<release>-airbyte-env` ConfigMap, with its release.
    pub urls: Vec<Seen<(String, String)>>,
    /// The Airbyte chart version of `helm.sh/chart: airbyte-X.Y.Z` labels.
    pub chart: Option<Seen<ChartVersion>>,
}

impl Inventory {
    /// The one release the stream shows; `None` when it shows none or several.
    pub fn release(&self) -> Option<&Seen<String>> {
        let first = self.releases.first()?;
        self.releases
            .iter()
            .all(|r| r.value == first.value)
            .then_some(first)
    }

    /// Whether the stream holds the Services of `release` (so its backends can be checked against
    /// them rather than against what the chart renders).
    pub fn has_services_of(&self, release: &str) -> bool {
        self.services
            .iter()
            .any(|s| airbyte::server_release(&s.name) == Some(release))
    }

    /// The Service a backend names, in the namespace it is looked for in (`None` on either side:
    /// a manifest without one, applied where `kubectl -n` or a kustomization puts it, matches).
    pub fn service(&self, name: &str, namespace: Option<&str>) -> Option<&ServiceInfo> {
        self.services.iter().find(|s| {
            s.name == name
                && (namespace.is_none()
                    || s.namespace.is_none()
                    || s.namespace.as_deref() == namespace)
        })
    }
}

/// Reads what the objects say about the release.
pub fn inventory(objects: &[Object]) -> Inventory {
    let mut inv = Inventory::default();
    let seen_release = |inv: &mut Inventory, name: &str, origin: Origin, from: String| {
        if !name.is_empty() && !inv.releases.iter().any(|r| r.value == name) {
            inv.releases.push(Seen {
                value: name.to_string(),
                origin,
                from,
            });
        }
    };
    for o in objects {
        if let Some(r) = o.annotations().get("meta.helm.sh/release-name")
            && is_airbyte_object(o)
        {
            let origin = o
                .at("metadata.annotations")
                .and_then(|a| a.as_map())
                .and_then(|a| a.get("meta.helm.sh/release-name"))
                .map_or(o.origin(), |n| n.origin);
            seen_release(&mut inv, r, origin, o.label());
        }
        if inv.chart.is_none()
            && let Some(v) = o.labels().get("helm.sh/chart")
            && let Some(version) = airbyte::chart_label_version(v)
            && let Ok(chart) = ChartVersion::parse(version)
        {
            let origin = o
                .at("metadata.labels")
                .and_then(|l| l.as_map())
                .and_then(|l| l.get("helm.sh/chart"))
                .map_or(o.origin(), |n| n.origin);
            inv.chart = Some(Seen {
                value: chart,
                origin,
                from: o.label(),
            });
        }
        match (o.api_version.as_str(), o.kind.as_str()) {
            ("v1", "Service") => {
                if let Some(release) = airbyte::server_release(&o.name) {
                    seen_release(&mut inv, release, o.origin(), o.label());
                }
                inv.services.push(service(o));
            }
            ("v1", "ConfigMap") => {
                let Some(release) = airbyte::env_config_map_release(&o.name) else {
                    continue;
                };
                seen_release(&mut inv, release, o.origin(), o.label());
                if let Some(url) = o.at("data.AIRBYTE_URL") {
                    inv.urls.push(Seen {
                        value: (release.to_string(), str_of(url).unwrap_or("").to_string()),
                        origin: url.origin,
                        from: o.label(),
                    });
                }
            }
            _ => {}
        }
    }
    inv
}

/// Whether an object is part of an Airbyte release (a Helm label or annotation says so).
fn is_airbyte_object(o: &Object) -> bool {
    o.labels()
        .get("helm.sh/chart")
        .is_some_and(|c| airbyte::chart_label_version(c).is_some())
        || o.name.contains("airbyte")
}

fn service(o: &Object) -> ServiceInfo {
    let ports = match o.at("spec.ports").map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|p| {
                let m = p.as_map()?;
                let port = match m.get("port")?.value {
                    Value::Int(i) => u16::try_from(i).ok()?,
                    _ => return None,
                };
                Some((m.get("name").and_then(str_of).map(str::to_string), port))
            })
            .collect(),
        _ => Vec::new(),
    };
    let node_ports = o
        .at("spec.type")
        .and_then(str_of)
        .is_some_and(|t| t == "NodePort" || t == "LoadBalancer");
    ServiceInfo {
        name: o.name.clone(),
        namespace: o.namespace.clone(),
        ports,
        node_ports,
        origin: o.origin(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_s_services_url_and_chart_are_read() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-airbyte-server-svc\n  labels:\n    helm.sh/chart: airbyte-2.2.0\nspec:\n  ports:\n    - name: http\n      port: 8001\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-airbyte-env\ndata:\n  AIRBYTE_URL: https://airbyte.corp.example\n";
        let mut sources = crate::values::Sources::default();
        let mut read = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
        let (objects, _) = super::super::read(
            &["m.yaml".into()],
            &mut sources,
            &Default::default(),
            &mut read,
        )
        .unwrap();
        let inv = inventory(&objects);
        assert_eq!(inv.release().map(|r| r.value.as_str()), Some("prod"));
        assert_eq!(
            inv.service("prod-airbyte-server-svc", None).unwrap().ports,
            [(Some("http".to_string()), 8001)]
        );
        assert_eq!(
            inv.chart.as_ref().unwrap().value,
            ChartVersion::new(2, 2, 0)
        );
        assert_eq!(inv.urls[0].value.1, "https://airbyte.corp.example");
        assert_eq!(sources.describe(inv.urls[0].origin), "m.yaml:17:16");
        assert!(inv.has_services_of("prod") && !inv.has_services_of("airbyte"));
    }

    /// A backend's Service is looked for in its namespace; a side that names none matches.
    #[test]
    fn a_service_is_found_in_its_namespace() {
        let svc = |name: &str, ns: Option<&str>, node_ports: bool| ServiceInfo {
            name: name.into(),
            namespace: ns.map(str::to_string),
            ports: Vec::new(),
            node_ports,
            origin: Origin::Default,
        };
        let inv = Inventory {
            services: vec![
                svc("airbyte-ui", Some("tools"), false),
                svc("airbyte-ui", Some("airbyte"), true),
                svc("plain", None, false),
            ],
            ..Default::default()
        };
        assert!(
            inv.service("airbyte-ui", Some("airbyte"))
                .unwrap()
                .node_ports
        );
        assert!(!inv.service("airbyte-ui", Some("tools")).unwrap().node_ports);
        assert!(inv.service("airbyte-ui", Some("data")).is_none());
        assert!(inv.service("airbyte-ui", None).is_some());
        assert!(inv.service("plain", Some("anywhere")).is_some());
    }
}
