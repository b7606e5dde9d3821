//! Validation rules over the merged values and the plan, one small file per family. Which rules can
//! fire is decided by each rule's [`Scope`] in the catalog, checked here once.

mod annotations;
pub mod edition;
mod hosts;
mod layout;
pub mod manifests;
mod schema;
mod target;
pub mod url;

use crate::findings::{Finding, Rule, Scope};
use crate::plan::{Output, Plan};
use crate::values::{Node, Origin, Path, Sources};

pub use layout::check as check_layout;
pub use schema::{Instance, Kind, check as check_schema, conforms};

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
    pub fn value(&self, rule: Rule, path: Path, message: impl Into<String>) -> Finding {
        let origin = self.origin(&path);
        Finding::new(rule, path, origin, message)
    }

    /// A finding about the key at `path` (its name, not its value), pointing at the key.
    pub fn key(&self, rule: Rule, path: Path, message: impl Into<String>) -> Finding {
        let origin = self.key_origin(&path);
        Finding::new(rule, path, origin, message)
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Whether rules of `scope` apply to this run.
    pub fn applies(&self, scope: Scope) -> bool {
        applies(scope, self.plan)
    }
}

/// Whether rules of `scope` apply to a run with this plan: the catalog's scopes, decided once.
pub fn applies(scope: Scope, plan: &Plan) -> bool {
    match scope {
        Scope::Input | Scope::Values => true,
        Scope::Ingress => plan.configures_ingress() || plan.is_byo(),
        Scope::ChartIngress => plan.enabled && !plan.is_byo(),
        // with the chart's Ingress off and no target, nothing serves the values' class and
        // annotations: judging them would fail a release that writes its own Ingress
        Scope::Served => match &plan.byo {
            Some(byo) => byo.effective.controller.ingress_api(),
            None => plan.enabled,
        },
        Scope::Target => plan.output != Output::Values,
        Scope::Migrate | Scope::Manifests | Scope::Scan | Scope::Abctl | Scope::Probe => false,
    }
}

/// Every rule over the typed values and the plan (the schema and layout rules run before the plan
/// exists).
pub fn check_plan(root: &Node, plan: &Plan, sources: &Sources) -> Vec<Finding> {
    let mut ctx = Ctx {
        root,
        plan,
        sources,
        findings: Vec::new(),
    };
    annotations::null_values(&mut ctx);
    url::check(&mut ctx);
    edition::edition(&mut ctx);
    layout::names(&mut ctx);
    if ctx.applies(Scope::Ingress) {
        hosts::check(&mut ctx);
        annotations::check_names(&mut ctx);
        annotations::check_risks(&mut ctx);
    }
    if ctx.applies(Scope::Served) {
        annotations::check_served(&mut ctx);
        edition::lifecycle(&mut ctx);
    }
    if ctx.applies(Scope::ChartIngress) {
        edition::enterprise_routes(&mut ctx);
        annotations::class_missing(&mut ctx);
    }
    if ctx.applies(Scope::Target) {
        target::check(&mut ctx);
    }
    let mut findings = ctx.findings;
    // a rule fires only where its scope says; a finding outside it is a bug in the rule's family
    debug_assert!(
        findings.iter().all(|f| applies(f.rule.info().scope, plan)),
        "a finding outside its rule's scope: {:?}",
        findings
            .iter()
            .find(|f| !applies(f.rule.info().scope, plan))
    );
    findings.retain(|f| applies(f.rule.info().scope, plan));
    findings
}

#[cfg(test)]
mod tests {
    use crate::findings::Rule;
    use crate::targets::Target;

    fn fired(values: &str, target: Option<Target>) -> Vec<Rule> {
        crate::check_text(values, target, Default::default())
            .findings
            .iter()
            .map(|f| f.rule)
            .collect()
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
        let dup = |v: String| fired(&v, None).contains(&Rule::HostPathDuplicate);
        assert!(dup(values("airbyte.example.com", "/")));
        assert!(dup(values("Airbyte.Example.com", "/")));
        assert!(!dup(values("airbyte.example.com", "/api")));
        assert!(!dup(values("other.example.com", "/")));
    }

    /// The chart's Ingress off and no target: the class, annotations, hosts and TLS left in the
    /// block are served by nothing, so they are not judged (a release that writes its own Ingress
    /// must not fail on them); with a target they are what it serves, and are judged.
    #[test]
    fn an_ingress_block_nothing_serves_is_not_judged() {
        let values = "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: false\n  className: alb\n  hosts:\n    - host: old.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n";
        assert_eq!(fired(values, None), Vec::<Rule>::new());
        let alb = fired(values, Some(Target::Alb));
        assert!(alb.contains(&Rule::UrlHostMismatch), "{alb:?}");
        let on = fired(&values.replace("enabled: false", "enabled: true"), None);
        assert!(on.contains(&Rule::AlbTargetType), "{on:?}");
        assert!(on.contains(&Rule::UrlHostMismatch), "{on:?}");
    }

