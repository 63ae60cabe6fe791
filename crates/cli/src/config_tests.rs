//! Tests of the layered server configuration (`config.rs`).

use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn defaults_apply_without_anything_else() {
    let config = ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap();
    assert_eq!(config.listen, "127.0.0.1:8088");
    assert_eq!(config.data_dir, PathBuf::from("./sparkplane-data"));
    assert_eq!(config.runtime_dir, PathBuf::from("./sparkplane-data/runtimes"));
    assert_eq!(config.region, "us-east-1");
    assert_eq!(config.s3_listen.as_deref(), Some("127.0.0.1:9000"));
    assert_eq!(config.external_s3, None);
    assert!(!config.s3_allow_sigv2);
    assert!(!config.direct_bucket_mount);
}

#[test]
fn direct_bucket_mount_layers_file_env_and_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sparkplane.toml");
    std::fs::write(&file, "direct_bucket_mount = true\n").unwrap();
    let with_file = ServerFlags { config: Some(file), ..Default::default() };
    assert!(ServerConfig::resolve(&with_file, &env(&[])).unwrap().direct_bucket_mount);
    let env_off = env(&[("SPARKPLANE_DIRECT_BUCKET_MOUNT", "false")]);
    assert!(!ServerConfig::resolve(&with_file, &env_off).unwrap().direct_bucket_mount);
    let flag = ServerFlags { direct_bucket_mount: true, ..Default::default() };
    assert!(ServerConfig::resolve(&flag, &env_off).unwrap().direct_bucket_mount);
    let bad = env(&[("SPARKPLANE_DIRECT_BUCKET_MOUNT", "yes")]);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &bad).is_err());
}

#[test]
fn s3_sigv2_is_off_unless_a_layer_turns_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparkplane.toml");
    std::fs::write(&path, "s3_allow_sigv2 = true\n").unwrap();
    let file = ServerFlags { config: Some(path), ..Default::default() };
    assert!(ServerConfig::resolve(&file, &env(&[])).unwrap().s3_allow_sigv2);
    let env_off = env(&[("SPARKPLANE_S3_ALLOW_SIGV2", "false")]);
    assert!(!ServerConfig::resolve(&file, &env_off).unwrap().s3_allow_sigv2);
    let flag = ServerFlags { s3_allow_sigv2: true, ..file };
    assert!(ServerConfig::resolve(&flag, &env_off).unwrap().s3_allow_sigv2);
    let env_on = env(&[("SPARKPLANE_S3_ALLOW_SIGV2", "true")]);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &env_on).unwrap().s3_allow_sigv2);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &env(&[("SPARKPLANE_S3_ALLOW_SIGV2", "yes")])).is_err());
}

#[test]
fn unconfined_jobs_are_refused_unless_a_layer_allows_them() {
    assert!(!ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap().allow_unconfined_jobs);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparkplane.toml");
    std::fs::write(&path, "allow_unconfined_jobs = true\n").unwrap();
    let file = ServerFlags { config: Some(path), ..Default::default() };
    assert!(ServerConfig::resolve(&file, &env(&[])).unwrap().allow_unconfined_jobs);
    let env_off = env(&[("SPARKPLANE_ALLOW_UNCONFINED_JOBS", "false")]);
    assert!(!ServerConfig::resolve(&file, &env_off).unwrap().allow_unconfined_jobs);
    let flag = ServerFlags { allow_unconfined_jobs: true, ..file };
    assert!(ServerConfig::resolve(&flag, &env_off).unwrap().allow_unconfined_jobs);
    let bad = env(&[("SPARKPLANE_ALLOW_UNCONFINED_JOBS", "yes")]);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &bad).is_err());
}

