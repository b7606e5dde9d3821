//! The command line: clap types only (their doc comments are the `--help` text), converted into
//! the library's plain option structs. The runners are in [`run`].

mod run;

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::controllers::Settings;
use crate::inputs::wrapper::FileKind;
use crate::plan::{ChartVersion, NEWEST_CHART};
use crate::runs::{Given, WrapperOptions};
use crate::targets::Target;
use crate::targets::flags::{Check, FLAGS, Flag};
use crate::values::{Limits, SetKind, ValueInputs};
use crate::{Failure, RunOptions};

pub use run::{Exit, HelmEnv, Io, refused_post_render, run, run_as};

const AFTER_HELP: &str = "\
Exit codes:
  0  clean (render: manifests written)
  1  findings at error severity (with --strict, warnings too); render prints nothing
  2  could not run: bad arguments, unknown target, unreadable or unparsable input
A closed standard output (`| head`) is a quiet 0.

Limits (raise them with the flags of the same name when a real file needs it):
  --max-file-bytes 8388608   --max-depth 64 (at most 1000)   --max-alias-events 100000
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
    /// Print only errors on stderr: no infos, no warnings (reports on stdout are unchanged).
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
    /// Check a whole repository: every Airbyte release its Argo CD, Flux, Kustomize, helmfile and
    /// Terraform files define, every route to Airbyte (Ingress, IngressRoute, HTTPRoute,
    /// VirtualService), each paired with its release and checked across files.
    Scan(ScanArgs),
    /// Check what `abctl local install` deploys with these flags (type them as for abctl, e.g.
    /// `abctl local install --host airbyte.example.com --values values.yaml`): the values abctl
    /// builds with `--values` merged over them, the Ingress it writes, its ingress-nginx settings.
    Abctl(AbctlArgs),
    /// Check a running Airbyte through the proxy in front of it: DNS, TCP, the certificate,
    /// plain HTTP's redirect, `/api/v1/health`, the `airbyteUrl` Airbyte reports
    /// (`/api/v1/instance_configuration`), Keycloak's public and admin paths, and the proxy's
    /// request body limit. Read-only: it never logs in and never writes.
    Probe(ProbeArgs),
    /// Helm post-renderer: read a whole Airbyte render on stdin (what `helm install`, `upgrade`
    /// or `template` hands a post-renderer), check it as `validate --target T` checks values, and
    /// write it back with the chart's Ingress replaced by the target's objects (or those added,
    /// when the chart's Ingress is off). Every other object is passed on byte for byte, in order.
    /// Findings go to stderr; errors write nothing and exit 1, so Helm stops.
    PostRender(PostRenderArgs),
    /// Print the JSON schema of the values (usable as the chart's values.schema.json).
    Schema,
    /// Print the merged values as JSON: the files and flags combined as Helm combines them, with the
    /// chart's defaults for the keys this tool reads.
    Values(ValuesArgs),
    /// List the targets, what each produces and the flags it reads.
    Targets {
        /// The target flags as a Markdown table (the README's).
        #[arg(long)]
        markdown: bool,
    },
    /// List every rule with its id and severity.
    Rules {
        /// As a Markdown table (the README's).
        #[arg(long)]
        markdown: bool,
    },
    /// Explain one rule: when it is checked, values that trigger it and the fixed values.
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
    /// Set a value to the text of a file, as Helm's --set-file.
    #[arg(long = "set-file", value_name = "K=PATH")]
    pub set_file: Vec<String>,
    /// Set a string value taken literally, commas and all, as Helm's --set-literal.
    #[arg(long = "set-literal", value_name = "K=V")]
    pub set_literal: Vec<String>,
    /// Read the values Helm passes to this dependency of an umbrella chart: its block, with the
    /// top-level `global` merged in (usually `airbyte`).
    #[arg(long, value_name = "NAME")]
    pub subchart: Option<String>,
    /// The chart version the values are for (2.0.18 and later; default the newest, 2.2.0, or for
    /// manifests the one their `helm.sh/chart` labels name).
    #[arg(long, value_name = "VER", value_parser = ChartVersion::parse)]
    pub chart_version: Option<ChartVersion>,
    /// Largest values file or stdin, in bytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_bytes: usize,
    /// Deepest nesting of maps and lists in a values file (at most 1000).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth, value_parser = max_depth_parser)]
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
    /// Read every `-f` file as this kind instead of telling by its content: `values`, `argocd`
    /// (Applications, ApplicationSets), `flux` (HelmReleases), `kustomize` (`helmCharts`),
    /// `helmfile`, `terraform` (`helm_release`).
    #[arg(long, value_name = "KIND", value_parser = input_kind_parser())]
    pub input_kind: Option<FileKind>,
    #[command(flatten)]
    pub outside: OutsideArgs,
}

