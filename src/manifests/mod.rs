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
    /// `ConfigMap ingress-nginx/ingress-nginx-controller`, as messages name it.
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

/// The ingress-nginx controller ConfigMap among the objects, if there is one: labelled as the
/// ingress-nginx chart labels it (`app.kubernetes.io/name: ingress-nginx`, `component:
/// controller`), or named as that chart or the static manifests name it.
pub fn nginx_config(objects: &[Object]) -> Option<NginxConfig> {
    let o = objects.iter().find(|o| {
        if o.kind != "ConfigMap" {
            return false;
        }
        let labels = o.labels();
        let labelled = labels.get("app.kubernetes.io/name").map(String::as_str)
            == Some("ingress-nginx")
            && labels
                .get("app.kubernetes.io/component")
                .map(String::as_str)
                == Some("controller");
        labelled || o.name.ends_with("ingress-nginx-controller") || o.name == "nginx-configuration"
    })?;
    let data = o.at("data").and_then(|d| d.as_map());
    let mut values = std::collections::BTreeMap::new();
    for key in NGINX_CONFIG_KEYS {
        if let Some(n) = data.and_then(|d| d.get(key))
            && let Some(v) = str_of(n)
        {
            values.insert(key.to_string(), (v.to_string(), n.origin));
        }
    }
    Some(NginxConfig {
        label: o.label().replacen("ConfigMap ", "", 1),
        values,
    })
}
