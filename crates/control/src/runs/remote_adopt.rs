//! A driver on an agent's host outlives its server: the next server to lead
//! adopts its attempt.
//!
//! The agent supervises such a driver, not the server, so nothing is lost
//! when the server dies or stops: the attempt's placement is kept in the
//! store (`driver_placements`) from its assignment to its end, and the
//! server that leads next ([`Controller::recover`]) books the run on its
//! host again, answers the agent with the same assignment (so the agent
//! keeps the driver running), honours the credentials the driver holds,
//! and follows the attempt to its end as if nothing happened.
//!
//! The placement holds no secret: the assignment without the attempt's
//! credentials token, the token's SHA-256 (what the grant registry keys
//! on), and for each set of credentials issued under it the key id, the
//! session token's SHA-256 and the expiry. The secret keys derive from the
//! IAM server key, which servers sharing a store share.
//!
//! An attempt is not adopted when its host is LOST or gone, or its run or
//! application is: it fails as lost, as a local attempt does, and the agent,
//! no longer told to run the driver, kills it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sparkplane_api::JobRun;
use sparkplane_hosts::DriverAssignment;
use tokio::sync::watch;

use crate::access::credentials::{AttemptGrant, IssuedSet};
use crate::{ControlError, Controller, RunningAttempt};

/// What the store keeps of an attempt whose driver runs on an agent's host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Placement {
    pub(crate) attempt: u32,
    pub(crate) host: String,
    /// What the agent was told to run, its credentials token blanked.
    pub(crate) assignment: DriverAssignment,
    /// SHA-256 (hex) of the attempt's credentials token.
    pub(crate) token_sha256: String,
    /// The credentials issued under that token and not yet revoked.
    pub(crate) sessions: Vec<IssuedSet>,
}

impl Placement {
    pub(super) fn new(host: &str, attempt: u32, assignment: &DriverAssignment, grant: &AttemptGrant) -> Placement {
        let mut assignment = assignment.clone();
        assignment.credentials_token.clear();
        Placement {
            attempt,
            host: host.to_string(),
            assignment,
            token_sha256: grant.token_sha256(),
            sessions: grant.issued_sets(),
        }
    }
}

/// An attempt taken over from the last leader: its grant, restored, and
/// what the store kept of it.
pub(crate) struct Adopted {
    pub(super) grant: AttemptGrant,
    pub(super) placement: Placement,
}

impl Controller {
    /// Keeps `placement` in the store; false when it could not be (the
    /// attempt then runs on, but would not be adopted).
    pub(super) async fn keep_placement(&self, placement: &Placement) -> bool {
        let id = &placement.assignment.id;
        let body = match serde_json::to_string(placement) {
            Ok(body) => body,
            Err(err) => {
                tracing::error!(driver = %id, error = %err, "encode a driver's placement");
                return false;
            }
        };
        match self.store.put_driver_placement(id, &body).await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(driver = %id, error = %err, "keep a driver's placement; it cannot be adopted by the next leader");
                false
            }
        }
    }

    /// The attempt ended and its end is recorded: nothing to adopt.
    pub(super) async fn forget_placement(&self, driver_id: &str) {
        if let Err(err) = self.store.delete_driver_placement(driver_id).await {
            tracing::warn!(driver = %driver_id, error = %err, "forget a driver's placement");
        }
    }

    /// Every placement in the store; one that cannot be read is dropped
    /// (its attempt then fails as lost).
    pub(super) async fn stored_placements(&self) -> Result<Vec<Placement>, ControlError> {
        let mut placements = Vec::new();
        for row in self.store.list_driver_placements().await? {
            match serde_json::from_str::<Placement>(&row.body) {
                Ok(placement) => placements.push(placement),
                Err(err) => {
                    tracing::error!(driver = %row.id, error = %err, "unreadable driver placement; dropped");
                    self.forget_placement(&row.id).await;
                }
            }
        }
        Ok(placements)
    }

    /// Takes over `run`'s current attempt from `placement`, which recovery
    /// chose ([`super::recovery_plan`]), and starts following it; false
    /// when it cannot be (its application or its credentials are gone), and
    /// the caller fails it as lost.
    pub(super) async fn adopt_remote_attempt(self: &Arc<Self>, run: &JobRun, placement: Placement) -> bool {
        let attempt = placement.attempt;
        let Ok(app) = self.load_application(&run.application_id).await else { return false };
        let grant = match self.adopted_grant(&placement.token_sha256, run, attempt, &placement.sessions) {
            Ok(Some(grant)) => grant,
            Ok(None) => return false,
            Err(err) => {
                tracing::warn!(job_run_id = %run.job_run_id, error = %err, "restore a driver's credentials; not adopted");
                return false;
            }
        };
        let work_dir = self.config.attempt_dir(&run.application_id, &run.job_run_id, attempt);
        self.remote_drivers.choose(&run.job_run_id, &placement.host, self.run_demand(&app, run).total());
        self.remote_drivers.assign(&placement.host, placement.assignment.clone(), work_dir);
        let (cancel, stop) = watch::channel(None);
        self.running.lock().await.insert(run.job_run_id.clone(), RunningAttempt { cancel, attempt });
        tracing::info!(job_run_id = %run.job_run_id, attempt, host = %placement.host, "adopted an attempt whose driver runs on an agent's host");
        let adopted = Adopted { grant, placement };
        tokio::spawn(self.clone().supervise_attempt(app, run.clone(), attempt, stop, Some(adopted)));
        true
    }
}
