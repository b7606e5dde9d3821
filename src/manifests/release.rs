//! A release's objects read back into the values that made them: what `post-render` checks and
//! renders from when it sees `helm template`/`helm install` output instead of values files. The
//! URL and edition come from the `<release>-airbyte-env` ConfigMap, the ports from the Services,
//! and the ingress block (class, annotations, hosts, TLS) from the chart's own Ingress when it is
//! on. Every value keeps the position of the object field it was read from, so a finding points at
//! the line of the stream.

use super::inventory::Inventory;
use super::{Object, str_of};
use crate::airbyte::{self, Backend, ChartVersion, ServiceKind};
use crate::values::{Map, Node, Origin, Value};

/// The annotation Helm 4 puts on every object it hands a post-renderer: the template file it came
/// from (Helm groups the objects it gets back by it, and removes it).
pub const FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";

/// What the objects say of the release, as values.
#[derive(Debug)]
pub struct ReleaseValues {
    pub release: String,
    /// The namespace the objects name; `None` when they name none (chart 2.0.x).
    pub namespace: Option<String>,
    pub chart: Option<ChartVersion>,
    /// The values, origins in the stream (no chart defaults underneath yet).
    pub values: Node,
    /// The chart's own Ingress, by index into the objects.
    pub chart_ingress: Option<usize>,
    /// What was read and from where, for `-v`.
    pub inferred: Vec<(String, Origin)>,
}

/// Reads the values of the one Airbyte release in `objects`. The message of an `Err` says why
/// there is none to read.
pub fn release_values(objects: &[Object], inventory: &Inventory) -> Result<ReleaseValues, String> {
    let Some(release) = inventory.release() else {
        return Err(if inventory.releases.is_empty() {
            "no Airbyte release in the stream (no `<release>-airbyte-server-svc` Service, no `<release>-airbyte-env` ConfigMap): post-render reads what `helm template` or `helm install` renders for the Airbyte chart".to_string()
        } else {
            let names: Vec<String> = inventory
                .releases
                .iter()
                .map(|r| format!("`{}`", r.value))
                .collect();
            format!(
                "the stream holds several Airbyte releases ({}): post-render reads one release's render",
                names.join(", ")
            )
        });
    };
    let name = release.value.clone();
    let mut inferred = vec![(
        format!("release `{name}` from {}", release.from),
        release.origin,
    )];
    let server = inventory.service(&airbyte::service_name(&name, Backend::Server), None);
    let namespace = server
        .and_then(|s| s.namespace.clone())
        .or_else(|| objects.iter().find_map(|o| o.namespace.clone()));
    if let (Some(ns), Some(s)) = (&namespace, server) {
        inferred.push((
            format!("namespace `{ns}` from Service {}", s.name),
            s.origin,
        ));
    }
    let chart = inventory.chart.as_ref().map(|c| {
        inferred.push((format!("chart {} from {}", c.value, c.from), c.origin));
        c.value
    });

    let mut root = Map::new();
    let mut global = Map::new();
    if let Some(env) = objects
        .iter()
        .find(|o| o.kind == "ConfigMap" && o.name == airbyte::env_config_map(&name))
    {
        for (key, field) in [
            ("airbyteUrl", "AIRBYTE_URL"),
            ("edition", "AIRBYTE_EDITION"),
        ] {
            if let Some(n) = env.at(&format!("data.{field}")) {
                global.insert(key.into(), n.clone());
                if let Some(v) = str_of(n) {
                    inferred.push((format!("global.{key} `{v}` from {}", env.label()), n.origin));
                }
            }
        }
    }
    // the Services' ports, as `<component>.service.port`
    for (key, backend) in [
        ("server", Backend::Server),
        ("connectorBuilderServer", Backend::ConnectorBuilder),
    ] {
        if let Some(s) = inventory.service(&airbyte::service_name(&name, backend), None)
            && let Some((_, port)) = s
                .ports
                .iter()
                .find(|(n, _)| n.as_deref() == Some("http"))
                .or_else(|| s.ports.first())
        {
            let at = s.origin;
            let port = Node::new(Value::Int(i64::from(*port)), at);
            root.insert(
                key.into(),
                map_node([("service", map_node([("port", port)], at))], at),
            );
        }
    }

    // the chart renders Keycloak's Service only with `keycloak.enabled` (and an edition that runs
    // it): the Service in the stream is what says Keycloak is on
    if let Some(s) = inventory.service(&airbyte::service_name(&name, Backend::Keycloak), None) {
        let on = Node::new(Value::Bool(true), s.origin);
        root.insert("keycloak".into(), map_node([("enabled", on)], s.origin));
        inferred.push((
            format!("keycloak.enabled from Service {}", s.name),
            s.origin,
        ));
    }

    let chart_ingress = objects.iter().position(|o| is_chart_ingress(o, &name));
    let mut ingress = Map::new();
    if let Some(i) = chart_ingress {
        let o = &objects[i];
        inferred.push((
            format!(
                "{} is the chart's Ingress (ingress.enabled: true)",
                o.label()
            ),
            o.origin(),
        ));
        ingress_values(o, &name, &mut ingress, &mut root);
    }
    let origin = objects.first().map_or(Origin::Default, Object::origin);
    if !global.is_empty() {
        root.insert("global".into(), Node::new(Value::Map(global), origin));
    }
    if !ingress.is_empty() {
        root.insert("ingress".into(), Node::new(Value::Map(ingress), origin));
    }
    Ok(ReleaseValues {
        release: name,
        namespace,
        chart,
        values: Node::new(Value::Map(root), origin),
        chart_ingress,
        inferred,
    })
}

