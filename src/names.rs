//! Names and how they compare: Kubernetes name rules (DNS-1123 labels and subdomains, qualified
//! keys), host names with wildcards, and the parts of a URL. Shared by the checks of release names,
//! namespaces, Secrets, IngressClasses, annotation keys, hosts and `global.airbyteUrl`.

use std::borrow::Cow;

use foldhash::{HashSet, HashSetExt};

/// `s` in ASCII lowercase, borrowed when it already is (host names compare without case).
pub fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A DNS-1123 label: 1-63 lowercase letters, digits and `-`, starting and ending alphanumeric.
pub fn dns_label_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn dns_subdomain_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(dns_label_ok)
}

/// A qualified name (annotation and label keys): an optional DNS-subdomain prefix and `/`, then a
/// name of at most 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric.
pub fn qualified_name_ok(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    name_ok && prefix.is_none_or(dns_subdomain_ok)
}

/// A label value: empty, or at most 63 letters, digits, `-`, `_`, `.`, starting and ending
/// alphanumeric.
pub fn label_value_ok(value: &str) -> bool {
    value.is_empty() || (!value.contains('/') && qualified_name_ok(value))
}

/// The parts of an absolute URL that matter here.
#[derive(Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// Everything after the authority, `""` when absent.
    pub rest: &'a str,
}

/// Splits `scheme://host[:port][/path][?query][#fragment]`; `None` when it is not of that shape.
pub fn parse_url(s: &str) -> Option<Url<'_>> {
    let (scheme, after) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        let close = stripped.find(']')?;
        let port = stripped[close + 1..].strip_prefix(':');
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty()
        || port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some(Url {
        scheme,
        host,
        port,
        rest,
    })
}

/// Ingress hosts indexed for coverage questions in constant time (thousands of hosts, thousands of
/// TLS names: no scans of one list per entry of the other).
pub struct HostIndex<'a> {
    exact: foldhash::HashSet<Cow<'a, str>>,
    /// `example.com` for `*.example.com`.
    wildcard_parents: foldhash::HashSet<Cow<'a, str>>,
    /// The parent domain of every exact host, for TLS wildcards that cover them.
    parents: foldhash::HashSet<Cow<'a, str>>,
}

/// Lowercase, without a trailing dot; borrowed when it already is.
fn normalize(h: &str) -> Cow<'_, str> {
    lowercase(h.trim_end_matches('.'))
}

/// The part of `h` from byte `from` on, borrowed where `h` is.
fn tail<'a>(h: &Cow<'a, str>, from: usize) -> Cow<'a, str> {
    match h {
        Cow::Borrowed(b) => Cow::Borrowed(&b[from..]),
        Cow::Owned(o) => Cow::Owned(o[from..].to_owned()),
    }
}

