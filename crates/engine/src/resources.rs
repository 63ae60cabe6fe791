//! What one attempt holds: a driver worker plus executor workers, sized the
//! way EMR Serverless sizes them from Spark properties.
//!
//! Metering and capacity limits are computed from this, so it must agree with
//! what the engine actually launches (`local[N]` with N = executor cores, the
//! driver's heap = `spark.driver.memory`).

use std::collections::BTreeMap;

use crate::EngineError;

/// EMR Serverless defaults for Spark when a property is unset.
pub const DEFAULT_DRIVER_CORES: u32 = 4;
pub const DEFAULT_DRIVER_MEMORY_MB: u64 = 14 * 1024;
pub const DEFAULT_EXECUTOR_CORES: u32 = 4;
pub const DEFAULT_EXECUTOR_MEMORY_MB: u64 = 14 * 1024;
pub const DEFAULT_EXECUTOR_INSTANCES: u32 = 3;
pub const DEFAULT_DISK_GB: u32 = 20;

const MAX_EXECUTORS: &str = "spark.dynamicAllocation.maxExecutors";

/// A worker as EMR bills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerSize {
    pub cpu: u32,
    pub memory_gb: u32,
    pub disk_gb: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRequest {
    pub driver: WorkerSize,
    pub executor: WorkerSize,
    pub executor_count: u32,
    /// The JVM heap sizes, as Spark receives them.
    pub driver_memory_mb: u64,
    pub executor_memory_mb: u64,
    /// Set when the run's executors grow and shrink while it runs: dynamic
    /// allocation with an explicit `maxExecutors`. `executor_count` is then
    /// what the run starts with.
    pub elastic: Option<ExecutorRange>,
}

/// `spark.dynamicAllocation.{minExecutors,maxExecutors}` of an elastic run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutorRange {
    pub min: u32,
    pub max: u32,
}

impl ResourceRequest {
    /// Derives the request from effective Spark properties.
    pub fn from_spark_conf(conf: &BTreeMap<String, String>) -> Result<ResourceRequest, EngineError> {
        let driver_cores = read_u32(conf, "spark.driver.cores", DEFAULT_DRIVER_CORES)?;
        let executor_cores = read_u32(conf, "spark.executor.cores", DEFAULT_EXECUTOR_CORES)?;
        let driver_memory_mb = read_memory_mb(conf, "spark.driver.memory", DEFAULT_DRIVER_MEMORY_MB)?;
        let executor_memory_mb = read_memory_mb(conf, "spark.executor.memory", DEFAULT_EXECUTOR_MEMORY_MB)?;
        let dynamic = conf.get("spark.dynamicAllocation.enabled").map(|v| v.trim() != "false").unwrap_or(true);
        let mut elastic = None;
        let executor_count = if dynamic {
            // With dynamic allocation EMR starts `initialExecutors` (default 3);
            // an explicit instance count raises that floor as in Spark.
            let initial = read_u32(conf, "spark.dynamicAllocation.initialExecutors", DEFAULT_EXECUTOR_INSTANCES)?;
            let min = read_u32(conf, "spark.dynamicAllocation.minExecutors", 0)?;
            let instances = read_u32(conf, "spark.executor.instances", 0)?;
            let count = initial.max(min).max(instances);
            if let Some(value) = conf.get(MAX_EXECUTORS) {
                let max = read_u32(conf, MAX_EXECUTORS, 0)?;
                if max == 0 || max < count {
                    return Err(invalid(
                        MAX_EXECUTORS,
                        value,
                        &format!("must be at least 1 and at least the {count} executors the run starts with"),
                    ));
                }
                elastic = Some(ExecutorRange { min, max });
            }
            count
        } else {
            read_u32(conf, "spark.executor.instances", DEFAULT_EXECUTOR_INSTANCES)?
        };
        let disk = read_disk_gb(conf, "spark.emr-serverless.driver.disk")?;
        let executor_disk = read_disk_gb(conf, "spark.emr-serverless.executor.disk")?;
        Ok(ResourceRequest {
            driver: WorkerSize { cpu: driver_cores, memory_gb: worker_memory_gb(driver_memory_mb), disk_gb: disk },
            executor: WorkerSize {
                cpu: executor_cores,
                memory_gb: worker_memory_gb(executor_memory_mb),
                disk_gb: executor_disk,
            },
            executor_count,
            driver_memory_mb,
            executor_memory_mb,
            elastic,
        })
    }

