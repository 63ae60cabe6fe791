//! The interactive sessions' endpoint: where it listens and which
//! certificate it shows. Flag, then `SPARKPLANE_*` environment, then the
//! file, then the named defaults.

use std::path::PathBuf;

use anyhow::bail;

/// Where the endpoint listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionListen {
    /// The API's address with a port the system picks (the default: clients
    /// learn it from GetSessionEndpoint).
    BesideApi,
    Address(String),
    /// No endpoint: StartSession is refused.
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSettings {
    pub listen: SessionListen,
    /// A configured certificate chain and key (PEM); None: sparkplane's own CA
    /// (`DATA_DIR/connect-ca.pem`) issues one.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// A listen setting beside the API's: unset (the API's address, a free
/// port), `off`, or ADDR:PORT. `setting` names it in the error.
pub fn parse_listen(value: Option<String>, setting: &str) -> anyhow::Result<SessionListen> {
    Ok(match value {
        None => SessionListen::BesideApi,
        Some(value) if value == "off" => SessionListen::Off,
        Some(value) => {
            if value.parse::<std::net::SocketAddr>().is_err() {
                bail!("{setting} must be ADDR:PORT or off, got '{value}'");
            }
            SessionListen::Address(value)
        }
    })
}

pub type Layer = (Option<String>, Option<PathBuf>, Option<PathBuf>);

/// `flags` and `file` are (listen address or `off`, certificate, key).
pub fn resolve(flags: Layer, file: Layer, env_str: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<SessionSettings> {
    let listen = parse_listen(flags.0.or_else(|| env_str("SPARKPLANE_SESSION_LISTEN")).or(file.0), "session_listen")?;
    let path = |flag: Option<PathBuf>, key: &str, from_file: Option<PathBuf>| {
        flag.or_else(|| env_str(key).map(PathBuf::from)).or(from_file)
    };
    let cert = path(flags.1, "SPARKPLANE_SESSION_TLS_CERT", file.1);
    let key = path(flags.2, "SPARKPLANE_SESSION_TLS_KEY", file.2);
    let tls = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => bail!("session_tls_cert and session_tls_key go together: set both or neither"),
    };
    Ok(SessionSettings { listen, tls })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_bad_values() {
        let none = |_: &str| None;
        let settings = resolve((None, None, None), (None, None, None), &none).unwrap();
        assert_eq!(settings, SessionSettings { listen: SessionListen::BesideApi, tls: None });
        let env = |key: &str| (key == "SPARKPLANE_SESSION_LISTEN").then(|| "127.0.0.1:15002".to_string());
        let file = (Some("off".to_string()), None, None);
        assert_eq!(
            resolve((None, None, None), file.clone(), &env).unwrap().listen,
            SessionListen::Address("127.0.0.1:15002".into())
        );
        assert_eq!(resolve((None, None, None), file, &none).unwrap().listen, SessionListen::Off);
        assert!(resolve((Some("nowhere".into()), None, None), (None, None, None), &none).is_err());
        let half = (None, Some(PathBuf::from("/c.pem")), None);
        assert!(resolve(half, (None, None, None), &none).is_err());
    }
}
