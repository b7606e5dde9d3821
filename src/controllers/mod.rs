//! What each ingress controller reads: its annotation families and IngressClasses, its defaults and
//! the floors Airbyte needs of them ([`floors`]), the path forms it serves everything with
//! ([`paths`]), and the annotations a bring-your-own target writes for it from Airbyte's proxy
//! intent ([`effective`]). Shared by the rules, the targets and the manifest checks.

pub mod access;
pub mod floors;
pub mod istio;
pub mod keys;
pub mod paths;

pub use access::{
    Access, access_advice, access_control, allow_list, allow_list_carrier, allow_list_not_carried,
    as_cidr, restricts,
};

use std::collections::BTreeMap;

use crate::airbyte::Intent;

/// Controller families, by annotation prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    IngressNginx,
    F5Nginx,
    Alb,
    Traefik,
    Haproxy,
    Agic,
    Agc,
    AksAppRouting,
}

impl Family {
    pub fn controller(self) -> &'static str {
        match self {
            Family::IngressNginx => "ingress-nginx",
            Family::F5Nginx => "the F5 NGINX Ingress Controller",
            Family::Alb => "the AWS Load Balancer Controller",
            Family::Traefik => "Traefik",
            Family::Haproxy => "HAProxy",
            Family::Agic => "the Application Gateway Ingress Controller",
            Family::Agc => "Application Gateway for Containers",
            Family::AksAppRouting => "the AKS application routing add-on",
        }
    }
}

const PREFIXES: &[(&str, Family)] = &[
    ("nginx.ingress.kubernetes.io/", Family::IngressNginx),
    ("nginx.org/", Family::F5Nginx),
    ("nginx.com/", Family::F5Nginx),
    ("alb.ingress.kubernetes.io/", Family::Alb),
    ("traefik.ingress.kubernetes.io/", Family::Traefik),
    ("haproxy.org/", Family::Haproxy),
    ("haproxy.com/", Family::Haproxy),
    ("haproxy-ingress.github.io/", Family::Haproxy),
    ("appgw.ingress.kubernetes.io/", Family::Agic),
    ("alb.networking.azure.io/", Family::Agc),
    ("kubernetes.azure.com/", Family::AksAppRouting),
];

/// ingress-nginx's snippet annotations, rated Critical: raw NGINX configuration.
pub const NGINX_SNIPPETS: &[&str] = &[
    "configuration-snippet",
    "server-snippet",
    "auth-snippet",
    "stream-snippet",
    "modsecurity-snippet",
];

/// Whether an annotation injects raw proxy configuration: ingress-nginx's snippets, the HAProxy
/// controllers' config snippets (`haproxy.org/backend-config-snippet`, haproxy-ingress's
/// `config-backend`, ...).
pub fn is_snippet(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    match family_of(key) {
        Some(Family::IngressNginx) => NGINX_SNIPPETS.contains(&name),
        Some(Family::Haproxy) => {
            name.ends_with("config-snippet")
                || matches!(
                    name,
                    "config-backend"
                        | "config-frontend"
                        | "config-defaults"
                        | "config-global"
                        | "config-tcp"
                )
        }
        _ => key.starts_with("ingress.kubernetes.io/") && name.ends_with("config-snippet"),
    }
}

/// The deprecated class annotation.
pub const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// The family an annotation key belongs to; `None` for controller-neutral keys (cert-manager, ...).
pub fn family_of(key: &str) -> Option<Family> {
    PREFIXES
        .iter()
        .find(|(p, _)| key.starts_with(p))
        .map(|(_, f)| *f)
}

/// The families whose annotations a class's controller reads, the first being its own; `None`
/// when the class is unknown.
pub fn families_for_class(class: &str) -> Option<&'static [Family]> {
    let c = class.to_ascii_lowercase();
    Some(match c.as_str() {
        "alb" => &[Family::Alb],
        AKS_APP_ROUTING_CLASS => &[Family::IngressNginx, Family::AksAppRouting],
        "azure-application-gateway" | "azure/application-gateway" => &[Family::Agic],
        AGC_CLASS => &[Family::Agc],
        c if c.contains("traefik") => &[Family::Traefik],
        c if c.contains("haproxy") => &[Family::Haproxy],
        c if c.contains("nginx") => &[Family::IngressNginx, Family::F5Nginx],
        _ => return None,
    })
}

