//! Custom images on applications: what CreateApplication and
//! UpdateApplication accept, and what they store.
//!
//! An image is accepted only where it will be used: a Spark application,
//! a release that has custom images (emr-6.9.0 and later, as in the
//! service), worker types that exist (Driver, Executor), and a host with a
//! container engine. `applicationLevelDigestResolution` pins the digest at
//! application start (`image_pins`). Anything else is refused with a ValidationException
//! that says why, never stored and then ignored.

use sparkplane_api::{
    Application, ImageConfiguration, ImageConfigurationInput, WorkerTypeSpecification, WorkerTypeSpecificationInputMap,
};

use crate::ControlError;

/// The worker types of a Spark application, as the service names them.
pub const WORKER_TYPES: [&str; 2] = ["Driver", "Executor"];
/// The first release with custom images.
const FIRST_IMAGE_RELEASE: (u32, u32) = (6, 9);

/// The images a request names, checked against the application it will
/// apply to (`engine_type`, `release_label`) and this host.
pub(crate) fn check_images(
    image: Option<&ImageConfigurationInput>,
    worker_types: Option<&WorkerTypeSpecificationInputMap>,
    engine_type: &str,
    release_label: &str,
    has_engine: bool,
) -> Result<(), ControlError> {
    let names_image = |i: &&ImageConfigurationInput| i.image_uri.is_some();
    // The first field that names an image: what a refusal points at.
    let mut named = image.filter(names_image).map(|_| "imageConfiguration".to_string());
    for (worker_type, spec) in worker_types.into_iter().flatten() {
        if !WORKER_TYPES.contains(&worker_type.as_str()) {
            return Err(ControlError::validation(format!(
                "workerTypeSpecifications: unknown worker type '{worker_type}'; a {engine_type} application has {}",
                WORKER_TYPES.join(" and ")
            )));
        }
        if named.is_none() && spec.image_configuration.as_ref().filter(names_image).is_some() {
            named = Some(format!("workerTypeSpecifications.{worker_type}.imageConfiguration"));
        }
    }
    let Some(field) = named else { return Ok(()) };
    if engine_type != "SPARK" {
        return Err(ControlError::validation(format!(
            "{field}: custom images are for SPARK applications; {engine_type} job runs execute on sparkplane's \
             own engine, not in an image"
        )));
    }
    if release_line(release_label).is_some_and(|line| line < FIRST_IMAGE_RELEASE) {
        return Err(ControlError::validation(format!(
            "{field}: custom images need release emr-6.9.0 or later, not {release_label}"
        )));
    }
    if !has_engine {
        return Err(ControlError::validation(format!(
            "{field}: this server has no container engine to run images with: install podman (Debian package \
             'podman') on the server's host and restart it, or ship Python packages as a venv archive (--archives \
             s3://.../env.tar.gz#environment) instead"
        )));
    }
    Ok(())
}

/// [`check_images`] of what `app` stores, after an update changed it.
pub(crate) fn check_stored(app: &Application, has_engine: bool) -> Result<(), ControlError> {
    let input = |image: &ImageConfiguration| ImageConfigurationInput {
        image_uri: Some(image.image_uri.clone()),
        application_level_digest_resolution: image.application_level_digest_resolution,
    };
    let image = app.image_configuration.as_ref().map(input);
    let worker_types: Option<WorkerTypeSpecificationInputMap> = app.worker_type_specifications.as_ref().map(|specs| {
        specs
            .iter()
            .map(|(worker_type, spec)| {
                let image = spec.image_configuration.as_ref().map(input);
                (worker_type.clone(), sparkplane_api::WorkerTypeSpecificationInput { image_configuration: image })
            })
            .collect()
    });
    check_images(image.as_ref(), worker_types.as_ref(), &app.r#type, &app.release_label, has_engine)
}

/// Refuses pre-initialized drivers under a Driver image: warm drivers are
/// started on the host's own runtime before a run is known, so they could
/// not serve the image's runs.
pub(crate) fn check_warm(app: &Application) -> Result<(), ControlError> {
    let warm = app
        .initial_capacity
        .iter()
        .flatten()
        .any(|(key, config)| key.eq_ignore_ascii_case("Driver") && config.worker_count > 0);
    if warm && image_for(app, "Driver").is_some() {
        return Err(ControlError::validation(
            "initialCapacity.Driver: pre-initialized drivers run on the server's own Spark runtime, not in a \
             custom image; remove the Driver entry of initialCapacity or the image",
        ));
    }
    Ok(())
}

/// Stores what a request names: an `imageUri` sets the image, an input
/// without one removes it (as UpdateApplication does), and a
/// `workerTypeSpecifications` map replaces the stored one.
pub(crate) fn apply_images(
    app: &mut Application,
    image: Option<&ImageConfigurationInput>,
    worker_types: Option<&WorkerTypeSpecificationInputMap>,
) {
    if let Some(input) = image {
        app.image_configuration = stored(input);
    }
    if let Some(map) = worker_types {
        let specs: sparkplane_api::WorkerTypeSpecificationMap = map
            .iter()
            .filter_map(|(worker_type, spec)| {
                let image = spec.image_configuration.as_ref().and_then(stored)?;
                Some((worker_type.clone(), WorkerTypeSpecification { image_configuration: Some(image) }))
            })
            .collect();
        app.worker_type_specifications = (!specs.is_empty()).then_some(specs);
    }
}

fn stored(input: &ImageConfigurationInput) -> Option<ImageConfiguration> {
    let uri = input.image_uri.as_ref().filter(|uri| !uri.is_empty())?;
    Some(ImageConfiguration {
        image_uri: uri.clone(),
        resolved_image_digest: None,
        application_level_digest_resolution: input.application_level_digest_resolution,
    })
}

/// The image of `worker_type` (`Driver` or `Executor`): its own, else the
/// application's.
pub(crate) fn image_for<'a>(app: &'a Application, worker_type: &str) -> Option<&'a ImageConfiguration> {
    let own = app.worker_type_specifications.as_ref().and_then(|specs| specs.get(worker_type));
    own.and_then(|spec| spec.image_configuration.as_ref()).or(app.image_configuration.as_ref())
}

