//! The custom images of one attempt (`imageConfiguration`, application-wide
//! and per worker type) and how its processes start in them.
//!
//! The driver runs in the DRIVER image and an elastic run's standalone
//! workers (and so their executors) in the EXECUTOR image. Spark picks the
//! executors' Python on the driver's side, so with any image in play it is
//! `python3` from `PATH`: the image's where there is one, the host's
//! elsewhere.

use std::path::Path;

use tokio::process::Command;

use crate::container::{ContainerEngine, ContainerRun, ResolvedImage};
use crate::process::ProcessGroup;
use crate::sandbox::Sandbox;
use crate::EngineError;

/// The interpreter every process of an attempt with an image uses unless
/// the job names its own.
pub const IMAGE_PYTHON: &str = "python3";

#[derive(Debug, Clone)]
pub struct AttemptImages {
    pub engine: ContainerEngine,
    pub driver: Option<ResolvedImage>,
    pub executor: Option<ResolvedImage>,
    /// Prefix of the attempt's container names, unique on the host
    /// (`sparkplane-<run>-<attempt>`).
    pub name: String,
}

impl AttemptImages {
    /// Whether any process of the attempt runs in an image (then the job's
    /// Python is [`IMAGE_PYTHON`] unless it names its own).
    pub fn any(&self) -> bool {
        self.driver.is_some() || self.executor.is_some()
    }

    fn run(&self, image: &ResolvedImage, suffix: &str, sandbox: &Sandbox, own_dir: &Path) -> ContainerRun {
        let mounts = sandbox.mounts_for(own_dir);
        ContainerRun {
            engine: self.engine.clone(),
            image: image.clone(),
            name: format!("{}-{suffix}", self.name),
            read_only: mounts.read_only,
            read_write: mounts.read_write,
        }
    }
}

/// Which process of the attempt a command is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Role<'a> {
    Driver,
    /// A standalone worker (its executors run inside it), by name.
    Worker(&'a str),
}

/// Starts `command` as its own process group, confined: inside the role's
/// image when the attempt has one (the container is its sandbox), else by
/// the sandbox's Landlock rules. `stdio` sets its streams, on whichever
/// command is finally spawned.
pub(super) fn spawn_confined(
    mut command: Command,
    images: Option<&AttemptImages>,
    role: Role<'_>,
    sandbox: &Sandbox,
    own_dir: &Path,
    stdio: impl FnOnce(&mut Command) -> Result<(), EngineError>,
    what: &str,
) -> Result<ProcessGroup, EngineError> {
    let image = images.and_then(|images| match role {
        Role::Driver => images.driver.as_ref().map(|image| (images, image, "driver".to_string())),
        Role::Worker(name) => images.executor.as_ref().map(|image| (images, image, name.to_string())),
    });
    match image {
        Some((images, image, suffix)) => {
            sandbox.use_own_tmp(&mut command, own_dir)?;
            let run = images.run(image, &suffix, sandbox, own_dir);
            let mut wrapped = run.wrap(&command);
            stdio(&mut wrapped)?;
            let process = ProcessGroup::spawn(wrapped).map_err(|err| EngineError::io(what, err))?;
            Ok(process.with_cleanup(run.cleanup()))
        }
        None => {
            stdio(&mut command)?;
            sandbox.confine(&mut command, own_dir)?;
            ProcessGroup::spawn(command).map_err(|err| EngineError::io(what, err))
        }
    }
}
