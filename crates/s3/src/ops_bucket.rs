//! Bucket operations: a bucket is a directory directly under the root.

use std::io;

use s3s::dto::{
    Bucket, BucketLocationConstraint, CreateBucketInput, CreateBucketOutput, DeleteBucketInput, DeleteBucketOutput,
    GetBucketLocationInput, GetBucketLocationOutput, HeadBucketInput, HeadBucketOutput, ListBucketsOutput, Timestamp,
};
use s3s::{S3Error, S3ErrorCode};

use crate::error::io_err;
use crate::keys::is_valid_bucket_name;
use crate::FsBackend;

impl FsBackend {
    pub(crate) async fn do_create_bucket(&self, input: CreateBucketInput) -> Result<CreateBucketOutput, S3Error> {
        let path = self.layout.bucket_path(&input.bucket)?;
        match tokio::fs::create_dir(&path).await {
            Ok(()) => Ok(CreateBucketOutput { location: Some(format!("/{}", input.bucket)) }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(S3Error::with_message(
                S3ErrorCode::BucketAlreadyOwnedByYou,
                format!(
                    "Your previous request to create the named bucket succeeded and you already own it: {}",
                    input.bucket
                ),
            )),
            Err(e) => Err(io_err("create bucket", &path)(e)),
        }
    }

    pub(crate) async fn do_delete_bucket(&self, input: DeleteBucketInput) -> Result<DeleteBucketOutput, S3Error> {
        let dir = self.layout.bucket_dir(&input.bucket).await?;
        let not_empty =
            || S3Error::with_message(S3ErrorCode::BucketNotEmpty, "The bucket you tried to delete is not empty");
        let mut entries = tokio::fs::read_dir(&dir).await.map_err(io_err("read bucket", &dir))?;
        if entries.next_entry().await.map_err(io_err("read bucket", &dir))?.is_some() {
            return Err(not_empty());
        }
        match tokio::fs::remove_dir(&dir).await {
            Ok(()) => {}
            // Someone wrote an object between the check and the removal.
            Err(e) if e.kind() == io::ErrorKind::DirectoryNotEmpty => return Err(not_empty()),
            Err(e) => return Err(io_err("remove bucket", &dir)(e)),
        }
        // The bucket is gone; its sidecars and unfinished uploads are garbage now.
        let meta_dir = self.layout.meta_bucket_dir(&input.bucket);
        if let Err(e) = tokio::fs::remove_dir_all(&meta_dir).await {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %meta_dir.display(), error = %e, "could not remove metadata of deleted bucket");
            }
        }
        self.remove_uploads_of_bucket(&input.bucket).await;
        Ok(DeleteBucketOutput {})
    }

    pub(crate) async fn do_head_bucket(&self, input: HeadBucketInput) -> Result<HeadBucketOutput, S3Error> {
        self.layout.bucket_dir(&input.bucket).await?;
        Ok(HeadBucketOutput { bucket_region: Some(self.region.to_string()), ..Default::default() })
    }

    pub(crate) async fn do_get_bucket_location(
        &self,
        input: GetBucketLocationInput,
    ) -> Result<GetBucketLocationOutput, S3Error> {
        self.layout.bucket_dir(&input.bucket).await?;
        // S3 reports us-east-1 as an empty constraint, and clients expect that.
        let location_constraint =
            (&*self.region != "us-east-1").then(|| BucketLocationConstraint::from(self.region.to_string()));
        Ok(GetBucketLocationOutput { location_constraint })
    }

    pub(crate) async fn do_list_buckets(&self) -> Result<ListBucketsOutput, S3Error> {
        let root = self.layout.root();
        let mut entries = tokio::fs::read_dir(root).await.map_err(io_err("read root", root))?;
        let mut buckets = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(io_err("read root", root))? {
            let Ok(name) = entry.file_name().into_string() else { continue };
            // Skips `.sparkplane` and anything else that is not a bucket.
            if !is_valid_bucket_name(&name) {
                continue;
            }
            // Follows symlinks on purpose: an operator may link a bucket to another disk.
            let Ok(meta) = tokio::fs::metadata(entry.path()).await else { continue };
            if !meta.is_dir() {
                continue;
            }
            let created = meta.created().or_else(|_| meta.modified()).ok().map(Timestamp::from);
            buckets.push(Bucket {
                name: Some(name),
                creation_date: created,
                bucket_region: Some(self.region.to_string()),
            });
        }
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(ListBucketsOutput { buckets: Some(buckets), ..Default::default() })
    }
}
