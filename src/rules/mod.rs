//! Validation rules: the registry (`airbyte-ingress rules`) and the run over values and plan.

pub mod annotations;
mod edition;
mod hosts;
mod schema;
pub mod url;

use crate::findings::{Finding, Severity};
use crate::plan::Plan;
use crate::values::{Node, Origin, Path, Sources, Value};

pub use schema::check as check_schema;

/// A rule as `rules` lists it and `explain` prints it.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// How to fix it, in general.
    pub help: &'static str,
    /// Values that trigger it.
    pub bad: &'static str,
    /// The same values, fixed.
    pub good: &'static str,
    /// The `--target` the examples are checked for (rules that only apply to a target).
    pub target: Option<&'static str>,
}

/// Every rule, sorted by id. `bad` triggers the rule; `good` is the same values fixed (a test runs both).
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "aks-nginx-eol",
        severity: Severity::Info,
        summary: "the AKS application routing add-on's NGINX support ends in November 2026",
        help: "move to application routing's Gateway API (`approuting-istio`) or Application Gateway for Containers",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: webapprouting.kubernetes.azure.com\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: azure-alb-external\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "alb-target-type",
        severity: Severity::Error,
        summary: "an ALB Ingress without `target-type: ip`: the default `instance` needs a NodePort Service, and Airbyte's server Service is ClusterIP",
        help: "set `alb.ingress.kubernetes.io/target-type: ip`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: alb\n  annotations:\n    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:123456789012:certificate/abc\n    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: alb\n  annotations:\n    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:123456789012:certificate/abc\n    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240\n    alb.ingress.kubernetes.io/target-type: ip\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        target: None,
    },
    RuleInfo {
        id: "annotation-dropped",
        severity: Severity::Warning,
        summary: "rendering for a target leaves out an annotation of another controller (it would be ignored); the message names this target's equivalent",
        help: "move the setting to this controller's annotation, or drop it from the values",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: false\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: false\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        target: Some("alb"),
    },
    RuleInfo {
        id: "annotation-family-mismatch",
        severity: Severity::Warning,
        summary: "an annotation for another controller than the class's: that controller ignores it (and the setting it was meant to make is missing)",
        help: "remove it, or use this controller's equivalent",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: alb\n  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: alb\n  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "annotation-high-risk",
        severity: Severity::Warning,
        summary: "an ingress-nginx annotation rated High risk (configuration injection)",
        help: "keep it only if needed, on ingress-nginx v1.11.5/v1.12.1 or later",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/check\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "annotation-key-invalid",
        severity: Severity::Error,
        summary: "an annotation key that is not a valid Kubernetes key: the API server rejects the Ingress",
        help: "write `prefix.example.com/name`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  annotations:\n    \"example.com/my note\": \"x\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  annotations:\n    example.com/my-note: \"x\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "annotation-not-string",
        severity: Severity::Error,
        summary: "an annotation value is a number or boolean; the API server accepts only strings",
        help: "quote the value in YAML, or pass it with `--set-string` instead of `--set`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: 600\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "annotation-null",
        severity: Severity::Warning,
        summary: "an annotation is `null` (often a later values file trying to remove it); Helm keeps the key and the API server stores an empty string",
        help: "delete the key from the values file that sets it, or give it a string value; this tool leaves null annotations out",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n    nginx.ingress.kubernetes.io/ssl-redirect: null\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "backend-invalid",
        severity: Severity::Error,
        summary: "a path's backend is not one the chart version accepts; Helm fails with \"Invalid backend service\"",
        help: "use `backend: server`; `connector-builder-server` exists only on chart 2.0.18 - 2.0.19",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n        - path: /connector-builder\n          pathType: Prefix\n          backend: connector-builder-server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "body-size-too-low",
        severity: Severity::Warning,
        summary: "the proxy's request body limit is under Airbyte's 10 MB (ingress-nginx defaults to 1m): large catalogs get 413",
        help: "set `nginx.ingress.kubernetes.io/proxy-body-size: 16m`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 1m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "chart-ingress-also-enabled",
        severity: Severity::Warning,
        summary: "rendering a bring-your-own ingress while the chart's own Ingress is enabled: two ingresses claim the same host",
        help: "set `ingress.enabled: false` in the values the chart is installed with",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: false\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        target: Some("nginx"),
    },
    RuleInfo {
        id: "class-annotation-deprecated",
        severity: Severity::Warning,
        summary: "the class is set with the deprecated `kubernetes.io/ingress.class` annotation",
        help: "use `ingress.className` and delete the annotation",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n    kubernetes.io/ingress.class: nginx\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "class-invalid",
        severity: Severity::Error,
        summary: "`className` is not a valid IngressClass name: the API server rejects the Ingress",
        help: "use the name of an IngressClass in the cluster",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: Traefik_Internal\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "cookie-secure-over-http",
        severity: Severity::Warning,
        summary: "`global.airbyteUrl` is `http` while login cookies require HTTPS: login fails with \"the server failed to set a cookie\"",
        help: "serve Airbyte over HTTPS, or set `global.auth.security.cookieSecureSetting: false`",
        bad: "global:\n  airbyteUrl: http://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        good: "global:\n  airbyteUrl: http://airbyte.example.com\n  auth:\n    security:\n      cookieSecureSetting: false\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        target: None,
    },
    RuleInfo {
        id: "enabled-not-boolean",
        severity: Severity::Error,
        summary: "`ingress.enabled` is a string; Helm treats any non-empty string, even \"false\", as true",
        help: "write `enabled: true` or `enabled: false` without quotes",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: \"true\"\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "enterprise-auth-route",
        severity: Severity::Warning,
        summary: "Enterprise needs `/auth/realms` and `/auth/resources` routed to Keycloak, which the chart's Ingress cannot do",
        help: "render a bring-your-own ingress, which routes them (`--target nginx|alb|aks|aks-agc|haproxy|traefik|gateway-api|haproxy-cfg`)",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\n  edition: enterprise\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\n  edition: community\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "host-invalid",
        severity: Severity::Error,
        summary: "a host that is not a valid DNS name for an Ingress (scheme, port, path, uppercase, `_`, misplaced `*`)",
        help: "write a DNS name such as `airbyte.example.com`; a wildcard only as `*.example.com`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: https://airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "host-path-duplicate",
        severity: Severity::Error,
        summary: "the same host and path twice: ingress-nginx's webhook rejects it, other controllers pick one",
        help: "remove one of them",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "hosts-missing",
        severity: Severity::Error,
        summary: "the ingress is enabled with no hosts: the chart renders an Ingress with no rules",
        help: "add a host with `/` to `backend: server`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts: []\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "ingress-nginx-retired",
        severity: Severity::Info,
        summary: "ingress-nginx was retired in March 2026: no more releases or security fixes",
        help: "plan the move to Gateway API, Traefik or your cloud's controller",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "migrate-dropped",
        severity: Severity::Warning,
        summary: "`migrate` found a V1 ingress setting with no V2 equivalent and left it out",
        help: "set it again in the V2 block if it still matters",
        bad: "webapp:\n  ingress:\n    enabled: true\n    hosts:\n      - host: airbyte.example.com\n        paths:\n          - path: /\n            pathType: Prefix\n            service:\n              name: airbyte-webapp-svc\n",
        good: "webapp:\n  ingress:\n    enabled: true\n    hosts:\n      - host: airbyte.example.com\n        paths:\n          - path: /\n            pathType: Prefix\n",
        target: Some("migrate"),
    },
    RuleInfo {
        id: "migrate-moved-key",
        severity: Severity::Warning,
        summary: "`migrate` found a key at a place the V2 chart does not read (`security`, `webapp.url`) or a missing `global.airbyteUrl`",
        help: "move the key where the message says",
        bad: "security:\n  cookieSecureSetting: false\nwebapp:\n  ingress:\n    enabled: true\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\n  auth:\n    security:\n      cookieSecureSetting: false\nwebapp:\n  ingress:\n    enabled: true\n",
        target: Some("migrate"),
    },
    RuleInfo {
        id: "path-invalid",
        severity: Severity::Error,
        summary: "a Prefix or Exact path that does not start with `/` or uses characters ingress-nginx rejects",
        help: "use a plain path such as `/`; regular expressions need ImplementationSpecific",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n        - path: /api/v1.*\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "path-type-missing",
        severity: Severity::Error,
        summary: "a path without `pathType`: networking.k8s.io/v1 requires it",
        help: "add `pathType: Prefix`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "paths-missing",
        severity: Severity::Error,
        summary: "a host without paths: the API server rejects a rule without paths",
        help: "add `paths: [{path: /, pathType: Prefix, backend: server}]`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n    - host: data.example.com\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "rewrite-target",
        severity: Severity::Warning,
        summary: "`rewrite-target` on Airbyte's routes: the UI and API break when their paths are rewritten",
        help: "remove it",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n    nginx.ingress.kubernetes.io/rewrite-target: /\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "root-route-missing",
        severity: Severity::Error,
        summary: "no `/` route to the server: Airbyte cannot be served under a sub-path",
        help: "add `{path: /, pathType: Prefix, backend: server}`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /airbyte\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "snippet-critical",
        severity: Severity::Error,
        summary: "an ingress-nginx snippet annotation (raw NGINX configuration): rated Critical, rejected by default since v1.12",
        help: "remove it and use the dedicated annotation for what it did",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n    nginx.ingress.kubernetes.io/configuration-snippet: \"more_set_headers X-Frame-Options: DENY;\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "timeout-too-low",
        severity: Severity::Warning,
        summary: "a proxy timeout under Airbyte's floor (300 s; ALB idle 120 s) or left at the controller's default (60 s nginx and ALB, 50 s HAProxy, 30 s AGIC): source checks and discovers get 504s",
        help: "set the controller's timeout annotation to 600 seconds (ALB idle timeout 240)",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"60\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "tls-host-unserved",
        severity: Severity::Warning,
        summary: "a TLS host that no rule serves",
        help: "list the same names in `ingress.hosts[].host` and `ingress.tls[].hosts`",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n        - data.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "tls-secret-invalid",
        severity: Severity::Error,
        summary: "a TLS entry whose `secretName` is missing (the controller's default certificate is served) or not a valid Secret name",
        help: "name the `kubernetes.io/tls` Secret that holds the certificate",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: Airbyte_TLS\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "unknown-key",
        severity: Severity::Error,
        summary: "a key the chart does not read (a typo or a key from another chart version) is silently ignored by Helm",
        help: "fix the spelling (the message suggests the nearest key) or remove the key",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  host: airbyte.example.com\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-host-mismatch",
        severity: Severity::Error,
        summary: "`global.airbyteUrl`'s host is not an ingress host: links, redirects and login cookies point elsewhere",
        help: "make `global.airbyteUrl` and `ingress.hosts[].host` name the same host",
        bad: "global:\n  airbyteUrl: https://airbyte.example.org\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-https-without-tls",
        severity: Severity::Warning,
        summary: "`global.airbyteUrl` is `https` but nothing serves a certificate for its host",
        help: "add an `ingress.tls` entry for the host, or a controller certificate annotation (ALB certificate-arn, AKS Key Vault)",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-invalid",
        severity: Severity::Error,
        summary: "`global.airbyteUrl` is not an absolute `http` or `https` URL",
        help: "write `https://HOST`",
        bad: "global:\n  airbyteUrl: airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-missing",
        severity: Severity::Error,
        summary: "`global.airbyteUrl` is empty while the ingress is enabled: the chart falls back to `http://localhost:8080`",
        help: "set `global.airbyteUrl` to the URL people use, e.g. `https://airbyte.example.com`",
        bad: "global:\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-path",
        severity: Severity::Error,
        summary: "`global.airbyteUrl` has a path: Airbyte cannot be served under a sub-path",
        help: "serve Airbyte at the root of its own host",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com/airbyte\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-port",
        severity: Severity::Warning,
        summary: "`global.airbyteUrl` names a port: links and cookies carry it, and controllers listen on 80 and 443",
        help: "drop the port unless clients really use it",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com:8443\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "url-trailing-slash",
        severity: Severity::Error,
        summary: "`global.airbyteUrl` ends with `/`: the chart appends `/api/public` and `/auth`",
        help: "remove the trailing slash",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com/\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "v1-webapp-ingress",
        severity: Severity::Error,
        summary: "`webapp.ingress` is the V1 chart's ingress; the V2 chart ignores its hosts and routes to a webapp Service that no longer exists",
        help: "`airbyte-ingress migrate -f FILE` prints the V2 `ingress` block; replace `webapp.ingress` with it",
        bad: "webapp:\n  ingress:\n    enabled: true\n    hosts:\n      - host: airbyte.example.com\nglobal:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "webapp:\n  enabled: false\nglobal:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "value-invalid",
        severity: Severity::Error,
        summary: "a value is not one of the allowed choices or out of range",
        help: "use one of the values the message lists",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
    RuleInfo {
        id: "wrong-type",
        severity: Severity::Error,
        summary: "a value has the wrong type (a map where a list belongs, a number where a string belongs, ...)",
        help: "write the value with the type the message names",
        bad: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    host: airbyte.example.com\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        good: "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"\n    nginx.ingress.kubernetes.io/proxy-send-timeout: \"600\"\n  hosts:\n    - host: airbyte.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n          backend: server\n  tls:\n    - secretName: airbyte-tls\n      hosts:\n        - airbyte.example.com\n",
        target: None,
    },
];