    /// A Kubernetes-style backend map where the chart takes the word `server`: the help says what
    /// the chart wants, not merely "a string".
    #[test]
    fn a_kubernetes_backend_map_is_told_what_the_chart_takes() {
        let values = |backend: &str| {
            format!(
                "global:\n  airbyteUrl: https://airbyte.example.com\ningress:\n  enabled: true\n  className: traefik\n  hosts:\n    - host: airbyte.example.com\n      paths: [{{path: /, pathType: Prefix, backend: {backend}}}]\n"
            )
        };
        let checked = crate::check_text(
            &values("{service: {name: airbyte-airbyte-server-svc, port: {number: 8001}}}"),
            None,
            Default::default(),
        );
        let f = checked
            .findings
            .iter()
            .find(|f| f.rule == Rule::WrongType)
            .expect("a wrong-type finding");
        assert!(f.help.contains("write `backend: server`"), "{}", f.help);
        // a number is still told the type
        let checked = crate::check_text(&values("8001"), None, Default::default());
        let f = checked
            .findings
            .iter()
            .find(|f| f.rule == Rule::WrongType)
            .expect("a wrong-type finding");
        assert_eq!(f.help, "write `backend` as a string");
    }

    /// The URL feeds links and cookies whatever serves Airbyte: its rules run with the chart's
    /// Ingress off, and point at the line.
    #[test]
    fn url_rules_run_with_the_chart_ingress_off() {
        let checked = crate::check_text(
            "ingress:\n  enabled: false\nglobal:\n  airbyteUrl: airbyte.corp.example\n",
            None,
            Default::default(),
        );
        let f = &checked.findings[0];
        assert_eq!(f.rule, Rule::UrlInvalid);
        assert_eq!(
            checked.loaded.sources.describe(f.primary()),
            "values.yaml:4:15"
        );
        assert!(
            f.help.contains("`https://airbyte.corp.example`"),
            "{}",
            f.help
        );
        let http = fired(
            "global:\n  airbyteUrl: http://airbyte.corp.example\nsecurity:\n  cookieSecureSetting: false\n",
            None,
        );
        assert_eq!(http, [Rule::CookieSecureOverHttp, Rule::MisplacedKey]);
        let auth = fired("global:\n  auth:\n    enabled: true\n", None);
        assert_eq!(auth, [Rule::UrlMissing]);
        assert!(fired("global:\n  auth:\n    enabled: false\n", None).is_empty());
    }

    /// Scopes decide: the chart-Ingress-only rule is silent for a bring-your-own target, the
    /// target-only rules for plain validation, and a bring-your-own target's annotations are judged
    /// instead of the values' class.
    #[test]
    fn scopes_select_the_rules_of_each_run() {
        let enterprise = "global:\n  airbyteUrl: https://a.example.com\n  edition: enterprise\nkeycloak:\n  enabled: true\ningress:\n  enabled: true\n  className: nginx\n  hosts:\n    - host: a.example.com\n      paths: [{path: /, pathType: Prefix, backend: server}]\n";
        let plain = fired(enterprise, None);
        assert!(plain.contains(&Rule::EnterpriseAuthRoute));
        assert!(
            plain.contains(&Rule::TimeoutTooLow),
            "the values' nginx class has no timeouts"
        );
        assert!(!plain.contains(&Rule::ChartIngressAlsoEnabled));
        let byo = fired(enterprise, Some(Target::Nginx));
        assert!(!byo.contains(&Rule::EnterpriseAuthRoute));
        assert!(!byo.contains(&Rule::TimeoutTooLow), "the target sets them");
        assert!(byo.contains(&Rule::ChartIngressAlsoEnabled));
        let traefik = fired(enterprise, Some(Target::Traefik));
        assert!(traefik.contains(&Rule::TraefikEntrypointTimeout));
        assert!(!traefik.contains(&Rule::IngressNginxRetired));
    }

    /// Each controller's catch-all forms serve `/`: the ALB's `/*` with ImplementationSpecific
    /// is no missing root route, its bare `/` is.
    #[test]
    fn catch_all_forms_count_as_the_root_route() {
        let values = |class: &str, path: &str, extra: &str| {
            format!(
                "global:\n  airbyteUrl: https://a.example.com\ningress:\n  enabled: true\n  className: {class}\n  annotations:\n    x.example.com/y: z\n{extra}  hosts:\n    - host: a.example.com\n      paths: [{{path: \"{path}\", pathType: ImplementationSpecific, backend: server}}]\n"
            )
        };
        let root_missing = |v: String| fired(&v, None).contains(&Rule::RootRouteMissing);
        assert!(!root_missing(values("alb", "/*", "")));
        assert!(root_missing(values("alb", "/", "")));
        assert!(!root_missing(values("nginx", "/", "")));
        assert!(root_missing(values("nginx", "/(.*)", "")));
        assert!(!root_missing(values(
            "nginx",
            "/(.*)",
            "    nginx.ingress.kubernetes.io/use-regex: \"true\"\n"
        )));
        assert!(!root_missing(values("traefik", "/", "")));
        assert!(!root_missing(values("haproxy", "/", "")));
        assert!(!root_missing(values("azure-alb-external", "/*", "")));
        assert!(!root_missing(values("gce", "/*", "")));
    }
}
