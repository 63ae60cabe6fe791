//! Listing a bucket directory in S3 key order, one page at a time.
//!
//! S3 lists keys in byte order. A depth-first walk that visits each
//! directory's children sorted by name, with directories sorted as if their
//! name ended in '/', produces exactly that order: every key under `d/`
//! starts with `d/`, and that is how the directory compares to its siblings.
//! Because the walk is already sorted it can stop as soon as a page is full,
//! skip subtrees that lie entirely before the continuation point or outside
//! the prefix, and, for the usual '/' delimiter, report a subdirectory as a
//! common prefix without descending into it.
//!
//! Directories show up as directory-marker keys (`dir/`) when they have a
//! marker sidecar (someone PUT `dir/`) or are empty; a non-empty directory
//! without a marker is just a prefix, as in S3.

use std::io;
use std::path::{Path, PathBuf};

/// One item of a sorted walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A key; `marker` if it is a directory marker backed by a directory.
    Object { key: String, marker: bool },
    /// A whole subtree already rolled up into a common prefix.
    Prefix(String),
}

#[derive(Debug)]
struct Child {
    name: String,
    is_dir: bool,
}

impl Child {
    /// The bytes this child sorts by: directories as `name/`.
    fn sort_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.name.bytes().chain(self.is_dir.then_some(b'/'))
    }
}

/// Children of `dir` in S3 order. Symlinks and special files are skipped: a
/// symlink could point anywhere, and the walk must never leave the bucket.
fn read_children(dir: &Path) -> io::Result<Vec<Child>> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_type = entry.file_type()?;
        if !(file_type.is_file() || file_type.is_dir()) {
            continue;
        }
        let Ok(name) = entry.file_name().into_string() else {
            tracing::warn!(dir = %dir.display(), "skipping non-UTF-8 file name; it cannot be an S3 key");
            continue;
        };
        children.push(Child { name, is_dir: file_type.is_dir() });
    }
    children.sort_by(|a, b| a.sort_bytes().cmp(b.sort_bytes()));
    Ok(children)
}

struct Frame {
    /// Key prefix of this directory: "" for the bucket, otherwise ending in '/'.
    prefix: String,
    children: std::vec::IntoIter<Child>,
}

/// Depth-first, sorted walk of a bucket directory.
pub(crate) struct Walker<'a> {
    bucket_dir: PathBuf,
    prefix: &'a str,
    resume: Option<&'a str>,
    rollup_slash: bool,
    has_marker: &'a dyn Fn(&str) -> bool,
    stack: Vec<Frame>,
    started: bool,
}

impl<'a> Walker<'a> {
    /// `resume` is the exclusive start (start-after / continuation token);
    /// `rollup_slash` when the delimiter is "/"; `has_marker` says whether a
    /// directory key (ending in '/') has a marker sidecar.
    pub(crate) fn new(
        bucket_dir: PathBuf,
        prefix: &'a str,
        resume: Option<&'a str>,
        rollup_slash: bool,
        has_marker: &'a dyn Fn(&str) -> bool,
    ) -> Self {
        Walker { bucket_dir, prefix, resume, rollup_slash, has_marker, stack: Vec::new(), started: false }
    }

    fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        if !self.started {
            self.started = true;
            let children = read_children(&self.bucket_dir)?;
            self.stack.push(Frame { prefix: String::new(), children: children.into_iter() });
        }
        loop {
            let Some(frame) = self.stack.last_mut() else { return Ok(None) };
            let Some(child) = frame.children.next() else {
                self.stack.pop();
                continue;
            };
            let mut key = format!("{}{}", frame.prefix, child.name);
            if child.is_dir {
                key.push('/');
            }
            let related = key.starts_with(self.prefix) || (child.is_dir && self.prefix.starts_with(key.as_str()));
            if !related {
                if key.as_str() > self.prefix {
                    // Sorted walk: everything from here on is past the prefix.
                    self.stack.clear();
                    return Ok(None);
                }
                continue;
            }
            if let Some(r) = self.resume {
                // Every key below `key` starts with it; if the resume point is
                // greater without sharing that start, the whole subtree is behind us.
                if (child.is_dir && r > key.as_str() && !r.starts_with(key.as_str()))
                    || (!child.is_dir && key.as_str() <= r)
                {
                    continue;
                }
            }
            if !child.is_dir {
                return Ok(Some(Entry::Object { key, marker: false }));
            }
            if self.rollup_slash && key.starts_with(self.prefix) && key.len() > self.prefix.len() {
                // The parent was not rolled up, so the prefix ends inside this
                // directory's name and the common prefix is the directory itself.
                // (A directory equal to the prefix is listed, not rolled up.)
                return Ok(Some(Entry::Prefix(key)));
            }
            let dir = self.bucket_dir.join(key.trim_end_matches('/'));
            let children = match read_children(&dir) {
                Ok(c) => c,
                // Deleted while we walked: it simply isn't there any more.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let marker = children.is_empty() || (self.has_marker)(&key);
            self.stack.push(Frame { prefix: key.clone(), children: children.into_iter() });
            if marker {
                return Ok(Some(Entry::Object { key, marker: true }));
            }
        }
    }
}

impl Iterator for Walker<'_> {
    type Item = io::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry().transpose()
    }
}

/// One page of a listing.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Page {
    /// Keys, with whether each is a directory marker.
    pub objects: Vec<(String, bool)>,
    pub prefixes: Vec<String>,
    pub truncated: bool,
    /// Resume point for the next page: the last key or prefix returned.
    pub next: Option<String>,
}

impl Page {
    pub(crate) fn count(&self) -> usize {
        self.objects.len() + self.prefixes.len()
    }
}

/// Applies S3 listing semantics to a sorted entry stream: prefix filter,
/// delimiter roll-up, exclusive resume point (entries, keys or common
/// prefixes, not greater than it are skipped) and the page size.
pub(crate) fn paginate(
    entries: impl Iterator<Item = io::Result<Entry>>,
    prefix: &str,
    delimiter: Option<&str>,
    resume: Option<&str>,
    max_keys: usize,
) -> io::Result<Page> {
    let delimiter = delimiter.filter(|d| !d.is_empty());
    let mut page = Page::default();
    for entry in entries {
        let (name, is_prefix, marker) = match entry? {
            Entry::Object { key, marker } => (key, false, marker),
            Entry::Prefix(p) => (p, true, false),
        };
        if !name.starts_with(prefix) {
            continue;
        }
        let (name, is_prefix) = match delimiter {
            Some(d) if !is_prefix => match name[prefix.len()..].find(d) {
                Some(i) => (name[..prefix.len() + i + d.len()].to_owned(), true),
                None => (name, false),
            },
            _ => (name, is_prefix),
        };
        if resume.is_some_and(|r| name.as_str() <= r) {
            continue;
        }
        if is_prefix && page.prefixes.last() == Some(&name) {
            continue;
        }
        if page.count() >= max_keys {
            page.truncated = max_keys > 0;
            break;
        }
        page.next = Some(name.clone());
        if is_prefix {
            page.prefixes.push(name);
        } else {
            page.objects.push((name, marker));
        }
    }
    if !page.truncated {
        page.next = None;
    }
    Ok(page)
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
