//! Custom images: which container engine runs them and which registry
//! stands in for ECR. Resolved like every setting (defaults < TOML <
//! `SPARKPLANE_*` < flags), here so `config.rs` stays one screen per concern.

use anyhow::bail;

const ENGINE_ENV: &str = "SPARKPLANE_CONTAINER_ENGINE";
const REGISTRY_ENV: &str = "SPARKPLANE_IMAGE_REGISTRY";
const TLS_ENV: &str = "SPARKPLANE_IMAGE_REGISTRY_TLS";

/// What the operator chose; detection happens when the server starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageSettings {
    /// `None`: podman from `PATH` if installed. `Some("none")`: no images.
    pub container_engine: Option<String>,
    /// `host[:port]` of the registry that ECR URIs are pulled from; `None`:
    /// images come from podman's local store.
    pub image_registry: Option<String>,
    /// Whether the registry speaks HTTPS (default) or plain HTTP.
    pub image_registry_tls: bool,
}

impl ImageSettings {
    /// The engine the server runs images with, `None` when images are off
    /// or podman is not installed.
    pub fn engine(&self, owner: String) -> Option<sparkplane_engine::container::ContainerEngine> {
        if self.container_engine.as_deref() == Some("none") {
            return None;
        }
        let registry = self.image_registry.as_ref().map(|host| sparkplane_engine::container::ImageRegistry {
            host: host.clone(),
            tls: self.image_registry_tls,
        });
        sparkplane_engine::container::ContainerEngine::detect(self.container_engine.as_deref(), registry, owner)
    }
}

/// (flag, file) for the engine, the registry and its TLS; the environment
/// through `env_str`.
pub fn resolve(
    flags: (Option<String>, Option<String>, Option<bool>),
    file: (Option<String>, Option<String>, Option<bool>),
    env_str: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<ImageSettings> {
    let container_engine = flags.0.or_else(|| env_str(ENGINE_ENV)).or(file.0).filter(|s| !s.is_empty());
    let image_registry = flags.1.or_else(|| env_str(REGISTRY_ENV)).or(file.1).filter(|s| !s.is_empty());
    if let Some(host) = &image_registry {
        let valid = host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid || host.starts_with(['.', '-', ':']) {
            bail!("image_registry must be HOST[:PORT] (no scheme or path), got '{host}'");
        }
    }
    let tls = match (flags.2, env_str(TLS_ENV)) {
        (Some(value), _) => value,
        (None, Some(text)) => match text.as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            other => bail!("{TLS_ENV} must be true or false, got '{other}'"),
        },
        (None, None) => file.2.unwrap_or(true),
    };
    Ok(ImageSettings { container_engine, image_registry, image_registry_tls: tls })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_bad_registries() {
        let none = |_: &str| None;
        assert_eq!(
            resolve((None, None, None), (None, None, None), &none).unwrap(),
            ImageSettings { image_registry_tls: true, ..Default::default() }
        );
        let env = |key: &str| match key {
            REGISTRY_ENV => Some("127.0.0.1:5000".to_string()),
            TLS_ENV => Some("false".to_string()),
            _ => None,
        };
        let settings =
            resolve((None, None, None), (Some("podman".into()), Some("file:1".into()), Some(true)), &env).unwrap();
        assert_eq!(settings.image_registry.as_deref(), Some("127.0.0.1:5000"));
        assert!(!settings.image_registry_tls);
        assert_eq!(settings.container_engine.as_deref(), Some("podman"));
        let flag =
            resolve((Some("none".into()), Some("r.example:443".into()), Some(true)), (None, None, None), &env).unwrap();
        assert_eq!(flag.image_registry.as_deref(), Some("r.example:443"));
        assert!(flag.image_registry_tls);
        assert!(flag.engine("/data".into()).is_none());
        assert!(resolve((None, Some("http://r:5000".into()), None), (None, None, None), &none).is_err());
        let bad_tls = |key: &str| (key == TLS_ENV).then(|| "maybe".to_string());
        assert!(resolve((None, None, None), (None, None, None), &bad_tls).is_err());
    }
}
