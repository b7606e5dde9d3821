//! The typed view of the values this tool reads (serde + schemars): the single source of the
//! published JSON schema. Everything outside these keys passes through untouched.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::values::{Path, Seg};

/// Airbyte Helm chart values, as far as ingress and the public URL are concerned.
///
/// Keys not described here belong to the rest of the chart and are accepted as they are.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[schemars(title = "Airbyte Helm values: ingress and public URL")]
pub struct Values {
    /// Settings shared by every Airbyte component.
    #[serde(default)]
    pub global: Option<Global>,
    /// The Ingress the chart renders (chart 2.0.18 and later). Every key is checked: a misspelt key
    /// is an error, not a silent no-op.
    #[serde(default)]
    pub ingress: Option<Ingress>,
    /// The V1 chart's webapp settings. `webapp.ingress` is the V1 ingress block, which the V2 chart
    /// ignores: use the top-level `ingress` block.
    #[serde(default)]
    pub webapp: Option<Webapp>,
    /// Replaces the chart's full name, which names the Ingress.
    #[serde(rename = "fullnameOverride", default)]
    pub fullname_override: Option<String>,
    /// Replaces the chart name (`airbyte`) in the full name.
    #[serde(rename = "nameOverride", default)]
    pub name_override: Option<String>,
    /// The namespace the chart's objects go to, instead of the release namespace (chart 2.1.0+).
    #[serde(rename = "namespaceOverride", default)]
    pub namespace_override: Option<String>,
    /// The Airbyte server, which serves the API and the web UI.
    #[serde(default)]
    pub server: Option<Component>,
    /// The connector builder server (chart 2.0.18 - 2.0.19 only).
    #[serde(rename = "connectorBuilderServer", default)]
    pub connector_builder_server: Option<Component>,
    /// Airbyte's bundled Keycloak (Enterprise).
    #[serde(default)]
    pub keycloak: Option<Keycloak>,
}

/// `keycloak.*` keys read here; the others are accepted as they are.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Keycloak {
    /// Render Keycloak's Service (default `false`). With `global.edition: enterprise`, Keycloak
    /// serves the login pages under `/auth/realms` and `/auth/resources`, which the ingress must
    /// route to it. Must be a boolean: the string `"false"` counts as true in Helm.
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// `global.*` keys read here; other `global` keys are accepted as they are.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Global {
    /// The URL where Airbyte is reached, e.g. `https://airbyte.example.com`. It must match an
    /// ingress host, use `https` when the host has TLS, and have no path, port or trailing slash.
    /// Empty makes the chart fall back to `http://localhost:8080`.
    #[serde(rename = "airbyteUrl", default)]
    pub airbyte_url: Option<String>,
    /// `community` (default) or `enterprise`, compared exactly by the chart. Enterprise with
    /// `keycloak.enabled: true` needs `/auth/realms` and `/auth/resources` routed to Keycloak,
    /// which the chart's own Ingress cannot do.
    #[serde(default)]
    pub edition: Option<String>,
    /// Authentication settings.
    #[serde(default)]
    pub auth: Option<Auth>,
}

/// `global.auth`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Auth {
    /// Whether users log in. With auth on, `global.airbyteUrl` must be set: login redirects and
    /// cookies are issued for it.
    #[serde(default)]
    pub enabled: Option<BoolLike>,
    /// Cookie settings of the login session.
    #[serde(default)]
    pub security: Option<Security>,
}

/// `global.auth.security`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Security {
    /// Whether login cookies carry the `Secure` flag (default `true`). Must be `false` when Airbyte
    /// is served over plain `http`, or login fails with "the server failed to set a cookie".
    #[serde(rename = "cookieSecureSetting", default)]
    pub cookie_secure_setting: Option<BoolLike>,
}

/// A boolean, or the strings `"true"` / `"false"` that the chart passes on as they are.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BoolLike {
    Bool(bool),
    Str(BoolString),
}