/// The template Helm files the target's objects under: the chart's Ingress's own, or the ingress
/// template beside the Airbyte chart's other templates (`airbyte/templates/ingress.yaml`, or
/// `umbrella/charts/airbyte/templates/ingress.yaml`), as Helm 4's filename annotation names them.
pub fn ingress_template(objects: &[Object], release: &str, ingress: Option<usize>) -> String {
    let file_of = |o: &Object| o.annotations().get(FILENAME_ANNOTATION).cloned();
    if let Some(name) = ingress.and_then(|i| file_of(&objects[i])) {
        return name;
    }
    objects
        .iter()
        .filter(|o| o.name.starts_with(release) && o.name.contains("-airbyte-"))
        .filter_map(file_of)
        .find_map(|f| {
            f.find("templates/")
                .map(|i| format!("{}templates/ingress.yaml", &f[..i]))
        })
        .unwrap_or_else(|| "airbyte/templates/ingress.yaml".to_string())
}

/// The Ingress the Airbyte chart renders for `release`: its `helm.sh/chart` label says the chart,
/// and its routes go to the release's Services.
pub fn is_chart_ingress(o: &Object, release: &str) -> bool {
    o.kind == "Ingress"
        && o.api_version == "networking.k8s.io/v1"
        && o.labels()
            .get("helm.sh/chart")
            .is_some_and(|c| airbyte::chart_label_version(c).is_some())
        && o.labels()
            .get("app.kubernetes.io/instance")
            .is_none_or(|i| i == release)
}

fn map_node<const N: usize>(entries: [(&str, Node); N], origin: Origin) -> Node {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.into(), v);
    }
    Node::new(Value::Map(m), origin)
}

/// The chart's Ingress as the `ingress:` block that rendered it, and its name as
/// `fullnameOverride` (the objects a target renders take the same name).
fn ingress_values(o: &Object, release: &str, ingress: &mut Map, root: &mut Map) {
    let at = o.origin();
    ingress.insert("enabled".into(), Node::new(Value::Bool(true), at));
    if let Some(n) = o.at("metadata.name") {
        root.insert("fullnameOverride".into(), n.clone());
    }
    if let Some(class) = o.at("spec.ingressClassName") {
        ingress.insert("className".into(), class.clone());
    }
    if let Some(Node {
        value: Value::Map(a),
        origin,
        ..
    }) = o.at("metadata.annotations")
    {
        let kept: Vec<(String, Node)> = a
            .iter()
            .filter(|(k, _)| k.as_str() != FILENAME_ANNOTATION)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Ok(m) = Map::from_entries(kept) {
            ingress.insert("annotations".into(), Node::new(Value::Map(m), *origin));
        }
    }
    if let Some(Node {
        value: Value::Seq(rules),
        origin,
        ..
    }) = o.at("spec.rules")
    {
        let hosts: Vec<Node> = rules.iter().map(|r| host_values(r, release)).collect();
        ingress.insert("hosts".into(), Node::new(Value::Seq(hosts), *origin));
    }
    if let Some(tls) = o.at("spec.tls") {
        ingress.insert("tls".into(), tls.clone());
    }
}

