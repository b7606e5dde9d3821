//! What a `-f` file is (plain values, or a GitOps/IaC wrapper around them), and the Airbyte
//! releases a wrapper defines: chart, version, release name and namespace as the wrapping tool
//! derives them, and the values as layers in that tool's merge order, each at its own line.

use std::path::{Path as FsPath, PathBuf};

use super::unknown::Unknowns;
use super::{ReadFn, read_named};
use crate::source::{
    Document, Duplicate, InputError, InputErrorKind, Limits, Node, Origin, SetKind, SourceFile,
    Sources, Value, parse_document, parse_stream,
};

/// What kind of file a `-f` argument is (`--input-kind` forces one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::VariantArray, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum FileKind {
    /// A Helm values file.
    Values,
    /// Argo CD Applications and ApplicationSets.
    Argocd,
    /// Flux HelmReleases (with the ConfigMaps and Secrets their `valuesFrom` name).
    Flux,
    /// A `kustomization.yaml` with `helmCharts`.
    Kustomize,
    /// A `helmfile.yaml`.
    Helmfile,
    /// Terraform `helm_release` resources (`.tf`).
    Terraform,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn all() -> &'static [FileKind] {
        <FileKind as strum::VariantArray>::VARIANTS
    }
}

/// What defined a release: the `kind` of a JSON report's `inputs` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum InputKind {
    Values,
    /// Routes read back into values (`render -m`).
    Manifests,
    ArgocdApplication,
    ArgocdApplicationset,
    FluxHelmrelease,
    KustomizeHelmchart,
    HelmfileRelease,
    TerraformHelmRelease,
}

impl InputKind {
    pub fn name(self) -> &'static str {
        match self {
            InputKind::ArgocdApplicationset => "argocd-applicationset",
            InputKind::FluxHelmrelease => "flux-helmrelease",
            InputKind::KustomizeHelmchart => "kustomize-helmchart",
            other => other.into(),
        }
    }
}

/// A fact about the release with where it was read and what it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known<T> {
    pub value: T,
    /// The field it came from, as the wrapper's documentation names it (`spec.releaseName`).
    pub from: String,
    pub origin: Origin,
}

impl<T> Known<T> {
    pub fn new(value: T, from: impl Into<String>, origin: Origin) -> Known<T> {
        Known {
            value,
            from: from.into(),
            origin,
        }
    }
}

/// One step of a release's values, in merge order.
#[derive(Clone, Debug)]
pub enum Layer {
    /// A values document (a file, an embedded block, an object of the wrapper), merged over the
    /// layers before it as Helm merges `-f` files.
    Tree {
        root: Node,
        /// Where it was read (a `file:line` of `values_from`).
        from: Origin,
        /// How many YAML documents it merged.
        documents: usize,
        duplicates: Vec<Duplicate>,
        /// Kustomize `valuesMerge: merge` with the chart's own values file: the chart's
        /// defaults win over this layer.
        under_defaults: bool,
    },
    /// A `--set`-style assignment the wrapper makes (Argo CD `parameters`, Terraform `set`,
    /// helmfile `set`), applied after every tree by kind as Helm applies its flags.
    Set {
        kind: SetKind,
        text: String,
        origin: Origin,
    },
    /// Values that could not be read (a [`Release::unread`] note says why): what they set is
    /// unknown, so findings about what comes before them in the merge are not assessed.
    Unread { origin: Origin },
    /// An assignment applied in sequence, over the layers before it (Flux `valuesFrom` with a
    /// `targetPath`, Terraform's `set` after its `values`: the tool applies them itself, not as
    /// Helm flags).
    SetNow {
        kind: SetKind,
        text: String,
        origin: Origin,
    },
}

impl Layer {
    pub fn tree(doc: Document, from: Origin) -> Layer {
        Layer::Tree {
            root: doc.root,
            from,
            documents: doc.documents,
            duplicates: doc.duplicates,
            under_defaults: false,
        }
    }

    /// Where the layer was read.
    /// A values tree built in memory (from manifests read back), read as one document.
    pub fn tree_of(root: Node, from: Origin) -> Layer {
        Layer::Tree {
            root,
            from,
            documents: 1,
            duplicates: Vec::new(),
            under_defaults: false,
        }
    }

    pub fn origin(&self) -> Origin {
        match self {
            Layer::Tree { from, .. } => *from,
            Layer::Set { origin, .. } | Layer::SetNow { origin, .. } | Layer::Unread { origin } => {
                *origin
            }
        }
    }
}

