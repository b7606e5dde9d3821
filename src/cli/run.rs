//! The command runners: each turns a parsed command into library calls, writes what it produced
//! (manifests and reports to stdout, findings and notes to stderr), and is mapped to its exit code
//! in one place, [`run_as`].

use std::io::Write;

use super::{
    Cli, Command, MigrateArgs, OutputFormat, PostRenderArgs, RenderArgs, ReportFormat,
    ValidateArgs, ValuesArgs,
};
use crate::findings::{self, Format, Rule, Severity};
use crate::values::{Limits, Origin, Sources};
use crate::{Checked, Failure};

/// Standard streams and environment facts, passed in so tests can capture them.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Colour diagnostics on stderr (it is a terminal, and no NO_COLOR).
    pub color: bool,
    /// Colour a text report on stdout (it is a terminal, and no NO_COLOR).
    pub color_stdout: bool,
    /// Reads an input, at most so many bytes; `-` is standard input.
    pub read: crate::inputs::ReadFn<'a>,
    /// `-q`: only errors on stderr.
    pub quiet: bool,
    /// `-v`: also what was read and rendered.
    pub verbose: bool,
    /// The controlling terminal, when standard error goes elsewhere: Helm 4 discards what a
    /// post-renderer writes to stderr, so `post-render` reports a failure here too.
    pub terminal: Option<&'a mut dyn Write>,
    /// What Helm tells a CLI plugin (`helm airbyte ...`), when run as one.
    pub helm: Option<HelmEnv>,
}

/// What Helm passes a CLI plugin in its environment: Helm takes its own global flags (`-n`,
/// `--kube-context`, `--debug`, ...) out of a plugin's arguments and sets `HELM_NAMESPACE`,
/// `HELM_DEBUG`, ... instead (Helm 4's `pkg/cli/environment.go`, `EnvVars`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelmEnv {
    /// `HELM_NAMESPACE`: `-n NS`, else the kubeconfig context's namespace, else `default`, as Helm
    /// would install into. The release namespace when neither `--namespace` nor a wrapper names one.
    pub namespace: Option<String>,
    /// `HELM_DEBUG=true` (`helm --debug airbyte ...`): as `-v`.
    pub debug: bool,
}

impl HelmEnv {
    /// Read from the environment when running as a Helm plugin (`HELM_PLUGIN_NAME` set).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<HelmEnv> {
        get("HELM_PLUGIN_NAME")?;
        Some(HelmEnv {
            namespace: get("HELM_NAMESPACE").filter(|n| !n.is_empty()),
            debug: get("HELM_DEBUG").is_some_and(|d| d == "true" || d == "1"),
        })
    }
}

/// The exit code of a run: the documented API (`--help`, README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    CouldNotRun = 2,
}

/// Runs a parsed command line.
pub fn run(cli: Cli, io: &mut Io) -> Exit {
    run_as(cli, io, "airbyte-ingress")
}

/// Runs a parsed command line; `name` is how the user invoked the tool (for completions).
pub fn run_as(cli: Cli, io: &mut Io, name: &str) -> Exit {
    io.quiet = cli.quiet;
    io.verbose = cli.verbose || io.helm.as_ref().is_some_and(|h| h.debug && !cli.quiet);
    let color = io.color && !cli.no_color;
    let color_stdout = io.color_stdout && !cli.no_color;
    let result = match cli.command {
        Command::Render(args) => render(args, io, color),
        Command::Validate(args) => validate(args, io, color_stdout),
        Command::Scan(args) => scan(args, io, color_stdout),
        Command::Abctl(args) => abctl(args, io, color_stdout),
        Command::Probe(args) => probe(args, io, color_stdout),
        Command::PostRender(args) => post_render(args, io, color),
        Command::Schema => write_out(io, &crate::model::schema_text()).map(|_| Exit::Clean),
        Command::Values(args) => merged_values(args, io, color),
        Command::Migrate(args) => migrate(args, io, color),
        Command::Targets { markdown } => targets(io, markdown),
        Command::Rules { markdown } => rules(io, markdown),
        Command::Explain { rule } => explain(&rule, io),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, name, &mut buf);
            write_out(io, &String::from_utf8_lossy(&buf)).map(|_| Exit::Clean)
        }
    };
    match result {
        Ok(exit) => exit,
        // the reader has what it wanted
        Err(Failure::ClosedPipe) => Exit::Clean,
        Err(failure) => {
            say(io, &format!("error: {failure}"));
            Exit::CouldNotRun
        }
    }
}

