//! Helm's post-renderer: a release's render in, checked as values are, handed back with the
//! chart's Ingress replaced by the target's objects.

use super::manifests::duplicate_findings;
use super::{Failure, RunOptions, chart_defaults, check_loaded, check_namespace, check_release};
use crate::controllers::Settings;
use crate::findings::{self, Finding, Rule};
use crate::values::{self, InputError, InputErrorKind, Loaded, Node, Origin, Value, ValueInputs};
use crate::{manifests, plan, render, rules, targets};

/// What `post-render` needs besides the stream.
#[derive(Clone, Debug)]
pub struct PostRenderOptions {
    pub target: targets::Target,
    pub settings: Settings,
    /// The release namespace, for objects that name none (chart 2.0.x): Helm does not tell a
    /// post-renderer.
    pub namespace: Option<String>,
    pub limits: values::Limits,
    /// Warnings stop it too.
    pub strict: bool,
    /// `--chart-version`: instead of the stream's `helm.sh/chart` labels (a chart built from
    /// source says 1.1.0 there).
    pub chart: Option<plan::ChartVersion>,
}

/// A post-rendered stream, or the findings that stopped it.
#[derive(Debug)]
pub struct PostRendered {
    /// The stream to hand back to Helm; `None` when findings stop it.
    pub output: Option<String>,
    pub findings: Vec<Finding>,
    /// The stream (and the objects rendered into it), for showing the findings' lines.
    pub sources: values::Sources,
    /// What was read from the stream, for `-v`.
    pub inferred: Vec<String>,
}

/// Reads a whole Airbyte render (what Helm hands a post-renderer), checks what the release's
/// objects say as `validate --target T` checks values, and gives the stream back with the
/// chart's Ingress replaced by the target's objects (or those objects added, when the chart's
/// Ingress is off). Every other byte of the stream stays as it was. `--target chart` checks and
/// gives the stream back unchanged.
///
/// A pipeline of named stages, each tested on its own: [`read_stream`], [`find_release`],
/// [`take_intent`], [`check`], [`replace_or_add`], [`check_output`], [`write`].
pub fn post_render(opts: &PostRenderOptions, input: &[u8]) -> Result<PostRendered, Failure> {
    if !opts.target.renders_objects() {
        return Err(Failure::Usage(format!(
            "`{}` renders a configuration file, not Kubernetes objects: it cannot post-render a Helm release",
            opts.target.name()
        )));
    }
    let mut stream = read_stream(opts, input)?;
    let release = find_release(opts, &stream)?;
    let intent = take_intent(opts, &stream, &release)?;
    let mut checked = check(opts, &mut stream, &release, intent)?;
    let plan = match checked.plan.take() {
        Some(plan) if !findings::failing(&checked.findings, opts.strict) => plan,
        _ => return Ok(checked.stopped(release.inferred)),
    };
    if opts.target == targets::Target::Chart {
        let output = format!("{}{}", stream.bom, checked.text());
        return Ok(checked.done(output, release.inferred));
    }
    let spliced = replace_or_add(opts, &stream, &plan, checked.text())?;
    check_output(opts, &stream, &spliced, &mut checked)?;
    let mut inferred = release.inferred;
    inferred.push(spliced.said());
    Ok(match findings::failing(&checked.findings, opts.strict) {
        true => checked.stopped(inferred),
        false => {
            let output = write(stream.bom, checked.text(), &spliced);
            checked.done(output, inferred)
        }
    })
}

/// The stream as read: its objects, what they say of the releases in it, and its text (the first
/// of its sources; one copy of it, handed on to the checks with the sources).
struct Stream {
    /// A byte order mark the stream began with, handed back as it came.
    bom: &'static str,
    objects: Vec<manifests::Object>,
    duplicates: Vec<values::Duplicate>,
    inventory: manifests::inventory::Inventory,
    sources: values::Sources,
    /// Where the target's objects go, found before the objects move on to the checks.
    placement: Placement,
}

/// What splicing needs of the stream's objects.
#[derive(Debug, Default)]
struct Placement {
    /// The line where the chart's Ingress begins, if the stream has one.
    ingress_line: Option<u32>,
    /// The template Helm 4 files the target's objects under, when the stream names templates.
    template: Option<String>,
}

