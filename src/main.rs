//! The `airbyte-ingress` binary: parse arguments, run, exit with the documented code.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::Parser;

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
    let cli = airbyte_ingress::cli::Cli::parse();
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
    };
    let exit = airbyte_ingress::cli::run(cli, &mut io);
    ExitCode::from(exit as u8)
}
