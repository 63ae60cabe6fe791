//! How `s3://` and `s3a://` paths work inside a Spark job.
//!
//! With the embedded endpoint, every bucket is a directory on this host, so
//! Hadoop can read and write it directly: `ViewFileSystemOverloadScheme`
//! takes over the `s3`/`s3a` schemes and each bucket's mount table falls back
//! to its directory through a raw local filesystem (no `.crc` side files). Paths
//! keep their `s3://bucket/key` form in listings, `input_file_name()` and
//! output. Buckets are mounted when the attempt launches; a bucket created
//! later is not visible to that attempt.
//!
//! With an external S3 service, the job needs Hadoop's S3A connector
//! (hadoop-aws and the AWS SDK bundle, e.g. via `--jars`), and sparkplane
//! passes the endpoint through `spark.hadoop.fs.s3a.*` and the credentials
//! through the environment, where S3A's default provider chain finds them.

use std::path::Path;

const VIEWFS: &str = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme";
/// A scheme name of our own for the raw local filesystem, so that the
/// checksumming `file://` filesystem (which writes `.crc` files) is not used.
const RAW_SCHEME: &str = "sparkplanefs";

/// Spark properties mounting each bucket directory under `store_root`.
pub fn embedded_store_conf(store_root: &Path) -> Vec<(String, String)> {
    let mut conf = vec![
        ("spark.hadoop.fs.s3.impl".to_string(), VIEWFS.to_string()),
        ("spark.hadoop.fs.s3a.impl".to_string(), VIEWFS.to_string()),
        ("spark.hadoop.fs.s3n.impl".to_string(), VIEWFS.to_string()),
        (format!("spark.hadoop.fs.{RAW_SCHEME}.impl"), "org.apache.hadoop.fs.RawLocalFileSystem".to_string()),
        // Hadoop's defaults point s3a output at the S3A committers, which are
        // not on the classpath; the classic committer is right for local files.
        (
            "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a".to_string(),
            "org.apache.hadoop.mapreduce.lib.output.FileOutputCommitterFactory".to_string(),
        ),
    ];
    let mut buckets: Vec<String> = std::fs::read_dir(store_root)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| sparkplane_storage::valid_bucket_name(name))
                .collect()
        })
        .unwrap_or_default();
    buckets.sort();
    for bucket in buckets {
        conf.push((
            format!("spark.hadoop.fs.viewfs.mounttable.{bucket}.linkFallback"),
            format!("{RAW_SCHEME}://{}", store_root.join(&bucket).display()),
        ));
    }
    conf
}

/// Spark properties pointing S3A at an external endpoint.
pub fn external_store_conf(endpoint: &str, region: &str, path_style: bool) -> Vec<(String, String)> {
    vec![
        ("spark.hadoop.fs.s3.impl".to_string(), "org.apache.hadoop.fs.s3a.S3AFileSystem".to_string()),
        ("spark.hadoop.fs.s3a.endpoint".to_string(), endpoint.to_string()),
        ("spark.hadoop.fs.s3a.endpoint.region".to_string(), region.to_string()),
        ("spark.hadoop.fs.s3a.path.style.access".to_string(), path_style.to_string()),
        ("spark.hadoop.fs.s3a.connection.ssl.enabled".to_string(), endpoint.starts_with("https://").to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_every_valid_bucket_directory() {
        let root = tempfile::tempdir().unwrap();
        for dir in ["data-bucket", "logs.b", ".sparkplane", "Not_A_Bucket"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        std::fs::write(root.path().join("stray-file"), b"").unwrap();
        let conf = embedded_store_conf(root.path());
        let mounts: Vec<&(String, String)> = conf.iter().filter(|(k, _)| k.contains("mounttable")).collect();
        assert_eq!(mounts.len(), 2, "{mounts:?}");
        assert_eq!(mounts[0].0, "spark.hadoop.fs.viewfs.mounttable.data-bucket.linkFallback");
        assert_eq!(mounts[0].1, format!("sparkplanefs://{}/data-bucket", root.path().display()));
        assert!(conf.iter().any(|(k, v)| k == "spark.hadoop.fs.s3a.impl" && v == VIEWFS));
    }
}
