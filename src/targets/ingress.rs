//! The `networking.k8s.io/v1` Ingress shared by the chart and every Ingress-API target: its
//! template context, Airbyte's routes on every served host, and the typed read-back of every
//! rendered Ingress.

use serde::Serialize;

use crate::plan::{Byo, Plan, Port, Service, TlsEntry};
use crate::render::{Document, Expected, RenderError, Rendered, Templates, parse_back, yaml_str};
use crate::tree::Tree;

pub const TEMPLATES: Templates = &[(
    "ingress/ingress.yaml.j2",
    include_str!("../../templates/ingress/ingress.yaml.j2"),
)];

/// The context of `ingress/ingress.yaml.j2`.
#[derive(Clone, Debug, Serialize)]
pub struct IngressCtx {
    pub name: String,
    pub release: String,
    pub namespace: Option<String>,
    pub class: Option<String>,
    pub annotations: Vec<(String, String)>,
    pub tls: Vec<TlsCtx>,
    pub rules: Vec<RuleCtx>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TlsCtx {
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleCtx {
    pub host: String,
    pub paths: Vec<PathCtx>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PathCtx {
    pub path: String,
    pub path_type: Option<&'static str>,
    pub service: String,
    pub port_name: Option<&'static str>,
    pub port_number: Option<u16>,
}

impl PathCtx {
    pub fn new(path: &str, path_type: Option<&'static str>, s: &Service) -> PathCtx {
        let (port_name, port_number) = match s.port {
            Port::Name(n) => (Some(n), None),
            Port::Number(n) => (None, Some(n)),
        };
        PathCtx {
            path: path.to_string(),
            path_type,
            service: s.name.clone(),
            port_name,
            port_number,
        }
    }
}

/// TLS entries as the Ingress writes them.
pub fn tls_ctx(entries: &[TlsEntry]) -> Vec<TlsCtx> {
    entries
        .iter()
        .map(|t| TlsCtx {
            hosts: t.hosts.clone(),
            secret_name: t.secret_name.clone(),
        })
        .collect()
}

/// The served TLS entries' hosts that the target also serves, each with its Secret, in order;
/// lowercase, as host names compare and as rules and listeners must write them.
pub fn tls_hosts(byo: &Byo) -> Vec<(String, Option<String>)> {
    let index = crate::names::HostIndex::new(byo.hosts.iter().map(String::as_str));
    let mut seen = foldhash::HashSet::default();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for t in &byo.tls {
        for h in &t.hosts {
            let h = crate::names::lowercase(h.trim_end_matches('.'));
            if index.overlaps(&h) && seen.insert(h.to_string()) {
                out.push((h.into_owned(), t.secret_name.clone()));
            }
        }
    }
    out
}

/// The served hosts that `secure` (the hosts served over TLS) does not list, in order, compared
/// without case through a set so that thousands of hosts stay linear.
pub fn plain_hosts<'b>(byo: &'b Byo, secure: &[String]) -> Vec<&'b str> {
    let secure: foldhash::HashSet<_> = secure.iter().map(|h| crate::names::lowercase(h)).collect();
    byo.hosts
        .iter()
        .map(String::as_str)
        .filter(|h| !secure.contains(&*crate::names::lowercase(h)))
        .collect()
}

/// Airbyte's routes on every served host: `/` to the server, the connector builder on chart
/// 2.0.18-2.0.19, and Keycloak's public paths for Enterprise (never all of `/auth`, which would
/// expose the admin console). Most specific first.
pub fn airbyte_rules(plan: &Plan, byo: &Byo) -> Vec<RuleCtx> {
    let paths: Vec<PathCtx> = plan
        .airbyte_paths()
        .iter()
        .map(|(p, service)| PathCtx::new(p.path, Some("Prefix"), service))
        .collect();
    byo.hosts
        .iter()
        .map(|h| RuleCtx {
            host: h.clone(),
            paths: paths.clone(),
        })
        .collect()
}

/// A bring-your-own Ingress with Airbyte's routes, the target's class and annotations.
pub fn byo_ingress(plan: &Plan, byo: &Byo, tls: Vec<TlsCtx>) -> IngressCtx {
    IngressCtx {
        name: plan.name.clone(),
        release: plan.release.clone(),
        namespace: Some(plan.namespace.clone()),
        class: Some(byo.effective.class.clone()),
        annotations: byo
            .effective
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        tls,
        rules: airbyte_rules(plan, byo),
    }
}

/// The whole output of a single-Ingress target (ingress-nginx, ALB, HAProxy).
pub fn render_one(plan: &Plan, byo: &Byo) -> Result<Rendered, RenderError> {
    Ok(Rendered {
        docs: render_ingress(&byo_ingress(plan, byo, tls_ctx(&byo.tls)))?,
        file: None,
    })
}

/// The Ingress written and read back: its text must be the Ingress `ctx` describes and pass the
/// typed [`check`] before anything is printed.
pub fn render_ingress(ctx: &IngressCtx) -> Result<Vec<Document>, RenderError> {
    let expected = [Expected::new("networking.k8s.io/v1", "Ingress", &ctx.name).checked(check)];
    let mut text = String::with_capacity(ctx.text_size());
    write_ingress(ctx, &mut text)?;
    parse_back(text, &expected)
}

/// Writes the Ingress exactly as `templates/ingress/ingress.yaml.j2` lays it out, every value a
/// scalar from [`yaml_str`] as the template environment writes it. The template stays the
/// reference: a property test holds the two to the same bytes for any context. Written by hand
/// because the template engine took a fifth of a 5000-host render.
pub fn write_ingress(ctx: &IngressCtx, out: &mut String) -> Result<(), RenderError> {
    fn line(out: &mut String, head: &str, value: &str) {
        out.push_str(head);
        out.push_str(&yaml_str(value));
        out.push('\n');
    }
    out.push_str("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n");
    line(out, "  name: ", &ctx.name);
    if let Some(ns) = &ctx.namespace {
        line(out, "  namespace: ", ns);
    }
    out.push_str("  labels:\n    app.kubernetes.io/name: airbyte\n");
    line(out, "    app.kubernetes.io/instance: ", &ctx.release);
    out.push_str("    app.kubernetes.io/managed-by: airbyte-ingress\n");
    if !ctx.annotations.is_empty() {
        out.push_str("  annotations:\n");
        for (key, value) in &ctx.annotations {
            out.push_str("    ");
            out.push_str(&yaml_str(key));
            line(out, ": ", value);
        }
    }
    out.push_str("spec:\n");
    if let Some(class) = &ctx.class {
        line(out, "  ingressClassName: ", class);
    }
    if !ctx.tls.is_empty() {
        out.push_str("  tls:\n");
        for entry in &ctx.tls {
            out.push_str("    - hosts:\n");
            for host in &entry.hosts {
                line(out, "        - ", host);
            }
            if entry.hosts.is_empty() {
                out.push_str("        []\n");
            }
            if let Some(secret) = &entry.secret_name {
                line(out, "      secretName: ", secret);
            }
        }
    }
    if !ctx.rules.is_empty() {
        out.push_str("  rules:\n");
        for rule in &ctx.rules {
            line(out, "    - host: ", &rule.host);
            out.push_str("      http:\n        paths:\n");
            for p in &rule.paths {
                line(out, "          - path: ", &p.path);
                if let Some(path_type) = p.path_type {
                    line(out, "            pathType: ", path_type);
                }
                out.push_str("            backend:\n              service:\n");
                line(out, "                name: ", &p.service);
                out.push_str("                port:\n");
                match (p.port_name, p.port_number) {
                    (Some(name), _) => line(out, "                  name: ", name),
                    (None, Some(number)) => {
                        out.push_str("                  number: ");
                        out.push_str(&number.to_string());
                        out.push('\n');
                    }
                    // the template refuses a `none` value as well
                    (None, None) => {
                        return Err(format!(
                            "Ingress `{}`: path `{}` has no port",
                            ctx.name, p.path
                        )
                        .into());
                    }
                }
            }
            if rule.paths.is_empty() {
                out.push_str("          []\n");
            }
        }
    }
    Ok(())
}

impl IngressCtx {
    /// About how many bytes [`write_ingress`] writes for it, rounded up (the lines each value sits
    /// on): the buffer is reserved at that size, as a large text grown by doubling touches every
    /// smaller buffer it outgrew as well, each page a fault, while reserved pages are only touched
    /// as they are written.
    fn text_size(&self) -> usize {
        let annotations: usize = self
            .annotations
            .iter()
            .map(|(k, v)| k.len() + v.len() + 8)
            .sum();
        let tls: usize = self
            .tls
            .iter()
            .map(|t| {
                32 + t.secret_name.as_ref().map_or(0, String::len)
                    + t.hosts.iter().map(|h| h.len() + 16).sum::<usize>()
            })
            .sum();
        let rules: usize = self
            .rules
            .iter()
            .map(|r| {
                48 + r.host.len()
                    + r.paths
                        .iter()
                        .map(|p| 224 + p.path.len() + p.service.len())
                        .sum::<usize>()
            })
            .sum();
        1024 + self.name.len() + self.release.len() + annotations + tls + rules
    }
}

/// A rendered Ingress read into the real Kubernetes type: nothing unknown (serde_ignored names
/// it), nothing of the wrong type.
fn check(d: &Document, tree: &Tree<'_>) -> Result<(), String> {
    // k8s-openapi skips fields it does not know; serde_ignored names them (a re-serialize and
    // compare did the same at twice the cost of the whole parse-back)
    let mut unknown = None;
    let _: k8s_openapi::api::networking::v1::Ingress = serde_ignored::deserialize(tree, |path| {
        unknown.get_or_insert_with(|| field_path(&path));
    })
    .map_err(|e| format!("rendered Ingress `{}` is not a valid Ingress: {e}", d.name))?;
    match unknown {
        Some(path) => Err(format!(
            "rendered Ingress `{}` has fields outside networking.k8s.io/v1 Ingress (`{path}`)",
            d.name
        )),
        None => Ok(()),
    }
}

/// `spec.rules[0].http` for a path serde_ignored reports (its `?` for optional values left out).
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        P::Map { parent, key } => {
            let head = field_path(parent);
            if head.is_empty() {
                key.clone()
            } else {
                format!("{head}.{key}")
            }
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            field_path(parent)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse_back;

    #[test]
    fn plain_hosts_keeps_the_order_and_ignores_case() {
        let byo = Byo {
            settings: Default::default(),
            effective: crate::controllers::Effective {
                controller: crate::controllers::Controller::IngressNginx,
                class: "nginx".into(),
                annotations: Default::default(),
                dropped: vec![],
                allow_list: None,
            },
            hosts: vec![
                "a.example.com".into(),
                "b.example.com".into(),
                "c.example.com".into(),
            ],
            tls: vec![],
            from_url: false,
        };
        let secure = vec!["B.Example.com".to_string()];
        assert_eq!(
            plain_hosts(&byo, &secure),
            ["a.example.com", "c.example.com"]
        );
        assert_eq!(plain_hosts(&byo, &[]).len(), 3);
    }

    #[test]
    fn parse_back_refuses_unknown_ingress_fields() {
        let exp = [Expected::new("networking.k8s.io/v1", "Ingress", "a").checked(check)];
        let head = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n";
        let ok = format!(
            "{head}spec:\n  rules:\n    - host: a.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: s\n                port:\n                  number: 80\n"
        );
        assert!(parse_back(ok.to_string(), &exp).is_ok());
        for (from, to, field) in [
            ("spec:\n  rules:", "spec:\n  rulez:", "spec.rulez"),
            (
                "              service:",
                "              servise:",
                "spec.rules[0].http.paths[0].backend.servise",
            ),
            (
                "  name: a\n",
                "  name: a\n  labelz: {}\n",
                "metadata.labelz",
            ),
        ] {
            let err = parse_back(ok.replacen(from, to, 1), &exp).unwrap_err();
            assert!(
                err.0.contains("fields outside") && err.0.contains(field),
                "{err}"
            );
        }
        let wrong_type = ok.replace("number: 80", "number: eighty");
        assert!(
            parse_back(wrong_type.to_string(), &exp)
                .unwrap_err()
                .0
                .contains("not a valid Ingress")
        );
    }

    /// Any string, weighted to what YAML could misread: words, numbers, quotes, line breaks,
    /// template syntax and characters outside ASCII.
    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::prop_oneof![
            "[a-z0-9.-]{1,20}",
            "(/[a-z]{0,8}){1,3}",
            proptest::sample::select(vec![
                "yes", "null", "~", "600", "1e3", "nan", "", "- x", "a: b"
            ])
            .prop_map(String::from),
            "\\PC{0,12}",
            ".{0,12}",
        ]
    }

