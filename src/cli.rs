//! The command line: clap types only, converted into the library's plain option structs, and the
//! one place that turns an outcome into an exit code.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::findings::{self, Format, Severity};
use crate::plan::{ChartVersion, NEWEST_CHART};
use crate::targets::{Target, TargetOptions};
use crate::values::{Limits, SetKind, ValueInputs};
use crate::{Checked, Failure, RunOptions};

const AFTER_HELP: &str = "\
Exit codes:
  0  clean (render: manifests written)
  1  findings at error severity (with --strict, warnings too); render prints nothing
  2  could not run: bad arguments, unknown target, unreadable or unparsable input

Limits (raise them with the flags of the same name when a real file needs it):
  --max-file-bytes 8388608   --max-depth 64   --max-alias-events 100000
  --max-hosts 10000          --max-paths 100 (per host); a scalar is at most 1 MiB";

/// Validate Airbyte Helm ingress values and render ingress manifests for the chart and for common
/// ingress controllers.
#[derive(Debug, Parser)]
#[command(name = "airbyte-ingress", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Never colour the output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Print only errors on stderr: no notes, no warnings (reports on stdout are unchanged).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say on stderr what was read and what was rendered.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the manifests of a target from the values, ready for `kubectl apply -f -`.
    Render(RenderArgs),
    /// Check the values against the schema and Airbyte's rules; report findings.
    Validate(ValidateArgs),
    /// Print the JSON schema of the values (usable as the chart's values.schema.json).
    Schema,
    /// Print the merged values as JSON: the files and flags combined as Helm combines them, with the
    /// chart's defaults for the keys this tool reads.
    Values(ValuesArgs),
    /// List every rule with its id and severity.
    Rules,
    /// Explain one rule, with values that trigger it and the fixed values.
    Explain {
        /// The rule id, e.g. `backend-invalid`.
        rule: String,
    },
    /// Convert V1 ingress values (`webapp.ingress`, or the V1 `ingress.rules`) to the V2 `ingress` block.
    Migrate(MigrateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where the values come from, as with `helm template`.
#[derive(Debug, Args)]
pub struct ValueArgs {
    /// A values file; repeatable, applied left to right; `-` reads standard input.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub files: Vec<String>,
    /// Set a value, as Helm's --set (`a.b=c`, `a\.b=c` for a dot in a key, `a[0]=c`, `a={x,y}`).
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// Set a string value, as Helm's --set-string.
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// Set a JSON value, as Helm's --set-json.
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// The chart version the values are for (2.0.18 and later).
    #[arg(long, value_name = "VER", default_value_t = NEWEST_CHART, value_parser = ChartVersion::parse)]
    pub chart_version: ChartVersion,
    /// Largest values file or stdin, in bytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_bytes: usize,
    /// Deepest nesting of maps and lists in a values file.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// Most events YAML aliases may expand to in one file.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_alias_events)]
    pub max_alias_events: usize,
    /// Most entries in `ingress.hosts` and `ingress.tls`.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_hosts)]
    pub max_hosts: usize,
    /// Most paths under one host.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_paths)]
    pub max_paths: usize,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// What to render.
    #[arg(long, short = 't', value_name = "T", value_parser = parse_target)]
    pub target: Target,
    #[command(flatten)]
    pub values: ValueArgs,
    /// The Helm release name: it names the Airbyte Services.
    #[arg(long, value_name = "NAME", default_value = "airbyte")]
    pub release: String,
    /// The namespace of the release.
    #[arg(long, short = 'n', value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Yaml)]
    pub output: OutputFormat,
    /// Write one file per object into this directory instead of standard output.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    #[command(flatten)]
    pub target_options: TargetArgs,
}

/// Settings particular to one target.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// alb: `internal` (AWS's default) or `internet-facing`.
    #[arg(long, value_name = "SCHEME")]
    pub alb_scheme: Option<String>,
    /// alb: the ACM certificate ARN(s) for HTTPS, comma-separated.
    #[arg(long, value_name = "ARN")]
    pub alb_certificate_arn: Option<String>,
    /// aks, gateway-api (approuting-istio): the versionless Key Vault certificate URI.
    #[arg(long, value_name = "URI")]
    pub aks_keyvault_cert_uri: Option<String>,
    /// aks-agc: the name of the Application Gateway for Containers the ALB controller manages.
    #[arg(long, value_name = "NAME")]
    pub agc_alb_name: Option<String>,
    /// aks-agc: its namespace.
    #[arg(long, value_name = "NS")]
    pub agc_alb_namespace: Option<String>,
    /// aks-agc: the ARM id of an Application Gateway for Containers of your own (instead of name/namespace).
    #[arg(long, value_name = "ID")]
    pub agc_alb_id: Option<String>,
    /// traefik: use this certificate resolver instead of the values' TLS Secrets.
    #[arg(long, value_name = "NAME")]
    pub traefik_cert_resolver: Option<String>,
    /// gateway-api: render a Gateway of this GatewayClass (`approuting-istio` on AKS).
    #[arg(long, value_name = "CLASS")]
    pub gateway_class: Option<String>,
    /// gateway-api: attach the HTTPRoutes to this existing Gateway instead of rendering one.
    #[arg(long, value_name = "NAME")]
    pub gateway_name: Option<String>,
    /// gateway-api: the Gateway's namespace (default: the release namespace).
    #[arg(long, value_name = "NS")]
    pub gateway_namespace: Option<String>,
    /// gateway-api: the listener (sectionName) of the existing Gateway to attach to.
    #[arg(long, value_name = "LISTENER")]
    pub gateway_section: Option<String>,
    /// gateway-api with approuting-istio: the service account that reads the Key Vault certificate.
    #[arg(long, value_name = "NAME")]
    pub aks_keyvault_service_account: Option<String>,
    /// haproxy-cfg: the PEM file (certificate and key) for HTTPS; required when the values configure TLS.
    #[arg(long, value_name = "PEM")]
    pub haproxy_cert: Option<String>,
    /// haproxy-cfg: an Airbyte server, HOST:PORT (repeatable; default the in-cluster server Service, port 8001).
    #[arg(long = "upstream", value_name = "HOST:PORT")]
    pub upstreams: Vec<String>,
    /// haproxy-cfg: where the HTTP frontend listens (default `:80`).
    #[arg(long, value_name = "ADDR:PORT")]
    pub http_bind: Option<String>,
    /// haproxy-cfg: where the HTTPS frontend listens (default `:443`).
    #[arg(long, value_name = "ADDR:PORT")]
    pub https_bind: Option<String>,
    /// haproxy-cfg: keep each browser on one Airbyte server with a cookie.
    #[arg(long)]
    pub sticky: bool,
}

