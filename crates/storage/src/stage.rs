//! Staging of job artifacts into an attempt's work directory.

use std::path::{Path, PathBuf};

use crate::{Location, StorageError};

/// Copies the object at `uri` into `dest_dir` (under `file_name`, or the URI's
/// last segment) and returns the local path. A missing object is
/// [`StorageError::NotFound`] naming the URI.
pub async fn stage_into(uri: &str, dest_dir: &Path, file_name: Option<&str>) -> Result<PathBuf, StorageError> {
    let location = Location::parse(uri)?;
    let name = match file_name {
        Some(name) => name.to_string(),
        None => location
            .file_name()
            .ok_or_else(|| StorageError::InvalidUri { uri: uri.to_string(), reason: "no file name".into() })?,
    };
    let dest = dest_dir.join(&name);
    match &location {
        Location::Local(src) => {
            let meta = tokio::fs::metadata(src).await.map_err(|err| match err.kind() {
                std::io::ErrorKind::NotFound => StorageError::NotFound { uri: uri.to_string() },
                _ => StorageError::io("stat", src.display(), err),
            })?;
            if meta.is_dir() {
                return Err(StorageError::InvalidUri { uri: uri.to_string(), reason: "is a directory".into() });
            }
            tokio::fs::create_dir_all(dest_dir)
                .await
                .map_err(|err| StorageError::io("create work dir", dest_dir.display(), err))?;
            tokio::fs::copy(src, &dest).await.map_err(|err| StorageError::io("copy artifact", src.display(), err))?;
        }
    }
    Ok(dest)
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
    }
}