    fn any_ctx() -> impl proptest::strategy::Strategy<Value = IngressCtx> {
        use proptest::collection::vec;
        use proptest::option::of;
        use proptest::prelude::*;
        let path = (
            any_text(),
            of(proptest::sample::select(vec![
                "Prefix",
                "Exact",
                "ImplementationSpecific",
            ])),
            any_text(),
            prop_oneof![
                proptest::sample::select(vec!["http", "https"]).prop_map(|n| (Some(n), None)),
                any::<u16>().prop_map(|n| (None, Some(n))),
            ],
        )
            .prop_map(
                |(path, path_type, service, (port_name, port_number))| PathCtx {
                    path,
                    path_type,
                    service,
                    port_name,
                    port_number,
                },
            );
        let rule = (any_text(), vec(path, 0..4)).prop_map(|(host, paths)| RuleCtx { host, paths });
        let tls = (vec(any_text(), 0..3), of(any_text()))
            .prop_map(|(hosts, secret_name)| TlsCtx { hosts, secret_name });
        (
            (any_text(), any_text(), of(any_text()), of(any_text())),
            vec((any_text(), any_text()), 0..4),
            vec(tls, 0..3),
            vec(rule, 0..5),
        )
            .prop_map(
                |((name, release, namespace, class), annotations, tls, rules)| IngressCtx {
                    name,
                    release,
                    namespace,
                    class,
                    annotations,
                    tls,
                    rules,
                },
            )
    }

