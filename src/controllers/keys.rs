//! Annotations that do not do what their writer meant, per controller: a name the controller does
//! not read (another prefix, a typo, a key of its ConfigMap), a value past what it can apply, a
//! line break in a value, and the ALB health check and protocol settings Airbyte's server cannot
//! pass. Each is a [`Verdict`], judged on the values' annotations and on existing manifests alike.

use super::Family;
use super::floors::{Annotations, Verdict};
use crate::findings::Rule;

/// Every annotation ingress-nginx reads, after `nginx.ingress.kubernetes.io/`: the names its
/// annotation parsers declare (kubernetes/ingress-nginx `internal/ingress/annotations/*`, v1.15.1:
/// every string constant of those packages that is a key of their `parser.AnnotationFields`).
pub const NGINX_ANNOTATIONS: [&str; 138] = [
    "affinity",
    "affinity-canary-behavior",
    "affinity-mode",
    "allowlist-source-range",
    "app-root",
    "auth-always-set-cookie",
    "auth-cache-duration",
    "auth-cache-key",
    "auth-keepalive",
    "auth-keepalive-requests",
    "auth-keepalive-share-vars",
    "auth-keepalive-timeout",
    "auth-method",
    "auth-proxy-set-headers",
    "auth-realm",
    "auth-request-redirect",
    "auth-response-headers",
    "auth-secret",
    "auth-secret-type",
    "auth-signin",
    "auth-signin-redirect-param",
    "auth-snippet",
    "auth-tls-error-page",
    "auth-tls-match-cn",
    "auth-tls-pass-certificate-to-upstream",
    "auth-tls-secret",
    "auth-tls-verify-client",
    "auth-tls-verify-depth",
    "auth-type",
    "auth-url",
    "backend-protocol",
    "canary",
    "canary-by-cookie",
    "canary-by-header",
    "canary-by-header-pattern",
    "canary-by-header-value",
    "canary-weight",
    "canary-weight-total",
    "client-body-buffer-size",
    "configuration-snippet",
    "connection-proxy-header",
    "cors-allow-credentials",
    "cors-allow-headers",
    "cors-allow-methods",
    "cors-allow-origin",
    "cors-expose-headers",
    "cors-max-age",
    "custom-headers",
    "custom-http-errors",
    "default-backend",
    "denylist-source-range",
    "disable-proxy-intercept-errors",
    "enable-access-log",
    "enable-cors",
    "enable-global-auth",
    "enable-modsecurity",
    "enable-opentelemetry",
    "enable-owasp-core-rules",
    "enable-rewrite-log",
    "fastcgi-index",
    "fastcgi-params-configmap",
    "force-ssl-redirect",
    "from-to-www-redirect",
    "http2-push-preload",
    "limit-allowlist",
    "limit-burst-multiplier",
    "limit-connections",
    "limit-rate",
    "limit-rate-after",
    "limit-rpm",
    "limit-rps",
    "limit-whitelist",
    "load-balance",
    "mirror-host",
    "mirror-request-body",
    "mirror-target",
    "modsecurity-snippet",
    "modsecurity-transaction-id",
    "opentelemetry-operation-name",
    "opentelemetry-trust-incoming-span",
    "permanent-redirect",
    "permanent-redirect-code",
    "preserve-trailing-slash",
    "proxy-body-size",
    "proxy-buffer-size",
    "proxy-buffering",
    "proxy-buffers-number",
    "proxy-busy-buffers-size",
    "proxy-connect-timeout",
    "proxy-cookie-domain",
    "proxy-cookie-path",
    "proxy-http-version",
    "proxy-max-temp-file-size",
    "proxy-next-upstream",
    "proxy-next-upstream-timeout",
    "proxy-next-upstream-tries",
    "proxy-read-timeout",
    "proxy-redirect-from",
    "proxy-redirect-to",
    "proxy-request-buffering",
    "proxy-send-timeout",
    "proxy-ssl-ciphers",
    "proxy-ssl-name",
    "proxy-ssl-protocols",
    "proxy-ssl-secret",
    "proxy-ssl-server-name",
    "proxy-ssl-verify",
    "proxy-ssl-verify-depth",
    "relative-redirects",
    "rewrite-target",
    "satisfy",
    "server-alias",
    "server-snippet",
    "service-upstream",
    "session-cookie-change-on-failure",
    "session-cookie-conditional-samesite-none",
    "session-cookie-domain",
    "session-cookie-expires",
    "session-cookie-max-age",
    "session-cookie-name",
    "session-cookie-path",
    "session-cookie-samesite",
    "session-cookie-secure",
    "ssl-ciphers",
    "ssl-passthrough",
    "ssl-prefer-server-ciphers",
    "ssl-redirect",
    "stream-snippet",
    "temporal-redirect",
    "temporal-redirect-code",
    "upstream-hash-by",
    "upstream-hash-by-subset",
    "upstream-hash-by-subset-size",
    "upstream-vhost",
    "use-port-in-redirects",
    "use-regex",
    "whitelist-source-range",
    "x-forwarded-prefix",
];