impl TargetArgs {
    fn options(&self) -> TargetOptions {
        TargetOptions {
            alb_scheme: self.alb_scheme.clone(),
            alb_certificate_arn: self.alb_certificate_arn.clone(),
            aks_keyvault_cert_uri: self.aks_keyvault_cert_uri.clone(),
            agc_alb_name: self.agc_alb_name.clone(),
            agc_alb_namespace: self.agc_alb_namespace.clone(),
            agc_alb_id: self.agc_alb_id.clone(),
            traefik_cert_resolver: self.traefik_cert_resolver.clone(),
            gateway_class: self.gateway_class.clone(),
            gateway_name: self.gateway_name.clone(),
            gateway_namespace: self.gateway_namespace.clone(),
            gateway_section: self.gateway_section.clone(),
            aks_keyvault_service_account: self.aks_keyvault_service_account.clone(),
            haproxy_cert: self.haproxy_cert.clone(),
            upstreams: self.upstreams.clone(),
            http_bind: self.http_bind.clone(),
            https_bind: self.https_bind.clone(),
            sticky: self.sticky,
        }
    }
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The V1 values file.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub file: String,
    /// Rewrite the file (keeping FILE.bak); refused when the file has comments, which would be lost.
    #[arg(long)]
    pub in_place: bool,
}

