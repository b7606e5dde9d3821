//! Helpers shared by the integration tests: run the binary, find the shared reference material and
//! optional tools.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A new, empty directory for one test; `tag` names it for whoever looks in the temp folder.
/// A fresh directory under the system's temporary directory, removed when the guard is dropped
/// (also when the test fails), so that test runs leave nothing behind.
pub fn tempdir(tag: &str) -> TempDir {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("airbyte-ingress-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("a temporary directory");
    TempDir(d)
}

/// See [`tempdir`].
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository (or `AIRBYTE_INGRESS_SHARED`): conformance vectors, external
/// schemas and the kubectl stand-in. Missing, the tests that need it fail with this message.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("AIRBYTE_INGRESS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    assert!(
        dir.join("conformance").is_dir(),
        "the shared reference folder is missing at {} (set AIRBYTE_INGRESS_SHARED)",
        dir.display()
    );
    dir
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// One text holding the exit code and both streams, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_airbyte-ingress"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    {
        let mut sin = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            let _ = sin.write_all(bytes);
        }
    }
    let out = child.wait_with_output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary in the repository root, so fixture paths in output are relative.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args, None)
}

pub fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join(kind))
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// The flags a target needs to render at all (the Application Gateway for Containers to attach to).
/// `render` of `file` for `target` in namespace `airbyte`, as a user would run it: the chart's own
/// Ingress on for `chart`, off for the bring-your-own targets, and the target's required options.
pub fn render_args(target: airbyte_ingress::targets::Target, file: &str) -> Vec<&str> {
    let enabled = if target.is_bring_your_own() {
        "ingress.enabled=false"
    } else {
        "ingress.enabled=true"
    };
    let mut args = vec![
        "render",
        "--target",
        target.name(),
        "-f",
        file,
        "--namespace",
        "airbyte",
        "--set",
        enabled,
    ];
    args.extend(target_args(target.name()));
    args
}

/// The flags a target needs to render at all, from its profile.
pub fn target_args(target: &str) -> Vec<&'static str> {
    airbyte_ingress::targets::Target::from_name(target)
        .map(|t| t.needed_args())
        .unwrap_or_default()
}

/// `fixtures/valid/x.yaml` relative to the repository root.
pub fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// An optional tool for the tests that prove output with the real thing. Under CI (`CI` set) a
/// missing tool fails the test; elsewhere the test says it skipped and passes.
pub fn tool(name: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    match found {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("{name} is required under CI but was not found")
        }
        None => {
            eprintln!("SKIPPED: {name} not found; this check runs in .ci/run");
            None
        }
    }
}

pub fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(bin))
        .find(|p| p.is_file())
}

/// Helm 4: `$HELM`, or `target/tools/helm` as `scripts/fetch-helm.sh` leaves it.
pub fn helm() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HELM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return tool("helm", Some(p));
    }
    let local = root().join("target/tools/helm");
    tool("helm", local.is_file().then_some(local))
}

/// python3 with PyYAML, jsonschema and cel-expr-python (`external-schemas/requirements.txt`), for
/// `external-schemas/validate.py --require-cel`.
pub fn python_with_jsonschema() -> Option<PathBuf> {
    let py = which("python3");
    let ok = py.as_ref().is_some_and(|p| {
        Command::new(p)
            .args(["-c", "import yaml, jsonschema, cel_expr_python"])
            .status()
            .is_ok_and(|s| s.success())
    });
    tool(
        "python3 with the packages of external-schemas/requirements.txt",
        if ok { py } else { None },
    )
}

/// Fails with the whole text when `needle` is not in it.
#[track_caller]
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "`{needle}` not found in:\n{text}");
}

/// (rule, file, line) of every finding of a JSON report (`--format json`), in its order; file and
/// line are empty and 0 for findings about no file.
pub fn report_findings(stdout: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{stdout}"));
    v["findings"]
        .as_array()
        .expect("a `findings` list")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("a rule id").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A free port on 127.0.0.1 (bound, then released for a server of the test to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits, at most 10 s in 50 ms steps, until something accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, what: &str) {
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{what} did not listen on 127.0.0.1:{port} within 10 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The text of a file of the repository (`fixtures/...`), for a test to read or copy.
pub fn text(rel: impl AsRef<Path>) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
