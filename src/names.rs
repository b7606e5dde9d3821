//! Kubernetes name rules (DNS-1123 labels and subdomains, qualified keys), shared by the checks of
//! release names, namespaces, Secrets, IngressClasses and annotation keys.

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

#[cfg(test)]
mod tests {
    use super::*;

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
