//! Kubernetes objects as people have them: hand-written manifests, `helm template` output,
//! `kubectl get -o yaml|json` Lists. Each object keeps the position of every value, so a finding
//! about it points at its file, line and column.

use super::{ReadFn, read_named};
use crate::source::{
    Duplicate, InputError, InputErrorKind, Limits, Node, Origin, Path, SourceFile, Sources, Value,
};

/// One Kubernetes object.
#[derive(Clone, Debug)]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The whole object, with positions.
    pub node: Node,
}

impl Object {
    /// `Ingress data/airbyte`, as messages name it.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }

    /// The value at `path` (`spec.rules[0].host`).
    pub fn at(&self, path: &str) -> Option<&Node> {
        self.node.at(&Path::parse(path))
    }

    /// The string at `path`.
    pub fn str_at(&self, path: &str) -> Option<&str> {
        str_of(self.at(path)?)
    }

    /// Where the object starts.
    pub fn origin(&self) -> Origin {
        self.node.origin
    }

    /// `metadata.annotations` (string values only) and `metadata.labels`.
    pub fn annotations(&self) -> std::collections::BTreeMap<String, String> {
        string_map(self.at("metadata.annotations"))
    }

    pub fn labels(&self) -> std::collections::BTreeMap<String, String> {
        string_map(self.at("metadata.labels"))
    }

    /// The API group of `apiVersion` (`networking.k8s.io`; empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }
}

