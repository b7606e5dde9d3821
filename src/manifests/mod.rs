//! What Kubernetes objects (read by [`crate::inputs::manifests`]) say: about the release (its
//! Services, its URL, its chart version) in [`inventory`], a Helm render read back into values in
//! [`release`], the routes they make in [`routes`], the text spans of a stream in [`stream`].

pub mod inventory;
pub mod release;
pub mod routes;
pub mod stream;

pub use crate::inputs::manifests::{Object, read, read_bytes, str_of};

/// ingress-nginx's controller-wide settings that Airbyte's floors read, from its ConfigMap (what
/// the ingress-nginx chart renders from `controller.config`): each value with where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct NginxConfig {
    /// `ConfigMap ingress-nginx/ingress-nginx-controller`, or the release that renders it, as
    /// messages name it.
    pub label: String,
    /// `proxy-body-size`, `proxy-read-timeout`, ... and their values.
    pub values: std::collections::BTreeMap<String, (String, crate::source::Origin)>,
}

/// The ConfigMap keys that are also per-Ingress annotations Airbyte's floors read.
pub const NGINX_CONFIG_KEYS: [&str; 4] = [
    "proxy-body-size",
    "proxy-read-timeout",
    "proxy-send-timeout",
    "proxy-connect-timeout",
];

/// The ingress-nginx controller's settings among the objects, if they hold them: its ConfigMap
/// (labelled as the ingress-nginx chart labels it, `app.kubernetes.io/name: ingress-nginx` and
/// `component: controller`, or named as that chart or the static manifests name it), or the
/// `controller.config` of an ingress-nginx release in a Flux HelmRelease or an Argo CD Application.
pub fn nginx_config(objects: &[Object]) -> Option<NginxConfig> {
    objects.iter().find_map(|o| {
        let data = match o.kind.as_str() {
            "ConfigMap" => {
                let labels = o.labels();
                let labelled = labels.get("app.kubernetes.io/name").map(String::as_str)
                    == Some("ingress-nginx")
                    && labels
                        .get("app.kubernetes.io/component")
                        .map(String::as_str)
                        == Some("controller");
                let named =
                    o.name.ends_with("ingress-nginx-controller") || o.name == "nginx-configuration";
                (labelled || named).then(|| o.at("data"))?
            }
            "HelmRelease" if o.str_at("spec.chart.spec.chart") == Some("ingress-nginx") => {
                o.at("spec.values.controller.config")
            }
            "Application" => {
                let chart = o
                    .str_at("spec.source.chart")
                    .or_else(|| o.str_at("spec.sources[0].chart"));
                if chart != Some("ingress-nginx") {
                    return None;
                }
                o.at("spec.source.helm.valuesObject.controller.config")
                    .or_else(|| o.at("spec.sources[0].helm.valuesObject.controller.config"))
            }
            _ => return None,
        };
        let data = data.and_then(|d| d.as_map());
        let mut values = std::collections::BTreeMap::new();
        for key in NGINX_CONFIG_KEYS {
            if let Some(n) = data.and_then(|d| d.get(key)) {
                let v = match &n.value {
                    crate::source::Value::Str(s) => s.clone(),
                    crate::source::Value::Int(i) => i.to_string(),
                    crate::source::Value::Float(f) => f.to_string(),
                    _ => continue,
                };
                values.insert(key.to_string(), (v, n.origin));
            }
        }
        Some(NginxConfig {
            label: format!(
                "{}{}",
                o.label(),
                if o.kind == "ConfigMap" {
                    ""
                } else {
                    " (`controller.config`)"
                }
            ),
            values,
        })
    })
}
