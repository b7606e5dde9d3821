//! Writing files: rendered objects to `--output-dir` (one file per object, each written to a
//! temporary file and renamed, never outside the directory and never through a symlink), and a
//! values file rewritten in place by `migrate`, keeping its permissions and owner.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Document;

/// A file that could not be written: its path and the system's error, in one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for WriteError {
    fn from(s: String) -> Self {
        WriteError(s)
    }
}

/// The file name of one object: `<kind>-<name>.yaml`, lowercase, with anything unusual replaced.
pub fn file_name(doc: &Document) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    let name = clean(&doc.name);
    let name = name.trim_start_matches('.');
    format!(
        "{}-{}.yaml",
        clean(&doc.kind),
        if name.is_empty() { "unnamed" } else { name }
    )
}

/// One file per object: its name and its content (the generated-by header, `---`, the document).
pub fn document_files(target: &str, docs: &[Document]) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    docs.iter()
        .map(|doc| {
            let mut name = file_name(doc);
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{}-{n}.yaml", file_name(doc).trim_end_matches(".yaml"));
                n += 1;
            }
            let mut content = crate::render::document::header(target);
            content.push_str("---\n");
            content.push_str(&doc.text);
            (name, content)
        })
        .collect()
}

/// Writes every file; on any failure removes what it wrote in this call and returns the error.
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>, WriteError> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!(
                "{}: the output directory is a symlink; refusing to write through it",
                dir.display()
            )
            .into());
        }
        Ok(m) if !m.is_dir() => {
            return Err(format!("{}: exists and is not a directory", dir.display()).into());
        }
        Ok(_) => {}
        Err(_) => fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create the directory: {e}", dir.display()))?,
    }
    // all temporary files first, then the renames, so a failure leaves no half-written file behind
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (t, _) in temps {
            let _ = fs::remove_file(t);
        }
    };
    for (name, content) in files {
        let final_path = dir.join(name);
        if let Ok(m) = fs::symlink_metadata(&final_path)
            && (m.file_type().is_symlink() || !m.is_file())
        {
            cleanup(&temps);
            return Err(format!(
                "{}: exists and is not a regular file; refusing to replace it",
                final_path.display()
            )
            .into());
        }
        let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let written = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .and_then(|mut f| f.write_all(content.as_bytes()).and_then(|_| f.sync_all()));
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            cleanup(&temps);
            return Err(format!("{}: cannot write: {e}", temp.display()).into());
        }
        temps.push((temp, final_path));
    }
    let mut done = Vec::new();
    for (i, (temp, path)) in temps.iter().enumerate() {
        if let Err(e) = fs::rename(temp, path) {
            cleanup(&temps[i..]);
            return Err(format!("{}: cannot rename into place: {e}", path.display()).into());
        }
        done.push(path.clone());
    }
    Ok(done)
}

/// The files of `dir` that an earlier render wrote (they begin with this tool's generated-by
/// header) and this one did not: removed, so that applying the folder applies this render only
/// (a render for another target leaves no objects of the old one behind). Returns what it removed.
pub fn remove_stale(dir: &Path, written: &[PathBuf]) -> Result<Vec<PathBuf>, WriteError> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "cfg"))
        .filter(|p| !written.contains(p))
        .filter(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .filter(|p| {
            let mut head = [0u8; 40];
            fs::File::open(p)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .is_ok_and(|n| {
                    head[..n].starts_with(crate::render::document::HEADER_START.as_bytes())
                })
        })
        .collect();
    stale.sort();
    for p in &stale {
        fs::remove_file(p)
            .map_err(|e| format!("{}: cannot remove a stale file: {e}", p.display()))?;
    }
    Ok(stale)
}

