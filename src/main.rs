//! The `airbyte-ingress` binary: parse arguments, run, exit with the documented code.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

// A large run is a third allocation under glibc's malloc; mimalloc halves that (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn read_input(name: &str) -> Result<Vec<u8>, String> {
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    let meta = std::fs::metadata(name).map_err(|e| format!("cannot read the file: {e}"))?;
    if meta.is_dir() {
        return Err("is a directory, not a values file".into());
    }
    std::fs::read(name).map_err(|e| format!("cannot read the file: {e}"))
}

fn main() -> ExitCode {
    // installed as `kubectl-airbyte_ingress`, it is the kubectl plugin `kubectl airbyte-ingress`
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let invoked = std::path::Path::new(&argv0)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("airbyte-ingress")
        .to_string();
    let plugin = invoked.starts_with("kubectl-airbyte_ingress");
    let name = if plugin {
        "kubectl airbyte-ingress"
    } else {
        "airbyte-ingress"
    };
    let matches = <airbyte_ingress::cli::Cli as clap::CommandFactory>::command()
        .name(name)
        .bin_name(name)
        .get_matches();
    let cli = match <airbyte_ingress::cli::Cli as clap::FromArgMatches>::from_arg_matches(&matches)
    {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = stderr.is_terminal() && !no_color;
    let color_stdout = stdout.is_terminal() && !no_color;
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = stderr.lock();
    let mut read = read_input;
    let mut io = airbyte_ingress::cli::Io {
        stdout: &mut out,
        stderr: &mut err,
        color,
        color_stdout,
        read: &mut read,
        quiet: false,
        verbose: false,
    };
    let exit = airbyte_ingress::cli::run_as(
        cli,
        &mut io,
        if plugin {
            "kubectl-airbyte_ingress"
        } else {
            "airbyte-ingress"
        },
    );
    ExitCode::from(exit as u8)
}
