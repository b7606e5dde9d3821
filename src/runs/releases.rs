//! The releases the `-f` files define: plain values files (one release, named by the flags), or
//! the GitOps and IaC wrappers around values (each Airbyte release they hold, named as the
//! wrapping tool names it). Each release's values are merged in the wrapping tool's order, with
//! the plain files and `--set` flags given beside a wrapper applied after its own, as if added to
//! its `helm` command. What cannot be resolved is said to be so, never guessed.

use super::{
    Checked, Failure, RunOptions, chart_defaults, check_counts, check_loaded, check_namespace,
    check_release, duplicate_read, notice_finding,
};
use crate::airbyte::{self, ChartVersion};
use crate::findings::{self, Finding, InputEntry, Rule};
use crate::inputs::unknown::{Unknown, Unknowns};
use crate::inputs::wrapper::{self, Ctx, FileKind, InputKind, Known, Layer, NoteSeverity, Release};
use crate::inputs::{manifests as objects, read_named};
use crate::model;
use crate::values::{
    self, InputError, InputErrorKind, Loaded, Node, Origin, Path, ReadFn, Seg, SourceFile, Sources,
    Value,
};

/// What the wrapper readers need from the command line.
#[derive(Clone, Debug, Default)]
pub struct WrapperOptions {
    /// `--input-kind`: read every `-f` file as this kind instead of telling by content.
    pub input_kind: Option<FileKind>,
    /// `--repo-root NAME=DIR`.
    pub repo_roots: Vec<(String, std::path::PathBuf)>,
    /// `--tf-var NAME=VALUE`.
    pub tf_vars: Vec<String>,
    /// `--tf-vars FILE`.
    pub tf_var_files: Vec<String>,
    /// A wrapper that holds no release of Airbyte's chart is passed over, not refused (`scan`
    /// reads every wrapper of a repository, most of them for other charts).
    pub other_charts_pass: bool,
}

/// Which of `--release`, `--namespace` and `--chart-version` the user gave: a wrapper's own
/// release name, namespace and chart version are used unless they were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Given {
    pub release: bool,
    pub namespace: bool,
    pub chart: bool,
}

/// One release read and merged, before its rules run.
pub struct Merged {
    pub loaded: Loaded,
    /// What reading and merging said.
    pub findings: Vec<Finding>,
    /// The options this release is checked with (its name, namespace, chart version).
    pub run: RunOptions,
    pub input: InputEntry,
    unknowns: Unknowns,
    unknown_at: Vec<(Path, usize, Origin)>,
    release_findings: Vec<Finding>,
    /// Where the values merged after the last layer that could not be read are, if one could
    /// not: only findings there are sure.
    sure: Option<Vec<Span>>,
}

/// A stretch of a source: a file's lines, or one flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Lines { file: u32, first: u32, last: u32 },
    At(Origin),
}

impl Span {
    fn holds(self, o: Origin) -> bool {
        match (self, o) {
            (Span::Lines { file, first, last }, Origin::File { file: f, line, .. }) => {
                f == file && (first..=last).contains(&line)
            }
            (Span::At(a), o) => a == o,
            _ => false,
        }
    }
}

/// Where the layers after the last unread one are; `None` when every layer was read.
fn after_unread(layers: &[Layer]) -> Option<Vec<Span>> {
    let last = layers
        .iter()
        .rposition(|l| matches!(l, Layer::Unread { .. }))?;
    fn lines(n: &Node, out: &mut Vec<(u32, u32)>) {
        for o in [n.origin, n.key_origin] {
            if let Origin::File { file, line, .. } = o {
                out.push((file, line));
            }
        }
        match &n.value {
            Value::Seq(s) => s.iter().for_each(|c| lines(c, out)),
            Value::Map(m) => m.values().for_each(|c| lines(c, out)),
            _ => {}
        }
    }
    let mut spans = Vec::new();
    for l in &layers[last + 1..] {
        match l {
            Layer::Tree { root, .. } => {
                let mut at = Vec::new();
                lines(root, &mut at);
                let mut files: Vec<u32> = at.iter().map(|(f, _)| *f).collect();
                files.sort_unstable();
                files.dedup();
                for f in files {
                    let ls = at.iter().filter(|(g, _)| *g == f).map(|(_, l)| *l);
                    let (first, last) = ls.fold((u32::MAX, 0), |(a, b), l| (a.min(l), b.max(l)));
                    spans.push(Span::Lines {
                        file: f,
                        first,
                        last,
                    });
                }
            }
            other => spans.push(Span::At(other.origin())),
        }
    }
    Some(spans)
}