/// What the wrapper readers cannot find in the files themselves: other repositories' checkouts
/// and Terraform variables (`validate`, `render`, `values` and `scan` take them alike).
#[derive(Debug, Args)]
pub struct OutsideArgs {
    /// Where another repository is checked out, for Argo CD `$ref/...` value files: the `ref`
    /// name or the repository URL, `=`, the folder (repeatable).
    #[arg(long, value_name = "NAME=DIR")]
    pub repo_root: Vec<String>,
    /// A Terraform variable's value, as `terraform -var` takes it (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub tf_var: Vec<String>,
    /// A `.tfvars` file of Terraform variables (repeatable; `--tf-var` wins).
    #[arg(long, value_name = "FILE")]
    pub tf_vars: Vec<String>,
}

impl OutsideArgs {
    /// The wrapper readers' options; `input_kind` and whether other charts pass are the
    /// command's own.
    pub(crate) fn wrapper_options(
        &self,
        input_kind: Option<FileKind>,
        other_charts_pass: bool,
    ) -> Result<WrapperOptions, Failure> {
        Ok(WrapperOptions {
            input_kind,
            repo_roots: repo_roots(&self.repo_root)?,
            tf_vars: self.tf_var.clone(),
            tf_var_files: self.tf_vars.clone(),
            other_charts_pass,
        })
    }
}

/// `--repo-root NAME=DIR` arguments.
pub(crate) fn repo_roots(args: &[String]) -> Result<Vec<(String, PathBuf)>, Failure> {
    let mut out = Vec::new();
    for r in args {
        let Some((name, dir)) = r
            .split_once('=')
            .filter(|(n, d)| !n.is_empty() && !d.is_empty())
        else {
            return Err(Failure::Usage(format!(
                "`--repo-root {r}`: write `--repo-root NAME=DIR` (NAME: the `ref` name or the repository URL)"
            )));
        };
        out.push((name.to_string(), PathBuf::from(dir)));
    }
    Ok(out)
}

/// `--max-depth`: a number from 1 to [`Limits::MAX_DEPTH_CAP`]. Deeper nesting would exhaust the
/// stack of the steps that walk the values; no real values file nests beyond a few dozen levels.
fn max_depth_parser(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of levels"))?;
    if n == 0 || n > Limits::MAX_DEPTH_CAP {
        return Err(format!(
            "`{n}` is out of range: at most {} levels (deeper nesting would exhaust the stack; no real values file nests beyond a few dozen)",
            Limits::MAX_DEPTH_CAP
        ));
    }
    Ok(n)
}

/// The `--input-kind` values, from the file-kind enum.
fn input_kind_parser() -> impl TypedValueParser<Value = FileKind> {
    PossibleValuesParser::new(FileKind::all().iter().map(|k| k.name())).try_map(|s| {
        FileKind::all()
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown input kind `{s}`"))
    })
}

