//! The custom images of one attempt: resolved when the attempt starts (the
//! service resolves a tag at each submission), or by the digest the
//! application pinned at its start (`applicationLevelDigestResolution`, see
//! `applications::image_pins`), and recorded with their digests on the run
//! and the application.

use std::collections::BTreeMap;

use sparkplane_api::{Application, ImageConfiguration, JobRun};
use sparkplane_engine::container::ResolvedImage;
use sparkplane_engine::spark::images::AttemptImages;

use crate::applications::images::image_for;
use crate::Controller;

impl Controller {
    /// Pulls (or finds) the Driver and Executor images of `app` for this
    /// attempt; `Ok(None)` when it has none. Executors have processes of
    /// their own only in an elastic run (`executor_processes`); otherwise
    /// they are threads of the driver, in its image. The error is the
    /// run's `stateDetails`.
    pub(crate) async fn resolve_attempt_images(
        &self,
        app: &Application,
        run: &JobRun,
        attempt: u32,
        executor_processes: bool,
    ) -> Result<Option<AttemptImages>, String> {
        let driver = image_for(app, "Driver");
        let executor = image_for(app, "Executor").filter(|_| executor_processes);
        if driver.is_none() && executor.is_none() {
            return Ok(None);
        }
        let Some(engine) = self.config.containers.clone() else {
            return Err("Job failed to start: the application names a custom image and this server has no \
                        container engine (podman) to run it"
                .to_string());
        };
        let mut resolved: BTreeMap<String, ResolvedImage> = BTreeMap::new();
        for image in driver.iter().chain(executor.iter()) {
            if resolved.contains_key(&image.image_uri) {
                continue;
            }
            // Pinned at the application's start, or resolved now.
            let pinned = image
                .resolved_image_digest
                .as_deref()
                .filter(|_| image.application_level_digest_resolution == Some(true));
            let found = match pinned {
                Some(digest) => engine.resolve_pinned(&image.image_uri, digest).await,
                None => engine.resolve(&image.image_uri).await,
            };
            let found = found.map_err(|err| format!("Job failed to start: {err}"))?;
            tracing::info!(job_run_id = %run.job_run_id, uri = %found.uri, digest = %found.digest, "image resolved");
            resolved.insert(image.image_uri.clone(), found);
        }
        let pick = |image: Option<&ImageConfiguration>| image.and_then(|i| resolved.get(&i.image_uri)).cloned();
        let images = AttemptImages {
            engine,
            driver: pick(driver),
            executor: pick(executor),
            name: format!("sparkplane-{}-{attempt}", run.job_run_id.to_ascii_lowercase()),
        };
        self.record_digests(app, run, attempt, &resolved).await;
        Ok(Some(images))
    }

    /// Writes the digests into the run's and the application's image
    /// configurations (`resolvedImageDigest`, which GetJobRun and
    /// GetApplication return once an image was resolved).
    async fn record_digests(
        &self,
        app: &Application,
        run: &JobRun,
        attempt: u32,
        resolved: &BTreeMap<String, ResolvedImage>,
    ) {
        let fill = |image: &mut ImageConfiguration| {
            if let Some(found) = resolved.get(&image.image_uri) {
                image.resolved_image_digest = Some(found.digest.clone());
            }
        };
        let stamp = |image: &mut Option<ImageConfiguration>,
                     specs: &mut Option<sparkplane_api::WorkerTypeSpecificationMap>| {
            image.iter_mut().for_each(fill);
            specs.iter_mut().flatten().filter_map(|(_, spec)| spec.image_configuration.as_mut()).for_each(fill);
        };
        let updated = self
            .update_run(&run.application_id, &run.job_run_id, attempt, |current| {
                current.image_configuration = app.image_configuration.clone();
                current.worker_type_specifications = app.worker_type_specifications.clone();
                stamp(&mut current.image_configuration, &mut current.worker_type_specifications);
                true
            })
            .await;
        if let Err(err) = updated {
            tracing::warn!(job_run_id = %run.job_run_id, error = %err, "record the run's image digests");
        }
        let _guard = self.write_lock.lock().await;
        let Ok(mut current) = self.load_application(&app.application_id).await else { return };
        let before = (current.image_configuration.clone(), current.worker_type_specifications.clone());
        stamp(&mut current.image_configuration, &mut current.worker_type_specifications);
        if (current.image_configuration.clone(), current.worker_type_specifications.clone()) != before {
            if let Err(err) = self.store.put_application(&current).await {
                tracing::warn!(application_id = %app.application_id, error = %err, "record the image digests");
            }
        }
    }
}
