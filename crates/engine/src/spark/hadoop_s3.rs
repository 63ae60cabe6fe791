//! How `s3://` and `s3a://` paths work inside a Spark job.
//!
//! By default Spark reaches the embedded store the way it reaches any S3:
//! through Hadoop's S3A connector (hadoop-aws 3.3.1 and the AWS SDK bundle
//! 1.11.901, installed with the runtime, see [`crate::runtime`]), over HTTP to
//! the embedded endpoint, signed with the attempt's temporary credentials,
//! so every read and write of a job is authorized by the endpoint's policies.
//! `s3`, `s3a` and `s3n` all map to `S3AFileSystem`. The endpoint settings
//! ([`embedded_s3a_conf`]) are plain properties. The credentials come from
//! the server's container credentials endpoint ([`CONTAINER_PROVIDER`], the
//! SDK's own provider for ECS tasks): the process holds only the endpoint's
//! URI and a bearer token in its environment ([`container_credentials_env`]),
//! and the SDK fetches short-lived keys and fetches new ones before they
//! expire, which Hadoop's static providers cannot. The token is a secret:
//! never on a command line; standalone executors get it as
//! `spark.executorEnv.*` from the properties file, a name Spark's default
//! `spark.redaction.regex` (`secret|password|token|access.key`) redacts.
//! Without an issuer (unit tests) the root keys go the static way
//! ([`s3a_credentials_conf`]), in the same private properties file.
//!
//! With `direct_bucket_mount` (single-user setups only: it bypasses every
//! policy), every bucket is a directory on this host that Hadoop reads and
//! writes directly: `ViewFileSystemOverloadScheme` takes over the `s3`/`s3a`
//! schemes and each bucket's mount table falls back to its directory through
//! a raw local filesystem (no `.crc` side files). Paths keep their
//! `s3://bucket/key` form in listings, `input_file_name()` and output.
//! Buckets are mounted when the attempt launches; a bucket created later is
//! not visible to that attempt.
//!
//! With an external S3 service, the job needs Hadoop's S3A connector (on
//! the class path with the runtime's connector jars), and sparkplane
//! passes the endpoint through `spark.hadoop.fs.s3a.*` and the credentials
//! through the environment, where S3A's default provider chain finds them.

use std::path::Path;

const VIEWFS: &str = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme";
const S3A: &str = "org.apache.hadoop.fs.s3a.S3AFileSystem";
/// Credentials fetched from a container credentials endpoint (the
/// attempt's, from its role), refetched before they expire. In the pinned
/// aws-java-sdk-bundle 1.11.901; it reads [`FULL_URI_ENV`] (whose host must
/// be `127.0.0.1` or `localhost` over plain HTTP) and [`AUTHORIZATION_TOKEN_ENV`].
pub const CONTAINER_PROVIDER: &str = "com.amazonaws.auth.EC2ContainerCredentialsProviderWrapper";
/// Where the AWS SDKs fetch container credentials.
pub const FULL_URI_ENV: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The `Authorization` header the AWS SDKs send there.
pub const AUTHORIZATION_TOKEN_ENV: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// Long-term keys (the server's root credentials, when no issuer is set).
pub const SIMPLE_PROVIDER: &str = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider";
/// A scheme name of our own for the raw local filesystem, so that the
/// checksumming `file://` filesystem (which writes `.crc` files) is not used.
const RAW_SCHEME: &str = "sparkplanefs";

