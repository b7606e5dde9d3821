//! Flux HelmReleases. Checked against fluxcd/helm-controller (`api/v2/helmrelease_types.go`
//! `GetReleaseName`, `GetReleaseNamespace`; `internal/release/name.go` `ShortenName`) and
//! fluxcd/pkg (`chartutil/values.go` `ChartValuesFromReferences`, `ReplacePathValue`):
//! - release name: `spec.releaseName`, else `[spec.targetNamespace-]metadata.name`, shortened to
//!   53 characters with a hash when longer; namespace: `spec.targetNamespace`, else the
//!   HelmRelease's own;
//! - values: each `spec.valuesFrom` entry in order (a ConfigMap's or Secret's `valuesKey`, default
//!   `values.yaml`, merged over the ones before; with `targetPath`, the value set at that path as
//!   `--set` would, or as a string when quoted, or literally with `literal: true`), then
//!   `spec.values` over all of them (it always wins);
//! - a missing reference fails the release unless `optional: true`.

use super::embed;
use super::manifests::Object;
use super::wrapper::{Ctx, InputKind, Known, Layer, Release, Skipped, string};
use crate::source::{InputError, Node, Origin, Path, SetKind, Sources, Value};

fn at<'a>(n: &'a Node, path: &str) -> Option<&'a Node> {
    n.at(&Path::parse(path))
}

fn str_at<'a>(n: &'a Node, path: &str) -> Option<&'a str> {
    at(n, path).and_then(string)
}

/// The Airbyte HelmReleases among `docs`; `valuesFrom` references are looked up among the
/// documents of this file and the objects of the other files given (`ctx.objects`).
pub fn read(
    docs: &[Node],
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
) -> Result<(Vec<Release>, Vec<Skipped>), InputError> {
    let wrapper = sources.files[file as usize].name.clone();
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    let here: Vec<Object> = docs.iter().filter_map(object).collect();
    for doc in docs {
        if str_at(doc, "kind") != Some("HelmRelease")
            || !str_at(doc, "apiVersion").is_some_and(|a| a.starts_with("helm.toolkit.fluxcd.io/"))
        {
            continue;
        }
        let name = str_at(doc, "metadata.name").unwrap_or("").to_string();
        let own_ns = str_at(doc, "metadata.namespace").map(str::to_string);
        let Some((chart, version)) = chart_of(doc, &here, ctx, own_ns.as_deref()) else {
            skipped.push(Skipped {
                what: format!("HelmRelease `{name}` (not Airbyte's chart)"),
                origin: doc.origin,
            });
            continue;
        };
        let mut rel = Release::new(InputKind::FluxHelmrelease, &wrapper, doc.origin, chart);
        rel.version = version;
        let target_ns =
            at(doc, "spec.targetNamespace").filter(|n| string(n).is_some_and(|s| !s.is_empty()));
        rel.name = Some(
            match at(doc, "spec.releaseName").filter(|n| string(n).is_some_and(|s| !s.is_empty())) {
                Some(n) => Known::new(
                    shorten(string(n).unwrap_or_default()),
                    "spec.releaseName",
                    n.origin,
                ),
                None => {
                    let name_origin = at(doc, "metadata.name").map_or(doc.origin, |n| n.origin);
                    match target_ns.and_then(string) {
                        Some(t) => Known::new(
                            shorten(&format!("{t}-{name}")),
                            "spec.targetNamespace-metadata.name",
                            name_origin,
                        ),
                        None => Known::new(shorten(&name), "metadata.name", name_origin),
                    }
                }
            },
        );
        rel.namespace = Some(match target_ns {
            Some(n) => Known::new(
                string(n).unwrap_or_default().to_string(),
                "spec.targetNamespace",
                n.origin,
            ),
            None => match at(doc, "metadata.namespace") {
                Some(n) if string(n).is_some() => Known::new(
                    string(n).unwrap_or_default().to_string(),
                    "metadata.namespace",
                    n.origin,
                ),
                _ => Known::new(
                    "default".to_string(),
                    "no metadata.namespace: the namespace it is applied in (taken as `default`)",
                    doc.origin,
                ),
            },
        });
        if let Some(Node {
            value: Value::Seq(refs),
            ..
        }) = at(doc, "spec.valuesFrom")
        {
            for r in refs {
                values_from(r, &here, own_ns.as_deref(), file, sources, ctx, &mut rel)?;
            }
        }
        if let Some(v) = at(doc, "spec.values").filter(|v| matches!(v.value, Value::Map(_))) {
            rel.layers.push(Layer::Tree {
                root: v.clone(),
                from: v.origin,
                documents: 1,
                duplicates: Vec::new(),
                under_defaults: false,
            });
        }
        releases.push(rel);
    }
    Ok((releases, skipped))
}

