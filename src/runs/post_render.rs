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
pub fn post_render(opts: &PostRenderOptions, input: &[u8]) -> Result<PostRendered, Failure> {
    use manifests::{release, stream};
    let target = opts.target;
    if !target.renders_objects() {
        return Err(Failure::Usage(format!(
            "`{}` renders a configuration file, not Kubernetes objects: it cannot post-render a Helm release",
            target.name()
        )));
    }
    let mut sources = values::Sources::default();
    let mut read = |_: &str, _: usize| Ok(input.to_vec());
    let (objects, duplicates) =
        manifests::read(&["-".to_string()], &mut sources, &opts.limits, &mut read)
            .map_err(Failure::Input)?;
    let text = sources
        .files
        .first()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let inventory = manifests::inventory::inventory(&objects);
    let rv = release::release_values(&objects, &inventory).map_err(|message| {
        Failure::Input(InputError::new(InputErrorKind::Invalid, "<stdin>", message))
    })?;
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
        .map(|(what, origin)| format!("{what} ({})", sources.describe(*origin)))
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
    let chart_note = crate::airbyte::unknown_chart_note(chart);
    let mut root = rv.values;
    if target.is_bring_your_own() {
        // the chart's Ingress is replaced: the values now say it is off, where it was on
        let at = rv
            .chart_ingress
            .map_or(Origin::Command, |i| objects[i].origin());
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
        release: rv.release.clone(),
        namespace: namespace.clone(),
        chart,
        target: Some(target),
        settings: opts.settings.clone(),
        wrappers: Default::default(),
        given: Default::default(),
    };
    check_release(&run.release).map_err(Failure::Usage)?;
    check_namespace(&run.namespace).map_err(Failure::Usage)?;
    chart.line().map_err(Failure::Usage)?;
    let loaded = Loaded {
        root,
        sources,
        notices: Vec::new(),
    };
    let noted: Vec<Finding> = chart_note
        .into_iter()
        .map(|note| {
            let from = match opts.chart {
                Some(_) => "`--chart-version`".to_string(),
                None => "the `helm.sh/chart` labels".to_string(),
            };
            Finding::new(
                Rule::CannotAssess,
                values::Path::default(),
                Origin::Command,
                format!("{note} (from {from})"),
            )
        })
        .collect();
    let checked = check_loaded(&run, loaded, noted)?;
    let mut findings = checked.findings;
    let mut sources = checked.loaded.sources;
    findings.extend(duplicate_findings(&objects, duplicates, &sources));
    // the stream's other routes to Airbyte (an umbrella chart's own Ingress, say); the chart's
    // Ingress was checked as values
    let others: Vec<manifests::Object> = objects
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != rv.chart_ingress)
        .map(|(_, o)| o.clone())
        .collect();
    let url = inventory
        .urls
        .iter()
        .find(|u| u.value.0 == rv.release && !u.value.1.is_empty())
        .map(|u| (u.value.1.clone(), u.origin));
    let ctx = rules::manifests::Context {
        release: Some(rv.release.clone()),
        chart,
        url,
        ports: checked.plan.as_ref().map(|p| p.ports).unwrap_or_default(),
    };
    let routing = manifests::routes::routing(&others);
    if !routing.routers.is_empty() {
        findings.extend(rules::manifests::check(&others, &inventory, &routing, &ctx));
    }
    let stop = |findings: &[Finding]| findings::failing(findings, opts.strict);
    let plan = match checked.plan {
        Some(p) if !stop(&findings) => p,
        _ => {
            findings::sort(&mut findings);
            return Ok(PostRendered {
                output: None,
                findings,
                sources,
                inferred,
            });
        }
    };
    let bom = if input.starts_with("\u{feff}".as_bytes()) {
        "\u{feff}"
    } else {
        ""
    };
    if target == targets::Target::Chart {
        findings::sort(&mut findings);
        return Ok(PostRendered {
            output: Some(format!("{bom}{text}")),
            findings,
            sources,
            inferred,
        });
    }
    let rendered = target.render(&plan).map_err(Failure::Internal)?;
    // what Helm files the objects under: a Helm 4 stream names each object's template
    let annotated = objects
        .iter()
        .any(|o| o.annotations().contains_key(release::FILENAME_ANNOTATION));
    let spans = stream::spans(&text);
    let replaced = rv.chart_ingress.and_then(|i| {
        let line = match objects[i].origin() {
            Origin::File { line, .. } => line,
            _ => 0,
        };
        stream::span_of(&spans, line)
    });
    let file =
        annotated.then(|| release::ingress_template(&objects, &rv.release, rv.chart_ingress));
    let mut docs = Vec::with_capacity(rendered.docs.len());
    for doc in &rendered.docs {
        docs.push(match &file {
            Some(file) => stream::with_annotation(&doc.text, release::FILENAME_ANNOTATION, file)
                .ok_or_else(|| {
                    Failure::Internal(format!("{} {} has no metadata block", doc.kind, doc.name))
                })?,
            None => doc.text.clone(),
        });
    }
    let mut with = String::new();
    if file.is_none() {
        // as `helm template` prints: the replaced document's `# Source:` line, then ours
        if let Some(span) = replaced {
            with.push_str(stream::leading_comments(&text[span.bytes.clone()]));
        }
        with.push_str(&render::document::header(target.name()));
    }
    with.push_str(&docs.join("---\n"));
    if !with.ends_with('\n') {
        with.push('\n');
    }
    // the objects as they go back, checked as `validate -m` checks a release's objects; what the
    // values checks said already is not said twice
    let out_file = sources.files.len() as u32;
    let mut read_back = |_: &str, _: usize| Ok(with.as_bytes().to_vec());
    let (ours, _) = manifests::read(
        &[format!("<airbyte-ingress --target {}>", target.name())],
        &mut sources,
        &opts.limits,
        &mut read_back,
    )
    .map_err(|e| Failure::Internal(format!("the rendered objects do not read back: {e}")))?;
    let mut all = others;
    all.extend(ours);
    let routing = manifests::routes::routing(&all);
    let said: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
    let in_output = |o: Origin| matches!(o, Origin::File { file, .. } if file == out_file);
    findings.extend(
        rules::manifests::check(&all, &inventory, &routing, &ctx)
            .into_iter()
            .filter(|f| {
                f.origins.first().is_some_and(|o| in_output(*o)) && !said.contains(&f.rule)
            }),
    );
    findings::sort(&mut findings);
    let output =
        (!stop(&findings)).then(|| format!("{bom}{}", stream::splice(&text, replaced, &with)));
    inferred.push(match replaced {
        Some(_) => format!(
            "replacing the chart's Ingress with {} `{}` object(s)",
            rendered.docs.len(),
            target.name()
        ),
        None => format!(
            "adding {} `{}` object(s) at the end of the stream (the chart's Ingress is off)",
            rendered.docs.len(),
            target.name()
        ),
    });
    Ok(PostRendered {
        output,
        findings,
        sources,
        inferred,
    })
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
