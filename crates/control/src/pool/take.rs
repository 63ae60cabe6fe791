//! Taking a warm Spark driver for a job run's attempt or a session: one
//! started as the caller would be, its grant bound to the caller's
//! credentials. A driver that does not fit goes back to the pool for the
//! next caller, and the caller starts cold.

use sparkplane_api::JobRun;
use sparkplane_engine::spark::WarmDriver;

use super::WarmSpark;
use crate::Controller;

impl Controller {
    /// A ready warm Spark driver of `application_id` that `fits`, whose
    /// grant (if attempts fetch credentials) now serves `view`'s role as
    /// attempt `attempt`; `None`: start cold. `what` names the caller in logs.
    pub(crate) fn take_fitting_spark(
        &self,
        application_id: &str,
        fits: impl FnOnce(&WarmDriver) -> bool,
        view: &JobRun,
        attempt: u32,
        what: &str,
    ) -> Option<WarmSpark> {
        let WarmSpark { driver, grant } = self.pool.take_spark(application_id)?;
        if !fits(&driver) || grant.is_some() != self.spark_fetches_credentials() {
            // It was started for the application's plain configuration; this
            // one differs, so it starts cold and the driver waits for another.
            tracing::info!(application_id, "{what} differs from the warm driver's configuration: cold start");
            self.pool.put_back_spark(application_id, WarmSpark { driver, grant });
            return None;
        }
        if let Some(unbound) = &grant {
            // Its token fetches this caller's credentials from now on.
            if let Err(err) = self.bind_grant(unbound, view, attempt) {
                // The cold start reports it; a failed bind leaves the grant unbound.
                tracing::info!(application_id, error = %err, "no credentials for the warm driver's {what}: cold start");
                self.pool.put_back_spark(application_id, WarmSpark { driver, grant });
                return None;
            }
        }
        Some(WarmSpark { driver, grant })
    }

    /// A driver that declined what it was handed (a SQL property its session
    /// cannot take) changed nothing: its grant is unbound and it goes back.
    pub(crate) fn put_back_declined_spark(&self, application_id: &str, warm: WarmSpark) {
        if let Some(grant) = &warm.grant {
            grant.unbind();
        }
        self.pool.put_back_spark(application_id, warm);
    }
}
