//! The targets: one enum (the CLI's `--target` values, the template folders, the snapshot and
//! README names all come from it) and the matches that dispatch to one module per target. Adding
//! a target is a variant here, its module, its templates and its snapshots; the compiler lists
//! every match that forgot it.

mod aks;
mod aks_agc;
mod alb;
mod chart;
pub mod flags;
mod gateway_api;
mod haproxy_cfg;
mod ingress;
mod istio;
mod traefik;

use crate::controllers::{Controller, Settings};
use crate::plan::{Output, Plan};
use crate::render::{RenderError, Rendered, Templates};

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

/// Settings a target cannot work with (a flag it does not read, a value it refuses, flags that
/// contradict each other): a usage error, exit 2, before anything is printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for SettingsError {
    fn from(s: String) -> Self {
        SettingsError(s)
    }
}

impl From<&str> for SettingsError {
    fn from(s: &str) -> Self {
        SettingsError(s.to_string())
    }
}

/// What a target produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produces {
    /// Kubernetes objects of the API server's own kinds (Ingress, with its controller's
    /// annotations).
    Objects,
    /// Kubernetes objects of custom resources (IngressRoute, HTTPRoute, VirtualService, ...): the
    /// cluster needs their CRDs.
    CustomObjects,
    /// A configuration file for a program outside Kubernetes (`haproxy.cfg`).
    ConfigFile,
}

/// How a target renders.
#[derive(Clone, Copy)]
pub enum Renderer {
    /// The chart's own Ingress, from the plan alone.
    Chart(fn(&Plan) -> Result<Rendered, RenderError>),
    /// A bring-your-own target, from the plan and what it makes of the values.
    Byo(ByoRender),
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Renderer::Chart(_) => "Renderer::Chart",
            Renderer::Byo(_) => "Renderer::Byo",
        })
    }
}

/// Everything that makes a target what it is, in one place. Every other fact about a target is
/// derived from its profile or reached through an exhaustive match on [`Target`] or
/// [`Controller`], so adding a target makes the compiler list what it must fill in. Its flags are
/// in [`flags::FLAGS`], each naming the targets that read it.
#[derive(Debug)]
pub struct Profile {
    /// The controller a bring-your-own target renders for (annotations, defaults, floors and the
    /// wording of what it leaves out live there); `None` for `chart`.
    pub controller: Option<Controller>,
    pub produces: Produces,
    pub templates: Templates,
    pub render: Renderer,
    /// Checks the target's own settings against the plan; the message is a usage error (exit 2).
    pub check_settings: SettingsCheck,
    /// The flags (and values) it cannot render without, as the examples, tests, benchmarks and
    /// fuzz targets pass them.
    pub needs: &'static [(&'static str, &'static str)],
}

/// How a target renders from the plan and what it makes of the values.
type ByoRender = fn(&Plan, &crate::plan::Byo) -> Result<Rendered, RenderError>;
/// How a target checks its settings.
type SettingsCheck = fn(&Plan, &Settings) -> Result<(), SettingsError>;

/// A target whose settings need no check of their own.
fn no_check(_: &Plan, _: &Settings) -> Result<(), SettingsError> {
    Ok(())
}