/// Rewrites `path` with `text`, keeping the original as `PATH.bak`; both keep the original's
/// permissions and owner (a values file may hold secrets: a `600` file stays `600`). Each is written
/// to a temporary file first and renamed into place; on any failure nothing new is left behind
/// (no `.bak`, no temporary file) and the original is untouched. Returns the backup's path.
pub fn rewrite_in_place(path: &Path, original: &str, text: &str) -> Result<PathBuf, WriteError> {
    let shown = path.display();
    let meta = fs::symlink_metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "{shown}: is not a regular file (a symbolic link?); refusing to replace it"
        )
        .into());
    }
    let mut backup = path.as_os_str().to_owned();
    backup.push(".bak");
    let backup = PathBuf::from(backup);
    if fs::symlink_metadata(&backup).is_ok_and(|m| !m.is_file()) {
        return Err(format!(
            "{}: exists and is not a regular file; refusing to replace it",
            backup.display()
        )
        .into());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = |tag: &str| dir.join(format!(".{name}.{tag}-{}", std::process::id()));
    let (backup_temp, new_temp) = (temp("bak"), temp("new"));
    let written = write_like(&backup_temp, original, &meta)
        .and_then(|_| write_like(&new_temp, text, &meta))
        .and_then(|_| fs::rename(&backup_temp, &backup).map_err(|e| (backup.clone(), e)));
    if let Err((at, e)) = written {
        let _ = fs::remove_file(&backup_temp);
        let _ = fs::remove_file(&new_temp);
        return Err(format!("{}: cannot write: {e}", at.display()).into());
    }
    if let Err(e) = fs::rename(&new_temp, path) {
        let _ = fs::remove_file(&new_temp);
        let _ = fs::remove_file(&backup);
        return Err(format!("{shown}: cannot replace it: {e}").into());
    }
    Ok(backup)
}

/// A new file with `text`, the mode and (where allowed) the owner of `like`.
fn write_like(
    path: &Path,
    text: &str,
    like: &fs::Metadata,
) -> Result<(), (PathBuf, std::io::Error)> {
    let at = |e| (path.to_path_buf(), e);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        // the file is born with the original's mode: it is never readable by more people, even
        // for a moment
        opts.mode(like.mode() & 0o7777);
    }
    let mut f = opts.open(path).map_err(at)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // the umask may have taken bits away: set the mode exactly; the owner as the original's,
        // which only succeeds where the user may (root, or the same owner)
        let _ = f.set_permissions(fs::Permissions::from_mode(like.mode() & 0o7777));
        let _ = std::os::unix::fs::fchown(&f, Some(like.uid()), Some(like.gid()));
    }
    #[cfg(not(unix))]
    let _ = like;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_the_mode_and_leaves_nothing_on_failure() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("ai-rewrite-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("values.yaml");
        fs::write(&f, "old: 1\n").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        let backup = rewrite_in_place(&f, "old: 1\n", "new: 1\n").unwrap();
        assert_eq!(fs::read_to_string(&f).unwrap(), "new: 1\n");
        assert_eq!(fs::read_to_string(&backup).unwrap(), "old: 1\n");
        for p in [&f, &backup] {
            let mode = fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
        // a failure (the backup's place is a folder): nothing changes, nothing is left
        fs::remove_file(&backup).unwrap();
        fs::create_dir(&backup).unwrap();
        let e = rewrite_in_place(&f, "new: 1\n", "newer: 1\n").unwrap_err();
        assert!(e.0.contains("refusing"), "{e}");
        assert_eq!(fs::read_to_string(&f).unwrap(), "new: 1\n");
        fs::remove_dir(&backup).unwrap();
        // the rename fails after the backup is in place: the backup is removed again
        let ro = dir.join("ro");
        fs::create_dir(&ro).unwrap();
        let g = ro.join("v.yaml");
        fs::write(&g, "a: 1\n").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
        let writable = fs::write(ro.join("probe"), "").is_ok();
        if !writable {
            assert!(rewrite_in_place(&g, "a: 1\n", "b: 1\n").is_err());
            let left: Vec<_> = fs::read_dir(&ro)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(left, ["v.yaml"], "{left:?}");
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o700)).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
