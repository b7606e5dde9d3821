//! Walking folders for the files to read, as ripgrep walks them (the `ignore` crate): only
//! regular files, each once however many paths lead to it, symbolic links followed with loops
//! detected, in name order so runs repeat; optionally `.gitignore`, `.ignore` and hidden folders
//! respected (`scan`). What is skipped is listed with why, never silently lost.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::source::{InputError, InputErrorKind};

/// How to walk.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Respect `.gitignore`, `.ignore` and `.git/info/exclude`, and skip hidden files and folders
    /// (a repository walk); otherwise every file under the folder is a candidate (`-m DIR`).
    pub ignore_files: bool,
    /// The file name endings to read (`yaml`, `yml`, `json`, `tf`, ...); others are passed over
    /// without a word.
    pub extensions: &'static [&'static str],
    /// Most files to read: past it the walk stops, and says so.
    pub max_files: usize,
}

/// A path the walk did not read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub why: String,
}

/// The files to read, in walk order, and what was skipped.
#[derive(Clone, Debug, Default)]
pub struct Walked {
    pub files: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// The walk stopped at `max_files`.
    pub truncated: bool,
}

/// Walks `dir`. A folder that cannot be read at all is an error; anything below it that cannot be
/// read is skipped with its reason. `seen` holds the files already taken (by their canonical
/// path), so that a file reached twice (two roots, a symbolic link beside its target) is read once.
pub fn walk_dir(
    dir: &Path,
    opts: &WalkOptions,
    seen: &mut HashSet<PathBuf>,
    out: &mut Walked,
) -> Result<(), InputError> {
    std::fs::read_dir(dir).map_err(|e| {
        InputError::new(
            InputErrorKind::Unreadable,
            dir.display().to_string(),
            format!("cannot read the directory: {e}"),
        )
    })?;
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(opts.ignore_files)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.skipped.push(skipped_for(&e));
                continue;
            }
        };
        let path = entry.path();
        // with links followed, the file type is the target's: a FIFO, socket or device is not
        // read (a FIFO would block the walk for ever)
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() {
            continue;
        }
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| opts.extensions.contains(&e));
        if !wanted {
            continue;
        }
        if !ft.is_file() {
            out.skipped.push(Skipped {
                path: path.display().to_string(),
                why: "not a regular file (a pipe, socket or device)".into(),
            });
            continue;
        }
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !seen.insert(canonical) {
            out.skipped.push(Skipped {
                path: path.display().to_string(),
                why: "the same file as one read already (a symbolic link, or a path given twice)"
                    .into(),
            });
            continue;
        }
        if out.files.len() >= opts.max_files {
            out.truncated = true;
            break;
        }
        out.files.push(path.display().to_string());
    }
    Ok(())
}

/// The reason an entry could not be walked, from the `ignore` crate's error.
fn skipped_for(e: &ignore::Error) -> Skipped {
    fn inner(e: &ignore::Error, path: &mut Option<String>) -> String {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                *path = Some(p.display().to_string());
                inner(err, path)
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner(err, path)
            }
            ignore::Error::Loop { child, ancestor } => {
                *path = Some(child.display().to_string());
                format!(
                    "a symbolic link back to `{}`, a folder above it: not followed again",
                    ancestor.display()
                )
            }
            ignore::Error::Io(io) => format!("cannot be read: {io}"),
            other => other.to_string(),
        }
    }
    let mut path = None;
    let why = inner(e, &mut path);
    Skipped {
        path: path.unwrap_or_else(|| "?".into()),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: WalkOptions = WalkOptions {
        ignore_files: false,
        extensions: &["yaml", "yml", "json"],
        max_files: 100,
    };

    fn tree(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ai-walk-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
        std::fs::write(dir.join("b.yaml"), "b: 1\n").unwrap();
        std::fs::write(dir.join("a.yml"), "a: 1\n").unwrap();
        std::fs::write(dir.join("sub/deeper/c.json"), "{}").unwrap();
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        dir
    }

    fn names(w: &Walked, root: &Path) -> Vec<String> {
        w.files
            .iter()
            .map(|f| {
                Path::new(f)
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn files_come_in_name_order_and_only_wanted_ones() {
        let dir = tree("order");
        let mut out = Walked::default();
        walk_dir(&dir, &YAML, &mut HashSet::new(), &mut out).unwrap();
        assert_eq!(names(&out, &dir), ["a.yml", "b.yaml", "sub/deeper/c.json"]);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn loops_pipes_and_second_paths_are_skipped_with_a_reason() {
        let dir = tree("hostile");
        // a loop, a link to a file already there, a FIFO (reading it would block for ever)
        std::os::unix::fs::symlink(&dir, dir.join("sub/back")).unwrap();
        std::os::unix::fs::symlink(dir.join("b.yaml"), dir.join("sub/again.yaml")).unwrap();
        let fifo = dir.join("pipe.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        let mut out = Walked::default();
        walk_dir(&dir, &YAML, &mut HashSet::new(), &mut out).unwrap();
        assert_eq!(names(&out, &dir), ["a.yml", "b.yaml", "sub/deeper/c.json"]);
        let why: Vec<&str> = out.skipped.iter().map(|s| s.why.as_str()).collect();
        assert!(
            why.iter().any(|w| w.contains("symbolic link back")),
            "{why:?}"
        );
        assert!(why.iter().any(|w| w.contains("the same file")), "{why:?}");
        if made {
            assert!(
                why.iter().any(|w| w.contains("not a regular file")),
                "{why:?}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_repository_walk_respects_gitignore_and_hidden_folders() {
        let dir = tree("ignore");
        std::fs::write(dir.join(".gitignore"), "sub/\n").unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        std::fs::write(dir.join(".hidden/h.yaml"), "h: 1\n").unwrap();
        let opts = WalkOptions {
            ignore_files: true,
            ..YAML
        };
        let mut out = Walked::default();
        walk_dir(&dir, &opts, &mut HashSet::new(), &mut out).unwrap();
        assert_eq!(names(&out, &dir), ["a.yml", "b.yaml"]);
        // `-m DIR` reads what is there, ignored or hidden
        let mut out = Walked::default();
        walk_dir(&dir, &YAML, &mut HashSet::new(), &mut out).unwrap();
        assert_eq!(
            names(&out, &dir),
            [".hidden/h.yaml", "a.yml", "b.yaml", "sub/deeper/c.json"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_walk_stops_at_its_limit_and_says_so() {
        let dir = tree("limit");
        let opts = WalkOptions {
            max_files: 2,
            ..YAML
        };
        let mut out = Walked::default();
        walk_dir(&dir, &opts, &mut HashSet::new(), &mut out).unwrap();
        assert_eq!(out.files.len(), 2);
        assert!(out.truncated);
        let e = walk_dir(&dir.join("missing"), &YAML, &mut HashSet::new(), &mut out).unwrap_err();
        assert!(e.message.contains("cannot read the directory"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
