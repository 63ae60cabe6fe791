//! The host table's settings: this server's host name, how often agents
//! heartbeat and how long a silent one has before it is LOST. Flag, then
//! `SPARKPLANE_*` environment, then the file, then the named defaults.

use std::time::Duration;

use anyhow::Context;
use sparkplane_hosts::registry::{Liveness, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_LOST_AFTER};

/// Used when the machine's own host name is no DNS label.
pub const FALLBACK_HOST_NAME: &str = "local";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSettings {
    /// This server's own host in `sparkplane hosts`.
    pub name: String,
    pub liveness: Liveness,
}

pub type Layer = (Option<String>, Option<u64>, Option<u64>);

/// `flags` and `file` are (host name, heartbeat interval seconds, lost
/// after seconds).
pub fn resolve(flags: Layer, file: Layer, env_str: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<HostSettings> {
    let number = |flag: Option<u64>, key: &str, from_file: Option<u64>| -> anyhow::Result<Option<u64>> {
        if flag.is_some() {
            return Ok(flag);
        }
        match env_str(key) {
            Some(value) => Ok(Some(value.parse().with_context(|| format!("{key} must be a whole number"))?)),
            None => Ok(from_file),
        }
    };
    let name = match flags.0.or_else(|| env_str("SPARKPLANE_HOST_NAME")).or(file.0) {
        Some(name) => {
            sparkplane_hosts::validate_name(&name).context("host_name")?;
            name
        }
        None => machine_host_name(),
    };
    let heartbeat = number(flags.1, "SPARKPLANE_HOST_HEARTBEAT_INTERVAL_SECONDS", file.1)?.map(Duration::from_secs);
    let lost_after = number(flags.2, "SPARKPLANE_HOST_LOST_AFTER_SECONDS", file.2)?.map(Duration::from_secs);
    let liveness = Liveness {
        heartbeat_interval: heartbeat.unwrap_or(DEFAULT_HEARTBEAT_INTERVAL),
        lost_after: lost_after.unwrap_or(DEFAULT_LOST_AFTER),
    };
    liveness.validate().map_err(anyhow::Error::msg)?;
    Ok(HostSettings { name, liveness })
}

/// The kernel's host name made a DNS label (lower case, other characters
/// as '-', the first label of a dotted name), or [`FALLBACK_HOST_NAME`].
pub fn machine_host_name() -> String {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    label_of(raw.trim())
}

fn label_of(raw: &str) -> String {
    let first = raw.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let mapped: String =
        first.chars().map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' }).take(63).collect();
    let trimmed = mapped.trim_matches('-').to_string();
    if sparkplane_hosts::validate_name(&trimmed).is_ok() {
        trimmed
    } else {
        FALLBACK_HOST_NAME.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_and_nonsense_is_refused() {
        let env = |key: &str| match key {
            "SPARKPLANE_HOST_NAME" => Some("from-env".to_string()),
            "SPARKPLANE_HOST_LOST_AFTER_SECONDS" => Some("60".to_string()),
            _ => None,
        };
        let got = resolve((None, None, None), (Some("from-file".into()), Some(2), Some(10)), &env).unwrap();
        assert_eq!(got.name, "from-env");
        assert_eq!(got.liveness.heartbeat_interval, Duration::from_secs(2));
        assert_eq!(got.liveness.lost_after, Duration::from_secs(60));
        let got = resolve((Some("flag".into()), None, Some(20)), (None, None, None), &env).unwrap();
        assert_eq!((got.name.as_str(), got.liveness.lost_after), ("flag", Duration::from_secs(20)));
        let none = |_: &str| None;
        assert!(resolve((Some("Bad Name".into()), None, None), (None, None, None), &none).is_err());
        assert!(resolve((None, Some(10), Some(15)), (None, None, None), &none).is_err(), "lost_after < 2 heartbeats");
        assert!(resolve((None, Some(0), None), (None, None, None), &none).is_err());
    }

    #[test]
    fn machine_names_become_dns_labels() {
        assert_eq!(label_of("Build-Box.example.com"), "build-box");
        assert_eq!(label_of("my_host"), "my-host");
        assert_eq!(label_of(""), FALLBACK_HOST_NAME);
        assert_eq!(label_of("___"), FALLBACK_HOST_NAME);
    }
}