/// `(major, minor)` of `emr-M.N.P`.
fn release_line(label: &str) -> Option<(u32, u32)> {
    let mut parts = label.strip_prefix("emr-")?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use sparkplane_api::{ErrorCode, WorkerTypeSpecificationInput};

    use super::*;

    const URI: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:numpy";

    fn input(uri: Option<&str>) -> ImageConfigurationInput {
        ImageConfigurationInput { image_uri: uri.map(String::from), ..Default::default() }
    }

    fn workers(pairs: &[(&str, Option<&str>)]) -> WorkerTypeSpecificationInputMap {
        pairs
            .iter()
            .map(|(t, uri)| (t.to_string(), WorkerTypeSpecificationInput { image_configuration: Some(input(*uri)) }))
            .collect()
    }

    fn refused(result: Result<(), ControlError>) -> String {
        let err = result.unwrap_err().to_api_error();
        assert_eq!(err.code, ErrorCode::Validation);
        err.message
    }

    #[test]
    fn images_are_refused_where_they_would_be_ignored() {
        let image = input(Some(URI));
        assert!(check_images(Some(&image), None, "SPARK", "emr-7.1.0", true).is_ok());
        let no_engine = refused(check_images(Some(&image), None, "SPARK", "emr-7.1.0", false));
        assert!(no_engine.starts_with("imageConfiguration: this server has no container engine"), "{no_engine}");
        assert!(refused(check_images(Some(&image), None, "HIVE", "emr-7.1.0", true)).contains("for SPARK applications"));
        assert!(refused(check_images(Some(&image), None, "SPARK", "emr-6.8.0", true)).contains("emr-6.9.0 or later"));
        assert!(check_images(Some(&image), None, "SPARK", "emr-6.9.0", true).is_ok());
        let executor = workers(&[("Executor", Some(URI))]);
        let message = refused(check_images(None, Some(&executor), "SPARK", "emr-7.1.0", false));
        assert!(message.starts_with("workerTypeSpecifications.Executor.imageConfiguration:"), "{message}");
        assert!(refused(check_images(None, Some(&workers(&[("Gpu", Some(URI))])), "SPARK", "emr-7.1.0", true))
            .contains("unknown worker type 'Gpu'"));
        let pinned = ImageConfigurationInput { application_level_digest_resolution: Some(true), ..input(Some(URI)) };
        assert!(check_images(Some(&pinned), None, "SPARK", "emr-7.1.0", true).is_ok());
        // Nothing named: nothing to refuse, with or without an engine.
        assert!(
            check_images(Some(&input(None)), Some(&workers(&[("Driver", None)])), "HIVE", "emr-6.6.0", false).is_ok()
        );
    }

    #[test]
    fn worker_type_images_override_the_applications_and_updates_remove_them() {
        let mut app: Application = serde_json::from_value(serde_json::json!({
            "applicationId": "00app", "arn": "arn", "releaseLabel": "emr-7.1.0", "type": "SPARK",
            "state": "CREATED", "createdAt": 0, "updatedAt": 0
        }))
        .unwrap();
        apply_images(&mut app, Some(&input(Some(URI))), Some(&workers(&[("Driver", Some("d:1")), ("Executor", None)])));
        assert_eq!(image_for(&app, "Driver").map(|i| i.image_uri.as_str()), Some("d:1"));
        assert_eq!(image_for(&app, "Executor").map(|i| i.image_uri.as_str()), Some(URI));
        // An update without imageUri removes the application's image.
        apply_images(&mut app, Some(&input(None)), None);
        assert_eq!(image_for(&app, "Executor"), None);
        assert_eq!(image_for(&app, "Driver").map(|i| i.image_uri.as_str()), Some("d:1"));
        apply_images(&mut app, None, Some(&workers(&[])));
        assert_eq!(app.worker_type_specifications, None);
        assert_eq!(release_line("emr-6.12.0"), Some((6, 12)));
        assert_eq!(release_line("spark"), None);
    }
}
