//! What a live Airbyte and its proxy answer, read: the health answer, the instance configuration
//! (field names from Airbyte's API definition, `airbyte-api/server-api/src/main/openapi/config.yaml`:
//! `HealthCheckRead`, `InstanceConfigurationResponse`, `AuthConfiguration`), the proxy an answer
//! came from, a redirect's target, a certificate's names and expiry. Pure functions over bytes:
//! any input gives a value or an error, never a panic (fuzzed).

use serde::Deserialize;

/// The most JSON this reads: Airbyte's answers are a few hundred bytes.
pub const MAX_JSON: usize = 256 * 1024;

/// Why an answer is not what Airbyte sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

fn json<'a, T: Deserialize<'a>>(body: &'a [u8], what: &str) -> Result<T, Invalid> {
    if body.len() > MAX_JSON {
        return Err(Invalid(format!(
            "{what}: the answer is {} bytes, more than the {MAX_JSON} this reads",
            body.len()
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        let start: String = String::from_utf8_lossy(&body[..body.len().min(80)])
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        Invalid(format!(
            "{what}: not the JSON Airbyte sends ({e}); it starts `{start}`"
        ))
    })
}

/// `GET /api/v1/health`: `HealthCheckRead`, `{"available": true}`.
pub fn health(body: &[u8]) -> Result<bool, Invalid> {
    #[derive(Deserialize)]
    struct HealthCheckRead {
        available: bool,
    }
    json::<HealthCheckRead>(body, "the health answer").map(|h| h.available)
}

/// `GET /api/v1/instance_configuration`, the fields this tool reads.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    /// `AIRBYTE_URL`, or the literal `airbyte-url-not-configured`.
    pub airbyte_url: String,
    /// `community`, `pro`, `enterprise`, `trial`.
    #[serde(default)]
    pub edition: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub initial_setup_complete: Option<bool>,
    pub auth: Auth,
}

/// `AuthConfiguration`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    /// `none`, `simple`, `oidc`.
    pub mode: String,
    #[serde(default)]
    pub default_realm: Option<String>,
    /// For Keycloak: `<airbyteUrl>/auth/realms/<realm>`.
    #[serde(default)]
    pub authorization_server_url: Option<String>,
}

/// What Airbyte reports when `AIRBYTE_URL` is blank.
pub const URL_NOT_CONFIGURED: &str = "airbyte-url-not-configured";

pub fn instance(body: &[u8]) -> Result<Instance, Invalid> {
    json(body, "the instance configuration")
}

/// An OpenID provider's configuration: its `issuer`.
pub fn openid_issuer(body: &[u8]) -> Result<String, Invalid> {
    #[derive(Deserialize)]
    struct Discovery {
        issuer: String,
    }
    json::<Discovery>(body, "the OpenID configuration").map(|d| d.issuer)
}

/// The proxies an answer can say it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proxy {
    Nginx,
    Traefik,
    Envoy,
    Haproxy,
    AwsAlb,
    AzureAgc,
    Unknown,
}

