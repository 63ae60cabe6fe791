//! The `s3s::S3` trait implementation: a thin table from S3 operations to the
//! backend methods in the `ops_*` modules.
//!
//! Kept separate so the operation modules stay plain `async fn`s over DTOs
//! (easy to test and to read) and this file shows at a glance which S3
//! operations the endpoint supports; everything not listed here answers
//! NotImplemented through the trait's defaults.

use s3s::dto::*;
use s3s::{S3Request, S3Response, S3Result, S3};

use crate::FsBackend;

fn ok<T>(output: T) -> S3Result<S3Response<T>> {
    Ok(S3Response::new(output))
}

#[async_trait::async_trait]
impl S3 for FsBackend {
    async fn create_bucket(&self, req: S3Request<CreateBucketInput>) -> S3Result<S3Response<CreateBucketOutput>> {
        ok(self.do_create_bucket(req.input).await?)
    }

    async fn delete_bucket(&self, req: S3Request<DeleteBucketInput>) -> S3Result<S3Response<DeleteBucketOutput>> {
        ok(self.do_delete_bucket(req.input).await?)
    }

    async fn head_bucket(&self, req: S3Request<HeadBucketInput>) -> S3Result<S3Response<HeadBucketOutput>> {
        ok(self.do_head_bucket(req.input).await?)
    }

    async fn list_buckets(&self, _req: S3Request<ListBucketsInput>) -> S3Result<S3Response<ListBucketsOutput>> {
        ok(self.do_list_buckets().await?)
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        ok(self.do_get_bucket_location(req.input).await?)
    }

    async fn put_object(&self, req: S3Request<PutObjectInput>) -> S3Result<S3Response<PutObjectOutput>> {
        ok(self.do_put_object(req).await?)
    }

    async fn get_object(&self, req: S3Request<GetObjectInput>) -> S3Result<S3Response<GetObjectOutput>> {
        ok(self.do_get_object(req.input).await?)
    }

    async fn head_object(&self, req: S3Request<HeadObjectInput>) -> S3Result<S3Response<HeadObjectOutput>> {
        ok(self.do_head_object(req.input).await?)
    }

    async fn delete_object(&self, req: S3Request<DeleteObjectInput>) -> S3Result<S3Response<DeleteObjectOutput>> {
        ok(self.do_delete_object(req.input).await?)
    }

    async fn delete_objects(&self, req: S3Request<DeleteObjectsInput>) -> S3Result<S3Response<DeleteObjectsOutput>> {
        let access_key = req.credentials.as_ref().map(|c| c.access_key.clone()).unwrap_or_default();
        let authorizer = self.authorizer.clone();
        let bucket = req.input.bucket.clone();
        let context = crate::access::source_context(req.extensions.get::<sparkplane_http::Peer>());
        let may_delete = move |key: &str| match &authorizer {
            Some(authorizer) => crate::access::decide(
                authorizer,
                &access_key,
                "s3:DeleteObject",
                &crate::access::object_arn(&bucket, key),
                &context,
            ),
            None => Ok(()),
        };
        ok(self.do_delete_objects(req.input, &may_delete).await?)
    }

    async fn copy_object(&self, req: S3Request<CopyObjectInput>) -> S3Result<S3Response<CopyObjectOutput>> {
        ok(self.do_copy_object(req.input).await?)
    }

    async fn list_objects(&self, req: S3Request<ListObjectsInput>) -> S3Result<S3Response<ListObjectsOutput>> {
        ok(self.do_list_objects(req.input).await?)
    }

    async fn list_objects_v2(&self, req: S3Request<ListObjectsV2Input>) -> S3Result<S3Response<ListObjectsV2Output>> {
        ok(self.do_list_objects_v2(req.input).await?)
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        ok(self.do_create_multipart_upload(req.input).await?)
    }

    async fn upload_part(&self, req: S3Request<UploadPartInput>) -> S3Result<S3Response<UploadPartOutput>> {
        ok(self.do_upload_part(req).await?)
    }

    async fn upload_part_copy(
        &self,
        req: S3Request<UploadPartCopyInput>,
    ) -> S3Result<S3Response<UploadPartCopyOutput>> {
        ok(self.do_upload_part_copy(req.input).await?)
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        ok(self.do_complete_multipart_upload(req.input).await?)
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        ok(self.do_abort_multipart_upload(req.input).await?)
    }

    async fn list_parts(&self, req: S3Request<ListPartsInput>) -> S3Result<S3Response<ListPartsOutput>> {
        ok(self.do_list_parts(req.input).await?)
    }

    async fn list_multipart_uploads(
        &self,
        req: S3Request<ListMultipartUploadsInput>,
    ) -> S3Result<S3Response<ListMultipartUploadsOutput>> {
        ok(self.do_list_multipart_uploads(req.input).await?)
    }
}
