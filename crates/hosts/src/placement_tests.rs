use proptest::prelude::*;

use super::*;

fn slot(name: &str, own: bool, vcpu: u64, processes: u32) -> Slot {
    Slot {
        name: name.into(),
        own,
        placeable: true,
        free_vcpu: vcpu,
        free_memory_gb: vcpu * 4,
        free_processes: processes,
        run_executors: 0,
    }
}

const ONE: Need = Need { vcpu: 1, memory_gb: 4 };

#[test]
fn one_runs_executors_spread_over_hosts() {
    let mut slots = vec![slot("control", true, 8, 8), slot("worker-1", false, 8, 8), slot("worker-2", false, 8, 8)];
    slots[0].run_executors = 1; // the executor the run started with
    let chosen = place(&mut slots, 2, ONE);
    assert_eq!(chosen, vec![1, 2], "the agents first, the own host already holds one");
    let chosen = place(&mut slots, 3, ONE);
    assert_eq!(chosen.len(), 3);
    assert!(slots.iter().all(|s| s.run_executors == 2), "{slots:?}");
}

#[test]
fn draining_full_and_small_hosts_take_nothing() {
    let mut slots =
        vec![slot("a", false, 8, 8), slot("b", false, 8, 0), slot("c", false, 0, 8), slot("own", true, 8, 8)];
    slots[0].placeable = false;
    assert_eq!(place(&mut slots, 2, ONE), vec![3, 3], "only the own host fits");
    let big = Need { vcpu: 16, memory_gb: 4 };
    assert!(place(&mut slots, 1, big).is_empty(), "fits no host");
}

#[test]
fn ties_go_to_the_freest_then_the_own_host() {
    let mut slots = vec![slot("a", false, 4, 8), slot("own", true, 4, 8), slot("b", false, 6, 8)];
    assert_eq!(place(&mut slots, 1, ONE), vec![2], "most free vCPU");
    let mut even = vec![slot("a", false, 4, 8), slot("own", true, 4, 8)];
    assert_eq!(place(&mut even, 1, ONE), vec![1], "the own host on a tie");
}

fn slots() -> impl Strategy<Value = Vec<Slot>> {
    proptest::collection::vec((any::<bool>(), 0u64..12, 0u64..40, 0u32..6, 0u32..4), 1..6).prop_map(|hosts| {
        hosts
            .into_iter()
            .enumerate()
            .map(|(i, (placeable, vcpu, memory, processes, run))| Slot {
                name: format!("h{i}"),
                own: i == 0,
                placeable,
                free_vcpu: vcpu,
                free_memory_gb: memory,
                free_processes: processes,
                run_executors: run,
            })
            .collect()
    })
}

proptest! {
    /// Whatever the hosts: nothing goes to an unplaceable host or beyond a
    /// host's free capacity; placement stops only when nothing fits; and
    /// each executor goes to a host holding no more of the run than any
    /// other host it fitted on (spread).
    #[test]
    fn fits_stops_only_when_full_and_spreads(mut hosts in slots(), count in 0u32..20, vcpu in 0u64..4, memory in 0u64..8) {
        let need = Need { vcpu, memory_gb: memory };
        let before = hosts.clone();
        let mut replay = hosts.clone();
        let chosen = place(&mut hosts, count, need);
        prop_assert!(chosen.len() as u32 <= count);
        for &index in &chosen {
            let fitted: Vec<u32> = replay.iter().filter(|s| s.fits(need)).map(|s| s.run_executors).collect();
            prop_assert!(replay[index].fits(need));
            prop_assert!(fitted.iter().all(|&n| replay[index].run_executors <= n), "spread");
            let slot = &mut replay[index];
            slot.free_vcpu -= need.vcpu;
            slot.free_memory_gb -= need.memory_gb;
            slot.free_processes -= 1;
            slot.run_executors += 1;
        }
        prop_assert_eq!(&replay, &hosts);
        for (b, a) in before.iter().zip(&hosts) {
            let placed = a.run_executors - b.run_executors;
            prop_assert!(b.placeable || placed == 0);
            prop_assert!(u64::from(placed) * need.vcpu <= b.free_vcpu);
            prop_assert!(placed <= b.free_processes);
        }
        if (chosen.len() as u32) < count {
            prop_assert!(!hosts.iter().any(|s| s.fits(need)), "stopped while something fitted");
        }
    }
}
