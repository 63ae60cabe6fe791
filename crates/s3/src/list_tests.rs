//! Tests for [`super`]: ordering, prefixes, delimiters and pagination.

use super::*;

fn tree(keys: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for key in keys {
        let path = dir.path().join(key.trim_end_matches('/'));
        if key.ends_with('/') {
            std::fs::create_dir_all(path).unwrap();
        } else {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, key.as_bytes()).unwrap();
        }
    }
    dir
}

fn list(
    dir: &Path,
    prefix: &str,
    delimiter: Option<&str>,
    resume: Option<&str>,
    max: usize,
    markers: &dyn Fn(&str) -> bool,
) -> Page {
    let walker = Walker::new(dir.to_path_buf(), prefix, resume, delimiter == Some("/"), markers);
    paginate(walker, prefix, delimiter, resume, max).unwrap()
}

fn keys(page: &Page) -> Vec<&str> {
    page.objects.iter().map(|(k, _)| k.as_str()).collect()
}

const NONE: &dyn Fn(&str) -> bool = &|_| false;

#[test]
fn walk_is_in_byte_order() {
    let names = ["a-b", "a/b", "a/c/d", "a0", "a!", "b", "A", "a/b-c", "a/b.c", "z/y/x", "é"];
    let dir = tree(&names);
    let page = list(dir.path(), "", None, None, 1000, NONE);
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(keys(&page), expected);
    assert!(!page.truncated);
    assert_eq!(page.next, None);
}

#[test]
fn prefix_filters_and_stops() {
    let dir = tree(&["logs/1", "logs/2", "logsx", "data/a", "data/b/c", "zz"]);
    assert_eq!(keys(&list(dir.path(), "data/", None, None, 1000, NONE)), ["data/a", "data/b/c"]);
    assert_eq!(keys(&list(dir.path(), "logs", None, None, 1000, NONE)), ["logs/1", "logs/2", "logsx"]);
    assert_eq!(keys(&list(dir.path(), "data/b", None, None, 1000, NONE)), ["data/b/c"]);
    assert!(keys(&list(dir.path(), "nope", None, None, 1000, NONE)).is_empty());
}

#[test]
fn slash_delimiter_rolls_up_directories() {
    let dir = tree(&["a/1", "a/2/x", "b", "c/d/e", "c/f"]);
    let page = list(dir.path(), "", Some("/"), None, 1000, NONE);
    assert_eq!(keys(&page), ["b"]);
    assert_eq!(page.prefixes, ["a/", "c/"]);

    let page = list(dir.path(), "c/", Some("/"), None, 1000, NONE);
    assert_eq!(keys(&page), ["c/f"]);
    assert_eq!(page.prefixes, ["c/d/"]);

    // A prefix ending mid-name still groups at the next '/'.
    let page = list(dir.path(), "c/d", Some("/"), None, 1000, NONE);
    assert_eq!(page.prefixes, ["c/d/"]);
}

#[test]
fn other_delimiters_work_on_the_full_key() {
    let dir = tree(&["2024-01/x", "2024-02/y", "2025-01/z", "other"]);
    let page = list(dir.path(), "", Some("-"), None, 1000, NONE);
    assert_eq!(page.prefixes, ["2024-", "2025-"]);
    assert_eq!(keys(&page), ["other"]);
}

#[test]
fn pagination_visits_everything_once() {
    let names: Vec<String> = (0..23).map(|i| format!("d{}/f{i:02}", i % 4)).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let dir = tree(&refs);
    let mut all = Vec::new();
    let mut resume: Option<String> = None;
    loop {
        let page = list(dir.path(), "", None, resume.as_deref(), 5, NONE);
        assert!(page.count() <= 5);
        all.extend(keys(&page).into_iter().map(str::to_owned));
        if !page.truncated {
            break;
        }
        resume = page.next;
    }
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(all, expected);
}

#[test]
fn pagination_with_common_prefixes() {
    let dir = tree(&["a/1", "a/2", "b", "c/1", "d", "e/x/y"]);
    let p1 = list(dir.path(), "", Some("/"), None, 2, NONE);
    assert_eq!((keys(&p1), p1.prefixes.clone()), (vec!["b"], vec!["a/".to_owned()]));
    assert!(p1.truncated);
    assert_eq!(p1.next.as_deref(), Some("b"));
    let p2 = list(dir.path(), "", Some("/"), p1.next.as_deref(), 2, NONE);
    assert_eq!((keys(&p2), p2.prefixes.clone()), (vec!["d"], vec!["c/".to_owned()]));
    let p3 = list(dir.path(), "", Some("/"), p2.next.as_deref(), 2, NONE);
    assert_eq!(p3.prefixes, ["e/"]);
    assert!(!p3.truncated);
    // Resuming right after a common prefix skips everything under it.
    let p = list(dir.path(), "", Some("/"), Some("a/"), 10, NONE);
    assert_eq!(p.prefixes, ["c/", "e/"]);
    // Same with a non-'/' delimiter, where the walker can't prune.
    let p = list(dir.path(), "", Some("1"), Some("a/1"), 10, NONE);
    assert_eq!(keys(&p), ["a/2", "b", "d", "e/x/y"]);
}

#[test]
fn start_after_skips_subtrees() {
    let dir = tree(&["a/1", "a/2", "b/1", "b/2", "c"]);
    assert_eq!(keys(&list(dir.path(), "", None, Some("a/2"), 10, NONE)), ["b/1", "b/2", "c"]);
    assert_eq!(keys(&list(dir.path(), "", None, Some("b"), 10, NONE)), ["b/1", "b/2", "c"]);
    assert_eq!(keys(&list(dir.path(), "", None, Some("b0"), 10, NONE)), ["c"]);
}

#[test]
fn directory_markers() {
    let dir = tree(&["empty/", "full/x", "marked/y"]);
    let markers = |k: &str| k == "marked/";
    let page = list(dir.path(), "", None, None, 100, &markers);
    assert_eq!(keys(&page), ["empty/", "full/x", "marked/", "marked/y"]);
    assert_eq!(page.objects.iter().filter(|(_, m)| *m).count(), 2);
    // With the '/' delimiter markers roll into their prefix like any key.
    let page = list(dir.path(), "", Some("/"), None, 100, &markers);
    assert_eq!(page.prefixes, ["empty/", "full/", "marked/"]);
    let page = list(dir.path(), "marked/", Some("/"), None, 100, &markers);
    assert_eq!(keys(&page), ["marked/", "marked/y"]);
}

#[test]
fn zero_max_keys() {
    let dir = tree(&["a"]);
    let page = list(dir.path(), "", None, None, 0, NONE);
    assert_eq!(page.count(), 0);
    assert!(!page.truncated);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_listed() {
    let dir = tree(&["a"]);
    std::os::unix::fs::symlink("/etc", dir.path().join("etc")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("host")).unwrap();
    assert_eq!(keys(&list(dir.path(), "", None, None, 100, NONE)), ["a"]);
}
