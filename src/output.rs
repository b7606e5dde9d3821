//! Writing rendered objects to `--output-dir`: one file per object, each written to a temporary file
//! and renamed, never outside the directory and never through a symlink.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Document;

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
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>, String> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!(
                "{}: the output directory is a symlink; refusing to write through it",
                dir.display()
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(format!("{}: exists and is not a directory", dir.display()));
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
            ));
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
            return Err(format!("{}: cannot write: {e}", temp.display()));
        }
        temps.push((temp, final_path));
    }
    let mut done = Vec::new();
    for (i, (temp, path)) in temps.iter().enumerate() {
        if let Err(e) = fs::rename(temp, path) {
            cleanup(&temps[i..]);
            return Err(format!("{}: cannot rename into place: {e}", path.display()));
        }
        done.push(path.clone());
    }
    Ok(done)
}
