//! What one host offers to job runs: a logical capacity in workers' terms,
//! and physical limits that keep the machine itself safe.
//!
//! The logical capacity is what reservations are counted against, like an
//! EMR Serverless account's vCPU quota. It deliberately exceeds the machine
//! by default: the service's default job (a 4 vCPU / 16 GB driver and three
//! executors of the same size) must run on a laptop, and on one host those
//! executors are threads of the driver's JVM (`local[N]`), not separate
//! machines (only elastic runs have executor processes). The physical limits
//! are what actually protect the host: how many engine processes (Spark
//! driver JVMs, HIVE workers, elastic runs' masters and executors) run at once, and
//! how much heap they may claim together (one process may always run, so a
//! job larger than the budget runs alone instead of never).

use super::capacity::Capacity;

/// The logical capacity never goes below the service's default job.
pub const MIN_LOGICAL_VCPU: u64 = 16;
pub const MIN_LOGICAL_MEMORY_GB: u64 = 64;
/// Memory one engine process is budgeted at when sizing the process limit.
const PROCESS_FOOTPRINT_GB: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostLimits {
    pub vcpu: u64,
    pub memory_gb: u64,
    pub max_processes: u32,
    pub heap_budget_mb: u64,
}

/// The machine as the kernel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    pub cpus: u64,
    pub memory_gb: u64,
}

impl Machine {
    pub fn detect() -> Machine {
        let cpus = std::thread::available_parallelism().map(|n| n.get() as u64).unwrap_or(1);
        let memory_kb = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .unwrap_or(4 * 1024 * 1024);
        Machine { cpus, memory_gb: (memory_kb / (1024 * 1024)).max(1) }
    }
}

impl HostLimits {
    /// Defaults for `machine`: logical capacity of 4 workers' vCPUs per core
    /// and twice the memory (never below the service's default job), one
    /// engine process per 2 GB of memory, and the machine's memory as heap.
    pub fn defaults_for(machine: Machine) -> HostLimits {
        HostLimits {
            vcpu: (machine.cpus * 4).max(MIN_LOGICAL_VCPU),
            memory_gb: (machine.memory_gb * 2).max(MIN_LOGICAL_MEMORY_GB),
            max_processes: u32::try_from((machine.memory_gb / PROCESS_FOOTPRINT_GB).max(1)).unwrap_or(u32::MAX),
            heap_budget_mb: machine.memory_gb * 1024,
        }
    }

    pub fn capacity(&self) -> Capacity {
        // Disk is the data dir's business, not a logical quota.
        Capacity::without_disk_limit(self.vcpu, self.memory_gb)
    }
}

impl Default for HostLimits {
    fn default() -> Self {
        HostLimits::defaults_for(Machine::detect())
    }
}

// The host table as the layers below `hosts/` need it: the pool and the
// scheduler ask whether this host is draining, and the scheduler loop
// runs the sweep. Here, so that `hosts/` can sit on top of them.
impl crate::Controller {
    /// Run by the scheduler loop: the embedded agent's heartbeat, and
    /// agents silent for too long become LOST.
    pub(crate) async fn sweep_hosts(&self) {
        let report = self.embedded_report.lock().ok().and_then(|r| r.clone());
        if let Some(report) = report {
            self.hosts.heartbeat_embedded(&self.config.host_name, report, now_millis()).await;
        }
        if let Err(err) = self.hosts.sweep(now_millis()).await {
            tracing::error!(error = %err, "host sweep failed");
        }
    }

    /// Whether the server's own host is DRAINING, so that nothing new (a
    /// run, an executor, a warm worker) starts on it.
    pub(crate) async fn own_host_draining(&self) -> bool {
        self.hosts.get(&self.config.host_name).await.is_ok_and(|h| h.state == sparkplane_hosts::HostState::Draining)
    }
}

fn now_millis() -> i64 {
    super::clock::now().as_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_laptop_fits_the_default_job_and_a_big_host_scales() {
        let laptop = HostLimits::defaults_for(Machine { cpus: 2, memory_gb: 8 });
        // The service's default job: 4 workers of 4 vCPU / 16 GB.
        assert!(Capacity { cpu: 16, memory_gb: 64, disk_gb: 80 }.fits_within(laptop.capacity()));
        assert_eq!((laptop.max_processes, laptop.heap_budget_mb), (4, 8192));
        let big = HostLimits::defaults_for(Machine { cpus: 64, memory_gb: 512 });
        assert_eq!((big.vcpu, big.memory_gb, big.max_processes), (256, 1024, 256));
    }
}
