//! TagResource, UntagResource and ListTagsForResource on application,
//! job-run and session ARNs.
//!
//! A session's record is read and written here under the controller's
//! write lock, as its supervisor's updates are; unlike those, tags may
//! change after the session ended, as a run's may.

use std::collections::BTreeMap;

use sparkplane_api::{parse_resource_arn, validate_tag_keys, ResourceRef, TagResourceRequest, Validate};

use crate::base::clock;
use crate::base::records::attempt_of;
use crate::{ControlError, Controller};

const MAX_TAGS: usize = 200;

impl Controller {
    /// Applies `change` to the tags of the resource named by `arn`.
    async fn edit_tags(
        &self,
        arn: &str,
        change: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Result<(), ControlError> {
        let target = self.resolve_arn(arn)?;
        let _guard = self.write_lock.lock().await;
        let not_found = || ControlError::not_found(format!("Resource {arn} does not exist"));
        match target {
            ResourceRef::Application { app_id } => {
                let mut app = self.store.get_application(&app_id).await?.ok_or_else(not_found)?;
                let mut tags = app.tags.take().unwrap_or_default();
                change(&mut tags);
                check_count(&tags)?;
                app.tags = Some(tags);
                app.updated_at = clock::now();
                self.store.put_application(&app).await?;
            }
            ResourceRef::JobRun { app_id, job_run_id } => {
                let mut run = self.store.get_job_run(&app_id, &job_run_id).await?.ok_or_else(not_found)?;
                let mut tags = run.tags.take().unwrap_or_default();
                change(&mut tags);
                check_count(&tags)?;
                run.tags = Some(tags);
                let attempt = attempt_of(&run);
                self.store.put_job_run(&run, attempt).await?;
            }
            ResourceRef::Session { app_id, session_id } => {
                let mut session = self.store.get_session(&app_id, &session_id).await?.ok_or_else(not_found)?;
                let mut tags = session.tags.take().unwrap_or_default();
                change(&mut tags);
                check_count(&tags)?;
                session.tags = Some(tags);
                self.store.put_session(&session).await?;
            }
        }
        Ok(())
    }

    /// Parses an ARN and checks it belongs to this server's region and account.
    fn resolve_arn(&self, arn: &str) -> Result<ResourceRef, ControlError> {
        let target = parse_resource_arn(arn)?;
        let own_prefix = format!("arn:aws:emr-serverless:{}:{}:/", self.config.region, self.config.account_id);
        if !arn.starts_with(&own_prefix) {
            return Err(ControlError::not_found(format!("Resource {arn} does not exist")));
        }
        Ok(target)
    }

    pub async fn tag_resource(&self, arn: &str, request: TagResourceRequest) -> Result<(), ControlError> {
        request.validate()?;
        let new_tags = request.tags.clone().unwrap_or_default();
        self.edit_tags(arn, |tags| tags.extend(new_tags)).await
    }

    pub async fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<(), ControlError> {
        validate_tag_keys(keys)?;
        self.edit_tags(arn, |tags| {
            for key in keys {
                tags.remove(key);
            }
        })
        .await
    }

    pub async fn list_tags(&self, arn: &str) -> Result<BTreeMap<String, String>, ControlError> {
        let not_found = || ControlError::not_found(format!("Resource {arn} does not exist"));
        let tags = match self.resolve_arn(arn)? {
            ResourceRef::Application { app_id } => {
                self.store.get_application(&app_id).await?.ok_or_else(not_found)?.tags
            }
            ResourceRef::JobRun { app_id, job_run_id } => {
                self.store.get_job_run(&app_id, &job_run_id).await?.ok_or_else(not_found)?.tags
            }
            ResourceRef::Session { app_id, session_id } => {
                self.store.get_session(&app_id, &session_id).await?.ok_or_else(not_found)?.tags
            }
        };
        Ok(tags.unwrap_or_default())
    }
}

fn check_count(tags: &BTreeMap<String, String>) -> Result<(), ControlError> {
    if tags.len() > MAX_TAGS {
        return Err(ControlError::validation(format!(
            "A resource can have at most {MAX_TAGS} tags; this request would leave {}",
            tags.len()
        )));
    }
    Ok(())
}
