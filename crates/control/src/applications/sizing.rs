//! Worker sizes as the service allows them, and whether a run can ever fit.
//!
//! Each worker has 1, 2, 4, 8 or 16 vCPUs with memory in a range that
//! depends on the vCPUs (1 GB steps up to 4 vCPUs, 4 GB at 8, 8 GB at 16),
//! and 20-200 GB of disk. Worker-type keys are matched case-insensitively.

use std::collections::BTreeMap;

use sparkplane_api::{
    parse_cpu, parse_disk_gb, parse_memory_gb, InitialCapacityConfig, MaximumAllowedResources, WorkerResourceConfig,
};

use crate::ControlError;

/// (vCPU, min GB, max GB, step GB)
const SIZE_TABLE: [(u32, u32, u32, u32); 5] =
    [(1, 2, 8, 1), (2, 4, 16, 1), (4, 8, 30, 1), (8, 16, 60, 4), (16, 32, 120, 8)];
const DISK_RANGE_GB: (u32, u32) = (20, 200);

/// Worker types of each application type, in the service's spelling.
fn worker_types(application_type: &str) -> &'static [&'static str] {
    match application_type {
        "HIVE" => &["HiveDriver", "TezTask"],
        _ => &["Driver", "Executor"],
    }
}

pub fn check_worker(field: &str, worker: &WorkerResourceConfig) -> Result<(), ControlError> {
    let cpu = parse_cpu(&worker.cpu)?;
    let memory = parse_memory_gb(&worker.memory)?;
    let Some((_, min, max, step)) = SIZE_TABLE.iter().find(|(c, ..)| *c == cpu) else {
        return Err(ControlError::validation(format!("{field}.cpu: a worker has 1, 2, 4, 8 or 16 vCPUs, not {cpu}")));
    };
    if memory < *min || memory > *max || (memory - min) % step != 0 {
        return Err(ControlError::validation(format!(
            "{field}.memory: a {cpu} vCPU worker has {min} to {max} GB of memory in {step} GB steps, not {memory} GB"
        )));
    }
    if let Some(disk) = &worker.disk {
        let disk = parse_disk_gb(disk)?;
        if disk < DISK_RANGE_GB.0 || disk > DISK_RANGE_GB.1 {
            return Err(ControlError::validation(format!(
                "{field}.disk: a worker has {} to {} GB of disk, not {disk} GB",
                DISK_RANGE_GB.0, DISK_RANGE_GB.1
            )));
        }
    }
    Ok(())
}

/// Checks `initialCapacity`: worker types (matched case-insensitively, so
/// `DRIVER` and `Driver` are the same type) and sizes. Keys keep the
/// caller's spelling, as the service echoes them.
pub fn normalize_initial_capacity(
    application_type: &str,
    capacity: &BTreeMap<String, InitialCapacityConfig>,
) -> Result<BTreeMap<String, InitialCapacityConfig>, ControlError> {
    let allowed = worker_types(application_type);
    let mut normalized = BTreeMap::new();
    for (key, config) in capacity {
        let Some(canonical) = allowed.iter().find(|t| t.eq_ignore_ascii_case(key)) else {
            return Err(ControlError::validation(format!(
                "initialCapacity: unknown worker type '{key}' for a {application_type} application; use {}",
                allowed.join(" or ")
            )));
        };
        if let Some(worker) = &config.worker_configuration {
            check_worker(&format!("initialCapacity.{canonical}.workerConfiguration"), worker)?;
        }
        if normalized.keys().any(|k: &String| k.eq_ignore_ascii_case(canonical)) {
            return Err(ControlError::validation(format!("initialCapacity: worker type {canonical} is given twice")));
        }
        normalized.insert(key.clone(), config.clone());
    }
    Ok(normalized)
}

pub fn check_maximum_capacity(max: &MaximumAllowedResources) -> Result<(), ControlError> {
    parse_cpu(&max.cpu)?;
    parse_memory_gb(&max.memory)?;
    if let Some(disk) = &max.disk {
        parse_disk_gb(disk)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(cpu: &str, memory: &str, disk: Option<&str>) -> WorkerResourceConfig {
        WorkerResourceConfig { cpu: cpu.into(), memory: memory.into(), disk: disk.map(String::from), disk_type: None }
    }

    #[test]
    fn size_table_edges() {
        for (cpu, memory) in
            [("1 vCPU", "2 GB"), ("1vCPU", "8GB"), ("4", "30 GB"), ("8 vCPU", "20 GB"), ("16 vCPU", "120 GB")]
        {
            assert!(check_worker("w", &worker(cpu, memory, Some("200 GB"))).is_ok(), "{cpu} {memory}");
        }
        for (cpu, memory) in
            [("3 vCPU", "8 GB"), ("1 vCPU", "9 GB"), ("4 vCPU", "7 GB"), ("8 vCPU", "18 GB"), ("16 vCPU", "36 GB")]
        {
            assert!(check_worker("w", &worker(cpu, memory, None)).is_err(), "{cpu} {memory}");
        }
        let err = check_worker("w", &worker("2 vCPU", "8 GB", Some("10 GB"))).unwrap_err();
        assert!(err.to_string().contains("20 to 200 GB"), "{err}");
    }

    #[test]
    fn worker_type_keys_are_case_insensitive_and_checked() {
        let config =
            InitialCapacityConfig { worker_count: 1, worker_configuration: Some(worker("4 vCPU", "16 GB", None)) };
        let capacity =
            BTreeMap::from([("DRIVER".to_string(), config.clone()), ("executor".to_string(), config.clone())]);
        let normalized = normalize_initial_capacity("SPARK", &capacity).unwrap();
        assert_eq!(normalized.keys().collect::<Vec<_>>(), ["DRIVER", "executor"]);
        let twice = BTreeMap::from([("DRIVER".to_string(), config.clone()), ("Driver".to_string(), config.clone())]);
        assert!(normalize_initial_capacity("SPARK", &twice).is_err());
        let hive = BTreeMap::from([("Driver".to_string(), config)]);
        assert!(normalize_initial_capacity("HIVE", &hive).is_err());
    }
}
