//! The command-line contract CI relies on, under generated input: text for people never carries a
//! control character from the input (an escape sequence, a carriage return, a forged `::error`
//! line), and no input is read past its limit however long it runs.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use airbyte_ingress::cli::{Cli, Exit, Io, run};
use airbyte_ingress::source::{InputError, InputErrorKind};
use clap::Parser;
use proptest::prelude::*;

/// Runs the CLI in-process on `files` (name, bytes): stdout, stderr, exit.
fn run_cli(args: &[&str], files: &[(String, Vec<u8>)]) -> (String, String, Exit) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut read = |name: &str, max: usize| -> Result<Vec<u8>, InputError> {
        let bytes = files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        // as the binary's reader: never more than `max` bytes
        if bytes.len() > max {
            return Err(InputError::new(
                InputErrorKind::Limit,
                name,
                airbyte_ingress::inputs::too_large(max),
            ));
        }
        Ok(bytes)
    };
    let mut io = Io {
        stdout: &mut out,
        stderr: &mut err,
        color: false,
        color_stdout: false,
        read: &mut read,
        quiet: false,
        verbose: true,
        terminal: None,
        helm: None,
    };
    let mut argv = vec!["airbyte-ingress"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap();
    let exit = run(cli, &mut io);
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        exit,
    )
}

/// Text that could forge a terminal or a CI log: escape sequences, CR, LF, DEL, C1 controls and
/// bidirectional overrides, among plain words.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-z.:/ -]{1,8}",
            1 => prop::sample::select(vec![
                "\u{1b}[2J".to_string(),
                "\u{1b}]0;title\u{7}".to_string(),
                "\r".to_string(),
                "\n::error file=forged::x\n".to_string(),
                "\u{7f}".to_string(),
                "\u{9b}31m".to_string(),
                "\u{202e}".to_string(),
                "\u{0}".to_string(),
            ]),
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