impl Proxy {
    pub fn name(self) -> &'static str {
        match self {
            Proxy::Nginx => "NGINX (ingress-nginx, NGINX Gateway Fabric or NGINX itself)",
            Proxy::Traefik => "Traefik",
            Proxy::Envoy => "Envoy (Istio, Envoy Gateway, Contour)",
            Proxy::Haproxy => "HAProxy",
            Proxy::AwsAlb => "the AWS Application Load Balancer",
            Proxy::AzureAgc => "Azure Application Gateway for Containers",
            Proxy::Unknown => "a proxy this tool does not recognise",
        }
    }

    /// Where that proxy's request body limit is set, for a 413.
    pub fn body_fix(self) -> &'static str {
        match self {
            Proxy::Nginx => {
                "ingress-nginx: `nginx.ingress.kubernetes.io/proxy-body-size: 16m` on the Ingress (or `proxy-body-size` in its ConfigMap); NGINX Gateway Fabric: a ClientSettingsPolicy with `body.maxSize: 16m`; NGINX itself: `client_max_body_size 16m;`"
            }
            Proxy::Traefik => {
                "a Buffering middleware's `maxRequestBodyBytes` is below it: raise it or remove the middleware from the route"
            }
            Proxy::Envoy => {
                "a buffer filter or policy limits request bodies (Envoy Gateway: BackendTrafficPolicy `requestBuffer.limit`; Istio: an EnvoyFilter): raise it"
            }
            Proxy::Haproxy => {
                "HAProxy sets no body limit by default: look for `http-request deny if { req.body_size gt ... }` or `tune.bufsize` with `option http-buffer-request`"
            }
            Proxy::AwsAlb => {
                "the ALB sets no body limit; a WAF in front of it inspects and may block large bodies: raise its size constraint"
            }
            Proxy::AzureAgc => {
                "Application Gateway for Containers: a WAF policy's request body limit: raise it"
            }
            Proxy::Unknown => "raise the request body limit of the proxy in front of Airbyte",
        }
    }
}

/// The proxy an answer came from, from its headers (and, for proxies that add none, its body).
pub fn proxy_of(headers: &[(String, String)], body: &[u8]) -> Proxy {
    let get = |name: &str| {
        headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    let server = get("server").join(" ");
    if headers.iter().any(|(n, _)| n.starts_with("x-envoy-"))
        || server.contains("envoy")
        || server.contains("istio")
    {
        return Proxy::Envoy;
    }
    if server.contains("awselb") {
        return Proxy::AwsAlb;
    }
    if server.contains("microsoft-azure-application-lb") || server.contains("azure") {
        return Proxy::AzureAgc;
    }
    if server.contains("nginx") || server.contains("openresty") {
        return Proxy::Nginx;
    }
    if server.contains("haproxy") {
        return Proxy::Haproxy;
    }
    if server.contains("traefik") {
        return Proxy::Traefik;
    }
    // error pages without a Server header
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    if head.contains("<center>nginx") {
        Proxy::Nginx
    } else if head.contains("haproxy")
        || head.contains("no server is available to handle this request")
        || head.contains("<h1>504 gateway time-out</h1>")
    {
        Proxy::Haproxy
    } else {
        Proxy::Unknown
    }
}

/// The parts of an absolute http(s) URL: lowercase scheme and host, the port (the scheme's
/// default when none is written), and the path without a trailing `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlParts {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    pub path: String,
}

pub fn url_parts(url: &str) -> Option<UrlParts> {
    // the shape is the one the values' URL rules read (no user info: a URL with credentials is
    // refused there too)
    let u = crate::names::parse_url(url)?;
    let scheme = u.scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let port = match u.port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    if u.host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let path = u.rest.split(['?', '#']).next().unwrap_or("");
    Some(UrlParts {
        scheme,
        host: u
            .host
            .to_ascii_lowercase()
            .trim_end_matches('.')
            .to_string(),
        port,
        path: path.trim_end_matches('/').to_string(),
    })
}

/// A certificate's names and end of validity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub not_after: i64,
    pub names: Vec<String>,
    pub issuer: String,
}

