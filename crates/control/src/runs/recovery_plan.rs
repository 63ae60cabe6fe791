//! What startup recovery does with each run that was in flight, decided from
//! what the store holds and which hosts are live: a pure function, so the
//! failover rules are tested without a server, processes or a store.
//!
//! - An attempt that was SCHEDULED or RUNNING with its driver on a live
//!   agent's host (READY or DRAINING), whose placement is its current
//!   attempt's, is adopted: its supervisor, the agent, still runs it.
//! - Any other SCHEDULED or RUNNING attempt lost its supervisor and ends
//!   FAILED ("attempt lost"); a CANCELLING one ends CANCELLED.
//! - Runs not started yet stay queued.
//! - A placement that is not adopted is forgotten, whatever it belonged to.

use sparkplane_api::JobRunState;

/// The details of an attempt that lost its supervisor.
pub(crate) const LOST: &str = "attempt lost: server restarted while the attempt was running";
const CANCELLED: &str = "Job run was cancelled";

/// A run that was not over, as the store has it.
#[derive(Debug, Clone)]
pub(crate) struct InFlight<'a> {
    pub(crate) job_run_id: &'a str,
    pub(crate) state: JobRunState,
    pub(crate) attempt: u32,
}

/// A stored placement of a driver on an agent's host.
#[derive(Debug, Clone)]
pub(crate) struct Placed<'a> {
    pub(crate) job_run_id: &'a str,
    pub(crate) attempt: u32,
    pub(crate) host: &'a str,
}

/// One thing recovery does; indexes are into the inputs of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Follow run `run`'s attempt on from placement `placement`.
    Adopt { run: usize, placement: usize },
    /// End run `run`'s attempt in `state`.
    End { run: usize, state: JobRunState, details: &'static str },
    /// Drop placement `placement`: nothing adopts it.
    Forget { placement: usize },
}

