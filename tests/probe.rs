//! `probe` against real proxies on loopback: the real NGINX (Debian's `nginx-light`) and the real
//! HAProxy, each with certificates made here (rcgen) for `airbyte.test`, in front of a stand-in
//! Airbyte (`tests/probe/standin.py`) that answers Airbyte's two anonymous endpoints with the field
//! names of its API definition. One scenario per fault, and a healthy one with no error or
//! warning; every probe rule fires in its scenario. Only 127.0.0.1; every request of the probe has
//! `--timeout`; every wait here is bounded.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use airbyte_ingress::findings::{Rule, Scope, Severity};

const HOST: &str = "airbyte.test";

/// A child process killed when the test lets go of it.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The stand-in Airbyte, reporting `url` as its airbyteUrl; its port.
fn standin(dir: &Path, url: &str, flags: &[&str]) -> (Proc, u16) {
    let port_file = dir.join(format!("standin-{}.port", flags.join("")));
    let _ = std::fs::remove_file(&port_file);
    let child = Command::new("python3")
        .arg(common::root().join("tests/probe/standin.py"))
        .arg(&port_file)
        .arg(url)
        .args(flags)
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 runs the stand-in");
    let proc = Proc(child);
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&port_file)
            && let Ok(port) = text.trim().parse::<u16>()
        {
            common::wait_for_port(port, "the stand-in Airbyte");
            return (proc, port);
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the stand-in did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Days since the epoch to a civil date (proleptic Gregorian).
fn civil(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((y + i64::from(m <= 2)) as i32, m as u8, d as u8)
}

/// A CA, and leaf certificates it signs.
struct Pki {
    ca_pem: PathBuf,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl Pki {
    fn new(dir: &Path) -> Pki {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "airbyte-ingress probe test CA");
        let cert = params.self_signed(&key).unwrap();
        let ca_pem = dir.join("ca.pem");
        std::fs::write(&ca_pem, cert.pem()).unwrap();
        Pki {
            ca_pem,
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A certificate for `name` ending `days` from now: (cert PEM path, key PEM path, both in one).
    fn leaf(&self, dir: &Path, name: &str, days: i64) -> (PathBuf, PathBuf, PathBuf) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
        let today = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            / 86_400;
        let (y, m, d) = civil(today - 1);
        params.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = civil(today + days);
        params.not_after = rcgen::date_time_ymd(y, m, d);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let tag = format!("{name}-{days}");
        let (c, k, both) = (
            dir.join(format!("{tag}.crt")),
            dir.join(format!("{tag}.key")),
            dir.join(format!("{tag}.pem")),
        );
        std::fs::write(&c, cert.pem()).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
        std::fs::write(&both, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
        (c, k, both)
    }
}

/// How an NGINX in front of the stand-in is set up: directives of the HTTPS server (before its
/// `location /`), the body of the plain-HTTP server, its body limit. `{https}` and `{backend}`
/// stand for the ports.
#[derive(Clone)]
struct Conf {
    https_extra: &'static str,
    http_block: &'static str,
    body: &'static str,
}

const REDIRECT: &str = "return 308 https://$host:{https}$request_uri;";

const HEALTHY: Conf = Conf {
    https_extra: "",
    http_block: REDIRECT,
    body: "16m",
};

/// An NGINX listening on `https` (TLS with `cert`) and a free plain-HTTP port, proxying to the
/// stand-in on `backend`; `None` when NGINX is not installed (the test says so and skips). One
/// process (`master_process off`), so that ending it leaves no worker behind.
fn nginx(
    dir: &Path,
    cert: &(PathBuf, PathBuf, PathBuf),
    backend: u16,
    https: u16,
    conf: &Conf,
) -> Option<(Proc, u16)> {
    let found = common::which("nginx").or_else(|| {
        let p = PathBuf::from("/usr/sbin/nginx");
        p.exists().then_some(p)
    });
    let bin = common::tool("nginx", found)?;
    let http = common::free_port();
    let prefix = dir.join(format!("nginx-{https}"));
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let fill = |t: &str| {
        t.replace("{https}", &https.to_string())
            .replace("{backend}", &backend.to_string())
    };
    let text = format!(
        "master_process off;
daemon off;
pid {p}/nginx.pid;
error_log {p}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {p}/body;
  proxy_temp_path {p}/proxy;
  fastcgi_temp_path {p}/fastcgi;
  uwsgi_temp_path {p}/uwsgi;
  scgi_temp_path {p}/scgi;
  server {{
    listen 127.0.0.1:{http};
    server_name {HOST};
    {http_block}
  }}
  server {{
    listen 127.0.0.1:{https} ssl;
    server_name {HOST};
    ssl_certificate {c};
    ssl_certificate_key {k};
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size {body};
    {https_extra}
    location / {{ proxy_pass http://127.0.0.1:{backend}; proxy_read_timeout 600s; }}
  }}
}}
",
        p = prefix.display(),
        c = cert.0.display(),
        k = cert.1.display(),
        body = conf.body,
        http_block = fill(conf.http_block),
        https_extra = fill(conf.https_extra),
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, text).unwrap();
    let child = Command::new(bin)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let proc = Proc(child);
    common::wait_for_port(https, "nginx");
    common::wait_for_port(http, "nginx");
    Some((proc, http))
}

/// A stand-in Airbyte behind an NGINX.
struct Scenario {
    https: u16,
    http: u16,
    // dropped in this order: NGINX, then the stand-in
    _nginx: Proc,
    _standin: Proc,
}

impl Scenario {
    /// `reported`: the airbyteUrl the stand-in reports (default: the URL the probe uses).
    fn start(
        dir: &Path,
        cert: &(PathBuf, PathBuf, PathBuf),
        conf: &Conf,
        flags: &[&str],
        reported: Option<&str>,
    ) -> Option<Scenario> {
        // the stand-in must know the probed URL, port included: the port NGINX takes is chosen first
        let https = common::free_port();
        let url = reported.map_or_else(|| format!("https://{HOST}:{https}"), str::to_string);
        let (standin, backend) = standin(dir, &url, flags);
        let (nginx, http) = nginx(dir, cert, backend, https, conf)?;
        Some(Scenario {
            https,
            http,
            _nginx: nginx,
            _standin: standin,
        })
    }
}

/// `probe` of `https://airbyte.test:PORT` through loopback, trusting the test CA: the rule ids and
/// messages of its JSON report, its exit code, its stderr.
fn probe(pki: &Pki, https: u16, http: u16, extra: &[&str]) -> (Vec<(String, String)>, i32, String) {
    let url = format!("https://{HOST}:{https}");
    let resolve_https = format!("{HOST}:{https}:127.0.0.1");
    let resolve_http = format!("{HOST}:{http}:127.0.0.1");
    let http = http.to_string();
    let ca = pki.ca_pem.display().to_string();
    let mut args = vec![
        "probe",
        &url,
        "--resolve",
        &resolve_https,
        "--resolve",
        &resolve_http,
        "--http-port",
        &http,
        "--cacert",
        &ca,
        "--timeout",
        "5",
        "--format",
        "json",
    ];
    args.extend(extra);
    let r = common::run(&args);
    let report: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|_| panic!("not a JSON report: {}", r.transcript()));
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (found, r.code, r.stderr)
}

/// The rules that fired, other than the `probe-answer` info of every probe that got an answer.
fn problems(found: &[(String, String)]) -> Vec<&str> {
    found
        .iter()
        .map(|(r, _)| r.as_str())
        .filter(|r| *r != "probe-answer")
        .collect()
}

fn is_error(rule: &str) -> bool {
    Rule::from_id(rule).is_some_and(|r| r.info().severity == Severity::Error)
}

fn answer(found: &[(String, String)]) -> &str {
    found
        .iter()
        .find(|(r, _)| r == "probe-answer")
        .map_or("", |(_, m)| m.as_str())
}

#[test]
fn every_fault_behind_a_real_nginx_is_found_and_a_healthy_one_is_clean() {
    if common::tool("python3", common::which("python3")).is_none() {
        return;
    }
    let dir = common::tempdir("probe");
    let pki = Pki::new(&dir);
    let good = pki.leaf(&dir, HOST, 90);
    let mut fired: BTreeSet<String> = BTreeSet::new();

    // healthy: a trusted certificate for the host, HTTP redirected, 16m bodies, the URL Airbyte
    // reports is the one probed: no error, no warning, exit 0
    let Some(s) = Scenario::start(&dir, &good, &HEALTHY, &[], None) else {
        return;
    };
    let (found, code, stderr) = probe(&pki, s.https, s.http, &[]);
    assert_eq!(
        problems(&found),
        Vec::<&str>::new(),
        "healthy: {found:#?}\n{stderr}"
    );
    assert_eq!(code, 0, "healthy");
    for fact in [
        "answered through NGINX",
        "TLSv1.3, a certificate for airbyte.test",
        "89 days left",
        "plain HTTP redirects to HTTPS (308)",
        "health available",
        "Airbyte community 2.0.1, auth `simple`",
        "a 10.0 MiB body passes the proxy (405)",
    ] {
        common::assert_has(answer(&found), fact);
    }
    fired.extend(found.iter().map(|(r, _)| r.clone()));
    drop(s);

    let other_host = pki.leaf(&dir, "other.test", 90);
    let expiring = pki.leaf(&dir, HOST, 5);
    let conf = |https_extra, http_block, body| Conf {
        https_extra,
        http_block,
        body,
    };
    // (what, certificate, proxy, stand-in flags, reported URL, probe flags, the rule)
    type Case<'a> = (
        &'a str,
        &'a (PathBuf, PathBuf, PathBuf),
        Conf,
        &'a [&'a str],
        Option<&'a str>,
        &'a [&'a str],
        &'a str,
    );
    let cases: Vec<Case<'_>> = vec![
        (
            "a certificate for another host",
            &other_host,
            HEALTHY,
            &[],
            None,
            &[],
            "probe-tls-invalid",
        ),
        (
            "a certificate ending in 5 days",
            &expiring,
            HEALTHY,
            &[],
            None,
            &[],
            "probe-tls-expiring",
        ),
        (
            "no redirect: plain HTTP proxies to Airbyte",
            &good,
            conf(
                "",
                "location / { proxy_pass http://127.0.0.1:{backend}; }",
                "16m",
            ),
            &[],
            None,
            &[],
            "probe-http-not-redirected",
        ),
        (
            "a redirect to another host",
            &good,
            conf("", "return 301 https://elsewhere.test$request_uri;", "16m"),
            &[],
            None,
            &[],
            "probe-http-redirect-elsewhere",
        ),
        (
            "NGINX's 1m body limit",
            &good,
            conf("", REDIRECT, "1m"),
            &[],
            None,
            &[],
            "probe-body-limit",
        ),
        (
            "an airbyteUrl of another host",
            &good,
            HEALTHY,
            &[],
            Some("https://airbyte.other.test"),
            &[],
            "probe-url-mismatch",
        ),
        (
            "AIRBYTE_URL not set",
            &good,
            HEALTHY,
            &[],
            Some("airbyte-url-not-configured"),
            &[],
            "probe-url-mismatch",
        ),
        (
            "the server down: 502",
            &good,
            conf(
                "location /api/ { proxy_pass http://127.0.0.1:9; }",
                REDIRECT,
                "16m",
            ),
            &[],
            None,
            &[],
            "probe-health",
        ),
        (
            "the health path answered by something else",
            &good,
            conf(
                "location /api/ { default_type text/html; return 200 '<html>Airbyte</html>'; }",
                REDIRECT,
                "16m",
            ),
            &[],
            None,
            &[],
            "probe-answer-invalid",
        ),
        (
            "a 2 MiB health answer",
            &good,
            HEALTHY,
            &["--huge"],
            None,
            &[],
            "probe-answer-invalid",
        ),
        (
            "Keycloak's admin console reachable",
            &good,
            HEALTHY,
            &["--keycloak"],
            None,
            &[],
            "probe-keycloak-admin",
        ),
        (
            "Keycloak's realm not routed",
            &good,
            conf("location /auth/ { return 404; }", REDIRECT, "16m"),
            &["--keycloak"],
            None,
            &[],
            "probe-keycloak-unreachable",
        ),
        (
            "values of another URL",
            &good,
            HEALTHY,
            &[],
            None,
            &["--values", "fixtures/rules/probe-values-differ/bad.yaml"],
            "probe-values-differ",
        ),
    ];
    for (what, cert, conf, flags, reported, extra, want) in &cases {
        let s = Scenario::start(&dir, cert, conf, flags, *reported).unwrap();
        let (found, code, stderr) = probe(&pki, s.https, s.http, extra);
        assert!(
            problems(&found).contains(want),
            "{what}: `{want}` did not fire: {found:#?}\n{stderr}"
        );
        let errors = found.iter().any(|(r, _)| is_error(r));
        assert_eq!(code, i32::from(errors), "{what}: {found:#?}");
        fired.extend(found.iter().map(|(r, _)| r.clone()));
    }
    // the probe's own flags: a smaller body passes a 1m limit, no body is sent at all with
    // --no-body-probe, and plain HTTP is not asked with --no-http-check
    let s = Scenario::start(
        &dir,
        &good,
        &conf(
            "",
            "location / { proxy_pass http://127.0.0.1:{backend}; }",
            "1m",
        ),
        &[],
        None,
    )
    .unwrap();
    let (found, _, _) = probe(&pki, s.https, s.http, &[]);
    let rules = problems(&found);
    assert!(rules.contains(&"probe-body-limit") && rules.contains(&"probe-http-not-redirected"));
    let (found, _, _) = probe(&pki, s.https, s.http, &["--body-probe-size", "524288"]);
    assert!(
        !problems(&found).contains(&"probe-body-limit"),
        "{found:#?}"
    );
    common::assert_has(answer(&found), "a 0.5 MiB body passes the proxy (405)");
    let (found, _, stderr) = probe(
        &pki,
        s.https,
        s.http,
        &["--no-body-probe", "--no-http-check", "-v"],
    );
    assert_eq!(problems(&found), Vec::<&str>::new(), "{found:#?}");
    assert!(!stderr.contains("POST "), "{stderr}");
    assert!(!stderr.contains("GET http://"), "{stderr}");
    common::assert_has(&stderr, "GET https://");
    drop(s);
    // the values' URL is the one deployed: nothing to say
    let s = Scenario::start(&dir, &good, &HEALTHY, &[], None).unwrap();
    let url = format!("https://{HOST}:{}", s.https);
    let values = dir.join("values.yaml");
    std::fs::write(&values, format!("global:\n  airbyteUrl: {url}\n")).unwrap();
    let (found, code, _) = probe(
        &pki,
        s.https,
        s.http,
        &["--values", &values.display().to_string()],
    );
    assert_eq!((problems(&found), code), (vec![], 0), "{found:#?}");
    // the same URL, but an Enterprise release where a Community one runs
    std::fs::write(
        &values,
        format!("global:\n  airbyteUrl: {url}\n  edition: enterprise\n"),
    )
    .unwrap();
    let (found, code, _) = probe(
        &pki,
        s.https,
        s.http,
        &["--values", &values.display().to_string()],
    );
    assert_eq!(problems(&found), vec!["probe-values-differ"], "{found:#?}");
    assert_eq!(code, 0, "a warning");
    let differ = &found
        .iter()
        .find(|(r, _)| r == "probe-values-differ")
        .unwrap()
        .1;
    common::assert_has(differ, "reports edition `community`");
    // the certificate problem is still reported with --insecure, and the probe goes on
    drop(s);
    let s = Scenario::start(&dir, &other_host, &HEALTHY, &[], None).unwrap();
    let (found, _, _) = probe(&pki, s.https, s.http, &["--insecure"]);
    assert!(
        problems(&found).contains(&"probe-tls-invalid"),
        "{found:#?}"
    );
    common::assert_has(answer(&found), "health available");
    drop(s);
    // the plain-HTTP URL of a proxy that redirects: probe-health says which URL to probe
    let s = Scenario::start(&dir, &good, &HEALTHY, &[], None).unwrap();
    let plain = format!("http://{HOST}:{}", s.http);
    let resolve = format!("{HOST}:{}:127.0.0.1", s.http);
    let r = common::run(&["probe", &plain, "--resolve", &resolve, "--timeout", "5"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    common::assert_has(&r.stdout, "error[probe-health]");
    common::assert_has(&r.stdout, "answered 308 to `https://airbyte.test:");
    common::assert_has(
        &r.stdout,
        &format!(
            "probe the HTTPS URL people use: `airbyte-ingress probe https://{HOST}:{}`",
            s.https
        ),
    );
    drop(s);
    // nothing listens: unreachable
    let (found, code, _) = probe(&pki, common::free_port(), common::free_port(), &[]);
    assert_eq!(problems(&found), vec!["probe-unreachable"], "{found:#?}");
    assert_eq!(code, 1);
    fired.extend(found.iter().map(|(r, _)| r.clone()));

    // every probe rule fired in some scenario
    for r in Rule::all()
        .iter()
        .filter(|r| r.info().scope == Scope::Probe)
    {
        assert!(fired.contains(r.id()), "no scenario fires `{}`", r.id());
    }
}

/// The real HAProxy, with the config this tool renders (`--target haproxy-cfg`), in front of the
/// stand-in: healthy, then with the upstream down (HAProxy's own 503 page).
#[test]
fn haproxy_rendered_by_this_tool_probes_clean_and_says_when_airbyte_is_down() {
    let (Some(haproxy), Some(_)) = (
        common::tool("haproxy", common::which("haproxy")),
        common::tool("python3", common::which("python3")),
    ) else {
        return;
    };
    let dir = common::tempdir("probe-haproxy");
    let pki = Pki::new(&dir);
    let (_, _, pem) = pki.leaf(&dir, HOST, 90);
    let values = dir.join("values.yaml");
    std::fs::write(
        &values,
        format!("global:\n  airbyteUrl: https://{HOST}\ningress:\n  enabled: false\n"),
    )
    .unwrap();
    // HAProxy on `http` and `https`, to `upstream`, with the config `render` writes
    let start = |http: u16, https: u16, upstream: u16| {
        let cfg = dir.join(format!("haproxy-{https}.cfg"));
        let (http_bind, https_bind, up) = (
            format!("127.0.0.1:{http}"),
            format!("127.0.0.1:{https}"),
            format!("127.0.0.1:{upstream}"),
        );
        let values = values.display().to_string();
        let pem = pem.display().to_string();
        let r = common::run(&[
            "render",
            "-t",
            "haproxy-cfg",
            "-f",
            &values,
            "--haproxy-cert",
            &pem,
            "--http-bind",
            &http_bind,
            "--https-bind",
            &https_bind,
            "--upstream",
            &up,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::write(&cfg, r.stdout).unwrap();
        let child = Command::new(&haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy starts");
        let proc = Proc(child);
        common::wait_for_port(https, "haproxy");
        common::wait_for_port(http, "haproxy");
        proc
    };
    let (http, https) = (common::free_port(), common::free_port());
    let (_standin, backend) = standin(&dir, &format!("https://{HOST}:{https}"), &[]);
    let proxy = start(http, https, backend);
    let (found, code, stderr) = probe(&pki, https, http, &[]);
    assert_eq!(problems(&found), Vec::<&str>::new(), "{found:#?}\n{stderr}");
    assert_eq!(code, 0);
    for fact in [
        "plain HTTP redirects to HTTPS (301)",
        "health available",
        "a 10.0 MiB body passes the proxy (405)",
    ] {
        common::assert_has(answer(&found), fact);
    }
    drop(proxy);
    // the upstream down: HAProxy answers its own 503
    let (http, https) = (common::free_port(), common::free_port());
    let _proxy = start(http, https, common::free_port());
    let (found, code, _) = probe(&pki, https, http, &[]);
    assert_eq!(problems(&found), vec!["probe-health"], "{found:#?}");
    assert_eq!(code, 1);
    let health = &found.iter().find(|(r, _)| r == "probe-health").unwrap().1;
    common::assert_has(health, "answered 503: the proxy has no ready endpoint");
    common::assert_has(answer(&found), "answered through HAProxy");
}

/// What cannot be probed ends in a finding or exit 2 within the timeout, in every format: a server
/// that accepts and never answers, a TLS port that answers plain HTTP, a URL that is not http(s),
/// a bad `--resolve`.
#[test]
fn bad_targets_end_in_findings_or_exit_2_never_a_hang() {
    // accepts connections and never answers (held until the test ends)
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        // at most a few connections, each held; the listener goes when the test process ends
        for c in silent.incoming().take(4).flatten() {
            conns.push(c);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    let start = Instant::now();
    let url = format!("http://127.0.0.1:{port}");
    let r = common::run(&[
        "probe",
        &url,
        "--timeout",
        "1",
        "--format",
        "json",
        "--no-body-probe",
    ]);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "the probe outlived its timeouts"
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    common::assert_has(&r.stdout, "\"rule\": \"probe-health\"");
    common::assert_has(&r.stdout, "got no answer within 1 s");
    // a TLS URL on a plain-HTTP port: no handshake
    let dir = common::tempdir("probe-bad");
    let (_standin, plain_port) = standin(&dir, "https://airbyte.test", &[]);
    let tls_on_plain = format!("https://127.0.0.1:{plain_port}");
    let r = common::run(&["probe", &tls_on_plain, "--timeout", "2"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    common::assert_has(&r.stdout, "error[probe-unreachable]");
    common::assert_has(&r.stdout, "no TLS handshake");
    // not http(s), a bad --resolve: exit 2, with a report on stdout in the machine formats
    for format in ["text", "json", "github", "sarif"] {
        let r = common::run(&["probe", "ftp://airbyte.example.com", "--format", format]);
        assert_eq!(r.code, 2, "{format}: {}", r.transcript());
        common::assert_has(
            &r.stderr,
            "`ftp://airbyte.example.com` is not an http:// or https:// URL",
        );
        if format != "text" {
            assert!(!r.stdout.is_empty(), "{format}: a report on stdout");
        }
    }
    let r = common::run(&[
        "probe",
        "https://a.example.com",
        "--resolve",
        "a.example.com:443:not-an-ip",
    ]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    common::assert_has(&r.stderr, "`not-an-ip` is not an IP address");
    drop(held);
}
