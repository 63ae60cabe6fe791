//! Staging of local artifacts, kept for callers without object storage.

use std::path::{Path, PathBuf};

use crate::{ObjectStorage, StorageError};

/// Copies a local (`file://` or path) artifact into `dest_dir`; `s3://` URIs
/// need [`ObjectStorage::stage_into`] with an endpoint.
pub async fn stage_into(uri: &str, dest_dir: &Path, file_name: Option<&str>) -> Result<PathBuf, StorageError> {
    ObjectStorage::new(None).stage_into(uri, dest_dir, file_name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stages_local_file_and_reports_missing() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("job.py");
        std::fs::write(&src, b"print(1)").unwrap();
        let work = dir.path().join("work");
        let staged = stage_into(&format!("file://{}", src.display()), &work, None).await.unwrap();
        assert_eq!(std::fs::read(&staged).unwrap(), b"print(1)");
        let missing = format!("file://{}/nope.py", dir.path().display());
        let err = stage_into(&missing, &work, None).await.unwrap_err();
        assert!(matches!(err, StorageError::NotFound { ref uri } if uri == &missing));
        let err = stage_into("s3://bucket/job.py", &work, None).await.unwrap_err();
        assert!(matches!(err, StorageError::NoS3Endpoint { .. }), "{err}");
    }
}