impl<'a> HostIndex<'a> {
    pub fn new(hosts: impl IntoIterator<Item = &'a str>) -> HostIndex<'a> {
        let hosts = hosts.into_iter();
        let n = hosts.size_hint().0;
        let mut idx = HostIndex {
            exact: HashSet::with_capacity(n),
            wildcard_parents: Default::default(),
            parents: Default::default(),
        };
        for h in hosts {
            let h = normalize(h);
            if h.starts_with("*.") {
                idx.wildcard_parents.insert(tail(&h, 2));
            } else {
                if let Some(dot) = h.find('.') {
                    idx.parents.insert(tail(&h, dot + 1));
                }
                idx.exact.insert(h);
            }
        }
        idx
    }

    /// Whether one of the hosts serves `name` (as [`host_covers`] does, for any of them).
    pub fn covers(&self, name: &str) -> bool {
        let n = normalize(name);
        self.exact.contains(&*n)
            || n.split_once('.').is_some_and(|(label, parent)| {
                !label.is_empty() && self.wildcard_parents.contains(parent)
            })
    }

    /// Whether `name` is served by a host, or is a wildcard that covers one of them.
    pub fn overlaps(&self, name: &str) -> bool {
        let n = normalize(name);
        match n.strip_prefix("*.") {
            Some(parent) => self.wildcard_parents.contains(parent) || self.parents.contains(parent),
            None => self.covers(&n),
        }
    }
}

/// Whether an ingress host (possibly `*.example.com`) serves `name`; case-insensitive, trailing dot ignored.
pub fn host_covers(ingress_host: &str, name: &str) -> bool {
    let h = ingress_host.trim_end_matches('.').to_ascii_lowercase();
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    match h.strip_prefix("*.") {
        Some(suffix) => n
            .strip_suffix(suffix)
            .and_then(|label| label.strip_suffix('.'))
            .is_some_and(|l| !l.is_empty() && !l.contains('.')),
        None => h == n,
    }
}

/// Why a host is not a valid Ingress host, if it is not.
pub fn host_problem(host: &str) -> Option<String> {
    if plainly_valid_host(host) {
        return None;
    }
    host_problem_slow(host)
}

/// One pass over the bytes for the common case, a valid lowercase DNS name (optionally under
/// `*.`): only names [`host_problem_slow`] finds nothing wrong with pass (a test checks that on
/// generated names); anything else goes to it for the words.
fn plainly_valid_host(host: &str) -> bool {
    let body = host.strip_prefix("*.").unwrap_or(host).as_bytes();
    if body.is_empty() || host.len() > 253 {
        return false;
    }
    let (mut label, mut prev, mut letter) = (0usize, b'.', false);
    for &b in body {
        match b {
            b'.' => {
                if label == 0 || prev == b'-' {
                    return false;
                }
                label = 0;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' => {
                if label == 0 && b == b'-' {
                    return false;
                }
                label += 1;
                if label > 63 {
                    return false;
                }
                letter |= !b.is_ascii_digit();
            }
            _ => return false,
        }
        prev = b;
    }
    // not ending in `.` or `-`, and not all digits (an IPv4 address is refused by the slow path)
    label > 0 && prev != b'-' && letter
}

fn host_problem_slow(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("is empty".into());
    }
    if let Some((scheme, _)) = split_scheme(host) {
        return Some(format!(
            "contains the scheme `{scheme}://`; `host` is a bare DNS name"
        ));
    }
    if host.contains('/') {
        return Some("contains a path; paths go in `paths`".into());
    }
    if host.contains(':') {
        return Some("contains a port; controllers listen on 80 and 443".into());
    }
    if host.len() > 253 {
        return Some(format!(
            "is {} characters long; DNS names have at most 253",
            host.len()
        ));
    }
    let body = match host.strip_prefix("*.") {
        Some(rest) => rest,
        None if host.contains('*') => {
            return Some("has `*` outside a whole first label (`*.example.com`)".into());
        }
        None => host,
    };
    if body.contains('*') {
        return Some("has `*` outside a whole first label (`*.example.com`)".into());
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!(
            "has uppercase letters; write `{}`",
            host.to_ascii_lowercase()
        ));
    }
    if host.contains('_') {
        return Some("contains `_`, which DNS-1123 names do not allow".into());
    }
    if host.trim_end_matches('.') != host {
        return Some("ends with `.`; Ingress hosts are written without the root dot".into());
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Some("has an empty label (`..`)".into());
        }
        if label.len() > 63 {
            return Some(format!(
                "has a label of {} characters; at most 63",
                label.len()
            ));
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Some(format!(
                "has the label `{label}` with characters other than a-z, 0-9 and `-`"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "has the label `{label}`, which starts or ends with `-`"
            ));
        }
    }
    if body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.parse::<std::net::Ipv4Addr>().is_ok()
    {
        return Some(
            "is an IP address; Ingress hosts must be DNS names (leave `host` empty for any host)"
                .into(),
        );
    }
    None
}

/// The DNS name in a host as written, without a scheme, port or path that `host-invalid` reports.
pub fn host_name(host: &str) -> &str {
    let h = split_scheme(host).map_or(host, |(_, rest)| rest);
    let end = h.find(['/', ':']).unwrap_or(h.len());
    &h[..end]
}

