//! The Git checkout a file is in, and its `origin`: Argo CD's `$ref/...` value files are read from
//! the local checkout only when the `ref` source's repository is that checkout's origin. Reads
//! `.git/config` directly (no `git` program needed); a worktree's `.git` file is followed.

use std::path::{Path, PathBuf};

/// A checkout: its top folder and its `origin` URL, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkout {
    pub root: PathBuf,
    pub origin: Option<String>,
}

/// The checkout that holds `file` (a path as given; relative paths start at the working folder).
pub fn checkout_of(file: &str) -> Option<Checkout> {
    let start = if file == "-" {
        std::env::current_dir().ok()?
    } else {
        let p = Path::new(file);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(p)
        };
        abs.parent()?.to_path_buf()
    };
    let mut dir = Some(start.as_path());
    // bounded: a path has finitely many parents, and no more than this in practice
    for _ in 0..256 {
        let d = dir?;
        let dot = d.join(".git");
        if let Ok(meta) = std::fs::symlink_metadata(&dot) {
            let config = if meta.is_dir() {
                Some(dot.join("config"))
            } else {
                worktree_config(&dot, d)
            };
            let origin = config
                .and_then(|c| std::fs::read_to_string(c).ok())
                .and_then(|text| origin_url(&text))
                .map(|u| normalize_url(&u));
            return Some(Checkout {
                root: d.to_path_buf(),
                origin,
            });
        }
        dir = d.parent();
    }
    None
}

/// A worktree's `.git` file says `gitdir: PATH`; its config is in the common dir.
fn worktree_config(dot: &Path, dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(dot).ok()?;
    let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    let gitdir = dir.join(gitdir);
    let common = std::fs::read_to_string(gitdir.join("commondir"))
        .ok()
        .map(|c| gitdir.join(c.trim()))
        .unwrap_or(gitdir);
    Some(common.join("config"))
}

/// The `url` of `[remote "origin"]` in a Git config.
pub fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_origin = t.replace(' ', "") == "[remote\"origin\"]";
            continue;
        }
        if in_origin
            && let Some((k, v)) = t.split_once('=')
            && k.trim() == "url"
        {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// A repository URL as `host/owner/name`: the https, ssh (`ssh://` and `git@host:`) and `.git`
/// forms of one repository are equal; case is ignored (hosts are case-insensitive, and Argo CD
/// lowercases repository URLs too).
pub fn normalize_url(url: &str) -> String {
    let mut u = url.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://", "ssh://", "git://", "git+ssh://"] {
        if let Some(rest) = u.strip_prefix(scheme) {
            u = rest.to_string();
            break;
        }
    }
    // user@host
    if let Some((user, rest)) = u.split_once('@')
        && !user.contains('/')
    {
        u = rest.to_string();
    }
    // host:owner/name (scp-like ssh) or host:port/owner/name
    if let Some((host, rest)) = u.split_once(':')
        && !host.contains('/')
    {
        let rest = match rest.split_once('/') {
            Some((port, tail)) if port.chars().all(|c| c.is_ascii_digit()) => tail,
            _ => rest,
        };
        u = format!("{host}/{rest}");
    }
    let u = u.trim_end_matches('/');
    u.strip_suffix(".git").unwrap_or(u).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_repository_in_every_url_form_is_one_name() {
        let want = "github.com/acme/platform";
        for url in [
            "https://github.com/acme/platform.git",
            "https://github.com/Acme/Platform",
            "git@github.com:acme/platform.git",
            "ssh://git@github.com/acme/platform.git",
            "ssh://git@github.com:22/acme/platform",
            "https://github.com/acme/platform/",
        ] {
            assert_eq!(normalize_url(url), want, "{url}");
        }
        assert_ne!(normalize_url("https://github.com/acme/other"), want);
    }

    #[test]
    fn the_origin_is_read_from_the_config() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://x/y\n[remote \"origin\"]\n\turl = git@github.com:acme/platform.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            origin_url(config).as_deref(),
            Some("git@github.com:acme/platform.git")
        );
        assert_eq!(origin_url("[core]\n"), None);
    }

    #[test]
    fn a_checkout_is_found_above_a_file() {
        let dir = std::env::temp_dir().join(format!("ai-git-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::create_dir_all(dir.join("apps/airbyte")).unwrap();
        std::fs::write(
            dir.join(".git/config"),
            "[remote \"origin\"]\n\turl = https://github.com/acme/gitops.git\n",
        )
        .unwrap();
        let file = dir.join("apps/airbyte/app.yaml");
        let c = checkout_of(file.to_str().unwrap()).unwrap();
        assert_eq!(c.root, dir);
        assert_eq!(c.origin.as_deref(), Some("github.com/acme/gitops"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