/// Looks a rule up by id.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Rules that need only the merged values (run before the typed model exists).
pub fn check_values(root: &Node) -> Vec<Finding> {
    let mut out = Vec::new();
    let webapp_ingress = Path::parse("webapp.ingress");
    if let Some(node) = root.at(&webapp_ingress) {
        let enabled = node
            .at(&Path::parse("enabled"))
            .is_some_and(|n| n.value == Value::Bool(true));
        let has_hosts = node
            .at(&Path::parse("hosts"))
            .is_some_and(|n| matches!(&n.value, Value::Seq(s) if !s.is_empty()));
        if enabled || has_hosts {
            out.push(Finding::new(
                "v1-webapp-ingress",
                Severity::Error,
                webapp_ingress,
                node.key_origin,
                "`webapp.ingress` is the V1 chart's ingress block: the V2 chart ignores its hosts and the webapp Service it routes to no longer exists".into(),
                "run `airbyte-ingress migrate -f FILE` for the V2 `ingress` block (every path to `backend: server`), then delete `webapp.ingress`".into(),
            ));
        }
    }
    out
}

/// What the plan rules see, and where they put findings.
pub struct Ctx<'a> {
    pub root: &'a Node,
    pub plan: &'a Plan,
    pub sources: &'a Sources,
    pub findings: Vec<Finding>,
}