/// The AKS application routing add-on's IngressClass.
pub const AKS_APP_ROUTING_CLASS: &str = "webapprouting.kubernetes.azure.com";
/// Application Gateway for Containers' IngressClass.
pub const AGC_CLASS: &str = "azure-alb-external";
/// AKS application routing's GatewayClass (its Gateway API, on Istio).
pub const AKS_GATEWAY_CLASS: &str = "approuting-istio";
/// The annotation naming an AGC IngressExtension.
pub const AGC_EXTENSION: &str = "alb.networking.azure.io/alb-ingress-extension";
/// The ALB certificate annotation.
pub const ALB_CERTIFICATE: &str = "alb.ingress.kubernetes.io/certificate-arn";
/// ingress-nginx's allow list of client ranges.
const NGINX_ALLOW_LIST: &str = "nginx.ingress.kubernetes.io/whitelist-source-range";
/// The clients the ALB's own security group admits (ignored when `security-groups` is given).
pub const ALB_INBOUND_CIDRS: &str = "alb.ingress.kubernetes.io/inbound-cidrs";
pub(crate) const ALB_SECURITY_GROUPS: &str = "alb.ingress.kubernetes.io/security-groups";
/// The application routing add-on's Key Vault certificate annotation (and listener option).
pub const AKS_KEYVAULT: &str = "kubernetes.azure.com/tls-cert-keyvault-uri";

/// The class the controller will see: `className`, else the deprecated annotation.
pub fn effective_class<'a>(
    class: Option<&'a str>,
    annotations: &'a BTreeMap<String, Option<String>>,
) -> Option<&'a str> {
    class.filter(|c| !c.is_empty()).or_else(|| {
        annotations
            .get(CLASS_ANNOTATION)
            .and_then(|v| v.as_deref())
            .filter(|c| !c.is_empty())
    })
}

/// The controllers a bring-your-own target renders for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Controller {
    IngressNginx,
    Alb,
    AksAppRouting,
    Agc,
    Haproxy,
    Traefik,
    GatewayApi,
    HaproxyCfg,
    /// The Istio ingress gateway (Istio's own Gateway and VirtualService API).
    Istio,
}

impl Controller {
    /// How messages name the output rendered for it (the `--target` name).
    pub fn output_name(self) -> &'static str {
        match self {
            Controller::IngressNginx => "nginx",
            Controller::Alb => "alb",
            Controller::AksAppRouting => "aks",
            Controller::Agc => "aks-agc",
            Controller::Haproxy => "haproxy",
            Controller::Traefik => "traefik",
            Controller::GatewayApi => "gateway-api",
            Controller::HaproxyCfg => "haproxy-cfg",
            Controller::Istio => "istio",
        }
    }

    /// Whether the output is an Ingress whose annotations the controller reads.
    pub fn ingress_api(self) -> bool {
        matches!(
            self,
            Controller::IngressNginx
                | Controller::Alb
                | Controller::AksAppRouting
                | Controller::Agc
                | Controller::Haproxy
        )
    }

    /// Whether the controller takes certificates from `kubernetes.io/tls` Secrets that the output
    /// names (the ALB takes ACM certificates; haproxy.cfg a PEM file).
    pub fn uses_tls_secrets(self) -> bool {
        !matches!(self, Controller::Alb | Controller::HaproxyCfg)
    }
}

/// `--alb-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, strum::VariantArray)]
pub enum AlbScheme {
    /// AWS's default.
    #[default]
    Internal,
    InternetFacing,
}

impl AlbScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            AlbScheme::Internal => "internal",
            AlbScheme::InternetFacing => "internet-facing",
        }
    }
}

/// What a target is told on the command line, as plain data (each target reads its own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The TLS Secret for the host of an `https` `global.airbyteUrl` when the values have no TLS.
    pub tls_secret: Option<String>,
    pub alb_scheme: Option<AlbScheme>,
    /// The ACM certificate ARN(s), comma-separated.
    pub alb_certificate_arn: Option<String>,
    /// The versionless Key Vault certificate URI (`aks`, `gateway-api` with `approuting-istio`).
    pub aks_keyvault_cert_uri: Option<String>,
    /// The service account that reads the Key Vault certificate (`gateway-api`).
    pub aks_keyvault_service_account: Option<String>,
    /// The managed Application Gateway for Containers' name and namespace.
    pub agc_alb_name: Option<String>,
    pub agc_alb_namespace: Option<String>,
    /// The ARM id of an Application Gateway for Containers of your own.
    pub agc_alb_id: Option<String>,
    /// A Traefik certificate resolver instead of TLS Secrets.
    pub traefik_cert_resolver: Option<String>,
    /// Render a Gateway of this class.
    pub gateway_class: Option<String>,
    /// Attach to this existing Gateway instead.
    pub gateway_name: Option<String>,
    /// The Gateway's namespace (default: the release namespace).
    pub gateway_namespace: Option<String>,
    /// The listener of the existing Gateway to attach to.
    pub gateway_section: Option<String>,
    /// haproxy.cfg: the PEM (certificate and key) for the HTTPS frontend.
    pub haproxy_cert: Option<String>,
    /// haproxy.cfg: the Airbyte servers, `HOST:PORT`.
    pub upstreams: Vec<String>,
    /// haproxy.cfg: where the HTTP and HTTPS frontends listen.
    pub http_bind: Option<String>,
    pub https_bind: Option<String>,
    /// haproxy.cfg: cookie persistence to one server.
    pub sticky: bool,
    /// istio: the ingress gateway pods' labels, `KEY=VALUE[,KEY=VALUE]`.
    pub istio_selector: Option<String>,
    /// istio: the ingress gateway's namespace (its Gateway and TLS Secrets live there).
    pub istio_gateway_namespace: Option<String>,
    /// istio: bind to this existing Gateway, `NAMESPACE/NAME`, instead of rendering one.
    pub istio_gateway: Option<String>,
    /// `render -m`: the request timeout the input asked for, when above Airbyte's.
    pub request_timeout_s: Option<u64>,
    /// `render -m`: the body size the input asked for, in MiB, when above Airbyte's.
    pub body_mib: Option<u64>,
}