/// Keys of ingress-nginx's ConfigMap that are no annotation (its `config.go`, v1.15.1): written as
/// `nginx.ingress.kubernetes.io/<key>` on an Ingress, they do nothing.
const NGINX_CONFIG_ONLY: &[&str] = &[
    "add-headers",
    "allow-snippet-annotations",
    "annotations-risk-level",
    "block-cidrs",
    "block-referers",
    "block-user-agents",
    "client-body-timeout",
    "client-header-buffer-size",
    "client-header-timeout",
    "compute-full-forwarded-for",
    "enable-brotli",
    "enable-ocsp",
    "enable-real-ip",
    "enable-underscores-in-headers",
    "forwarded-for-header",
    "gzip-level",
    "gzip-types",
    "hide-headers",
    "hsts",
    "hsts-include-subdomains",
    "hsts-max-age",
    "hsts-preload",
    "http-redirect-code",
    "http-snippet",
    "http2-max-field-size",
    "ignore-invalid-headers",
    "keep-alive",
    "keep-alive-requests",
    "large-client-header-buffers",
    "limit-req-status-code",
    "location-snippet",
    "log-format-upstream",
    "main-snippet",
    "max-worker-connections",
    "proxy-real-ip-cidr",
    "proxy-set-headers",
    "proxy-stream-timeout",
    "retry-non-idempotent",
    "server-tokens",
    "ssl-buffer-size",
    "ssl-dh-param",
    "ssl-ecdh-curve",
    "ssl-protocols",
    "ssl-session-cache",
    "ssl-session-cache-size",
    "ssl-session-tickets",
    "ssl-session-timeout",
    "strict-validate-path-type",
    "upstream-keepalive-connections",
    "upstream-keepalive-requests",
    "upstream-keepalive-timeout",
    "use-forwarded-headers",
    "use-geoip2",
    "use-gzip",
    "use-http2",
    "use-proxy-protocol",
    "worker-processes",
];

/// Prefixes that look like ingress-nginx's but are not: ingress-nginx reads none of them.
const NOT_NGINX_PREFIXES: [&str; 4] = [
    "kubernetes.io/",
    "ingress.kubernetes.io/",
    "nginx.kubernetes.io/",
    "nginx.ingress.kubernetes.io.",
];

const NGINX: &str = "nginx.ingress.kubernetes.io/";

/// NGINX caps `proxy_connect_timeout` at about 75 seconds, whatever is asked for.
const NGINX_CONNECT_CAP_S: u64 = 75;

/// Airbyte's health endpoint, which answers 200 on the server's port.
const HEALTH: &str = "/api/v1/health";

fn verdict(rule: Rule, key: &str, on_key: bool, message: String, help: String) -> Verdict {
    Verdict {
        rule,
        key: key.to_string(),
        set: true,
        on_key,
        message,
        help,
    }
}

