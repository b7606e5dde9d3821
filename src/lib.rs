//! `airbyte-ingress`: validate the ingress part of Airbyte Helm values and render ingress manifests
//! for the chart and for common ingress controllers.
//!
//! The pipeline flows one way, and every module imports only from the layers below it:
//! readers and names ([`blockyaml`], [`tree`], [`names`], [`airbyte`]) -> [`values`] (files and
//! flags merged as Helm merges them, with origins) -> [`model`] (typed values, the source of the
//! JSON schema) -> [`findings`] (the rule catalog and report formats) -> [`controllers`] (what each
//! controller reads) -> [`manifests`] (existing Kubernetes objects, read from files or a stream)
//! -> [`plan`] (the controller-neutral plan) -> [`rules`] (findings, on values and on manifests)
//! and [`render`] -> [`targets`] (manifests) -> [`migrate`], [`output`] -> [`cli`]. The library
//! never prints.
//!
//! The crate root wires the layers into the runs the CLI offers: [`check`] (values),
//! [`check_manifests`] (`validate -m`) and [`post_render`] (a Helm release's render read back into
//! values, checked, and handed back with the target's objects in place of the chart's Ingress).

pub mod airbyte;
pub mod blockyaml;
pub mod cli;
pub mod controllers;
pub mod findings;
pub mod inputs;
pub mod manifests;
pub mod migrate;
pub mod model;
pub mod names;
pub mod output;
pub mod plan;
pub mod render;
pub mod rules;
pub mod source;
pub mod targets;
pub mod tree;
pub mod values;

use controllers::Settings;
use findings::{Finding, Rule};
use plan::{ChartVersion, Output, Plan, PlanOptions};
use values::{
    InputError, InputErrorKind, Loaded, Node, Notice, Origin, ReadFn, Value, ValueInputs,
};

/// Everything a run needs besides the target: inputs and the `helm template` arguments.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub inputs: ValueInputs,
    pub release: String,
    pub namespace: String,
    pub chart: ChartVersion,
    /// The target to check (and render) for; `None` checks the values as the chart reads them.
    pub target: Option<targets::Target>,
    /// The target's settings from its flags.
    pub settings: Settings,
}

/// Why a run could not go on: exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A bad argument (release name, chart version, a flag for another target, ...).
    Usage(String),
    /// An input that cannot be read or parsed.
    Input(InputError),
    /// The tool itself failed (a rendered document did not parse back), or the system did
    /// (standard output closed). Also exit 2.
    Internal(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) => f.write_str(m),
            Failure::Input(e) => write!(f, "{e}"),
            Failure::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

/// The merged values, what they mean, and what is wrong with them.
#[derive(Debug)]
pub struct Checked {
    pub loaded: Loaded,
    /// Present when the values have the right shape.
    pub plan: Option<Plan>,
    /// Sorted, deduplicated.
    pub findings: Vec<Finding>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        findings::failing(&self.findings, false)
    }
}

/// The chart defaults for the keys read here, as a tree whose origins are [`Origin::Default`].
pub fn chart_defaults() -> &'static Node {
    static DEFAULTS: std::sync::OnceLock<Node> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(parse_chart_defaults)
}

fn parse_chart_defaults() -> Node {
    static TEXT: &str = include_str!("chart_defaults.yaml");
    // plain block style: the fast reader takes it on this thread (a test pins that it does)
    match values::parse_document(TEXT.as_bytes(), "chart defaults", 0, &Default::default()) {
        Ok(doc) => {
            let mut root = doc.root;
            set_default_origin(&mut root);
            root
        }
        Err(_) => Node::new(Value::Map(Default::default()), Origin::Default),
    }
}

fn set_default_origin(n: &mut Node) {
    n.origin = Origin::Default;
    n.key_origin = Origin::Default;
    match &mut n.value {
        Value::Seq(s) => s.iter_mut().for_each(set_default_origin),
        Value::Map(m) => m.values_mut().for_each(set_default_origin),
        _ => {}
    }
}

/// Helm's release-name rule: a DNS-1123 subdomain of at most 53 characters.
pub fn check_release(name: &str) -> Result<(), String> {
    if !names::dns_subdomain_ok(name) {
        return Err(format!(
            "invalid release name `{name}`: use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"
        ));
    }
    if name.len() > 53 {
        return Err(format!(
            "invalid release name `{name}`: {} characters, Helm allows at most 53",
            name.len()
        ));
    }
    Ok(())
}

/// A namespace is a DNS-1123 label: at most 63 lowercase letters, digits and `-`.
pub fn check_namespace(ns: &str) -> Result<(), String> {
    if names::dns_label_ok(ns) {
        Ok(())
    } else {
        Err(format!(
            "invalid namespace `{ns}`: use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"
        ))
    }
}

