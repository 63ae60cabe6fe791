//! Store URLs as they may be shown: a `postgres://` URL carries a password,
//! and no log line, error or `Debug` output may repeat it.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

use crate::StoreError;

/// Schemes sqlx's PostgreSQL driver accepts.
pub const SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    SCHEMES.iter().any(|scheme| url.starts_with(scheme))
}

/// `url` with its password (in the user info or a `password=` query
/// parameter) replaced by `***`. Errs on the side of hiding too much: when
/// it cannot tell where the user info ends, it hides up to the last `@`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL at all: nothing can be told apart, so nothing is shown.
        return "<unparseable URL>".to_string();
    };
    let (userinfo, after) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let mut shown = format!("{scheme}://");
    if let Some(userinfo) = userinfo {
        match userinfo.split_once(':') {
            Some((user, _password)) => shown.push_str(&format!("{user}:***@")),
            None => shown.push_str(&format!("{userinfo}@")),
        }
    }
    match after.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => param.to_string(),
                })
                .collect();
            shown.push_str(&format!("{path}?{}", params.join("&")));
        }
        None => shown.push_str(after),
    }
    shown
}

/// The secrets in `url` as written (user-info password, `password=`
/// values), so that error text from the driver can be scrubbed of them.
fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if let Some(at) = rest.rfind('@') {
        if let Some((_, password)) = rest[..at].split_once(':') {
            found.push(password.to_string());
        }
    }
    if let Some((_, query)) = rest.split_once('?') {
        for param in query.split('&') {
            if let Some((key, value)) = param.split_once('=') {
                if key.eq_ignore_ascii_case("password") {
                    found.push(value.to_string());
                }
            }
        }
    }
    // Very short strings would blank ordinary words of the message.
    found.retain(|secret| secret.len() >= 4);
    found
}

/// `message` with every secret of `url` replaced by `***`.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    secrets(url).iter().fold(message.to_string(), |text, secret| text.replace(secret.as_str(), "***"))
}

/// Parses a `postgres://` URL into connect options; errors name the URL
/// without its password.
pub(crate) fn parse(url: &str) -> Result<PgConnectOptions, StoreError> {
    if !is_postgres_url(url) {
        return Err(StoreError::InvalidUrl {
            url: redact(url),
            reason: "a PostgreSQL store URL starts with postgres:// or postgresql://".to_string(),
        });
    }
    PgConnectOptions::from_str(url)
        .map_err(|err| StoreError::InvalidUrl { url: redact(url), reason: scrub(&err.to_string(), url) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let cases = [
            ("postgres://u:s3cret-pw@h:5432/db", "postgres://u:***@h:5432/db"),
            ("postgresql://u@h/db", "postgresql://u@h/db"),
            ("postgres://h/db?password=s3cret-pw&sslmode=disable", "postgres://h/db?password=***&sslmode=disable"),
            // An unencoded `@` or `/` in the password still hides it.
            ("postgres://u:p@ss/w@rd@h/db", "postgres://u:***@h/db"),
            ("not a url s3cret-pw", "<unparseable URL>"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact(url), shown, "{url}");
            assert!(!redact(url).contains("s3cret"), "{url}");
        }
        assert_eq!(scrub("auth failed for s3cret-pw", "postgres://u:s3cret-pw@h/db"), "auth failed for ***");
    }

    #[test]
    fn only_postgres_schemes_parse() {
        assert!(parse("postgres://u:pw@127.0.0.1:5432/db").is_ok());
        for bad in ["mysql://u:s3cret-pw@h/db", "sqlite:///tmp/x.db", "postgres://u:s3cret-pw@h:notaport/db"] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid store URL"), "{err}");
            assert!(!err.contains("s3cret"), "{err}");
        }
    }
}