/// A line for people on stderr, with what came from the input made [`findings::printable`].
fn say(io: &mut Io, line: &str) {
    let _ = writeln!(io.stderr, "{}", findings::printable(line));
}

fn write_out(io: &mut Io, s: &str) -> Result<(), Failure> {
    io.stdout
        .write_all(s.as_bytes())
        .and_then(|_| io.stdout.flush())
        .map_err(stdout_failed)
}

fn stdout_failed(e: std::io::Error) -> Failure {
    Failure::stdout(e)
}

/// `-v`: the files and flags that were read.
fn say_what_was_read(io: &mut Io, sources: &Sources) {
    if !io.verbose {
        return;
    }
    for f in &sources.files {
        say(
            io,
            &format!("read {} ({} lines)", f.name, f.text.lines().count()),
        );
    }
    for a in &sources.args {
        say(io, &format!("applied {} {}", a.kind.flag(), a.text));
    }
}

/// Findings for people on stderr: all of them, or only errors with `-q`.
fn print_findings(io: &mut Io, found: &[findings::Finding], sources: &Sources, color: bool) {
    for f in found
        .iter()
        .filter(|f| !io.quiet || f.severity() == Severity::Error)
    {
        let _ = write!(io.stderr, "{}", findings::text_one(f, sources, color));
    }
}

fn post_render(args: PostRenderArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    let done = match post_render_checked(&args, io) {
        Ok(done) => done,
        Err(failure) => {
            let report = format!(
                "error: {}\n{}",
                findings::printable(&failure.to_string()),
                stopped_line(args.target, "it could not run")
            );
            return post_render_stopped(&args, io, &report, Exit::CouldNotRun);
        }
    };
    if io.verbose {
        for line in &done.inferred {
            say(io, line);
        }
    }
    print_findings(io, &done.findings, &done.sources, color);
    let s = findings::summarize(&done.findings);
    let mut report: String = done
        .findings
        .iter()
        .map(|f| findings::text_one(f, &done.sources, false))
        .collect();
    match done.output {
        Some(out) => {
            report.push_str(&format!("{}\n", findings::summary_line(s)));
            write_report(&args, &report)?;
            write_out(io, &out)?;
            Ok(Exit::Clean)
        }
        None => {
            report.push_str(&stopped_line(args.target, &findings::summary_line(s)));
            post_render_stopped(&args, io, &report, Exit::Findings)
        }
    }
}

/// For a post-render command line clap refused: when it asks for `--report-to-helm`, the stream
/// that carries clap's message to Helm (and `--report FILE` written, when it is in the arguments).
pub fn refused_post_render(argv: &[String], message: &str) -> Option<String> {
    if argv
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str)
        != Some("post-render")
        || !argv.iter().any(|a| a == "--report-to-helm")
    {
        return None;
    }
    let report = format!(
        "{}\nerror: airbyte-ingress post-render: its arguments were refused; nothing was written, so Helm stops here\n",
        message.trim_end()
    );
    let file = argv
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--report=") {
            Some(f) => Some(f.to_string()),
            None if a == "--report" => argv.get(i + 1).cloned(),
            None => None,
        });
    if let Some(f) = file
        && !std::fs::symlink_metadata(&f).is_ok_and(|m| m.file_type().is_symlink())
    {
        let _ = std::fs::write(f, &report);
    }
    Some(crate::runs::post_render::helm_refusal(&report))
}

/// The last line of a report that stopped Helm.
fn stopped_line(target: crate::targets::Target, why: &str) -> String {
    format!(
        "error: airbyte-ingress post-render --target {}: {why}; nothing was written, so Helm stops here\n",
        target.name()
    )
}

/// `post-render` up to its result: the flags, the stream, the checks.
fn post_render_checked(args: &PostRenderArgs, io: &mut Io) -> Result<crate::PostRendered, Failure> {
    if args.report.is_some() {
        // a report that cannot be written is found before the release is checked
        write_report(args, "")?;
    }
    let settings = args.target_options.settings(Some(args.target))?;
    if let Some(ns) = &args.namespace {
        crate::check_namespace(ns)?;
    }
    let (_, input) =
        crate::inputs::read_named("-", args.max_file_bytes, io.read).map_err(Failure::Input)?;
    let opts = crate::PostRenderOptions {
        target: args.target,
        settings,
        namespace: args.namespace.clone(),
        limits: Limits {
            max_file_bytes: args.max_file_bytes,
            ..Limits::default()
        },
        strict: args.strict,
        chart: args.chart_version,
    };
    if let Some(c) = args.chart_version {
        c.line()?;
    }
    crate::post_render(&opts, &input)
}