/// Loads, merges and checks the values: every stage up to the plan, with all findings.
pub fn check(opts: &RunOptions, read: ReadFn<'_>) -> Result<Checked, Failure> {
    check_release(&opts.release).map_err(Failure::Usage)?;
    check_namespace(&opts.namespace).map_err(Failure::Usage)?;
    opts.chart.line().map_err(Failure::Usage)?;
    let (loaded, findings) = load(&opts.inputs, read)?;
    check_loaded(opts, loaded, findings)
}

/// Checks values already loaded (from files, or read back from a release's objects): the layout,
/// the schema, the plan and every rule. `findings` are what loading said.
pub fn check_loaded(
    opts: &RunOptions,
    mut loaded: Loaded,
    mut findings: Vec<Finding>,
) -> Result<Checked, Failure> {
    loaded.sources.command = opts.target.map(|t| format!("--target {}", t.name()));
    findings.extend(rules::check_layout(&loaded.root));
    let schema_findings = rules::check_schema(&loaded.root);
    let shape_ok = !findings::failing(&schema_findings, false);
    findings.extend(schema_findings);
    let mut plan = None;
    if shape_ok {
        // read from the tree: the keys the model does not describe are skipped, not converted
        match <model::Values as serde::Deserialize>::deserialize(&loaded.root) {
            Ok(typed) => {
                let popts = PlanOptions {
                    release: opts.release.clone(),
                    namespace: opts.namespace.clone(),
                    chart: opts.chart,
                    output: opts.target.map_or(Output::Values, |t| t.output()),
                    settings: opts.settings.clone(),
                };
                let (p, plan_findings) =
                    Plan::build(typed, &loaded.root, &popts).map_err(Failure::Usage)?;
                if let Some(target) = opts.target {
                    target
                        .check_settings(&p, &opts.settings)
                        .map_err(Failure::Usage)?;
                }
                findings.extend(plan_findings);
                findings.extend(rules::check_plan(&loaded.root, &p, &loaded.sources));
                plan = Some(p);
            }
            Err(e) => findings.push(Finding::new(
                Rule::WrongType,
                values::Path::default(),
                loaded.root.origin,
                format!("the values do not fit the schema: {e}"),
            )),
        }
    }
    findings::sort(&mut findings);
    Ok(Checked {
        loaded,
        plan,
        findings,
    })
}

/// What `validate -m` needs besides the objects: what the flags say of the release.
#[derive(Clone, Debug, Default)]
pub struct ManifestOptions {
    /// Manifest files in order (directories already listed); `-` reads standard input.
    pub files: Vec<String>,
    /// `--release`, when given: otherwise read from the stream.
    pub release: Option<String>,
    /// `--chart-version`, when given: otherwise read from the stream's `helm.sh/chart` labels.
    pub chart: Option<ChartVersion>,
    pub limits: values::Limits,
}

/// The findings about a stream of objects, and what was inferred about its release (for `-v`).
#[derive(Debug, Default)]
pub struct ManifestReport {
    pub findings: Vec<Finding>,
    pub inferred: Vec<String>,
    /// How many objects were read.
    pub objects: usize,
}

