//! The disk settings of the server: the artifact cache's byte limit, how
//! long failed attempts' work dirs are kept, and how long ended runs' logs
//! and dashboard files are. Resolved like every setting
//! (defaults < TOML < `SPARKPLANE_*` < flags), here so `config.rs` stays one
//! screen per concern.

use anyhow::Context;

/// Default limit of `<data>/cache`: 10 GiB.
pub const DEFAULT_ARTIFACT_CACHE_BYTES: u64 = sparkplane_storage::DEFAULT_LIMIT_BYTES;
/// Failed attempts' dirs are removed at once unless the operator asks to keep
/// them: a failing job retried in a loop would otherwise fill the disk.
pub const DEFAULT_KEEP_FAILED_WORK_DIRS_MINUTES: u64 = 0;

/// Ended runs' managed logs and dashboard files go after 30 days, as the
/// service deletes a job's logs from its managed storage after 30 days.
pub const DEFAULT_RUN_HISTORY_DAYS: u64 = 30;

const CACHE_ENV: &str = "SPARKPLANE_ARTIFACT_CACHE_BYTES";
const KEEP_ENV: &str = "SPARKPLANE_KEEP_FAILED_WORK_DIRS_MINUTES";
/// Seconds in one minute of the keep setting: 60, shorter only so tests can
/// watch a kept dir go (like `SPARKPLANE_AUTO_STOP_MINUTE_SECONDS`).
const MINUTE_ENV: &str = "SPARKPLANE_KEEP_FAILED_MINUTE_SECONDS";
const HISTORY_ENV: &str = "SPARKPLANE_RUN_HISTORY_DAYS";
/// Seconds in one day of `run_history_days`: 86400, shorter only for tests.
const DAY_ENV: &str = "SPARKPLANE_RUN_HISTORY_DAY_SECONDS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSettings {
    /// 0 turns the cache off (every attempt copies its artifacts).
    pub artifact_cache_bytes: u64,
    pub keep_failed_work_dirs_minutes: u64,
    /// Seconds per minute of `keep_failed_work_dirs_minutes` (60).
    pub minute_seconds: u64,
    /// 0 keeps ended runs' files forever.
    pub run_history_days: u64,
    /// Seconds per day of `run_history_days` (86400).
    pub day_seconds: u64,
}

impl DiskSettings {
    pub fn keep_failed_work_dirs(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.keep_failed_work_dirs_minutes.saturating_mul(self.minute_seconds))
    }

    pub fn run_history_retention(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.run_history_days.saturating_mul(self.day_seconds))
    }
}

/// One layer each: (flag, file) for the cache bytes, the keep minutes and
/// the history days, the environment through `env_str`.
pub fn resolve(
    flags: (Option<u64>, Option<u64>, Option<u64>),
    file: (Option<u64>, Option<u64>, Option<u64>),
    env_str: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<DiskSettings> {
    let layer = |flag: Option<u64>, key: &str, from_file: Option<u64>, default: u64| -> anyhow::Result<u64> {
        match (flag, env_str(key)) {
            (Some(value), _) => Ok(value),
            (None, Some(value)) => value.parse().with_context(|| format!("{key} must be a whole number")),
            (None, None) => Ok(from_file.unwrap_or(default)),
        }
    };
    Ok(DiskSettings {
        artifact_cache_bytes: layer(flags.0, CACHE_ENV, file.0, DEFAULT_ARTIFACT_CACHE_BYTES)?,
        keep_failed_work_dirs_minutes: layer(flags.1, KEEP_ENV, file.1, DEFAULT_KEEP_FAILED_WORK_DIRS_MINUTES)?,
        minute_seconds: layer(None, MINUTE_ENV, None, 60)?.max(1),
        run_history_days: layer(flags.2, HISTORY_ENV, file.2, DEFAULT_RUN_HISTORY_DAYS)?,
        day_seconds: layer(None, DAY_ENV, None, 86_400)?.max(1),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{ServerConfig, ServerFlags};

    use super::*;

    const DEFAULTS: DiskSettings = DiskSettings {
        artifact_cache_bytes: DEFAULT_ARTIFACT_CACHE_BYTES,
        keep_failed_work_dirs_minutes: 0,
        minute_seconds: 60,
        run_history_days: DEFAULT_RUN_HISTORY_DAYS,
        day_seconds: 86_400,
    };

    #[test]
    fn run_history_days_layer_and_zero_keeps_forever() {
        let none = HashMap::new();
        let defaults = ServerConfig::resolve(&ServerFlags::default(), &none).unwrap().disk;
        assert_eq!(defaults.run_history_retention(), std::time::Duration::from_secs(30 * 86_400));
        let env: HashMap<String, String> =
            [(HISTORY_ENV.to_string(), "2".to_string()), (DAY_ENV.to_string(), "3".to_string())].into();
        let from_env = ServerConfig::resolve(&ServerFlags::default(), &env).unwrap().disk;
        assert_eq!(from_env.run_history_retention(), std::time::Duration::from_secs(6));
        let flags = ServerFlags { run_history_days: Some(0), ..Default::default() };
        assert!(ServerConfig::resolve(&flags, &env).unwrap().disk.run_history_retention().is_zero());
        let bad: HashMap<String, String> = [(HISTORY_ENV.to_string(), "a month".to_string())].into();
        assert!(ServerConfig::resolve(&ServerFlags::default(), &bad).is_err());
    }

    #[test]
    fn disk_settings_layer_defaults_file_env_and_flags() {
        let none = HashMap::new();
        let defaults = ServerConfig::resolve(&ServerFlags::default(), &none).unwrap().disk;
        assert_eq!(
            defaults,
            DiskSettings {
                artifact_cache_bytes: 10 << 30,
                keep_failed_work_dirs_minutes: 0,
                minute_seconds: 60,
                ..DEFAULTS
            }
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "artifact_cache_bytes = 1000\nkeep_failed_work_dirs_minutes = 60\n").unwrap();
        let with_file = ServerFlags { config: Some(file), ..Default::default() };
        let from_file = ServerConfig::resolve(&with_file, &none).unwrap().disk;
        assert_eq!(
            from_file,
            DiskSettings {
                artifact_cache_bytes: 1000,
                keep_failed_work_dirs_minutes: 60,
                minute_seconds: 60,
                ..DEFAULTS
            }
        );
        let env: HashMap<String, String> = [(CACHE_ENV.to_string(), "2000".to_string())].into();
        let from_env = ServerConfig::resolve(&with_file, &env).unwrap().disk;
        assert_eq!(
            from_env,
            DiskSettings {
                artifact_cache_bytes: 2000,
                keep_failed_work_dirs_minutes: 60,
                minute_seconds: 60,
                ..DEFAULTS
            }
        );
        let flags =
            ServerFlags { artifact_cache_bytes: Some(3000), keep_failed_work_dirs_minutes: Some(5), ..with_file };
        let from_flags = ServerConfig::resolve(&flags, &env).unwrap().disk;
        assert_eq!(
            from_flags,
            DiskSettings {
                artifact_cache_bytes: 3000,
                keep_failed_work_dirs_minutes: 5,
                minute_seconds: 60,
                ..DEFAULTS
            }
        );
        assert_eq!(from_flags.keep_failed_work_dirs(), std::time::Duration::from_secs(300));
        let bad: HashMap<String, String> = [(KEEP_ENV.to_string(), "soon".to_string())].into();
        let err = ServerConfig::resolve(&ServerFlags::default(), &bad).unwrap_err();
        assert!(err.to_string().contains(KEEP_ENV), "{err}");
    }
}