/// `--report FILE`: the report, on every path (refusing a symbolic link, as `--output-dir` does).
fn write_report(args: &PostRenderArgs, report: &str) -> Result<(), Failure> {
    let Some(path) = &args.report else {
        return Ok(());
    };
    let failed = |why: String| Failure::Usage(format!("--report {}: {why}", path.display()));
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(failed(
            "is a symbolic link: name the file itself, so the report cannot be written elsewhere"
                .into(),
        ));
    }
    std::fs::write(path, report).map_err(|e| failed(format!("cannot write the report: {e}")))
}

/// A post-render that stopped Helm: the report goes to `--report`, to the terminal, and to Helm
/// itself. Helm 4 discards a post-renderer's standard error and its output when it fails, so with
/// `--report-to-helm` (which the Helm 4 plugin passes) the report is handed over as a stream Helm
/// refuses, whose error message carries it; the run then exits 0 for Helm to read that stream.
fn post_render_stopped(
    args: &PostRenderArgs,
    io: &mut Io,
    report: &str,
    exit: Exit,
) -> Result<Exit, Failure> {
    let mut report = report.to_string();
    if let Err(e) = write_report(args, &report) {
        report.push_str(&format!("error: {e}\n"));
    }
    if !args.report_to_helm
        && let Some(t) = io.terminal.as_mut()
    {
        let _ = t.write_all(report.as_bytes());
        let _ = t.flush();
    }
    match exit {
        // findings were printed one by one already: the last line says what it means
        Exit::Findings => {
            let last = report.lines().last().unwrap_or_default();
            say(io, last);
        }
        _ => {
            let _ = write!(io.stderr, "{report}");
        }
    }
    if args.report_to_helm {
        write_out(io, &crate::runs::post_render::helm_refusal(&report))?;
        return Ok(Exit::Clean);
    }
    Ok(exit)
}

/// The namespace Helm names for a plugin (`helm airbyte ... -n NS`), when the command line names none.
fn helm_namespace<'a>(io: &'a Io) -> Option<&'a str> {
    io.helm.as_ref().and_then(|h| h.namespace.as_deref())
}

fn render(args: RenderArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    let mut checked = if args.manifests.is_empty() {
        let opts = args.values.run_options(
            true,
            args.release.as_deref(),
            args.namespace.as_deref(),
            helm_namespace(io),
            Some(args.target),
            &args.target_options,
        )?;
        crate::check(&opts, io.read)?
    } else {
        let files = manifest_files(&args.manifests, io)?;
        let opts = args.values.run_options(
            false,
            args.release.as_deref(),
            args.namespace.as_deref(),
            helm_namespace(io),
            Some(args.target),
            &args.target_options,
        )?;
        let (checked, notes) = crate::runs::moving::check(&files, &opts, io.read)?;
        if io.verbose {
            for n in &notes {
                say(io, &format!("moved: {n}"));
            }
        }
        checked
    };
    say_what_was_read(io, &checked.loaded.sources);
    say_inputs(io, std::slice::from_ref(&checked.input));
    print_findings(io, &checked.findings, &checked.loaded.sources, color);
    if checked.has_errors() {
        let s = findings::summarize(&checked.findings);
        say(
            io,
            &format!("error: not rendering: {}", findings::summary_line(s)),
        );
        return Ok(Exit::Findings);
    }
    // the values tree is done with once its findings are printed: freed now, its memory serves the
    // render (5000 hosts: a third fewer page faults, which cost more than the freeing)
    checked.loaded.root = crate::values::Node::new(crate::values::Value::Null, Origin::Default);
    let plan = checked
        .plan
        .as_ref()
        .ok_or_else(|| Failure::Internal("no plan without error findings".into()))?;
    let rendered = args.target.render(plan)?;
    let unresolved = rendered
        .docs
        .iter()
        .map(|d| d.text.as_str())
        .chain(rendered.file.iter().map(|f| f.text.as_str()))
        .any(crate::inputs::unknown::has_token);
    if unresolved {
        say(
            io,
            "error: not rendering: the manifests would hold values this tool cannot resolve (the `cannot-assess` findings above name them); pass what resolves them (`--tf-var`, `--repo-root`, ...) or the values themselves",
        );
        return Ok(Exit::Findings);
    }
    if io.verbose {
        for d in &rendered.docs {
            say(
                io,
                &format!(
                    "rendered {} {}/{}",
                    d.kind,
                    d.namespace.as_deref().unwrap_or("-"),
                    d.name
                ),
            );
        }
    }
    if rendered.file.is_none() && rendered.docs.is_empty() {
        // only the chart target renders nothing (its Ingress is off): the output says so itself,
        // so a file written from it is not a puzzle later
        if args.output_dir.is_none() {
            write_out(
                io,
                &format!(
                    "{}# nothing to render: `ingress.enabled` is not true, so the chart renders no Ingress\n",
                    crate::render::document::header(args.target.name())
                ),
            )?;
        }
        return Ok(Exit::Clean);
    }
    let name = args.target.name();
    if let Some(dir) = &args.output_dir {
        let files: Vec<(String, String)> = match &rendered.file {
            Some(f) => vec![(f.name.clone(), f.text.clone())],
            None => crate::output::document_files(name, &rendered.docs),
        };
        let written = crate::output::write_dir(dir, &files)?;
        let stale = crate::output::remove_stale(dir, &written)?;
        if !io.quiet {
            for p in &written {
                say(io, &format!("wrote {}", p.display()));
            }
            for p in &stale {
                say(
                    io,
                    &format!(
                        "removed {} (an earlier render's, not written by this one)",
                        p.display()
                    ),
                );
            }
        }
        return Ok(Exit::Clean);
    }
    match (&rendered.file, args.output) {
        (Some(f), OutputFormat::Yaml) => write_out(io, &f.text)?,
        (Some(_), OutputFormat::Json) => {
            return Err(Failure::Usage(format!(
                "`-o json` lists Kubernetes objects; `{name}` renders a configuration file"
            )));
        }
        (None, OutputFormat::Yaml) => {
            crate::render::document::write_yaml(io.stdout, name, &rendered.docs)
                .and_then(|_| io.stdout.flush())
                .map_err(stdout_failed)?
        }
        (None, OutputFormat::Json) => {
            write_out(io, &crate::render::document::to_json(&rendered.docs)?)?
        }
    }
    leave((checked, rendered));
    Ok(Exit::Clean)
}

