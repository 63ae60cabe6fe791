//! Which Spark a release label runs: EMR's release notes, as one table.
//!
//! Each EMR release ships one Spark minor version; sparkplane runs the
//! newest patch of that minor from PyPI's pyspark (EMR's own builds carry
//! its patches; PyPI's newest patch of the same minor is the closest public
//! build, and one pin per minor keeps the runtimes few). A label whose Spark
//! cannot run on Java 17, the only JVM sparkplane assumes, is refused with
//! the nearest label that can, rather than failing at the first job.

use crate::error::EngineError;

/// A pinned Spark runtime: the pyspark version installed for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SparkRuntime {
    pub spark_version: &'static str,
}

/// Spark 3.3 (EMR 6.8 to 6.11): the first line that runs on Java 17.
pub const SPARK_3_3: SparkRuntime = SparkRuntime { spark_version: "3.3.4" };
/// Spark 3.4 (EMR 6.12 to 6.15).
pub const SPARK_3_4: SparkRuntime = SparkRuntime { spark_version: "3.4.4" };
/// Spark 3.5 (every EMR 7 release).
pub const SPARK_3_5: SparkRuntime = SparkRuntime { spark_version: "3.5.8" };

/// Spark 4.0 (the "AWS runtime for Apache Spark", `emr-spark-8.0.x`), and the
/// runtime of every interactive session whatever its application's label:
/// pyspark 3.5 from PyPI carries no Spark Connect server, 4.0 does
/// (`spark-connect_2.13` in its jars).
pub const SPARK_4_0: SparkRuntime = SparkRuntime { spark_version: "4.0.5" };

/// What interactive sessions run on (see [`SPARK_4_0`]).
pub const SESSION_RUNTIME: SparkRuntime = SPARK_4_0;

/// Every runtime of the `emr-M.m.p` table, oldest first.
pub const RUNTIMES: [SparkRuntime; 3] = [SPARK_3_3, SPARK_3_4, SPARK_3_5];

/// One EMR release line (`major.minor`) and the Spark it ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    /// The Spark version in EMR's release notes for `major.minor.0`.
    pub emr_spark: &'static str,
    /// What sparkplane runs for it; `None`: refused (Spark 3.2 needs Java 8 or 11).
    pub runtime: Option<SparkRuntime>,
}

const fn release(major: u32, minor: u32, emr_spark: &'static str, runtime: Option<SparkRuntime>) -> Release {
    Release { major, minor, emr_spark, runtime }
}

/// EMR Serverless's releases (it starts at 6.6.0), from the "EMR Serverless
/// release versions" pages. EMR 7 minors after the last listed ship Spark
/// 3.5 too, so any `emr-7.x.y` maps to it.
pub const RELEASES: &[Release] = &[
    release(6, 6, "3.2.0", None),
    release(6, 7, "3.2.1", None),
    release(6, 8, "3.3.0", Some(SPARK_3_3)),
    release(6, 9, "3.3.0", Some(SPARK_3_3)),
    release(6, 10, "3.3.1", Some(SPARK_3_3)),
    release(6, 11, "3.3.2", Some(SPARK_3_3)),
    release(6, 12, "3.4.0", Some(SPARK_3_4)),
    release(6, 13, "3.4.1", Some(SPARK_3_4)),
    release(6, 14, "3.4.1", Some(SPARK_3_4)),
    release(6, 15, "3.4.1", Some(SPARK_3_4)),
    release(7, 0, "3.5.0", Some(SPARK_3_5)),
    release(7, 1, "3.5.0", Some(SPARK_3_5)),
    release(7, 2, "3.5.1", Some(SPARK_3_5)),
    release(7, 3, "3.5.1", Some(SPARK_3_5)),
    release(7, 4, "3.5.2", Some(SPARK_3_5)),
    release(7, 5, "3.5.2", Some(SPARK_3_5)),
    release(7, 6, "3.5.3", Some(SPARK_3_5)),
    release(7, 7, "3.5.3", Some(SPARK_3_5)),
    release(7, 8, "3.5.4", Some(SPARK_3_5)),
    release(7, 9, "3.5.5", Some(SPARK_3_5)),
];

/// The oldest label that runs, for messages.
const OLDEST_RUNNABLE: &str = "emr-6.8.0";

/// `emr-M.m.p` as numbers; anything else is `None`.
fn parse(label: &str) -> Option<(u32, u32, u32)> {
    let rest = label.strip_prefix("emr-")?;
    let mut parts = rest.split('.');
    let mut number = || -> Option<u32> {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 6 {
            return None;
        }
        part.parse().ok()
    };
    let parsed = (number()?, number()?, number()?);
    parts.next().is_none().then_some(parsed)
}