/// Long-term keys S3A signs a job's requests with (the root's, without an issuer).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// Spark properties pointing S3A at the embedded endpoint (`http://host:port`):
/// everything but the credentials. The same for every attempt of a server,
/// so warm drivers start with them.
pub fn embedded_s3a_conf(endpoint: &str, region: &str) -> Vec<(String, String)> {
    let mut conf: Vec<(String, String)> =
        ["s3", "s3a", "s3n"].iter().map(|scheme| (format!("spark.hadoop.fs.{scheme}.impl"), S3A.to_string())).collect();
    let settings = [
        ("fs.s3a.endpoint", endpoint),
        ("fs.s3a.endpoint.region", region),
        ("fs.s3a.path.style.access", "true"),
        ("fs.s3a.connection.ssl.enabled", if endpoint.starts_with("https://") { "true" } else { "false" }),
        // Upload blocks are buffered in the JVM's temp dir, which the
        // sandbox puts in the process's own dir (the default is /tmp).
        ("fs.s3a.buffer.dir", "${java.io.tmpdir}/s3a"),
        // The classic committer (write to _temporary, rename on commit): the
        // S3A committers need spark-hadoop-cloud, which pyspark lacks.
        // Renames are server-side copies on the embedded endpoint.
        (
            "mapreduce.outputcommitter.factory.scheme.s3a",
            "org.apache.hadoop.mapreduce.lib.output.FileOutputCommitterFactory",
        ),
        // A job's first request need not wait on S3A's retries of a
        // bucket probe; the endpoint answers for itself.
        ("fs.s3a.bucket.probe", "0"),
        // A rename (a task's and the job's commit) is a single CopyObject up
        // to S3's 5 GiB limit rather than a multipart copy of 64 MB parts
        // (the 128 MB default threshold): the endpoint hard-links a whole
        // object, where parts would have to be copied and re-assembled.
        ("fs.s3a.multipart.threshold", "5G"),
        // A task's file up to 1 GiB is one PutObject instead of a multipart
        // upload of 64 MB parts. Its ETag is then the MD5 the endpoint
        // computes as it arrives, so the commit's rename (a CopyObject, a
        // hard link) reuses that ETag; a multipart source would be hashed a
        // second time for the copy's ETag, and its parts concatenated once
        // more on disk. Blocks buffer on local disk (S3A's default `disk`
        // buffer), not in the heap, and with `SKIP_CLIENT_MD5` the SDK does
        // not hash the file before a single PUT either.
        ("fs.s3a.multipart.size", "1G"),
    ];
    conf.extend(settings.iter().map(|(key, value)| (format!("spark.hadoop.{key}"), value.to_string())));
    // Spark's administrator hook (prepended to a job's own
    // `extraJavaOptions`, so a job's options do not drop it).
    for key in ["spark.driver.defaultJavaOptions", "spark.executor.defaultJavaOptions"] {
        conf.push((key.to_string(), SKIP_CLIENT_MD5.to_string()));
    }
    conf
}

/// Turns off the AWS SDK's own MD5 of every byte it uploads (compared with
/// the ETag it gets back), which costs the executor a second hash pass over
/// everything it writes and proves nothing more: over plain HTTP the SDK
/// signs each chunk of a PUT or part over its SHA-256 and the endpoint
/// refuses a chunk whose bytes do not match, and over HTTPS TLS guards the
/// bytes. The endpoint still computes each object's MD5 ETag and checks a
/// `Content-MD5` the SDK sends. Read by the SDK's `SkipMd5CheckStrategy`.
pub const SKIP_CLIENT_MD5: &str = "-Dcom.amazonaws.services.s3.disablePutObjectMD5Validation=true";

/// The AWS SDK's override file, on the class path, that gives S3A the
/// signing region of the embedded endpoint.
pub const SDK_OVERRIDE_FILE: &str = "awssdk_config_override.json";