    /// Total vCPUs of the executors: the N of `local[N]` (elastic runs
    /// have executor processes instead).
    pub fn executor_cores_total(&self) -> u32 {
        self.executor.cpu.saturating_mul(self.executor_count).max(1)
    }

    /// Executors the run needs to start. An elastic run starts with what
    /// fits of its initial executors, but never with less than
    /// `minExecutors` or one (with none it could not make progress).
    pub fn launch_executors(&self) -> u32 {
        match self.elastic {
            Some(range) => range.min.max(1),
            None => self.executor_count,
        }
    }

    /// The workers the run needs to start, driver first.
    pub fn launch_workers(&self) -> Vec<WorkerSize> {
        let mut workers = vec![self.driver];
        workers.extend(std::iter::repeat_n(self.executor, self.launch_executors() as usize));
        workers
    }

    /// Every worker of the attempt, driver first.
    pub fn workers(&self) -> Vec<WorkerSize> {
        let mut workers = vec![self.driver];
        workers.extend(std::iter::repeat_n(self.executor, self.executor_count as usize));
        workers
    }
}

/// A worker's memory is the heap plus Spark's overhead (max of 384 MB and
/// 10%), rounded up to whole GB: 14g of heap is a 16 GB worker, as in EMR.
fn worker_memory_gb(heap_mb: u64) -> u32 {
    let total_mb = heap_mb + (heap_mb / 10).max(384);
    u32::try_from(total_mb.div_ceil(1024)).unwrap_or(u32::MAX)
}

fn invalid(key: &str, value: &str, reason: &str) -> EngineError {
    EngineError::Property { key: key.to_string(), value: value.to_string(), reason: reason.to_string() }
}

fn read_u32(conf: &BTreeMap<String, String>, key: &str, default: u32) -> Result<u32, EngineError> {
    match conf.get(key) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| invalid(key, value, "expected a whole number")),
    }
}

fn read_memory_mb(conf: &BTreeMap<String, String>, key: &str, default: u64) -> Result<u64, EngineError> {
    match conf.get(key) {
        None => Ok(default),
        Some(value) => {
            parse_spark_memory_mb(value).ok_or_else(|| invalid(key, value, "expected a size like 512m or 4g"))
        }
    }
}

fn read_disk_gb(conf: &BTreeMap<String, String>, key: &str) -> Result<u32, EngineError> {
    match conf.get(key) {
        None => Ok(DEFAULT_DISK_GB),
        Some(value) => {
            let digits = value.trim().trim_end_matches(['G', 'g', 'B', 'b']).trim();
            digits.parse().map_err(|_| invalid(key, value, "expected a size like 20G"))
        }
    }
}