/// What a release's reading could not resolve or wants said: infos and warnings of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub severity: NoteSeverity,
    pub origin: Origin,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteSeverity {
    /// Something the tool cannot assess (a file in another repository, a templated field).
    CannotAssess,
    /// Something the wrapping tool ignores or does differently from what it looks like.
    Ignored,
}

/// One Airbyte release a file defines.
#[derive(Clone, Debug)]
pub struct Release {
    pub kind: InputKind,
    /// The file that defines it, as shown.
    pub file: String,
    /// Where it is defined (the document or block).
    pub at: Origin,
    /// `None` when the wrapper leaves it to chance (Kustomize without `releaseName`).
    pub name: Option<Known<String>>,
    pub namespace: Option<Known<String>>,
    /// The chart as written (`airbyte`, `airbyte/airbyte`, `oci://.../airbyte`).
    pub chart: Known<String>,
    /// The chart version as written (exact, or a range).
    pub version: Option<Known<String>>,
    /// The values are an umbrella chart's: Airbyte's are under this key.
    pub subchart: Option<String>,
    pub layers: Vec<Layer>,
    pub unknowns: Unknowns,
    pub notes: Vec<Note>,
}

impl Release {
    pub fn new(kind: InputKind, file: &str, at: Origin, chart: Known<String>) -> Release {
        Release {
            kind,
            file: file.to_string(),
            at,
            name: None,
            namespace: None,
            chart,
            version: None,
            subchart: None,
            layers: Vec::new(),
            unknowns: Unknowns::default(),
            notes: Vec::new(),
        }
    }

    pub fn cannot_assess(&mut self, origin: Origin, message: impl Into<String>) {
        self.notes.push(Note {
            severity: NoteSeverity::CannotAssess,
            origin,
            message: message.into(),
        });
    }

    /// Values this release has that cannot be read here (a file in another repository, a
    /// reference to an object that is not given, a template): said, and kept in the merge order,
    /// so that what they might set is not judged.
    pub fn unread(&mut self, origin: Origin, message: impl Into<String>) {
        self.cannot_assess(origin, message);
        self.layers.push(Layer::Unread { origin });
    }

    pub fn ignored(&mut self, origin: Origin, message: impl Into<String>) {
        self.notes.push(Note {
            severity: NoteSeverity::Ignored,
            origin,
            message: message.into(),
        });
    }
}

/// A release of another chart in the file, skipped (said under `-v`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub what: String,
    pub origin: Origin,
}

/// What a wrapper file holds.
#[derive(Clone, Debug)]
pub struct Wrapped {
    pub kind: FileKind,
    pub releases: Vec<Release>,
    pub skipped: Vec<Skipped>,
}

/// What the wrapper readers need besides the file: how to read the files it names, the limits,
/// and what the user told about other repositories and Terraform variables.
pub struct Ctx<'r> {
    pub read: ReadFn<'r>,
    pub limits: Limits,
    /// `--repo-root NAME=DIR`: where another repository (by Argo CD `ref` name or repository
    /// URL) is checked out.
    pub repo_roots: Vec<(String, PathBuf)>,
    /// `--tf-var NAME=VALUE`, in order.
    pub tf_vars: Vec<String>,
    /// `--tf-vars FILE`, in order.
    pub tf_var_files: Vec<String>,
    /// Kubernetes objects of the other files given (the ConfigMaps and Secrets a Flux
    /// HelmRelease's `valuesFrom` names, its OCIRepository).
    pub objects: Vec<super::manifests::Object>,
    /// The files read so far, by the path they were read with, and their index in the sources.
    read_files: Vec<(String, u32)>,
}