/// Stage 1: the stream's objects, every document of it, within the limits.
fn read_stream(opts: &PostRenderOptions, input: &[u8]) -> Result<Stream, Failure> {
    let mut sources = values::Sources::default();
    let (mut objects, mut duplicates) = (Vec::new(), Vec::new());
    manifests::read_bytes(
        "<stdin>",
        input,
        &mut sources,
        &opts.limits,
        &mut objects,
        &mut duplicates,
    )
    .map_err(Failure::Input)?;
    let inventory = manifests::inventory::inventory(&objects);
    let bom = if input.starts_with("\u{feff}".as_bytes()) {
        "\u{feff}"
    } else {
        ""
    };
    Ok(Stream {
        bom,
        objects,
        duplicates,
        inventory,
        sources,
        placement: Placement::default(),
    })
}

/// The one Airbyte release of the stream, as Helm rendered it.
struct Release {
    values: manifests::release::ReleaseValues,
    namespace: String,
    chart: plan::ChartVersion,
    /// What was read from where, for `-v`.
    inferred: Vec<String>,
}

/// Stage 2: the release the stream holds: its name, namespace and chart version, and its values
/// as the objects show them (a source build's placeholder chart version needs `--chart-version`).
fn find_release(opts: &PostRenderOptions, stream: &Stream) -> Result<Release, Failure> {
    let rv = manifests::release::release_values(&stream.objects, &stream.inventory).map_err(
        |message| Failure::Input(InputError::new(InputErrorKind::Invalid, "<stdin>", message)),
    )?;
    let namespace = match (&opts.namespace, &rv.namespace) {
        (Some(given), Some(seen)) if given != seen => {
            return Err(Failure::Usage(format!(
                "`--namespace {given}`, but the release's objects are in namespace `{seen}`"
            )));
        }
        (Some(ns), _) | (None, Some(ns)) => ns.clone(),
        (None, None) => {
            return Err(Failure::Usage(
                "the release's objects name no namespace (chart 2.0.x does not) and Helm does not tell a post-renderer the release's: pass it, e.g. `--post-renderer-args=--namespace=airbyte`".into(),
            ));
        }
    };
    let mut inferred: Vec<String> = rv
        .inferred
        .iter()
        .map(|(what, origin)| format!("{what} ({})", stream.sources.describe(*origin)))
        .collect();
    let chart = match (opts.chart, rv.chart) {
        (Some(given), _) => given,
        (None, Some(seen)) if seen == crate::airbyte::SOURCE_PLACEHOLDER => {
            return Err(Failure::Usage(format!(
                "the release's objects say chart `airbyte-{seen}`, the placeholder version of the chart in airbyte-platform's source (a published chart is stamped with its release): this render is of a chart built from source; pass the version it was built from, e.g. `--post-renderer-args=--chart-version={}`",
                plan::NEWEST_CHART
            )));
        }
        (None, Some(seen)) => seen,
        (None, None) => {
            inferred.push(format!(
                "no `helm.sh/chart: airbyte-X.Y.Z` label: checking as chart {}",
                plan::NEWEST_CHART
            ));
            plan::NEWEST_CHART
        }
    };
    check_release(&rv.release)?;
    check_namespace(&namespace)?;
    chart.line()?;
    Ok(Release {
        values: rv,
        namespace,
        chart,
        inferred,
    })
}

/// Stage 3: Airbyte's intent for the target: the release's values with the chart's defaults under
/// them, the chart's Ingress off where the target replaces it, and the run as `validate --target
/// T` would make it.
fn take_intent(
    opts: &PostRenderOptions,
    stream: &Stream,
    release: &Release,
) -> Result<(RunOptions, Node), Failure> {
    let mut root = release.values.values.clone();
    if opts.target.is_bring_your_own() {
        // the chart's Ingress is replaced: the values now say it is off, where it was on
        let at = release
            .values
            .chart_ingress
            .map_or(Origin::Command, |i| stream.objects[i].origin());
        if let Value::Map(m) = &mut root.value
            && let Some(Node {
                value: Value::Map(ing),
                ..
            }) = m.get_mut("ingress")
        {
            ing.insert("enabled".into(), Node::new(Value::Bool(false), at));
        }
    }
    values::coalesce_defaults(&mut root, chart_defaults());
    let run = RunOptions {
        inputs: ValueInputs {
            limits: opts.limits,
            ..Default::default()
        },
        release: release.values.release.clone(),
        namespace: release.namespace.clone(),
        chart: release.chart,
        target: Some(opts.target),
        settings: opts.settings.clone(),
        wrappers: Default::default(),
        given: Default::default(),
    };
    Ok((run, root))
}