/// What the annotations of an Ingress served by `family` do not do (or do wrong), whatever
/// Airbyte's floors.
pub fn judge(family: Family, ann: Annotations<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for key in ann.keys() {
        let value = ann.get(key).unwrap_or("");
        if value.contains('\n') && !super::is_snippet(key) {
            out.push(verdict(
                Rule::AnnotationMultiline,
                key,
                false,
                format!("the value of `{key}` holds a line break: controllers copy annotation values into their configuration, where a line break starts a directive of its own"),
                "write the value on one line".to_string(),
            ));
        }
    }
    match family {
        Family::IngressNginx => nginx(ann, &mut out),
        Family::Alb => alb(ann, &mut out),
        Family::F5Nginx
        | Family::Traefik
        | Family::Haproxy
        | Family::Agic
        | Family::Agc
        | Family::AksAppRouting => {}
    }
    out
}

fn nginx(ann: Annotations<'_>, out: &mut Vec<Verdict>) {
    for key in ann.keys() {
        if let Some(name) = key.strip_prefix(NGINX) {
            if NGINX_ANNOTATIONS.contains(&name) {
                continue;
            }
            let (message, help) = if NGINX_CONFIG_ONLY.contains(&name) {
                (
                    format!(
                        "`{key}` does nothing: `{name}` is a key of ingress-nginx's ConfigMap, not an annotation"
                    ),
                    format!(
                        "set `{name}` in the controller's ConfigMap (the Helm chart's `controller.config`), where it applies to every Ingress"
                    ),
                )
            } else {
                let hint = crate::findings::did_you_mean(name, NGINX_ANNOTATIONS.iter().copied())
                    .map(|s| format!("did you mean `{NGINX}{s}`?"))
                    .unwrap_or_else(|| {
                        "remove it; ingress-nginx's annotations are listed in its documentation"
                            .into()
                    });
                (
                    format!("`{key}` does nothing: ingress-nginx reads no annotation `{name}`"),
                    hint,
                )
            };
            out.push(verdict(Rule::AnnotationInert, key, true, message, help));
            continue;
        }
        if let Some((prefix, name)) = NOT_NGINX_PREFIXES
            .iter()
            .find_map(|p| key.strip_prefix(p).map(|n| (*p, n)))
            && NGINX_ANNOTATIONS.contains(&name)
        {
            out.push(verdict(
                Rule::AnnotationInert,
                key,
                true,
                format!("`{key}` does nothing: ingress-nginx reads `{NGINX}{name}`, not `{prefix}{name}`"),
                format!("write `{NGINX}{name}`"),
            ));
        }
    }
    let key = "nginx.ingress.kubernetes.io/proxy-connect-timeout";
    if let Some(v) = ann.get(key)
        && let Some(s) = super::floors::nginx_seconds(v)
        && s > NGINX_CONNECT_CAP_S
    {
        out.push(verdict(
            Rule::ConnectTimeoutCapped,
            key,
            false,
            format!("`{key}` is `{v}`, but NGINX caps the connect timeout at about {NGINX_CONNECT_CAP_S} seconds: a longer one is not applied (the read and send timeouts are what long requests need)"),
            format!("set it to at most {NGINX_CONNECT_CAP_S} (15 is plenty inside a cluster)"),
        ));
    }
}