/// Reads manifests (into `sources`, after any values files) and checks every object that routes
/// to Airbyte. `values`, when given, supplies the URL and the Service ports.
pub fn check_manifests(
    opts: &ManifestOptions,
    values: Option<&Checked>,
    sources: &mut values::Sources,
    read: ReadFn<'_>,
) -> Result<ManifestReport, Failure> {
    if let Some(r) = &opts.release {
        check_release(r).map_err(Failure::Usage)?;
    }
    let (objects, duplicates) =
        manifests::read(&opts.files, sources, &opts.limits, read).map_err(Failure::Input)?;
    let inventory = manifests::inventory::inventory(&objects);
    let routing = manifests::routes::routing(&objects);
    let mut inferred = Vec::new();
    let mut say = |what: String, origin: Origin| {
        inferred.push(format!("{what} ({})", sources.describe(origin)));
    };
    let release = match (&opts.release, inventory.release()) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(seen)) => {
            say(
                format!("release `{}` from {}", seen.value, seen.from),
                seen.origin,
            );
            Some(seen.value.clone())
        }
        (None, None) => None,
    };
    let chart = match (opts.chart, &inventory.chart) {
        (Some(c), _) => c,
        (None, Some(seen)) => {
            say(
                format!("chart {} from {}", seen.value, seen.from),
                seen.origin,
            );
            seen.value
        }
        (None, None) => plan::NEWEST_CHART,
    };
    let plan = values.and_then(|c| c.plan.as_ref());
    let url = match plan.and_then(|p| p.airbyte_url.clone()) {
        Some(u) => {
            let origin = values.map_or(Origin::Default, |c| {
                c.loaded
                    .root
                    .nearest(&values::Path::parse("global.airbyteUrl"))
                    .origin
            });
            Some((u, origin))
        }
        None => inventory
            .urls
            .iter()
            .find(|u| release.as_deref().is_none_or(|r| u.value.0 == r))
            .filter(|u| !u.value.1.is_empty())
            .map(|seen| {
                say(
                    format!("global.airbyteUrl `{}` from {}", seen.value.1, seen.from),
                    seen.origin,
                );
                (seen.value.1.clone(), seen.origin)
            }),
    };
    let ctx = rules::manifests::Context {
        release,
        chart,
        url,
        ports: plan.map(|p| p.ports).unwrap_or_default(),
    };
    let mut findings = rules::manifests::check(&objects, &inventory, &routing, &ctx);
    findings.extend(duplicate_findings(&objects, duplicates, sources));
    Ok(ManifestReport {
        findings,
        inferred,
        objects: objects.len(),
    })
}

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
    let chart = rv.chart.unwrap_or_else(|| {
        inferred.push(format!(
            "no `helm.sh/chart: airbyte-X.Y.Z` label: checking as chart {}",
            plan::NEWEST_CHART
        ));
        plan::NEWEST_CHART
    });
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
    };
    check_release(&run.release).map_err(Failure::Usage)?;
    check_namespace(&run.namespace).map_err(Failure::Usage)?;
    chart.line().map_err(Failure::Usage)?;
    let loaded = Loaded {
        root,
        sources,
        notices: Vec::new(),
    };
    let checked = check_loaded(&run, loaded, Vec::new())?;
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

/// The keys given twice in a stream that matter: those in the objects the manifest checks read;
/// elsewhere (a Deployment's env, say) they are not this tool's business.
fn duplicate_findings(
    objects: &[manifests::Object],
    duplicates: Vec<values::Duplicate>,
    sources: &values::Sources,
) -> Vec<Finding> {
    duplicates
        .into_iter()
        .filter(|d| in_checked_object(objects, d.again))
        .map(|d| {
            notice_finding(
                &Notice::DuplicateKey {
                    path: d.path,
                    first: d.first,
                    again: d.again,
                },
                sources,
            )
        })
        .collect()
}

/// Whether `origin` lies in an object whose kind the manifest checks read.
fn in_checked_object(objects: &[manifests::Object], origin: Origin) -> bool {
    let key = |o: Origin| match o {
        Origin::File { file, line, column } => Some((file, line, column)),
        _ => None,
    };
    let Some(at) = key(origin) else { return false };
    objects
        .iter()
        .rfind(|o| key(o.origin()).is_some_and(|start| start <= at && start.0 == at.0))
        .is_some_and(|o| manifests::routes::CHECKED_KINDS.contains(&o.kind.as_str()))
}

/// Loads and merges the values as Helm does, under the explicit limits; what reading noticed comes
/// back as findings. A key given twice where this tool reads it stops the run (which copy is
/// meant cannot be known); elsewhere it is a warning, and Helm's choice (the later) stands.
pub fn load(inputs: &ValueInputs, read: ReadFn<'_>) -> Result<(Loaded, Vec<Finding>), Failure> {
    let loaded = values::load(inputs, chart_defaults(), read).map_err(Failure::Input)?;
    check_counts(&loaded, &inputs.limits).map_err(Failure::Input)?;
    for n in &loaded.notices {
        if let Notice::DuplicateKey { path, first, again } = n
            && model::reads(path)
        {
            let pos = |o: &Origin| match o {
                Origin::File { line, column, .. } => format!("line {line}, column {column}"),
                _ => loaded.sources.describe(*o),
            };
            let key = path.0.last().map(|s| match s {
                values::Seg::Key(k) => k.to_string(),
                values::Seg::Index(i) => i.to_string(),
            });
            let (line, column) = match again {
                Origin::File { line, column, .. } => (Some(*line), Some(*column)),
                _ => (None, None),
            };
            let source = match again {
                Origin::File { file, .. } => loaded
                    .sources
                    .files
                    .get(*file as usize)
                    .map_or_else(|| "?".to_string(), |f| f.name.clone()),
                other => loaded.sources.describe(*other),
            };
            return Err(Failure::Input(InputError::new(
                InputErrorKind::Invalid,
                source,
                format!(
                    "duplicate key `{}` (`{path}`): first at {}, again at {}; this tool reads it, and Helm would silently keep the second (remove one)",
                    key.unwrap_or_default(),
                    pos(first),
                    pos(again)
                ),
            )
            .at(line, column)));
        }
    }
    let findings = loaded
        .notices
        .iter()
        .map(|n| notice_finding(n, &loaded.sources))
        .collect();
    Ok((loaded, findings))
}

