//! Everything the tool reads, one reader each: values files, Kubernetes manifests, and the GitOps
//! and IaC wrappers that carry Airbyte's values (Argo CD, Flux, Kustomize, helmfile, Terraform).
//! Every reader keeps the file, line and column of what it read, and stops at explicit limits.

pub mod argocd;
pub mod embed;
pub mod flux;
pub mod git;
pub mod helmfile;
pub mod kustomize;
pub mod manifests;
pub mod terraform;
pub mod unknown;
pub mod walk;
pub mod wrapper;

use std::io::Read;

use crate::source::{InputError, InputErrorKind};

/// Reads the bytes of a named input (`-` is standard input), at most the given number of bytes:
/// tests pass a closure, the binary [`read_path`].
pub type ReadFn<'a> = &'a mut dyn FnMut(&str, usize) -> Result<Vec<u8>, InputError>;

/// How an input is named in messages: `-` is `<stdin>`.
pub fn shown_name(name: &str) -> String {
    if name == "-" {
        "<stdin>".to_string()
    } else {
        name.to_string()
    }
}

/// The bytes of an input and the name diagnostics show for it; an input that cannot be read, or
/// is larger than `max` bytes, is an error naming it.
pub fn read_named(
    name: &str,
    max: usize,
    read: ReadFn<'_>,
) -> Result<(String, Vec<u8>), InputError> {
    let shown = shown_name(name);
    match read(name, max) {
        Ok(bytes) => Ok((shown, bytes)),
        Err(mut e) => {
            e.source = shown;
            Err(e)
        }
    }
}

/// The message of an input over its size limit.
pub fn too_large(max: usize) -> String {
    format!("larger than the limit of {max} bytes (--max-file-bytes): reading stopped there")
}

/// Reads a file the user named, or standard input for `-`, stopping one byte past `max`: a
/// never-ending input (`/dev/zero`, `yes | ...`) costs at most `max` bytes of memory.
pub fn read_path(name: &str, max: usize) -> Result<Vec<u8>, InputError> {
    read_path_sized(name, max, |_| {})
}

/// As [`read_path`], telling `sized` a file's size before reading it (the binary turns huge
/// pages on for a large input before its bytes arrive).
pub fn read_path_sized(
    name: &str,
    max: usize,
    sized: impl FnOnce(u64),
) -> Result<Vec<u8>, InputError> {
    let unreadable = |message: String| InputError::new(InputErrorKind::Unreadable, name, message);
    let bounded = |r: &mut dyn Read, what: &str| -> Result<Vec<u8>, InputError> {
        // room up front, so that a stream (a Helm render on a pipe) is not copied at every
        // doubling: untouched capacity costs no memory until it is written
        let mut buf = Vec::with_capacity(max.saturating_add(1).min(4 << 20));
        let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
        r.take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| unreadable(format!("cannot read {what}: {e}")))?;
        if buf.len() > max {
            return Err(InputError::new(InputErrorKind::Limit, name, too_large(max)));
        }
        Ok(buf)
    };
    if name == "-" {
        let bytes = bounded(&mut std::io::stdin().lock(), "standard input")?;
        if bytes.is_empty() {
            return Err(unreadable(
                "standard input is empty: nothing was piped in (or it was closed)".into(),
            ));
        }
        return Ok(bytes);
    }
    let meta =
        std::fs::metadata(name).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    if meta.is_dir() {
        return Err(unreadable(
            "is a directory, not a file (`-m DIR` reads a directory of manifests)".into(),
        ));
    }
    sized(meta.len());
    let mut file =
        std::fs::File::open(name).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    bounded(&mut file, "the file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_size_is_told_before_the_file_is_read() {
        let dir = std::env::temp_dir().join(format!("ai-sized-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("v.yaml");
        std::fs::write(&f, "a: b\n").unwrap();
        let mut told = None;
        let bytes = read_path_sized(f.to_str().unwrap(), 64, |n| told = Some(n)).unwrap();
        assert_eq!((told, bytes.as_slice()), (Some(5), b"a: b\n".as_slice()));
        // a file that cannot be read is not sized
        let mut told = None;
        assert!(
            read_path_sized(dir.join("none").to_str().unwrap(), 64, |n| told = Some(n)).is_err()
        );
        assert_eq!(told, None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_stops_at_the_limit_and_names_the_flag() {
        let e = read_path("/dev/zero", 1024).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Limit);
        assert!(e.message.contains("--max-file-bytes"), "{e}");
        let dir = std::env::temp_dir().join(format!("ai-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("v.yaml");
        std::fs::write(&f, "a: b\n").unwrap();
        let p = f.to_str().unwrap();
        assert_eq!(read_path(p, 5).unwrap(), b"a: b\n");
        assert_eq!(read_path(p, 4).unwrap_err().kind, InputErrorKind::Limit);
        let e = read_path(dir.to_str().unwrap(), 10).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Unreadable);
        let e = read_path(dir.join("missing").to_str().unwrap(), 10).unwrap_err();
        assert!(e.message.contains("cannot read the file"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