/// Spark's size syntax: a number with an optional k/m/g/t suffix (MB when
/// bare, as for `spark.driver.memory`).
pub fn parse_spark_memory_mb(value: &str) -> Option<u64> {
    let trimmed = value.trim().to_ascii_lowercase();
    let trimmed = trimmed.strip_suffix('b').unwrap_or(&trimmed);
    let (digits, factor_kb) = match trimmed.chars().last()? {
        'k' => (&trimmed[..trimmed.len() - 1], 1u64),
        'm' => (&trimmed[..trimmed.len() - 1], 1024),
        'g' => (&trimmed[..trimmed.len() - 1], 1024 * 1024),
        't' => (&trimmed[..trimmed.len() - 1], 1024 * 1024 * 1024),
        _ => (trimmed, 1024),
    };
    let number: u64 = digits.trim().parse().ok()?;
    let mb = number.checked_mul(factor_kb)? / 1024;
    (mb > 0).then_some(mb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_match_emr_serverless() {
        let request = ResourceRequest::from_spark_conf(&BTreeMap::new()).unwrap();
        assert_eq!(request.driver, WorkerSize { cpu: 4, memory_gb: 16, disk_gb: 20 });
        assert_eq!(request.executor_count, 3);
        assert_eq!(request.executor_cores_total(), 12);
        assert_eq!(request.workers().len(), 4);
    }

    #[test]
    fn explicit_sizes_and_static_allocation() {
        let request = ResourceRequest::from_spark_conf(&conf(&[
            ("spark.driver.cores", "1"),
            ("spark.driver.memory", "2g"),
            ("spark.executor.cores", "2"),
            ("spark.executor.memory", "4096m"),
            ("spark.executor.instances", "1"),
            ("spark.dynamicAllocation.enabled", "false"),
        ]))
        .unwrap();
        assert_eq!(request.driver, WorkerSize { cpu: 1, memory_gb: 3, disk_gb: 20 });
        assert_eq!(request.executor, WorkerSize { cpu: 2, memory_gb: 5, disk_gb: 20 });
        assert_eq!(request.executor_cores_total(), 2);
        assert_eq!(request.driver_memory_mb, 2048);
    }

    #[test]
    fn an_explicit_max_executors_makes_the_run_elastic() {
        let request = ResourceRequest::from_spark_conf(&conf(&[
            ("spark.dynamicAllocation.initialExecutors", "1"),
            ("spark.dynamicAllocation.maxExecutors", "4"),
        ]))
        .unwrap();
        assert_eq!((request.executor_count, request.elastic), (1, Some(ExecutorRange { min: 0, max: 4 })));
        assert_eq!(request.launch_executors(), 1);
        let floor = conf(&[
            ("spark.dynamicAllocation.initialExecutors", "3"),
            ("spark.dynamicAllocation.minExecutors", "2"),
            ("spark.dynamicAllocation.maxExecutors", "4"),
        ]);
        let request = ResourceRequest::from_spark_conf(&floor).unwrap();
        assert_eq!((request.executor_count, request.launch_executors(), request.launch_workers().len()), (3, 2, 3));
        assert_eq!(ResourceRequest::from_spark_conf(&BTreeMap::new()).unwrap().elastic, None);
        let fixed =
            conf(&[("spark.dynamicAllocation.enabled", "false"), ("spark.dynamicAllocation.maxExecutors", "4")]);
        assert_eq!(ResourceRequest::from_spark_conf(&fixed).unwrap().elastic, None);
        let err =
            ResourceRequest::from_spark_conf(&conf(&[("spark.dynamicAllocation.maxExecutors", "2")])).unwrap_err();
        assert!(err.to_string().contains("at least the 3 executors"), "{err}");
    }

    #[test]
    fn rejects_garbage_properties() {
        let err = ResourceRequest::from_spark_conf(&conf(&[("spark.driver.cores", "many")])).unwrap_err();
        assert!(err.to_string().contains("spark.driver.cores=many"), "{err}");
        assert!(ResourceRequest::from_spark_conf(&conf(&[("spark.executor.memory", "lots")])).is_err());
    }

    #[test]
    fn spark_memory_syntax() {
        assert_eq!(parse_spark_memory_mb("2g"), Some(2048));
        assert_eq!(parse_spark_memory_mb("2G"), Some(2048));
        assert_eq!(parse_spark_memory_mb("512m"), Some(512));
        assert_eq!(parse_spark_memory_mb("512mb"), Some(512));
        assert_eq!(parse_spark_memory_mb("1024"), Some(1024));
        assert_eq!(parse_spark_memory_mb("1t"), Some(1024 * 1024));
        assert_eq!(parse_spark_memory_mb("0"), None);
        assert_eq!(parse_spark_memory_mb("g"), None);
        assert_eq!(parse_spark_memory_mb(""), None);
    }
}