/// An annotation of another controller, left out of a target's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub key: String,
    /// `None` for controller-neutral annotations that a CRD target cannot carry.
    pub family: Option<Family>,
    /// This target's way to do the same, when there is one.
    pub equivalent: Option<Equivalent>,
}

/// What a target does instead of an annotation it leaves out, decided where the target's own
/// settings are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Equivalent {
    /// The output does the same itself (an object it renders, an annotation it sets).
    Carried(String),
    /// Nothing is needed: the target has no such limit or mechanism.
    NotNeeded(String),
    /// What the user can do to get the same.
    Advice(String),
}

/// As messages word it: what is not needed reads `none: why`.
impl std::fmt::Display for Equivalent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Equivalent::NotNeeded(why) => write!(f, "none: {why}"),
            other => f.write_str(other.text()),
        }
    }
}

impl Equivalent {
    pub fn text(&self) -> &str {
        match self {
            Equivalent::Carried(t) | Equivalent::NotNeeded(t) | Equivalent::Advice(t) => t,
        }
    }
}

/// What a bring-your-own target makes of the values: its class, its annotations (its own under
/// the user's), and what it left out. Rules judge it; targets render it.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub controller: Controller,
    pub class: String,
    pub annotations: BTreeMap<String, String>,
    pub dropped: Vec<Dropped>,
    /// The values' allow list, when the output's own objects carry it (the targets whose
    /// objects hold no annotations: [`access::allow_list_carrier`] says how); the Ingress
    /// targets carry theirs in `annotations`.
    pub allow_list: Option<Vec<String>>,
}

/// What [`effective`] reads of the values.
#[derive(Clone, Copy, Debug)]
pub struct Given<'a> {
    pub class: Option<&'a str>,
    pub annotations: &'a BTreeMap<String, Option<String>>,
    /// Whether the output serves TLS.
    pub tls: bool,
    /// The object name (the chart's full name).
    pub name: &'a str,
    /// The hosts the output serves.
    pub hosts: &'a [String],
}