impl BoolLike {
    pub fn as_bool(&self) -> bool {
        match self {
            BoolLike::Bool(b) => *b,
            BoolLike::Str(BoolString::True) => true,
            BoolLike::Str(BoolString::False) => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum BoolString {
    #[serde(rename = "true")]
    True,
    #[serde(rename = "false")]
    False,
}

/// The chart's `ingress` block.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    /// Render the chart's Ingress. Must be a boolean: the string `"false"` counts as true in Helm.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The IngressClass (`spec.ingressClassName`), e.g. `nginx`, `alb`, `traefik`, `haproxy`,
    /// `webapprouting.kubernetes.azure.com`, `azure-alb-external`. Prefer it to the deprecated
    /// `kubernetes.io/ingress.class` annotation.
    #[serde(rename = "className", default)]
    pub class_name: Option<String>,
    /// Annotations for the controller. Every value must be a string: quote numbers and booleans
    /// (`"600"`, `"true"`), or use `--set-string` on the command line.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Option<String>>>")]
    pub annotations: Option<BTreeMap<String, Option<String>>>,
    /// One entry per host name.
    #[serde(default)]
    pub hosts: Option<Vec<Host>>,
    /// TLS certificates: each Secret and the hosts it covers.
    #[serde(default)]
    pub tls: Option<Vec<Tls>>,
}

/// `ingress.hosts[]`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// A DNS name such as `airbyte.example.com` (lowercase; `*.` only as the whole first label);
    /// no scheme, port or path. It must be the host of `global.airbyteUrl`.
    #[serde(default)]
    pub host: Option<String>,
    /// The paths on this host. Airbyte needs `/` (Prefix) to the `server` backend.
    #[serde(default)]
    pub paths: Option<Vec<HostPath>>,
}

/// `ingress.hosts[].paths[]`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostPath {
    /// The URL path, e.g. `/`. Airbyte cannot be served under a sub-path.
    #[serde(default)]
    pub path: Option<String>,
    /// How the path matches; `Prefix` for `/`.
    #[serde(rename = "pathType", default)]
    pub path_type: Option<PathType>,
    /// The Airbyte service: `server` (chart 2.1.0 and later accept nothing else;
    /// 2.0.18 - 2.0.19 also accept `connector-builder-server`).
    #[serde(default)]
    pub backend: Option<String>,
}

/// `networking.k8s.io/v1` path types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum PathType {
    Prefix,
    Exact,
    ImplementationSpecific,
}

impl PathType {
    pub fn as_str(self) -> &'static str {
        match self {
            PathType::Prefix => "Prefix",
            PathType::Exact => "Exact",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// `ingress.tls[]`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// A `kubernetes.io/tls` Secret in the Ingress's namespace.
    #[serde(rename = "secretName", default)]
    pub secret_name: Option<String>,
    /// The hosts this certificate serves; each should be an ingress host.
    #[serde(default)]
    pub hosts: Option<Vec<String>>,
}

/// The V1 chart's `webapp` block; only `webapp.ingress` matters here.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Webapp {
    /// The V1 ingress block. The V2 chart ignores it: move it to the top-level `ingress`.
    #[serde(default)]
    pub ingress: Option<serde_json::Value>,
}

/// A chart component's Service settings.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Component {
    /// The component's Service.
    #[serde(default)]
    pub service: Option<ServiceSettings>,
}

/// `<component>.service`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct ServiceSettings {
    /// The Service port.
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
}

/// The JSON schema of the values, as published in `schemas/values.schema.json` (parsed once).
///
/// Runs read the committed file rather than generating it: generating costs a fifth of a typical
/// run. A test pins that the file equals [`generate_schema`], so the two cannot drift.
pub fn schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(PUBLISHED_SCHEMA).unwrap_or_else(|_| generate_schema())
    })
}