/// What reading the input noticed, as a finding.
fn notice_finding(n: &Notice, sources: &values::Sources) -> Finding {
    match n {
        Notice::Documents { file, count, at } => Finding::new(
            Rule::MultipleDocuments,
            values::Path::default(),
            *at,
            format!("{file} holds {count} YAML documents; each is merged over the ones before it, as Helm does"),
        ),
        Notice::DuplicateKey { path, first, again } => Finding::new(
            Rule::DuplicateKey,
            path.clone(),
            *again,
            format!(
                "`{path}` is given twice in one mapping (first at {}): Helm keeps this one and drops the first without a word",
                sources.describe(*first)
            ),
        )
        .also(*first),
        Notice::EmptySet { key, arg } => Finding::new(
            Rule::SetEmptyValue,
            values::Path::default(),
            *arg,
            format!("`{key}=` gives `{key}` an empty value: Helm sets an empty string, or drops a list item that the assignment would have created"),
        ),
    }
}

/// The explicit limits on hosts and paths (the rest are enforced while reading).
fn check_counts(loaded: &Loaded, limits: &values::Limits) -> Result<(), InputError> {
    let too_many = |node: &Node, what: &str, n: usize, max: usize, flag: &str| {
        let message = format!("{what} has {n} entries, over the limit of {max} ({flag})");
        match node.origin {
            Origin::File { file, line, column } => InputError::new(
                InputErrorKind::Limit,
                loaded
                    .sources
                    .files
                    .get(file as usize)
                    .map_or_else(|| "?".to_string(), |f| f.name.clone()),
                message,
            )
            .at(Some(line), Some(column)),
            other => InputError::new(
                InputErrorKind::Limit,
                loaded.sources.describe(other),
                message,
            ),
        }
    };
    for list in ["ingress.hosts", "ingress.tls"] {
        if let Some(
            node @ Node {
                value: Value::Seq(items),
                ..
            },
        ) = loaded.root.at(&values::Path::parse(list))
        {
            if items.len() > limits.max_hosts {
                return Err(too_many(
                    node,
                    &format!("`{list}`"),
                    items.len(),
                    limits.max_hosts,
                    "--max-hosts",
                ));
            }
            for (i, h) in items.iter().enumerate() {
                if let Some(
                    p @ Node {
                        value: Value::Seq(paths),
                        ..
                    },
                ) = h.as_map().and_then(|m| m.get("paths"))
                    && paths.len() > limits.max_paths
                {
                    return Err(too_many(
                        p,
                        &format!("`{list}[{i}].paths`"),
                        paths.len(),
                        limits.max_paths,
                        "--max-paths",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Checks `values` (as the file `values.yaml`) for `target`, release `airbyte` in namespace
/// `airbyte`, the newest chart: for the unit tests.
#[cfg(test)]
pub(crate) fn check_text(
    values: &str,
    target: Option<targets::Target>,
    settings: Settings,
) -> Checked {
    let opts = RunOptions {
        inputs: ValueInputs {
            files: vec!["values.yaml".into()],
            ..Default::default()
        },
        release: "airbyte".into(),
        namespace: "airbyte".into(),
        chart: plan::NEWEST_CHART,
        target,
        settings,
    };
    let mut read = |_: &str, _: usize| Ok(values.as_bytes().to_vec());
    check(&opts, &mut read).unwrap_or_else(|e| panic!("{e}\n{values}"))
}

/// Every values text the project carries, named: the YAML files under `fixtures/`, `examples/`,
/// `src/` and the shared conformance cases (when present), and every rule's examples.
#[cfg(test)]
pub(crate) fn test_corpus() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![
        root.join("fixtures"),
        root.join("examples"),
        root.join("src"),
        root.join("../shared/conformance"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }
    for r in Rule::all() {
        let info = r.info();
        out.push((format!("{} (bad)", info.id), info.bad.to_string()));
        out.push((format!("{} (good)", info.id), info.good.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_defaults_load_and_are_marked_as_defaults() {
        let d = chart_defaults();
        let port = d.at(&values::Path::parse("server.service.port")).unwrap();
        assert_eq!(port.value, Value::Int(8001));
        assert_eq!(port.origin, Origin::Default);
        assert_eq!(port.key_origin, Origin::Default);
        let enabled = d.at(&values::Path::parse("ingress.enabled")).unwrap();
        assert_eq!(enabled.value, Value::Bool(false));
    }
}