/// Reads a DER certificate; `None` when it is not one.
pub fn certificate(der: &[u8]) -> Option<Certificate> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                names.push((*d).to_string());
            }
        }
    }
    if names.is_empty() {
        for cn in cert.subject().iter_common_name() {
            if let Ok(s) = cn.as_str() {
                names.push(s.to_string());
            }
        }
    }
    Some(Certificate {
        not_after: cert.validity().not_after.timestamp(),
        names,
        issuer: cert.issuer().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn airbytes_answers_read() {
        assert_eq!(health(br#"{"available":true}"#), Ok(true));
        assert_eq!(health(br#"{"available":false}"#), Ok(false));
        assert!(health(b"<html>502 Bad Gateway</html>").is_err());
        assert!(health(&vec![b' '; MAX_JSON + 1]).is_err());
        let i = instance(br#"{"airbyteUrl":"https://a.example.com","edition":"community","version":"2.0.1","auth":{"mode":"oidc","defaultRealm":"airbyte","authorizationServerUrl":"https://a.example.com/auth/realms/airbyte"},"initialSetupComplete":true,"defaultUserId":"00000000-0000-0000-0000-000000000000"}"#).unwrap();
        assert_eq!(i.airbyte_url, "https://a.example.com");
        assert_eq!(i.auth.mode, "oidc");
        assert_eq!(
            i.auth.authorization_server_url.as_deref(),
            Some("https://a.example.com/auth/realms/airbyte")
        );
        assert!(instance(br#"{"edition":"community"}"#).is_err());
    }

    #[test]
    fn proxies_by_their_headers() {
        let h = |n: &str, v: &str| vec![(n.to_string(), v.to_string())];
        assert_eq!(proxy_of(&h("server", "nginx/1.22.1"), b""), Proxy::Nginx);
        assert_eq!(proxy_of(&h("server", "awselb/2.0"), b""), Proxy::AwsAlb);
        assert_eq!(proxy_of(&h("server", "istio-envoy"), b""), Proxy::Envoy);
        assert_eq!(
            proxy_of(&h("x-envoy-upstream-service-time", "3"), b""),
            Proxy::Envoy
        );
        assert_eq!(proxy_of(&[], b"<hr><center>nginx</center>"), Proxy::Nginx);
        assert_eq!(proxy_of(&[], b"{}"), Proxy::Unknown);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Any bytes: a value or an error from every reader, never a panic.
        #[test]
        fn any_answer_reads_or_is_refused(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let _ = health(&data);
            let _ = instance(&data);
            let _ = openid_issuer(&data);
            let _ = certificate(&data);
            let text = String::from_utf8_lossy(&data);
            let _ = url_parts(&text);
            let _ = proxy_of(&[("server".into(), text.to_string())], &data);
        }

        /// A URL put together from parts reads back as those parts.
        #[test]
        fn urls_read_back(
            scheme in proptest::sample::select(vec!["http", "https", "HTTPS"]),
            host in "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9]{0,6}){0,2}",
            port in proptest::option::of(1u16..),
            path in proptest::option::of("(/[a-z0-9]{1,6}){1,3}"),
        ) {
            let url = format!(
                "{scheme}://{host}{}{}",
                port.map(|p| format!(":{p}")).unwrap_or_default(),
                path.clone().unwrap_or_default()
            );
            let p = url_parts(&url).expect("a URL");
            let scheme = scheme.to_ascii_lowercase();
            let default = if scheme == "https" { 443 } else { 80 };
            proptest::prop_assert_eq!(p.scheme, scheme);
            proptest::prop_assert_eq!(p.host, host);
            proptest::prop_assert_eq!(p.port, port.unwrap_or(default));
            proptest::prop_assert_eq!(p.path, path.unwrap_or_default());
        }
    }

    #[test]
    fn urls_in_parts() {
        let p = url_parts("HTTPS://Airbyte.Example.com/").unwrap();
        assert_eq!(
            (p.scheme.as_str(), p.host.as_str(), p.port, p.path.as_str()),
            ("https", "airbyte.example.com", 443, "")
        );
        let p = url_parts("http://a.example.com:8000/airbyte/?x").unwrap();
        assert_eq!((p.port, p.path.as_str()), (8000, "/airbyte"));
        assert_eq!(url_parts("http://[::1]:8080").unwrap().host, "[::1]");
        assert!(url_parts("ftp://a").is_none());
        assert!(url_parts("https://").is_none());
        assert!(url_parts("https://a:99999").is_none());
        assert!(url_parts(URL_NOT_CONFIGURED).is_none());
    }
}