#[test]
fn s3_endpoint_can_be_turned_off_or_made_external() {
    let off = ServerConfig::resolve(&ServerFlags::default(), &env(&[("SPARKPLANE_S3_LISTEN", "off")])).unwrap();
    assert_eq!(off.s3_listen, None);
    let environment = env(&[
        ("SPARKPLANE_S3_ENDPOINT", "http://127.0.0.1:5000"),
        ("SPARKPLANE_S3_ACCESS_KEY_ID", "AK"),
        ("SPARKPLANE_S3_SECRET_ACCESS_KEY", "SK"),
    ]);
    let external = ServerConfig::resolve(&ServerFlags::default(), &environment).unwrap().external_s3.unwrap();
    assert_eq!((external.endpoint.as_str(), external.region.as_str()), ("http://127.0.0.1:5000", "us-east-1"));
    assert!(external.path_style);
    assert!(!format!("{external:?}").contains("SK"));
    let no_secret = env(&[("SPARKPLANE_S3_ENDPOINT", "http://x"), ("SPARKPLANE_S3_ACCESS_KEY_ID", "AK")]);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &no_secret).is_err());
}

#[test]
fn api_limits_have_named_defaults_and_layers() {
    let defaults = ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap().api_limits;
    assert_eq!(defaults, sparkplane_server::ApiLimits::default());
    assert_eq!(defaults.connections.header_read_timeout, sparkplane_server::DEFAULT_HEADER_READ_TIMEOUT);
    assert_eq!(defaults.connections.max_connections, Some(sparkplane_server::DEFAULT_MAX_CONNECTIONS));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparkplane.toml");
    let text = "api_header_read_timeout_seconds = 7\napi_idle_timeout_seconds = 8\napi_max_connections = 9\napi_body_budget_mb = 10\n";
    std::fs::write(&path, text).unwrap();
    let flags = ServerFlags { config: Some(path), ..Default::default() };
    let from_file = ServerConfig::resolve(&flags, &env(&[])).unwrap().api_limits;
    assert_eq!(from_file.connections.header_read_timeout, std::time::Duration::from_secs(7));
    assert_eq!(from_file.connections.idle_timeout, Some(std::time::Duration::from_secs(8)));
    assert_eq!(from_file.connections.max_connections, Some(9));
    assert_eq!(from_file.body_budget_bytes, 10 * 1024 * 1024);
    let environment =
        env(&[("SPARKPLANE_API_MAX_CONNECTIONS", "11"), ("SPARKPLANE_API_HEADER_READ_TIMEOUT_SECONDS", "2")]);
    let from_env = ServerConfig::resolve(&flags, &environment).unwrap().api_limits;
    assert_eq!(from_env.connections.max_connections, Some(11));
    assert_eq!(from_env.connections.header_read_timeout, std::time::Duration::from_secs(2));
    let flags = ServerFlags { api_max_connections: Some(12), ..flags };
    assert_eq!(ServerConfig::resolve(&flags, &environment).unwrap().api_limits.connections.max_connections, Some(12));
    let bad = env(&[("SPARKPLANE_API_IDLE_TIMEOUT_SECONDS", "soon")]);
    assert!(ServerConfig::resolve(&ServerFlags::default(), &bad).is_err());
}