    proptest::proptest! {
        /// The hand-written Ingress is the template's, byte for byte, for any context: the
        /// template is the reference the writer is held to.
        #[test]
        fn the_writer_writes_what_the_template_writes(ctx in any_ctx()) {
            let by_template =
                crate::render::render_template(TEMPLATES, "ingress/ingress.yaml.j2", &ctx).unwrap();
            let mut written = String::new();
            write_ingress(&ctx, &mut written).unwrap();
            proptest::prop_assert_eq!(written, by_template);
        }
    }

    #[test]
    fn a_path_without_a_port_is_refused_as_the_template_refuses_it() {
        let ctx = IngressCtx {
            name: "airbyte".into(),
            release: "airbyte".into(),
            namespace: None,
            class: None,
            annotations: vec![],
            tls: vec![],
            rules: vec![RuleCtx {
                host: "a.example".into(),
                paths: vec![PathCtx {
                    path: "/".into(),
                    path_type: None,
                    service: "s".into(),
                    port_name: None,
                    port_number: None,
                }],
            }],
        };
        assert!(
            crate::render::render_template(TEMPLATES, "ingress/ingress.yaml.j2", &ctx).is_err()
        );
        let err = render_ingress(&ctx).unwrap_err();
        assert!(err.0.contains("path `/` has no port"), "{err}");
    }