fn object(doc: &Node) -> Option<Object> {
    let api_version = str_at(doc, "apiVersion")?.to_string();
    let kind = str_at(doc, "kind")?.to_string();
    Some(Object {
        api_version,
        kind,
        name: str_at(doc, "metadata.name").unwrap_or("").to_string(),
        namespace: str_at(doc, "metadata.namespace").map(str::to_string),
        node: doc.clone(),
    })
}

/// The chart of a HelmRelease: `spec.chart.spec.chart` and `version`, or the OCIRepository or
/// HelmChart that `spec.chartRef` names, when it is in the files given.
fn chart_of(
    doc: &Node,
    here: &[Object],
    ctx: &Ctx<'_>,
    ns: Option<&str>,
) -> Option<(Known<String>, Option<Known<String>>)> {
    if let Some(c) = at(doc, "spec.chart.spec.chart") {
        let name = string(c)?;
        if !super::wrapper::is_airbyte_chart(name) {
            return None;
        }
        let version = at(doc, "spec.chart.spec.version").and_then(|v| {
            string(v).map(|s| Known::new(s.to_string(), "spec.chart.spec.version", v.origin))
        });
        return Some((
            Known::new(name.to_string(), "spec.chart.spec.chart", c.origin),
            version,
        ));
    }
    let kind = str_at(doc, "spec.chartRef.kind")?;
    let name = str_at(doc, "spec.chartRef.name")?;
    let ref_ns = str_at(doc, "spec.chartRef.namespace").or(ns);
    let obj = here.iter().chain(ctx.objects.iter()).find(|o| {
        o.kind == kind
            && o.name == name
            && (o.namespace.is_none() || o.namespace.as_deref() == ref_ns)
    })?;
    match kind {
        "OCIRepository" => {
            let url = obj.at("spec.url")?;
            let u = string(url)?;
            if !super::wrapper::is_airbyte_chart(u) {
                return None;
            }
            let version = ["spec.ref.tag", "spec.ref.semver", "spec.ref.digest"]
                .iter()
                .find_map(|p| {
                    obj.at(p).and_then(|v| {
                        string(v).map(|s| {
                            Known::new(s.to_string(), format!("OCIRepository {p}"), v.origin)
                        })
                    })
                });
            Some((
                Known::new(u.to_string(), "OCIRepository spec.url", url.origin),
                version,
            ))
        }
        "HelmChart" => {
            let c = obj.at("spec.chart")?;
            let n = string(c)?;
            if !super::wrapper::is_airbyte_chart(n) {
                return None;
            }
            let version = obj.at("spec.version").and_then(|v| {
                string(v).map(|s| Known::new(s.to_string(), "HelmChart spec.version", v.origin))
            });
            Some((
                Known::new(n.to_string(), "HelmChart spec.chart", c.origin),
                version,
            ))
        }
        _ => None,
    }
}

