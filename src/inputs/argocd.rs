//! Argo CD Applications and ApplicationSets. Checked against Argo CD's repo-server
//! (`reposerver/repository/repository.go` `helmTemplate`, `util/helm/cmd.go`,
//! `pkg/apis/application/v1alpha1/values.go`):
//! - release name: `helm.releaseName`, else the Application's `metadata.name`; namespace:
//!   `helm.namespace`, else `spec.destination.namespace`;
//! - `helm template` gets `--values` for each of `helm.valueFiles` (relative to the source's
//!   `path`; `$ref/...` relative to the root of the source whose `ref` is `ref`), then one more
//!   `--values` with `valuesObject` when it is set, else `values` (never both: `valuesObject`
//!   replaces `values`), then `--set`/`--set-string` per `parameters` (`forceString`), with commas
//!   escaped unless the value is `{...}`, and `--set-file` per `fileParameters`;
//! - an ApplicationSet's template is an Application whose `{{ }}` fields are known only when its
//!   generators run.

use std::path::PathBuf;

use super::embed;
use super::git;
use super::wrapper::{Ctx, InputKind, Known, Layer, Release, Skipped, error_at, string};
use crate::source::{InputError, InputErrorKind, Node, Origin, Path, SetKind, Sources, Value};

fn at<'a>(n: &'a Node, path: &str) -> Option<&'a Node> {
    n.at(&Path::parse(path))
}

fn str_at<'a>(n: &'a Node, path: &str) -> Option<&'a str> {
    at(n, path).and_then(string)
}