impl Target {
    /// Every target, in the order `--help` and the README list them.
    pub fn all() -> &'static [Target] {
        <Target as strum::VariantArray>::VARIANTS
    }

    /// The targets that write Kubernetes objects (every one but a configuration file), in the
    /// order of [`Target::all`].
    pub fn object_targets() -> impl Iterator<Item = Target> {
        Self::all().iter().copied().filter(|t| t.renders_objects())
    }

    /// The one spelling used on the command line, in template folders, snapshots and docs.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(s: &str) -> Option<Target> {
        s.parse().ok()
    }

    /// The target's profile: the one exhaustive match that says what each target is.
    pub fn profile(self) -> Profile {
        use Produces::{ConfigFile, CustomObjects, Objects};
        let byo = |controller, produces, templates, render, check_settings| Profile {
            controller: Some(controller),
            produces,
            templates,
            render: Renderer::Byo(render),
            check_settings,
            needs: &[],
        };
        match self {
            Target::Chart => Profile {
                controller: None,
                produces: Objects,
                templates: ingress::TEMPLATES,
                render: Renderer::Chart(chart::render),
                check_settings: no_check,
                needs: &[],
            },
            Target::Nginx => byo(
                Controller::IngressNginx,
                Objects,
                ingress::TEMPLATES,
                ingress::render_one,
                no_check,
            ),
            Target::Alb => byo(
                Controller::Alb,
                Objects,
                ingress::TEMPLATES,
                ingress::render_one,
                no_check,
            ),
            Target::Aks => byo(
                Controller::AksAppRouting,
                Objects,
                ingress::TEMPLATES,
                aks::render,
                no_check,
            ),
            Target::AksAgc => Profile {
                needs: &[
                    ("--agc-alb-name", "airbyte-agc"),
                    ("--agc-alb-namespace", "alb-infra"),
                ],
                ..byo(
                    Controller::Agc,
                    CustomObjects,
                    aks_agc::TEMPLATES,
                    aks_agc::render,
                    aks_agc::check_settings,
                )
            },
            Target::Haproxy => byo(
                Controller::Haproxy,
                Objects,
                ingress::TEMPLATES,
                ingress::render_one,
                no_check,
            ),
            Target::Traefik => byo(
                Controller::Traefik,
                CustomObjects,
                traefik::TEMPLATES,
                traefik::render,
                no_check,
            ),
            Target::GatewayApi => Profile {
                needs: &[("--gateway-class", "istio")],
                ..byo(
                    Controller::GatewayApi,
                    CustomObjects,
                    gateway_api::TEMPLATES,
                    gateway_api::render,
                    |_, s| gateway_api::check_settings(s),
                )
            },
            Target::HaproxyCfg => Profile {
                needs: &[("--haproxy-cert", "/etc/haproxy/certs/airbyte.pem")],
                ..byo(
                    Controller::HaproxyCfg,
                    ConfigFile,
                    haproxy_cfg::TEMPLATES,
                    haproxy_cfg::render,
                    haproxy_cfg::check_settings,
                )
            },
            Target::Istio => byo(
                Controller::Istio,
                CustomObjects,
                istio::TEMPLATES,
                istio::render,
                |_, s| istio::check_settings(s),
            ),
        }
    }

    /// The controller a bring-your-own target renders for; `None` for `chart`.
    pub fn controller(self) -> Option<Controller> {
        self.profile().controller
    }

    /// What the plan is built for when rendering (or validating for) this target.
    pub fn output(self) -> Output {
        self.controller().map_or(Output::Chart, Output::Byo)
    }

    /// Whether the output is Kubernetes objects (not a configuration file).
    pub fn renders_objects(self) -> bool {
        match self.profile().produces {
            Produces::Objects | Produces::CustomObjects => true,
            Produces::ConfigFile => false,
        }
    }

    /// A target that renders an ingress of its own next to the chart (whose Ingress must then be off).
    pub fn is_bring_your_own(self) -> bool {
        matches!(self.profile().render, Renderer::Byo(_))
    }

    /// The target flags this target reads (from [`flags::FLAGS`]); any other target flag is refused.
    pub fn flags(self) -> Vec<&'static flags::Flag> {
        flags::FLAGS
            .iter()
            .filter(|f| f.targets.contains(&self))
            .collect()
    }

    /// The flags and values this target cannot render without (its profile's `needs`), as
    /// command-line arguments.
    pub fn needed_args(self) -> Vec<&'static str> {
        self.profile()
            .needs
            .iter()
            .flat_map(|(f, v)| [*f, *v])
            .collect()
    }

    /// The settings of [`Target::needed_args`].
    pub fn needed_settings(self) -> Settings {
        let given: Vec<(&'static flags::Flag, Vec<String>)> = self
            .profile()
            .needs
            .iter()
            .filter_map(|(f, v)| flags::flag(f).map(|flag| (flag, vec![v.to_string()])))
            .collect();
        flags::settings(Some(self), &given).unwrap_or_default()
    }

    /// The templates this target renders with.
    pub fn templates(self) -> Templates {
        self.profile().templates
    }

    /// Checks the target's own settings against the plan; the message is a usage error (exit 2).
    pub fn check_settings(self, plan: &Plan, settings: &Settings) -> Result<(), SettingsError> {
        (self.profile().check_settings)(plan, settings)?;
        if settings.tls_secret.is_some() && !plan.tls.is_empty() {
            return Err(SettingsError(format!(
                "`{}` names the Secret for the host of an `https` `global.airbyteUrl`; these values have `ingress.tls`, which names its own Secrets",
                flags::TLS_SECRET
            )));
        }
        Ok(())
    }

    /// Renders the plan for this target. The plan was checked first: an `Err` here is a fault of
    /// this tool, not of the values.
    pub fn render(self, plan: &Plan) -> Result<Rendered, RenderError> {
        match self.profile().render {
            Renderer::Chart(render) => render(plan),
            Renderer::Byo(render) => {
                let byo = plan
                    .byo
                    .as_ref()
                    .ok_or_else(|| format!("the plan was not built for `{}`", self.name()))?;
                render(plan, byo)
            }
        }
    }
}

