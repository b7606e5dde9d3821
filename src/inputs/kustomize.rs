//! Kustomize `helmCharts`. Checked against kubernetes-sigs/kustomize (`api/types/helmchartargs.go`
//! `AsHelmArgs`; `plugin/builtin/helmchartinflationgenerator`):
//! - release name `releaseName` (without it kustomize passes `--generate-name`, a new name each
//!   build); namespace `namespace` (the kustomization's `namespace` then moves the objects);
//! - `valuesInline` is merged with `valuesFile` (default: the chart's own `values.yaml`) by
//!   `valuesMerge`: `override` (the default; inline wins), `merge` (the file wins) or `replace`
//!   (inline only); the result is one `-f` file, then each of `additionalValuesFiles`.

use super::wrapper::{
    Ctx, InputKind, Known, Layer, Release, Skipped, error_at, relative_to, string,
};
use crate::source::{InputError, InputErrorKind, Node, Path, Sources, Value};

fn at<'a>(n: &'a Node, path: &str) -> Option<&'a Node> {
    n.at(&Path::parse(path))
}

fn str_at<'a>(n: &'a Node, path: &str) -> Option<&'a str> {
    at(n, path).and_then(string)
}

pub fn read(
    docs: &[Node],
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
) -> Result<(Vec<Release>, Vec<Skipped>), InputError> {
    let wrapper = sources.files[file as usize].name.clone();
    let wrapper_path = if wrapper == "<stdin>" {
        "-".to_string()
    } else {
        wrapper.clone()
    };
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    for doc in docs {
        let Some(Node {
            value: Value::Seq(charts),
            ..
        }) = at(doc, "helmCharts")
        else {
            continue;
        };
        let kust_ns = at(doc, "namespace").filter(|n| string(n).is_some());
        for c in charts {
            let Some(name_node) = at(c, "name") else {
                continue;
            };
            let name = string(name_node).unwrap_or("");
            if !super::wrapper::is_airbyte_chart(name) {
                skipped.push(Skipped {
                    what: format!("helmCharts entry `{name}` (not Airbyte's chart)"),
                    origin: c.origin,
                });
                continue;
            }
            let mut rel = Release::new(
                InputKind::KustomizeHelmchart,
                &wrapper,
                c.origin,
                Known::new(name.to_string(), "helmCharts[].name", name_node.origin),
            );
            rel.version = at(c, "version").and_then(|v| {
                string(v).map(|s| Known::new(s.to_string(), "helmCharts[].version", v.origin))
            });
            rel.name = match at(c, "releaseName")
                .filter(|n| string(n).is_some_and(|s| !s.is_empty()))
            {
                Some(n) => Some(Known::new(
                    string(n).unwrap_or_default().to_string(),
                    "helmCharts[].releaseName",
                    n.origin,
                )),
                None => {
                    let t = rel.unknowns.add(
                        "--generate-name",
                        c.origin,
                        "kustomize passes `--generate-name` without `releaseName`: Helm picks a new release name at every build, and the Service names with it; set `releaseName`",
                    );
                    Some(Known::new(t, "no releaseName: `--generate-name`", c.origin))
                }
            };
            rel.namespace = Some(match at(c, "namespace").filter(|n| string(n).is_some()) {
                Some(n) => Known::new(
                    string(n).unwrap_or_default().to_string(),
                    "helmCharts[].namespace",
                    n.origin,
                ),
                None => match kust_ns {
                    Some(n) => Known::new(
                        string(n).unwrap_or_default().to_string(),
                        "the kustomization's namespace",
                        n.origin,
                    ),
                    None => Known::new(
                        "default".to_string(),
                        "Helm's default (no namespace)",
                        c.origin,
                    ),
                },
            });
            let merge = str_at(c, "valuesMerge").unwrap_or("override");
            if !matches!(merge, "override" | "merge" | "replace") {
                let origin = at(c, "valuesMerge").map_or(c.origin, |n| n.origin);
                return Err(error_at(
                    sources,
                    origin,
                    InputErrorKind::Invalid,
                    format!(
                        "`valuesMerge: {merge}`: kustomize takes `merge`, `override` or `replace`"
                    ),
                ));
            }
            let file_layer = match at(c, "valuesFile").filter(|n| string(n).is_some()) {
                Some(f) => {
                    let path = relative_to(&wrapper_path, string(f).unwrap_or_default());
                    Some(ctx.values_file(&path, sources, f.origin, "valuesFile")?)
                }
                None => None,
            };
            let inline = at(c, "valuesInline")
                .filter(|n| matches!(n.value, Value::Map(_)))
                .map(|n| Layer::Tree {
                    root: n.clone(),
                    from: n.origin,
                    documents: 1,
                    duplicates: Vec::new(),
                    under_defaults: false,
                });
            match (merge, file_layer, inline) {
                ("replace", file, inline) => {
                    if let Some(f) = file {
                        rel.ignored(f.origin(), "`valuesMerge: replace`: kustomize uses `valuesInline` alone and ignores `valuesFile`");
                    }
                    rel.layers.extend(inline);
                }
                ("merge", Some(f), Some(i)) => {
                    // the file wins: inline first, the file over it
                    rel.layers.push(i);
                    rel.layers.push(f);
                }
                (
                    "merge",
                    None,
                    Some(Layer::Tree {
                        root,
                        from,
                        documents,
                        duplicates,
                        ..
                    }),
                ) => {
                    rel.ignored(
                        from,
                        "`valuesMerge: merge` without `valuesFile`: the chart's own values win over `valuesInline` wherever both set a key (`ingress.enabled`, say); use `override`",
                    );
                    rel.layers.push(Layer::Tree {
                        root,
                        from,
                        documents,
                        duplicates,
                        under_defaults: true,
                    });
                }
                (_, f, i) => {
                    rel.layers.extend(f);
                    rel.layers.extend(i);
                }
            }
            if let Some(Node {
                value: Value::Seq(files),
                ..
            }) = at(c, "additionalValuesFiles")
            {
                for f in files {
                    let Some(p) = string(f) else { continue };
                    let path = relative_to(&wrapper_path, p);
                    rel.layers.push(ctx.values_file(
                        &path,
                        sources,
                        f.origin,
                        "additionalValuesFiles entry",
                    )?);
                }
            }
            releases.push(rel);
        }
    }
    Ok((releases, skipped))
}
