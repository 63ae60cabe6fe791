//! Where the planner puts what it grants: a run's driver on an agent's
//! host when this one has no room, and an elastic run's new executors on
//! whichever host holds the fewest of them. Part of the planner (its
//! private accounting types are the parent's), split out by concern.

use super::{AgentView, AppView, Capacity, HostView, RunView, Usage, WarmLeft};

/// The agent's host for the driver of a run that does not fit this host
/// (or this host is DRAINING), if it may move and fits one: the run then
/// holds its whole demand there, with no warm workers (those are here).
/// The host with the most free vCPUs wins, so drivers spread. A run waits
/// instead when an older run waits for this host (first in, first out).
pub(super) fn place_driver<'a>(
    usage: &mut Usage<'a>,
    app_id: &'a str,
    app: &AppView,
    run: &RunView,
    host_blocked: bool,
    agents: &mut [AgentView],
) -> Option<String> {
    if !run.may_move_driver || host_blocked {
        return None;
    }
    let total = run.demand.total();
    let held = usage.app.get(app_id).copied().unwrap_or_default().plus(total);
    if !app.maximum_capacity.is_none_or(|limit| held.fits_within(limit)) {
        return None;
    }
    let fits = |agent: &&mut AgentView| {
        agent.free_processes > 0 && total.cpu <= agent.free.cpu && total.memory_gb <= agent.free.memory_gb
    };
    let agent =
        agents.iter_mut().filter(fits).max_by_key(|agent| (agent.free.cpu, std::cmp::Reverse(agent.name.clone())))?;
    agent.free = agent.free.minus(total);
    agent.free_processes -= 1;
    usage.app.insert(app_id, held);
    Some(agent.name.clone())
}

/// Grants up to `wanted` more executors to a running elastic run, one at a
/// time while each fits the application's `maximumCapacity` and some host,
/// and books them in `usage` (this host) or `agents`. Where each goes is
/// `sparkplane_hosts::placement`'s choice: the host holding the fewest of
/// the run's executors. Warm executors are on this host. Returns how many
/// were granted, and the agents' hosts of those placed there.
pub(super) fn grow<'a>(
    usage: &mut Usage<'a>,
    app_id: &'a str,
    app: &AppView,
    run: &RunView,
    wanted: u32,
    host: &HostView,
    agents: &mut [AgentView],
) -> (u32, Vec<String>) {
    use sparkplane_hosts::placement::{place, Need, Slot};
    let demand = &run.demand;
    let mut on_agents = Vec::new();
    let mut placed_here = 0;
    let mut granted = 0;
    while granted < wanted {
        let mut left = usage.warm_left.get(app_id).copied().unwrap_or(WarmLeft { drivers: 0, executors: 0 });
        let from_warm = left.executors > 0 && app.warm.executor.serves(demand.executor) && !host.draining;
        let extra = if from_warm { Capacity::default() } else { demand.executor };
        let held = usage.app.get(app_id).copied().unwrap_or_default().plus(extra);
        if !app.maximum_capacity.is_none_or(|limit| held.fits_within(limit)) {
            break;
        }
        let fits_here = !host.draining
            && host.capacity.is_none_or(|limit| usage.host.plus(extra).fits_within(limit))
            && fits_physically(usage, 1, demand.executor_heap_mb, host);
        let here_count = demand.executors.saturating_sub(run.on_agents.values().sum::<u32>()) + placed_here;
        let free_here =
            host.capacity.map_or(Capacity::without_disk_limit(u64::MAX, u64::MAX), |limit| limit.minus(usage.host));
        let mut slots = vec![Slot::own(fits_here, free_here.cpu, free_here.memory_gb, here_count)];
        if !from_warm && run.may_use_agents {
            slots.extend(agents.iter().map(|agent| Slot {
                name: agent.name.clone(),
                own: false,
                placeable: true,
                free_vcpu: agent.free.cpu,
                free_memory_gb: agent.free.memory_gb,
                free_processes: agent.free_processes,
                run_executors: run.on_agents.get(&agent.name).copied().unwrap_or(0)
                    + count(on_agents.iter().filter(|name| **name == agent.name)),
            }));
        }
        let need = Need { vcpu: demand.executor.cpu, memory_gb: demand.executor.memory_gb };
        let Some(&index) = place(&mut slots, 1, need).first() else { break };
        if index == 0 {
            if from_warm {
                left.executors -= 1;
            }
            usage.warm_left.insert(app_id, left);
            usage.host = usage.host.plus(extra);
            usage.processes += 1;
            usage.heap_mb += demand.executor_heap_mb;
            placed_here += 1;
        } else {
            let agent = &mut agents[index - 1];
            agent.free = agent.free.minus(extra);
            agent.free_processes -= 1;
            on_agents.push(agent.name.clone());
        }
        usage.app.insert(app_id, held);
        granted += 1;
    }
    (granted, on_agents)
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// Whether `processes` more engine processes claiming `heap_mb` together
/// keep the host within its physical limits.
pub(super) fn fits_physically(usage: &Usage<'_>, processes: u32, heap_mb: u64, host: &HostView) -> bool {
    let processes_ok = host.max_processes.is_none_or(|max| usage.processes + processes <= max);
    let heap_ok = usage.heap_mb == 0 || host.heap_budget_mb.is_none_or(|budget| usage.heap_mb + heap_mb <= budget);
    processes_ok && heap_ok
}
