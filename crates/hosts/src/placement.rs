//! Where an elastic run's next executor goes: a pure choice among hosts.
//!
//! The scheduler decides how many executors a run gets; this decides where
//! each goes. A host is a candidate when it is placeable (READY, not
//! draining) and the executor fits its free logical capacity and process
//! slots. Among candidates, the one holding the fewest of this run's
//! executors wins, so one run spreads over hosts where that fits (what EMR
//! Serverless does with workers, and what a standalone cluster does with
//! `spark.deploy.spreadOut`); ties go to the host with the most free vCPU,
//! then to the server's own host (no network to cross), then by name, so
//! the choice is deterministic.

/// One host as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The host's name; the server's own host is marked by `own`.
    pub name: String,
    pub own: bool,
    pub placeable: bool,
    pub free_vcpu: u64,
    pub free_memory_gb: u64,
    pub free_processes: u32,
    /// Executors of the run being placed that are on this host already.
    pub run_executors: u32,
}

/// What one executor needs on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub vcpu: u64,
    pub memory_gb: u64,
}

impl Slot {
    /// The server's own host: `placeable` when its own limits (which the
    /// caller checks) allow one more executor.
    pub fn own(placeable: bool, free_vcpu: u64, free_memory_gb: u64, run_executors: u32) -> Slot {
        Slot { name: String::new(), own: true, placeable, free_vcpu, free_memory_gb, free_processes: 1, run_executors }
    }

    fn fits(&self, need: Need) -> bool {
        self.placeable
            && self.free_processes > 0
            && self.free_vcpu >= need.vcpu
            && self.free_memory_gb >= need.memory_gb
    }
}

/// Places up to `count` executors of one run, one at a time, updating
/// `slots` as it goes; returns the chosen slot indexes in order (fewer than
/// `count` when the rest fit nowhere).
pub fn place(slots: &mut [Slot], count: u32, need: Need) -> Vec<usize> {
    let mut chosen = Vec::new();
    for _ in 0..count {
        let best = slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.fits(need))
            .min_by(|(_, a), (_, b)| {
                a.run_executors
                    .cmp(&b.run_executors)
                    .then(b.free_vcpu.cmp(&a.free_vcpu))
                    .then(b.own.cmp(&a.own))
                    .then(a.name.cmp(&b.name))
            })
            .map(|(index, _)| index);
        let Some(index) = best else { break };
        let slot = &mut slots[index];
        slot.free_vcpu -= need.vcpu;
        slot.free_memory_gb -= need.memory_gb;
        slot.free_processes -= 1;
        slot.run_executors += 1;
        chosen.push(index);
    }
    chosen
}

#[cfg(test)]
#[path = "placement_tests.rs"]
mod tests;
