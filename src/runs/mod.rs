//! The runs the command line offers, wired from the layers below: checking values (from plain
//! files or the wrappers around them), checking existing manifests (`validate -m`), and Helm's
//! post-renderer. The CLI calls these and prints what they return; nothing here prints.

pub mod abctl;
mod manifests;
pub mod moving;
pub mod post_render;
pub mod probe;
mod releases;
pub mod scan;

pub use manifests::{ManifestOptions, ManifestReport, check_manifests};
pub use post_render::{PostRenderOptions, PostRendered, post_render};
pub use releases::{
    Given, Merged, WrapperOptions, check_all, finish, merge_all, merge_single, merge_single_for,
};

use crate::controllers::Settings;
use crate::findings::{self, Finding, Rule};
use crate::names::NameError;
use crate::plan::{ChartVersion, Output, Plan, PlanOptions};
use crate::values::{
    self, InputError, InputErrorKind, Loaded, Node, Notice, Origin, ReadFn, Value, ValueInputs,
};
use crate::{model, names, rules, targets};

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
    /// What the wrapper readers need (`--input-kind`, `--repo-root`, `--tf-var`, `--tf-vars`).
    pub wrappers: WrapperOptions,
    /// Which of release, namespace and chart version the flags set (a wrapper's own are used
    /// otherwise).
    pub given: Given,
}

/// `helm template`'s defaults (release `airbyte`, namespace `default`, the newest chart), no
/// inputs, no target: what a run that sets only what it needs starts from.
impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            inputs: ValueInputs::default(),
            release: "airbyte".into(),
            namespace: "default".into(),
            chart: crate::plan::NEWEST_CHART,
            target: None,
            settings: Settings::default(),
            wrappers: WrapperOptions::default(),
            given: Given::default(),
        }
    }
}

/// Why a run could not go on: exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A bad argument (release name, chart version, a flag for another target, ...).
    Usage(String),
    /// An input that cannot be read or parsed.
    Input(InputError),
    /// Writing failed: standard output, `--output-dir`, a rewritten file. The message names what
    /// was written and the system's error. Exit 2.
    Output(String),
    /// Standard output was closed by its reader (`render | head -1`): a quiet exit 0, as ripgrep
    /// does, since the reader has what it wanted.
    ClosedPipe,
    /// The tool itself failed (a rendered document did not parse back). Also exit 2.
    Internal(String),
}

impl From<crate::output::WriteError> for Failure {
    fn from(e: crate::output::WriteError) -> Self {
        Failure::Output(e.0)
    }
}

impl From<crate::names::NameError> for Failure {
    fn from(e: crate::names::NameError) -> Self {
        Failure::Usage(e.0)
    }
}

impl From<crate::airbyte::VersionError> for Failure {
    fn from(e: crate::airbyte::VersionError) -> Self {
        Failure::Usage(e.to_string())
    }
}

impl From<crate::targets::SettingsError> for Failure {
    fn from(e: crate::targets::SettingsError) -> Self {
        Failure::Usage(e.0)
    }
}

impl From<crate::render::RenderError> for Failure {
    fn from(e: crate::render::RenderError) -> Self {
        Failure::Internal(e.0)
    }
}

impl Failure {
    /// A failure to write standard output: the closed pipe apart.
    pub fn stdout(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Output(format!("cannot write to standard output: {e}"))
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) => f.write_str(m),
            Failure::Input(e) => write!(f, "{e}"),
            Failure::Output(m) => f.write_str(m),
            Failure::ClosedPipe => f.write_str("standard output was closed"),
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
    /// The release these values are: what defined it and where its values came from.
    pub input: findings::InputEntry,
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
pub fn check_release(name: &str) -> Result<(), NameError> {
    if !names::dns_subdomain_ok(name) {
        return Err(NameError(format!(
            "invalid release name `{name}`: use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"
        )));
    }
    if name.len() > 53 {
        return Err(NameError(format!(
            "invalid release name `{name}`: {} characters, Helm allows at most 53",
            name.len()
        )));
    }
    Ok(())
}

/// A namespace is a DNS-1123 label: at most 63 lowercase letters, digits and `-`.
pub fn check_namespace(ns: &str) -> Result<(), NameError> {
    if names::dns_label_ok(ns) {
        Ok(())
    } else {
        Err(NameError(format!(
            "invalid namespace `{ns}`: use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"
        )))
    }
}

/// Loads, merges and checks the values of the one release the inputs define (plain values files,
/// or a wrapper that holds one Airbyte release): every stage up to the plan, with all findings.
pub fn check(opts: &RunOptions, read: ReadFn<'_>) -> Result<Checked, Failure> {
    check_release(&opts.release)?;
    check_namespace(&opts.namespace)?;
    opts.chart.line()?;
    finish(merge_single(opts, read)?)
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
                let (p, plan_findings) = Plan::build(typed, &loaded.root, &popts)?;
                if let Some(target) = opts.target {
                    target.check_settings(&p, &opts.settings)?;
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
        input: findings::InputEntry::default(),
    })
}

/// Loads and merges the values as Helm does, under the explicit limits; what reading noticed comes
/// back as findings. A key given twice where this tool reads it stops the run (which copy is
/// meant cannot be known); elsewhere it is a warning, and Helm's choice (the later) stands.
pub fn load(inputs: &ValueInputs, read: ReadFn<'_>) -> Result<(Loaded, Vec<Finding>), Failure> {
    let loaded = values::load(inputs, chart_defaults(), read).map_err(Failure::Input)?;
    check_counts(&loaded, &inputs.limits).map_err(Failure::Input)?;
    duplicate_read(&loaded)?;
    let findings = loaded
        .notices
        .iter()
        .map(|n| notice_finding(n, &loaded.sources))
        .collect();
    Ok((loaded, findings))
}

/// A key given twice where this tool reads it: an input error naming both places.
pub(crate) fn duplicate_read(loaded: &Loaded) -> Result<(), Failure> {
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
            return Err(Failure::Input(crate::inputs::wrapper::error_at(
                &loaded.sources,
                *again,
                InputErrorKind::Invalid,
                format!(
                    "duplicate key `{}` (`{path}`): first at {}, again at {}; this tool reads it, and Helm would silently keep the second (remove one)",
                    key.unwrap_or_default(),
                    pos(first),
                    pos(again)
                ),
            )));
        }
    }
    Ok(())
}

/// What reading the input noticed, as a finding.
pub(crate) fn notice_finding(n: &Notice, sources: &values::Sources) -> Finding {
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
pub(crate) fn check_counts(loaded: &Loaded, limits: &values::Limits) -> Result<(), InputError> {
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
        chart: crate::plan::NEWEST_CHART,
        target,
        settings,
        wrappers: Default::default(),
        given: Default::default(),
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
