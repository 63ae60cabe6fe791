//! Fixed-bucket histograms for `/metrics`, and the run latencies the
//! control plane observes as runs change state.
//!
//! A run's submit → RUNNING latency and its duration by final state are
//! only known at the moment of the transition, so they are observed there
//! ([`crate::Controller::change_run_locked`]), the one place a run's state
//! changes, and kept in memory since the server started, as Prometheus
//! expects of histograms (a restart resets them; `rate()` copes).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// API latencies, in seconds.
pub const REQUEST_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Run latencies and durations, in seconds: a warm HIVE run takes
/// milliseconds, a Hail job hours.
pub const RUN_BUCKETS: &[f64] = &[0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 14400.0];

#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bounds: &'static [f64],
    /// Observations in each bucket (not cumulative), one per bound.
    counts: Vec<u64>,
    pub sum: f64,
    pub count: u64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Histogram {
        Histogram { bounds, counts: vec![0; bounds.len()], sum: 0.0, count: 0 }
    }

    pub fn observe(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        if let Some(i) = self.bounds.iter().position(|bound| value <= *bound) {
            self.counts[i] += 1;
        }
    }

    /// Adds `other`'s observations (same bounds).
    pub fn merge(&mut self, other: &Histogram) {
        self.count += other.count;
        self.sum += other.sum;
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// (upper bound, observations at or under it), as `_bucket` lines need;
    /// `+Inf` is `count`.
    pub fn cumulative(&self) -> Vec<(f64, u64)> {
        let mut total = 0;
        self.bounds
            .iter()
            .zip(&self.counts)
            .map(|(bound, n)| {
                total += n;
                (*bound, total)
            })
            .collect()
    }
}

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
    fn buckets_are_cumulative_and_overflow_counts_only_in_the_total() {
        let mut h = Histogram::new(&[1.0, 10.0]);
        for v in [0.5, 1.0, 3.0, 100.0] {
            h.observe(v);
        }
        assert_eq!(h.cumulative(), [(1.0, 2), (10.0, 3)]);
        assert_eq!((h.count, h.sum), (4, 104.5));
        let mut total = Histogram::new(&[1.0, 10.0]);
        total.merge(&h);
        total.merge(&h);
        assert_eq!(total.cumulative(), [(1.0, 4), (10.0, 6)]);
        assert_eq!(total.count, 8);
    }

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