impl<'r> Ctx<'r> {
    pub fn new(read: ReadFn<'r>, limits: Limits) -> Ctx<'r> {
        Ctx {
            read,
            limits,
            repo_roots: Vec::new(),
            tf_vars: Vec::new(),
            tf_var_files: Vec::new(),
            objects: Vec::new(),
            read_files: Vec::new(),
        }
    }

    /// Reads a file the wrapper names (once, however many releases name it) into the sources;
    /// gives its index and text. A missing file is an error at `at`, naming the path it looked
    /// for.
    pub fn read_file(
        &mut self,
        path: &str,
        sources: &mut Sources,
        at: Origin,
        what: &str,
    ) -> Result<(u32, String), InputError> {
        if let Some((_, id)) = self.read_files.iter().find(|(p, _)| p == path) {
            let id = *id;
            return Ok((id, sources.files[id as usize].text.clone()));
        }
        let (shown, bytes) =
            read_named(path, self.limits.max_file_bytes, self.read).map_err(|e| {
                let mut e = error_at(
                    sources,
                    at,
                    e.kind,
                    format!("{what} `{path}`: {}", e.message),
                );
                if e.kind == InputErrorKind::Unreadable {
                    e.message
                        .push_str(" (paths are relative to the file that names them)");
                }
                e
            })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            error_at(
                sources,
                at,
                InputErrorKind::Syntax,
                format!("{what} `{path}` is not UTF-8 text"),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        let id = sources.files.len() as u32;
        sources.files.push(SourceFile::new(shown, text.clone()));
        self.read_files.push((path.to_string(), id));
        Ok((id, text))
    }

    /// Reads and parses a values file the wrapper names, as a layer.
    pub fn values_file(
        &mut self,
        path: &str,
        sources: &mut Sources,
        at: Origin,
        what: &str,
    ) -> Result<Layer, InputError> {
        let (id, text) = self.read_file(path, sources, at, what)?;
        let shown = sources.files[id as usize].name.clone();
        if path.ends_with(".gotmpl") {
            return Err(templated(&shown, "a helmfile template (`.gotmpl`)"));
        }
        let doc = parse_document(text.as_bytes(), &shown, id, &self.limits)?;
        Ok(Layer::tree(
            doc,
            Origin::File {
                file: id,
                line: 1,
                column: 1,
            },
        ))
    }
}

/// An input error at an origin in the sources.
pub fn error_at(
    sources: &Sources,
    at: Origin,
    kind: InputErrorKind,
    message: impl Into<String>,
) -> InputError {
    match at {
        Origin::File { file, line, column } => InputError::new(
            kind,
            sources
                .files
                .get(file as usize)
                .map_or_else(|| "?".to_string(), |f| f.name.clone()),
            message,
        )
        .at(Some(line), Some(column)),
        other => InputError::new(kind, sources.describe(other), message),
    }
}

/// The error for a templated file: what it is and what to do instead.
pub fn templated(shown: &str, what: &str) -> InputError {
    InputError::new(
        InputErrorKind::Templated,
        shown,
        format!(
            "{what}: templated, so its values are not known until it is rendered; render it first (`helm template`, `helmfile template`, `kustomize build --enable-helm`, `pulumi preview`) and check the output with `validate -m -` or `post-render`"
        ),
    )
}

/// A path a wrapper names, relative to the wrapper's folder (standard input: the working folder).
pub fn relative_to(wrapper: &str, path: &str) -> String {
    if FsPath::new(path).is_absolute() || wrapper == "-" {
        return path.to_string();
    }
    let dir = FsPath::new(wrapper).parent().unwrap_or(FsPath::new(""));
    let joined = dir.join(path);
    normalize(&joined)
}

/// `a/./b/../c` as `a/c`, without touching the file system (so messages name a plain path).
pub fn normalize(p: &FsPath) -> String {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    let path: PathBuf = out.iter().collect();
    let s = path.display().to_string();
    if s.is_empty() { ".".into() } else { s }
}

/// The kind of a `-f` file, from its name and content. Cheap: it looks at top-level keys only;
/// the reader of that kind then parses the file.
pub fn detect(name: &str, text: &str) -> Result<FileKind, InputError> {
    let shown = super::shown_name(name);
    let base = FsPath::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    if base.ends_with(".tf") {
        return Ok(FileKind::Terraform);
    }
    // `helmfile.yaml.gotmpl`, the name helmfile v1 renders as a template, is read as a helmfile
    // (its actions inside values are unknowns); any other `.gotmpl` is a template of values
    if base.ends_with(".gotmpl") && !base.starts_with("helmfile") {
        return Err(templated(&shown, "a helmfile template (`.gotmpl`)"));
    }
    let mut keys: Vec<&str> = Vec::new();
    let mut api_versions: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    // only lines that start a top-level key count: a values file of thousands of indented lines
    // is skipped a line at a time by its first byte, lines found with SIMD
    let bytes = text.as_bytes();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        let from = start;
        start = end + 1;
        match bytes.get(from) {
            None | Some(b' ' | b'\t' | b'#' | b'-' | b'\n' | b'\r') => continue,
            Some(_) => {}
        }
        // `from` follows a newline (or starts the text) and `end` is a newline or the end: both
        // are char boundaries
        let line = &text[from..end.max(from)];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = rest
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        match key {
            "apiVersion" => api_versions.push(value),
            "kind" => kinds.push(value),
            _ => {}
        }
        keys.push(key);
    }
    let has = |k: &str| keys.contains(&k);
    let pair = |group: &str, kind: &str| {
        api_versions.iter().any(|a| a.starts_with(group)) && kinds.contains(&kind)
    };
    if pair("argoproj.io/", "Application") || pair("argoproj.io/", "ApplicationSet") {
        return Ok(FileKind::Argocd);
    }
    if pair("helm.toolkit.fluxcd.io/", "HelmRelease") {
        return Ok(FileKind::Flux);
    }
    if pair("kustomize.config.k8s.io/", "Kustomization")
        || matches!(
            base,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        )
        || (has("helmCharts") && !has("apiVersion"))
    {
        return Ok(FileKind::Kustomize);
    }
    if has("releases") && !has("apiVersion") {
        return Ok(FileKind::Helmfile);
    }
    if (base.starts_with("Pulumi.") || (has("runtime") && has("name"))) && !has("global") {
        return Err(templated(&shown, "a Pulumi project"));
    }
    if has("apiVersion") && has("kind") {
        let kind = kinds.first().copied().unwrap_or("");
        let hint = match (kind, api_versions.first().copied().unwrap_or("")) {
            ("Kustomization", a) if a.starts_with("kustomize.toolkit.fluxcd.io") => {
                ": a Flux Kustomization applies a folder; pass the HelmRelease file with `-f`, or the folder's manifests with `-m`"
            }
            _ => ": check Kubernetes objects with `-m FILE`",
        };
        return Err(InputError::new(
            InputErrorKind::Invalid,
            shown,
            format!(
                "a Kubernetes manifest (`{}`), not Helm values or a wrapper this tool reads (Argo CD Application, Flux HelmRelease, kustomization, helmfile, Terraform){hint}",
                if kind.is_empty() { "?" } else { kind }
            ),
        ));
    }
    Ok(FileKind::Values)
}

/// Reads a wrapper file of `kind` (already read into the sources as `file`) into its releases.
pub fn read(
    kind: FileKind,
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
) -> Result<Wrapped, InputError> {
    let text = sources.files[file as usize].text.clone();
    let shown = sources.files[file as usize].name.clone();
    let yaml_docs = |sources: &Sources| -> Result<Vec<Node>, InputError> {
        let _ = sources;
        Ok(parse_stream(text.as_bytes(), &shown, file, &ctx_limits(ctx))?.docs)
    };
    let (releases, skipped) = match kind {
        FileKind::Values => (Vec::new(), Vec::new()),
        FileKind::Argocd => {
            let docs = yaml_docs(sources)?;
            super::argocd::read(&docs, file, sources, ctx)?
        }
        FileKind::Flux => {
            let docs = yaml_docs(sources)?;
            super::flux::read(&docs, file, sources, ctx)?
        }
        FileKind::Kustomize => {
            let docs = yaml_docs(sources)?;
            super::kustomize::read(&docs, file, sources, ctx)?
        }
        FileKind::Helmfile => {
            // helmfile renders `{{ }}` before it reads the file (a `.gotmpl` file, or any helmfile
            // before v1): when every action sits inside a value, the file's shape is known and
            // each action is a value this tool cannot resolve; an action that shapes the YAML
            // (a `{{ range }}` of releases, a templated key) leaves nothing to read
            let actions = template_actions(&text);
            let shaped = || {
                templated(
                    &shown,
                    "a helmfile with template actions (`{{ }}`) outside its values",
                )
            };
            let mut docs = match yaml_docs(sources) {
                Ok(docs) => docs,
                Err(_) if actions > 0 => return Err(shaped()),
                Err(e) => return Err(e),
            };
            let mut unknowns = super::unknown::Unknowns::default();
            if actions > 0 {
                if docs
                    .iter()
                    .map(super::unknown::actions_in_values)
                    .sum::<usize>()
                    != actions
                {
                    return Err(shaped());
                }
                // helmfile v1 renders only `.gotmpl` files, or any with `HELMFILE_RENDER_YAML=true`
                // (read in its source, `desired_state_file_loader.go`)
                let hint = if shown.ends_with(".gotmpl") {
                    "a helmfile template expression, known only when helmfile renders the file"
                } else {
                    "a template expression in a helmfile not named `.gotmpl`: helmfile v1 renders it only with `HELMFILE_RENDER_YAML=true` and otherwise hands it to Helm as written; helmfile before v1 rendered it"
                };
                for d in &mut docs {
                    super::unknown::fill_tree(d, &mut unknowns, hint, true, &|_| None);
                }
            }
            super::helmfile::read(&docs, file, sources, ctx, &unknowns)?
        }
        FileKind::Terraform => super::terraform::read(file, sources, ctx)?,
    };
    Ok(Wrapped {
        kind,
        releases,
        skipped,
    })
}

fn ctx_limits(ctx: &Ctx<'_>) -> Limits {
    ctx.limits
}

/// Whether `text` holds a Go template action outside comments.
pub fn has_template_action(text: &str) -> bool {
    action_lines(text).next().is_some()
}

/// How many template actions (`{{`) `text` holds outside comment lines.
fn template_actions(text: &str) -> usize {
    action_lines(text).map(|l| l.matches("{{").count()).sum()
}

/// The lines of `text` that hold a template action and are not comments.
pub(crate) fn action_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("{{"))
}

