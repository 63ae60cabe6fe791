//! Root credentials: generation, the on-disk file, and key lookup.
//!
//! A fresh sparkplane install has no users, so on first start the server
//! generates one AWS-style key pair and stores it in a private file that the
//! operator copies into `~/.aws/credentials`. The file holds a secret, hence
//! the strict permission handling: it is created 0600 from the first byte
//! (temp file + link/rename, never chmod after the fact) and a file other
//! users could read is refused rather than silently used.

use crate::KeyLookup;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// An access key pair.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

// Hand-written so that logging a Credentials (or an error holding one)
// can never leak the secret.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// Base32 alphabet, as in AWS access key ids (`AKIA...`): 32 symbols, so a
/// byte's low 5 bits pick one without modulo bias.
const KEY_ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Base64 alphabet, as in AWS secret keys: 64 symbols, low 6 bits, no bias.
const SECRET_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

fn random_string(prefix: &str, len: usize, alphabet: &[u8]) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; len];
    getrandom::getrandom(&mut buf)?;
    let mask = alphabet.len() - 1; // alphabets are powers of two
    let mut s = String::from(prefix);
    s.extend(buf.iter().map(|b| char::from(alphabet[usize::from(*b) & mask])));
    Ok(s)
}

impl Credentials {
    /// A new random key pair: `SPK` + 17 base32 chars (20 total, like AWS's
    /// `AKIA...`) and a 40-char secret, from the OS CSPRNG.
    ///
    /// Panics only if the OS has no randomness source, in which case no
    /// secret could be made safely anyway; use [`Credentials::try_generate`]
    /// to handle that as an error.
    pub fn generate() -> Self {
        match Self::try_generate() {
            Ok(c) => c,
            Err(e) => panic!("operating system randomness unavailable: {e}"),
        }
    }

    pub fn try_generate() -> Result<Self, getrandom::Error> {
        Ok(Credentials {
            access_key_id: random_string("SPK", 17, KEY_ID_ALPHABET)?,
            secret_access_key: random_string("", 40, SECRET_ALPHABET)?,
        })
    }
}

/// Lookup over a fixed set of key pairs (the root credentials today).
#[derive(Debug, Clone, Default)]
pub struct StaticKeys(pub Vec<Credentials>);

impl KeyLookup for StaticKeys {
    fn secret_for(&self, access_key_id: &str) -> Option<String> {
        self.0.iter().find(|c| c.access_key_id == access_key_id).map(|c| c.secret_access_key.clone())
    }
}

impl KeyLookup for Credentials {
    fn secret_for(&self, access_key_id: &str) -> Option<String> {
        (self.access_key_id == access_key_id).then(|| self.secret_access_key.clone())
    }
}

#[derive(thiserror::Error, Debug)]
pub enum CredentialsError {
    #[error("credentials file {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("credentials file {} has mode {mode:04o} and is accessible by other users; refusing to use it (fix with: chmod 600 {})", .path.display(), .path.display())]
    InsecurePermissions { path: PathBuf, mode: u32 },
    #[error("credentials file {}, line {line}: {message}", .path.display())]
    Parse { path: PathBuf, line: usize, message: String },
    #[error("credentials file {} does not define `{field}`", .path.display())]
    Missing { path: PathBuf, field: &'static str },
    #[error("cannot generate credentials: operating system randomness unavailable: {0}")]
    Random(String),
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> CredentialsError + '_ {
    move |source| CredentialsError::Io { path: path.to_path_buf(), source }
}

/// Loads the credentials file, refusing one that group or others can access.
pub fn load(path: &Path) -> Result<Credentials, CredentialsError> {
    let mut file = fs::File::open(path).map_err(io_err(path))?;
    // Check the opened file's metadata, not the path's, so the file checked
    // is the file read even if the path is swapped in between.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata().map_err(io_err(path))?.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(CredentialsError::InsecurePermissions { path: path.to_path_buf(), mode });
        }
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(io_err(path))?;
    parse(path, &text)
}

