//! The shape of the crate: every module imports only from the layers below it (test modules
//! aside), so the house keeps the rooms `src/lib.rs` describes.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// The layers, lowest first; a module may import from its own module and from lower layers.
/// Modules on one layer are siblings and may not import each other.
const LAYERS: &[&[&str]] = &[
    &["blockyaml", "names", "airbyte"],
    &["tree"],
    &["source"],
    &["inputs", "live"],
    &["values"],
    &["model"],
    &["findings"],
    &["controllers"],
    &["manifests"],
    &["plan"],
    &["rules", "render"],
    &["targets"],
    &["migrate", "output"],
    &["runs"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The crate modules a source file names with `crate::`, outside its `#[cfg(test)]` module
/// (which comes last in every file).
fn imports(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::{c, d}}`: every top-level name in the braces
            let mut depth = 0;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(std::mem::take(&mut name));
                    }
                    c if depth == 0 => name.push(c),
                    _ => {}
                }
            }
            out.insert(name);
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        out.insert(name);
    }
    out.into_iter()
        .map(|n| n.trim().split("::").next().unwrap_or("").trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_import_only_from_lower_layers() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue; // the crate root wires the layers together
        }
        let own = layer_of(&module).unwrap_or_else(|| {
            panic!(
                "src/{} is in no layer: add `{module}` to LAYERS",
                rel.display()
            )
        });
        checked += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("\n#![cfg(test)]\n") {
            continue; // a file of tests
        }
        for import in imports(&text) {
            if import == module {
                continue;
            }
            let Some(theirs) = layer_of(&import) else {
                // a crate-root item (`crate::check`) is the top: only the CLI may use it
                if module != "cli" {
                    problems.push(format!("src/{}: uses `crate::{import}`", rel.display()));
                }
                continue;
            };
            if theirs >= own {
                problems.push(format!(
                    "src/{}: `{module}` (layer {own}) imports `{import}` (layer {theirs})",
                    rel.display()
                ));
            }
        }
    }
    assert!(checked > 30, "only {checked} files checked");
    assert!(
        problems.is_empty(),
        "imports against the layers:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_import_scan_sees_every_form() {
    let text = "use crate::values::{Node, Path};\nuse crate::{findings::{Rule, Scope}, plan};\nfn f() { crate::names::lowercase(\"x\"); }\n#[cfg(test)]\nmod tests { use crate::cli; }\n";
    let got: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(got, ["findings", "names", "plan", "values"]);
}