/// What the checks said, and the plan when the values have the right shape.
struct Judged {
    findings: Vec<Finding>,
    sources: values::Sources,
    plan: Option<plan::Plan>,
    /// What the checks of the stream's other routes need again for the output.
    ctx: rules::manifests::Context,
    /// The stream's objects but the chart's Ingress, checked again beside the target's.
    others: Vec<manifests::Object>,
}

impl Judged {
    /// The stream's text: the first of the sources.
    fn text(&self) -> &str {
        self.sources.files.first().map_or("", |f| f.text.as_str())
    }

    fn stopped(mut self, inferred: Vec<String>) -> PostRendered {
        findings::sort(&mut self.findings);
        PostRendered {
            output: None,
            findings: self.findings,
            sources: self.sources,
            inferred,
        }
    }

    fn done(mut self, output: String, inferred: Vec<String>) -> PostRendered {
        findings::sort(&mut self.findings);
        PostRendered {
            output: Some(output),
            findings: self.findings,
            sources: self.sources,
            inferred,
        }
    }
}

/// Stage 4: the values' rules for the target, the stream's duplicate keys, and the stream's other
/// routes to Airbyte (an umbrella chart's own Ingress, say) as `validate -m` checks them.
fn check(
    opts: &PostRenderOptions,
    stream: &mut Stream,
    release: &Release,
    (run, root): (RunOptions, Node),
) -> Result<Judged, Failure> {
    let noted: Vec<Finding> = crate::airbyte::unknown_chart_note(release.chart)
        .into_iter()
        .map(|note| {
            let from = match opts.chart {
                Some(_) => "`--chart-version`",
                None => "the `helm.sh/chart` labels",
            };
            Finding::new(
                Rule::CannotAssess,
                values::Path::default(),
                Origin::Command,
                format!("{note} (from {from})"),
            )
        })
        .collect();
    let loaded = Loaded {
        root,
        // the sources move on with the checks (the stream's text among them): never copied
        sources: std::mem::take(&mut stream.sources),
        notices: Vec::new(),
    };
    let checked = check_loaded(&run, loaded, noted)?;
    let mut findings = checked.findings;
    let sources = checked.loaded.sources;
    findings.extend(duplicate_findings(
        &stream.objects,
        std::mem::take(&mut stream.duplicates),
        &sources,
    ));
    let url = stream
        .inventory
        .urls
        .iter()
        .find(|u| u.value.0 == release.values.release && !u.value.1.is_empty())
        .map(|u| (u.value.1.clone(), u.origin));
    let ctx = rules::manifests::Context {
        release: Some(release.values.release.clone()),
        chart: release.chart,
        url,
        ports: checked.plan.as_ref().map(|p| p.ports).unwrap_or_default(),
        must_route: false,
        nginx_config: None,
    };
    let others = others(stream, release);
    let ctx = rules::manifests::Context {
        nginx_config: manifests::nginx_config(&others),
        ..ctx
    };
    let routing = manifests::routes::routing(&others);
    if !routing.routers.is_empty() {
        findings.extend(rules::manifests::check(
            &others,
            &stream.inventory,
            &routing,
            &ctx,
        ));
    }
    Ok(Judged {
        findings,
        sources,
        plan: checked.plan,
        ctx,
        others,
    })
}

/// The stream's objects but the chart's Ingress (which was checked as values), moved out of the
/// stream once what splicing needs of them is kept in its placement.
fn others(stream: &mut Stream, release: &Release) -> Vec<manifests::Object> {
    use manifests::release as rel;
    let chart_ingress = release.values.chart_ingress;
    let annotated = stream
        .objects
        .iter()
        .any(|o| o.annotations().contains_key(rel::FILENAME_ANNOTATION));
    stream.placement = Placement {
        ingress_line: chart_ingress.and_then(|i| match stream.objects[i].origin() {
            Origin::File { line, .. } => Some(line),
            _ => None,
        }),
        template: annotated.then(|| {
            rel::ingress_template(&stream.objects, &release.values.release, chart_ingress)
        }),
    };
    let mut objects = std::mem::take(&mut stream.objects);
    if let Some(i) = chart_ingress {
        objects.remove(i);
    }
    objects
}