/// The class, annotations and left-out annotations of `controller`'s output: the target's
/// settings for Airbyte first, the values' annotations of the families it reads over them.
pub fn effective(
    controller: Controller,
    given: Given<'_>,
    settings: &Settings,
    intent: &Intent,
) -> Effective {
    // the values' allow list, read once for every target that carries it
    let allow = allow_list(given.annotations);
    let nginx = |tls: bool| -> Vec<(&'static str, String)> {
        let mut d = vec![
            (
                "nginx.ingress.kubernetes.io/proxy-body-size",
                intent.body_size(),
            ),
            (
                "nginx.ingress.kubernetes.io/proxy-connect-timeout",
                intent.connect_timeout_s.to_string(),
            ),
            (
                "nginx.ingress.kubernetes.io/proxy-read-timeout",
                intent.request_timeout_s.to_string(),
            ),
            (
                "nginx.ingress.kubernetes.io/proxy-send-timeout",
                intent.request_timeout_s.to_string(),
            ),
            ("nginx.ingress.kubernetes.io/ssl-redirect", tls.to_string()),
        ];
        // another controller's allow list as ingress-nginx's, unless the values give one of its
        // own (the user's wins in the merge, and `allow_list` holds every list to the same ranges;
        // a deny list is no allow list)
        let own = given.annotations.iter().any(|(k, v)| {
            family_of(k) == Some(Family::IngressNginx)
                && access_control(k, v.as_deref().unwrap_or_default()) == Some(Access::AllowList)
        });
        if let Some(ranges) = allow.as_ref().filter(|_| !own) {
            d.push((NGINX_ALLOW_LIST, ranges.join(",")));
        }
        d
    };
    let carrying_none = |carrier: Carrier, class: String| {
        let carried = allow_list_carrier(controller, settings, given.hosts)
            .and_then(|how| Some((how, allow.clone()?)));
        Effective {
            controller,
            class,
            annotations: BTreeMap::new(),
            dropped: drop_all(
                carrier,
                given.annotations,
                intent,
                carried.as_ref().map(|c| c.0),
            ),
            allow_list: carried.map(|c| c.1),
        }
    };
    let (class, reads, defaults): (String, &[Family], Vec<(&str, String)>) = match controller {
        Controller::IngressNginx => (
            class_for(given.class, Family::IngressNginx, "nginx"),
            &[Family::IngressNginx],
            nginx(given.tls),
        ),
        Controller::AksAppRouting => {
            let keyvault = settings.aks_keyvault_cert_uri.as_ref();
            let mut d = nginx(given.tls || keyvault.is_some());
            if let Some(uri) = keyvault {
                d.push((AKS_KEYVAULT, uri.clone()));
            }
            (
                AKS_APP_ROUTING_CLASS.into(),
                &[Family::IngressNginx, Family::AksAppRouting],
                d,
            )
        }
        Controller::Alb => {
            let mut d = vec![
                (
                    "alb.ingress.kubernetes.io/scheme",
                    settings.alb_scheme.unwrap_or_default().as_str().to_string(),
                ),
                // the server Service is ClusterIP: `instance` targets would register nothing
                ("alb.ingress.kubernetes.io/target-type", "ip".into()),
                (
                    "alb.ingress.kubernetes.io/healthcheck-path",
                    intent.health_path.into(),
                ),
                ("alb.ingress.kubernetes.io/success-codes", "200".into()),
                (
                    "alb.ingress.kubernetes.io/load-balancer-attributes",
                    format!("idle_timeout.timeout_seconds={}", intent.alb_idle_s),
                ),
            ];
            if let Some(arn) = &settings.alb_certificate_arn {
                d.push((ALB_CERTIFICATE, arn.clone()));
            }
            // another controller's allow list as the ALB's security group rules, unless given
            // security groups replace those (the ALB then ignores `inbound-cidrs`)
            if !given.annotations.contains_key(ALB_SECURITY_GROUPS)
                && let Some(ranges) = &allow
            {
                let cidrs: Vec<String> = ranges.iter().map(|r| as_cidr(r)).collect();
                d.push((ALB_INBOUND_CIDRS, cidrs.join(",")));
            }
            (
                class_for(given.class, Family::Alb, "alb"),
                &[Family::Alb],
                d,
            )
        }
        Controller::Agc => {
            let mut d = vec![(AGC_EXTENSION, given.name.to_string())];
            let named = [
                ("alb.networking.azure.io/alb-name", &settings.agc_alb_name),
                (
                    "alb.networking.azure.io/alb-namespace",
                    &settings.agc_alb_namespace,
                ),
                ("alb.networking.azure.io/alb-id", &settings.agc_alb_id),
            ];
            for (key, value) in named {
                if let Some(v) = value {
                    d.push((key, v.clone()));
                }
            }
            (AGC_CLASS.into(), &[Family::Agc], d)
        }
        Controller::Haproxy => {
            let mut d = vec![
                ("haproxy.org/timeout-server", intent.request_timeout()),
                ("haproxy.org/check", "true".into()),
                ("haproxy.org/check-http", intent.health_path.into()),
                ("haproxy.org/forwarded-for", "true".into()),
            ];
            if given.tls {
                d.push(("haproxy.org/ssl-redirect", "true".into()));
            }
            (
                class_for(given.class, Family::Haproxy, "haproxy"),
                &[Family::Haproxy],
                d,
            )
        }
        // outputs whose objects carry no annotations: every one of the values' is left out, with
        // the output's own way of doing the same
        Controller::Traefik => return carrying_none(Carrier::Traefik, "traefik".into()),
        Controller::Istio => return carrying_none(Carrier::Istio, "istio".into()),
        Controller::GatewayApi => {
            let class = settings
                .gateway_class
                .clone()
                .unwrap_or_else(|| "gateway".into());
            let implementation = if settings.gateway_name.is_some() {
                GatewayImpl::Other
            } else {
                gateway_impl(&class)
            };
            return carrying_none(Carrier::GatewayApi(implementation), class);
        }
        Controller::HaproxyCfg => {
            return carrying_none(Carrier::HaproxyCfg, "haproxy.cfg".into());
        }
    };
    let mut defaults = defaults;
    let certificate = defaults.iter().any(|(k, _)| *k == ALB_CERTIFICATE)
        || given
            .annotations
            .get(ALB_CERTIFICATE)
            .is_some_and(Option::is_some);
    if controller == Controller::Alb && (certificate || given.tls) {
        // a certificate (given, or discovered from the TLS hosts) means HTTPS: both ports and the
        // redirect, among the target's own (the user's values still win in the merge)
        defaults.push((
            "alb.ingress.kubernetes.io/listen-ports",
            r#"[{"HTTP": 80}, {"HTTPS": 443}]"#.into(),
        ));
        defaults.push(("alb.ingress.kubernetes.io/ssl-redirect", "443".into()));
    }
    let (annotations, dropped) = merge(given.annotations, reads, &defaults, intent);
    Effective {
        controller,
        class,
        annotations,
        dropped,
        allow_list: None,
    }
}