/// A folder holding [`SDK_OVERRIDE_FILE`] that maps `endpoint`'s host to
/// `region`, for the driver's and executors' class path; created under
/// `parent` once (written to a temporary file and renamed).
///
/// hadoop-aws 3.3.1 cannot be told the signing region of a custom endpoint
/// (`fs.s3a.endpoint.region` came in 3.3.2): the AWS SDK derives it from the
/// host, which for `127.0.0.1` gives us-east-1, and the endpoint refuses a
/// signature scoped to another region than its own. The SDK reads
/// `hostRegexToRegionMappings` from this file first.
pub fn sdk_region_override(parent: &Path, endpoint: &str, region: &str) -> std::io::Result<std::path::PathBuf> {
    let host = endpoint_host(endpoint);
    let safe = |text: &str| -> String {
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect()
    };
    let folder = parent.join(format!("{}-{}", safe(&host), safe(region)));
    let file = folder.join(SDK_OVERRIDE_FILE);
    if file.is_file() {
        return Ok(folder);
    }
    std::fs::create_dir_all(&folder)?;
    let pattern: String =
        host.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("\\{c}") }).collect();
    let text = serde_json::json!({
        "hostRegexToRegionMappings": [{"hostNameRegex": format!("^{pattern}$"), "regionName": region}]
    })
    .to_string();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let scratch = folder.join(format!(".{SDK_OVERRIDE_FILE}.{}-{nanos}", std::process::id()));
    std::fs::write(&scratch, text)?;
    std::fs::rename(&scratch, &file)?;
    Ok(folder)
}

/// `host` of `http://host:port/...` (brackets of an IPv6 literal removed).
fn endpoint_host(endpoint: &str) -> String {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default().to_string();
    }
    authority.split(':').next().unwrap_or_default().to_string()
}

/// Static keys: S3A's provider and the keys, as Spark properties (secrets:
/// never on a command line).
pub fn s3a_credentials_conf(credentials: &S3Credentials) -> Vec<(String, String)> {
    vec![
        ("spark.hadoop.fs.s3a.aws.credentials.provider".to_string(), SIMPLE_PROVIDER.to_string()),
        ("spark.hadoop.fs.s3a.access.key".to_string(), credentials.access_key_id.clone()),
        ("spark.hadoop.fs.s3a.secret.key".to_string(), credentials.secret_access_key.clone()),
    ]
}

/// S3A's provider when credentials come from the container credentials
/// endpoint. Not a secret, and the same for every attempt of a server.
pub fn container_credentials_conf() -> Vec<(String, String)> {
    vec![("spark.hadoop.fs.s3a.aws.credentials.provider".to_string(), CONTAINER_PROVIDER.to_string())]
}

/// What makes the runtimes' S3A connector (hadoop-aws 3.3.1, AWS SDK v1)
/// work on Spark 4's Hadoop 3.4 client: that client's defaults give these
/// S3A durations with units ("60s"), which 3.3.1 reads as plain numbers and
/// fails on, and name SDK v2 credential providers, which the v1 bundle does
/// not have. Each is the 3.4 default in the unit 3.3.1 expects; the provider
/// applies only where nothing else sets one (a job's own, static keys,
/// container credentials): static keys or the environment, SDK v1's.
pub fn hadoop34_compat_conf() -> Vec<(String, String)> {
    [
        ("spark.hadoop.fs.s3a.threads.keepalivetime", "60"),
        ("spark.hadoop.fs.s3a.connection.establish.timeout", "30000"),
        ("spark.hadoop.fs.s3a.connection.timeout", "200000"),
        ("spark.hadoop.fs.s3a.connection.ttl", "300000"),
        ("spark.hadoop.fs.s3a.multipart.purge.age", "86400"),
        (
            "spark.hadoop.fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider,com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
        ),
    ]
    .iter()
    .map(|(key, value)| (key.to_string(), value.to_string()))
    .collect()
}

/// The environment that points the AWS SDKs at the container credentials
/// endpoint `full_uri` with `token`; the token is a secret.
pub fn container_credentials_env(full_uri: &str, token: &str) -> Vec<(String, String)> {
    vec![(FULL_URI_ENV.to_string(), full_uri.to_string()), (AUTHORIZATION_TOKEN_ENV.to_string(), token.to_string())]
}

/// A Spark properties file (`--properties-file`) of `conf`, in the
/// `key=value` form Java's `Properties.load` reads back exactly.
pub fn properties_file_text(conf: &[(String, String)]) -> String {
    let mut text = String::new();
    for (key, value) in conf {
        text.push_str(&escape_property(key, true));
        text.push('=');
        text.push_str(&escape_property(value, false));
        text.push('\n');
    }
    text
}

