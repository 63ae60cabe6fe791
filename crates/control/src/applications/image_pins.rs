//! `applicationLevelDigestResolution`: an image resolved once, when the
//! application starts, and used by digest by every run until it stops.
//!
//! The service resolves such an image "at application start time" so that
//! every workload of that start runs the same image even if its tag moves.
//! Here the start waits in STARTING while the pool's reconcile pass has the
//! images resolved in the background (a pull may take minutes), records
//! their digests on the application, then finishes the start. A stop clears
//! them, so the next start resolves again. An image that cannot be resolved
//! does not keep the application from starting: the start's stateDetails
//! says so, and each run then resolves it itself (and fails, naming it, if
//! it still cannot).

use std::collections::HashMap;
use std::sync::Arc;

use sparkplane_api::{Application, ApplicationState, ImageConfiguration};

use crate::base::clock;
use crate::Controller;

/// Resolutions in flight or failed, by application.
#[derive(Debug, Default)]
pub(crate) struct ImagePins {
    states: std::sync::Mutex<HashMap<String, PinState>>,
}

#[derive(Debug, Clone)]
enum PinState {
    Resolving,
    Failed(String),
}

/// What a start waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PinStep {
    /// Nothing to resolve, or resolved.
    Ready,
    /// Being resolved.
    Waiting,
    /// Could not be resolved: the start goes on, saying this.
    Failed(String),
}

/// The application-level images of `app` (its own and its worker types')
/// that are not resolved yet.
pub(crate) fn unpinned(app: &Application) -> Vec<String> {
    let mut uris: Vec<String> = pinned_images(app)
        .filter(|image| image.resolved_image_digest.is_none())
        .map(|image| image.image_uri.clone())
        .collect();
    uris.sort();
    uris.dedup();
    uris
}

/// Whether `app` has any application-level image.
pub(crate) fn has_pins(app: &Application) -> bool {
    pinned_images(app).next().is_some()
}

fn pinned_images(app: &Application) -> impl Iterator<Item = &ImageConfiguration> {
    let worker_images =
        app.worker_type_specifications.iter().flatten().filter_map(|(_, s)| s.image_configuration.as_ref());
    app.image_configuration
        .iter()
        .chain(worker_images)
        .filter(|image| image.application_level_digest_resolution == Some(true))
}

/// Every application-level image of `app`, mutably.
fn pinned_images_mut(app: &mut Application) -> Vec<&mut ImageConfiguration> {
    let worker_images =
        app.worker_type_specifications.iter_mut().flatten().filter_map(|(_, s)| s.image_configuration.as_mut());
    app.image_configuration
        .iter_mut()
        .chain(worker_images)
        .filter(|image| image.application_level_digest_resolution == Some(true))
        .collect()
}

/// Forgets the digests of `app`'s application-level images (at stop).
pub(crate) fn clear_pins(app: &mut Application) {
    for image in pinned_images_mut(app) {
        image.resolved_image_digest = None;
    }
}

impl Controller {
    /// One reconcile pass's view of a STARTING application's pinned images:
    /// starts their resolution the first time.
    pub(crate) fn image_pins_step(self: &Arc<Self>, app: &Application) -> PinStep {
        let needed = unpinned(app);
        let mut states = self.image_pins.states.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if needed.is_empty() {
            states.remove(&app.application_id);
            return PinStep::Ready;
        }
        match states.get(&app.application_id).cloned() {
            Some(PinState::Resolving) => PinStep::Waiting,
            Some(PinState::Failed(why)) => {
                states.remove(&app.application_id);
                PinStep::Failed(why)
            }
            None => {
                states.insert(app.application_id.clone(), PinState::Resolving);
                tokio::spawn(self.clone().pin_images(app.application_id.clone(), needed));
                PinStep::Waiting
            }
        }
    }

    async fn pin_images(self: Arc<Self>, application_id: String, uris: Vec<String>) {
        let outcome = match &self.config.containers {
            None => Err("this server has no container engine".to_string()),
            Some(engine) => {
                let mut digests = HashMap::new();
                let mut failure = None;
                for uri in &uris {
                    match engine.resolve(uri).await {
                        Ok(found) => {
                            digests.insert(uri.clone(), found.digest);
                        }
                        Err(err) => {
                            failure = Some(err.to_string());
                            break;
                        }
                    }
                }
                failure.map_or(Ok(digests), Err)
            }
        };
        let state = match outcome {
            Ok(digests) => match self.record_pins(&application_id, &digests).await {
                Ok(()) => None,
                Err(err) => Some(PinState::Failed(format!("record the image digests: {err}"))),
            },
            Err(why) => Some(PinState::Failed(why)),
        };
        let mut states = self.image_pins.states.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match state {
            Some(state) => states.insert(application_id, state),
            None => states.remove(&application_id),
        };
        drop(states);
        self.wake_scheduler();
    }

    async fn record_pins(
        &self,
        application_id: &str,
        digests: &HashMap<String, String>,
    ) -> Result<(), crate::ControlError> {
        let _guard = self.write_lock.lock().await;
        let mut app = self.load_application(application_id).await?;
        if app.state != ApplicationState::Starting {
            return Ok(());
        }
        for image in pinned_images_mut(&mut app) {
            if let Some(digest) = digests.get(&image.image_uri) {
                image.resolved_image_digest = Some(digest.clone());
            }
        }
        app.updated_at = clock::now();
        self.store.put_application(&app).await?;
        tracing::info!(application_id, "application-level image digests resolved");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_application_level_images_are_pinned_and_a_stop_forgets_them() {
        let mut app: Application = serde_json::from_value(serde_json::json!({
            "applicationId": "00app", "arn": "arn", "releaseLabel": "emr-7.1.0", "type": "SPARK",
            "state": "STARTING", "createdAt": 0, "updatedAt": 0,
            "imageConfiguration": {"imageUri": "a:1", "applicationLevelDigestResolution": true},
            "workerTypeSpecifications": {
                "Driver": {"imageConfiguration": {"imageUri": "d:1"}},
                "Executor": {"imageConfiguration": {"imageUri": "a:1", "applicationLevelDigestResolution": true}}
            }
        }))
        .unwrap();
        assert!(has_pins(&app));
        assert_eq!(unpinned(&app), ["a:1"]);
        for image in pinned_images_mut(&mut app) {
            image.resolved_image_digest = Some("sha256:aa".into());
        }
        assert!(unpinned(&app).is_empty());
        let driver = app.worker_type_specifications.as_ref().unwrap()["Driver"].image_configuration.clone().unwrap();
        assert_eq!(driver.resolved_image_digest, None, "a workload-level image is not pinned");
        clear_pins(&mut app);
        assert_eq!(unpinned(&app), ["a:1"]);
    }
}
