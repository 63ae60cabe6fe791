//! Which local paths an API caller may name.
//!
//! `file://` and plain paths in a request (a `logUri`, an entry point, a
//! dependency, a HIVE query file) are read or written by the server with its
//! own filesystem access, so they are accepted only under directories the
//! server's configuration lists. The check resolves the path first: `..`
//! and symlinks cannot lead out of an allowed directory.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The canonical form of the absolute `path`, which need not exist yet (a
/// log folder is created on first write): its deepest existing ancestor with
/// symlinks and `..` resolved, then the remaining names. `None` for a
/// relative path, a `..` below a missing directory (it could not be
/// resolved), or an existing entry that cannot be resolved (a dangling
/// symlink, no permission).
pub fn resolve_local_path(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut existing = path.to_path_buf();
    let mut missing: Vec<OsString> = Vec::new();
    loop {
        match std::fs::symlink_metadata(&existing) {
            Ok(_) => break,
            Err(err) if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                // `file_name` is None for a path ending in `..`.
                missing.push(existing.file_name()?.to_os_string());
                if !existing.pop() {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).ok()?;
    for name in missing.into_iter().rev() {
        if Path::new(&name).components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        resolved.push(name);
    }
    Some(resolved)
}

/// Whether `path` lies, once resolved, inside one of `allowed_dirs` (which
/// are resolved the same way; one that does not exist allows nothing).
///
/// This is the configuration half of the decision; a policy check of the
/// caller's principal can be combined with it by the caller.
pub fn local_path_allowed(allowed_dirs: &[PathBuf], path: &Path) -> bool {
    let Some(target) = resolve_local_path(path) else {
        return false;
    };
    allowed_dirs.iter().filter_map(|dir| std::fs::canonicalize(dir).ok()).any(|dir| target.starts_with(&dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let allowed = root.path().join("allowed");
        let outside = root.path().join("outside");
        std::fs::create_dir_all(allowed.join("code")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(allowed.join("code/job.py"), "print(1)").unwrap();
        std::fs::write(outside.join("secret"), "x").unwrap();
        (root, allowed, outside)
    }

    #[test]
    fn paths_inside_an_allowed_dir_are_allowed_even_if_missing() {
        let (_root, allowed, _) = setup();
        let dirs = vec![allowed.clone()];
        assert!(local_path_allowed(&dirs, &allowed.join("code/job.py")));
        assert!(local_path_allowed(&dirs, &allowed));
        assert!(local_path_allowed(&dirs, &allowed.join("logs/new/folder/")));
        assert!(local_path_allowed(&dirs, &allowed.join("code/../code/job.py")));
    }

    #[test]
    fn paths_outside_are_refused() {
        let (_root, allowed, outside) = setup();
        let dirs = vec![allowed.clone()];
        assert!(!local_path_allowed(&dirs, &outside.join("secret")));
        assert!(!local_path_allowed(&dirs, Path::new("/tmp/x")));
        assert!(!local_path_allowed(&dirs, Path::new("/")));
        assert!(!local_path_allowed(&[], &allowed.join("code/job.py")), "no dirs: nothing allowed");
        // A sibling whose name starts like the allowed dir.
        let sibling = allowed.with_file_name("allowed-not");
        std::fs::create_dir_all(&sibling).unwrap();
        assert!(!local_path_allowed(&dirs, &sibling.join("f")));
    }

    #[test]
    fn dot_dot_cannot_escape() {
        let (_root, allowed, outside) = setup();
        let dirs = vec![allowed.clone()];
        assert!(!local_path_allowed(&dirs, &allowed.join("../outside/secret")));
        assert!(!local_path_allowed(&dirs, &allowed.join("code/../../outside/secret")));
        // Through directories that do not exist yet: cannot be resolved, refused.
        assert!(!local_path_allowed(&dirs, &allowed.join("missing/../../outside/secret")));
        assert!(!local_path_allowed(&dirs, &allowed.join("missing/..")));
        assert!(local_path_allowed(std::slice::from_ref(&outside), &allowed.join("../outside/secret")));
    }

    #[test]
    fn symlinks_are_resolved() {
        let (_root, allowed, outside) = setup();
        let dirs = vec![allowed.clone()];
        std::os::unix::fs::symlink(&outside, allowed.join("escape")).unwrap();
        assert!(!local_path_allowed(&dirs, &allowed.join("escape/secret")));
        assert!(!local_path_allowed(&dirs, &allowed.join("escape/new-log-dir/")));
        // A dangling link could be created through later: refused.
        std::os::unix::fs::symlink(outside.join("nope"), allowed.join("dangling")).unwrap();
        assert!(!local_path_allowed(&dirs, &allowed.join("dangling")));
        assert!(!local_path_allowed(&dirs, &allowed.join("dangling/x")));
        // An allowed dir named through a symlink still allows its contents.
        let link = allowed.with_file_name("link-to-allowed");
        std::os::unix::fs::symlink(&allowed, &link).unwrap();
        assert!(local_path_allowed(std::slice::from_ref(&link), &allowed.join("code/job.py")));
        assert!(local_path_allowed(&dirs, &link.join("code/job.py")));
    }

    #[test]
    fn relative_paths_are_refused() {
        let (_root, allowed, _) = setup();
        assert!(!local_path_allowed(&[allowed], Path::new("code/job.py")));
    }
}
