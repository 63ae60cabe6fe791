//! Custom images: drivers and executors inside an OCI image, run by podman.
//!
//! EMR Serverless takes `imageConfiguration.imageUri` per application and
//! per worker type, and runs Spark inside that image, so a job finds the
//! image's Python, its packages and its JDK. sparkplane does the same with
//! podman from the host's packages: the image supplies the operating system,
//! Java and Python; the Spark runtime, the attempt's work dir and the
//! artifact cache are bind-mounted in at their host paths, so every path the
//! launch code computed stays valid inside the container.
//!
//! Image URIs are ECR URIs (botocore's pattern). sparkplane has no ECR: an
//! operator names the registry that stands in for it (`image_registry`), and
//! `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` is pulled as
//! `<image_registry>/<repo>:<tag>`. Without one, images come from podman's
//! local store, tagged with the URI itself (`podman load` of an archive,
//! then `podman tag`).
//!
//! The container is the sandbox of what runs in it: it sees the mounts
//! above and nothing else of the host, so Landlock (which would also bar
//! podman from its own storage) is not applied to the podman process.

mod pull;
mod run;

use std::path::PathBuf;
use std::time::Duration;

pub use pull::ResolvedImage;
pub use run::{ContainerRun, OWNER_LABEL};

/// Where Debian's podman looks for the init it runs with `--init`.
const CATATONIT: &str = "/usr/libexec/podman/catatonit";

/// How long one pull may take before the attempt fails.
pub const PULL_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("image {uri} could not be pulled as {reference}: {reason}")]
    Pull { uri: String, reference: String, reason: String },
    #[error("image {uri} is not in this host's image store ({reason}); load it (podman load) and tag it {uri}, or set image_registry")]
    NotLocal { uri: String, reason: String },
    #[error(
        "imageUri {0} is not an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY:TAG or @sha256:DIGEST)"
    )]
    BadUri(String),
    #[error("run {program}: {source}")]
    Io {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// The registry that stands in for ECR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRegistry {
    /// `host[:port]`.
    pub host: String,
    /// Whether it speaks HTTPS with a trusted certificate (off: plain HTTP,
    /// as a registry on a private network or loopback often is).
    pub tls: bool,
}

/// podman on this host, and where its images come from.
#[derive(Debug, Clone)]
pub struct ContainerEngine {
    program: PathBuf,
    /// runc when installed: crun, podman's default, refuses hosts whose
    /// cgroups are in hybrid mode, and runc runs on both.
    oci_runtime: Option<PathBuf>,
    registry: Option<ImageRegistry>,
    /// Whether podman's init (catatonit) is installed for `--init`.
    init: bool,
    /// skopeo, which asks a registry for a tag's manifest digest without
    /// pulling (podman has no such command).
    skopeo: Option<PathBuf>,
    /// The owner label's value: a server kills the containers of its own
    /// data dir that outlived it, never another server's.
    owner: String,
}

impl ContainerEngine {
    /// podman from `PATH` (or the path the operator configured), `None`
    /// when it is not installed: applications that name an image are then
    /// refused.
    pub fn detect(configured: Option<&str>, registry: Option<ImageRegistry>, owner: String) -> Option<ContainerEngine> {
        let program = match configured {
            Some(path) if path.contains('/') => Some(PathBuf::from(path)).filter(|p| p.is_file()),
            Some(name) => crate::sandbox::find_program(name),
            None => crate::sandbox::find_program("podman"),
        }?;
        let oci_runtime = crate::sandbox::find_program("runc");
        let init = std::path::Path::new(CATATONIT).is_file();
        let skopeo = crate::sandbox::find_program("skopeo");
        Some(ContainerEngine { program, oci_runtime, registry, init, skopeo, owner })
    }

    pub fn program(&self) -> &std::path::Path {
        &self.program
    }

    /// One line for the operator: how images run and where they come from.
    pub fn describe(&self) -> String {
        let runtime = self
            .oci_runtime
            .as_ref()
            .map_or("podman's default OCI runtime".to_string(), |r| format!("OCI runtime {}", r.display()));
        let digests = match &self.skopeo {
            Some(_) => "digests from the registry by skopeo",
            None => "digests as podman records them (install skopeo for the registry's)",
        };
        let source = match &self.registry {
            Some(registry) => {
                let scheme = if registry.tls { "https" } else { "http" };
                format!("pulled from {scheme}://{} ({digests})", registry.host)
            }
            None => "taken from podman's local store (no image_registry)".to_string(),
        };
        format!("custom images run with {} ({runtime}), {source}", self.program.display())
    }