#[derive(Debug, Args)]
pub struct ValuesArgs {
    #[command(flatten)]
    pub values: ValueArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub values: ValueArgs,
    /// Also check what rendering for this target needs.
    #[arg(long, short = 't', value_name = "T", value_parser = parse_target)]
    pub target: Option<Target>,
    /// The Helm release name.
    #[arg(long, value_name = "NAME", default_value = "airbyte")]
    pub release: String,
    /// The namespace of the release.
    #[arg(long, short = 'n', value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub target_options: TargetArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Github,
    Sarif,
}

fn parse_target(s: &str) -> Result<Target, String> {
    Target::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
        format!("unknown target `{s}`; targets: {}", names.join(", "))
    })
}

impl ValueArgs {
    fn run_options(
        &self,
        release: &str,
        namespace: &str,
        target: Option<Target>,
        target_options: TargetOptions,
    ) -> RunOptions {
        let mut sets = Vec::new();
        sets.extend(self.set_json.iter().map(|s| (SetKind::Json, s.clone())));
        sets.extend(self.set.iter().map(|s| (SetKind::Typed, s.clone())));
        sets.extend(self.set_string.iter().map(|s| (SetKind::String, s.clone())));
        RunOptions {
            inputs: ValueInputs {
                files: self.files.clone(),
                sets,
                limits: Limits {
                    max_file_bytes: self.max_file_bytes,
                    max_depth: self.max_depth,
                    max_alias_events: self.max_alias_events,
                    max_hosts: self.max_hosts,
                    max_paths: self.max_paths,
                    ..Limits::default()
                },
            },
            release: release.to_string(),
            namespace: namespace.to_string(),
            chart: self.chart_version,
            target,
            target_options,
        }
    }
}

/// Standard streams and environment facts, passed in so tests can capture them.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Colour diagnostics on stderr (it is a terminal, and no NO_COLOR).
    pub color: bool,
    /// Colour a text report on stdout (it is a terminal, and no NO_COLOR).
    pub color_stdout: bool,
    /// Reads a values file; `-` is standard input.
    pub read: &'a mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    /// `-q`: only errors on stderr.
    pub quiet: bool,
    /// `-v`: also what was read and rendered.
    pub verbose: bool,
}

/// The exit code of a run.
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
    io.verbose = cli.verbose;
    let color = io.color && !cli.no_color;
    let color_stdout = io.color_stdout && !cli.no_color;
    let result = match cli.command {
        Command::Render(args) => render(args, io, color),
        Command::Validate(args) => validate(args, io, color_stdout),
        Command::Schema => write_out(io, &crate::model::schema_text()).map(|_| Exit::Clean),
        Command::Values(args) => merged_values(args, io),
        Command::Migrate(args) => migrate(args, io, color),
        Command::Rules => rules(io),
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
        Err(failure) => {
            let _ = writeln!(io.stderr, "error: {failure}");
            Exit::CouldNotRun
        }
    }
}

fn write_out(io: &mut Io, s: &str) -> Result<(), Failure> {
    io.stdout
        .write_all(s.as_bytes())
        .and_then(|_| io.stdout.flush())
        .map_err(stdout_failed)
}

fn stdout_failed(e: std::io::Error) -> Failure {
    Failure::Internal(format!("cannot write to standard output: {e}"))
}

fn no_values(v: &ValueArgs) -> Result<(), Failure> {
    if v.files.is_empty() && v.set.is_empty() && v.set_string.is_empty() && v.set_json.is_empty() {
        return Err(Failure::Usage(
            "no values given: pass `-f FILE` (or `-f -` for standard input) or `--set`".into(),
        ));
    }
    Ok(())
}

fn print_notes(io: &mut Io, checked: &Checked) {
    if io.verbose {
        for f in &checked.loaded.sources.files {
            let _ = writeln!(
                io.stderr,
                "read {} ({} lines)",
                f.name,
                f.text.lines().count()
            );
        }
        for a in &checked.loaded.sources.args {
            let _ = writeln!(io.stderr, "applied {} {}", a.kind.flag(), a.text);
        }
    }
    if io.quiet {
        return;
    }
    for n in &checked.loaded.notes {
        let _ = writeln!(io.stderr, "note: {n}");
    }
}