impl SparkRuntime {
    /// The runtime for a release label such as `emr-7.9.0` or `emr-6.12.0`.
    pub fn for_release(label: &str) -> Result<SparkRuntime, EngineError> {
        let unsupported = |reason: String| EngineError::UnsupportedRelease { label: label.to_string(), reason };
        // `emr-spark-8.0.x` is how AWS labels its Spark 4 runtime.
        if let Some(rest) = label.strip_prefix("emr-spark-") {
            return match parse(&format!("emr-{rest}")) {
                Some((8, 0, _)) => Ok(SPARK_4_0),
                _ => Err(unsupported(format!("supported labels are {}", supported_labels()))),
            };
        }
        let Some((major, minor, _)) = parse(label) else {
            return Err(unsupported(format!("supported labels are {}", supported_labels())));
        };
        if major == 7 {
            return Ok(SPARK_3_5);
        }

        match RELEASES.iter().find(|r| r.major == major && r.minor == minor) {
            Some(Release { runtime: Some(runtime), .. }) => Ok(*runtime),
            Some(Release { emr_spark, .. }) => Err(unsupported(format!(
                "it ships Spark {emr_spark}, which cannot run on Java 17; the nearest supported label is \
                 {OLDEST_RUNNABLE} (Spark 3.3)"
            ))),
            None if major == 6 && minor < 6 || major < 6 => Err(unsupported(format!(
                "EMR Serverless starts at emr-6.6.0; the nearest supported label is {OLDEST_RUNNABLE}"
            ))),
            None => Err(unsupported(format!("supported labels are {}", supported_labels()))),
        }
    }

    /// Spark 4: Hadoop 3.4's client, under which the runtimes' S3A connector
    /// (hadoop-aws 3.3.1 and the AWS SDK v1 bundle: Hadoop 3.4's own S3A
    /// needs the SDK v2 bundle, which no pinned PyPI package carries) runs
    /// with `hadoop_s3::hadoop34_compat_conf`, and no CDS archive is recorded.
    pub fn is_spark4(&self) -> bool {
        self.spark_version.starts_with("4.")
    }

    /// The pip requirement the runtime installs: Spark 4 adds its `connect`
    /// extra, which brings pandas and pyarrow, without which a Spark
    /// Connect session's Python functions cannot run.
    pub fn requirement(&self) -> String {
        if self.is_spark4() {
            format!("pyspark[connect]=={}", self.spark_version)
        } else {
            format!("pyspark=={}", self.spark_version)
        }
    }

    /// `major.minor` of the version, as EMR's tables name Spark lines.
    pub fn minor(&self) -> &'static str {
        match self.spark_version.match_indices('.').nth(1) {
            Some((at, _)) => &self.spark_version[..at],
            None => self.spark_version,
        }
    }
}

/// Human-readable list of supported labels, for error messages.
pub fn supported_labels() -> String {
    "emr-6.8.0 to emr-6.11.x (Spark 3.3), emr-6.12.0 to emr-6.15.x (Spark 3.4), emr-7.x.y (Spark 3.5), \
     emr-spark-8.0.x (Spark 4.0)"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_the_spark_minor_of_their_emr_release() {
        for (label, spark) in [
            ("emr-6.8.0", "3.3"),
            ("emr-6.9.0", "3.3"),
            ("emr-6.11.1", "3.3"),
            ("emr-6.12.0", "3.4"),
            ("emr-6.15.0", "3.4"),
            ("emr-7.0.0", "3.5"),
            ("emr-7.9.0", "3.5"),
            ("emr-7.12.3", "3.5"),
            ("emr-spark-8.0.0", "4.0"),
        ] {
            let runtime = SparkRuntime::for_release(label).unwrap();
            assert_eq!(runtime.minor(), spark, "{label}");
        }
        // The table agrees with itself: each runnable release's runtime is
        // of the Spark minor EMR ships.
        for release in RELEASES {
            if let Some(runtime) = release.runtime {
                assert!(release.emr_spark.starts_with(&format!("{}.", runtime.minor())), "{release:?}");
            }
        }
    }

    #[test]
    fn spark_32_labels_name_the_nearest_that_runs() {
        for label in ["emr-6.6.0", "emr-6.7.0"] {
            let message = SparkRuntime::for_release(label).unwrap_err().to_string();
            assert!(
                message.contains(label) && message.contains("Java 17") && message.contains("emr-6.8.0"),
                "{message}"
            );
        }
        let message = SparkRuntime::for_release("emr-6.2.0").unwrap_err().to_string();
        assert!(message.contains("emr-6.6.0") && message.contains("emr-6.8.0"), "{message}");
        let message = SparkRuntime::for_release("emr-5.36.0").unwrap_err().to_string();
        assert!(message.contains("emr-6.8.0"), "{message}");
    }

    #[test]
    fn malformed_and_unknown_labels_list_the_supported_ones() {
        for label in [
            "emr-6.16.0",
            "emr-8.0.0",
            "emr-spark-7.9.0",
            "emr-spark-8.1.0",
            "emr-7.9",
            "emr-7.x.0",
            "emr-7.9.0-latest",
            "spark-3.5",
            "emr-7.9.0.1",
        ] {
            let message = SparkRuntime::for_release(label).unwrap_err().to_string();
            assert!(message.contains(label) && message.contains("emr-7.x.y"), "{label}: {message}");
        }
    }
}