/// The schema object that describes the value at `path`, following `$ref`s and nullable `anyOf`s;
/// `None` for a value the schema does not describe.
pub fn schema_at(path: &Path) -> Option<&'static serde_json::Value> {
    let root = schema();
    let resolve = |mut n: &'static serde_json::Value| -> &'static serde_json::Value {
        for _ in 0..8 {
            if let Some(r) = n.get("$ref").and_then(|r| r.as_str()) {
                match root.pointer(r.trim_start_matches('#')) {
                    Some(t) => n = t,
                    None => break,
                }
            } else if let Some(branch) = n.get("anyOf").and_then(|a| a.as_array()).and_then(|a| {
                a.iter()
                    .find(|b| b.get("type").and_then(|t| t.as_str()) != Some("null"))
            }) {
                n = branch;
            } else {
                break;
            }
        }
        n
    };
    let mut node = resolve(root);
    for seg in &path.0 {
        node = match seg {
            Seg::Key(k) => resolve(node.get("properties")?.get(&**k)?),
            Seg::Index(_) => resolve(node.get("items")?),
        };
    }
    Some(node)
}

/// Whether this tool reads the value at `path`: the schema describes it, or it is an entry of a
/// map the schema describes entry by entry (the annotations).
pub fn reads(path: &Path) -> bool {
    if path.0.is_empty() {
        return false;
    }
    if schema_at(path).is_some() {
        return true;
    }
    let parent = Path(path.0[..path.0.len() - 1].to_vec());
    matches!(path.0.last(), Some(Seg::Key(_)))
        && schema_at(&parent)
            .and_then(|p| p.get("additionalProperties"))
            .is_some_and(|a| a.is_object())
}

/// The committed `schemas/values.schema.json`, embedded.
pub const PUBLISHED_SCHEMA: &str = include_str!("../schemas/values.schema.json");

/// The JSON schema generated from the model: the source of truth for the published file.
pub fn generate_schema() -> serde_json::Value {
    // draft-07: Helm 3 validates only draft-07, Helm 4 and editors accept it, and it compiles
    // in a quarter of the time of 2020-12 (which matters for a run of a few milliseconds)
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<Values>();
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    strip_null(&mut value);
    // annotation values may be null (a later values file clearing a key); a rule warns about them
    if let Some(ann) =
        value.pointer_mut("/definitions/Ingress/properties/annotations/additionalProperties")
    {
        *ann = serde_json::json!({ "type": ["string", "null"] });
    }
    value
}

/// `Option` fields are optional, not nullable: a `null` that survives Helm's merge is a mistake the
/// schema should name at its own path. schemars wraps optional types as `anyOf [T, null]` (which
/// hides the real error behind "does not match any") or `type: [T, "null"]`; both become `T`.
fn strip_null(v: &mut serde_json::Value) {
    use serde_json::Value as J;
    match v {
        J::Object(map) => {
            if let Some(J::Array(branches)) = map.get("anyOf") {
                let rest: Vec<J> = branches
                    .iter()
                    .filter(|b| b.get("type") != Some(&J::String("null".into())))
                    .cloned()
                    .collect();
                if rest.len() == 1 && rest.len() < branches.len() {
                    map.remove("anyOf");
                    if let J::Object(inner) = &rest[0] {
                        for (k, val) in inner {
                            map.entry(k.clone()).or_insert_with(|| val.clone());
                        }
                    }
                }
            }
            if let Some(J::Array(types)) = map.get("type") {
                let rest: Vec<J> = types.iter().filter(|t| *t != "null").cloned().collect();
                if rest.len() == 1 {
                    map.insert("type".into(), rest[0].clone());
                }
            }
            if map.get("default") == Some(&J::Null) {
                map.remove("default");
            }
            if let Some(J::Array(options)) = map.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            map.values_mut().for_each(strip_null);
        }
        J::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// The generated schema as the committed file holds it: pretty JSON with a final newline.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&generate_schema()).unwrap_or_default();
    s.push('\n');
    s
}