    /// What podman pulls or looks up for `image_uri`.
    pub fn reference(&self, image_uri: &str) -> Result<String, ContainerError> {
        let (_, path) = split_ecr(image_uri).ok_or_else(|| ContainerError::BadUri(image_uri.to_string()))?;
        Ok(match &self.registry {
            Some(registry) => format!("{}/{path}", registry.host),
            None => image_uri.to_string(),
        })
    }

    /// podman's global options: the OCI runtime.
    fn global_args(&self) -> Vec<String> {
        match &self.oci_runtime {
            Some(runtime) => vec!["--runtime".to_string(), runtime.display().to_string()],
            None => Vec::new(),
        }
    }

    /// Removes every container of this server that is left (a server that
    /// died does not stop them; their podman clients died with it).
    pub async fn remove_leftovers(&self) -> Result<usize, ContainerError> {
        let filter = format!("label={OWNER_LABEL}={}", self.owner);
        let listed = self.output(&["ps", "-a", "-q", "--filter", &filter]).await?;
        let ids: Vec<&str> = listed.split_whitespace().collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-t", "0"];
            args.extend(ids.iter().copied());
            self.output(&args).await?;
        }
        Ok(ids.len())
    }

    async fn output(&self, args: &[&str]) -> Result<String, ContainerError> {
        let io = |source| ContainerError::Io { program: self.program.display().to_string(), source };
        let mut command = tokio::process::Command::new(&self.program);
        command.args(self.global_args()).args(args).stdin(std::process::Stdio::null()).kill_on_drop(true);
        let out = command.output().await.map_err(io)?;
        if !out.status.success() {
            let reason = last_line(&out.stderr);
            return Err(io(std::io::Error::other(format!("podman {}: {reason}", args.join(" ")))));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The last non-empty line of a tool's stderr: podman's reason.
fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim().to_string()
}

/// `(registry, repository[:tag|@digest])` of an ECR URI, `None` when it is
/// not one.
pub fn split_ecr(uri: &str) -> Option<(&str, &str)> {
    let (registry, path) = uri.split_once('/')?;
    let mut labels = registry.split('.');
    let account = labels.next()?;
    let ecr = [labels.next()?, labels.next()?];
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let named = path.contains(':') || path.contains('@');
    (account_ok && ecr == ["dkr", "ecr"] && labels.next().is_some() && named && !path.is_empty())
        .then_some((registry, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(registry: Option<&str>) -> ContainerEngine {
        ContainerEngine {
            program: PathBuf::from("/usr/bin/podman"),
            oci_runtime: None,
            registry: registry.map(|host| ImageRegistry { host: host.to_string(), tls: false }),
            init: false,
            skopeo: None,
            owner: "/data".into(),
        }
    }

    #[test]
    fn ecr_uris_map_onto_the_configured_registry() {
        let uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/spark-numpy:1";
        assert_eq!(engine(Some("127.0.0.1:5000")).reference(uri).unwrap(), "127.0.0.1:5000/team/spark-numpy:1");
        // Without a registry the local store holds the image under the URI.
        assert_eq!(engine(None).reference(uri).unwrap(), uri);
        let pinned = format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark@sha256:{}", "a".repeat(64));
        assert_eq!(engine(Some("r:1")).reference(&pinned).unwrap(), format!("r:1/spark@sha256:{}", "a".repeat(64)));
        for bad in ["spark:latest", "12345.dkr.ecr.us-east-1.amazonaws.com/x:1", "123456789012.dkr.ecr/x:1"] {
            assert!(matches!(engine(None).reference(bad), Err(ContainerError::BadUri(_))), "{bad}");
        }
    }

    #[test]
    fn the_operator_is_told_how_images_run() {
        let line = engine(Some("127.0.0.1:5000")).describe();
        assert_eq!(
            line,
            "custom images run with /usr/bin/podman (podman's default OCI runtime), pulled from \
             http://127.0.0.1:5000 (digests as podman records them (install skopeo for the registry's))"
        );
        assert!(engine(None).describe().ends_with("taken from podman's local store (no image_registry)"));
    }

    #[test]
    fn podmans_reason_is_its_last_line() {
        assert_eq!(
            last_line(b"Trying to pull x...\nError: initializing source: not found\n\n"),
            "Error: initializing source: not found"
        );
        assert_eq!(last_line(b""), "no output");
    }
}