fn escape_property(text: &str, is_key: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            ' ' if is_key || index == 0 => out.push_str("\\ "),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => out.push_str(&format!("\\u{:04x}", c as u32 & 0xffff)),
            c => out.push(c),
        }
    }
    out
}

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
    fn s3a_serves_every_scheme_and_root_keys_use_the_simple_provider() {
        let conf = embedded_s3a_conf("http://127.0.0.1:9000", "eu-west-1");
        let get = |conf: &[(String, String)], key: &str| {
            conf.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        for scheme in ["s3", "s3a", "s3n"] {
            assert_eq!(get(&conf, &format!("spark.hadoop.fs.{scheme}.impl")), S3A);
        }
        assert_eq!(get(&conf, "spark.hadoop.fs.s3a.connection.ssl.enabled"), "false");
        assert_eq!(get(&conf, "spark.hadoop.fs.s3a.path.style.access"), "true");
        assert_eq!(get(&conf, "spark.hadoop.fs.s3a.endpoint.region"), "eu-west-1");
        assert_eq!(get(&conf, "spark.driver.defaultJavaOptions"), SKIP_CLIENT_MD5);
        assert_eq!(get(&conf, "spark.executor.defaultJavaOptions"), SKIP_CLIENT_MD5);
        assert!(conf.iter().all(|(k, _)| !k.contains("key") && !k.contains("token")), "{conf:?}");
        let root = S3Credentials { access_key_id: "AKIA".into(), secret_access_key: "s".into() };
        let secret = s3a_credentials_conf(&root);
        assert_eq!(get(&secret, "spark.hadoop.fs.s3a.aws.credentials.provider"), SIMPLE_PROVIDER);
        let container = container_credentials_conf();
        assert_eq!(get(&container, "spark.hadoop.fs.s3a.aws.credentials.provider"), CONTAINER_PROVIDER);
        let env = container_credentials_env("http://127.0.0.1:1/c", "tok");
        assert_eq!(env[0], (FULL_URI_ENV.to_string(), "http://127.0.0.1:1/c".to_string()));
        assert_eq!(env[1], (AUTHORIZATION_TOKEN_ENV.to_string(), "tok".to_string()));
        // Spark's default spark.redaction.regex matches every secret's name.
        for (key, _) in secret.iter().filter(|(k, _)| !k.ends_with("provider")) {
            let lower = key.to_ascii_lowercase();
            assert!(["secret", "password", "token", "access.key"].iter().any(|w| lower.contains(w)), "{key}");
        }
        assert!(!format!("{root:?}").contains("\"s\""));
    }

    #[test]
    fn the_sdk_override_maps_the_endpoint_host_to_the_region() {
        assert_eq!(endpoint_host("http://127.0.0.1:9000"), "127.0.0.1");
        assert_eq!(endpoint_host("https://s3.local/x"), "s3.local");
        assert_eq!(endpoint_host("http://[::1]:9000"), "::1");
        let dir = tempfile::tempdir().unwrap();
        let folder = sdk_region_override(dir.path(), "http://127.0.0.1:9000", "eu-west-1").unwrap();
        assert_eq!(folder, dir.path().join("127.0.0.1-eu-west-1"));
        let text = std::fs::read_to_string(folder.join(SDK_OVERRIDE_FILE)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mapping = &json["hostRegexToRegionMappings"][0];
        assert_eq!(mapping["hostNameRegex"], "^127\\.0\\.0\\.1$");
        assert_eq!(mapping["regionName"], "eu-west-1");
        // Once: a second call finds it.
        assert_eq!(sdk_region_override(dir.path(), "http://127.0.0.1:9000", "eu-west-1").unwrap(), folder);
    }

    #[test]
    fn properties_text_escapes_what_java_would_misread() {
        let text = properties_file_text(&[("a.b".into(), " x=y:z#!\\\n\u{e9}".into())]);
        assert_eq!(text, "a.b=\\ x\\=y\\:z\\#\\!\\\\\\n\\u00e9\n");
    }

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