fn alb(ann: Annotations<'_>, out: &mut Vec<Verdict>) {
    let path = "alb.ingress.kubernetes.io/healthcheck-path";
    if let Some(p) = ann.get(path)
        && p != HEALTH
        && p != "/"
    {
        out.push(verdict(
            Rule::AlbHealthcheck,
            path,
            false,
            format!("`{path}` is `{p}`: Airbyte's server answers its health check on `{HEALTH}`; another path answers 404 (or 401 for an API path), the targets are marked unhealthy and the ALB answers 502 or 503"),
            format!("set `{path}: {HEALTH}`"),
        ));
    }
    let codes = "alb.ingress.kubernetes.io/success-codes";
    if let Some(c) = ann.get(codes)
        && !admits_200(c)
    {
        out.push(verdict(
            Rule::AlbHealthcheck,
            codes,
            false,
            format!("`{codes}` is `{c}`, which leaves out 200, the code Airbyte's health endpoint answers with: every target is marked unhealthy"),
            format!("set `{codes}: \"200\"`"),
        ));
    }
    for (key, what) in [
        (
            "alb.ingress.kubernetes.io/healthcheck-protocol",
            "health check",
        ),
        ("alb.ingress.kubernetes.io/backend-protocol", "traffic"),
    ] {
        if ann
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("HTTPS"))
        {
            out.push(verdict(
                Rule::AlbHealthcheck,
                key,
                false,
                format!("`{key}` is `HTTPS`, but Airbyte's server serves plain HTTP on port 8001: the ALB's TLS handshake for its {what} fails and it answers 502"),
                format!("remove it (HTTP is the default) or set `{key}: HTTP`"),
            ));
        }
    }
    let redirect = "alb.ingress.kubernetes.io/ssl-redirect";
    if let Some(port) = ann.get(redirect) {
        let listen = "alb.ingress.kubernetes.io/listen-ports";
        // the controller's default listeners: HTTPS:443 alone with a certificate, else HTTP:80
        let http = match ann.get(listen) {
            Some(l) => serde_json::from_str::<
                Vec<std::collections::BTreeMap<String, serde_json::Value>>,
            >(l)
            .map(|ports| ports.iter().any(|p| p.contains_key("HTTP")))
            .unwrap_or(true),
            None => ann
                .get("alb.ingress.kubernetes.io/certificate-arn")
                .is_none(),
        };
        if !http {
            out.push(verdict(
                Rule::AlbListenPorts,
                redirect,
                false,
                format!("`{redirect}: \"{port}\"` redirects HTTP to HTTPS, but the ALB has no HTTP listener to redirect from (with a certificate and no `{listen}`, it listens on HTTPS:443 alone): `http://` requests get no answer"),
                format!("set `{listen}: '[{{\"HTTP\": 80}}, {{\"HTTPS\": 443}}]'`"),
            ));
        }
    }
    let scheme = "alb.ingress.kubernetes.io/scheme";
    if ann.get(scheme).is_none() {
        out.push(Verdict {
            set: false,
            ..verdict(
                Rule::AlbSchemeInternal,
                scheme,
                false,
                format!("`{scheme}` is not set: AWS's default `internal` makes an ALB reachable only from inside the VPC"),
                format!("set `{scheme}: internet-facing` if Airbyte is to be reached from the internet, or `internal` to say so"),
            )
        });
    }
}