/// Leaves a run's large trees to the end of the process instead of freeing them node by node: the
/// run is over and the process exits next, and for thousands of hosts freeing costs a sixth of the
/// run (measured with callgrind). Only for what the CLI is done with.
fn leave<T>(done: T) {
    std::mem::forget(done);
}

fn validate(args: ValidateArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    reported(args.format, io, |io, format| {
        validate_run(&args, io, color, format)
    })
}

/// Runs a command that reports in `format`. A run that cannot go on still reports in the format CI
/// asked for: the error as a finding, exit 2 (text says it on stderr alone).
fn reported(
    format: ReportFormat,
    io: &mut Io,
    run: impl FnOnce(&mut Io, Format) -> Result<Exit, Failure>,
) -> Result<Exit, Failure> {
    let format = match format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Github => Format::Github,
        ReportFormat::Sarif => Format::Sarif,
    };
    match run(io, format) {
        Ok(exit) => Ok(exit),
        Err(failure)
            if format != Format::Text
                && !matches!(failure, Failure::ClosedPipe | Failure::Output(_)) =>
        {
            let (found, sources) = failure_report(&failure);
            let report = findings::report(&found, &sources, &[], format, false);
            write_out(io, &report)?;
            say(io, &format!("error: {failure}"));
            Ok(Exit::CouldNotRun)
        }
        Err(failure) => Err(failure),
    }
}

