//! A live Airbyte, through the proxy in front of it: name resolution (with curl-like `--resolve`
//! overrides), TCP, a TLS handshake of its own (rustls with ring) that records the protocol and
//! the certificate served whatever its verification says, and HTTP requests through reqwest's
//! blocking client. Every connection and request has a timeout; every answer is read up to a
//! limit; redirects are never followed. Nothing here logs in or writes.
//!
//! What the answers mean is [`parse`]'s (pure functions, fuzzed) and the run's (findings).

pub mod parse;

use std::io::Read;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How a probe connects.
#[derive(Clone, Debug)]
pub struct Config {
    /// `--resolve HOST:PORT:ADDR`: connections to HOST on PORT go to ADDR, as curl does.
    pub resolve: Vec<(String, u16, IpAddr)>,
    /// `--cacert FILE`'s PEM text; `None` trusts the system's roots.
    pub cacert: Option<Vec<u8>>,
    /// `--insecure`: go on past a certificate that does not verify (the problem is still reported).
    pub insecure: bool,
    /// Each connection and each request, whole.
    pub timeout: Duration,
    /// The most of an answer's body that is read.
    pub max_body: usize,
}

/// Why a connection or request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The name does not resolve.
    Resolve(String),
    /// Nothing listens (connection refused) or the address cannot be reached.
    Connect(String),
    /// No answer within the timeout.
    Timeout(String),
    /// The TLS handshake failed (not a certificate the probe could still look at).
    Tls(String),
    /// Anything else the client reported.
    Other(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Resolve(m)
            | NetError::Connect(m)
            | NetError::Timeout(m)
            | NetError::Tls(m)
            | NetError::Other(m) => f.write_str(m),
        }
    }
}

/// One HTTP answer.
#[derive(Clone, Debug, Default)]
pub struct Response {
    pub status: u16,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// At most [`Config::max_body`] bytes.
    pub body: Vec<u8>,
    /// Whether the body was longer than that.
    pub truncated: bool,
}

impl Response {
    /// The first value of a header (name lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the TLS handshake showed.
#[derive(Clone, Debug, Default)]
pub struct TlsReport {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// Why the certificate does not verify for the host with the trusted roots, if it does not.
    pub problem: Option<String>,
    /// The certificate's end of validity, seconds since the epoch.
    pub not_after: Option<i64>,
    /// Its DNS names (subject alternative names).
    pub names: Vec<String>,
    /// Its issuer, as written.
    pub issuer: String,
}

/// ring, not aws-lc: no C toolchain and cmake in the build. rustls marks ring's provider
/// deprecated for its lack of post-quantum key exchange, which a probe of a proxy does not need.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The addresses for `host:port`: a `--resolve` entry, the host itself when it is an address,
/// else the system resolver's.
pub fn addresses(cfg: &Config, host: &str, port: u16) -> Result<Vec<SocketAddr>, NetError> {
    if let Some((_, _, ip)) = cfg
        .resolve
        .iter()
        .find(|(h, p, _)| h.eq_ignore_ascii_case(host) && *p == port)
    {
        return Ok(vec![SocketAddr::new(*ip, port)]);
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    // the system resolver has timeouts of its own, and not ours: it runs on a thread, and the
    // probe stops waiting for it after `--timeout`
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let r = (name.as_str(), port)
            .to_socket_addrs()
            .map(Iterator::collect::<Vec<SocketAddr>>);
        let _ = tx.send(r);
    });
    let found: Vec<SocketAddr> = match rx.recv_timeout(cfg.timeout) {
        Ok(r) => r.map_err(|e| NetError::Resolve(format!("`{host}` does not resolve: {e}")))?,
        Err(_) => {
            return Err(NetError::Timeout(format!(
                "resolving `{host}` took longer than {} s",
                cfg.timeout.as_secs()
            )));
        }
    };
    if found.is_empty() {
        return Err(NetError::Resolve(format!(
            "`{host}` resolves to no address"
        )));
    }
    Ok(found)
}