/// Whether an ALB `success-codes` value (`200`, `200,302`, `200-399`) admits 200.
fn admits_200(codes: &str) -> bool {
    codes.split(',').map(str::trim).any(|c| match c.split_once('-') {
        Some((lo, hi)) => matches!((lo.trim().parse::<u16>(), hi.trim().parse::<u16>()), (Ok(lo), Ok(hi)) if lo <= 200 && 200 <= hi),
        None => c == "200",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn judged(family: Family, pairs: &[(&str, &str)]) -> Vec<(Rule, String)> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        judge(family, Annotations::Plain(&map))
            .into_iter()
            .map(|v| (v.rule, v.message))
            .collect()
    }

    #[test]
    fn nginx_keys_its_parsers_declare_are_not_called_inert() {
        // one of each parser the list once missed: session affinity, client certificates,
        // redirect codes, external authentication's cache and keepalive, push preload, hashing
        let keys = [
            ("affinity", "cookie"),
            ("affinity-mode", "persistent"),
            ("session-cookie-name", "AIRBYTE"),
            ("session-cookie-samesite", "Lax"),
            ("auth-tls-secret", "airbyte/ca"),
            ("auth-tls-verify-client", "on"),
            ("auth-tls-match-cn", "CN=airbyte"),
            ("permanent-redirect-code", "308"),
            ("temporal-redirect-code", "307"),
            ("auth-cache-duration", "200 202 401 5m"),
            ("auth-keepalive-timeout", "60"),
            ("http2-push-preload", "true"),
            ("upstream-hash-by-subset-size", "3"),
        ];
        let pairs: Vec<(String, &str)> = keys
            .iter()
            .map(|(k, v)| (format!("nginx.ingress.kubernetes.io/{k}"), *v))
            .collect();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let inert: Vec<(Rule, String)> = judged(Family::IngressNginx, &pairs)
            .into_iter()
            .filter(|(r, _)| *r == Rule::AnnotationInert)
            .collect();
        assert!(inert.is_empty(), "{inert:?}");
    }

    #[test]
    fn nginx_keys_that_do_nothing_are_named() {
        let found = judged(
            Family::IngressNginx,
            &[
                ("nginx.ingress.kubernetes.io/hsts", "true"),
                ("nginx.ingress.kubernetes.io/proxy-body-sizes", "16m"),
                ("kubernetes.io/proxy-body-size", "16m"),
                ("ingress.kubernetes.io/ssl-redirect", "true"),
                ("nginx.ingress.kubernetes.io/proxy-read-timeout", "600"),
                ("cert-manager.io/cluster-issuer", "le"),
            ],
        );
        let inert: Vec<&String> = found
            .iter()
            .filter(|(r, _)| *r == Rule::AnnotationInert)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(inert.len(), 4, "{inert:?}");
        assert!(
            inert
                .iter()
                .any(|m| m.contains("a key of ingress-nginx's ConfigMap"))
        );
        assert!(
            inert
                .iter()
                .any(|m| m.contains("reads no annotation `proxy-body-sizes`"))
        );
        assert!(
            inert
                .iter()
                .any(|m| m.contains("not `kubernetes.io/proxy-body-size`"))
        );
        // HAProxy reads `ingress.kubernetes.io/`: nothing to say for it
        assert!(
            judged(
                Family::Haproxy,
                &[("ingress.kubernetes.io/ssl-redirect", "true")]
            )
            .is_empty()
        );
    }

    #[test]
    fn the_connect_timeout_cap_and_line_breaks() {
        let found = judged(
            Family::IngressNginx,
            &[
                ("nginx.ingress.kubernetes.io/proxy-connect-timeout", "600"),
                ("nginx.ingress.kubernetes.io/server-alias", "a\nb"),
                (
                    "nginx.ingress.kubernetes.io/configuration-snippet",
                    "a;\nb;",
                ),
            ],
        );
        let rules: Vec<Rule> = found.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            rules,
            [Rule::AnnotationMultiline, Rule::ConnectTimeoutCapped]
        );
        assert!(
            judged(
                Family::IngressNginx,
                &[("nginx.ingress.kubernetes.io/proxy-connect-timeout", "15")]
            )
            .is_empty()
        );
    }

    #[test]
    fn alb_health_checks_airbyte_fails() {
        let rules = |pairs: &[(&str, &str)]| -> Vec<Rule> {
            judged(Family::Alb, pairs)
                .into_iter()
                .map(|(r, _)| r)
                .collect()
        };
        let scheme = ("alb.ingress.kubernetes.io/scheme", "internet-facing");
        assert!(
            rules(&[
                scheme,
                (
                    "alb.ingress.kubernetes.io/healthcheck-path",
                    "/api/v1/health"
                )
            ])
            .is_empty()
        );
        assert!(rules(&[scheme, ("alb.ingress.kubernetes.io/healthcheck-path", "/")]).is_empty());
        assert_eq!(
            rules(&[
                scheme,
                ("alb.ingress.kubernetes.io/healthcheck-path", "/health")
            ]),
            [Rule::AlbHealthcheck]
        );
        assert_eq!(
            rules(&[scheme, ("alb.ingress.kubernetes.io/success-codes", "301")]),
            [Rule::AlbHealthcheck]
        );
        assert!(
            rules(&[
                scheme,
                ("alb.ingress.kubernetes.io/success-codes", "200-399")
            ])
            .is_empty()
        );
        assert_eq!(
            rules(&[
                scheme,
                ("alb.ingress.kubernetes.io/backend-protocol", "HTTPS")
            ]),
            [Rule::AlbHealthcheck]
        );
        assert_eq!(rules(&[]), [Rule::AlbSchemeInternal]);
        let cert = ("alb.ingress.kubernetes.io/certificate-arn", "arn:aws:acm:x");
        let redirect = ("alb.ingress.kubernetes.io/ssl-redirect", "443");
        assert_eq!(rules(&[scheme, cert, redirect]), [Rule::AlbListenPorts]);
        let both = (
            "alb.ingress.kubernetes.io/listen-ports",
            r#"[{"HTTP": 80}, {"HTTPS": 443}]"#,
        );
        assert!(rules(&[scheme, cert, redirect, both]).is_empty());
    }
}