/// A node's string, if it is one.
pub fn str_of(n: &Node) -> Option<&str> {
    match &n.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn string_map(n: Option<&Node>) -> std::collections::BTreeMap<String, String> {
    n.and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| str_of(v).map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The objects of the files named, in order: every document of every file, the items of a
/// `List` expanded. `read` gives a file's bytes (`-` is standard input); each file joins
/// `sources` so that positions can be shown.
pub fn read(
    names: &[String],
    sources: &mut Sources,
    limits: &Limits,
    read: ReadFn<'_>,
) -> Result<(Vec<Object>, Vec<Duplicate>), InputError> {
    let mut objects = Vec::new();
    let mut duplicates = Vec::new();
    for name in names {
        let (shown, bytes) = read_named(name, limits.max_file_bytes, read)?;
        read_bytes(
            &shown,
            &bytes,
            sources,
            limits,
            &mut objects,
            &mut duplicates,
        )?;
    }
    Ok((objects, duplicates))
}

/// The objects of one input already in memory (post-render's stream), as [`read`] reads a file
/// named `shown`, appended to `objects` and `duplicates`.
pub fn read_bytes(
    shown: &str,
    bytes: &[u8],
    sources: &mut Sources,
    limits: &Limits,
    objects: &mut Vec<Object>,
    duplicates: &mut Vec<Duplicate>,
) -> Result<(), InputError> {
    let file = sources.files.len() as u32;
    let stream = crate::source::parse_stream_keeping(bytes, shown, file, limits, &worth_a_tree)?;
    sources
        .files
        .push(SourceFile::new(shown.to_string(), stream.text));
    duplicates.extend(stream.duplicates);
    for doc in stream.docs {
        collect(doc, objects).map_err(|(origin, message)| {
            let (line, column) = match origin {
                Origin::File { line, column, .. } => (Some(line), Some(column)),
                _ => (None, None),
            };
            InputError::new(InputErrorKind::Invalid, shown.to_string(), message).at(line, column)
        })?;
    }
    Ok(())
}

/// Kinds no check reads (workloads, RBAC, storage): a whole Helm render is mostly these, and
/// their documents are only checked for being well formed, not built into trees.
const UNREAD_KINDS: [&str; 18] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "ServiceAccount",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "NetworkPolicy",
    "CustomResourceDefinition",
];

/// Whether a document is worth a tree: any whose top-level `kind:` is not one of
/// [`UNREAD_KINDS`] (a document whose kind cannot be seen on a line of its own is kept).
fn worth_a_tree(doc: &str) -> bool {
    let line = if doc.starts_with("kind:") {
        Some(0)
    } else {
        memchr::memmem::find(doc.as_bytes(), b"\nkind:").map(|at| at + 1)
    };
    let Some(at) = line else { return true };
    let rest = &doc[at + "kind:".len()..];
    let value = rest.split('\n').next().unwrap_or("").trim();
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    !UNREAD_KINDS.contains(&value)
}

/// The Kubernetes objects among documents (others are skipped): for the objects a wrapper's
/// neighbours hold.
pub fn objects_of(docs: Vec<Node>) -> Vec<Object> {
    let mut out = Vec::new();
    for d in docs {
        let _ = collect(d, &mut out);
    }
    out
}

/// One document's objects: the document itself, or the items of a List.
fn collect(doc: Node, out: &mut Vec<Object>) -> Result<(), (Origin, String)> {
    let origin = doc.origin;
    let Value::Map(m) = &doc.value else {
        return Err((
            origin,
            format!(
                "the document is a {}, not a Kubernetes object (`apiVersion`, `kind`, `metadata`)",
                doc.type_name()
            ),
        ));
    };
    let kind = m.get("kind").and_then(str_of).unwrap_or("");
    if kind == "List" || (kind.ends_with("List") && m.contains_key("items")) {
        if let Some(Node {
            value: Value::Seq(items),
            ..
        }) = m.get("items")
        {
            for item in items.clone() {
                collect(item, out)?;
            }
        }
        return Ok(());
    }
    let api_version = m.get("apiVersion").and_then(str_of).unwrap_or("");
    if kind.is_empty() || api_version.is_empty() {
        let hint = if m.contains_key("global") || m.contains_key("ingress") {
            ": it looks like Helm values (pass those with `-f`)"
        } else {
            ""
        };
        return Err((
            origin,
            format!("not a Kubernetes object: no `apiVersion` and `kind`{hint}"),
        ));
    }
    let meta = |key: &str| {
        m.get("metadata")
            .and_then(|md| md.as_map())
            .and_then(|md| md.get(key))
            .and_then(str_of)
            .map(str::to_string)
    };
    out.push(Object {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: meta("name").unwrap_or_default(),
        namespace: meta("namespace"),
        node: doc,
    });
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_unread_kinds_are_skimmed() {
        assert!(!worth_a_tree(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n"
        ));
        assert!(!worth_a_tree("kind: \"Role\"\n"));
        assert!(worth_a_tree("apiVersion: v1\nkind: Service\n"));
        assert!(worth_a_tree("apiVersion: v1\nkind: List\nitems: []\n"));
        // a kind that is not at the top level, or no kind at all: kept
        assert!(worth_a_tree("spec:\n  kind: Deployment\n"));
        assert!(worth_a_tree("global: {}\n"));
    }

    use super::*;

    fn objects(text: &str) -> Result<Vec<Object>, InputError> {
        let mut sources = Sources::default();
        let mut bytes = |_: &str, _: usize| Ok(text.as_bytes().to_vec());
        super::read(
            &["m.yaml".to_string()],
            &mut sources,
            &Limits::default(),
            &mut bytes,
        )
        .map(|(o, _)| o)
    }

    #[test]
    fn streams_lists_and_json_give_their_objects_with_positions() {
        let text = "---\n# Source: airbyte/templates/x.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: data\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata: {name: c}\n";
        let o = objects(text).unwrap();
        let got: Vec<String> = o.iter().map(Object::label).collect();
        assert_eq!(got, ["Service data/a", "ConfigMap b", "Ingress c"]);
        assert_eq!(
            o[1].origin(),
            Origin::File {
                file: 0,
                line: 12,
                column: 3
            }
        );
        assert_eq!(o[2].group(), "networking.k8s.io");
        let json = r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}]}"#;
        assert_eq!(objects(json).unwrap()[0].name, "s");
    }

    #[test]
    fn what_is_not_an_object_is_refused_with_its_place() {
        let e = objects("global:\n  airbyteUrl: https://a.example\n").unwrap_err();
        assert_eq!(e.location(), "m.yaml:1:1");
        assert!(e.message.contains("pass those with `-f`"), "{}", e.message);
        let e = objects("apiVersion: v1\nkind: Service\n---\n- a\n").unwrap_err();
        assert!(e.message.contains("is a list"), "{}", e.message);
    }
}