/// One rule as `{host, paths: [{path, pathType, backend}]}`, the backend named as the chart's
/// values name it (`server`, `connector-builder-server`) when it is the release's Service.
fn host_values(rule: &Node, release: &str) -> Node {
    let mut h = Map::new();
    let get = |n: &Node, k: &str| n.as_map().and_then(|m| m.get(k)).cloned();
    if let Some(host) = get(rule, "host") {
        h.insert("host".into(), host);
    }
    let paths = rule
        .as_map()
        .and_then(|m| m.get("http"))
        .and_then(|http| http.as_map())
        .and_then(|m| m.get("paths"));
    if let Some(Node {
        value: Value::Seq(items),
        origin,
        ..
    }) = paths
    {
        let mut out = Vec::new();
        for p in items {
            let mut m = Map::new();
            for k in ["path", "pathType"] {
                if let Some(v) = get(p, k) {
                    m.insert(k.into(), v);
                }
            }
            let service = p
                .as_map()
                .and_then(|m| m.get("backend"))
                .and_then(|b| b.as_map())
                .and_then(|b| b.get("service"))
                .and_then(|s| s.as_map())
                .and_then(|s| s.get("name"));
            if let Some(svc) = service {
                let name = str_of(svc).unwrap_or("");
                // as the values name a backend: `server`, `connector-builder-server`
                let backend = match airbyte::read_service_name(name) {
                    Some((r, ServiceKind::Current(Backend::Server))) if r == release => "server",
                    Some((r, ServiceKind::Current(Backend::ConnectorBuilder))) if r == release => {
                        "connector-builder-server"
                    }
                    _ => name,
                };
                m.insert(
                    "backend".into(),
                    Node::new(Value::Str(backend.to_string()), svc.origin),
                );
            }
            out.push(Node::new(Value::Map(m), p.origin));
        }
        h.insert("paths".into(), Node::new(Value::Seq(out), *origin));
    }
    Node::new(Value::Map(h), rule.origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Object>, crate::values::Sources) {
        let mut sources = crate::values::Sources::default();
        let mut bytes = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
        let (objects, _) =
            super::super::read(&["-".into()], &mut sources, &Default::default(), &mut bytes)
                .unwrap();
        (objects, sources)
    }

    const STREAM: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-airbyte-server-svc\n  namespace: data\n  labels:\n    helm.sh/chart: airbyte-2.2.0\nspec:\n  ports:\n    - name: http\n      port: 9001\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-airbyte-env\n  namespace: data\ndata:\n  AIRBYTE_URL: \"https://airbyte.corp.example\"\n  AIRBYTE_EDITION: \"community\"\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: prod-airbyte\n  namespace: data\n  labels:\n    helm.sh/chart: airbyte-2.2.0\n    app.kubernetes.io/instance: prod\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 16m\n    postrenderer.helm.sh/postrender-filename: 'airbyte/templates/ingress.yaml'\nspec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [airbyte.corp.example]\n      secretName: corp-tls\n  rules:\n    - host: airbyte.corp.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: prod-airbyte-server-svc\n                port:\n                  name: http\n";

    #[test]
    fn a_release_render_reads_back_into_its_values() {
        let (objects, sources) = read(STREAM);
        let inv = super::super::inventory::inventory(&objects);
        let r = release_values(&objects, &inv).unwrap();
        assert_eq!(r.release, "prod");
        assert_eq!(r.namespace.as_deref(), Some("data"));
        assert_eq!(r.chart, Some(ChartVersion::new(2, 2, 0)));
        assert_eq!(r.chart_ingress, Some(2));
        let json = r.values.to_json();
        assert_eq!(
            json,
            serde_json::json!({
                "fullnameOverride": "prod-airbyte",
                "global": {"airbyteUrl": "https://airbyte.corp.example", "edition": "community"},
                "server": {"service": {"port": 9001}},
                "ingress": {
                    "enabled": true,
                    "className": "nginx",
                    "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "16m"},
                    "tls": [{"hosts": ["airbyte.corp.example"], "secretName": "corp-tls"}],
                    "hosts": [{"host": "airbyte.corp.example", "paths": [{"path": "/", "pathType": "Prefix", "backend": "server"}]}],
                },
            })
        );
        // every value points at the field of the stream it was read from
        let at =
            |p: &str| sources.describe(r.values.at(&crate::values::Path::parse(p)).unwrap().origin);
        assert_eq!(at("global.airbyteUrl"), "<stdin>:19:16");
        assert_eq!(at("ingress.hosts[0].host"), "<stdin>:39:13");
        assert_eq!(at("ingress.hosts[0].paths[0].backend"), "<stdin>:46:23");
    }

    #[test]
    fn the_target_s_objects_are_filed_beside_the_chart_s_templates() {
        let (objects, _) = read(&STREAM.replace("templates/ingress.yaml", "templates/all.yaml"));
        assert_eq!(
            ingress_template(&objects, "prod", Some(2)),
            "airbyte/templates/all.yaml",
            "the chart's Ingress names its own template"
        );
        let umbrella = "apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-airbyte-server-svc\n  annotations:\n    postrenderer.helm.sh/postrender-filename: platform/charts/airbyte/templates/airbyte-server/service.yaml\n";
        let (objects, _) = read(umbrella);
        assert_eq!(
            ingress_template(&objects, "prod", None),
            "platform/charts/airbyte/templates/ingress.yaml"
        );
        let (objects, _) =
            read("apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-airbyte-server-svc\n");
        assert_eq!(
            ingress_template(&objects, "prod", None),
            "airbyte/templates/ingress.yaml"
        );
    }

    #[test]
    fn no_release_or_several_is_said_plainly() {
        let (objects, _) = read("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
        let inv = super::super::inventory::inventory(&objects);
        let e = release_values(&objects, &inv).unwrap_err();
        assert!(e.contains("no Airbyte release"), "{e}");
        let two = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a-airbyte-server-svc\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b-airbyte-server-svc\n";
        let (objects, _) = read(two);
        let inv = super::super::inventory::inventory(&objects);
        let e = release_values(&objects, &inv).unwrap_err();
        assert!(e.contains("`a`, `b`"), "{e}");
    }
}