impl Ctx<'_> {
    /// Where the value at `path` was written, or the nearest existing parent.
    pub fn origin(&self, path: &Path) -> Origin {
        self.root.nearest(path).origin
    }

    /// Where the key holding the value at `path` was written.
    pub fn key_origin(&self, path: &Path) -> Origin {
        self.root
            .at(path)
            .map_or_else(|| self.root.nearest(path).origin, |n| n.key_origin)
    }

    pub fn describe(&self, origin: Origin) -> String {
        self.sources.describe(origin)
    }

    /// A finding about the value at `path`, pointing where that value was written.
    pub fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        path: Path,
        message: String,
        help: String,
    ) {
        let origin = self.origin(&path);
        self.push_at(rule, severity, path, origin, message, help);
    }

    /// A finding about the key at `path` (its name, not its value), pointing at the key.
    pub fn push_key(
        &mut self,
        rule: &'static str,
        severity: Severity,
        path: Path,
        message: String,
        help: String,
    ) {
        let origin = self.key_origin(&path);
        self.push_at(rule, severity, path, origin, message, help);
    }

    /// A finding about `path` that points elsewhere (the value that decides it, or a parent).
    pub fn push_at(
        &mut self,
        rule: &'static str,
        severity: Severity,
        path: Path,
        origin: Origin,
        message: String,
        help: String,
    ) {
        self.findings
            .push(Finding::new(rule, severity, path, origin, message, help));
    }
}

