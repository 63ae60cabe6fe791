//! Resolving an image URI to the image a launch runs: pulled from the
//! registry that stands in for ECR (so a moved tag is fetched again, as the
//! service resolves a tag at each submission), or found in the local store.

use super::{last_line, ContainerEngine, ContainerError, PULL_TIMEOUT};

/// One image as a launch runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedImage {
    /// As the application names it.
    pub uri: String,
    /// What podman pulled or looked up.
    pub reference: String,
    /// The local image id: what runs, so a tag that moves during the run
    /// changes nothing.
    pub id: String,
    /// `sha256:...` of the manifest: the `resolvedImageDigest` reported.
    pub digest: String,
}

impl ContainerEngine {
    /// Resolves `uri`: with a registry, asks it which manifest the tag
    /// names now and pulls exactly that one (`repository@digest`, so a tag
    /// moving meanwhile cannot make the digest reported differ from the
    /// image run); without one, looks the URI up in the local store.
    pub async fn resolve(&self, uri: &str) -> Result<ResolvedImage, ContainerError> {
        let reference = self.reference(uri)?;
        if self.registry.is_none() {
            return self.local(uri, &reference).await;
        }
        let digest = match &self.skopeo {
            Some(_) => self.served_digest(uri, &reference).await?,
            // Without skopeo: pull the tag, and take the digest podman
            // recorded (the registry's unless this store pushed the image).
            None => {
                self.pull(uri, &reference).await?;
                return self.inspect(uri, &reference, None).await;
            }
        };
        self.resolve_pinned(uri, &digest).await
    }

    /// `uri` as the manifest `digest` (an application-level resolution
    /// made at the application's start): the tag may have moved since.
    pub async fn resolve_pinned(&self, uri: &str, digest: &str) -> Result<ResolvedImage, ContainerError> {
        let reference = self.reference(uri)?;
        let pinned = format!("{}@{digest}", repository_of(&reference));
        if self.registry.is_none() {
            let found = self.local(uri, &pinned).await?;
            return Ok(ResolvedImage { digest: digest.to_string(), ..found });
        }
        self.pull(uri, &pinned).await?;
        self.inspect(uri, &pinned, Some(digest)).await
    }

    async fn local(&self, uri: &str, reference: &str) -> Result<ResolvedImage, ContainerError> {
        self.inspect(uri, reference, None).await.map_err(|err| match err {
            ContainerError::Io { source, .. } => {
                ContainerError::NotLocal { uri: uri.to_string(), reason: source.to_string() }
            }
            other => other,
        })
    }

    fn tls_flag(&self) -> String {
        format!("--tls-verify={}", self.registry.as_ref().is_none_or(|registry| registry.tls))
    }

    /// The digest of the manifest the registry serves for `reference`
    /// (skopeo reads it without pulling, with podman's credentials).
    async fn served_digest(&self, uri: &str, reference: &str) -> Result<String, ContainerError> {
        let Some(skopeo) = &self.skopeo else {
            let source = std::io::Error::other("skopeo is not installed");
            return Err(ContainerError::Io { program: "skopeo".into(), source });
        };
        let target = format!("docker://{reference}");
        let args = ["inspect", &self.tls_flag(), "--format", "{{.Digest}}", &target];
        let out = self.run_bounded(skopeo, &args, uri, reference).await?;
        let digest = String::from_utf8_lossy(&out).trim().to_string();
        if !(digest.starts_with("sha256:") && digest.len() == 71) {
            return Err(ContainerError::Pull {
                uri: uri.to_string(),
                reference: reference.to_string(),
                reason: format!("the registry named no digest ('{digest}')"),
            });
        }
        Ok(digest)
    }

    async fn pull(&self, uri: &str, reference: &str) -> Result<(), ContainerError> {
        let mut args = self.global_args();
        args.extend(["pull".to_string(), "--quiet".to_string(), self.tls_flag(), reference.to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run_bounded(&self.program, &args, uri, reference).await.map(|_| ())
    }

    /// Runs a registry tool for at most [`PULL_TIMEOUT`]; its stdout, or
    /// its reason as a pull error.
    async fn run_bounded(
        &self,
        program: &std::path::Path,
        args: &[&str],
        uri: &str,
        reference: &str,
    ) -> Result<Vec<u8>, ContainerError> {
        let pull_error =
            |reason: String| ContainerError::Pull { uri: uri.to_string(), reference: reference.to_string(), reason };
        let mut command = tokio::process::Command::new(program);
        command.args(args).stdin(std::process::Stdio::null()).kill_on_drop(true);
        let out = match tokio::time::timeout(PULL_TIMEOUT, command.output()).await {
            Ok(out) => out.map_err(|source| ContainerError::Io { program: program.display().to_string(), source })?,
            Err(_) => return Err(pull_error(format!("no answer within {} s", PULL_TIMEOUT.as_secs()))),
        };
        if !out.status.success() {
            return Err(pull_error(last_line(&out.stderr)));
        }
        Ok(out.stdout)
    }

    /// The local image `reference` names: its id, and `digest` or podman's.
    async fn inspect(&self, uri: &str, reference: &str, digest: Option<&str>) -> Result<ResolvedImage, ContainerError> {
        let text = self.output(&["image", "inspect", "--format", "{{.Id}} {{.Digest}}", reference]).await?;
        let mut words = text.split_whitespace();
        let (Some(id), Some(local_digest)) = (words.next(), words.next()) else {
            return Err(ContainerError::Io {
                program: self.program.display().to_string(),
                source: std::io::Error::other(format!("podman image inspect printed '{}'", text.trim())),
            });
        };
        Ok(ResolvedImage {
            uri: uri.to_string(),
            reference: reference.to_string(),
            id: id.to_string(),
            digest: digest.unwrap_or(local_digest).to_string(),
        })
    }
}

/// `reference` without its tag or digest.
fn repository_of(reference: &str) -> &str {
    match reference.rsplit_once('@') {
        Some((repository, _)) => repository,
        None => match reference.rsplit_once(':') {
            Some((repository, tag)) if !tag.contains('/') => repository,
            _ => reference,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_without_its_tag_or_digest() {
        assert_eq!(repository_of("r:5000/team/spark:1"), "r:5000/team/spark");
        assert_eq!(repository_of("r:5000/spark@sha256:aa"), "r:5000/spark");
        // A registry host with a port and no tag is not a tag.
        assert_eq!(repository_of("r:5000/spark"), "r:5000/spark");
    }
}