/// The values' class when it is one of this controller's, else the target's own.
fn class_for(class: Option<&str>, family: Family, default: &str) -> String {
    match class {
        Some(c) if families_for_class(c).is_some_and(|f| f[0] == family) => c.to_string(),
        _ => default.to_string(),
    }
}

/// The target's defaults first, then the user's annotations of the families it reads and
/// controller-neutral ones; others are dropped with this target's equivalent.
fn merge(
    given: &BTreeMap<String, Option<String>>,
    reads: &[Family],
    defaults: &[(&str, String)],
    intent: &Intent,
) -> (BTreeMap<String, String>, Vec<Dropped>) {
    let mut map: BTreeMap<String, String> = defaults
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut dropped = Vec::new();
    for (key, value) in given {
        let Some(value) = value else { continue };
        if key == CLASS_ANNOTATION {
            // the class goes in spec.ingressClassName; the deprecated annotation would contradict it
            continue;
        }
        match family_of(key) {
            Some(f) if !reads.contains(&f) => dropped.push(Dropped {
                key: key.clone(),
                family: Some(f),
                equivalent: equivalent(key, reads[0], intent, &|k| {
                    defaults.iter().any(|(d, _)| *d == k)
                }),
            }),
            _ => {
                map.insert(key.clone(), value.clone());
            }
        }
    }
    (map, dropped)
}

/// The outputs whose objects carry no annotations (IngressRoute, HTTPRoute, VirtualService,
/// haproxy.cfg).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Carrier {
    Traefik,
    GatewayApi(GatewayImpl),
    HaproxyCfg,
    Istio,
}

/// The Gateway API implementation a GatewayClass name stands for, where it matters: what
/// Gateway API has no field for (a body limit, a stream idle timeout) lives in its own policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayImpl {
    /// NGINX Gateway Fabric (its GatewayClass `nginx`): NGINX's 1m body limit unless a
    /// ClientSettingsPolicy raises it.
    NginxGatewayFabric,
    /// Envoy Gateway (`eg` in its docs, or `envoy-gateway`): no body limit for streamed requests;
    /// a 5-minute stream idle timeout unless a ClientTrafficPolicy raises it.
    EnvoyGateway,
    /// Istio (`istio`, AKS application routing's `approuting-istio`): no body limit.
    Istio,
    /// Any other implementation, or a Gateway this tool does not render.
    Other,
}

/// A duration as NGINX Gateway Fabric's policies take it (`^[0-9]{1,4}(ms|s|m|h)?$`): seconds up
/// to 9999, else whole minutes (rounded up), else hours.
pub fn nginx_duration(secs: u64) -> String {
    if secs <= 9999 {
        format!("{secs}s")
    } else if secs.div_ceil(60) <= 9999 {
        format!("{}m", secs.div_ceil(60))
    } else {
        format!("{}h", secs.div_ceil(3600).min(9999))
    }
}

/// The implementation of a GatewayClass, by the names its projects install it under.
pub fn gateway_impl(class: &str) -> GatewayImpl {
    match class {
        "nginx" | "nginx-gateway-fabric" => GatewayImpl::NginxGatewayFabric,
        "eg" | "envoy-gateway" | "envoy" => GatewayImpl::EnvoyGateway,
        "istio" | "approuting-istio" => GatewayImpl::Istio,
        _ => GatewayImpl::Other,
    }
}