/// `("https", "a.example")` for `https://a.example` (a byte scan: this runs once per host).
fn split_scheme(host: &str) -> Option<(&str, &str)> {
    let at = host.as_bytes().windows(3).position(|w| w == b"://")?;
    Some((&host[..at], &host[at + 3..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// The fast path passes only names the full check passes.
        #[test]
        fn the_fast_host_check_passes_only_valid_names(h in "(\\*\\.)?[a-z0-9.*_A-Z-]{0,70}") {
            if plainly_valid_host(&h) {
                proptest::prop_assert_eq!(host_problem_slow(&h), None, "{}", h);
            }
        }

        /// And it takes the valid names people write.
        #[test]
        fn the_fast_host_check_takes_ordinary_names(h in "(\\*\\.)?[a-z][a-z0-9-]{0,20}[a-z0-9](\\.[a-z][a-z0-9]{0,10}){1,3}") {
            proptest::prop_assert!(plainly_valid_host(&h), "{}", h);
            proptest::prop_assert_eq!(host_problem(&h), None);
        }
    }

    #[test]
    fn lowercase_borrows_what_is_already_lowercase() {
        use std::borrow::Cow;
        assert!(matches!(
            lowercase("a.example-1.com"),
            Cow::Borrowed("a.example-1.com")
        ));
        assert!(matches!(lowercase("A.Example.COM"), Cow::Owned(s) if s == "a.example.com"));
        // only ASCII folds, as DNS names compare
        assert_eq!(lowercase("Ä.example"), "Ä.example");
    }

    #[test]
    fn names() {
        assert!(
            dns_label_ok("airbyte")
                && !dns_label_ok("Airbyte")
                && !dns_label_ok("-a")
                && !dns_label_ok(&"a".repeat(64))
        );
        assert!(
            dns_subdomain_ok("airbyte-tls")
                && dns_subdomain_ok("a.b-c")
                && !dns_subdomain_ok("Airbyte_TLS")
                && !dns_subdomain_ok("")
                && !dns_subdomain_ok("a..b")
        );
        for ok in [
            "nginx.ingress.kubernetes.io/proxy-body-size",
            "example.com/x",
            "plain",
            "a_b.c-d",
        ] {
            assert!(qualified_name_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "a/b/c",
            "Example.com/x",
            "x/",
            "/x",
            "a b",
            "{{ x }}",
            "-a",
            &"a".repeat(64),
        ] {
            assert!(!qualified_name_ok(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn urls_split_as_expected() {
        assert_eq!(
            parse_url("https://a.example"),
            Some(Url {
                scheme: "https",
                host: "a.example",
                port: None,
                rest: ""
            })
        );
        assert_eq!(
            parse_url("http://a.example:8080/x?y"),
            Some(Url {
                scheme: "http",
                host: "a.example",
                port: Some("8080"),
                rest: "/x?y"
            })
        );
        assert_eq!(
            parse_url("https://[::1]:443").map(|u| (u.host, u.port)),
            Some(("[::1]", Some("443")))
        );
        assert_eq!(parse_url("airbyte.example.com"), None);
        assert_eq!(parse_url("https://user@a.example"), None);
        assert_eq!(parse_url("https://a.example:"), None);
        assert_eq!(parse_url("https://"), None);
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(host_covers("airbyte.example.com", "Airbyte.Example.com."));
        assert!(host_covers("*.example.com", "airbyte.example.com"));
        assert!(!host_covers("*.example.com", "example.com"));
        assert!(!host_covers("*.example.com", "a.b.example.com"));
        assert!(!host_covers("airbyte.example.com", "airbyte.example.org"));
    }
}

#[cfg(test)]
mod host_index_tests {
    use super::*;

    #[test]
    fn the_index_agrees_with_host_covers() {
        let hosts = ["airbyte.example.com", "*.corp.example", "Data.Example.org."];
        let idx = HostIndex::new(hosts);
        for name in [
            "airbyte.example.com",
            "AIRBYTE.example.com.",
            "a.corp.example",
            "corp.example",
            "a.b.corp.example",
            "data.example.org",
            "x.example.com",
            "*.example.com",
            "*.corp.example",
            "*.other.example",
        ] {
            let by_scan = hosts.iter().any(|h| host_covers(h, name));
            assert_eq!(idx.covers(name), by_scan, "{name}");
            let overlaps = by_scan
                || hosts
                    .iter()
                    .any(|h| host_covers(name, h) || h.eq_ignore_ascii_case(name));
            assert_eq!(idx.overlaps(name), overlaps, "{name}");
        }
    }
}

#[cfg(test)]
mod host_tests {
    use super::*;

    #[test]
    fn host_problems() {
        for ok in [
            "airbyte.example.com",
            "*.example.com",
            "a-b.c1.example",
            "localhost",
        ] {
            assert_eq!(host_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("https://airbyte.example.com", "scheme"),
            ("airbyte.example.com:8443", "port"),
            ("airbyte.example.com/ui", "path"),
            ("Airbyte.example.com", "uppercase"),
            ("air_byte.example.com", "`_`"),
            ("a.*.example.com", "`*`"),
            ("*example.com", "`*`"),
            ("a..example.com", "empty label"),
            ("-a.example.com", "starts or ends"),
            ("10.0.0.1", "IP address"),
            ("", "empty"),
        ] {
            let p = host_problem(bad).unwrap_or_default();
            assert!(p.contains(why), "{bad}: {p}");
        }
        assert!(
            host_problem(&format!("{}.example.com", "a".repeat(64)))
                .unwrap()
                .contains("63")
        );
    }
}

/// A name the API server or Helm would refuse (a release, a namespace): a usage error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError(pub String);

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NameError {}
