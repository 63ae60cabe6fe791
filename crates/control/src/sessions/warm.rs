//! Pre-initialized drivers serve sessions first: a warm Spark driver of the
//! session's application (`pool`), whose JVM and SparkSession are already
//! up, becomes the session's engine by starting Spark Connect in that JVM,
//! rather than a cold `spark-submit` of Spark's Connect server.
//!
//! Only a driver a cold engine would equal may: the same runtime (sessions
//! run on Spark 4, so the application's release label must be a Spark 4
//! one, `emr-spark-8.0.x`; the warm drivers of an `emr-7.x` application are
//! Spark 3.5), the same configuration and sizes, and the same credentials
//! scheme. Its token is bound to the session as a run binds it, and the
//! driver serves this one session and is replaced at once, as for a run.

use std::path::{Path, PathBuf};

use sparkplane_api::Session;
use sparkplane_engine::spark::{HandOverError, LaunchedAttempt, SparkJobPlan, WarmDriver};

use crate::access::grants::AttemptGrant;
use crate::dashboards::adopt_warm_dashboard;
use crate::pool::WarmSpark;
use crate::Controller;

/// A session's engine on a pre-initialized driver.
pub(super) struct WarmEngine {
    pub launched: LaunchedAttempt,
    pub grant: Option<AttemptGrant>,
    /// The driver's own directory (warm-up log, event logs until settled).
    pub warm_dir: PathBuf,
}

impl Controller {
    /// The session on a ready warm driver of its application that matches
    /// it, serving Spark Connect on `port` with `secret`; `None`: start cold.
    pub(super) async fn start_session_warm(
        &self,
        session: &Session,
        plan: &SparkJobPlan,
        work_dir: &Path,
        port: u16,
        secret: &str,
    ) -> Option<WarmEngine> {
        let application_id = session.application_id.as_str();
        let mut context = self.launch_context();
        // Static keys (no issuer) go over the driver's stdin; its warm-up
        // touched no `s3://` path, so nothing cached holds older ones.
        context.secret_conf = self.root_s3a_conf();
        // The cold start reports a session without a credentials view.
        let view = super::supervise::credentials_view(session).ok()?;
        let fits = |driver: &WarmDriver| driver.accepts_session(plan) && driver.accepts_context(&context);
        let WarmSpark { driver, grant } = self.take_fitting_spark(application_id, fits, &view, 1, "session")?;
        let warm_dir = driver.dir().to_path_buf();
        match driver.become_session(plan, work_dir, &context, port, secret).await {
            Ok(launched) => {
                self.pool.spark_serving(application_id);
                adopt_warm_dashboard(&warm_dir, work_dir);
                tracing::info!(application_id, session_id = %session.session_id, "session on a pre-initialized driver");
                Some(WarmEngine { launched, grant, warm_dir })
            }
            Err(HandOverError::Declined { driver, reason }) => {
                tracing::info!(application_id, reason, "warm spark driver declined the session: cold start");
                self.put_back_declined_spark(application_id, WarmSpark { driver: *driver, grant });
                None
            }
            Err(err) => {
                tracing::warn!(application_id, error = %err, "warm spark driver unusable: cold start");
                None
            }
        }
    }
}
