//! The environment of an engine process, built from an allowlist.
//!
//! The server's environment may hold anything: its own settings
//! (`SPARKPLANE_*`), cloud credentials (`AWS_*`), tokens of the shell that
//! started it. A denylist misses whatever nobody thought of, so engine
//! processes start from an empty environment and get back only what locates
//! programs and sets the locale; the engine then adds its own variables
//! (`SPARK_HOME`, `PYTHONPATH`, ...) and the job's.

use tokio::process::Command;

/// Variables of the server passed on unchanged.
pub const ALLOWED_ENV: &[&str] =
    &["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "JAVA_HOME", "PYTHONPATH"];
/// Families of variables passed on: the locale's categories.
pub const ALLOWED_ENV_PREFIXES: &[&str] = &["LC_"];

/// Whether a variable of the server's environment reaches engine processes.
pub fn is_allowed_env(name: &str) -> bool {
    ALLOWED_ENV.contains(&name) || ALLOWED_ENV_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// Clears `command`'s environment, then passes on the allowed variables of
/// this process. Call first, before setting the command's own variables
/// (clearing removes those too).
pub fn clean_env(command: &mut Command) {
    command.env_clear();
    for (name, value) in std::env::vars_os() {
        if name.to_str().is_some_and(is_allowed_env) {
            command.env(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowlisted_variables_pass() {
        for allowed in ["PATH", "HOME", "LC_ALL", "JAVA_HOME", "LANG"] {
            assert!(is_allowed_env(allowed), "{allowed}");
        }
        for denied in [
            "SPARKPLANE_DATA_DIR",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "GITHUB_TOKEN",
            "SPARK_CONF_DIR",
            "LD_PRELOAD",
            "PATHX",
        ] {
            assert!(!is_allowed_env(denied), "{denied}");
        }
    }

    #[test]
    fn clean_env_clears_and_keeps_the_allowlist() {
        let mut command = Command::new("true");
        command.env("SPARKPLANE_SECRET", "x");
        clean_env(&mut command);
        let envs: Vec<String> =
            command.as_std().get_envs().filter(|(_, v)| v.is_some()).map(|(k, _)| k.to_string_lossy().into()).collect();
        assert!(envs.iter().all(|name| is_allowed_env(name)), "{envs:?}");
        assert!(envs.contains(&"PATH".to_string()));
    }
}
