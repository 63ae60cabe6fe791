//! Resource accounting of a job run, as the service reports it.
//!
//! `totalResourceUtilization` is what the workers held: vCPU, memory and disk
//! times their lifetime. `billedResourceUtilization` is what the service
//! would charge: each worker at least 60 seconds, and storage only above the
//! 20 GB every worker includes for free.

use sparkplane_api::{ResourceUtilization, TotalResourceUtilization};
use sparkplane_engine::WorkerSize;

/// Per-worker billing floor, in milliseconds.
pub const MINIMUM_BILLED_MILLIS: i64 = 60_000;
/// Storage included with every worker, in GB.
pub const FREE_STORAGE_GB: u32 = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub total: TotalResourceUtilization,
    pub billed: ResourceUtilization,
}

/// Rounds to 3 decimals like the service's reports, without losing non-zero
/// usage to rounding.
fn hours(value_times_millis: f64) -> f64 {
    let hours = value_times_millis / 3_600_000.0;
    let rounded = (hours * 1000.0).round() / 1000.0;
    if rounded == 0.0 && hours > 0.0 {
        0.001
    } else {
        rounded
    }
}

/// Usage of `workers` held for `held_millis`, rounded up to whole seconds as
/// the service does.
pub fn usage(workers: &[WorkerSize], held_millis: i64) -> Usage {
    let held: Vec<(WorkerSize, i64)> = workers.iter().map(|w| (*w, held_millis)).collect();
    usage_of(&held)
}

/// Usage of workers that each ran for their own time (an elastic run's
/// executors come and go): each rounded up to whole seconds, and each
/// billed for at least a minute.
pub fn usage_of(workers: &[(WorkerSize, i64)]) -> Usage {
    let (mut cpu, mut mem, mut disk) = (0.0, 0.0, 0.0);
    let (mut billed_cpu, mut billed_mem, mut billed_disk) = (0.0, 0.0, 0.0);
    for (worker, held_millis) in workers {
        let held_millis = (held_millis.max(&0) + 999) / 1000 * 1000;
        let held = held_millis as f64;
        let billed_ms = held_millis.max(MINIMUM_BILLED_MILLIS) as f64;
        cpu += f64::from(worker.cpu) * held;
        mem += f64::from(worker.memory_gb) * held;
        disk += f64::from(worker.disk_gb) * held;
        billed_cpu += f64::from(worker.cpu) * billed_ms;
        billed_mem += f64::from(worker.memory_gb) * billed_ms;
        billed_disk += f64::from(worker.disk_gb.saturating_sub(FREE_STORAGE_GB)) * billed_ms;
    }
    let total = TotalResourceUtilization {
        v_cpu_hour: Some(hours(cpu)),
        memory_gb_hour: Some(hours(mem)),
        storage_gb_hour: Some(hours(disk)),
    };
    let billed = ResourceUtilization {
        v_cpu_hour: Some(hours(billed_cpu)),
        memory_gb_hour: Some(hours(billed_mem)),
        storage_gb_hour: Some(if billed_disk == 0.0 { 0.0 } else { hours(billed_disk) }),
    };
    Usage { total, billed }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRIVER: WorkerSize = WorkerSize { cpu: 4, memory_gb: 16, disk_gb: 20 };

    #[test]
    fn a_short_run_is_billed_for_a_minute_per_worker() {
        let usage = usage(&[DRIVER, DRIVER], 15_000);
        // Total: 8 vCPU for 15 s = 0.0333 vCPU-hours.
        assert_eq!(usage.total.v_cpu_hour, Some(0.033));
        assert_eq!(usage.total.memory_gb_hour, Some(0.133));
        assert_eq!(usage.total.storage_gb_hour, Some(0.167));
        // Billed: 8 vCPU for 60 s.
        assert_eq!(usage.billed.v_cpu_hour, Some(0.133));
        assert_eq!(usage.billed.memory_gb_hour, Some(0.533));
        assert_eq!(usage.billed.storage_gb_hour, Some(0.0));
    }

    #[test]
    fn long_runs_bill_what_they_held_and_storage_above_20gb() {
        let big_disk = WorkerSize { disk_gb: 50, ..DRIVER };
        let usage = usage(&[big_disk], 3_600_000);
        assert_eq!(usage.total.v_cpu_hour, Some(4.0));
        assert_eq!(usage.billed.v_cpu_hour, Some(4.0));
        assert_eq!(usage.total.storage_gb_hour, Some(50.0));
        assert_eq!(usage.billed.storage_gb_hour, Some(30.0));
    }

    #[test]
    fn workers_that_come_and_go_are_metered_each_for_its_time() {
        let executor = WorkerSize { cpu: 1, memory_gb: 2, disk_gb: 20 };
        // Driver for 10 minutes, one executor all along, one for 30 s.
        let usage = usage_of(&[(DRIVER, 600_000), (executor, 600_000), (executor, 30_000)]);
        // (4 + 1) vCPU * 10 min + 1 vCPU * 0.5 min = 50.5 vCPU-min.
        assert_eq!(usage.total.v_cpu_hour, Some(0.842));
        // The short executor is billed a full minute: 51 vCPU-min.
        assert_eq!(usage.billed.v_cpu_hour, Some(0.85));
    }

    #[test]
    fn tiny_usage_is_not_rounded_away() {
        let usage = usage(&[WorkerSize { cpu: 1, memory_gb: 2, disk_gb: 20 }], 100);
        assert_eq!(usage.total.v_cpu_hour, Some(0.001));
        // 100 ms are billed and totalled as one second.
        assert_eq!(usage.total.memory_gb_hour, Some(0.001));
    }
}