/// Writes a run's findings in the format asked for, and says the verdict: exit 1 on errors (and on
/// warnings with `--strict`).
fn report_and_verdict(
    io: &mut Io,
    found: &[findings::Finding],
    sources: &Sources,
    inputs: &[findings::InputEntry],
    format: Format,
    color: bool,
    strict: bool,
) -> Result<Exit, Failure> {
    let report = findings::report(
        found,
        sources,
        inputs,
        format,
        color && format == Format::Text,
    );
    write_out(io, &report)?;
    Ok(if findings::failing(found, strict) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// A failure as one finding, for the report formats: its rule (`input-syntax`, `usage-error`,
/// ...), its file, line and column where known.
fn failure_report(failure: &Failure) -> (Vec<findings::Finding>, Sources) {
    use crate::values::{InputErrorKind, Path};
    let mut sources = Sources::default();
    let (rule, origin, message) = match failure {
        Failure::Input(e) => {
            let rule = match e.kind {
                InputErrorKind::Unreadable => Rule::InputUnreadable,
                InputErrorKind::Syntax => Rule::InputSyntax,
                InputErrorKind::Limit => Rule::InputLimit,
                InputErrorKind::Templated => Rule::InputTemplated,
                InputErrorKind::Invalid => Rule::InputInvalid,
            };
            sources.files.push(crate::values::SourceFile::new(
                e.source.clone(),
                String::new(),
            ));
            let origin = Origin::File {
                file: 0,
                line: e.line.unwrap_or(1),
                column: e.column.unwrap_or(1),
            };
            (rule, origin, e.message.clone())
        }
        Failure::Usage(m) => {
            sources.command = Some("the command line".into());
            (Rule::UsageError, Origin::Command, m.clone())
        }
        Failure::Output(_) | Failure::ClosedPipe => {
            sources.command = Some("the command line".into());
            (Rule::UsageError, Origin::Command, failure.to_string())
        }
        Failure::Internal(m) => {
            sources.command = Some("the command line".into());
            (
                Rule::UsageError,
                Origin::Command,
                format!("internal error: {m}"),
            )
        }
    };
    (
        vec![findings::Finding::new(
            rule,
            Path::default(),
            origin,
            message,
        )],
        sources,
    )
}

fn validate_run(
    args: &ValidateArgs,
    io: &mut Io,
    color: bool,
    format: Format,
) -> Result<Exit, Failure> {
    if args.values.is_empty() && args.manifests.is_empty() {
        return Err(Failure::Usage(
            "nothing to validate: pass values with `-f FILE` (or `-f -` for standard input) or `--set`, or manifests with `-m PATH`".into(),
        ));
    }
    let checked: Vec<Checked> = if args.values.is_empty() {
        args.target_options.settings(args.target)?;
        Vec::new()
    } else {
        let opts = args.values.run_options(
            true,
            args.release.as_deref(),
            args.namespace.as_deref(),
            helm_namespace(io),
            args.target,
            &args.target_options,
        )?;
        if args.manifests.is_empty() {
            crate::check_all(&opts, io.read)?
        } else {
            // routes are checked against one release's values: another's URL and Services would
            // give findings that are not true of either
            let merged = crate::runs::merge_single_for(
                &opts,
                io.read,
                "`-m` checks manifests against one of them: pick it with `--release NAME`, or let `scan` pair each route with its release",
            )?;
            vec![crate::runs::finish(merged)?]
        }
    };
    // every release of the inputs shares their sources
    let mut sources = checked
        .first()
        .map(|c| c.loaded.sources.clone())
        .unwrap_or_default();
    let mut found = findings::by_release(
        checked
            .iter()
            .map(|c| {
                let id = (c.input.release.clone(), c.input.namespace.clone());
                (id, c.findings.clone())
            })
            .collect(),
    );
    let inputs: Vec<findings::InputEntry> = checked.iter().map(|c| c.input.clone()).collect();
    say_what_was_read(io, &sources);
    say_inputs(io, &inputs);
    if !args.manifests.is_empty() {
        let opts = crate::ManifestOptions {
            files: manifest_files(&args.manifests, io)?,
            release: args.release.clone(),
            chart: args.values.chart_version,
            limits: args.values.inputs().limits,
        };
        let report = crate::check_manifests(&opts, checked.first(), &mut sources, io.read)?;
        if io.verbose {
            say(
                io,
                &format!(
                    "read {} objects from {} manifest files",
                    report.objects,
                    opts.files.len()
                ),
            );
            for line in &report.inferred {
                say(io, &format!("inferred {line}"));
            }
        }
        found.extend(report.findings);
        findings::sort(&mut found);
    }
    let exit = report_and_verdict(io, &found, &sources, &inputs, format, color, args.strict)?;
    leave((checked, found, sources));
    Ok(exit)
}

fn scan(args: super::ScanArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    reported(args.format, io, |io, format| {
        scan_run(&args, io, color, format)
    })
}

fn probe(args: super::ProbeArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    reported(args.format, io, |io, format| {
        probe_run(&args, io, color, format)
    })
}

fn probe_run(
    args: &super::ProbeArgs,
    io: &mut Io,
    color: bool,
    format: Format,
) -> Result<Exit, Failure> {
    let cacert = match &args.cacert {
        Some(f) => Some(
            crate::inputs::read_named(f, Limits::default().max_file_bytes, io.read)
                .map_err(Failure::Input)?
                .1,
        ),
        None => None,
    };
    // the values to compare with, read and checked as `validate -f` reads them
    let checked = match &args.values {
        Some(f) => {
            let opts = crate::RunOptions {
                inputs: crate::values::ValueInputs {
                    files: vec![f.clone()],
                    ..Default::default()
                },
                ..Default::default()
            };
            Some(crate::check(&opts, io.read)?)
        }
        None => None,
    };
    let url = match (&args.url, &checked) {
        (Some(u), _) => u.clone(),
        (None, Some(c)) => c
            .plan
            .as_ref()
            .and_then(|p| p.airbyte_url.clone())
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "no URL to probe: `{}` sets no `global.airbyteUrl`; give the URL people use",
                    args.values.as_deref().unwrap_or_default()
                ))
            })?,
        (None, None) => {
            return Err(Failure::Usage(
                "give the URL to probe, or `--values FILE` with `global.airbyteUrl`".into(),
            ));
        }
    };
    let opts = crate::runs::probe::ProbeOptions {
        url,
        net: crate::live::Config {
            resolve: args.resolve.clone(),
            cacert,
            insecure: args.insecure,
            timeout: std::time::Duration::from_secs(args.timeout),
            max_body: crate::live::parse::MAX_JSON,
        },
        http_port: (!args.no_http_check).then_some(args.http_port),
        body_probe: (!args.no_body_probe).then_some(args.body_probe_size),
    };
    let r = crate::runs::probe::run(&opts, checked.as_ref())?;
    if io.verbose {
        for line in &r.log {
            say(io, line);
        }
    }
    report_and_verdict(
        io,
        &r.findings,
        &r.sources,
        &r.inputs,
        format,
        color,
        args.strict,
    )
}