/// The steps for `runs` and `placements`, the runs' first, in order.
pub(crate) fn plan(runs: &[InFlight<'_>], placements: &[Placed<'_>], live_host: impl Fn(&str) -> bool) -> Vec<Step> {
    let mut adopted = vec![false; placements.len()];
    let mut steps = Vec::new();
    for (run, flight) in runs.iter().enumerate() {
        match flight.state {
            JobRunState::Scheduled | JobRunState::Running => {
                // The store keys placements by driver id, so there is one per
                // attempt; were there more, the one on a live host runs it.
                let current = placements.iter().enumerate().position(|(i, p)| {
                    !adopted[i] && p.job_run_id == flight.job_run_id && p.attempt == flight.attempt && live_host(p.host)
                });
                match current {
                    Some(placement) => {
                        adopted[placement] = true;
                        steps.push(Step::Adopt { run, placement });
                    }
                    None => steps.push(Step::End { run, state: JobRunState::Failed, details: LOST }),
                }
            }
            JobRunState::Cancelling => steps.push(Step::End { run, state: JobRunState::Cancelled, details: CANCELLED }),
            _ => {}
        }
    }
    steps.extend((0..placements.len()).filter(|&i| !adopted[i]).map(|placement| Step::Forget { placement }));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use JobRunState::*;

    fn run(job_run_id: &str, state: JobRunState, attempt: u32) -> InFlight<'_> {
        InFlight { job_run_id, state, attempt }
    }

    fn placed<'a>(job_run_id: &'a str, attempt: u32, host: &'a str) -> Placed<'a> {
        Placed { job_run_id, attempt, host }
    }

    #[test]
    fn live_remote_attempts_are_adopted_and_everything_else_ends_or_is_forgotten() {
        let runs = [
            run("a", Running, 1),    // driver on a live agent: adopted
            run("b", Scheduled, 2),  // placement of attempt 1 only: lost
            run("c", Running, 1),    // driver on a LOST host: lost
            run("d", Running, 1),    // on this host: lost
            run("e", Cancelling, 1), // being cancelled, even on an agent
            run("f", Pending, 1),    // not started: stays queued
        ];
        let placements = [
            placed("a", 1, "w1"),
            placed("b", 1, "w1"),
            placed("c", 1, "gone"),
            placed("e", 1, "w1"),
            placed("z", 3, "w1"), // its run ended meanwhile
        ];
        let steps = plan(&runs, &placements, |host| host == "w1");
        assert_eq!(
            steps,
            vec![
                Step::Adopt { run: 0, placement: 0 },
                Step::End { run: 1, state: Failed, details: LOST },
                Step::End { run: 2, state: Failed, details: LOST },
                Step::End { run: 3, state: Failed, details: LOST },
                Step::End { run: 4, state: Cancelled, details: CANCELLED },
                Step::Forget { placement: 1 },
                Step::Forget { placement: 2 },
                Step::Forget { placement: 3 },
                Step::Forget { placement: 4 },
            ]
        );
    }

    const IDS: [&str; 4] = ["r0", "r1", "r2", "r3"];
    const HOSTS: [&str; 3] = ["w0", "w1", "w2"];
    const STATES: [JobRunState; 6] = [Pending, Queued, Scheduled, Running, Cancelling, Submitted];

    proptest! {
        #[test]
        fn each_placement_is_adopted_or_forgotten_once_and_adoption_needs_a_live_current_attempt(
            runs in proptest::collection::vec((0..IDS.len(), 0..STATES.len(), 1u32..3), 0..6),
            placements in proptest::collection::vec((0..IDS.len(), 1u32..3, 0..HOSTS.len()), 0..6),
            live in proptest::collection::vec(any::<bool>(), HOSTS.len()),
        ) {
            // One row per run id, as the store has them.
            let mut seen = std::collections::HashSet::new();
            let runs: Vec<InFlight<'_>> = runs.into_iter()
                .filter(|(id, _, _)| seen.insert(*id))
                .map(|(id, state, attempt)| run(IDS[id], STATES[state], attempt))
                .collect();
            let placements: Vec<Placed<'_>> =
                placements.into_iter().map(|(id, attempt, host)| placed(IDS[id], attempt, HOSTS[host])).collect();
            let is_live = |host: &str| HOSTS.iter().position(|h| *h == host).is_some_and(|i| live[i]);
            let steps = plan(&runs, &placements, is_live);

            let mut handled = vec![0; placements.len()];
            let mut ended_or_adopted = vec![0; runs.len()];
            for step in &steps {
                match *step {
                    Step::Adopt { run, placement } => {
                        handled[placement] += 1;
                        ended_or_adopted[run] += 1;
                        let (r, p) = (&runs[run], &placements[placement]);
                        prop_assert!(matches!(r.state, Scheduled | Running));
                        prop_assert_eq!(r.job_run_id, p.job_run_id);
                        prop_assert_eq!(r.attempt, p.attempt);
                        prop_assert!(is_live(p.host));
                    }
                    Step::End { run, state, .. } => {
                        ended_or_adopted[run] += 1;
                        let expected = if runs[run].state == Cancelling { Cancelled } else { Failed };
                        prop_assert_eq!(state, expected);
                    }
                    Step::Forget { placement } => handled[placement] += 1,
                }
            }
            prop_assert!(handled.iter().all(|n| *n == 1), "each placement adopted or forgotten once: {:?}", steps);
            for (i, r) in runs.iter().enumerate() {
                let in_flight = matches!(r.state, Scheduled | Running | Cancelling);
                prop_assert_eq!(ended_or_adopted[i], usize::from(in_flight), "run {:?}: {:?}", r, steps);
                // A live placement of its current attempt is never left unadopted.
                let adoptable = matches!(r.state, Scheduled | Running)
                    && placements.iter().any(|p| p.job_run_id == r.job_run_id && p.attempt == r.attempt && is_live(p.host));
                let adopted = steps.iter().any(|s| matches!(s, Step::Adopt { run, .. } if *run == i));
                prop_assert_eq!(adopted, adoptable);
            }
        }
    }
}