/// A TCP connection to the first address that answers within the timeout.
pub fn connect(cfg: &Config, host: &str, port: u16) -> Result<TcpStream, NetError> {
    let mut last = NetError::Connect(format!("no address for `{host}:{port}`"));
    for addr in addresses(cfg, host, port)?.into_iter().take(8) {
        match TcpStream::connect_timeout(&addr, cfg.timeout) {
            Ok(s) => {
                let _ = s.set_read_timeout(Some(cfg.timeout));
                let _ = s.set_write_timeout(Some(cfg.timeout));
                return Ok(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = NetError::Timeout(format!(
                    "`{host}:{port}` ({addr}) did not accept a connection within {} s",
                    cfg.timeout.as_secs()
                ));
            }
            Err(e) => {
                last = NetError::Connect(format!("`{host}:{port}` ({addr}): {e}"));
            }
        }
    }
    Err(last)
}

/// The roots a certificate must chain to: `--cacert`'s, else the system's.
fn roots(cfg: &Config) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match &cfg.cacert {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("`--cacert`: not a PEM certificate: {e}"))?;
                store
                    .add(cert)
                    .map_err(|e| format!("`--cacert`: a certificate rustls cannot use: {e}"))?;
            }
            if store.is_empty() {
                return Err("`--cacert`: the file holds no PEM certificate".into());
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                let _ = store.add(cert);
            }
        }
    }
    Ok(store)
}

/// Verifies as rustls does and records the outcome and the certificate, then lets the handshake
/// finish either way, so that what was served can be reported.
#[derive(Debug)]
struct Recording {
    inner: Option<Arc<WebPkiServerVerifier>>,
    /// Why no verifier could be built (no roots).
    no_roots: Option<String>,
    seen: Mutex<Option<(Vec<u8>, Option<String>)>>,
    /// Whether a failed verification fails the handshake (the HTTP client without `--insecure`).
    enforce: bool,
    /// The provider's signature algorithms, for the handshake's signatures.
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl Recording {
    fn new(cfg: &Config, enforce: bool) -> Recording {
        let (inner, no_roots) = match roots(cfg) {
            Ok(store) if !store.is_empty() => {
                match WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
                    .build()
                {
                    Ok(v) => (Some(v), None),
                    Err(e) => (None, Some(format!("no verifier: {e}"))),
                }
            }
            Ok(_) => (
                None,
                Some("no trusted roots were found on this system: pass `--cacert FILE`".into()),
            ),
            Err(e) => (None, Some(e)),
        };
        Recording {
            inner,
            no_roots,
            seen: Mutex::new(None),
            enforce,
            algorithms: provider().signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let problem = match &self.inner {
            Some(v) => v
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .err()
                .map(|e| describe_tls_error(&e)),
            None => self.no_roots.clone(),
        };
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((end_entity.as_ref().to_vec(), problem.clone()));
        }
        match problem {
            Some(p) if self.enforce => Err(rustls::Error::General(p)),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A certificate error in words people search for.
fn describe_tls_error(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the certificate is not valid for this host name".into()
            }
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the certificate is not valid yet".into()
            }
            C::UnknownIssuer => {
                "the certificate is not signed by a trusted authority (unknown issuer)".into()
            }
            C::BadSignature => "the certificate's signature is bad".into(),
            C::Revoked => "the certificate is revoked".into(),
            other => format!("the certificate does not verify: {other:?}"),
        },
        other => format!("the certificate does not verify: {other}"),
    }
}