fn abctl(args: super::AbctlArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    reported(args.format, io, |io, format| {
        abctl_run(&args, io, color, format)
    })
}

fn abctl_run(
    args: &super::AbctlArgs,
    io: &mut Io,
    color: bool,
    format: Format,
) -> Result<Exit, Failure> {
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    if !matches!(words.as_slice(), [] | ["local", "install"] | ["install"]) {
        return Err(Failure::Usage(format!(
            "`{}`: this checks `abctl local install`; give its flags, optionally after `local install`",
            words.join(" ")
        )));
    }
    if args.chart.is_some() && args.chart_version.is_none() {
        return Err(Failure::Usage(
            "`--chart PATH`: the chart's version cannot be read here; add `--chart-version VER` (its Chart.yaml's `version`)".into(),
        ));
    }
    let opts = crate::runs::abctl::AbctlOptions {
        hosts: args.host.clone(),
        port: args.port,
        values: args.values.clone(),
        chart: args.chart_version,
        disable_auth: args.disable_auth,
        insecure_cookies: args.insecure_cookies,
        low_resource_mode: args.low_resource_mode,
        limits: Limits::default(),
    };
    let r = crate::runs::abctl::check(&opts, io.read)?;
    if io.verbose {
        say(
            io,
            &format!(
                "modelled on {}; chart {}",
                crate::runs::abctl::MODELLED,
                r.chart.map(|c| c.to_string()).unwrap_or_default()
            ),
        );
        for (name, text) in [
            (crate::runs::abctl::VALUES_FILE, &r.values_text),
            (crate::runs::abctl::INGRESS_FILE, &r.ingress_text),
        ] {
            say(io, &format!("{name}:"));
            for line in text.lines() {
                say(io, &format!("  {line}"));
            }
        }
    }
    let exit = report_and_verdict(
        io,
        &r.findings,
        &r.sources,
        &r.inputs,
        format,
        color,
        args.strict,
    )?;
    leave(r);
    Ok(exit)
}