/// Every target flag (`--alb-scheme`, ...), each with the targets that read it.
pub fn flag_owners() -> Vec<(String, Vec<Target>)> {
    flags::FLAGS
        .iter()
        .map(|f| (f.name(), f.targets.to_vec()))
        .collect()
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
                .any(|(f, o)| f == "--gateway-class" && o == &[Target::GatewayApi])
        );
        let tls = owners.iter().find(|(f, _)| f == flags::TLS_SECRET).unwrap();
        assert!(tls.1.contains(&Target::Nginx) && !tls.1.contains(&Target::Alb));
        for (flag, targets) in owners {
            for t in targets {
                assert!(t.flags().iter().any(|f| f.name() == flag));
            }
        }
    }

    /// What a profile says a target needs are its own flags with values they take.
    #[test]
    fn needed_flags_are_the_target_s_own() {
        for &t in Target::all() {
            let given: Vec<(&'static flags::Flag, Vec<String>)> = t
                .profile()
                .needs
                .iter()
                .map(|(f, v)| (flags::flag(f).unwrap(), vec![v.to_string()]))
                .collect();
            flags::settings(Some(t), &given).unwrap();
            assert_eq!(t.needed_args().len(), 2 * given.len());
        }
        assert!(Target::HaproxyCfg.needed_settings().haproxy_cert.is_some());
    }

    /// The profile agrees with itself: only `chart` renders from the plan alone and has no
    /// controller; a controller's output name is its target's; custom objects come from
    /// templates of their own.
    #[test]
    fn profiles_are_consistent() {
        for &t in Target::all() {
            let p = t.profile();
            assert_eq!(
                p.controller.is_none(),
                matches!(p.render, Renderer::Chart(_)),
                "{}",
                t.name()
            );
            if p.produces == Produces::CustomObjects {
                assert!(
                    p.templates.iter().any(|(n, _)| n.starts_with(t.name())),
                    "{}",
                    t.name()
                );
            }
        }
    }

    /// Every document every target renders for every valid fixture is read by the fast block
    /// reader, and read as the event reader reads it: our own output never needs the slow path.
    #[test]
    fn the_fast_reader_reads_every_rendered_document() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/valid");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for &target in Target::all() {
                let checked = crate::check_text(&text, Some(target), target.needed_settings());
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
