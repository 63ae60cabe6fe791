//! Which artifact-cache entries to evict: a pure function of the entries and
//! the limit, so the policy is tested without a disk.
//!
//! Least recently used first (an entry's mtime is touched on every use), and
//! never an entry a live attempt links: removing it would pull a venv from
//! under a running driver. So the cache may stay above its limit while the
//! entries in use alone exceed it; it is bounded by the limit plus what live
//! runs use.

use std::time::SystemTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `objects/<key>` or `archives/<key>`.
    pub id: String,
    pub bytes: u64,
    pub last_used: SystemTime,
    pub in_use: bool,
}

/// The ids to remove, oldest first, so that the rest fits in `limit` bytes
/// as far as entries not in use allow.
pub fn plan_evictions(entries: &[Entry], limit: u64) -> Vec<String> {
    let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
    if total <= limit {
        return Vec::new();
    }
    let mut candidates: Vec<&Entry> = entries.iter().filter(|e| !e.in_use).collect();
    // Ties broken by id, so the plan does not depend on listing order.
    candidates.sort_by(|a, b| a.last_used.cmp(&b.last_used).then_with(|| a.id.cmp(&b.id)));
    let mut chosen = Vec::new();
    for entry in candidates {
        if total <= limit {
            break;
        }
        total -= entry.bytes;
        chosen.push(entry.id.clone());
    }
    chosen
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;

    fn entry(id: &str, bytes: u64, age_secs: u64, in_use: bool) -> Entry {
        let last_used = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 - age_secs);
        Entry { id: id.into(), bytes, last_used, in_use }
    }

    #[test]
    fn oldest_unused_entries_go_until_the_rest_fits() {
        let entries = [
            entry("objects/new", 40, 1, false),
            entry("archives/old", 50, 100, false),
            entry("objects/busy-oldest", 30, 1000, true),
            entry("objects/middle", 20, 50, false),
        ];
        assert_eq!(plan_evictions(&entries, 200), Vec::<String>::new());
        assert_eq!(plan_evictions(&entries, 90), ["archives/old"]);
        assert_eq!(plan_evictions(&entries, 70), ["archives/old", "objects/middle"]);
        // Only the entry in use is left above the limit: it stays.
        assert_eq!(plan_evictions(&entries, 0), ["archives/old", "objects/middle", "objects/new"]);
    }

    fn entries() -> impl Strategy<Value = Vec<Entry>> {
        prop::collection::vec((0u64..1000, 0u64..100, any::<bool>()), 0..12).prop_map(|items| {
            items
                .into_iter()
                .enumerate()
                .map(|(i, (bytes, age, in_use))| entry(&format!("e{i}"), bytes, age, in_use))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn what_is_left_fits_or_is_all_in_use(entries in entries(), limit in 0u64..5000) {
            let chosen = plan_evictions(&entries, limit);
            let left: Vec<&Entry> = entries.iter().filter(|e| !chosen.contains(&e.id)).collect();
            let left_bytes: u64 = left.iter().map(|e| e.bytes).sum();
            prop_assert!(chosen.iter().all(|id| entries.iter().any(|e| &e.id == id && !e.in_use)));
            // Over the limit only when nothing but entries in use is left.
            prop_assert!(left_bytes <= limit || left.iter().all(|e| e.in_use));
            // Nothing evicted that was needed: without the newest evicted
            // entry's removal the rest would not have fit.
            if let Some(last) = chosen.last() {
                let last = entries.iter().find(|e| &e.id == last).unwrap();
                prop_assert!(left_bytes + last.bytes > limit);
                // LRU: no entry left unused is older than one evicted.
                for kept in left.iter().filter(|e| !e.in_use) {
                    prop_assert!(kept.last_used >= last.last_used);
                }
            }
        }
    }
}