    proptest::proptest! {
        /// The buffer reserved for the render holds what the template writes (it is an estimate
        /// rounded up, so the text never outgrows it), and is not far larger.
        #[test]
        fn the_size_estimate_holds_the_rendered_ingress(
            hosts in proptest::collection::vec("[a-z0-9]{1,20}(\\.[a-z0-9]{1,12}){0,3}", 0..40),
            paths in 1usize..4,
            annotations in proptest::collection::vec(("[a-z./-]{1,40}", "[a-z0-9 ]{0,30}"), 0..6),
            named_port: bool,
            tls in 0usize..3,
            namespace: bool,
        ) {
            let service = |i: usize| format!("airbyte-{i}-airbyte-server-svc");
            let ctx = IngressCtx {
                name: "airbyte".into(),
                release: "airbyte".into(),
                namespace: namespace.then(|| "airbyte".into()),
                class: Some("nginx".into()),
                annotations,
                tls: (0..tls)
                    .map(|i| TlsCtx {
                        hosts: hosts.clone(),
                        secret_name: (i > 0).then(|| format!("tls-{i}")),
                    })
                    .collect(),
                rules: hosts
                    .iter()
                    .map(|h| RuleCtx {
                        host: h.clone(),
                        paths: (0..paths)
                            .map(|i| PathCtx {
                                path: format!("/p{i}"),
                                path_type: Some("Prefix"),
                                service: service(i),
                                port_name: named_port.then_some("http"),
                                port_number: (!named_port).then_some(8001),
                            })
                            .collect(),
                    })
                    .collect(),
            };
            let docs = render_ingress(&ctx).unwrap();
            let written: usize = docs.iter().map(|d| d.text.len()).sum();
            proptest::prop_assert!(ctx.text_size() >= written, "{} < {written}", ctx.text_size());
            proptest::prop_assert!(ctx.text_size() <= 2 * written + 1024, "{} for {written}", ctx.text_size());
        }
    }
}
