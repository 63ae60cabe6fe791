//! Tests of the artifact cache on a temporary dir (local files stand in
//! for S3 objects: the same code path with another identity).

use super::*;

#[test]
fn keys_come_from_content_identity_and_are_file_names() {
    let s3 = |tag: Option<&str>, size| ObjectIdentity::S3 { e_tag: tag.map(String::from), size };
    assert_eq!(
        object_key(&s3(Some("\"9b2cf535f27731c974343645a3985328\""), 12)).unwrap(),
        "s3-9b2cf535f27731c974343645a3985328-12"
    );
    assert_eq!(object_key(&s3(Some("\"abc-3\""), 7)).unwrap(), "s3-abc-3-7");
    // Another size or tag: another key (a changed object is fetched again).
    assert_ne!(object_key(&s3(Some("abc"), 1)), object_key(&s3(Some("abc"), 2)));
    assert_ne!(object_key(&s3(Some("abc"), 1)), object_key(&s3(Some("abd"), 1)));
    assert_eq!(object_key(&s3(Some("a/b"), 1)).unwrap(), "s3-x612f62-1");
    assert_eq!(object_key(&s3(None, 1)), None);
    assert_eq!(object_key(&s3(Some("\"\""), 1)), None);
    let local = ObjectIdentity::Local { dev: 1, ino: 2, size: 3, mtime_ns: 4 };
    assert_eq!(object_key(&local).unwrap(), "local-1-2-3-4");
    assert_eq!(archive_key("s3-abc-1", "tar"), "s3-abc-1.tar");
}

#[tokio::test]
async fn a_second_stage_links_the_cached_object_and_a_change_refetches() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ArtifactCache::open(dir.path().join("cache"), 1 << 20).unwrap();
    let storage = ObjectStorage::new(None);
    let src = dir.path().join("job.py");
    std::fs::write(&src, b"print(1)").unwrap();
    let uri = src.display().to_string();
    let (work1, work2) = (dir.path().join("w1"), dir.path().join("w2"));
    let (link, staged) = cache.stage_into(&storage, &uri, &work1, None, &work1, Placement::Link).await.unwrap();
    assert!(matches!(staged, Staged::Fetched { .. }), "{staged:?}");
    assert_eq!(std::fs::read(&link).unwrap(), b"print(1)");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let (copy, staged) = cache.stage_into(&storage, &uri, &work2, None, &work2, Placement::Copy).await.unwrap();
    assert!(matches!(staged, Staged::Hit { .. }), "{staged:?}");
    assert!(std::fs::symlink_metadata(&copy).unwrap().file_type().is_file());
    assert_eq!(std::fs::read(&copy).unwrap(), b"print(1)");
    assert_eq!(cache.usage().downloads, 1);
    assert_eq!(cache.usage().hits, 1);
    // Replaced (new inode): fetched again.
    let tmp = dir.path().join("job.py.new");
    std::fs::write(&tmp, b"print(22)").unwrap();
    std::fs::rename(&tmp, &src).unwrap();
    let (link, staged) = cache.stage_into(&storage, &uri, &work2, None, &work2, Placement::Copy).await.unwrap();
    assert!(matches!(staged, Staged::Fetched { .. }), "{staged:?}");
    assert_eq!(std::fs::read(&link).unwrap(), b"print(22)");
}

#[tokio::test]
async fn entries_in_use_stay_and_released_ones_are_evicted_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ArtifactCache::open(dir.path().join("cache"), 10).unwrap();
    let storage = ObjectStorage::new(None);
    let work = dir.path().join("w");
    let mut links = Vec::new();
    for name in ["a", "b"] {
        let src = dir.path().join(name);
        std::fs::write(&src, b"12345678").unwrap();
        let (link, _) =
            cache.stage_into(&storage, &src.display().to_string(), &work, None, &work, Placement::Link).await.unwrap();
        links.push(link);
    }
    // Both leased: 16 bytes over a limit of 10, nothing evicted.
    assert_eq!(cache.usage().entries, 2);
    cache.release(&work);
    cache.evict();
    let usage = cache.usage();
    assert_eq!((usage.entries, usage.bytes, usage.evictions), (1, 8, 1));
    // An archive entry: adopted once, a second adopt of the same key keeps the first.
    let unpacked = dir.path().join("cache").join("archives").join(".x");
    std::fs::create_dir_all(&unpacked).unwrap();
    std::fs::write(unpacked.join("f"), b"1").unwrap();
    let entry = cache.adopt_archive("k.tar", &unpacked, &work).unwrap();
    assert!(entry.join("f").is_file());
    std::fs::create_dir_all(&unpacked).unwrap();
    std::fs::write(unpacked.join("g"), b"1").unwrap();
    assert_eq!(cache.adopt_archive("k.tar", &unpacked, &work).unwrap(), entry);
    assert!(!unpacked.exists() && !entry.join("g").exists());
    assert_eq!(cache.archive("k.tar", &work), Some(entry));
    assert_eq!(cache.archive("other.tar", &work), None);
}