/// One `valuesFrom` entry as a layer (or a note when the object is not in the files given).
fn values_from(
    r: &Node,
    here: &[Object],
    ns: Option<&str>,
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
    rel: &mut Release,
) -> Result<(), InputError> {
    let kind = str_at(r, "kind").unwrap_or("");
    let name = str_at(r, "name").unwrap_or("");
    let key = str_at(r, "valuesKey")
        .filter(|k| !k.is_empty())
        .unwrap_or("values.yaml");
    let optional = matches!(at(r, "optional").map(|n| &n.value), Some(Value::Bool(true)));
    let target_path = str_at(r, "targetPath").filter(|p| !p.is_empty());
    let literal = matches!(at(r, "literal").map(|n| &n.value), Some(Value::Bool(true)));
    let obj = here.iter().chain(ctx.objects.iter()).find(|o| {
        o.kind == kind
            && o.name == name
            && (o.namespace.is_none() || ns.is_none() || o.namespace.as_deref() == ns)
    });
    let Some(obj) = obj else {
        let what = if optional {
            "it is optional: Flux skips it when it does not exist"
        } else {
            "Flux fails the release if it does not exist in the cluster"
        };
        rel.unread(
            r.origin,
            format!("`valuesFrom` {kind} `{name}` is not in the files given ({what}); pass its manifest with another `-f` to check the values it holds"),
        );
        return Ok(());
    };
    if obj.at("sops").is_some() {
        rel.unread(
            r.origin,
            format!("`valuesFrom` {kind} `{name}` is encrypted with SOPS: the values it holds are not assessed"),
        );
        return Ok(());
    }
    // a Secret's stringData is what the API server stores in data; data is base64
    let (node, text) = match kind {
        "Secret" => match obj.at(&format!("stringData.{key}")).or(None) {
            Some(n) => (n.clone(), string(n).unwrap_or("").to_string()),
            None => match data_entry(obj, "data", key) {
                Some(n) => {
                    let decoded = string(n).and_then(decode_base64);
                    match decoded {
                        Some(t) => (Node::new(Value::Str(t.clone()), n.origin), t),
                        None => {
                            rel.unread(
                                n.origin,
                                format!("`{kind} {name}` `data.{key}` is not base64 of UTF-8 text"),
                            );
                            return Ok(());
                        }
                    }
                }
                None => return missing_key(r, kind, name, key, optional, rel),
            },
        },
        _ => match data_entry(obj, "data", key) {
            Some(n) => (n.clone(), string(n).unwrap_or("").to_string()),
            None => return missing_key(r, kind, name, key, optional, rel),
        },
    };
    if let Some(path) = target_path {
        let (set_kind, value) = if literal {
            (SetKind::Literal, text.clone())
        } else if (text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\''))
        {
            (SetKind::String, text.trim_matches(['"', '\'']).to_string())
        } else {
            (SetKind::Typed, text.clone())
        };
        rel.layers.push(Layer::SetNow {
            kind: set_kind,
            text: format!("{path}={value}"),
            origin: node.origin,
        });
        return Ok(());
    }
    let outer_file = match node.origin {
        Origin::File { file, .. } => file,
        _ => file,
    };
    let outer = sources.files[outer_file as usize].text.clone();
    let shown = sources.files[outer_file as usize].name.clone();
    let place = if kind == "Secret" && obj.at(&format!("stringData.{key}")).is_none() {
        embed::Placement::At(node.origin)
    } else {
        embed::placement(&outer, &node, &text)
    };
    let doc = embed::parse_values(&text, place, outer_file, &shown, &ctx.limits)?;
    rel.layers.push(Layer::tree(doc, node.origin));
    Ok(())
}

/// `data.KEY` of an object, where KEY may hold dots (`values.yaml`).
fn data_entry<'a>(obj: &'a Object, field: &str, key: &str) -> Option<&'a Node> {
    obj.at(field)?.as_map()?.get(key)
}

fn missing_key(
    r: &Node,
    kind: &str,
    name: &str,
    key: &str,
    optional: bool,
    rel: &mut Release,
) -> Result<(), InputError> {
    let what = if optional {
        "optional: Flux skips it"
    } else {
        "Flux fails the release"
    };
    rel.unread(
        r.origin,
        format!("`valuesFrom` {kind} `{name}` has no key `{key}` ({what})"),
    );
    Ok(())
}

/// Standard base64 (with or without padding, whitespace ignored) to UTF-8 text.
pub fn decode_base64(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Flux's `ShortenName`: a name over 53 characters becomes its first 40, `-`, and the first 12
/// hex digits of its SHA-256.
pub fn shorten(name: &str) -> String {
    if name.len() <= 53 {
        return name.to_string();
    }
    let hex: String = sha256(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}-{}", &name[..40], &hex[..12])
}

/// SHA-256 (FIPS 180-4), for [`shorten`] only.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_vectors() {
        let hex = |d: &[u8]| {
            sha256(d)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(
            hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(
            hex(long),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    /// Flux's own cases (`internal/release/name_test.go`).
    #[test]
    fn long_release_names_are_shortened_as_flux_does() {
        assert_eq!(shorten("release-name"), "release-name");
        assert_eq!(
            shorten("release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "release-name-with-very-long-name-which-i-788ca0d0d7b0"
        );
        assert_eq!(
            shorten("another-release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "another-release-name-with-very-long-name-7e72150d5a36"
        );
    }

    #[test]
    fn base64_decodes_secret_data() {
        assert_eq!(
            decode_base64("Z2xvYmFsOgogIGE6IDEK").as_deref(),
            Some("global:\n  a: 1\n")
        );
        assert_eq!(decode_base64("YQ==").as_deref(), Some("a"));
        assert_eq!(decode_base64("!!"), None);
    }
}