/// Every annotation of the values, for outputs whose objects carry none; each with the output's
/// way to do the same where one exists (`carries_allow`: how it carries the values' allow list,
/// when it does).
fn drop_all(
    carrier: Carrier,
    given: &BTreeMap<String, Option<String>>,
    intent: &Intent,
    carries_allow: Option<&'static str>,
) -> Vec<Dropped> {
    let request = intent.request_timeout();
    let (timeout, redirect, issuer) = match carrier {
        Carrier::Traefik => (
            format!(
                "the ServersTransport's `responseHeaderTimeout: {request}`, which this target renders"
            ),
            "the redirect Middleware this target renders with TLS",
            "a cert-manager Certificate for the TLS Secret, or `--traefik-cert-resolver`",
        ),
        Carrier::GatewayApi(GatewayImpl::NginxGatewayFabric) => (
            format!(
                "the ProxySettingsPolicy's `timeout.read`/`timeout.send: {}`, which this target renders (NGINX Gateway Fabric ignores HTTPRoute `timeouts`)",
                nginx_duration(intent.request_timeout_s)
            ),
            "the redirect HTTPRoute this target renders with TLS",
            "cert-manager's Gateway API support (`cert-manager.io/cluster-issuer` on the Gateway)",
        ),
        Carrier::GatewayApi(_) => (
            format!("the HTTPRoute's `timeouts.request: {request}`, which this target renders"),
            "the redirect HTTPRoute this target renders with TLS",
            "cert-manager's Gateway API support (`cert-manager.io/cluster-issuer` on the Gateway)",
        ),
        Carrier::Istio => (
            format!("the VirtualService's `timeout: {request}`, which this target renders"),
            "the Gateway's `httpsRedirect`, which this target renders with TLS",
            "a cert-manager Certificate in the ingress gateway's namespace, for the `credentialName` Secret",
        ),
        Carrier::HaproxyCfg => (
            format!("the `timeout server {request}` this config sets"),
            "the HTTP-to-HTTPS redirect this config renders with `--haproxy-cert`",
            "a certificate in the PEM given with `--haproxy-cert`",
        ),
    };
    given
        .iter()
        .filter(|(k, v)| v.is_some() && k.as_str() != CLASS_ANNOTATION)
        .map(|(k, v)| {
            let none = |why: &str| Some(Equivalent::NotNeeded(why.to_string()));
            let name = k.rsplit('/').next().unwrap_or(k);
            let allows = carries_allow.is_some()
                && access_control(k, v.as_deref().unwrap_or_default()) == Some(Access::AllowList);
            let equivalent = match name {
                _ if allows => carries_allow.map(|how| Equivalent::Carried(how.to_string())),
                "proxy-read-timeout"
                | "proxy-send-timeout"
                | "timeout-server"
                | "request-timeout"
                | "load-balancer-attributes" => Some(Equivalent::Carried(timeout.clone())),
                "ssl-redirect" | "force-ssl-redirect" => {
                    Some(Equivalent::Carried(redirect.to_string()))
                }
                "cluster-issuer" | "issuer" => Some(Equivalent::Advice(issuer.to_string())),
                "proxy-body-size" => match carrier {
                    Carrier::Istio | Carrier::GatewayApi(GatewayImpl::Istio) => {
                        none("the Istio ingress gateway streams request bodies without a size limit")
                    }
                    Carrier::GatewayApi(GatewayImpl::EnvoyGateway) => {
                        none("Envoy Gateway streams request bodies without a size limit")
                    }
                    Carrier::GatewayApi(GatewayImpl::NginxGatewayFabric) => {
                        Some(Equivalent::Carried(format!(
                            "the ClientSettingsPolicy's `body.maxSize: {}`, which this target renders",
                            intent.body_size()
                        )))
                    }
                    Carrier::Traefik => {
                        none("Traefik sets no request body limit unless a Buffering middleware does")
                    }
                    Carrier::HaproxyCfg => none("HAProxy sets no request body limit"),
                    Carrier::GatewayApi(GatewayImpl::Other) => None,
                },
                _ => alb_only(k),
            };
            Dropped {
                key: k.clone(),
                family: family_of(k),
                equivalent,
            }
        })
        .collect()
}

/// What the ALB needs and other controllers have no use for: its way to reach pods, its
/// listeners, its own health check.
fn alb_only(key: &str) -> Option<Equivalent> {
    let name = key.strip_prefix("alb.ingress.kubernetes.io/")?;
    let why = match name {
        "target-type" => "the target's controller sends requests to the Service's pods itself",
        "listen-ports" => "the output's own listeners serve HTTP, and HTTPS with TLS",
        "healthcheck-path"
        | "healthcheck-port"
        | "healthcheck-protocol"
        | "healthcheck-interval-seconds"
        | "healthcheck-timeout-seconds"
        | "healthy-threshold-count"
        | "unhealthy-threshold-count"
        | "success-codes" => {
            "the target's controller follows the pods' readiness, and Airbyte's server is probed on `/api/v1/health`"
        }
        _ => return None,
    };
    Some(Equivalent::NotNeeded(why.to_string()))
}

