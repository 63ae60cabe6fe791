//! The run latencies the control plane observes as runs change state, for
//! `/metrics`.
//!
//! A run's submit → RUNNING latency and its duration by final state are
//! only known at the moment of the transition, so they are observed there
//! ([`crate::Controller::change_run_locked`]), the one place a run's state
//! changes, and kept in memory since the server started, as Prometheus
//! expects of histograms (a restart resets them; `rate()` copes).

use std::collections::BTreeMap;
use std::sync::Mutex;

use sparkplane_metrics::{Histogram, RUN_BUCKETS};

/// What runs did since the server started.
#[derive(Debug, Default)]
pub struct RunLatencies {
    inner: Mutex<RunLatencyData>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunLatencyData {
    /// An attempt's creation → RUNNING, in seconds.
    pub to_running: Option<Histogram>,
    /// Creation → end, by final state.
    pub durations: BTreeMap<String, Histogram>,
}

impl RunLatencies {
    pub(crate) fn running(&self, seconds: f64) {
        let mut data = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        data.to_running.get_or_insert_with(|| Histogram::new(RUN_BUCKETS)).observe(seconds);
    }

    pub(crate) fn ended(&self, state: &str, seconds: f64) {
        let mut data = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        data.durations.entry(state.to_string()).or_insert_with(|| Histogram::new(RUN_BUCKETS)).observe(seconds);
    }

    pub fn snapshot(&self) -> RunLatencyData {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_recorded_by_final_state() {
        let runs = RunLatencies::default();
        runs.running(2.0);
        runs.ended("SUCCESS", 30.0);
        runs.ended("FAILED", 5.0);
        runs.ended("SUCCESS", 40.0);
        let data = runs.snapshot();
        assert_eq!(data.to_running.map(|h| h.count), Some(1));
        assert_eq!(data.durations["SUCCESS"].count, 2);
        assert_eq!(data.durations["FAILED"].sum, 5.0);
    }
}
