//! The targets: one enum (the CLI's `--target` values, the template folders, the snapshot and
//! README names all come from it) and the matches that dispatch to one module per target. Adding
//! a target is a variant here, its module, its templates and its snapshots; the compiler lists
//! every match that forgot it.

mod aks;
mod aks_agc;
mod alb;
mod chart;
mod gateway_api;
mod haproxy_cfg;
mod ingress;
mod istio;
mod traefik;

use crate::controllers::{Controller, Settings};
use crate::plan::{Output, Plan};
use crate::render::{Rendered, Templates};

/// What `render --target` can produce.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
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
    /// The Istio ingress gateway: Istio Gateway and VirtualService (the AKS Istio add-on, upstream Istio).
    Istio,
}

/// The flag that names the TLS Secret for the host of an `https` `global.airbyteUrl`.
pub(crate) const TLS_SECRET: &str = "--tls-secret";

impl Target {
    /// Every target, in the order `--help` and the README list them.
    pub fn all() -> &'static [Target] {
        <Target as strum::VariantArray>::VARIANTS
    }

    /// The one spelling used on the command line, in template folders, snapshots and docs.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(s: &str) -> Option<Target> {
        s.parse().ok()
    }

    /// The controller a bring-your-own target renders for; `None` for `chart`.
    pub fn controller(self) -> Option<Controller> {
        Some(match self {
            Target::Chart => return None,
            Target::Nginx => Controller::IngressNginx,
            Target::Alb => Controller::Alb,
            Target::Aks => Controller::AksAppRouting,
            Target::AksAgc => Controller::Agc,
            Target::Haproxy => Controller::Haproxy,
            Target::Traefik => Controller::Traefik,
            Target::GatewayApi => Controller::GatewayApi,
            Target::HaproxyCfg => Controller::HaproxyCfg,
            Target::Istio => Controller::Istio,
        })
    }

    /// What the plan is built for when rendering (or validating for) this target.
    pub fn output(self) -> Output {
        self.controller().map_or(Output::Chart, Output::Byo)
    }

    /// Whether the output is Kubernetes objects (everything but `haproxy-cfg`, a configuration file).
    pub fn renders_objects(self) -> bool {
        self != Target::HaproxyCfg
    }

    /// A target that renders an ingress of its own next to the chart (whose Ingress must then be off).
    pub fn is_bring_your_own(self) -> bool {
        self != Target::Chart
    }

    /// The target flags this target reads; any other target flag is refused.
    pub fn flags(self) -> &'static [&'static str] {
        match self {
            Target::Chart => &[],
            Target::Nginx | Target::Haproxy => &[TLS_SECRET],
            Target::Alb => alb::FLAGS,
            Target::Aks => aks::FLAGS,
            Target::AksAgc => aks_agc::FLAGS,
            Target::Traefik => traefik::FLAGS,
            Target::GatewayApi => gateway_api::FLAGS,
            Target::HaproxyCfg => haproxy_cfg::FLAGS,
            Target::Istio => istio::FLAGS,
        }
    }

    /// The templates this target renders with.
    pub fn templates(self) -> Templates {
        match self {
            Target::AksAgc => aks_agc::TEMPLATES,
            Target::Traefik => traefik::TEMPLATES,
            Target::GatewayApi => gateway_api::TEMPLATES,
            Target::HaproxyCfg => haproxy_cfg::TEMPLATES,
            Target::Istio => istio::TEMPLATES,
            Target::Chart | Target::Nginx | Target::Alb | Target::Aks | Target::Haproxy => {
                ingress::TEMPLATES
            }
        }
    }

    /// Checks the target's own settings against the plan; the message is a usage error (exit 2).
    pub fn check_settings(self, plan: &Plan, settings: &Settings) -> Result<(), String> {
        check_names(settings)?;
        match self {
            Target::AksAgc => aks_agc::check_settings(plan, settings),
            Target::GatewayApi => gateway_api::check_settings(settings),
            Target::HaproxyCfg => haproxy_cfg::check_settings(plan, settings),
            Target::Istio => istio::check_settings(settings),
            _ => Ok(()),
        }?;
        if settings.tls_secret.is_some() && !plan.tls.is_empty() {
            return Err(format!(
                "`{TLS_SECRET}` names the Secret for the host of an `https` `global.airbyteUrl`; these values have `ingress.tls`, which names its own Secrets"
            ));
        }
        Ok(())
    }

    /// Renders the plan for this target. The plan was checked first: an `Err` here is a fault of
    /// this tool, not of the values.
    pub fn render(self, plan: &Plan) -> Result<Rendered, String> {
        if self == Target::Chart {
            return chart::render(plan);
        }
        let byo = plan
            .byo
            .as_ref()
            .ok_or_else(|| format!("the plan was not built for `{}`", self.name()))?;
        match self {
            Target::Chart => chart::render(plan),
            Target::Nginx | Target::Alb | Target::Haproxy => ingress::render_one(plan, byo),
            Target::Aks => aks::render(plan, byo),
            Target::AksAgc => aks_agc::render(plan, byo),
            Target::Traefik => traefik::render(plan, byo),
            Target::GatewayApi => gateway_api::render(plan, byo),
            Target::HaproxyCfg => haproxy_cfg::render(plan, byo),
            Target::Istio => istio::render(plan, byo),
        }
    }
}

