//! The Istio ingress gateway: which pods an Istio Gateway selects and the namespace they (and the
//! TLS Secrets they read) live in, from the `istio` target's settings. Shared by the target, which
//! renders for them, and the rules, which say where the Secrets must be.

use super::Settings;
use crate::names::{label_value_ok, qualified_name_ok};

/// The AKS Istio add-on's external ingress gateway: its pods' label and its namespace.
pub const AKS_SELECTOR: &str = "istio=aks-istio-ingressgateway-external";
pub const AKS_NAMESPACE: &str = "aks-istio-ingress";
/// Upstream Istio's default ingress gateway.
pub const UPSTREAM_SELECTOR: &str = "istio=ingressgateway";
pub const UPSTREAM_NAMESPACE: &str = "istio-system";

/// The selector's labels, checked: `KEY=VALUE[,KEY=VALUE]`.
pub fn selector(settings: &Settings) -> Result<Vec<(String, String)>, String> {
    let raw = settings.istio_selector.as_deref().unwrap_or(AKS_SELECTOR);
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in raw.split(',') {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "`--istio-selector {raw}`: `{pair}` is not KEY=VALUE (e.g. `{AKS_SELECTOR}`)"
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        if !qualified_name_ok(k) || !label_value_ok(v) {
            return Err(format!(
                "`--istio-selector {raw}`: `{k}={v}` is not a Kubernetes label (a key such as `istio` or `app.kubernetes.io/name`, a value of at most 63 letters, digits, `-`, `_`, `.`)"
            ));
        }
        if out.iter().any(|(seen, _)| seen == k) {
            return Err(format!(
                "`--istio-selector {raw}`: the label `{k}` is given twice"
            ));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// The namespace of the ingress gateway pods: given, or known from the default selectors.
pub fn gateway_namespace(settings: &Settings) -> Option<&str> {
    if let Some(ns) = &settings.istio_gateway_namespace {
        return Some(ns);
    }
    match settings.istio_selector.as_deref() {
        None | Some(AKS_SELECTOR) => Some(AKS_NAMESPACE),
        Some("istio=aks-istio-ingressgateway-internal") => Some(AKS_NAMESPACE),
        Some(UPSTREAM_SELECTOR) => Some(UPSTREAM_NAMESPACE),
        Some(_) => None,
    }
}

/// An existing Gateway, `NAMESPACE/NAME`.
pub fn existing(settings: &Settings) -> Option<(&str, &str)> {
    settings.istio_gateway.as_deref()?.split_once('/')
}

/// The namespace of the Gateway the `istio` target renders (its TLS Secrets go there); `None`
/// when it binds to an existing Gateway or the namespace is unknown.
pub fn rendered_gateway_namespace(settings: &Settings) -> Option<&str> {
    match settings.istio_gateway {
        Some(_) => None,
        None => gateway_namespace(settings),
    }
}

/// Airbyte's hosts as an AuthorizationPolicy's `to.operation.hosts` must name them: each also
/// with any port (`host:*`), as Istio matches the `Host` header with its port, so that a client
/// cannot pass a DENY rule by naming one. No wildcard host can be written so (Istio takes one `*`
/// per pattern): [`super::access::allow_list_carrier`] carries no allow list for those.
pub fn policy_hosts(hosts: &[String]) -> Vec<String> {
    hosts
        .iter()
        .flat_map(|h| [h.clone(), format!("{h}:*")])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(selector: Option<&str>, ns: Option<&str>) -> Settings {
        Settings {
            istio_selector: selector.map(Into::into),
            istio_gateway_namespace: ns.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn the_selector_defaults_to_the_aks_add_on_and_is_checked() {
        assert_eq!(
            selector(&Settings::default()).unwrap(),
            [(
                "istio".to_string(),
                "aks-istio-ingressgateway-external".to_string()
            )]
        );
        let two = with(Some("app=gw, istio=ingressgateway"), None);
        assert_eq!(selector(&two).unwrap().len(), 2);
        for bad in ["istio", "istio=a b", "=x", "a=1,a=2", "bad key=x"] {
            let e = selector(&with(Some(bad), None)).unwrap_err();
            assert!(e.contains("--istio-selector"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_gateway_namespace_is_known_for_known_selectors_only() {
        assert_eq!(gateway_namespace(&Settings::default()), Some(AKS_NAMESPACE));
        assert_eq!(
            gateway_namespace(&with(Some(UPSTREAM_SELECTOR), None)),
            Some(UPSTREAM_NAMESPACE)
        );
        assert_eq!(
            gateway_namespace(&with(Some("istio=aks-istio-ingressgateway-internal"), None)),
            Some(AKS_NAMESPACE)
        );
        assert_eq!(gateway_namespace(&with(Some("app=edge"), None)), None);
        assert_eq!(
            gateway_namespace(&with(Some("app=edge"), Some("edge"))),
            Some("edge")
        );
    }
}
