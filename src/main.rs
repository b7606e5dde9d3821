//! The `airbyte-ingress` binary: parse arguments, run, exit with the documented code.

use std::io::IsTerminal;
use std::process::ExitCode;

use airbyte_ingress::cli::{Cli, Command, HelmEnv, Io, refused_post_render, run_as};
use airbyte_ingress::inputs::read_path_sized;
use clap::{CommandFactory, FromArgMatches};

// A large run is a third allocation under glibc's malloc; mimalloc halves that (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Inputs at least this large turn transparent huge pages on: a run over them allocates
/// megabytes, where one 2 MiB page fault replaces 512 small ones (the 5000-host render: 3,400
/// faults to a few hundred, a fifth of its time). Below it, huge pages stay off: zeroing one costs
/// a short run more than its faults (docs/benchmarks.md).
const HUGE_PAGES_FROM: u64 = 128 * 1024;

/// The process's transparent-huge-page switch; a no-op where there is none to throw.
fn huge_pages(on: bool) {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(!on);
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

/// Reads an input as [`airbyte_ingress::inputs::read_path`] does, turning huge pages on when it
/// is large: before the read when a file's size says so, after it for a stream. Once on, they
/// stay on.
fn read_input(name: &str, max: usize) -> Result<Vec<u8>, airbyte_ingress::values::InputError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    static ON: AtomicBool = AtomicBool::new(false);
    let large = |size: u64| {
        if size >= HUGE_PAGES_FROM && !ON.swap(true, Ordering::Relaxed) {
            huge_pages(true);
        }
    };
    let bytes = read_path_sized(name, max, large)?;
    large(bytes.len() as u64);
    Ok(bytes)
}

fn main() -> ExitCode {
    huge_pages(false);
    // installed as `kubectl-airbyte_ingress`, it is the kubectl plugin `kubectl airbyte-ingress`
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let plugin = std::path::Path::new(&argv0)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("kubectl-airbyte_ingress"));
    let (shown, bin) = match plugin {
        true => ("kubectl airbyte-ingress", "kubectl-airbyte_ingress"),
        false => ("airbyte-ingress", "airbyte-ingress"),
    };
    let parsed = Cli::command()
        .name(shown)
        .bin_name(shown)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // a mistyped post-render flag under Helm 4 is shown through Helm too
            let argv: Vec<String> = std::env::args().skip(1).collect();
            if e.use_stderr()
                && let Some(stream) = refused_post_render(&argv, &e.render().to_string())
            {
                use std::io::Write;
                let _ = write!(std::io::stderr().lock(), "{}", e.render());
                let _ = std::io::stdout().lock().write_all(stream.as_bytes());
                return ExitCode::SUCCESS;
            }
            e.exit()
        }
    };
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
        read: &mut read_input,
        quiet: false,
        verbose: false,
        terminal: terminal.as_mut().map(|t| t as &mut dyn std::io::Write),
        helm: HelmEnv::from_env(|k| std::env::var(k).ok()),
    };
    ExitCode::from(run_as(cli, &mut io, bin) as u8)
}