/// The `--target` values, from the target enum.
fn target_parser() -> impl TypedValueParser<Value = Target> {
    PossibleValuesParser::new(Target::all().iter().map(|t| t.name()))
        .try_map(|s| Target::from_name(&s).ok_or_else(|| format!("unknown target `{s}`")))
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// What to render.
    #[arg(long, short = 't', value_name = "T", value_parser = target_parser())]
    pub target: Target,
    #[command(flatten)]
    pub values: ValueArgs,
    /// Move existing routes to the target instead of rendering from values: an Ingress
    /// (ingress-nginx, ALB, AGC, Traefik-annotated) or a Traefik IngressRoute, from a file, a
    /// directory, `-`, a `kubectl get -o yaml` List or a Helm render (repeatable). Values given
    /// with `-f`/`--set` are merged over what the routes say.
    #[arg(long = "manifest", short = 'm', value_name = "PATH")]
    pub manifests: Vec<String>,
    /// The Helm release name: it names the Airbyte Services (default `airbyte`, or the release a
    /// wrapper defines).
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,
    /// The namespace of the release (default `default`, or the one a wrapper defines).
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Yaml)]
    pub output: OutputFormat,
    /// Write one file per object into this directory instead of standard output.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    #[command(flatten)]
    pub target_options: TargetArgs,
}

/// The target flags given on the command line, each with its values. The options themselves come
/// from the one table of target flags ([`crate::targets::flags::FLAGS`]), as does the check that
/// refuses a flag given to a target that does not read it.
#[derive(Clone, Debug, Default)]
pub struct TargetArgs {
    pub given: Vec<(&'static Flag, Vec<String>)>,
}

impl TargetArgs {
    /// The flags given, by their long names.
    #[cfg(test)]
    pub(crate) fn given(&self) -> Vec<String> {
        self.given.iter().map(|(f, _)| f.name()).collect()
    }

