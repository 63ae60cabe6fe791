//! Where the web console listens. Flag, then `SPARKPLANE_*` environment,
//! then the file, then the named default: the API's address with a port
//! the system picks. Never the API's own port: the dashboards on that
//! origin show pages of the jobs' own Spark drivers, whose scripts must not
//! share an origin with a signed-in console.

/// Same shape as the session endpoint's setting (unset, `off`, ADDR:PORT).
pub type ConsoleListen = crate::config_sessions::SessionListen;

pub fn resolve(
    flag: Option<String>,
    file: Option<String>,
    env_str: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<ConsoleListen> {
    crate::config_sessions::parse_listen(
        flag.or_else(|| env_str("SPARKPLANE_CONSOLE_LISTEN")).or(file),
        "console_listen",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_bad_values() {
        let none = |_: &str| None;
        assert_eq!(resolve(None, None, &none).unwrap(), ConsoleListen::BesideApi);
        let env = |key: &str| (key == "SPARKPLANE_CONSOLE_LISTEN").then(|| "127.0.0.1:8089".to_string());
        assert_eq!(resolve(None, Some("off".into()), &env).unwrap(), ConsoleListen::Address("127.0.0.1:8089".into()));
        assert_eq!(resolve(None, Some("off".into()), &none).unwrap(), ConsoleListen::Off);
        assert_eq!(resolve(Some("off".into()), None, &env).unwrap(), ConsoleListen::Off);
        assert!(resolve(Some("nowhere".into()), None, &none).is_err());
    }
}
