//! Access key secrets that the store never holds.
//!
//! SigV4 verification needs the secret itself (it is an HMAC key), so a
//! one-way hash would not do. Instead each secret is derived from the key id
//! and a server key: `secret = base64(HMAC-SHA256(server_key, id))[..40]`.
//! The server key lives in `<data>/iam/server-key` (0600, created once), so
//! a copy of the store alone reveals no secret, and deleting a key's record
//! is enough to revoke it.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The derivation domain: a change here would invalidate every issued key.
const DOMAIN: &[u8] = b"sparkplane/iam/access-key-secret/v1\0";
const KEY_BYTES: usize = 32;
const STANDARD_BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[derive(Clone)]
pub struct SecretDeriver {
    key: [u8; KEY_BYTES],
}

// Never print the key.
impl std::fmt::Debug for SecretDeriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretDeriver(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("iam server key {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("iam server key {} is malformed (expected {} hex digits); restore it from a backup, or delete it to invalidate every user's access key", .path.display(), KEY_BYTES * 2)]
    Malformed { path: PathBuf },
    #[error("iam server key {} is accessible by other users (mode {mode:04o}); fix with: chmod 600", .path.display())]
    InsecurePermissions { path: PathBuf, mode: u32 },
    #[error("operating system randomness unavailable")]
    Random,
}

impl SecretDeriver {
    pub fn from_key(key: [u8; KEY_BYTES]) -> Self {
        SecretDeriver { key }
    }

    /// Loads `<dir>/server-key`, creating it (0600, exclusively) if absent.
    pub fn load_or_create(dir: &Path) -> Result<Self, KeyFileError> {
        let path = dir.join("server-key");
        let io_err = |source| KeyFileError::Io { path: path.clone(), source };
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(io_err)?;
        match fs::File::open(&path) {
            Ok(file) => return Self::read(&path, file),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_err(err)),
        }
        let mut key = [0u8; KEY_BYTES];
        getrandom::getrandom(&mut key).map_err(|_| KeyFileError::Random)?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(hex::encode(key).as_bytes()).map_err(io_err)?;
                file.sync_all().map_err(io_err)?;
                Ok(SecretDeriver { key })
            }
            // Another server on the same data dir won the race: use its key.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                let file = fs::File::open(&path).map_err(io_err)?;
                Self::read(&path, file)
            }
            Err(err) => Err(io_err(err)),
        }
    }

    fn read(path: &Path, mut file: fs::File) -> Result<Self, KeyFileError> {
        let io_err = |source| KeyFileError::Io { path: path.to_path_buf(), source };
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata().map_err(io_err)?.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::InsecurePermissions { path: path.to_path_buf(), mode });
        }
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io_err)?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyFileError::Malformed { path: path.to_path_buf() })?;
        let key: [u8; KEY_BYTES] =
            bytes.try_into().map_err(|_| KeyFileError::Malformed { path: path.to_path_buf() })?;
        Ok(SecretDeriver { key })
    }

    /// The 40-character secret of `access_key_id`, in AWS's base64 form.
    pub fn secret_for(&self, access_key_id: &str) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            // HMAC accepts keys of any length; this arm cannot be reached.
            Err(_) => return String::new(),
        };
        mac.update(DOMAIN);
        mac.update(access_key_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        base64_40(&digest[..30])
    }
}

/// Standard base64 of exactly 30 bytes: 40 characters, no padding.
fn base64_40(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(40);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for shift in [18u32, 12, 6, 0] {
            out.push(char::from(STANDARD_BASE64[((n >> shift) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stable_per_key_and_distinct_across_keys() {
        let deriver = SecretDeriver::from_key([7; KEY_BYTES]);
        let a = deriver.secret_for("AKIAEXAMPLEAAAAAAAAA");
        assert_eq!(a.len(), 40);
        assert_eq!(a, deriver.secret_for("AKIAEXAMPLEAAAAAAAAA"));
        assert_ne!(a, deriver.secret_for("AKIAEXAMPLEAAAAAAAAB"));
        assert_ne!(a, SecretDeriver::from_key([8; KEY_BYTES]).secret_for("AKIAEXAMPLEAAAAAAAAA"));
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        // "Man" -> "TWFu", repeated ten times.
        assert_eq!(base64_40(&b"Man".repeat(10)), "TWFu".repeat(10));
    }

    #[test]
    fn key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = SecretDeriver::load_or_create(&dir.path().join("iam")).unwrap();
        let second = SecretDeriver::load_or_create(&dir.path().join("iam")).unwrap();
        assert_eq!(first.secret_for("X"), second.secret_for("X"));
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("iam/server-key")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        fs::set_permissions(dir.path().join("iam/server-key"), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            SecretDeriver::load_or_create(&dir.path().join("iam")),
            Err(KeyFileError::InsecurePermissions { .. })
        ));
    }
}