/// The settings that name Kubernetes objects must be names the API server takes: a bad one is a
/// usage error, never output the cluster rejects.
fn check_names(s: &Settings) -> Result<(), String> {
    use crate::names::{dns_label_ok, dns_subdomain_ok};
    type NameRule = fn(&str) -> bool;
    let names: [(&str, &Option<String>, NameRule); 9] = [
        ("--tls-secret", &s.tls_secret, dns_subdomain_ok),
        ("--gateway-class", &s.gateway_class, dns_subdomain_ok),
        ("--gateway-name", &s.gateway_name, dns_subdomain_ok),
        ("--gateway-namespace", &s.gateway_namespace, dns_label_ok),
        ("--gateway-section", &s.gateway_section, dns_subdomain_ok),
        ("--agc-alb-name", &s.agc_alb_name, dns_subdomain_ok),
        ("--agc-alb-namespace", &s.agc_alb_namespace, dns_label_ok),
        (
            "--istio-gateway-namespace",
            &s.istio_gateway_namespace,
            dns_label_ok,
        ),
        (
            "--aks-keyvault-service-account",
            &s.aks_keyvault_service_account,
            dns_subdomain_ok,
        ),
    ];
    for (flag, value, ok) in names {
        if let Some(v) = value
            && !ok(v)
        {
            return Err(format!(
                "`{flag} {v}` is not a valid Kubernetes name: use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"
            ));
        }
    }
    Ok(())
}

/// Every target flag (`--alb-scheme`, ...), each with the targets that read it: for the message
/// that refuses a flag given to another target.
pub fn flag_owners() -> Vec<(&'static str, Vec<Target>)> {
    let mut out: Vec<(&'static str, Vec<Target>)> = Vec::new();
    for &t in Target::all() {
        for &flag in t.flags() {
            match out.iter_mut().find(|(f, _)| *f == flag) {
                Some((_, owners)) => owners.push(t),
                None => out.push((flag, vec![t])),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_kebab_case() {
        let names: Vec<&str> = Target::all().iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "chart",
                "nginx",
                "alb",
                "aks",
                "aks-agc",
                "haproxy",
                "traefik",
                "gateway-api",
                "haproxy-cfg",
                "istio"
            ]
        );
        for &t in Target::all() {
            assert_eq!(Target::from_name(t.name()), Some(t));
        }
        assert_eq!(Target::from_name("gatewayapi"), None);
        assert_eq!(Target::from_name("Chart"), None);
    }

    /// Messages name a bring-your-own output by its controller; that name is the target's.
    #[test]
    fn every_controller_is_named_as_its_target() {
        for &t in Target::all() {
            if let Some(c) = t.controller() {
                assert_eq!(c.output_name(), t.name());
            }
        }
    }

    #[test]
    fn every_template_belongs_to_its_target_s_folder_and_escapes_for_its_kind() {
        for &t in Target::all() {
            for (name, source) in t.templates() {
                let folder = name.split('/').next().unwrap_or("");
                assert!(
                    folder == t.name() || folder == "ingress",
                    "{name} is not in the `{}` folder",
                    t.name()
                );
                crate::render::probe_template(name, source).unwrap();
            }
        }
    }

    #[test]
    fn every_flag_has_an_owner_and_owners_list_it() {
        let owners = flag_owners();
        assert!(
            owners
                .iter()
                .any(|(f, o)| *f == "--gateway-class" && o == &[Target::GatewayApi])
        );
        let tls = owners.iter().find(|(f, _)| *f == TLS_SECRET).unwrap();
        assert!(tls.1.contains(&Target::Nginx) && !tls.1.contains(&Target::Alb));
        for (flag, targets) in owners {
            for t in targets {
                assert!(t.flags().contains(&flag));
            }
        }
    }

    /// Every document every target renders for every valid fixture is read by the fast block
    /// reader, and read as the event reader reads it: our own output never needs the slow path.
    #[test]
    fn the_fast_reader_reads_every_rendered_document() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/valid");
        let settings = Settings {
            agc_alb_name: Some("airbyte-agc".into()),
            agc_alb_namespace: Some("alb-infra".into()),
            gateway_class: Some("istio".into()),
            haproxy_cert: Some("/etc/haproxy/certs/airbyte.pem".into()),
            ..Default::default()
        };
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for &target in Target::all() {
                let checked = crate::check_text(&text, Some(target), settings.clone());
                let errors = checked.has_errors();
                let Some(plan) = checked.plan.filter(|_| !errors) else {
                    continue; // a fixture this target cannot take (its findings are tested elsewhere)
                };
                for doc in target.render(&plan).unwrap().docs {
                    let fast = crate::blockyaml::read(
                        &doc.text,
                        crate::tree::RENDERED,
                        &mut crate::tree::TreeSink,
                    )
                    .unwrap_or_else(|| {
                        panic!(
                            "{} {target:?}: the fast reader declined\n{}",
                            path.display(),
                            doc.text
                        )
                    });
                    assert_eq!(
                        fast,
                        crate::render::document::read_document_events(&doc.text).unwrap(),
                        "{}",
                        doc.text
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "only {seen} documents rendered");
    }
}
