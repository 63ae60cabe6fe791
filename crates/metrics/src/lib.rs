//! The pieces of Prometheus' text exposition that every part of sparkplane
//! reporting to `/metrics` shares: fixed-bucket histograms and a writer that
//! escapes labels and lays out `# HELP`/`# TYPE`, samples and a histogram's
//! `_bucket`/`_sum`/`_count` lines.
//!
//! Its own crate, below everything else, because the API, the S3 endpoint,
//! the store and the control plane each count their own figures, and none
//! of them should depend on another to do it. No client crate: the format
//! is a few lines, and most figures are read at scrape time from where they
//! already live rather than kept in a registry.

use std::fmt::Write;

/// Request latencies, in seconds.
pub const REQUEST_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Run latencies and durations, in seconds: a warm HIVE run takes
/// milliseconds, a Hail job hours.
pub const RUN_BUCKETS: &[f64] = &[0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 14400.0];
/// Store calls, in seconds: an indexed read takes well under a millisecond.
pub const STORE_BUCKETS: &[f64] = &[0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1.0];

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

/// Exposition text being written.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// `# HELP` and `# TYPE` of a family (`kind`: counter, gauge, histogram).
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    /// One sample line.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{name}{} {value}", braces(labels, None));
    }

    /// The `_bucket`, `_sum` and `_count` lines of one histogram series.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], series: &Histogram) {
        for (bound, cumulative) in series.cumulative() {
            let le = bound.to_string();
            let _ = writeln!(self.out, "{name}_bucket{} {cumulative}", braces(labels, Some(&le)));
        }
        let _ = writeln!(self.out, "{name}_bucket{} {}", braces(labels, Some("+Inf")), series.count);
        let _ = writeln!(self.out, "{name}_sum{} {}", braces(labels, None), series.sum);
        let _ = writeln!(self.out, "{name}_count{} {}", braces(labels, None), series.count);
    }

    /// Appends text another part already wrote.
    pub fn append(&mut self, text: &str) {
        self.out.push_str(text);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// `{k="v",...}` with values escaped, `le` last; empty without labels.
fn braces(labels: &[(&str, &str)], le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
    parts.extend(le.map(|le| format!("le=\"{le}\"")));
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// Escapes a label value as the exposition format requires.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
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
    }

    #[test]
    fn the_text_escapes_labels_and_lays_out_histograms() {
        let mut h = Histogram::new(&[0.5]);
        h.observe(0.25);
        h.observe(2.0);
        let mut out = Exposition::default();
        out.family("x_total", "counter", "Things.");
        out.sample("x_total", &[("name", "a\"b\\c\nd")], 3);
        out.sample("up", &[], 1);
        out.histogram("lat_seconds", &[("op", "Get")], &h);
        out.histogram("bare_seconds", &[], &h);
        let text = out.finish();
        assert!(text.starts_with("# HELP x_total Things.\n# TYPE x_total counter\n"));
        assert!(text.contains("x_total{name=\"a\\\"b\\\\c\\nd\"} 3\n"), "{text}");
        assert!(text.contains("up 1\n"));
        assert!(text.contains("lat_seconds_bucket{op=\"Get\",le=\"0.5\"} 1\n"));
        assert!(text.contains("lat_seconds_bucket{op=\"Get\",le=\"+Inf\"} 2\n"));
        assert!(text.contains("lat_seconds_sum{op=\"Get\"} 2.25\n"));
        assert!(text.contains("bare_seconds_bucket{le=\"0.5\"} 1\n"));
        assert!(text.contains("bare_seconds_count 2\n"));
    }
}