fn render(args: RenderArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    no_values(&args.values)?;
    let topts = args.target_options.options();
    let opts = args.values.run_options(
        &args.release,
        &args.namespace,
        Some(args.target),
        topts.clone(),
    );
    let mut checked = crate::check(&opts, io.read)?;
    print_notes(io, &checked);
    for f in checked
        .findings
        .iter()
        .filter(|f| !io.quiet || f.severity == Severity::Error)
    {
        let _ = write!(
            io.stderr,
            "{}",
            findings::text_one(f, &checked.loaded.sources, color)
        );
    }
    if checked.has_errors() {
        let s = findings::summarize(&checked.findings);
        let _ = writeln!(
            io.stderr,
            "error: not rendering: {}",
            findings::summary_line(s)
        );
        return Ok(Exit::Findings);
    }
    // the values tree is done with once its findings are printed: freed now, its memory serves the
    // render (5000 hosts: a third fewer page faults, which cost more than the freeing)
    checked.loaded.root =
        crate::values::Node::new(crate::values::Value::Null, crate::values::Origin::Default);
    let plan = checked
        .plan
        .as_ref()
        .ok_or_else(|| Failure::Internal("no plan without error findings".into()))?;
    let rendered = args
        .target
        .render(plan, &topts)
        .map_err(Failure::Internal)?;
    for n in rendered.notes.iter().filter(|_| !io.quiet) {
        let _ = writeln!(io.stderr, "{n}");
    }
    if io.verbose {
        for d in &rendered.docs {
            let _ = writeln!(
                io.stderr,
                "rendered {} {}/{}",
                d.kind,
                d.namespace.as_deref().unwrap_or("-"),
                d.name
            );
        }
    }
    if rendered.file.is_none() && rendered.docs.is_empty() {
        return Ok(Exit::Clean);
    }
    if let Some(dir) = &args.output_dir {
        let files: Vec<(String, String)> = match &rendered.file {
            Some(f) => vec![(f.name.clone(), f.text.clone())],
            None => crate::output::document_files(args.target, &rendered.docs),
        };
        let written = crate::output::write_dir(dir, &files).map_err(Failure::Internal)?;
        for p in written {
            let _ = writeln!(io.stderr, "wrote {}", p.display());
        }
        return Ok(Exit::Clean);
    }
    match (&rendered.file, args.output) {
        (Some(f), OutputFormat::Yaml) => write_out(io, &f.text)?,
        (Some(_), OutputFormat::Json) => {
            return Err(Failure::Usage(format!(
                "`-o json` lists Kubernetes objects; `{}` renders a configuration file",
                args.target.name()
            )));
        }
        (None, OutputFormat::Yaml) => {
            crate::render::write_yaml(io.stdout, args.target, &rendered.docs)
                .and_then(|_| io.stdout.flush())
                .map_err(stdout_failed)?
        }
        (None, OutputFormat::Json) => write_out(
            io,
            &crate::render::to_json(&rendered.docs).map_err(Failure::Internal)?,
        )?,
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
    no_values(&args.values)?;
    let opts = args.values.run_options(
        &args.release,
        &args.namespace,
        args.target,
        args.target_options.options(),
    );
    let checked = crate::check(&opts, io.read)?;
    print_notes(io, &checked);
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Github => Format::Github,
        ReportFormat::Sarif => Format::Sarif,
    };
    let report = findings::report(
        &checked.findings,
        &checked.loaded.sources,
        format,
        color && format == Format::Text,
    );
    write_out(io, &report)?;
    let failing = checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
    leave(checked);
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

fn merged_values(args: ValuesArgs, io: &mut Io) -> Result<Exit, Failure> {
    no_values(&args.values)?;
    let opts = args
        .values
        .run_options("airbyte", "default", None, TargetOptions::default());
    let loaded = crate::values::load(&opts.inputs, crate::chart_defaults(), io.read)
        .map_err(Failure::Input)?;
    for n in &loaded.notes {
        let _ = writeln!(io.stderr, "note: {n}");
    }
    let mut text = serde_json::to_string_pretty(&loaded.root.to_json()).unwrap_or_default();
    text.push('\n');
    write_out(io, &text)?;
    Ok(Exit::Clean)
}

fn migrate(args: MigrateArgs, io: &mut Io, color: bool) -> Result<Exit, Failure> {
    let shown = if args.file == "-" {
        "<stdin>".to_string()
    } else {
        args.file.clone()
    };
    let bytes = (io.read)(&args.file).map_err(|e| {
        Failure::Input(crate::values::LoadError {
            location: shown.clone(),
            message: e,
        })
    })?;
    let doc = crate::values::parse_document(&bytes, &shown, 0, &Limits::default())
        .map_err(Failure::Input)?;
    let sources = crate::values::Sources {
        files: vec![crate::values::SourceFile {
            name: shown.clone(),
            text: doc.text.clone(),
        }],
        args: vec![],
    };
    let Some(m) = crate::migrate::migrate(&doc.root) else {
        let _ = writeln!(
            io.stderr,
            "note: {shown} has no V1 ingress (`webapp.ingress` or `ingress.rules`): nothing to migrate"
        );
        return Ok(Exit::Clean);
    };
    for f in m.findings.iter().filter(|_| !io.quiet) {
        let _ = write!(io.stderr, "{}", findings::text_one(f, &sources, color));
    }
    let mut block = String::from("ingress:");
    crate::migrate::to_yaml(&m.ingress, 2, &mut block);
    if !args.in_place {
        write_out(io, &block)?;
        return Ok(Exit::Clean);
    }
    if args.file == "-" {
        return Err(Failure::Usage(
            "`--in-place` needs a file, not standard input".into(),
        ));
    }
    if doc.text.contains('#') {
        return Err(Failure::Usage(format!(
            "{shown} has comments, which rewriting it would lose: run `airbyte-ingress migrate -f {shown}` and paste the printed block in place of the V1 one"
        )));
    }
    let mut root = doc.root.clone();
    if let crate::values::Value::Map(top) = &mut root.value {
        if m.converted_from == crate::values::Path::parse("webapp.ingress") {
            if let Some(crate::values::Value::Map(w)) = top.get_mut("webapp").map(|n| &mut n.value)
            {
                w.remove("ingress");
            }
            if top
                .get("webapp")
                .and_then(|n| n.as_map())
                .is_some_and(|w| w.is_empty())
            {
                top.remove("webapp");
            }
        }
        top.insert("ingress".into(), m.ingress.clone());
    }
    let mut text = String::new();
    crate::migrate::to_yaml(&root, 0, &mut text);
    let text = text.trim_start_matches('\n').to_string();
    let path = std::path::Path::new(&args.file);
    let backup = format!("{}.bak", args.file);
    std::fs::write(&backup, &doc.text).map_err(|e| Failure::Internal(format!("{backup}: {e}")))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("values.yaml")
        .to_string();
    crate::output::write_dir(dir, &[(name, text)]).map_err(Failure::Internal)?;
    let _ = writeln!(io.stderr, "rewrote {shown} (the original is {backup})");
    Ok(Exit::Clean)
}

fn rules(io: &mut Io) -> Result<Exit, Failure> {
    let mut out = String::new();
    let width = crate::rules::RULES
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0);
    for r in crate::rules::RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            r.id,
            r.severity.as_str(),
            r.summary
        ));
    }
    write_out(io, &out)?;
    Ok(Exit::Clean)
}

fn explain(id: &str, io: &mut Io) -> Result<Exit, Failure> {
    let Some(r) = crate::rules::info(id) else {
        let hint = crate::rules::did_you_mean(id, crate::rules::RULES.iter().map(|r| r.id))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; `airbyte-ingress rules` lists them".into());
        return Err(Failure::Usage(format!("unknown rule `{id}`{hint}")));
    };
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    let text = format!(
        "{} ({})\n\n{}\n\nHow to fix: {}\n\nValues that trigger it:\n{}\nFixed:\n{}",
        r.id,
        r.severity.as_str(),
        r.summary,
        r.help,
        indent(r.bad),
        indent(r.good)
    );
    write_out(io, &text)?;
    Ok(Exit::Clean)
}