/// The target's objects, and where they go in the stream.
struct Spliced {
    target: targets::Target,
    /// The text that goes in: a Helm 3 stream's `# Source:` line and header, the documents.
    with: String,
    /// The chart's Ingress's span, replaced; `None`: added at the end.
    replaced: Option<manifests::stream::DocSpan>,
    count: usize,
}

impl Spliced {
    /// What `-v` says was done.
    fn said(&self) -> String {
        match self.replaced {
            Some(_) => format!(
                "replacing the chart's Ingress with {} `{}` object(s)",
                self.count,
                self.target.name()
            ),
            None => format!(
                "adding {} `{}` object(s) at the end of the stream (the chart's Ingress is off)",
                self.count,
                self.target.name()
            ),
        }
    }
}

/// Stage 5: the target's objects from the plan, filed as Helm files the chart's (a Helm 4 stream
/// names each object's template) and placed where the chart's Ingress was, or at the end.
fn replace_or_add(
    opts: &PostRenderOptions,
    stream: &Stream,
    plan: &plan::Plan,
    text: &str,
) -> Result<Spliced, Failure> {
    use manifests::{release as rel, stream as st};
    let rendered = opts.target.render(plan)?;
    let replaced = stream
        .placement
        .ingress_line
        .and_then(|line| st::span_of(&st::spans(text), line).cloned());
    let file = stream.placement.template.clone();
    let mut docs = Vec::with_capacity(rendered.docs.len());
    for doc in &rendered.docs {
        docs.push(match &file {
            Some(file) => st::with_annotation(&doc.text, rel::FILENAME_ANNOTATION, file)
                .ok_or_else(|| {
                    Failure::Internal(format!("{} {} has no metadata block", doc.kind, doc.name))
                })?,
            None => doc.text.clone(),
        });
    }
    let mut with = String::new();
    if file.is_none() {
        // as `helm template` prints: the replaced document's `# Source:` line, then ours
        if let Some(span) = &replaced {
            with.push_str(st::leading_comments(&text[span.bytes.clone()]));
        }
        with.push_str(&render::document::header(opts.target.name()));
    }
    with.push_str(&docs.join("---\n"));
    if !with.ends_with('\n') {
        with.push('\n');
    }
    Ok(Spliced {
        target: opts.target,
        with,
        replaced,
        count: rendered.docs.len(),
    })
}

/// Stage 6: the target's objects as they go back, read back and checked as `validate -m` checks a
/// release's objects; what the values' checks said already is not said twice.
fn check_output(
    opts: &PostRenderOptions,
    stream: &Stream,
    spliced: &Spliced,
    judged: &mut Judged,
) -> Result<(), Failure> {
    let out_file = judged.sources.files.len() as u32;
    let mut read_back = |_: &str, _: usize| Ok(spliced.with.as_bytes().to_vec());
    let (ours, _) = manifests::read(
        &[format!("<airbyte-ingress --target {}>", opts.target.name())],
        &mut judged.sources,
        &opts.limits,
        &mut read_back,
    )
    .map_err(|e| Failure::Internal(format!("the rendered objects do not read back: {e}")))?;
    let mut all = std::mem::take(&mut judged.others);
    all.extend(ours);
    let routing = manifests::routes::routing(&all);
    let said: Vec<Rule> = judged.findings.iter().map(|f| f.rule).collect();
    let in_output = |o: Origin| matches!(o, Origin::File { file, .. } if file == out_file);
    let new: Vec<Finding> = rules::manifests::check(&all, &stream.inventory, &routing, &judged.ctx)
        .into_iter()
        .filter(|f| f.origins.first().is_some_and(|o| in_output(*o)) && !said.contains(&f.rule))
        .collect();
    judged.findings.extend(new);
    Ok(())
}

/// Stage 7: the stream handed back, every byte of it as it came but the spliced part.
fn write(bom: &str, text: &str, spliced: &Spliced) -> String {
    let mut out = String::with_capacity(bom.len() + text.len() + spliced.with.len() + 8);
    out.push_str(bom);
    manifests::stream::splice_into(&mut out, text, spliced.replaced.as_ref(), &spliced.with);
    out
}

