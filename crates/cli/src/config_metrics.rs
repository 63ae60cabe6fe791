//! The `/metrics` bearer token: TOML `metrics_token`, then
//! `SPARKPLANE_METRICS_TOKEN`. No flag, since a command line is visible to
//! every user of the host. Kept only as its SHA-256 from here on, so no
//! config dump or log can show it.

use anyhow::bail;
use sha2::{Digest, Sha256};

const TOKEN_ENV: &str = "SPARKPLANE_METRICS_TOKEN";
/// A bearer token shorter than this is guessable over the network.
pub const MIN_TOKEN_CHARS: usize = 16;

pub fn resolve(file: Option<&str>, env_str: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Option<[u8; 32]>> {
    let Some(token) = env_str(TOKEN_ENV).or_else(|| file.map(str::to_string)) else { return Ok(None) };
    let token = token.trim();
    if token.chars().count() < MIN_TOKEN_CHARS || !token.chars().all(|c| c.is_ascii_graphic()) {
        bail!("metrics_token must be at least {MIN_TOKEN_CHARS} printable characters without spaces");
    }
    Ok(Some(Sha256::digest(token.as_bytes()).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_over_the_file_and_short_tokens_are_refused() {
        let none = |_: &str| None;
        assert_eq!(resolve(None, &none).unwrap(), None);
        let from_file = resolve(Some("file-token-0123456789"), &none).unwrap();
        assert_eq!(from_file, Some(Sha256::digest(b"file-token-0123456789").into()));
        let env = |key: &str| (key == TOKEN_ENV).then(|| "env-token-0123456789".to_string());
        assert_eq!(
            resolve(Some("file-token-0123456789"), &env).unwrap(),
            Some(Sha256::digest(b"env-token-0123456789").into())
        );
        assert!(resolve(Some("short"), &none).is_err());
        assert!(resolve(Some("has a space in the middle"), &none).is_err());
    }
}