/// Every release the inputs define, read and merged.
pub fn merge_all(opts: &RunOptions, read: ReadFn<'_>) -> Result<Vec<Merged>, Failure> {
    if opts.given.release {
        check_release(&opts.release)?;
    }
    if opts.given.namespace {
        check_namespace(&opts.namespace)?;
    }
    if opts.given.chart {
        opts.chart.line()?;
    }
    let limits = opts.inputs.limits;
    let mut sources = Sources::default();
    let mut user: Vec<Layer> = Vec::new();
    let mut wrappers: Vec<(FileKind, u32)> = Vec::new();
    let mut manifest_files: Vec<(u32, InputError)> = Vec::new();
    for name in &opts.inputs.files {
        let (shown, bytes) =
            read_named(name, limits.max_file_bytes, read).map_err(Failure::Input)?;
        let kind = match opts.wrappers.input_kind {
            Some(k) => Ok(k),
            // valid UTF-8 (nearly every file) is checked word by word, not char by char
            None => match std::str::from_utf8(&bytes) {
                Ok(text) => wrapper::detect(name, text),
                Err(_) => wrapper::detect(name, &String::from_utf8_lossy(&bytes)),
            },
        };
        match kind {
            Ok(FileKind::Values) => {
                user.push(
                    values::file_layer(&shown, &bytes, &mut sources, &limits)
                        .map_err(Failure::Input)?,
                );
            }
            Ok(k) => {
                let text = values::source_text(&bytes, &shown, &limits).map_err(Failure::Input)?;
                let id = sources.files.len() as u32;
                sources.files.push(SourceFile::new(shown, text));
                wrappers.push((k, id));
            }
            Err(e)
                if e.kind == InputErrorKind::Invalid
                    && e.message.starts_with("a Kubernetes manifest") =>
            {
                let text = values::source_text(&bytes, &shown, &limits).map_err(Failure::Input)?;
                let id = sources.files.len() as u32;
                sources.files.push(SourceFile::new(shown, text));
                manifest_files.push((id, e));
            }
            Err(e) => return Err(Failure::Input(e)),
        }
    }
    // Kubernetes objects beside a Flux HelmRelease are the ConfigMaps and Secrets it reads
    let flux = wrappers.iter().any(|(k, _)| *k == FileKind::Flux);
    if let Some((_, e)) = manifest_files.first()
        && !flux
    {
        return Err(Failure::Input(e.clone()));
    }
    let mut supporting = Vec::new();
    for (id, _) in &manifest_files {
        let text = sources.files[*id as usize].text.clone();
        let shown = sources.files[*id as usize].name.clone();
        let stream =
            values::parse_stream(text.as_bytes(), &shown, *id, &limits).map_err(Failure::Input)?;
        supporting.extend(objects::objects_of(stream.docs));
    }
    user.extend(values::flag_layers(&opts.inputs.sets, &mut sources));
    let mut releases: Vec<Release> = Vec::new();
    {
        let mut ctx = Ctx::new(read, limits);
        ctx.repo_roots = opts.wrappers.repo_roots.clone();
        ctx.tf_vars = opts.wrappers.tf_vars.clone();
        ctx.tf_var_files = opts.wrappers.tf_var_files.clone();
        ctx.objects = supporting;
        for (kind, id) in &wrappers {
            let w = wrapper::read(*kind, *id, &mut sources, &mut ctx).map_err(Failure::Input)?;
            if w.releases.is_empty() && !opts.wrappers.other_charts_pass {
                let file = &sources.files[*id as usize].name;
                let others: Vec<String> =
                    w.skipped.iter().take(5).map(|s| s.what.clone()).collect();
                return Err(Failure::Input(InputError::new(
                    InputErrorKind::Invalid,
                    file.clone(),
                    format!(
                        "holds no release of Airbyte's chart (read as {}){}",
                        kind.name(),
                        if others.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", others.join("; "))
                        }
                    ),
                )));
            }
            releases.extend(w.releases);
        }
    }
    if wrappers.is_empty() || (opts.wrappers.other_charts_pass && releases.is_empty()) {
        if opts.wrappers.other_charts_pass {
            return Ok(Vec::new());
        }
        let file = opts
            .inputs
            .files
            .first()
            .map_or_else(|| "<flags>".to_string(), |f| crate::inputs::shown_name(f));
        let mut r = Release::new(
            InputKind::Values,
            &file,
            Origin::Default,
            Known::new("airbyte".to_string(), "", Origin::Default),
        );
        r.chart = Known::new(String::new(), "", Origin::Default);
        releases.push(r);
    } else if opts.given.release && releases.len() > 1 {
        let names: Vec<String> = releases
            .iter()
            .map(|r| {
                r.name
                    .as_ref()
                    .map_or_else(|| "?".into(), |n| n.value.clone())
            })
            .collect();
        releases.retain(|r| r.name.as_ref().is_some_and(|n| n.value == opts.release));
        if releases.is_empty() {
            return Err(Failure::Usage(format!(
                "`--release {}` names none of the Airbyte releases the files define: {}",
                opts.release,
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let mut out = Vec::new();
    // each release merges the user's layers over its own: copies for all but the last, which
    // takes them (one release, the common case, copies nothing)
    let count = releases.len();
    let mut user = Some(user);
    let mut sources = Some(sources);
    for (i, rel) in releases.into_iter().enumerate() {
        let (layers, srcs) = if i + 1 == count {
            (
                user.take().unwrap_or_default(),
                sources.take().unwrap_or_default(),
            )
        } else {
            (
                user.clone().unwrap_or_default(),
                sources.clone().unwrap_or_default(),
            )
        };
        out.push(merge_one(opts, rel, layers, srcs, read)?);
    }
    Ok(out)
}

/// Exactly one release: for `render` and `values`, which print one release's output.
pub fn merge_single(opts: &RunOptions, read: ReadFn<'_>) -> Result<Merged, Failure> {
    merge_single_for(opts, read, "pick one with `--release NAME`")
}

/// As [`merge_single`], for a run that needs one release for its own reason: inputs that define
/// several are refused before any rule runs, naming each and saying `pick`.
pub fn merge_single_for(
    opts: &RunOptions,
    read: ReadFn<'_>,
    pick: &str,
) -> Result<Merged, Failure> {
    let mut all = merge_all(opts, read)?;
    if all.len() > 1 {
        let names: Vec<String> = all
            .iter()
            .map(|m| format!("`{}` ({})", m.input.release, m.input.at))
            .collect();
        return Err(Failure::Usage(format!(
            "the files define {} Airbyte releases: {}; {pick}",
            all.len(),
            names.join(", ")
        )));
    }
    all.pop()
        .ok_or_else(|| Failure::Usage("no values given".into()))
}

/// Checks every release the inputs define.
pub fn check_all(opts: &RunOptions, read: ReadFn<'_>) -> Result<Vec<Checked>, Failure> {
    merge_all(opts, read)?.into_iter().map(finish).collect()
}

/// Runs the rules on a merged release and settles what touches an unknown.
pub fn finish(m: Merged) -> Result<Checked, Failure> {
    let Merged {
        loaded,
        findings,
        run,
        input,
        unknowns,
        unknown_at,
        release_findings,
        sure,
    } = m;
    let mut checked = check_loaded(&run, loaded, findings)?;
    let mut all = release_findings;
    let found = assess(
        std::mem::take(&mut checked.findings),
        &unknowns,
        &unknown_at,
    );
    all.extend(match &sure {
        None => found,
        Some(spans) => found
            .into_iter()
            .map(|f| {
                // sure: a rule about one value, and that value written after the unread ones
                let written_after = checked
                    .loaded
                    .root
                    .at(&f.path)
                    .is_some_and(|n| spans.iter().any(|s| s.holds(n.origin)));
                let kept = f.rule == Rule::CannotAssess
                    || f.rule.info().scope == crate::findings::Scope::Input
                    || f.rule.holds_whatever_the_values()
                    || (f.rule.judges_written_value()
                        && written_after
                        && spans.iter().any(|s| s.holds(f.primary())));
                if kept {
                    f
                } else {
                    Finding::new(
                        Rule::CannotAssess,
                        f.path.clone(),
                        f.primary(),
                        format!(
                            "`{}` not assessed, since values this tool could not read take part in the merge and may change it: {}",
                            f.rule.id(),
                            f.message
                        ),
                    )
                    .help(f.help.clone())
                }
            })
            .collect(),
    });
    findings::sort(&mut all);
    checked.findings = all;
    checked.input = input;
    Ok(checked)
}

/// Merges and checks one release already read (the routes `render -m` reads back, say).
pub fn check_read_release(
    opts: &RunOptions,
    rel: Release,
    sources: &Sources,
    read: ReadFn<'_>,
) -> Result<Checked, Failure> {
    finish(merge_one(opts, rel, Vec::new(), sources.clone(), read)?)
}

fn merge_one(
    opts: &RunOptions,
    mut rel: Release,
    user: Vec<Layer>,
    sources: Sources,
    read: ReadFn<'_>,
) -> Result<Merged, Failure> {
    let limits = opts.inputs.limits;
    let wrapped = rel.kind != InputKind::Values;
    let mut layers = std::mem::take(&mut rel.layers);
    layers.extend(user);
    let subchart = opts.inputs.subchart.clone().or(rel.subchart.clone());
    let mut values_from: Vec<String> = Vec::new();
    for l in &layers {
        let o = l.origin();
        let at = match o {
            Origin::File { file, line, .. } => sources
                .files
                .get(file as usize)
                .map_or_else(|| "?".to_string(), |f| format!("{}:{line}", f.name)),
            other => sources.describe(other),
        };
        if !values_from.contains(&at) {
            values_from.push(at);
        }
    }
    // read from the trees before they are merged (merging moves them)
    let sure = after_unread(&layers);
    let (mut root, notices) = values::assemble(
        layers,
        &sources,
        &limits,
        subchart.as_deref(),
        chart_defaults(),
        read,
    )
    .map_err(Failure::Input)?;
    let mut loaded = Loaded {
        root: Node::new(Value::Null, Origin::Default),
        sources,
        notices,
    };
    let unknown_at = settle(&mut root, &rel.unknowns);
    loaded.root = root;
    check_counts(&loaded, &limits).map_err(Failure::Input)?;
    duplicate_read(&loaded)?;
    let findings: Vec<Finding> = loaded
        .notices
        .iter()
        .map(|n| notice_finding(n, &loaded.sources))
        .collect();
    let mut release_findings: Vec<Finding> = rel
        .notes
        .iter()
        .map(|n| {
            let rule = match n.severity {
                NoteSeverity::CannotAssess => Rule::CannotAssess,
                NoteSeverity::Ignored => Rule::ValueIgnored,
            };
            Finding::new(rule, Path::default(), n.origin, n.message.clone())
        })
        .collect();
    let at_error = |at: Origin, message: String| {
        Failure::Input(wrapper::error_at(
            &loaded.sources,
            at,
            InputErrorKind::Invalid,
            message,
        ))
    };
    // the release's name, namespace and chart version: the flags', else the wrapper's
    let release = match (&rel.name, wrapped && !opts.given.release) {
        (Some(n), true) => {
            check_release(&n.value)
                .map_err(|m| at_error(n.origin, format!("{m} (from `{}`)", n.from)))?;
            n.value.clone()
        }
        _ => opts.release.clone(),
    };
    let namespace = match (&rel.namespace, wrapped && !opts.given.namespace) {
        (Some(n), true) => {
            check_namespace(&n.value)
                .map_err(|m| at_error(n.origin, format!("{m} (from `{}`)", n.from)))?;
            n.value.clone()
        }
        _ => opts.namespace.clone(),
    };
    let chart = match (&rel.version, wrapped && !opts.given.chart) {
        (Some(v), true) if crate::inputs::unknown::has_token(&v.value) => {
            // a variable, a template: the version is not known, so neither are its rules
            let why: Vec<String> = rel
                .unknowns
                .in_text(&v.value)
                .map(|u| u.hint.clone())
                .collect();
            release_findings.push(Finding::new(
                Rule::CannotAssess,
                Path::default(),
                v.origin,
                format!(
                    "the chart version is `{}`, which this tool cannot resolve ({}): checked as {}, the newest chart this tool knows (pass `--chart-version`, or what resolves it)",
                    rel.unknowns.show(&v.value),
                    why.join("; "),
                    airbyte::NEWEST_CHART
                ),
            ));
            airbyte::NEWEST_CHART
        }
        (Some(v), true) => {
            let (version, note) = resolve_version(&v.value).map_err(|m| at_error(v.origin, m))?;
            version
                .line()
                .map_err(|m| at_error(v.origin, format!("{m} (from `{}`)", v.from)))?;
            if let Some(note) = note {
                release_findings.push(Finding::new(
                    Rule::CannotAssess,
                    Path::default(),
                    v.origin,
                    note,
                ));
            }
            version
        }
        (None, true) => {
            release_findings.push(Finding::new(
                Rule::CannotAssess,
                Path::default(),
                rel.chart.origin,
                format!(
                    "no chart version: Helm installs the newest chart at each run; checked as {}, the newest this tool knows (pin `version`, or pass `--chart-version`)",
                    airbyte::NEWEST_CHART
                ),
            ));
            opts.chart
        }
        _ => opts.chart,
    };
    if rel.version.is_none() || !wrapped || opts.given.chart {
        // an exact version from the command line (a wrapper's own is noted where it is written)
        if let Some(note) = airbyte::unknown_chart_note(chart) {
            release_findings.push(Finding::new(
                Rule::CannotAssess,
                Path::default(),
                Origin::Command,
                format!("{note} (from `--chart-version`)"),
            ));
        }
    }
    let input = InputEntry {
        file: rel.file.clone(),
        kind: rel.kind.name(),
        release: rel.unknowns.show(&release),
        namespace: rel.unknowns.show(&namespace),
        chart: (!rel.chart.value.is_empty()).then(|| rel.unknowns.show(&rel.chart.value)),
        chart_version: rel
            .version
            .as_ref()
            .map(|v| rel.unknowns.show(&v.value))
            .filter(|_| wrapped),
        checked_as: chart.to_string(),
        values_from,
        at: match rel.at {
            Origin::Default => rel.file.clone(),
            o => loaded.sources.describe(o),
        },
        derived: [
            rel.name
                .as_ref()
                .filter(|_| wrapped && !opts.given.release)
                .map(|n| format!("release `{}` from {}", rel.unknowns.show(&n.value), n.from)),
            rel.namespace
                .as_ref()
                .filter(|_| wrapped && !opts.given.namespace)
                .map(|n| {
                    format!(
                        "namespace `{}` from {}",
                        rel.unknowns.show(&n.value),
                        n.from
                    )
                }),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let run = RunOptions {
        release,
        namespace,
        chart,
        ..opts.clone()
    };
    Ok(Merged {
        loaded,
        findings,
        run,
        input,
        unknowns: rel.unknowns,
        unknown_at,
        release_findings,
        sure,
    })
}

/// A wrapper's chart version as the rules take it: an exact version as it is; a range (`~2.1`,
/// `2.x`, `>=2.0.18 <2.2`) as the newest known chart it admits, with a note saying so.
fn resolve_version(v: &str) -> Result<(ChartVersion, Option<String>), String> {
    let t = v.trim();
    if let Ok(exact) = ChartVersion::parse(t) {
        return Ok((exact, airbyte::unknown_chart_note(exact)));
    }
    let admitted: Vec<ChartVersion> = airbyte::KNOWN_CHARTS
        .iter()
        .copied()
        .filter(|c| airbyte::satisfies(*c, t))
        .collect();
    match admitted.last() {
        Some(newest) => Ok((
            *newest,
            Some(format!(
                "the chart version `{t}` is a range: checked as {newest}, the newest chart this tool knows in it (pin the version, or pass `--chart-version`)"
            )),
        )),
        None => Ok((
            airbyte::NEWEST_CHART,
            Some(format!(
                "the chart version `{t}` admits no chart this tool knows: checked as {} (pass `--chart-version`)",
                airbyte::NEWEST_CHART
            )),
        )),
    }
}

/// Finds every token left in the merged values. A token that stands alone where the schema wants
/// a boolean or a number is taken out (the value is unknown, not a wrong type); the rest stay, so
/// the known parts of a string are checked.
fn settle(root: &mut Node, unknowns: &Unknowns) -> Vec<(Path, usize, Origin)> {
    let mut out = Vec::new();
    if unknowns.list.is_empty() {
        return out;
    }
    fn walk(
        n: &mut Node,
        path: &mut Vec<Seg>,
        unknowns: &Unknowns,
        out: &mut Vec<(Path, usize, Origin)>,
    ) {
        match &mut n.value {
            Value::Map(m) => {
                let keys: Vec<String> = m.keys().cloned().collect();
                for k in keys {
                    path.push(Seg::Key(k.as_str().into()));
                    let mut remove = false;
                    if let Some(child) = m.get_mut(&k) {
                        if let Value::Str(s) = &child.value
                            && let Some(i) = unknowns.list.iter().position(|u| u.token == *s)
                        {
                            let p = Path(path.clone());
                            let wants = model::schema_at(&p)
                                .and_then(|s| s.get("type"))
                                .and_then(|t| t.as_str());
                            remove = matches!(wants, Some("boolean" | "integer" | "number"));
                            out.push((p, i, child.origin));
                        } else {
                            walk(child, path, unknowns, out);
                        }
                    }
                    if remove {
                        m.remove(&k);
                    }
                    path.pop();
                }
            }
            Value::Seq(items) => {
                for (i, c) in items.iter_mut().enumerate() {
                    path.push(Seg::Index(i));
                    walk(c, path, unknowns, out);
                    path.pop();
                }
            }
            Value::Str(s) => {
                for (i, u) in unknowns.list.iter().enumerate() {
                    if s.contains(&u.token) {
                        out.push((Path(path.clone()), i, n.origin));
                    }
                }
            }
            _ => {}
        }
    }
    walk(root, &mut Vec::new(), unknowns, &mut out);
    out
}

/// One "cannot assess" per unknown value, and every finding that touches one turned into a
/// "cannot assess" naming the rule it would have been: an unknown is never a fault.
fn assess(found: Vec<Finding>, unknowns: &Unknowns, at: &[(Path, usize, Origin)]) -> Vec<Finding> {
    if unknowns.list.is_empty() {
        return found;
    }
    let mut out: Vec<Finding> = Vec::new();
    // said of the values this tool reads; an unknown admin password is none of its business
    for (path, i, origin) in at.iter().filter(|(p, _, _)| model::reads(p)) {
        let u: &Unknown = &unknowns.list[*i];
        out.push(Finding::new(
            Rule::CannotAssess,
            path.clone(),
            *origin,
            format!(
                "`{path}` is built from `{}`, which this tool cannot resolve ({}): the rules that read it are not assessed",
                u.expr, u.hint
            ),
        )
        // what resolves this one is in the message; the catalog's help lists every kind
        .help("resolve it as the message says, or check what is rendered once it is known with `validate -m` or `post-render`"));
    }
    for f in found {
        let touched = unknowns.in_text(&f.message).next().is_some()
            || unknowns.in_text(&f.help).next().is_some()
            || at
                .iter()
                .any(|(p, _, _)| !p.0.is_empty() && f.path.0.starts_with(&p.0));
        if touched && f.rule != Rule::CannotAssess {
            out.push(
                Finding::new(
                    Rule::CannotAssess,
                    f.path.clone(),
                    f.primary(),
                    format!(
                        "`{}` not assessed, since it reads a value this tool cannot resolve: {}",
                        f.rule.id(),
                        unknowns.show(&f.message)
                    ),
                )
                .help(unknowns.show(&f.help)),
            );
        } else {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_as_the_newest_known_chart_they_admit() {
        let (v, note) = resolve_version("2.2.0").unwrap();
        assert_eq!((v, note), (ChartVersion::new(2, 2, 0), None));
        let (v, note) = resolve_version("~2.0.18").unwrap();
        assert_eq!(v, ChartVersion::new(2, 0, 19));
        assert!(note.unwrap().contains("range"));
        assert_eq!(resolve_version("2.x").unwrap().0, airbyte::NEWEST_CHART);
        assert_eq!(
            resolve_version(">=2.0.18, <2.1.0").unwrap().0,
            ChartVersion::new(2, 0, 19)
        );
        assert_eq!(
            resolve_version("^2.1.0").unwrap().0,
            ChartVersion::new(2, 2, 0)
        );
        assert_eq!(
            resolve_version("~2.1").unwrap().0,
            ChartVersion::new(2, 1, 1)
        );
    }
}