fn scan_run(
    args: &super::ScanArgs,
    io: &mut Io,
    color: bool,
    format: Format,
) -> Result<Exit, Failure> {
    let paths: Vec<std::path::PathBuf> = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.iter().map(Into::into).collect()
    };
    let opts = crate::runs::scan::ScanOptions {
        paths,
        limits: Limits {
            max_file_bytes: args.max_file_bytes,
            ..Limits::default()
        },
        max_files: args.max_files,
        ignore_files: !args.no_ignore,
        chart: args.chart_version,
        wrappers: args.outside.wrapper_options(None, true)?,
    };
    let r = crate::runs::scan::scan(&opts, io.read)?;
    if io.verbose {
        say(
            io,
            &format!(
                "read {} files: {} Airbyte releases, {} routes to Airbyte",
                r.files,
                r.releases.len(),
                r.routes.len()
            ),
        );
        for t in &r.templates {
            say(
                io,
                &format!(
                    "passed over {t}: a Helm template (Helm renders it; check the render with `post-render` or `validate -m`)"
                ),
            );
        }
        for s in &r.skipped {
            say(io, &format!("skipped {}: {}", s.file, s.why));
        }
    }
    say_inputs(io, &r.releases);
    if io.verbose {
        for route in &r.routes {
            let to = match (&route.release, route.paired_by) {
                (Some(rel), Some(by)) => format!("release {rel} (by {by})"),
                _ => "no release in the scanned files".to_string(),
            };
            say(
                io,
                &format!("route {} ({}) to {to}", route.object, route.file),
            );
        }
    }
    let mut report = findings::report(
        &r.findings,
        &r.sources,
        &r.releases,
        format,
        color && format == Format::Text,
    );
    if format == Format::Json
        && let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&report)
        && let Some(o) = v.as_object_mut()
    {
        o.insert("routes".into(), serde_json::json!(r.routes));
        o.insert("skipped".into(), serde_json::json!(r.skipped));
        o.insert("files".into(), serde_json::json!(r.files));
        report = serde_json::to_string_pretty(&v).unwrap_or(report);
        report.push('\n');
    }
    write_out(io, &report)?;
    let failing = findings::failing(&r.findings, args.strict);
    leave(r);
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

/// `-v`: each release the inputs define, what defined it and where its values came from.
fn say_inputs(io: &mut Io, inputs: &[findings::InputEntry]) {
    if !io.verbose {
        return;
    }
    for i in inputs.iter().filter(|i| i.kind != "values") {
        let chart = match (&i.chart, &i.chart_version) {
            (Some(c), Some(v)) => format!("chart `{c}` {v}"),
            (Some(c), None) => format!("chart `{c}`"),
            _ => "chart ?".into(),
        };
        say(
            io,
            &format!(
                "release `{}` in namespace `{}` ({} at {}): {chart}, checked as {}",
                i.release, i.namespace, i.kind, i.at, i.checked_as
            ),
        );
        for d in &i.derived {
            say(io, &format!("  {d}"));
        }
        say(io, &format!("  values from {}", i.values_from.join(", ")));
    }
}

/// The manifest files named: files as they are (a pipe too, `-` for standard input), folders
/// walked for `*.yaml`, `*.yml` and `*.json` ([`crate::inputs::walk`]: regular files only, each
/// once, in name order, symbolic link loops not followed). What a walk skipped is said under `-v`.
fn manifest_files(paths: &[String], io: &mut Io) -> Result<Vec<String>, Failure> {
    use crate::inputs::walk::{WalkOptions, Walked, walk_dir};
    const WALK: WalkOptions = WalkOptions {
        ignore_files: false,
        extensions: &["yaml", "yml", "json"],
        max_files: 100_000,
    };
    let mut seen = std::collections::HashSet::new();
    let mut walked = Walked::default();
    for p in paths {
        let path = std::path::Path::new(p);
        if p != "-" && path.is_dir() {
            let before = walked.files.len();
            walk_dir(path, &WALK, &mut seen, &mut walked).map_err(Failure::Input)?;
            if walked.files.len() == before && !walked.truncated {
                return Err(Failure::Input(crate::values::InputError::new(
                    crate::values::InputErrorKind::Unreadable,
                    p.clone(),
                    "the directory holds no `*.yaml`, `*.yml` or `*.json` file",
                )));
            }
        } else if p == "-"
            || seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.into()))
        {
            walked.files.push(p.clone());
        }
    }
    if walked.truncated {
        return Err(Failure::Input(crate::values::InputError::new(
            crate::values::InputErrorKind::Limit,
            paths.join(" "),
            format!(
                "more than {} manifest files: name fewer folders",
                WALK.max_files
            ),
        )));
    }
    if io.verbose {
        for s in &walked.skipped {
            say(io, &format!("skipped {}: {}", s.path, s.why));
        }
    }
    Ok(walked.files)
}

fn merged_values(args: ValuesArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    if args.values.is_empty() {
        return Err(Failure::Usage(
            "no values given: pass `-f FILE` (or `-f -` for standard input) or `--set`".into(),
        ));
    }
    let opts = args.values.run_options(
        true,
        args.release.as_deref(),
        args.namespace.as_deref(),
        helm_namespace(io),
        None,
        &super::TargetArgs::default(),
    )?;
    let merged = crate::merge_single(&opts, io.read)?;
    let (loaded, found) = (&merged.loaded, &merged.findings);
    say_what_was_read(io, &loaded.sources);
    say_inputs(io, std::slice::from_ref(&merged.input));
    print_findings(io, found, &loaded.sources, color);
    let mut text = serde_json::to_string_pretty(&loaded.root.to_json()).unwrap_or_default();
    text.push('\n');
    write_out(io, &text)?;
    Ok(Exit::Clean)
}