/// Rules over the typed values and the plan.
pub fn check_plan(root: &Node, plan: &Plan, sources: &Sources) -> Vec<Finding> {
    let mut ctx = Ctx {
        root,
        plan,
        sources,
        findings: Vec::new(),
    };
    null_annotations(&mut ctx);
    url::check(&mut ctx);
    hosts::check(&mut ctx);
    annotations::check(&mut ctx);
    annotations::check_names(&mut ctx);
    edition::check(&mut ctx);
    ctx.findings
}

/// Rules that judge annotations by the class; for a bring-your-own target they are judged on what
/// the target will emit instead.
pub const CLASS_RULES: &[&str] = &[
    "timeout-too-low",
    "body-size-too-low",
    "annotation-family-mismatch",
    "alb-target-type",
    "ingress-nginx-retired",
    "aks-nginx-eol",
];

/// Findings for rendering `plan` with a bring-your-own target that makes `eff` of it.
pub fn check_target(
    root: &Node,
    plan: &Plan,
    sources: &Sources,
    eff: &crate::targets::ingress::Effective,
) -> Vec<Finding> {
    let mut derived = plan.clone();
    derived.class = Some(eff.class.clone());
    derived.annotations = eff
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    let mut ctx = Ctx {
        root,
        plan: &derived,
        sources,
        findings: Vec::new(),
    };
    if eff.ingress_api {
        annotations::check(&mut ctx);
    }
    // the rest of what annotations::check reports (snippets, risky keys) check_plan reported already
    ctx.findings.retain(|f| CLASS_RULES.contains(&f.rule));
    let ann = Path::parse("ingress.annotations");
    for d in &eff.dropped {
        let p = ann.key(&d.key);
        let origin = ctx.key_origin(&p);
        let eq = d
            .equivalent
            .map(|e| format!("; this target's equivalent is {e}"))
            .unwrap_or_default();
        ctx.push_at(
            "annotation-dropped",
            Severity::Warning,
            p,
            origin,
            match d.family {
                Some(f) => format!("annotation `{}` is for {}; the `{}` output leaves it out", d.key, f.controller(), eff.class),
                None => format!("annotation `{}` applies to Ingress objects; the `{}` output has none, so it is left out", d.key, eff.class),
            },
            format!("move the setting to this controller's annotations or drop it{eq}"),
        );
    }
    if plan.enabled {
        let p = Path::parse("ingress.enabled");
        ctx.push(
            "chart-ingress-also-enabled",
            Severity::Warning,
            p,
            "`ingress.enabled` is true: the chart renders its own Ingress too, and two ingresses claim the same host".into(),
            "set `ingress.enabled: false` in the values the chart is installed with".into(),
        );
    }
    ctx.findings
}

