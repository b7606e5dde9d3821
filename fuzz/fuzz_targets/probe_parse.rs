//! Any bytes as what a live Airbyte or its proxy answers (the health answer, the instance
//! configuration, Keycloak's OpenID configuration, headers and error pages, a redirect's
//! `Location`, a certificate): a value or an error, never a panic.
#![no_main]

use airbyte_ingress::live::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse::health(data);
    let _ = parse::instance(data);
    let _ = parse::openid_issuer(data);
    let _ = parse::certificate(data);
    let text = String::from_utf8_lossy(data);
    let _ = parse::url_parts(&text);
    let (name, value) = text.split_once(':').unwrap_or(("server", &text));
    let headers = vec![(name.to_ascii_lowercase(), value.to_string())];
    let _ = parse::proxy_of(&headers, data);
});