/// Loads the root credentials file, or creates it with fresh credentials
/// when absent. Returns `(credentials, created)`.
pub fn load_or_create(path: &Path) -> Result<(Credentials, bool), CredentialsError> {
    match load(path) {
        Ok(c) => return Ok((c, false)),
        Err(CredentialsError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let creds = Credentials::try_generate().map_err(|e| CredentialsError::Random(e.to_string()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(io_err(dir))?;
    }
    let tmp = temp_path(path).map_err(|e| CredentialsError::Random(e.to_string()))?;
    let result = write_private(&tmp, &render(&creds)).and_then(|()| publish(&tmp, path));
    // The temp name is gone after a rename; after a link (or a failure) it
    // must not linger, and a failed removal of a non-existent file is fine.
    let _ = fs::remove_file(&tmp);
    match result {
        Ok(()) => Ok((creds, true)),
        // Another process created the file first: use theirs, so every
        // process ends up with the credentials actually on disk.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => load(path).map(|c| (c, false)),
        Err(e) => Err(CredentialsError::Io { path: path.to_path_buf(), source: e }),
    }
}

fn render(c: &Credentials) -> String {
    format!(
        "# sparkplane root credentials. Keep this file private (mode 0600).\n\
         access_key_id = \"{}\"\n\
         secret_access_key = \"{}\"\n",
        c.access_key_id, c.secret_access_key
    )
}

/// A unique sibling name, so the final link/rename stays on one filesystem.
fn temp_path(path: &Path) -> Result<PathBuf, getrandom::Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let suffix = random_string("", 12, KEY_ID_ALPHABET)?;
    Ok(path.with_file_name(format!(".{name}.tmp-{suffix}")))
}

/// Creates `tmp` exclusively with mode 0600 at open time (so the secret is
/// never on disk with wider permissions), writes and fsyncs it.
fn write_private(tmp: &Path, contents: &str) -> io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(tmp)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

/// Moves the finished temp file into place atomically. A hard link fails if
/// the target appeared meanwhile (so a concurrent creator is never
/// overwritten); filesystems without hard links fall back to rename.
fn publish(tmp: &Path, path: &Path) -> io::Result<()> {
    match fs::hard_link(tmp, path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => fs::rename(tmp, path)?,
    }
    // Persist the directory entry too; failure here only risks losing the
    // file on power loss, which the next start would repair, so ignore it.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Parses the TOML-like `key = "value"` format by hand: blank lines, `#`
/// comments (whole-line or trailing), `[section]` lines, single or double
/// quotes and unknown keys are tolerated; duplicates are not.
fn parse(path: &Path, text: &str) -> Result<Credentials, CredentialsError> {
    let err = |line: usize, message: String| CredentialsError::Parse { path: path.to_path_buf(), line, message };
    let (mut akid, mut secret) = (None, None);
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let Some((key, rest)) = line.split_once('=') else {
            return Err(err(line_no, "expected `key = \"value\"`".to_string()));
        };
        let value = parse_value(rest.trim()).map_err(|m| err(line_no, m))?;
        let slot = match key.trim() {
            "access_key_id" => &mut akid,
            "secret_access_key" => &mut secret,
            _ => continue,
        };
        if value.is_empty() || value.chars().any(char::is_whitespace) {
            return Err(err(line_no, format!("`{}` must be a non-empty value without spaces", key.trim())));
        }
        if slot.replace(value).is_some() {
            return Err(err(line_no, format!("`{}` is defined twice", key.trim())));
        }
    }
    let missing = |field| CredentialsError::Missing { path: path.to_path_buf(), field };
    Ok(Credentials {
        access_key_id: akid.ok_or_else(|| missing("access_key_id"))?,
        secret_access_key: secret.ok_or_else(|| missing("secret_access_key"))?,
    })
}

fn parse_value(rest: &str) -> Result<String, String> {
    let quote = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        // Unquoted: everything up to a comment.
        _ => return Ok(rest.split('#').next().unwrap_or_default().trim().to_string()),
    };
    let body = &rest[1..];
    let Some(end) = body.find(quote) else {
        return Err(format!("unterminated {quote}-quoted value"));
    };
    let (value, after) = (&body[..end], body[end + 1..].trim());
    if !after.is_empty() && !after.starts_with('#') {
        return Err(format!("unexpected text after value: `{after}`"));
    }
    if quote == '"' && value.contains('\\') {
        // Real TOML would interpret escapes; keys never need them, so refuse
        // rather than guess.
        return Err("escape sequences are not supported".to_string());
    }
    Ok(value.to_string())
}