/// The releases of Airbyte's chart among `docs` (the documents of the file `file`).
pub fn read(
    docs: &[Node],
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
) -> Result<(Vec<Release>, Vec<Skipped>), InputError> {
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    let wrapper = sources.files[file as usize].name.clone();
    let checkout = git::checkout_of(if wrapper == "<stdin>" { "-" } else { &wrapper });
    for doc in docs {
        let api = str_at(doc, "apiVersion").unwrap_or("");
        let kind = str_at(doc, "kind").unwrap_or("");
        if !api.starts_with("argoproj.io/") {
            continue;
        }
        let instances: Vec<Instance<'_>> = match kind {
            "Application" => vec![(InputKind::ArgocdApplication, doc.clone(), None, None)],
            "ApplicationSet" => {
                let Some(template) = at(doc, "spec.template") else {
                    continue;
                };
                // one Application per element of list generators written out in the file;
                // any other generator's parameters are known only when it runs
                let params: Vec<Option<Params>> = match list_elements(doc) {
                    Some(p) if !p.is_empty() => p.into_iter().map(Some).collect(),
                    _ => vec![None],
                };
                params
                    .into_iter()
                    .map(|p| {
                        let mut unknowns = super::unknown::Unknowns::default();
                        let mut t = template.clone();
                        fill_tree(&mut t, p.as_ref(), &mut unknowns);
                        (InputKind::ArgocdApplicationset, t, Some((unknowns, doc)), p)
                    })
                    .collect()
            }
            _ => continue,
        };
        for (input_kind, app, templated, params) in instances {
            let name_node = at(&app, "metadata.name").cloned();
            let sources_list: Vec<Node> = match at(&app, "spec.sources") {
                Some(Node {
                    value: Value::Seq(items),
                    ..
                }) => items.clone(),
                _ => at(&app, "spec.source").cloned().into_iter().collect(),
            };
            let refs: Vec<(String, Node)> = sources_list
                .iter()
                .filter_map(|s| str_at(s, "ref").map(|r| (r.to_string(), s.clone())))
                .collect();
            for src in &sources_list {
                let Some(found) = chart_of(src, checkout.as_ref(), ctx, sources) else {
                    if let Some(c) = str_at(src, "chart").or_else(|| str_at(src, "path")) {
                        skipped.push(Skipped {
                            what: format!("{kind} source `{c}` (not Airbyte's chart)"),
                            origin: src.origin,
                        });
                    }
                    continue;
                };
                // a generated Application is where its list element is written
                let origin = params.as_ref().map_or(doc.origin, |p| p.element.origin);
                let mut rel = Release::new(input_kind, &wrapper, origin, found.chart.clone());
                rel.version = found.version.clone();
                rel.subchart = found.subchart.clone();
                if let Some((u, _)) = &templated {
                    rel.unknowns.extend(u.clone());
                }
                let helm = at(src, "helm");
                // release name and namespace, as the repo-server derives them
                rel.name = match helm.and_then(|h| at(h, "releaseName")) {
                    Some(n) if string(n).is_some_and(|s| !s.is_empty()) => Some(Known::new(
                        string(n).unwrap_or_default().to_string(),
                        "spec.source.helm.releaseName",
                        n.origin,
                    )),
                    _ => name_node.as_ref().and_then(|n| {
                        string(n).map(|s| {
                            // an Application in another namespace may be named `ns_name` internally;
                            // the release is named after the name part
                            let s = s.rsplit('_').next().unwrap_or(s);
                            Known::new(s.to_string(), "metadata.name", n.origin)
                        })
                    }),
                };
                rel.namespace = match helm.and_then(|h| at(h, "namespace")) {
                    Some(n) if string(n).is_some_and(|s| !s.is_empty()) => Some(Known::new(
                        string(n).unwrap_or_default().to_string(),
                        "spec.source.helm.namespace",
                        n.origin,
                    )),
                    _ => match at(&app, "spec.destination.namespace") {
                        Some(n) if string(n).is_some_and(|s| !s.is_empty()) => Some(Known::new(
                            string(n).unwrap_or_default().to_string(),
                            "spec.destination.namespace",
                            n.origin,
                        )),
                        _ => Some(Known::new(
                            "default".to_string(),
                            "Helm's default (the Application names no `spec.destination.namespace`)",
                            doc.origin,
                        )),
                    },
                };
                if let Some(h) = helm {
                    let env = Env {
                        app_name: rel.name.as_ref().map(|n| n.value.clone()),
                        app_namespace: rel.namespace.as_ref().map(|n| n.value.clone()),
                    };
                    read_helm(
                        h,
                        src,
                        &refs,
                        &found,
                        &env,
                        checkout.as_ref(),
                        file,
                        sources,
                        ctx,
                        &mut rel,
                        params.as_ref(),
                    )?;
                }
                if let Some((_, set_doc)) = &templated
                    && let Some(p) = at(set_doc, "spec.templatePatch")
                {
                    rel.unread(
                    p.origin,
                    "`spec.templatePatch` changes the template per generated Application; the values it patches in are not assessed",
                );
                }
                releases.push(rel);
            }
        }
    }
    // one note per source, not one per generated Application
    let mut kept: Vec<Skipped> = Vec::with_capacity(skipped.len());
    for s in skipped {
        if !kept
            .iter()
            .any(|k| k.what == s.what && k.origin == s.origin)
        {
            kept.push(s);
        }
    }
    let skipped = kept;
    Ok((releases, skipped))
}

/// What a source says of its chart.
struct Found {
    chart: Known<String>,
    version: Option<Known<String>>,
    subchart: Option<String>,
    /// A Git source's chart folder, when it is readable here.
    folder: Option<PathBuf>,
}