fn null_annotations(ctx: &mut Ctx) {
    let ann = Path::parse("ingress.annotations");
    for (key, value) in &ctx.plan.annotations {
        if value.is_none() {
            let p = ann.key(key);
            ctx.push(
                "annotation-null",
                Severity::Warning,
                p,
                format!("annotation `{key}` is `null`: Helm keeps the key and the API server stores it as an empty string"),
                "delete the key from the values file that sets it, or give it a string value; the rendered manifests leave it out".into(),
            );
        }
    }
}

/// Levenshtein distance, for did-you-mean suggestions.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a small edit distance, or one that contains / is contained in `key`.
pub fn did_you_mean<'a>(
    key: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = key.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let d = distance(&lower, &c.to_lowercase());
            let related =
                c.to_lowercase().starts_with(&lower) || lower.starts_with(&c.to_lowercase());
            (if related { d.min(1) } else { d }, c)
        })
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_sorted_and_unique() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    fn rules_fired(values: &str, target: Option<&str>) -> Vec<&'static str> {
        if target == Some("migrate") {
            let doc = crate::values::parse_document(
                values.as_bytes(),
                "v.yaml",
                0,
                &crate::values::Limits::default(),
            )
            .unwrap();
            return crate::migrate::migrate(&doc.root)
                .map(|m| m.findings.iter().map(|f| f.rule).collect())
                .unwrap_or_default();
        }
        let opts = crate::test_options(
            target.and_then(crate::targets::Target::from_name),
            Default::default(),
        );
        let mut read = |_: &str| Ok(values.as_bytes().to_vec());
        let checked = crate::check(&opts, &mut read).unwrap_or_else(|e| panic!("{e}\n{values}"));
        checked.findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn every_rule_fires_on_its_bad_example_and_not_on_the_fixed_one() {
        for r in RULES {
            let bad = rules_fired(r.bad, r.target);
            assert!(
                bad.contains(&r.id),
                "`{}` did not fire on its bad example; fired: {bad:?}\n{}",
                r.id,
                r.bad
            );
            let good = rules_fired(r.good, r.target);
            assert!(
                !good.contains(&r.id),
                "`{}` fired on its fixed example\n{}",
                r.id,
                r.good
            );
        }
    }

    /// Hosts compare without case: `Airbyte.example.com` and `airbyte.example.com` with the same
    /// path are one route listed twice; another path on the same host is not.
    #[test]
    fn duplicate_routes_are_found_without_case() {
        let values = |second_host: &str, second_path: &str| {
            format!(
                "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  hosts:\n    - host: airbyte.example.com\n      paths: [{{path: /, pathType: Prefix, backend: server}}]\n    - host: {second_host}\n      paths: [{{path: {second_path}, pathType: Prefix, backend: server}}]\n"
            )
        };
        let fired = |v: String| rules_fired(&v, None).contains(&"host-path-duplicate");
        assert!(fired(values("airbyte.example.com", "/")));
        assert!(fired(values("Airbyte.Example.com", "/")));
        assert!(!fired(values("airbyte.example.com", "/api")));
        assert!(!fired(values("other.example.com", "/")));
    }

    #[test]
    fn did_you_mean_finds_near_keys() {
        let keys = ["enabled", "className", "annotations", "hosts", "tls"];
        assert_eq!(did_you_mean("host", keys), Some("hosts"));
        assert_eq!(did_you_mean("classname", keys), Some("className"));
        assert_eq!(did_you_mean("annotation", keys), Some("annotations"));
        assert_eq!(did_you_mean("enable", keys), Some("enabled"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