/// The stream a stopped post-render hands Helm 4 instead of the release: one object that Helm's
/// manifest sorter refuses (its `kind` is a list), whose Helm 4 filename annotation is the report.
/// Helm 4 discards a post-renderer's standard error, but names that file in the error it prints
/// (`Error: YAML parse error on <report>: ...`), so the report reaches the person running `helm`;
/// nothing reaches the cluster. Checked with Helm 4.1.4's `helm template`, `install` and `upgrade`.
pub fn helm_refusal(report: &str) -> String {
    let carried = format!(
        "\n\n{}\n(Helm refuses the stand-in object that carried this report to it)",
        report.trim_end()
    );
    let quoted = serde_json::to_string(&carried).unwrap_or_else(|_| "\"\"".into());
    format!(
        "# airbyte-ingress post-render stopped this release. Helm 4 shows nothing a post-renderer\n\
         # writes to standard error, so the report travels as the file name of this object, which\n\
         # Helm refuses (its kind is not a string) and names in its error message.\n\
         apiVersion: v1\n\
         kind: [airbyte-ingress post-render stopped the release]\n\
         metadata:\n  name: airbyte-ingress-post-render-stopped\n  annotations:\n    {}: {quoted}\n",
        manifests::release::FILENAME_ANNOTATION
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Target;

    /// A release's render as Helm 4 hands it over: the server Service, the environment ConfigMap,
    /// the chart's Ingress, each filed under its template.
    const STREAM: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-airbyte-server-svc\n  namespace: data\n  labels:\n    helm.sh/chart: airbyte-2.2.0\n  annotations:\n    postrenderer.helm.sh/postrender-filename: airbyte/templates/airbyte-server/service.yaml\nspec:\n  ports:\n    - name: http\n      port: 8001\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-airbyte-env\n  namespace: data\n  annotations:\n    postrenderer.helm.sh/postrender-filename: airbyte/templates/env-configmap.yaml\ndata:\n  AIRBYTE_URL: \"https://airbyte.corp.example\"\n  AIRBYTE_EDITION: \"community\"\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: prod-airbyte\n  namespace: data\n  labels:\n    helm.sh/chart: airbyte-2.2.0\n    app.kubernetes.io/instance: prod\n  annotations:\n    postrenderer.helm.sh/postrender-filename: airbyte/templates/ingress.yaml\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: airbyte.corp.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: prod-airbyte-server-svc\n                port:\n                  name: http\n";

    fn opts(target: Target) -> PostRenderOptions {
        PostRenderOptions {
            target,
            settings: target.needed_settings(),
            namespace: None,
            limits: Default::default(),
            strict: false,
            chart: None,
        }
    }

    #[test]
    fn read_stream_keeps_the_text_and_its_mark() {
        let with_bom = format!("\u{feff}{STREAM}");
        let s = read_stream(&opts(Target::Nginx), with_bom.as_bytes()).unwrap();
        assert_eq!(s.bom, "\u{feff}");
        assert_eq!(s.objects.len(), 3);
        assert_eq!(
            s.inventory.release().map(|r| r.value.as_str()),
            Some("prod")
        );
        let bad = read_stream(&opts(Target::Nginx), b"a: [\n");
        assert!(matches!(bad, Err(Failure::Input(_))));
    }

    #[test]
    fn find_release_reads_name_namespace_and_chart() {
        let o = opts(Target::Nginx);
        let s = read_stream(&o, STREAM.as_bytes()).unwrap();
        let r = find_release(&o, &s).unwrap();
        assert_eq!(
            (r.values.release.as_str(), r.namespace.as_str()),
            ("prod", "data")
        );
        assert_eq!(r.chart.to_string(), "2.2.0");
        let other = PostRenderOptions {
            namespace: Some("elsewhere".into()),
            ..opts(Target::Nginx)
        };
        let e = find_release(&other, &s).err().unwrap().to_string();
        assert!(e.contains("objects are in namespace `data`"), "{e}");
        let pinned = PostRenderOptions {
            chart: Some(plan::ChartVersion::new(2, 0, 18)),
            ..opts(Target::Nginx)
        };
        assert_eq!(
            find_release(&pinned, &s).unwrap().chart.to_string(),
            "2.0.18"
        );
        let source = STREAM.replace("airbyte-2.2.0", "airbyte-1.1.0");
        let s = read_stream(&o, source.as_bytes()).unwrap();
        let e = find_release(&o, &s).err().unwrap().to_string();
        assert!(e.contains("built from source"), "{e}");
    }

    #[test]
    fn take_intent_turns_the_chart_s_ingress_off_for_a_target_that_replaces_it() {
        let enabled = |t: Target| {
            let o = opts(t);
            let s = read_stream(&o, STREAM.as_bytes()).unwrap();
            let r = find_release(&o, &s).unwrap();
            let (run, root) = take_intent(&o, &s, &r).unwrap();
            assert_eq!(run.release, "prod");
            // the chart's defaults are under the stream's values
            assert!(
                root.at(&values::Path::parse("server.service.port"))
                    .is_some()
            );
            root.at(&values::Path::parse("ingress.enabled"))
                .map(|n| n.value.clone())
        };
        assert_eq!(enabled(Target::Traefik), Some(Value::Bool(false)));
        assert_eq!(enabled(Target::Chart), Some(Value::Bool(true)));
    }

    #[test]
    fn check_says_what_the_values_rules_say_at_the_stream_s_lines() {
        let o = opts(Target::Traefik);
        let bad = STREAM.replace(
            "\"https://airbyte.corp.example\"",
            "\"airbyte.corp.example\"",
        );
        let mut s = read_stream(&o, bad.as_bytes()).unwrap();
        let r = find_release(&o, &s).unwrap();
        let intent = take_intent(&o, &s, &r).unwrap();
        let j = check(&o, &mut s, &r, intent).unwrap();
        let f = j
            .findings
            .iter()
            .find(|f| f.rule == Rule::UrlInvalid)
            .unwrap();
        assert_eq!(j.sources.describe(f.primary()), "<stdin>:23:16");
    }

    #[test]
    fn replace_or_add_puts_the_objects_where_the_chart_s_ingress_was() {
        let place = |stream: &str| {
            let o = opts(Target::Traefik);
            let mut s = read_stream(&o, stream.as_bytes()).unwrap();
            let r = find_release(&o, &s).unwrap();
            let intent = take_intent(&o, &s, &r).unwrap();
            let judged = check(&o, &mut s, &r, intent).unwrap();
            let plan = judged.plan.as_ref().unwrap();
            let spliced = replace_or_add(&o, &s, plan, judged.text()).unwrap();
            (
                spliced.replaced.is_some(),
                spliced.said(),
                write(s.bom, judged.text(), &spliced),
            )
        };
        let (replaced, said, out) = place(STREAM);
        assert!(replaced && said.starts_with("replacing the chart's Ingress"));
        assert!(!out.contains("kind: Ingress\n") && out.contains("kind: IngressRoute"));
        // filed under the chart's ingress template, as Helm 4 reads it back
        let ours = &out[out.find("kind: IngressRoute").unwrap()..];
        assert!(ours.contains("airbyte/templates/ingress.yaml"), "{ours}");
        // without the chart's Ingress: added at the end, every byte before it kept
        let cut = &STREAM[..STREAM
            .find("---\napiVersion: networking.k8s.io/v1")
            .unwrap()];
        let (replaced, said, out) = place(cut);
        assert!(!replaced && said.starts_with("adding"));
        assert!(out.starts_with(cut));
    }

    #[test]
    fn the_whole_pipeline_hands_back_a_stream_or_stops() {
        let done = post_render(&opts(Target::GatewayApi), STREAM.as_bytes()).unwrap();
        let out = done.output.unwrap();
        assert!(out.contains("kind: HTTPRoute"), "{out}");
        assert!(done.inferred.iter().any(|l| l.starts_with("replacing")));
        // the read-back of the target's objects is a source of its own
        assert!(
            done.sources
                .files
                .iter()
                .any(|f| f.name == "<airbyte-ingress --target gateway-api>")
        );
        let strict = PostRenderOptions {
            strict: true,
            ..opts(Target::Nginx)
        };
        // an https URL with no TLS for its host is a warning: it stops a strict run only, which
        // still says why
        let r = post_render(&strict, STREAM.as_bytes()).unwrap();
        assert!(r.output.is_none());
        assert!(
            r.findings
                .iter()
                .any(|f| f.rule == Rule::UrlHttpsWithoutTls)
        );
        assert!(
            post_render(&opts(Target::Nginx), STREAM.as_bytes())
                .unwrap()
                .output
                .is_some()
        );
        let cfg = post_render(&opts(Target::HaproxyCfg), STREAM.as_bytes());
        assert!(matches!(cfg, Err(Failure::Usage(_))));
    }
}
