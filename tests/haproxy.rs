//! The haproxy-cfg target proven by the real HAProxy: every rendered config passes `haproxy -c`,
//! and a rendered config runs on 127.0.0.1 in front of a small upstream: Host routing, 404 for
//! other hosts, HTTP to HTTPS, health checks, and a response slower than usual client timeouts.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn tools() -> Option<(PathBuf, PathBuf, PathBuf)> {
    let haproxy = common::tool("haproxy", common::which("haproxy"))?;
    let openssl = common::tool("openssl", common::which("openssl"))?;
    let curl = common::tool("curl", common::which("curl"))?;
    Some((haproxy, openssl, curl))
}

/// A throwaway self-signed certificate and key in one PEM, as HAProxy wants them.
fn self_signed(openssl: &Path, dir: &Path) -> PathBuf {
    let (key, cert, pem) = (
        dir.join("key.pem"),
        dir.join("cert.pem"),
        dir.join("airbyte.pem"),
    );
    let ok = Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=airbyte.example.com",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl made no certificate");
    let mut both = std::fs::read(&cert).unwrap();
    both.extend(std::fs::read(&key).unwrap());
    std::fs::write(&pem, both).unwrap();
    pem
}

fn render(args: &[&str]) -> String {
    let r = common::run(args);
    assert_eq!(r.code, 0, "{}", r.transcript());
    r.stdout
}

#[test]
fn every_rendered_config_passes_haproxy_check() {
    let Some((haproxy, openssl, _)) = tools() else {
        return;
    };
    let dir = common::tempdir("check");
    let pem = self_signed(&openssl, &dir);
    let pem = pem.to_str().unwrap();
    for f in common::fixtures("valid") {
        let file = common::rel(&f);
        for extra in [
            &[][..],
            &[
                "--sticky",
                "--upstream",
                "10.0.0.1:8001",
                "--upstream",
                "10.0.0.2:8001",
            ][..],
            &["--chart-version", "2.0.18"][..],
        ] {
            let mut args = vec![
                "render",
                "-t",
                "haproxy-cfg",
                "-f",
                &file,
                "--set",
                "ingress.enabled=false",
                "--haproxy-cert",
                pem,
            ];
            args.extend(extra);
            let cfg = dir.join("haproxy.cfg");
            std::fs::write(&cfg, render(&args)).unwrap();
            let out = Command::new(&haproxy)
                .arg("-c")
                .arg("-f")
                .arg(&cfg)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{file} {extra:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// A minimal HTTP/1.1 upstream that records what it was asked and answers after an optional delay.
struct Upstream {
    port: u16,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

fn upstream() -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || serve(stream, &log));
        }
    });
    Upstream { port, seen }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<(String, String)>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut host = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(h) = line.to_ascii_lowercase().strip_prefix("host:") {
            host = h.trim().to_string();
        }
    }
    log.lock().unwrap().push((path.clone(), host));
    if path == "/slow" {
        std::thread::sleep(Duration::from_secs(6));
    }
    let body = if path == "/api/v1/health" {
        "ok"
    } else {
        "airbyte"
    };
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Stops HAProxy however the test ends.
struct Running(Child);

