//! Worker capacity as the service counts it: vCPUs, memory and disk of a
//! set of workers, and the limits they are held to (an application's
//! `maximumCapacity`, the host's logical capacity).
//!
//! Here rather than in the planner because more than the planner counts
//! with it: the host's limits, and StartJobRun, which refuses a run that
//! could never fit.

use sparkplane_api::{ApiError, Application};
use sparkplane_engine::WorkerSize;

/// Total resources of a set of workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capacity {
    pub cpu: u64,
    pub memory_gb: u64,
    pub disk_gb: u64,
}

impl Capacity {
    /// A limit on vCPUs and memory only (no `disk` in `maximumCapacity`, or
    /// a host, whose disk is not a logical quota).
    pub const fn without_disk_limit(cpu: u64, memory_gb: u64) -> Capacity {
        Capacity { cpu, memory_gb, disk_gb: u64::MAX }
    }

    pub fn plus(self, other: Capacity) -> Capacity {
        Capacity {
            cpu: self.cpu.saturating_add(other.cpu),
            memory_gb: self.memory_gb.saturating_add(other.memory_gb),
            disk_gb: self.disk_gb.saturating_add(other.disk_gb),
        }
    }

    /// What is left of `self` after `other`, never below zero.
    pub fn minus(self, other: Capacity) -> Capacity {
        Capacity {
            cpu: self.cpu.saturating_sub(other.cpu),
            memory_gb: self.memory_gb.saturating_sub(other.memory_gb),
            disk_gb: self.disk_gb.saturating_sub(other.disk_gb),
        }
    }

    pub(crate) fn times(self, count: u32) -> Capacity {
        let n = u64::from(count);
        Capacity {
            cpu: self.cpu.saturating_mul(n),
            memory_gb: self.memory_gb.saturating_mul(n),
            disk_gb: self.disk_gb.saturating_mul(n),
        }
    }

    /// Whether a warm worker of this size serves a worker asked as `other`:
    /// vCPUs and memory decide; disk is counted, not matched (the pool hands
    /// out warm workers by engine, and HIVE drivers have no disk setting).
    pub fn serves(self, other: Capacity) -> bool {
        self.cpu == other.cpu && self.memory_gb == other.memory_gb
    }

    pub fn fits_within(self, limit: Capacity) -> bool {
        self.cpu <= limit.cpu && self.memory_gb <= limit.memory_gb && self.disk_gb <= limit.disk_gb
    }
}

/// The capacity of one worker of `size`.
pub(crate) fn capacity_of(size: &WorkerSize) -> Capacity {
    Capacity { cpu: u64::from(size.cpu), memory_gb: u64::from(size.memory_gb), disk_gb: u64::from(size.disk_gb) }
}

/// The application's `maximumCapacity` (disk unlimited when not given).
pub(crate) fn maximum_capacity_of(app: &Application) -> Result<Option<Capacity>, ApiError> {
    let Some(max) = app.maximum_capacity.as_ref() else { return Ok(None) };
    let mut limit = Capacity::without_disk_limit(
        u64::from(sparkplane_api::parse_cpu(&max.cpu)?),
        u64::from(sparkplane_api::parse_memory_gb(&max.memory)?),
    );
    if let Some(disk) = &max.disk {
        limit.disk_gb = u64::from(sparkplane_api::parse_disk_gb(disk)?);
    }
    Ok(Some(limit))
}