/// The characters no text for people may carry: every control character but LF (line ends) and
/// tab, and the reordering marks.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Every line the run printed is its own: none begins with the forged workflow command.
fn lines_are_ours(text: &str) -> bool {
    !text.lines().any(|l| l.starts_with("::error file=forged"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Control characters in values, keys and file names reach text output escaped, in validate
    /// (stdout report and `-v` lines), render's findings and migrate's.
    #[test]
    fn text_output_carries_no_control_character(
        value in hostile(),
        key in hostile(),
        name in hostile(),
    ) {
        let file = format!("{}.yaml", name.replace('/', "_"));
        let values = serde_json::json!({
            "global": {"airbyteUrl": value.clone(), "edition": value.clone()},
            "ingress": {
                "enabled": true,
                "className": value.clone(),
                "annotations": {key.clone(): value.clone()},
                "hosts": [{"host": value.clone(), "paths": [{"path": value.clone(), "pathType": "Prefix", "backend": "server"}]}],
            },
            key.clone(): 1,
        });
        let text = serde_json::to_string(&values).unwrap().into_bytes();
        let files = vec![(file.clone(), text)];
        // `--values=NAME`: a generated name may begin with `-`
        let f = format!("--values={file}");
        for args in [
            vec!["validate", f.as_str()],
            vec!["validate", f.as_str(), "--format", "github"],
            vec!["render", "-t", "nginx", f.as_str()],
            vec!["values", f.as_str(), "--set", "x.y=1"],
        ] {
            let (out, err, _) = run_cli(&args, &files);
            // JSON values (`values`) and manifests are escaped by their own rules; what people read
            // is the report (validate's stdout) and stderr
            let people = if args[0] == "validate" { format!("{out}{err}") } else { err.clone() };
            prop_assert!(
                !people.chars().any(forbidden),
                "{args:?} printed a control character: {people:?}"
            );
            prop_assert!(lines_are_ours(&people), "{args:?}: {people}");
        }
    }

    /// Every input is read with the limit of `--max-file-bytes` (values files, `--set-file`,
    /// manifests), and a larger one ends in an input error naming the flag.
    #[test]
    fn every_input_is_read_with_its_limit(len in 0usize..4096, max in 1usize..2048) {
        let body: Vec<u8> = b"a: b\n".iter().copied().cycle().take(len).collect();
        let files = vec![("v.yaml".to_string(), body.clone()), ("f.txt".to_string(), body)];
        let max_s = max.to_string();
        for args in [
            vec!["validate", "-f", "v.yaml", "--max-file-bytes", &max_s],
            vec!["validate", "--set-file", "x=f.txt", "--max-file-bytes", &max_s],
            vec!["validate", "-m", "v.yaml", "--max-file-bytes", &max_s],
        ] {
            let (_, err, exit) = run_cli(&args, &files);
            if len > max {
                prop_assert_eq!(exit, Exit::CouldNotRun, "{:?}: {}", args, err);
                prop_assert!(err.contains("--max-file-bytes"), "{}", err);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The binary's reader never holds more than the limit: a file of any length gives its bytes
    /// when it fits and a limit error when it does not.
    #[test]
    fn the_reader_stops_at_the_limit(len in 0usize..70_000, max in 1usize..65_536) {
        let dir = common::tempdir("contract-limit");
        let f = dir.join(format!("{len}-{max}.yaml"));
        std::fs::write(&f, vec![b'a'; len]).unwrap();
        let got = airbyte_ingress::inputs::read_path(f.to_str().unwrap(), max);
        std::fs::remove_file(&f).unwrap();
        match got {
            Ok(bytes) => prop_assert!(len <= max && bytes.len() == len),
            Err(e) => {
                prop_assert!(len > max, "{e}");
                prop_assert_eq!(e.kind, InputErrorKind::Limit);
            }
        }
    }
}

/// `--max-depth` takes at most its cap, and at the cap every command that walks the values runs
/// to its end on the binary's own stack (a debug build here: the deeper frames of the two).
#[test]
fn the_deepest_nesting_allowed_is_handled_by_every_command() {
    use airbyte_ingress::values::Limits;
    let bin = env!("CARGO_BIN_EXE_airbyte-ingress");
    let dir = common::tempdir("contract-deep");
    let cap = Limits::MAX_DEPTH_CAP;
    // `global:` and `a:` are two levels; the rest nests maps, then lists
    let n = (cap - 3) / 2;
    let deep = format!(
        "global:\n  a: {}{}1{}{}\n",
        "{b: ".repeat(n),
        "[".repeat(n),
        "]".repeat(n),
        "}".repeat(n)
    );
    let f = dir.join("deep.yaml");
    std::fs::write(&f, deep).unwrap();
    let f = f.to_str().unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/values.yaml");
    let cap_s = cap.to_string();
    for args in [
        vec!["validate", "-f", example, "-f", f],
        vec!["values", "-f", f],
        vec!["render", "-t", "traefik", "-f", example, "-f", f],
    ] {
        let mut all = args.clone();
        all.extend(["--max-depth", &cap_s]);
        let out = std::process::Command::new(bin).args(&all).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{all:?}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let over = (cap + 1).to_string();
    let out = std::process::Command::new(bin)
        .args(["validate", "-f", f, "--max-depth", &over])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 1000 levels"));
}

fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_airbyte-ingress"))
}

fn tempdir(tag: &str) -> common::TempDir {
    common::tempdir(&format!("contract-{tag}"))
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/values.yaml");

/// `render | head -1`: the reader closed standard output, so the run ends quietly and exits 0, as
/// ripgrep does; a full disk is an error naming standard output, never an internal error.
#[test]
fn a_closed_pipe_is_a_quiet_success() {
    use std::process::Stdio;
    for args in [
        vec!["render", "-t", "traefik", "-f", EXAMPLE],
        vec!["validate", "-f", EXAMPLE, "--format", "sarif"],
        vec!["schema"],
    ] {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // the reader goes away before the first byte
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("error:"), "{args:?}: {err}");
    }
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin().args(["schema"]).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("cannot write to standard output: No space left"),
            "{err}"
        );
        assert!(!err.contains("internal error"), "{err}");
    }
}

/// `-m DIR` reads each regular file once, in name order: a pipe is not opened (it would block),
/// a symbolic link back up the tree is not followed again, a second path to one file adds nothing.
#[cfg(unix)]
#[test]
fn manifest_folders_are_walked_safely() {
    let dir = tempdir("walk");
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: airbyte\nspec:\n  ingressClassName: traefik\n  rules:\n    - host: airbyte.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: airbyte-airbyte-server-svc\n                port:\n                  number: 8001\n";
    std::fs::create_dir_all(dir.join("apps/airbyte")).unwrap();
    std::fs::write(dir.join("apps/airbyte/ingress.yaml"), ingress).unwrap();
    std::os::unix::fs::symlink(dir.join("apps"), dir.join("apps/airbyte/loop")).unwrap();
    std::os::unix::fs::symlink(
        dir.join("apps/airbyte/ingress.yaml"),
        dir.join("apps/same.yaml"),
    )
    .unwrap();
    let _ = std::process::Command::new("mkfifo")
        .arg(dir.join("apps/pipe.yaml"))
        .status();
    let mut child = bin()
        .args(["validate", "-v", "-m"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // bounded: a walk that opened the pipe would never end
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the walk did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(status.code(), Some(0 | 1)), "{err}");
    assert!(
        err.contains("read 1 objects from 1 manifest files"),
        "{err}"
    );
    assert!(err.contains("symbolic link back to"), "{err}");
    assert!(err.contains("the same file as one read already"), "{err}");
    // one object seen once: no duplicate route
    assert!(!String::from_utf8_lossy(&out.stdout).contains("host-path-duplicate"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--output-dir` holds this render only: files an earlier render wrote (its header says so) are
/// removed, the user's own are not; `-q` silences the notes.
#[test]
fn output_dir_holds_this_render_only() {
    let dir = tempdir("outdir");
    std::fs::write(dir.join("kustomization.yaml"), "resources: []\n").unwrap();
    let render = |target: &str, quiet: bool| {
        let mut cmd = bin();
        cmd.args(["render", "-t", target, "-f", EXAMPLE, "--output-dir"])
            .arg(&dir);
        if quiet {
            cmd.arg("-q");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    render("nginx", false);
    assert!(dir.join("ingress-airbyte.yaml").is_file());
    let err = render("traefik", false);
    assert!(err.contains("removed"), "{err}");
    assert!(!dir.join("ingress-airbyte.yaml").exists());
    assert!(dir.join("ingressroute-airbyte.yaml").is_file());
    assert!(
        dir.join("kustomization.yaml").is_file(),
        "the user's own file stays"
    );
    let err = render("nginx", true);
    assert!(!err.contains("wrote") && !err.contains("removed"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--report` never writes through a symbolic link (like `--output-dir`), and says so.
#[cfg(unix)]
#[test]
fn the_report_is_not_written_through_a_link() {
    let dir = tempdir("report");
    let target = dir.join("elsewhere.txt");
    std::fs::write(&target, "keep\n").unwrap();
    let link = dir.join("report.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = bin()
        .args(["post-render", "-t", "nginx", "--report"])
        .arg(&link)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a symbolic link"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A chart version this tool does not know is checked by the nearest rules it knows, and each
/// kind of unknown says which.
#[test]
fn unknown_chart_versions_are_named() {
    for (version, says) in [
        (
            "2.3.0",
            "chart 2.3.0 is newer than the newest this tool knows (2.2.0)",
        ),
        ("2.1.7", "chart 2.1.7 is not a release this tool knows"),
        ("2.0.25", "checked by the rules of the 2.0.18-2.0.19 charts"),
    ] {
        let out = bin()
            .args(["validate", "-f", EXAMPLE, "--chart-version", version])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(says), "{version}: {text}");
    }
    let out = bin()
        .args(["validate", "-f", EXAMPLE, "--chart-version", "2.2.0"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("cannot-assess"));
}