#[test]
fn allowed_local_dirs_come_from_file_env_or_flags() {
    assert!(ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap().allowed_local_dirs.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparkplane.toml");
    std::fs::write(&path, "allowed_local_dirs = [\"/file/a\", \"/file/b\"]\n").unwrap();
    let flags = ServerFlags { config: Some(path), ..Default::default() };
    let dirs =
        |flags: &ServerFlags, e: &[(&str, &str)]| ServerConfig::resolve(flags, &env(e)).unwrap().allowed_local_dirs;
    assert_eq!(dirs(&flags, &[]), vec![PathBuf::from("/file/a"), PathBuf::from("/file/b")]);
    let from_env = [("SPARKPLANE_ALLOWED_LOCAL_DIRS", "/env/a:/env/b")];
    assert_eq!(dirs(&flags, &from_env), vec![PathBuf::from("/env/a"), PathBuf::from("/env/b")]);
    let flags = ServerFlags { allowed_local_dirs: vec!["/flag".into()], ..flags };
    assert_eq!(dirs(&flags, &from_env), vec![PathBuf::from("/flag")]);
}

#[test]
fn file_then_env_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparkplane.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:1\"\ndata_dir = \"/file\"\nregion = \"eu-west-1\"\n").unwrap();
    let flags = ServerFlags { config: Some(path.clone()), ..Default::default() };
    let from_file = ServerConfig::resolve(&flags, &env(&[])).unwrap();
    assert_eq!((from_file.listen.as_str(), from_file.region.as_str()), ("127.0.0.1:1", "eu-west-1"));
    assert_eq!(from_file.data_dir, PathBuf::from("/file"));
    let environment = env(&[("SPARKPLANE_LISTEN", "127.0.0.1:2"), ("SPARKPLANE_DATA_DIR", "/env")]);
    let from_env = ServerConfig::resolve(&flags, &environment).unwrap();
    assert_eq!(from_env.listen, "127.0.0.1:2");
    assert_eq!(from_env.data_dir, PathBuf::from("/env"));
    assert_eq!(from_env.region, "eu-west-1");
    let flags = ServerFlags { listen: Some("127.0.0.1:3".into()), ..flags };
    assert_eq!(ServerConfig::resolve(&flags, &environment).unwrap().listen, "127.0.0.1:3");
}

#[test]
fn public_url_is_a_base_without_trailing_slash() {
    let set = |url: &str| ServerConfig::resolve(&ServerFlags::default(), &env(&[("SPARKPLANE_PUBLIC_URL", url)]));
    assert_eq!(set("https://spark.example.com/").unwrap().public_url.as_deref(), Some("https://spark.example.com"));
    assert_eq!(set("http://h:8").unwrap().public_url.as_deref(), Some("http://h:8"));
    for bad in ["spark.example.com", "ftp://x", "https://", "https:///x", "http://h:8/x", "https://x/?a=1"] {
        assert!(set(bad).is_err(), "{bad}");
    }
    assert_eq!(ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap().public_url, None);
}

#[test]
fn job_credentials_lifetime_layers_and_stays_within_sts_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "job_credentials_lifetime_seconds = 1800\n").unwrap();
    assert_eq!(
        ServerConfig::resolve(&ServerFlags::default(), &env(&[])).unwrap().job_credentials_lifetime_seconds,
        3600
    );
    let flags = ServerFlags { config: Some(path), ..Default::default() };
    assert_eq!(ServerConfig::resolve(&flags, &env(&[])).unwrap().job_credentials_lifetime_seconds, 1800);
    let from_env = env(&[(LIFETIME_ENV, "920")]);
    assert_eq!(ServerConfig::resolve(&flags, &from_env).unwrap().job_credentials_lifetime_seconds, 920);
    let flags = ServerFlags { job_credentials_lifetime_seconds: Some(43_200), ..flags };
    assert_eq!(ServerConfig::resolve(&flags, &from_env).unwrap().job_credentials_lifetime_seconds, 43_200);
    for bad in [899, 43_201] {
        let flags = ServerFlags { job_credentials_lifetime_seconds: Some(bad), ..Default::default() };
        let err = ServerConfig::resolve(&flags, &env(&[])).unwrap_err().to_string();
        assert!(err.contains("job_credentials_lifetime_seconds must be between 900 and 43200"), "{err}");
    }
}

#[test]
fn bad_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "listne = \"x\"\n").unwrap();
    let flags = ServerFlags { config: Some(path), ..Default::default() };
    assert!(ServerConfig::resolve(&flags, &env(&[])).is_err());
    assert!(ServerConfig::resolve(&ServerFlags::default(), &env(&[("SPARKPLANE_ACCOUNT_ID", "12")])).is_err());
}