fn migrate(args: MigrateArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    let (shown, bytes) =
        crate::inputs::read_named(&args.file, Limits::default().max_file_bytes, io.read)
            .map_err(Failure::Input)?;
    let doc = crate::values::parse_document(&bytes, &shown, 0, &Limits::default())
        .map_err(Failure::Input)?;
    let sources = Sources {
        files: vec![crate::values::SourceFile::new(
            shown.clone(),
            doc.text.clone(),
        )],
        ..Sources::default()
    };
    let Some(m) = crate::migrate::migrate(&doc.root) else {
        say(
            io,
            &format!(
                "note: {shown} has no V1 ingress (`webapp.ingress` or `ingress.rules`): nothing to migrate"
            ),
        );
        return Ok(Exit::Clean);
    };
    print_findings(io, &m.findings, &sources, color);
    if !args.in_place {
        write_out(io, &crate::migrate::block(&m))?;
        return Ok(Exit::Clean);
    }
    if args.file == "-" {
        return Err(Failure::Usage(
            "`--in-place` needs a file, not standard input".into(),
        ));
    }
    let text = crate::migrate::rewrite(&doc.text, &doc.root, &m).map_err(|why| {
        Failure::Usage(format!(
            "{shown}: {why}: run `airbyte-ingress migrate -f {shown}` and paste the printed block in place of the V1 one"
        ))
    })?;
    let backup =
        crate::output::rewrite_in_place(std::path::Path::new(&args.file), &doc.text, &text)?;
    let backup = backup.display();
    say(io, &format!("rewrote {shown} (the original is {backup})"));
    Ok(Exit::Clean)
}

fn targets(io: &mut Io, markdown: bool) -> Result<Exit, Failure> {
    use crate::targets::{Produces, Target, flags};
    if markdown {
        write_out(io, &flags::markdown_table())?;
        return Ok(Exit::Clean);
    }
    let width = Target::all()
        .iter()
        .map(|t| t.name().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for &t in Target::all() {
        let produces = match t.profile().produces {
            Produces::Objects => "Kubernetes objects",
            Produces::CustomObjects => "Kubernetes objects of custom resources",
            Produces::ConfigFile => "a configuration file",
        };
        let flags: Vec<String> = t.flags().iter().map(|f| f.name()).collect();
        out.push_str(&format!(
            "{:width$}  {produces}{}\n",
            t.name(),
            if flags.is_empty() {
                String::new()
            } else {
                format!("; flags: {}", flags.join(" "))
            }
        ));
    }
    write_out(io, &out)?;
    Ok(Exit::Clean)
}

fn rules(io: &mut Io, markdown: bool) -> Result<Exit, Failure> {
    let width = Rule::all().iter().map(|r| r.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    if markdown {
        out.push_str("| rule | severity | what it catches |\n| --- | --- | --- |\n");
        for r in Rule::all() {
            let info = r.info();
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                info.id,
                info.severity.as_str(),
                info.summary.replace('|', "\\|")
            ));
        }
        write_out(io, &out)?;
        return Ok(Exit::Clean);
    }
    for r in Rule::all() {
        let info = r.info();
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            info.id,
            info.severity.as_str(),
            info.summary
        ));
    }
    write_out(io, &out)?;
    Ok(Exit::Clean)
}

fn explain(id: &str, io: &mut Io) -> Result<Exit, Failure> {
    let Some(rule) = Rule::from_id(id) else {
        let hint = findings::did_you_mean(id, Rule::all().iter().map(|r| r.id()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; `airbyte-ingress rules` lists them".into());
        return Err(Failure::Usage(format!("unknown rule `{id}`{hint}")));
    };
    let r = rule.info();
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    let also = if rule.on_manifests() && r.scope != crate::findings::Scope::Manifests {
        "; also on existing manifests (`validate -m`)"
    } else {
        ""
    };
    let text = format!(
        "{} ({})\n\n{}\n\nWhen: {}{also}.\n\nHow to fix: {}\n\nInput that triggers it:\n{}\nFixed:\n{}",
        r.id,
        r.severity.as_str(),
        r.summary,
        r.scope.describe(),
        r.help,
        indent(r.bad),
        indent(r.good)
    );
    write_out(io, &text)?;
    Ok(Exit::Clean)
}