/// The Airbyte chart of a source: a Helm repository or OCI source with `chart: airbyte`, or a
/// Git source whose `path` holds Airbyte's chart or an umbrella chart that depends on it.
fn chart_of(
    src: &Node,
    checkout: Option<&git::Checkout>,
    ctx: &mut Ctx<'_>,
    sources: &mut Sources,
) -> Option<Found> {
    if let Some(c) = at(src, "chart") {
        let name = string(c)?;
        if !super::wrapper::is_airbyte_chart(name) {
            return None;
        }
        let version = at(src, "targetRevision")
            .and_then(|v| string(v).map(|s| Known::new(s.to_string(), "targetRevision", v.origin)));
        return Some(Found {
            chart: Known::new(name.to_string(), "chart", c.origin),
            version,
            subchart: None,
            folder: None,
        });
    }
    let path = at(src, "path")?;
    let folder = repo_root(str_at(src, "repoURL")?, None, checkout, ctx)?.join(string(path)?);
    let chart_yaml = folder.join("Chart.yaml");
    let chart_file = chart_yaml.to_str()?.to_string();
    let (id, text) = ctx
        .read_file(&chart_file, sources, path.origin, "the chart's Chart.yaml")
        .ok()?;
    let doc = crate::source::parse_document(text.as_bytes(), &chart_file, id, &ctx.limits).ok()?;
    let name = str_at(&doc.root, "name")?;
    let version_of = |n: &Node| {
        at(n, "version").and_then(|v| {
            string(v).map(|s| Known::new(s.to_string(), "Chart.yaml version", v.origin))
        })
    };
    if super::wrapper::is_airbyte_chart(name) {
        return Some(Found {
            chart: Known::new(name.to_string(), "Chart.yaml name", path.origin),
            version: version_of(&doc.root),
            subchart: None,
            folder: Some(folder),
        });
    }
    // an umbrella chart: Airbyte's values are under the dependency's alias or name
    let deps = match at(&doc.root, "dependencies") {
        Some(Node {
            value: Value::Seq(d),
            ..
        }) => d.clone(),
        _ => return None,
    };
    let dep = deps
        .iter()
        .find(|d| str_at(d, "name").is_some_and(super::wrapper::is_airbyte_chart))?;
    let key = str_at(dep, "alias")
        .or_else(|| str_at(dep, "name"))
        .unwrap_or("airbyte")
        .to_string();
    Some(Found {
        chart: Known::new(
            format!("{name} (depends on airbyte)"),
            "Chart.yaml dependencies",
            path.origin,
        ),
        version: version_of(dep),
        subchart: Some(key),
        folder: Some(folder),
    })
}

/// Where a repository is checked out here: `--repo-root` (by `ref` name or URL), else the
/// checkout that holds the Application when its `origin` is that repository. Never a guess.
fn repo_root(
    url: &str,
    ref_name: Option<&str>,
    checkout: Option<&git::Checkout>,
    ctx: &Ctx<'_>,
) -> Option<PathBuf> {
    let want = git::normalize_url(url);
    for (name, dir) in &ctx.repo_roots {
        if Some(name.as_str()) == ref_name || git::normalize_url(name) == want {
            return Some(dir.clone());
        }
    }
    checkout
        .filter(|c| c.origin.as_deref() == Some(want.as_str()))
        .map(|c| c.root.clone())
}

/// The build environment Argo CD substitutes in value file paths and parameters.
struct Env {
    app_name: Option<String>,
    app_namespace: Option<String>,
}