impl Running {
    /// HAProxy in the foreground on `cfg`, quiet, stopped when this is dropped.
    fn haproxy(haproxy: &Path, cfg: &Path) -> Running {
        let child = Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Running(child)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `curl`, returning `status body-or-redirect`.
fn curl(curl: &Path, args: &[&str]) -> String {
    let out = Command::new(curl)
        .args([
            "-sk",
            "--max-time",
            "30",
            "-o",
            "-",
            "-w",
            " %{http_code} %{redirect_url}",
        ])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn haproxy_in_front_of_a_loopback_upstream() {
    let Some((haproxy, openssl, curl_bin)) = tools() else {
        return;
    };
    let dir = common::tempdir("e2e");
    let pem = self_signed(&openssl, &dir);
    let up = upstream();
    let (http, https) = (common::free_port(), common::free_port());
    let (http_bind, https_bind, upstream_addr) = (
        format!("127.0.0.1:{http}"),
        format!("127.0.0.1:{https}"),
        format!("127.0.0.1:{}", up.port),
    );
    let cfg = dir.join("haproxy.cfg");
    let text = render(&[
        "render",
        "-t",
        "haproxy-cfg",
        "-f",
        "examples/values.yaml",
        "--set",
        "ingress.enabled=false",
        "--haproxy-cert",
        pem.to_str().unwrap(),
        "--http-bind",
        &http_bind,
        "--https-bind",
        &https_bind,
        "--upstream",
        &upstream_addr,
    ]);
    std::fs::write(&cfg, text).unwrap();
    let _running = Running::haproxy(&haproxy, &cfg);
    common::wait_for_port(http, "haproxy");
    common::wait_for_port(https, "haproxy");

    // HTTP redirects to HTTPS
    let r = curl(
        &curl_bin,
        &[
            "-H",
            "Host: airbyte.example.com",
            &format!("http://127.0.0.1:{http}/connections"),
        ],
    );
    assert_eq!(r, "301 https://airbyte.example.com/connections", "{r}");

    let resolve = format!("airbyte.example.com:{https}:127.0.0.1");
    let url = |p: &str| format!("https://airbyte.example.com:{https}{p}");
    // the right Host reaches Airbyte, with its Host header
    let r = curl(&curl_bin, &["--resolve", &resolve, &url("/workspaces")]);
    assert_eq!(r, "airbyte 200", "{r}");
    assert!(
        up.seen
            .lock()
            .unwrap()
            .iter()
            .any(|(p, h)| p == "/workspaces" && h.starts_with("airbyte.example.com"))
    );

    // any other Host gets 404 and never reaches Airbyte
    let r = curl(
        &curl_bin,
        &[
            "--resolve",
            &format!("evil.example.com:{https}:127.0.0.1"),
            &format!("https://evil.example.com:{https}/workspaces-evil"),
        ],
    );
    assert!(r.ends_with(" 404"), "{r}");
    assert!(
        !up.seen
            .lock()
            .unwrap()
            .iter()
            .any(|(p, _)| p == "/workspaces-evil")
    );

    // health checks reach the server on /api/v1/health
    let start = Instant::now();
    while !up
        .seen
        .lock()
        .unwrap()
        .iter()
        .any(|(p, _)| p == "/api/v1/health")
    {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no health check arrived"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // a response slower than common client defaults still gets through
    let t = Instant::now();
    let r = curl(&curl_bin, &["--resolve", &resolve, &url("/slow")]);
    assert_eq!(r, "airbyte 200", "{r}");
    assert!(t.elapsed() >= Duration::from_secs(6));
}

/// HAProxy running a plain-HTTP config rendered from `fixtures/valid/minimal-http.yaml` (with
/// `extra` flags) on a loopback port, in front of a loopback upstream; stopped when dropped.
struct Plain {
    _dir: common::TempDir,
    up: Upstream,
    http: u16,
    config: String,
    _running: Running,
}

fn plain(haproxy: &Path, extra: &[&str]) -> Plain {
    let dir = common::tempdir("plain");
    let up = upstream();
    let http = common::free_port();
    let (http_bind, upstream_addr) = (
        format!("127.0.0.1:{http}"),
        format!("127.0.0.1:{}", up.port),
    );
    let mut args = vec![
        "render",
        "-t",
        "haproxy-cfg",
        "-f",
        "fixtures/valid/minimal-http.yaml",
        "--set",
        "ingress.enabled=false",
        "--http-bind",
        &http_bind,
        "--upstream",
        &upstream_addr,
    ];
    args.extend(extra);
    let config = render(&args);
    let cfg = dir.join("haproxy.cfg");
    std::fs::write(&cfg, &config).unwrap();
    let running = Running::haproxy(haproxy, &cfg);
    common::wait_for_port(http, "haproxy");
    Plain {
        _dir: dir,
        up,
        http,
        config,
        _running: running,
    }
}

#[test]
fn without_tls_http_serves_airbyte() {
    let Some((haproxy, _, curl_bin)) = tools() else {
        return;
    };
    let p = plain(&haproxy, &[]);
    let get = |host: &str| {
        curl(
            &curl_bin,
            &[
                "-H",
                &format!("Host: {host}"),
                &format!("http://127.0.0.1:{}/", p.http),
            ],
        )
    };
    assert_eq!(get("airbyte.internal.example"), "airbyte 200");
    let r = get("other.example");
    assert!(r.ends_with(" 404"), "{r}");
}

/// The values' allow list (ingress-nginx's annotation, kept from a move off it) is carried into
/// the config: a client in it reaches Airbyte, one outside gets 403 and never reaches it. Both
/// are loopback addresses (`127.0.0.1` allowed, `127.0.0.2` not), as Linux answers all of 127/8.
#[test]
fn an_allow_list_keeps_other_clients_out() {
    let Some((haproxy, _, curl_bin)) = tools() else {
        return;
    };
    let p = plain(
        &haproxy,
        &[
            "--set-literal",
            "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/whitelist-source-range=127.0.0.1/32, 192.0.2.0/24",
        ],
    );
    common::assert_has(&p.config, "    acl allowed_client src 127.0.0.1/32\n");
    let from = |source: &str, path: &str| {
        curl(
            &curl_bin,
            &[
                "--interface",
                source,
                "-H",
                "Host: airbyte.internal.example",
                &format!("http://127.0.0.1:{}{path}", p.http),
            ],
        )
    };
    assert_eq!(from("127.0.0.1", "/allowed"), "airbyte 200");
    let r = from("127.0.0.2", "/denied");
    assert!(r.ends_with(" 403"), "{r}");
    assert!(
        !p.up
            .seen
            .lock()
            .unwrap()
            .iter()
            .any(|(p, _)| p == "/denied")
    );
}

#[test]
fn values_cannot_add_haproxy_directives() {
    // hosts are validated first; the options that reach the config are checked word by word
    for (flag, value) in [
        ("--upstream", "1.2.3.4:80 backup"),
        ("--http-bind", ":80\n    stats enable"),
        ("--haproxy-cert", "/a.pem verify none"),
        ("--upstream", "x:99999"),
    ] {
        let r = common::run(&[
            "render",
            "-t",
            "haproxy-cfg",
            "-f",
            "fixtures/valid/minimal-http.yaml",
            flag,
            value,
        ]);
        assert_eq!(r.code, 2, "{flag} {value:?}: {}", r.transcript());
        assert!(r.stdout.is_empty());
    }
    let r = common::run(&["render", "-t", "haproxy-cfg", "-f", "examples/values.yaml"]);
    assert_eq!(r.code, 2);
    common::assert_has(&r.stderr, "--haproxy-cert PEM");
    let r = common::run(&[
        "render",
        "-t",
        "haproxy-cfg",
        "-f",
        "fixtures/valid/minimal-http.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 2);
}