fn client_config(verifier: Arc<Recording>) -> Result<ClientConfig, NetError> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// A TLS handshake with `host:port`, sending `host` as the server name: the protocol and the
/// certificate served, and whether it verifies for the host.
pub fn tls_check(cfg: &Config, host: &str, port: u16) -> Result<TlsReport, NetError> {
    let mut sock = connect(cfg, host, port)?;
    let recording = Arc::new(Recording::new(cfg, false));
    let config = client_config(recording.clone())?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| NetError::Tls(format!("`{host}` is not a server name: {e}")))?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| NetError::Tls(e.to_string()))?;
    // each round trip is bounded by the socket's timeouts; the rounds by a count
    let mut rounds = 0;
    while conn.is_handshaking() {
        rounds += 1;
        if rounds > 64 {
            return Err(NetError::Tls(format!(
                "`{host}:{port}`: the TLS handshake did not finish"
            )));
        }
        if let Err(e) = conn.complete_io(&mut sock) {
            return Err(match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                    NetError::Timeout(format!(
                        "`{host}:{port}` did not finish a TLS handshake within {} s",
                        cfg.timeout.as_secs()
                    ))
                }
                _ => NetError::Tls(format!("`{host}:{port}`: TLS handshake failed: {e}")),
            });
        }
    }
    let version = conn
        .protocol_version()
        .map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
            other => format!("{other:?}"),
        })
        .unwrap_or_default();
    let seen = recording.seen.lock().ok().and_then(|mut s| s.take());
    let mut report = TlsReport {
        version,
        ..TlsReport::default()
    };
    if let Some((der, problem)) = seen {
        report.problem = problem;
        if let Some(cert) = parse::certificate(&der) {
            report.not_after = Some(cert.not_after);
            report.names = cert.names;
            report.issuer = cert.issuer;
        }
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    Ok(report)
}

/// The HTTP client of a probe: redirects not followed, no proxies, `--resolve` applied, the
/// certificate verified unless `--insecure`.
pub struct Http {
    client: reqwest::blocking::Client,
    max_body: usize,
}

impl Http {
    pub fn new(cfg: &Config) -> Result<Http, NetError> {
        let verifier = Arc::new(Recording::new(cfg, !cfg.insecure));
        let mut b = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(client_config(verifier)?)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .user_agent(concat!(
                "airbyte-ingress/",
                env!("CARGO_PKG_VERSION"),
                " probe"
            ));
        for (host, port, ip) in &cfg.resolve {
            b = b.resolve(host, SocketAddr::new(*ip, *port));
        }
        let client = b.build().map_err(|e| NetError::Other(chain(&e)))?;
        Ok(Http {
            client,
            max_body: cfg.max_body,
        })
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Result<Response, NetError> {
        let req = self
            .client
            .get(url)
            .header("accept", "application/json, text/html;q=0.5");
        self.send(req)
    }

    /// `POST url` with `size` bytes of `application/octet-stream`.
    pub fn post_bytes(&self, url: &str, size: usize) -> Result<Response, NetError> {
        let req = self
            .client
            .post(url)
            .header("content-type", "application/octet-stream")
            .body(vec![b'0'; size]);
        self.send(req)
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> Result<Response, NetError> {
        let resp = req.send().map_err(|e| net_error(&e))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let limit = u64::try_from(self.max_body)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let read = resp.take(limit).read_to_end(&mut body);
        if let Err(e) = read {
            // the body is cut short: what arrived is kept, and said
            if body.is_empty() {
                return Err(NetError::Other(format!("reading the answer failed: {e}")));
            }
        }
        let truncated = body.len() > self.max_body;
        body.truncate(self.max_body);
        Ok(Response {
            status,
            headers,
            body,
            truncated,
        })
    }
}

/// Every message of an error's chain, joined.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The innermost message of an error's chain: what went wrong, without the layers around it.
fn innermost(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn net_error(e: &reqwest::Error) -> NetError {
    let text = chain(e);
    let inner = innermost(e);
    let lower = text.to_ascii_lowercase();
    if e.is_timeout() || lower.contains("timed out") {
        NetError::Timeout(inner)
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        NetError::Resolve(inner)
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        NetError::Tls(inner)
    } else if e.is_connect() {
        NetError::Connect(inner)
    } else {
        NetError::Other(text)
    }
}
