//! The targets: one enum (also the CLI's `--target` values) and the one match that dispatches.

mod aks;
mod aks_agc;
mod alb;
mod chart;
mod gateway_api;
mod haproxy;
mod haproxy_cfg;
pub mod ingress;
mod nginx;
mod traefik;

use crate::plan::Plan;
use crate::render::Rendered;
use ingress::Effective;

/// What `render --target` can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The Ingress exactly as the Airbyte Helm chart renders it from these values.
    Chart,
    /// ingress-nginx (retired March 2026).
    Nginx,
    /// The AWS Load Balancer Controller.
    Alb,
    /// The AKS application routing add-on (managed NGINX).
    Aks,
    /// Application Gateway for Containers through the Ingress API.
    AksAgc,
    /// The HAProxy Kubernetes Ingress Controller.
    Haproxy,
    /// Traefik v3 IngressRoutes.
    Traefik,
    /// Gateway API v1: Gateway and HTTPRoutes (also AKS application routing's `approuting-istio`).
    GatewayApi,
    /// A standalone haproxy.cfg.
    HaproxyCfg,
}

/// Options some targets need, from the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetOptions {
    /// `alb`: `internal` (the AWS default) or `internet-facing`.
    pub alb_scheme: Option<String>,
    /// `alb`: the ACM certificate ARN(s), comma-separated.
    pub alb_certificate_arn: Option<String>,
    /// `aks`: the versionless Key Vault certificate URI.
    pub aks_keyvault_cert_uri: Option<String>,
    /// `aks-agc`: the managed Application Gateway for Containers' name and namespace.
    pub agc_alb_name: Option<String>,
    pub agc_alb_namespace: Option<String>,
    /// `aks-agc`: the ARM id of an Application Gateway for Containers of your own.
    pub agc_alb_id: Option<String>,
    /// `traefik`: a certificate resolver instead of the values' TLS Secrets.
    pub traefik_cert_resolver: Option<String>,
    /// `gateway-api`: render a Gateway of this class.
    pub gateway_class: Option<String>,
    /// `gateway-api`: attach to this existing Gateway instead.
    pub gateway_name: Option<String>,
    /// `gateway-api`: the Gateway's namespace (default: the release namespace).
    pub gateway_namespace: Option<String>,
    /// `gateway-api`: the listener of the existing Gateway to attach to.
    pub gateway_section: Option<String>,
    /// `gateway-api` with `approuting-istio`: the service account that reads the Key Vault certificate.
    pub aks_keyvault_service_account: Option<String>,
    /// `haproxy-cfg`: the PEM (certificate and key) for the HTTPS frontend.
    pub haproxy_cert: Option<String>,
    /// `haproxy-cfg`: the Airbyte servers, `HOST:PORT`.
    pub upstreams: Vec<String>,
    /// `haproxy-cfg`: where the HTTP and HTTPS frontends listen.
    pub http_bind: Option<String>,
    pub https_bind: Option<String>,
    /// `haproxy-cfg`: cookie persistence to one server.
    pub sticky: bool,
}

impl Target {
    pub const ALL: &'static [Target] = &[
        Target::Chart,
        Target::Nginx,
        Target::Alb,
        Target::Aks,
        Target::AksAgc,
        Target::Haproxy,
        Target::Traefik,
        Target::GatewayApi,
        Target::HaproxyCfg,
    ];

    /// The one spelling used on the command line, in template folders, snapshots and docs.
    pub fn name(self) -> &'static str {
        match self {
            Target::Chart => "chart",
            Target::Nginx => "nginx",
            Target::Alb => "alb",
            Target::Aks => "aks",
            Target::AksAgc => "aks-agc",
            Target::Haproxy => "haproxy",
            Target::Traefik => "traefik",
            Target::GatewayApi => "gateway-api",
            Target::HaproxyCfg => "haproxy-cfg",
        }
    }

    pub fn from_name(s: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == s)
    }

    /// The templates of this target, as (name, source), embedded at build time.
    pub fn templates(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Target::AksAgc => aks_agc::TEMPLATES,
            Target::Traefik => traefik::TEMPLATES,
            Target::GatewayApi => gateway_api::TEMPLATES,
            Target::HaproxyCfg => haproxy_cfg::TEMPLATES,
            // the Ingress template is shared by every Ingress-API target; registered once
            Target::Chart => ingress::TEMPLATES,
            Target::Nginx | Target::Alb | Target::Aks | Target::Haproxy => &[],
        }
    }

    /// Whether the output is Kubernetes objects (everything but `haproxy-cfg`, a configuration file).
    pub fn renders_objects(self) -> bool {
        self != Target::HaproxyCfg
    }

    /// A target that renders an ingress of its own next to the chart (whose Ingress must then be off).
    pub fn is_bring_your_own(self) -> bool {
        self != Target::Chart
    }

    /// What a bring-your-own target makes of the values' class and annotations; `None` for `chart`.
    pub fn effective(self, plan: &Plan, opts: &TargetOptions) -> Option<Effective> {
        Some(match self {
            Target::Chart => return None,
            Target::Nginx => nginx::effective(plan, opts),
            Target::Alb => alb::effective(plan, opts),
            Target::Aks => aks::effective(plan, opts),
            Target::AksAgc => aks_agc::effective(plan, opts),
            Target::Haproxy => haproxy::effective(plan, opts),
            Target::Traefik => traefik::effective(plan, opts),
            Target::GatewayApi => gateway_api::effective(plan, opts),
            Target::HaproxyCfg => haproxy_cfg::effective(plan, opts),
        })
    }

    /// Checks the target's own options against the values; the message is a usage error.
    pub fn check_options(self, plan: &Plan, opts: &TargetOptions) -> Result<(), String> {
        match self {
            Target::AksAgc => aks_agc::check_options(plan, opts),
            Target::GatewayApi => gateway_api::check_options(plan, opts),
            Target::HaproxyCfg => haproxy_cfg::check_options(plan, opts),
            Target::Alb => match opts.alb_scheme.as_deref() {
                None | Some("internal" | "internet-facing") => Ok(()),
                Some(s) => Err(format!(
                    "`--alb-scheme {s}`: use `internal` or `internet-facing`"
                )),
            },
            _ => Ok(()),
        }
    }

    /// Renders the plan for this target.
    pub fn render(self, plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
        match self {
            Target::Chart => chart::render(plan),
            Target::Nginx => nginx::render(plan, opts),
            Target::Alb => alb::render(plan, opts),
            Target::Aks => aks::render(plan, opts),
            Target::AksAgc => aks_agc::render(plan, opts),
            Target::Haproxy => haproxy::render(plan, opts),
            Target::Traefik => traefik::render(plan, opts),
            Target::GatewayApi => gateway_api::render(plan, opts),
            Target::HaproxyCfg => haproxy_cfg::render(plan, opts),
        }
    }
}