    /// The plain settings, once every flag given is one `target` reads and every value passes.
    pub(crate) fn settings(&self, target: Option<Target>) -> Result<Settings, Failure> {
        Ok(crate::targets::flags::settings(target, &self.given)?)
    }
}

impl clap::FromArgMatches for TargetArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for f in FLAGS {
            match f.value {
                None if m.get_flag(f.long) => given.push((f, Vec::new())),
                None => {}
                Some(_) => {
                    if let Some(values) = m.get_many::<String>(f.long) {
                        given.push((f, values.cloned().collect()));
                    }
                }
            }
        }
        Ok(TargetArgs { given })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Args for TargetArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        FLAGS.iter().fold(cmd, |cmd, f| {
            let arg = clap::Arg::new(f.long)
                .long(f.long)
                .help(f.help_line())
                .help_heading("Target options");
            let arg = match (f.value, f.check) {
                (None, _) => arg.action(clap::ArgAction::SetTrue),
                (Some(v), check) => {
                    let arg = arg.value_name(v).action(if f.repeatable {
                        clap::ArgAction::Append
                    } else {
                        clap::ArgAction::Set
                    });
                    match check {
                        // the choices are known to `--help` and to completions too
                        Check::Choice(words) => arg.value_parser(PossibleValuesParser::new(words)),
                        _ => arg,
                    }
                }
            };
            cmd.arg(arg)
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[derive(Debug, Args)]
pub struct PostRenderArgs {
    /// What to render in place of the chart's Ingress (`chart` checks and passes the stream on).
    #[arg(long, short = 't', value_name = "T", value_parser = target_parser())]
    pub target: Target,
    /// The release namespace, needed only when the objects name none (chart 2.0.x): Helm does not
    /// tell a post-renderer.
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Stop on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// The chart version the render is of, instead of what its `helm.sh/chart` labels say (a
    /// chart built from source says `airbyte-1.1.0` there).
    #[arg(long, value_name = "VER", value_parser = ChartVersion::parse)]
    pub chart_version: Option<ChartVersion>,
    /// Also write the findings to this file (Helm 4 discards a post-renderer's stderr; in CI, print
    /// the file when Helm fails).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Hand a failure to Helm 4 as a stream it refuses, so that Helm's own error message carries
    /// the report (Helm 4 discards a post-renderer's standard error); exits 0 so Helm reads it.
    /// The Helm 4 plugin in `helm-plugin/post-renderer` passes it.
    #[arg(long)]
    pub report_to_helm: bool,
    /// Largest stream, in bytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_bytes: usize,
    #[command(flatten)]
    pub target_options: TargetArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The V1 values file.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub file: String,
    /// Rewrite the file (keeping FILE.bak): only the V1 block's lines are replaced, every other
    /// line (and comment) stays as it is.
    #[arg(long)]
    pub in_place: bool,
}

#[derive(Debug, Args)]
pub struct ValuesArgs {
    #[command(flatten)]
    pub values: ValueArgs,
    /// With a file of several Airbyte releases: the one to print.
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,
    /// The namespace of the release (for a wrapper's own, leave it out).
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub values: ValueArgs,
    /// Also check existing manifests: a file, a directory (read recursively: `*.yaml`, `*.yml`,
    /// `*.json`) or `-`; repeatable. Multi-document YAML, JSON, `kind: List` (what `kubectl get -o
    /// yaml|json` prints) and whole `helm template` output are read.
    #[arg(long = "manifest", short = 'm', value_name = "PATH")]
    pub manifests: Vec<String>,
    /// Also check what rendering for this target needs.
    #[arg(long, short = 't', value_name = "T", value_parser = target_parser())]
    pub target: Option<Target>,
    /// The Helm release name (default `airbyte`; a wrapper's own; for manifests, the release their
    /// objects name). With a file of several releases, checks only this one.
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,
    /// The namespace of the release (default `default`, or the one a wrapper defines).
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub target_options: TargetArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders (walked as ripgrep walks them: `.gitignore`, `.ignore` and hidden folders
    /// respected) and files; default `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Read ignored and hidden files too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Check every release against this chart version instead of its wrapper's.
    #[arg(long, value_name = "VER", value_parser = ChartVersion::parse)]
    pub chart_version: Option<ChartVersion>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Most files to read.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_files: usize,
    /// Largest file read, in bytes; larger files are skipped with a warning.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_bytes: usize,
    #[command(flatten)]
    pub outside: OutsideArgs,
}

#[derive(Debug, Args)]
pub struct AbctlArgs {
    /// `local install`, as typed for abctl (optional).
    #[arg(value_name = "WORDS")]
    pub words: Vec<String>,
    /// abctl's `--host` (repeatable): the Ingress gets a rule per host, plus `localhost` and
    /// `host.docker.internal`.
    #[arg(long, value_name = "HOST")]
    pub host: Vec<String>,
    /// abctl's `--port`: where the install is served, and the port of its default URL.
    #[arg(long, value_name = "N", default_value_t = crate::runs::abctl::DEFAULT_PORT, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// abctl's `--values`: merged over the values abctl builds.
    #[arg(long, value_name = "FILE")]
    pub values: Option<String>,
    /// abctl's `--chart-version` (default: the newest chart, as abctl installs it).
    #[arg(long, value_name = "VER", value_parser = ChartVersion::parse)]
    pub chart_version: Option<ChartVersion>,
    /// abctl's `--chart`: a chart path or URL; its version cannot be known here, so
    /// `--chart-version` must say it.
    #[arg(long, value_name = "PATH")]
    pub chart: Option<String>,
    #[arg(long)]
    pub disable_auth: bool,
    #[arg(long)]
    pub insecure_cookies: bool,
    #[arg(long)]
    pub low_resource_mode: bool,
    /// abctl flags that do not reach the ingress, accepted so that an abctl command line can be
    /// pasted as it is: `--no-browser`, `--secret`, `--volume`, `--docker-*`.
    #[arg(long, hide = true)]
    pub no_browser: bool,
    #[arg(long, hide = true, value_name = "FILE")]
    pub secret: Vec<String>,
    #[arg(long, hide = true, value_name = "MOUNT")]
    pub volume: Vec<String>,
    #[arg(long, hide = true, value_name = "V")]
    pub docker_email: Option<String>,
    #[arg(long, hide = true, value_name = "V")]
    pub docker_password: Option<String>,
    #[arg(long, hide = true, value_name = "V")]
    pub docker_server: Option<String>,
    #[arg(long, hide = true, value_name = "V")]
    pub docker_username: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Where people reach Airbyte: `https://airbyte.example.com` (a path if Airbyte is served
    /// under one). Without it, the `global.airbyteUrl` of `--values`.
    #[arg(value_name = "URL", required_unless_present = "values")]
    pub url: Option<String>,
    /// Send connections for HOST on PORT to ADDR, as curl's `--resolve` (repeatable): probe a
    /// load balancer before DNS points at it.
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, u16, std::net::IpAddr)>,
    /// Trust the certificates in this PEM file instead of the system's roots (a private CA).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<String>,
    /// Go on past a certificate that does not verify; the problem is still reported.
    #[arg(long, short = 'k')]
    pub insecure: bool,
    /// Seconds each connection and each request may take.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// The port of the plain-HTTP check: an https URL's host should redirect HTTP there to HTTPS.
    #[arg(long, value_name = "N", default_value_t = 80, value_parser = clap::value_parser!(u16).range(1..))]
    pub http_port: u16,
    /// Skip the plain-HTTP check.
    #[arg(long)]
    pub no_http_check: bool,
    /// Bytes POSTed to `URL/api/v1/health` to find the proxy's body limit: zeros as
    /// `application/octet-stream`, which Airbyte refuses (405, that endpoint only answers GET)
    /// once the proxy lets it through. The default is Airbyte's own limit, 10 MiB.
    #[arg(long, value_name = "BYTES", default_value_t = crate::runs::probe::AIRBYTE_MAX_REQUEST, value_parser = clap::value_parser!(u64).range(1..=(64 * 1024 * 1024)).map(|n| n as usize))]
    pub body_probe_size: usize,
    /// Skip the body limit check (send no POST at all).
    #[arg(long)]
    pub no_body_probe: bool,
    /// Values (or a wrapper: an Argo CD Application, a Flux HelmRelease, a Terraform file...) to
    /// compare with what the running Airbyte answers.
    #[arg(long, value_name = "FILE")]
    pub values: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// `HOST:PORT:ADDR`, as curl's `--resolve` (an IPv6 address may be in brackets).
fn parse_resolve(s: &str) -> Result<(String, u16, std::net::IpAddr), String> {
    let mut parts = s.splitn(3, ':');
    let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("`{s}`: expected HOST:PORT:ADDR"));
    };
    if host.is_empty() {
        return Err(format!("`{s}`: no host"));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| format!("`{s}`: `{port}` is not a port"))?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let ip = addr
        .parse()
        .map_err(|_| format!("`{s}`: `{addr}` is not an IP address"))?;
    Ok((host.to_ascii_lowercase(), port, ip))
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

impl ValueArgs {
    /// Whether any values were given at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_json.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }

    pub(crate) fn inputs(&self) -> ValueInputs {
        let kinds = [
            (SetKind::Json, &self.set_json),
            (SetKind::Typed, &self.set),
            (SetKind::String, &self.set_string),
            (SetKind::File, &self.set_file),
            (SetKind::Literal, &self.set_literal),
        ];
        let sets = kinds
            .into_iter()
            .flat_map(|(k, args)| args.iter().map(move |s| (k, s.clone())))
            .collect();
        ValueInputs {
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
            subchart: self.subchart.clone(),
        }
    }

    /// The options of a run over these values; `require_values`: with none given it is a usage
    /// error (`render -m` takes its values from the routes instead).
    pub(crate) fn run_options(
        &self,
        require_values: bool,
        release: Option<&str>,
        namespace: Option<&str>,
        default_namespace: Option<&str>,
        target: Option<Target>,
        target_args: &TargetArgs,
    ) -> Result<RunOptions, Failure> {
        if require_values && self.is_empty() {
            return Err(Failure::Usage(
                "no values given: pass `-f FILE` (or `-f -` for standard input) or `--set`".into(),
            ));
        }
        if self.files.iter().filter(|f| *f == "-").count() > 1 {
            return Err(Failure::Usage(
                "`-f -` is given twice: standard input can be read only once".into(),
            ));
        }
        Ok(RunOptions {
            inputs: self.inputs(),
            release: release.unwrap_or("airbyte").to_string(),
            // a wrapper's own namespace wins over the default, not over `--namespace`
            namespace: namespace
                .or(default_namespace)
                .unwrap_or("default")
                .to_string(),
            chart: self.chart_version.unwrap_or(NEWEST_CHART),
            target,
            settings: target_args.settings(target)?,
            wrappers: self.outside.wrapper_options(self.input_kind, false)?,
            given: Given {
                release: release.is_some(),
                namespace: namespace.is_some(),
                chart: self.chart_version.is_some(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::AlbScheme;
    use clap::CommandFactory;

    /// Every flag of the table is an option of `render`, `validate` and `post-render`, and reaches
    /// the settings when given on the command line.
    #[test]
    fn every_target_flag_is_an_option_that_reaches_the_settings() {
        let cmd = Cli::command();
        for sub in ["render", "validate", "post-render"] {
            let c = cmd.find_subcommand(sub).unwrap();
            for f in FLAGS {
                assert!(
                    c.get_arguments().any(|a| a.get_long() == Some(f.long)),
                    "{sub}: --{} is not an option",
                    f.long
                );
            }
        }
        for f in FLAGS {
            let t = f.targets[0];
            let mut argv = vec!["x", "render", "-t", t.name(), "-f", "v"];
            let long = f.name();
            argv.push(&long);
            let value = match f.check {
                Check::Choice(words) => words[words.len() - 1],
                _ => "v",
            };
            if f.value.is_some() {
                argv.push(value);
            }
            let Command::Render(r) = Cli::try_parse_from(&argv).unwrap().command else {
                panic!()
            };
            assert_eq!(
                r.target_options.given(),
                std::slice::from_ref(&long),
                "{argv:?}"
            );
            let s = r.target_options.settings(Some(t)).unwrap();
            assert_ne!(s, Settings::default(), "{argv:?}");
        }
    }

    #[test]
    fn a_flag_of_another_target_is_refused() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).unwrap();
        let Command::Render(r) = parse(&[
            "x",
            "render",
            "-t",
            "nginx",
            "-f",
            "v",
            "--gateway-class",
            "istio",
        ])
        .command
        else {
            panic!()
        };
        let err = r.target_options.settings(Some(r.target)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--gateway-class` is a setting of `gateway-api`, not of the `nginx` target"
        );
        let Command::Validate(v) = parse(&["x", "validate", "-f", "v", "--sticky"]).command else {
            panic!()
        };
        assert!(
            v.target_options
                .settings(v.target)
                .unwrap_err()
                .to_string()
                .contains("pass `--target` too")
        );
        let Command::Render(r) = parse(&[
            "x",
            "render",
            "-t",
            "alb",
            "-f",
            "v",
            "--alb-scheme",
            "internet-facing",
        ])
        .command
        else {
            panic!()
        };
        let s = r.target_options.settings(Some(r.target)).unwrap();
        assert_eq!(s.alb_scheme, Some(AlbScheme::InternetFacing));
        assert!(
            Cli::try_parse_from([
                "x",
                "render",
                "-t",
                "alb",
                "-f",
                "v",
                "--alb-scheme",
                "public"
            ])
            .is_err()
        );
    }
}