/// The string at `node`, if it is one.
pub fn string(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// Whether a chart reference names Airbyte's chart (`airbyte`, `airbyte-v2`, `repo/airbyte`,
/// `oci://registry/airbytehq/airbyte`), and not its data-plane chart or another chart.
pub fn is_airbyte_chart(chart: &str) -> bool {
    let last = chart
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("");
    matches!(last, "airbyte" | "airbyte-v2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_their_top_level_keys() {
        let kind = |name: &str, text: &str| detect(name, text).map_err(|e| e.kind);
        assert_eq!(
            kind("v.yaml", "global:\n  airbyteUrl: x\n"),
            Ok(FileKind::Values)
        );
        assert_eq!(
            kind(
                "app.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
            ),
            Ok(FileKind::Argocd)
        );
        assert_eq!(
            kind(
                "hr.yaml",
                "---\napiVersion: v1\nkind: ConfigMap\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
            ),
            Ok(FileKind::Flux)
        );
        assert_eq!(
            kind("kustomization.yaml", "helmCharts: []\n"),
            Ok(FileKind::Kustomize)
        );
        assert_eq!(
            kind("helmfile.yaml", "repositories: []\nreleases:\n- name: a\n"),
            Ok(FileKind::Helmfile)
        );
        assert_eq!(
            kind("main.tf", "resource \"helm_release\" \"a\" {}\n"),
            Ok(FileKind::Terraform)
        );
        assert_eq!(
            kind("d.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            Err(InputErrorKind::Invalid)
        );
        assert_eq!(
            kind("helmfile.yaml.gotmpl", "releases: []\n"),
            Ok(FileKind::Helmfile)
        );
        assert_eq!(
            kind("values.yaml.gotmpl", "global: {}\n"),
            Err(InputErrorKind::Templated)
        );
        assert_eq!(
            kind("Pulumi.yaml", "name: x\nruntime: nodejs\n"),
            Err(InputErrorKind::Templated)
        );
        let e = detect(
            "k.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n",
        )
        .unwrap_err();
        assert!(e.message.contains("Flux Kustomization"), "{e}");
    }

    #[test]
    fn airbyte_charts_are_named_in_every_form() {
        for c in [
            "airbyte",
            "airbyte/airbyte",
            "oci://registry-1.docker.io/airbytehq/airbyte",
            "airbyte-v2",
        ] {
            assert!(is_airbyte_chart(c), "{c}");
        }
        for c in [
            "airbyte-data-plane",
            "grafana",
            "airbyte/airbyte-data-plane",
            "",
        ] {
            assert!(!is_airbyte_chart(c), "{c}");
        }
    }

    #[test]
    fn paths_are_relative_to_the_wrapper() {
        assert_eq!(
            relative_to("deploy/app.yaml", "values.yaml"),
            "deploy/values.yaml"
        );
        assert_eq!(relative_to("deploy/app.yaml", "../v/x.yaml"), "v/x.yaml");
        assert_eq!(relative_to("app.yaml", "./x.yaml"), "x.yaml");
        assert_eq!(relative_to("-", "x.yaml"), "x.yaml");
        assert_eq!(relative_to("a/b.tf", "/abs/v.yaml"), "/abs/v.yaml");
    }
}
