//! helmfile releases. Checked against helmfile/helmfile (`pkg/state/state.go`: `ReleaseSpec`,
//! `setFlags`, `setStringFlags`, `escape`): each release's `values` entries are `--values` in order
//! (a path relative to the helmfile, or an inline map), then `set` (`--set name=value`, `file:`
//! as `--set-file`, `values:` as `{a,b}`) and `setString` (`--set-string`), names and values
//! escaped (`{`, `}`, `,`). A `.gotmpl` file or a helmfile with `{{ }}` is a template: render it
//! first.

use super::wrapper::{
    Ctx, InputKind, Known, Layer, Release, Skipped, error_at, relative_to, string,
};
use crate::source::{InputError, InputErrorKind, Node, Path, SetKind, Sources, Value};

fn at<'a>(n: &'a Node, path: &str) -> Option<&'a Node> {
    n.at(&Path::parse(path))
}

fn str_at<'a>(n: &'a Node, path: &str) -> Option<&'a str> {
    at(n, path).and_then(string)
}

/// helmfile's `escape`.
fn escape(s: &str) -> String {
    s.replace('{', "\\{")
        .replace('}', "\\}")
        .replace(',', "\\,")
}

fn scalar(n: &Node) -> Option<String> {
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

pub fn read(
    docs: &[Node],
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
    unknowns: &super::unknown::Unknowns,
) -> Result<(Vec<Release>, Vec<Skipped>), InputError> {
    let wrapper = sources.files[file as usize].name.clone();
    let wrapper_path = if wrapper == "<stdin>" {
        "-".to_string()
    } else {
        wrapper.clone()
    };
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    // the parts of a helmfile (its `---` documents) are merged: a repository one part declares
    // serves the releases of every part
    let repos: Vec<(String, String)> = docs
        .iter()
        .filter_map(|doc| match at(doc, "repositories") {
            Some(Node {
                value: Value::Seq(r),
                ..
            }) => Some(r),
            _ => None,
        })
        .flatten()
        .filter_map(|r| {
            Some((
                str_at(r, "name")?.to_string(),
                str_at(r, "url").unwrap_or("").to_string(),
            ))
        })
        .collect();
    for doc in docs {
        let Some(Node {
            value: Value::Seq(list),
            ..
        }) = at(doc, "releases")
        else {
            continue;
        };
        for r in list {
            let Some(chart_node) = at(r, "chart") else {
                continue;
            };
            let chart = string(chart_node).unwrap_or("");
            let name = str_at(r, "name").unwrap_or("");
            if !super::wrapper::is_airbyte_chart(chart) {
                skipped.push(Skipped {
                    what: format!("release `{name}` of chart `{chart}` (not Airbyte's)"),
                    origin: r.origin,
                });
                continue;
            }
            let mut rel = Release::new(
                InputKind::HelmfileRelease,
                &wrapper,
                r.origin,
                Known::new(chart.to_string(), "releases[].chart", chart_node.origin),
            );
            rel.unknowns.extend(unknowns.clone());
            if let Some((repo, _)) = chart.split_once('/')
                && !chart.starts_with("oci://")
                && !chart.starts_with('.')
                && !repos.iter().any(|(n, _)| n == repo)
            {
                rel.ignored(
                    chart_node.origin,
                    format!("chart `{chart}`: no repository `{repo}` in `repositories`"),
                );
            }
            rel.version = at(r, "version")
                .and_then(|v| scalar(v).map(|s| Known::new(s, "releases[].version", v.origin)));
            rel.name = at(r, "name").and_then(|n| {
                string(n).map(|s| Known::new(s.to_string(), "releases[].name", n.origin))
            });
            rel.namespace = Some(match at(r, "namespace").filter(|n| string(n).is_some()) {
                Some(n) => Known::new(
                    string(n).unwrap_or_default().to_string(),
                    "releases[].namespace",
                    n.origin,
                ),
                None => Known::new(
                    "default".to_string(),
                    "no namespace: Helm's default (helmfile's `--namespace` or the kube context may say otherwise)",
                    r.origin,
                ),
            });
            for key in ["valuesTemplate", "setTemplate"] {
                if let Some(n) = at(r, key) {
                    rel.unread(
                        n.origin,
                        format!("`{key}` is rendered by helmfile: its values are not assessed"),
                    );
                }
            }
            if let Some(n) = at(r, "secrets") {
                rel.unread(n.origin, "`secrets` are decrypted by helm-secrets when helmfile runs: the values they hold are not assessed");
            }
            if let Some(Node {
                value: Value::Seq(values),
                ..
            }) = at(r, "values")
            {
                for v in values {
                    match &v.value {
                        Value::Str(p) => {
                            if p.ends_with(".gotmpl") {
                                rel.unread(
                                    v.origin,
                                    format!("values file `{p}` is a helmfile template (`.gotmpl`), rendered by helmfile: the values it holds are not assessed"),
                                );
                                continue;
                            }
                            let path = relative_to(&wrapper_path, p);
                            rel.layers.push(ctx.values_file(
                                &path,
                                sources,
                                v.origin,
                                "values file",
                            )?);
                        }
                        Value::Map(_) => rel.layers.push(Layer::Tree {
                            root: v.clone(),
                            from: v.origin,
                            documents: 1,
                            duplicates: Vec::new(),
                            under_defaults: false,
                        }),
                        _ => {
                            return Err(error_at(
                                sources,
                                v.origin,
                                InputErrorKind::Invalid,
                                "a `values` entry is a path or a map of values",
                            ));
                        }
                    }
                }
            }
            for (key, kind) in [("set", SetKind::Typed), ("setString", SetKind::String)] {
                let Some(Node {
                    value: Value::Seq(sets),
                    ..
                }) = at(r, key)
                else {
                    continue;
                };
                for s in sets {
                    let Some(name) = str_at(s, "name") else {
                        continue;
                    };
                    if let Some(v) =
                        at(s, "value").filter(|v| scalar(v).is_some_and(|t| !t.is_empty()))
                    {
                        rel.layers.push(Layer::Set {
                            kind,
                            text: format!(
                                "{}={}",
                                escape(name),
                                escape(&scalar(v).unwrap_or_default())
                            ),
                            origin: v.origin,
                        });
                    } else if let Some(f) = at(s, "file").filter(|_| kind == SetKind::Typed) {
                        let path = relative_to(&wrapper_path, string(f).unwrap_or(""));
                        ctx.read_file(&path, sources, f.origin, "set file")?;
                        rel.layers.push(Layer::Set {
                            kind: SetKind::File,
                            text: format!("{}={path}", escape(name)),
                            origin: f.origin,
                        });
                    } else if let Some(Node {
                        value: Value::Seq(items),
                        origin,
                        ..
                    }) = at(s, "values")
                    {
                        let items: Vec<String> = items
                            .iter()
                            .filter_map(scalar)
                            .map(|i| escape(&i))
                            .collect();
                        rel.layers.push(Layer::Set {
                            kind,
                            text: format!("{}={{{}}}", escape(name), items.join(",")),
                            origin: *origin,
                        });
                    }
                }
            }
            releases.push(rel);
        }
    }
    Ok((releases, skipped))
}
