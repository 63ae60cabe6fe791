//! Local paths in requests: a `logUri`, an entry point, a dependency or a
//! HIVE query file given as `file://` or a plain path is read or written by
//! the server with its own filesystem access, so it is accepted only under
//! the configured directories ([`crate::ControlConfig::allowed_local_dirs`]),
//! and only when the caller's policy allows it ([`LocalPathPolicy`]: the
//! server asks the caller's IAM policies for `sparkplane:UseLocalPath` on
//! [`local_path_arn`]). `s3://` URIs are not affected.

use std::path::{Path, PathBuf};

use sparkplane_api::MonitoringConfiguration;
use sparkplane_storage::Location;

use crate::ControlError;

/// The setting a refusal names.
pub const ALLOWED_LOCAL_DIRS_SETTING: &str =
    "allowed_local_dirs (config file), SPARKPLANE_ALLOWED_LOCAL_DIRS or --allowed-local-dir";

/// Whether `path` may be used given the configured directories: it resolves
/// (`..` and symlinks followed) to a place inside one of them. The
/// configuration half of the decision; a policy check of the caller can be
/// combined with it.
pub fn local_path_allowed(allowed_dirs: &[PathBuf], path: &Path) -> bool {
    sparkplane_storage::local_path_allowed(allowed_dirs, path)
}

/// The IAM action a caller needs to name a local path. AWS has no local
/// paths; this is sparkplane's, so a policy can give one team a directory
/// (`arn:sparkplane:local:::/srv/team-a/*`) and nobody else.
pub const USE_LOCAL_PATH: &str = "sparkplane:UseLocalPath";

/// The resource `sparkplane:UseLocalPath` is decided on: the path, resolved
/// (`..` and symlinks followed, as far as it exists).
pub fn local_path_arn(path: &Path) -> String {
    let resolved = sparkplane_storage::resolve_local_path(path).unwrap_or_else(|| path.to_path_buf());
    format!("arn:sparkplane:local:::{}", resolved.display())
}

/// Whether the caller of a request may name a local path.
pub trait LocalPathPolicy: Send + Sync {
    /// `Err` with the denial message when its policy does not allow `path`.
    fn check(&self, path: &Path) -> Result<(), String>;
}

/// Every local path the configuration allows (the account root, and tests).
pub struct AnyLocalPath;

impl LocalPathPolicy for AnyLocalPath {
    fn check(&self, _: &Path) -> Result<(), String> {
        Ok(())
    }
}

/// Refuses the first local path among `uris` (where it was given, URI) that
/// lies outside `allowed_dirs` (400), or that `policy` does not allow (403).
/// URIs that do not parse are left to the validation that owns them.
pub(crate) fn check<'a>(
    allowed_dirs: &[PathBuf],
    policy: &dyn LocalPathPolicy,
    uris: impl IntoIterator<Item = (&'a str, String)>,
) -> Result<(), ControlError> {
    for (field, uri) in uris {
        let Ok(Location::Local(path)) = Location::parse(&uri) else {
            continue;
        };
        if !local_path_allowed(allowed_dirs, &path) {
            return Err(ControlError::validation(format!(
                "{field} '{uri}' is a local path outside the directories this server allows for requests; \
                 use s3://, or a path under the data dir's 'local' folder or a directory listed in \
                 {ALLOWED_LOCAL_DIRS_SETTING}"
            )));
        }
        policy.check(&path).map_err(|message| {
            ControlError::Api(sparkplane_api::ApiError::new(sparkplane_api::ErrorCode::AccessDenied, message))
        })?;
    }
    Ok(())
}

/// The `logUri` of a monitoring configuration, labelled for an error.
pub(crate) fn log_uri(monitoring: Option<&MonitoringConfiguration>) -> Option<(&'static str, String)> {
    let uri = monitoring.and_then(|m| m.s3_monitoring_configuration.as_ref()).and_then(|s| s.log_uri.clone())?;
    Some(("monitoringConfiguration.s3MonitoringConfiguration.logUri", uri))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_field_and_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let allowed = vec![dir.path().to_path_buf()];
        let inside = format!("file://{}/logs/", dir.path().display());
        check(&allowed, &AnyLocalPath, [("logUri", inside.clone()), ("entryPoint", "s3://b/k.py".to_string())])
            .unwrap();
        let err =
            check(&allowed, &AnyLocalPath, [("logUri", "file:///tmp/x/".to_string())]).unwrap_err().to_api_error();
        assert_eq!(err.code, sparkplane_api::ErrorCode::Validation);
        assert!(err.message.contains("logUri 'file:///tmp/x/'"), "{}", err.message);
        assert!(err.message.contains("SPARKPLANE_ALLOWED_LOCAL_DIRS"), "{}", err.message);
        let escape = format!("{}/../etc/passwd", dir.path().display());
        assert!(check(&allowed, &AnyLocalPath, [("entryPoint", escape)]).is_err());
        assert!(check(&[], &AnyLocalPath, [("entryPoint", "/x.py".to_string())]).is_err());
        // Inside the allowed dirs, the caller's policy decides, on the resolved path.
        struct Nobody;
        impl LocalPathPolicy for Nobody {
            fn check(&self, path: &Path) -> Result<(), String> {
                Err(format!("not authorized to perform: {USE_LOCAL_PATH} on resource: {}", local_path_arn(path)))
            }
        }
        let err = check(&allowed, &Nobody, [("logUri", inside)]).unwrap_err().to_api_error();
        assert_eq!(err.code, sparkplane_api::ErrorCode::AccessDenied);
        let resolved = std::fs::canonicalize(dir.path()).unwrap();
        assert!(
            err.message.contains(&format!("arn:sparkplane:local:::{}/logs", resolved.display())),
            "{}",
            err.message
        );
    }
}
