//! The root credentials file: private creation, permission refusal,
//! hand-rolled parsing, and that the secret never appears in Debug output.

use sparkplane_auth::credentials::{load, load_or_create, Credentials, CredentialsError, StaticKeys};
use sparkplane_auth::KeyLookup;
use std::fs;

#[test]
fn generated_keys_have_aws_shape() {
    let c = Credentials::generate();
    assert_eq!(c.access_key_id.len(), 20);
    assert!(c.access_key_id.starts_with("SPK"));
    assert!(c.access_key_id[3..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(c.secret_access_key.len(), 40);
    assert!(c.secret_access_key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+'));
    assert_ne!(c.access_key_id, Credentials::generate().access_key_id);
}

#[test]
fn debug_does_not_leak_secret() {
    let c = Credentials { access_key_id: "SPKABC".into(), secret_access_key: "supersecret/+".into() };
    let shown = format!("{c:?} {:?}", StaticKeys(vec![c.clone()]));
    assert!(shown.contains("SPKABC"));
    assert!(!shown.contains("supersecret"), "{shown}");
}

#[test]
fn create_then_load_same_credentials() {
    let dir = tempfile::tempdir().map_err(|e| e.to_string());
    let dir = dir.as_ref().map(|d| d.path()).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("nested/creds.toml");
    let (created, was_created) = load_or_create(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(was_created);
    let (again, was_created) = load_or_create(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!was_created);
    assert_eq!(created, again);
    // No temp files left behind.
    let names: Vec<_> = fs::read_dir(path.parent().unwrap_or(dir))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec![std::ffi::OsString::from("creds.toml")]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
    let keys = StaticKeys(vec![created.clone()]);
    assert_eq!(keys.secret_for(&created.access_key_id), Some(created.secret_access_key.clone()));
    assert_eq!(keys.secret_for("SPKNOPE"), None);
}

#[cfg(unix)]
#[test]
fn refuses_group_or_world_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("creds");
    fs::write(&path, "access_key_id = \"SPKX\"\nsecret_access_key = \"s\"\n").unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap_or_else(|e| panic!("{e}"));
    match load_or_create(&path) {
        Err(CredentialsError::InsecurePermissions { mode, .. }) => assert_eq!(mode, 0o644),
        other => panic!("{other:?}"),
    }
    // The file must not have been replaced either.
    assert!(fs::read_to_string(&path).unwrap_or_default().contains("SPKX"));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(load(&path).map(|c| c.access_key_id).ok().as_deref(), Some("SPKX"));
}

fn parse_text(text: &str) -> Result<Credentials, CredentialsError> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("creds");
    fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap_or_else(|e| panic!("{e}"));
    }
    load(&path)
}

#[test]
fn tolerant_parsing() {
    let text =
        "# comment\n\n[default]\n  access_key_id='SPKA'   # trailing\nregion = \"x\"\nsecret_access_key=\"ab/+c\"\n";
    let c = parse_text(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.access_key_id.as_str(), c.secret_access_key.as_str()), ("SPKA", "ab/+c"));
    let c = parse_text("access_key_id = SPKB\r\nsecret_access_key = xyz # c\r\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.access_key_id.as_str(), c.secret_access_key.as_str()), ("SPKB", "xyz"));
}

#[test]
fn parse_errors() {
    assert!(matches!(
        parse_text("access_key_id = \"A\"\n"),
        Err(CredentialsError::Missing { field: "secret_access_key", .. })
    ));
    assert!(matches!(
        parse_text("access_key_id = \"A\nsecret_access_key=\"b\"\n"),
        Err(CredentialsError::Parse { line: 1, .. })
    ));
    assert!(matches!(
        parse_text("access_key_id = \"A\"\naccess_key_id = \"B\"\n"),
        Err(CredentialsError::Parse { line: 2, .. })
    ));
    assert!(matches!(parse_text("just garbage\n"), Err(CredentialsError::Parse { line: 1, .. })));
    let e = parse_text("access_key_id = \"A\" x\n").map(|_| ()).map_err(|e| e.to_string());
    assert!(e.as_ref().err().is_some_and(|m| m.contains("line 1")), "{e:?}");
}
