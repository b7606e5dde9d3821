//! The `airbyte-ingress` binary: parse arguments, run, exit with the documented code.

use std::io::IsTerminal;
use std::process::ExitCode;

use airbyte_ingress::cli::{Cli, Command, Io, run_as};
use airbyte_ingress::inputs::read_path;
use clap::{CommandFactory, FromArgMatches};

// A large run is a third allocation under glibc's malloc; mimalloc halves that (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // installed as `kubectl-airbyte_ingress`, it is the kubectl plugin `kubectl airbyte-ingress`
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let plugin = std::path::Path::new(&argv0)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("kubectl-airbyte_ingress"));
    let (shown, bin) = match plugin {
        true => ("kubectl airbyte-ingress", "kubectl-airbyte_ingress"),
        false => ("airbyte-ingress", "airbyte-ingress"),
    };
    let matches = Cli::command().name(shown).bin_name(shown).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    // Helm 4 keeps a post-renderer's stderr to itself: a failure is told on the terminal too
    let mut terminal = match cli.command {
        Command::PostRender(_) if !stderr.is_terminal() => std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/tty")
            .ok(),
        _ => None,
    };
    let mut io = Io {
        color: stderr.is_terminal() && !no_color,
        color_stdout: stdout.is_terminal() && !no_color,
        stdout: &mut std::io::BufWriter::new(stdout.lock()),
        stderr: &mut stderr.lock(),
        read: &mut read_path,
        quiet: false,
        verbose: false,
        terminal: terminal.as_mut().map(|t| t as &mut dyn std::io::Write),
    };
    ExitCode::from(run_as(cli, &mut io, bin) as u8)
}