impl Env {
    /// `text` with `$ARGOCD_APP_NAME` and `$ARGOCD_APP_NAMESPACE` substituted; `Err` names a
    /// variable that is known only in the repo-server.
    fn subst(&self, text: &str) -> Result<String, String> {
        let mut out = text.to_string();
        for (var, value) in [
            ("ARGOCD_APP_NAMESPACE", &self.app_namespace),
            ("ARGOCD_APP_NAME", &self.app_name),
        ] {
            for form in [format!("${{{var}}}"), format!("${var}")] {
                if out.contains(&form) {
                    match value {
                        Some(v) => out = out.replace(&form, v),
                        None => return Err(var.to_string()),
                    }
                }
            }
        }
        if let Some(i) = out.find("$ARGOCD_").or_else(|| out.find("${ARGOCD_")) {
            let var: String = out[i..]
                .trim_start_matches(['$', '{'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            return Err(var);
        }
        Ok(out)
    }
}

/// The values of a source's `helm` block, in Argo CD's order.
#[allow(clippy::too_many_arguments)]
fn read_helm(
    helm: &Node,
    src: &Node,
    refs: &[(String, Node)],
    found: &Found,
    env: &Env,
    checkout: Option<&git::Checkout>,
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
    rel: &mut Release,
    params: Option<&Params>,
) -> Result<(), InputError> {
    let ignore_missing = matches!(
        at(helm, "ignoreMissingValueFiles").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    if let Some(Node {
        value: Value::Seq(files),
        ..
    }) = at(helm, "valueFiles")
    {
        for f in files {
            let Some(raw) = string(f) else { continue };
            let Some(path) = resolve_file(raw, f.origin, src, refs, found, env, checkout, ctx, rel)
            else {
                continue;
            };
            match ctx.values_file(&path, sources, f.origin, "value file") {
                Ok(layer) => rel.layers.push(layer),
                Err(e) if ignore_missing && e.kind == InputErrorKind::Unreadable => {
                    rel.ignored(
                        f.origin,
                        format!("value file `{raw}` (`{path}`) does not exist: `ignoreMissingValueFiles` skips it"),
                    );
                }
                Err(e) => return Err(e),
            }
        }
    }
    let values = at(helm, "values");
    let object = at(helm, "valuesObject");
    match (values, object) {
        (Some(v), Some(o)) if !matches!(o.value, Value::Null) => {
            rel.ignored(
                v.key_origin,
                "`helm.values` is ignored: `helm.valuesObject` is set too, and Argo CD passes only `valuesObject`",
            );
            rel.layers.push(object_layer(o));
        }
        (_, Some(o)) if !matches!(o.value, Value::Null) => rel.layers.push(object_layer(o)),
        (Some(v), _) => {
            if let Some(text) = string(v) {
                if !text.trim().is_empty() {
                    let outer = sources.files[file as usize].text.clone();
                    let shown = sources.files[file as usize].name.clone();
                    // placed as written; the templates are then replaced line by line
                    let place = embed::placement(&outer, v, text);
                    let mut text = text.to_string();
                    fill_text(&mut text, params, &mut rel.unknowns, v.origin);
                    let doc = embed::parse_values(&text, place, file, &shown, &ctx.limits)?;
                    rel.layers.push(Layer::tree(doc, v.origin));
                }
            } else if let Value::Map(_) = v.value {
                // some write `values:` as a map; Argo CD's field is a string and rejects it
                return Err(error_at(
                    sources,
                    v.origin,
                    InputErrorKind::Invalid,
                    "`helm.values` is a map, but Argo CD reads a string here: write `values: |` with the YAML under it, or use `valuesObject:`",
                ));
            }
        }
        _ => {}
    }
    if let Some(Node {
        value: Value::Seq(params),
        ..
    }) = at(helm, "parameters")
    {
        // Argo CD keeps one value per name: the last
        let mut seen: Vec<(String, &Node)> = Vec::new();
        for p in params {
            if let Some(name) = str_at(p, "name") {
                seen.retain(|(n, _)| n != name);
                seen.push((name.to_string(), p));
            }
        }
        for (name, p) in seen {
            let value_node = at(p, "value");
            let raw = value_node.map(scalar_text).unwrap_or_default();
            let origin = value_node.map_or(p.origin, |v| v.origin);
            let value = match env.subst(&raw) {
                Ok(v) => v,
                Err(var) => rel.unknowns.add(
                    &format!("${var}"),
                    origin,
                    "an Argo CD build variable, known only in the repo-server",
                ),
            };
            let force = matches!(
                at(p, "forceString").map(|n| &n.value),
                Some(Value::Bool(true))
            );
            rel.layers.push(Layer::Set {
                kind: if force {
                    SetKind::String
                } else {
                    SetKind::Typed
                },
                text: format!("{name}={}", clean_set_value(&value)),
                origin,
            });
        }
    }
    if let Some(Node {
        value: Value::Seq(params),
        ..
    }) = at(helm, "fileParameters")
    {
        for p in params {
            let (Some(name), Some(path_node)) = (str_at(p, "name"), at(p, "path")) else {
                continue;
            };
            let Some(raw) = string(path_node) else {
                continue;
            };
            let Some(path) = resolve_file(
                raw,
                path_node.origin,
                src,
                refs,
                found,
                env,
                checkout,
                ctx,
                rel,
            ) else {
                continue;
            };
            // read here, so a missing file is an error at this line, then set as Helm does
            ctx.read_file(&path, sources, path_node.origin, "file parameter")?;
            rel.layers.push(Layer::Set {
                kind: SetKind::File,
                text: format!("{name}={path}"),
                origin: path_node.origin,
            });
        }
    }
    Ok(())
}

/// `valuesObject` as a layer: the object itself, positions and all.
fn object_layer(o: &Node) -> Layer {
    Layer::Tree {
        root: o.clone(),
        from: o.origin,
        documents: 1,
        duplicates: Vec::new(),
        under_defaults: false,
    }
}

/// A scalar as Argo CD's string field holds it (a YAML `true` in `value:` is the string `true`).
fn scalar_text(n: &Node) -> String {
    match &n.value {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

/// Argo CD's `cleanSetParameters`: commas are escaped (one value, not several assignments) unless
/// the value is a `{...}` list.
fn clean_set_value(v: &str) -> String {
    if v.starts_with('{') && v.ends_with('}') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut prev = None;
    for c in v.chars() {
        if c == ',' && prev != Some('\\') {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// The path a value file or file parameter names, read here; `None` (with a note) when it is in a
/// repository, chart or place this tool cannot read.
#[allow(clippy::too_many_arguments)]
fn resolve_file(
    raw: &str,
    origin: Origin,
    src: &Node,
    refs: &[(String, Node)],
    found: &Found,
    env: &Env,
    checkout: Option<&git::Checkout>,
    ctx: &Ctx<'_>,
    rel: &mut Release,
) -> Option<String> {
    if raw.contains("://") {
        rel.unread(
            origin,
            format!("value file `{raw}` is fetched from a URL when Argo CD renders: not read here"),
        );
        return None;
    }
    if raw.contains(['*', '?', '[']) {
        rel.unread(origin, format!("value file `{raw}` is a glob that Argo CD expands in its own checkout: not read here"));
        return None;
    }
    if let Some(rest) = raw.strip_prefix('$') {
        let (name, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Some((_, ref_src)) = refs.iter().find(|(r, _)| r == name) else {
            rel.unread(
                origin,
                format!("value file `{raw}` names the source `${name}`, and no source of this Application has `ref: {name}`"),
            );
            return None;
        };
        let url = str_at(ref_src, "repoURL").unwrap_or("");
        let path = match env.subst(path) {
            Ok(p) => p,
            Err(var) => {
                rel.unread(
                    origin,
                    format!("value file `{raw}` uses `${var}`, known only in the repo-server"),
                );
                return None;
            }
        };
        return match repo_root(url, Some(name), checkout, ctx) {
            Some(root) => Some(crate::inputs::wrapper::normalize(
                &root.join(path.trim_start_matches('/')),
            )),
            None => {
                rel.unread(
                    origin,
                    format!(
                        "value file `{raw}` is in the repository `{url}`, which is not the checkout this file is in{}: pass `--repo-root {name}=DIR` with a checkout of it to read it",
                        checkout
                            .and_then(|c| c.origin.as_deref())
                            .map(|o| format!(" (its origin is `{o}`)"))
                            .unwrap_or_default()
                    ),
                );
                None
            }
        };
    }
    let path = match env.subst(raw) {
        Ok(p) => p,
        Err(var) => {
            rel.unread(
                origin,
                format!("value file `{raw}` uses `${var}`, known only in the repo-server"),
            );
            return None;
        }
    };
    match &found.folder {
        Some(folder) => {
            let root = repo_root(str_at(src, "repoURL").unwrap_or(""), None, checkout, ctx)
                .unwrap_or_else(|| folder.clone());
            let full = if path.starts_with('/') {
                root.join(path.trim_start_matches('/'))
            } else {
                folder.join(&path)
            };
            Some(crate::inputs::wrapper::normalize(&full))
        }
        None => {
            rel.unread(
                origin,
                format!(
                    "value file `{raw}` is a file of the chart `{}` itself (a Helm repository source has no folder of ours): not read here",
                    found.chart.value
                ),
            );
            None
        }
    }
}

const GENERATOR: &str = "an ApplicationSet generator parameter, known only when the generator runs";

/// One Application a document stands for: its kind, the Application (an ApplicationSet's template
/// with its parameters filled in), the unknowns and the ApplicationSet, the element's parameters.
type Instance<'a> = (
    InputKind,
    Node,
    Option<(super::unknown::Unknowns, &'a Node)>,
    Option<Params>,
);

/// The parameters of one element of a list generator, filled in as the ApplicationSet controller
/// fills them: with `goTemplate`, `{{ .key }}` and `{{ .key.sub }}` (Go templates over the
/// element); without, `{{key}}` with spaces trimmed (fasttemplate over the element's strings).
/// Anything else (a function, a pipe, a key the element lacks) stays unknown.
#[derive(Clone, Debug)]
struct Params {
    go: bool,
    element: Node,
}

impl Params {
    /// The value of the action `{{ ... }}` (written with its braces), if this element gives it.
    fn value(&self, action: &str) -> Option<String> {
        let inner = action.strip_prefix("{{")?.strip_suffix("}}")?;
        let inner = inner.trim();
        let found = if self.go {
            // `{{-` and `-}}` trim the text around the action, each on its own
            let inner = inner.strip_prefix('-').unwrap_or(inner).trim();
            let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
            let path = inner.strip_prefix('.')?;
            let ident =
                |k: &str| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let mut n = &self.element;
            for key in path.split('.') {
                if !ident(key) {
                    return None;
                }
                n = n.as_map()?.get(key)?;
            }
            n
        } else {
            self.element.as_map()?.get(inner)?
        };
        let text = match &found.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) if self.go => i.to_string(),
            Value::Bool(b) if self.go => b.to_string(),
            _ => return None,
        };
        // a value that would add a line or another action is not filled in
        (!text.contains('\n') && !text.contains("{{")).then_some(text)
    }
}

/// The elements of an ApplicationSet's generators, when every generator is a `list` written out
/// in the file (`elements` of maps); `None` when any is another kind (its parameters are known
/// only when it runs), `elementsYaml`, or a `templatePatch` changes the template per element.
fn list_elements(set: &Node) -> Option<Vec<Params>> {
    if at(set, "spec.templatePatch").is_some() {
        return None;
    }
    let go = matches!(
        at(set, "spec.goTemplate").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    let Value::Seq(generators) = &at(set, "spec.generators")?.value else {
        return None;
    };
    let mut out = Vec::new();
    for g in generators {
        let m = g.as_map()?;
        if m.len() != 1 {
            return None;
        }
        let Value::Seq(elements) = &at(g, "list.elements")?.value else {
            return None;
        };
        for e in elements {
            e.as_map()?;
            out.push(Params {
                go,
                element: e.clone(),
            });
        }
    }
    Some(out)
}

/// Every `{{ ... }}` in `text`: the element's value when it gives one, else a token.
fn fill_text(
    text: &mut String,
    params: Option<&Params>,
    unknowns: &mut super::unknown::Unknowns,
    origin: Origin,
) {
    super::unknown::fill_actions(text, unknowns, origin, GENERATOR, &|a| {
        params.and_then(|p| p.value(a))
    });
}

/// [`fill_text`] over the strings of a template. A string of several lines (embedded values) is
/// left to its reader, which places its lines first.
fn fill_tree(n: &mut Node, params: Option<&Params>, unknowns: &mut super::unknown::Unknowns) {
    super::unknown::fill_tree(n, unknowns, GENERATOR, false, &|a| {
        params.and_then(|p| p.value(a))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(yaml: &str) -> Node {
        crate::values::parse_document(
            yaml.as_bytes(),
            "e.yaml",
            0,
            &crate::source::Limits::default(),
        )
        .unwrap()
        .root
    }

    /// List elements fill what the controller fills: Go template paths over the element with
    /// `goTemplate`, trimmed keys of strings without; functions, pipes and missing keys stay
    /// unknown.
    #[test]
    fn list_elements_fill_what_the_controller_fills() {
        let e = element("env: prod\nhost: a.example.com\nport: 8443\nnested:\n  region: eu\n");
        let go = Params {
            go: true,
            element: e.clone(),
        };
        assert_eq!(go.value("{{ .host }}").as_deref(), Some("a.example.com"));
        assert_eq!(go.value("{{.env}}").as_deref(), Some("prod"));
        assert_eq!(go.value("{{- .nested.region -}}").as_deref(), Some("eu"));
        assert_eq!(go.value("{{- .host }}").as_deref(), Some("a.example.com"));
        assert_eq!(go.value("{{ .env -}}").as_deref(), Some("prod"));
        assert_eq!(go.value("{{ .port }}").as_deref(), Some("8443"));
        assert_eq!(go.value("{{ .host | upper }}"), None);
        assert_eq!(go.value("{{ .missing }}"), None);
        assert_eq!(go.value("{{ host }}"), None);
        let fast = Params {
            go: false,
            element: e,
        };
        assert_eq!(fast.value("{{ host }}").as_deref(), Some("a.example.com"));
        assert_eq!(fast.value("{{env}}").as_deref(), Some("prod"));
        assert_eq!(fast.value("{{ .host }}"), None);
        // fasttemplate takes the element's strings only
        assert_eq!(fast.value("{{port}}"), None);
        let mut unknowns = crate::inputs::unknown::Unknowns::default();
        let mut text = "https://{{host}}:{{ path.basename }}/".to_string();
        fill_text(&mut text, Some(&fast), &mut unknowns, Origin::Default);
        assert!(text.starts_with("https://a.example.com:zunknown"), "{text}");
        assert_eq!(unknowns.list.len(), 1);
    }

    /// Only generators that are all `list`s written out expand; a Git generator, `elementsYaml`
    /// or a `templatePatch` leave the parameters unknown.
    #[test]
    fn only_written_out_lists_expand() {
        let set = |gens: &str, extra: &str| {
            element(&format!(
                "spec:\n  goTemplate: true\n{extra}  generators:\n{gens}  template: {{}}\n"
            ))
        };
        let two = "    - list:\n        elements: [{a: x}, {a: y}]\n";
        assert_eq!(list_elements(&set(two, "")).map(|v| v.len()), Some(2));
        let both = format!("{two}    - list:\n        elements: [{{a: z}}]\n");
        assert_eq!(list_elements(&set(&both, "")).map(|v| v.len()), Some(3));
        let git = format!("{two}    - git:\n        repoURL: r\n");
        assert!(list_elements(&set(&git, "")).is_none());
        let yaml = "    - list:\n        elementsYaml: '{{ .x }}'\n";
        assert!(list_elements(&set(yaml, "")).is_none());
        assert!(list_elements(&set(two, "  templatePatch: 'x'\n")).is_none());
    }

    #[test]
    fn set_values_are_cleaned_as_argo_cd_cleans_them() {
        assert_eq!(clean_set_value("a,b"), "a\\,b");
        assert_eq!(clean_set_value("a\\,b"), "a\\,b");
        assert_eq!(clean_set_value("{a,b}"), "{a,b}");
        assert_eq!(clean_set_value("https://x"), "https://x");
    }

    #[test]
    fn build_variables_are_substituted_or_named() {
        let env = Env {
            app_name: Some("airbyte".into()),
            app_namespace: Some("data".into()),
        };
        assert_eq!(
            env.subst("values-$ARGOCD_APP_NAME.yaml").unwrap(),
            "values-airbyte.yaml"
        );
        assert_eq!(
            env.subst("${ARGOCD_APP_NAMESPACE}/v.yaml").unwrap(),
            "data/v.yaml"
        );
        assert_eq!(
            env.subst("$ARGOCD_APP_REVISION").unwrap_err(),
            "ARGOCD_APP_REVISION"
        );
    }
}