/// This family's way of doing what an annotation of another family did, where one exists; `sets`
/// says which annotations the target writes itself, so that naming one of them is carrying it.
pub fn equivalent(
    key: &str,
    family: Family,
    intent: &Intent,
    sets: &dyn Fn(&str) -> bool,
) -> Option<Equivalent> {
    let own = equivalent_of(key, family, intent, sets);
    if own.is_none() && family != Family::Alb {
        return alb_only(key);
    }
    own
}

fn equivalent_of(
    key: &str,
    family: Family,
    intent: &Intent,
    sets: &dyn Fn(&str) -> bool,
) -> Option<Equivalent> {
    let name = key.rsplit('/').next().unwrap_or(key);
    let secs = intent.request_timeout_s;
    let request = intent.request_timeout();
    // an annotation of the target's: carried when the target writes it, else advice
    let annotation = |key: &str, text: String| {
        Some(if sets(key) {
            Equivalent::Carried(text)
        } else {
            Equivalent::Advice(text)
        })
    };
    let none = |why: &str| Some(Equivalent::NotNeeded(why.to_string()));
    let advice = |text: &str| Some(Equivalent::Advice(text.to_string()));
    const ALB_ATTRS: &str = "alb.ingress.kubernetes.io/load-balancer-attributes";
    const HAPROXY_TIMEOUT: &str = "haproxy.org/timeout-server";
    const NGINX_READ: &str = "nginx.ingress.kubernetes.io/proxy-read-timeout";
    match (family, name) {
        (
            Family::Alb,
            "proxy-read-timeout" | "proxy-send-timeout" | "timeout-server" | "request-timeout",
        ) => annotation(
            ALB_ATTRS,
            format!(
                "`{ALB_ATTRS}: idle_timeout.timeout_seconds={}`",
                intent.alb_idle_s
            ),
        ),
        (Family::Haproxy, "proxy-read-timeout" | "proxy-send-timeout" | "request-timeout") => {
            annotation(HAPROXY_TIMEOUT, format!("`{HAPROXY_TIMEOUT}: {request}`"))
        }
        (Family::IngressNginx, "timeout-server" | "request-timeout") => annotation(
            NGINX_READ,
            format!("`{NGINX_READ}: \"{secs}\"` and `proxy-send-timeout`"),
        ),
        (Family::IngressNginx, "ssl-redirect") => annotation(
            "nginx.ingress.kubernetes.io/ssl-redirect",
            "`nginx.ingress.kubernetes.io/ssl-redirect`".into(),
        ),
        (Family::Alb, "ssl-redirect") => annotation(
            "alb.ingress.kubernetes.io/ssl-redirect",
            "`alb.ingress.kubernetes.io/ssl-redirect: \"443\"`".into(),
        ),
        (Family::IngressNginx, "inbound-cidrs" | "allowlist-source-range" | "allow-list") => {
            annotation(NGINX_ALLOW_LIST, format!("`{NGINX_ALLOW_LIST}`"))
        }
        (Family::Alb, "whitelist-source-range" | "allowlist-source-range" | "allow-list") => {
            annotation(
                ALB_INBOUND_CIDRS,
                format!(
                    "`{ALB_INBOUND_CIDRS}` (the load balancer's security group admits only those ranges)"
                ),
            )
        }
        // neither has a request body limit (their docs list no body-size setting)
        (Family::Alb, "proxy-body-size") => none("the ALB sets no request body limit"),
        (Family::Agc, "proxy-body-size") => {
            none("Application Gateway for Containers sets no request body limit")
        }
        (Family::Agic, "proxy-read-timeout" | "proxy-send-timeout" | "timeout-server") => {
            annotation(
                "appgw.ingress.kubernetes.io/request-timeout",
                format!("`appgw.ingress.kubernetes.io/request-timeout: \"{secs}\"`"),
            )
        }
        (
            Family::Agc,
            "proxy-read-timeout"
            | "proxy-send-timeout"
            | "timeout-server"
            | "request-timeout"
            | "load-balancer-attributes",
        ) => Some(Equivalent::Carried(format!(
            "the IngressExtension's `requestTimeout: {request}`, which this target renders"
        ))),
        (Family::IngressNginx, "load-balancer-attributes") => annotation(
            NGINX_READ,
            format!("`{NGINX_READ}: \"{secs}\"` for the idle timeout"),
        ),
        (Family::Haproxy, "load-balancer-attributes") => annotation(
            HAPROXY_TIMEOUT,
            format!("`{HAPROXY_TIMEOUT}: {request}` for the idle timeout"),
        ),
        (
            Family::IngressNginx | Family::Haproxy | Family::Agc,
            "certificate-arn" | "tls-cert-keyvault-uri",
        ) => advice("`ingress.tls` with a `kubernetes.io/tls` Secret (e.g. from cert-manager)"),
        (Family::Alb, "tls-cert-keyvault-uri") => advice("`--alb-certificate-arn`"),
        (Family::Alb, "check-http") | (Family::Haproxy, "healthcheck-path") => {
            Some(Equivalent::Carried(format!(
                "the health check this target sets on `{}`",
                intent.health_path
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airbyte::INTENT;

    #[test]
    fn nginx_gateway_fabric_durations_fit_its_pattern() {
        // `^[0-9]{1,4}(ms|s|m|h)?$`, rounding up so the timeout is never shorter than asked
        assert_eq!(nginx_duration(600), "600s");
        assert_eq!(nginx_duration(9999), "9999s");
        assert_eq!(nginx_duration(10_000), "167m");
        assert_eq!(nginx_duration(86_400), "1440m");
        assert_eq!(nginx_duration(10_000 * 60), "167h");
        assert_eq!(nginx_duration(u64::MAX), "9999h");
    }

    #[test]
    fn families() {
        assert_eq!(
            family_of("nginx.ingress.kubernetes.io/proxy-body-size"),
            Some(Family::IngressNginx)
        );
        assert_eq!(family_of("cert-manager.io/cluster-issuer"), None);
        assert_eq!(
            families_for_class("nginx-internal").map(|f| f[0]),
            Some(Family::IngressNginx)
        );
        assert_eq!(families_for_class("alb"), Some(&[Family::Alb][..]));
        assert_eq!(families_for_class("my-own"), None);
    }

    /// Annotations as the values give them (`None`: a null value).
    pub(super) fn annotations(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn the_target_s_settings_come_from_the_intent_and_the_user_s_win() {
        let given = annotations(&[
            (
                "nginx.ingress.kubernetes.io/proxy-read-timeout",
                Some("900"),
            ),
            ("alb.ingress.kubernetes.io/scheme", Some("internet-facing")),
            ("cert-manager.io/cluster-issuer", Some("le")),
            ("nginx.ingress.kubernetes.io/ssl-redirect", None),
        ]);
        let g = Given {
            class: Some("nginx-internal"),
            annotations: &given,
            tls: true,
            name: "airbyte",
            hosts: &[],
        };
        let e = effective(Controller::IngressNginx, g, &Settings::default(), &INTENT);
        assert_eq!(e.class, "nginx-internal");
        let get = |k: &str| e.annotations.get(k).map(String::as_str);
        assert_eq!(
            get("nginx.ingress.kubernetes.io/proxy-read-timeout"),
            Some("900")
        );
        assert_eq!(
            get("nginx.ingress.kubernetes.io/proxy-send-timeout"),
            Some("600")
        );
        assert_eq!(
            get("nginx.ingress.kubernetes.io/proxy-body-size"),
            Some("16m")
        );
        assert_eq!(
            get("nginx.ingress.kubernetes.io/ssl-redirect"),
            Some("true")
        );
        assert_eq!(get("cert-manager.io/cluster-issuer"), Some("le"));
        assert_eq!(e.dropped.len(), 1);
        assert_eq!(e.dropped[0].key, "alb.ingress.kubernetes.io/scheme");

        let e = effective(Controller::Alb, g, &Settings::default(), &INTENT);
        assert_eq!(e.class, "alb");
        let get = |k: &str| e.annotations.get(k).map(String::as_str);
        assert_eq!(
            get("alb.ingress.kubernetes.io/scheme"),
            Some("internet-facing")
        );
        assert_eq!(get("alb.ingress.kubernetes.io/target-type"), Some("ip"));
        assert_eq!(
            get("alb.ingress.kubernetes.io/load-balancer-attributes"),
            Some("idle_timeout.timeout_seconds=240")
        );
        assert_eq!(get("alb.ingress.kubernetes.io/ssl-redirect"), Some("443"));
        assert_eq!(
            e.dropped[0].equivalent.as_ref().map(Equivalent::text),
            Some(
                "`alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240`"
            )
        );
        // the ALB output sets that annotation itself: carried, not advice
        assert!(
            matches!(e.dropped[0].equivalent, Some(Equivalent::Carried(_))),
            "{:?}",
            e.dropped
        );

        let e = effective(Controller::Traefik, g, &Settings::default(), &INTENT);
        assert!(e.annotations.is_empty());
        assert_eq!(e.dropped.len(), 3, "every non-null annotation is dropped");
    }
}
