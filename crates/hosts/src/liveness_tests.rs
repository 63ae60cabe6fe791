use proptest::prelude::*;

use super::*;

const LOST_AFTER: i64 = 30_000;

fn report(instance: &str) -> Report {
    crate::model::sample_report(instance)
}

fn host(embedded: bool) -> Host {
    Host {
        name: "h".into(),
        state: if embedded { HostState::Ready } else { HostState::Pending },
        embedded,
        created_at: 0,
        credential_sha256: None,
        report: None,
        registered_at: None,
        last_heartbeat_at: None,
        drained: false,
        state_changed_at: 0,
        state_details: None,
    }
}

#[test]
fn a_silent_agent_is_lost_and_must_register_again() {
    let h = register(&host(false), report("a"), 1_000);
    assert_eq!(h.state, HostState::Ready);
    assert!(lost_hosts(std::slice::from_ref(&h), 1_000 + LOST_AFTER, LOST_AFTER, 0).is_empty(), "not yet");
    assert_eq!(lost_hosts(std::slice::from_ref(&h), 1_001 + LOST_AFTER, LOST_AFTER, 0), ["h"]);
    // A server that started listening later gives the agent a full timeout.
    assert!(lost_hosts(std::slice::from_ref(&h), 1_001 + LOST_AFTER, LOST_AFTER, 5_000).is_empty());
    // A host drained before it ever registered is never LOST.
    let drained_pending = drain(&host(false), 0);
    assert!(lost_hosts(std::slice::from_ref(&drained_pending), 10 * LOST_AFTER, LOST_AFTER, 0).is_empty());
    let lost = mark_lost(&h, 40_000, LOST_AFTER);
    assert_eq!(lost.state_details.as_deref(), Some("no heartbeat for more than 30 s"));
    assert!(matches!(heartbeat(&lost, report("a"), 41_000), Err(HostsError::Reregister(_))));
    assert_eq!(register(&lost, report("b"), 42_000).state, HostState::Ready);
}

#[test]
fn a_restarted_agent_is_told_to_register() {
    let h = register(&host(false), report("a"), 0);
    assert!(heartbeat(&h, report("a"), 5).is_ok());
    assert!(matches!(heartbeat(&h, report("b"), 5), Err(HostsError::Reregister(_))));
}

#[test]
fn drain_survives_a_reregistration_and_resume_undoes_it() {
    let h = drain(&register(&host(false), report("a"), 0), 10);
    assert_eq!(register(&h, report("b"), 20).state, HostState::Draining);
    assert_eq!(resume(&h, 30).unwrap().state, HostState::Ready);
    // Through a LOST spell too.
    let lost = mark_lost(&h, 40, LOST_AFTER);
    assert_eq!(register(&lost, report("c"), 50).state, HostState::Draining);
    let resumed = resume(&lost, 60).unwrap();
    assert_eq!((resumed.state, resumed.drained), (HostState::Lost, false));
    assert_eq!(register(&resumed, report("d"), 70).state, HostState::Ready);
    assert!(resume(&mark_lost(&register(&host(false), report("a"), 0), 1, LOST_AFTER), 2).is_err());
}

#[test]
fn removal_rules() {
    assert!(check_removal(&host(true), 0).is_err(), "the embedded host stays");
    let h = register(&host(false), report("a"), 0);
    assert!(matches!(check_removal(&h, 1), Err(HostsError::Conflict(_))));
    assert!(check_removal(&h, 0).is_ok());
    assert!(check_removal(&mark_lost(&h, 1, LOST_AFTER), 3).is_ok(), "a LOST host's processes are gone");
}

#[derive(Debug, Clone)]
enum Event {
    Register(u8),
    Heartbeat(u8),
    Drain,
    Resume,
    Sweep,
    Wait(i64),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (0u8..3).prop_map(Event::Register),
        (0u8..3).prop_map(Event::Heartbeat),
        Just(Event::Drain),
        Just(Event::Resume),
        Just(Event::Sweep),
        (0i64..2 * LOST_AFTER).prop_map(Event::Wait),
    ]
}

proptest! {
    /// Whatever happens: the embedded host is never LOST; a sweep never
    /// marks LOST a host heard from within the timeout; a drained host
    /// takes no placements (is not READY) until an operator resumes it;
    /// and only a registration brings a LOST host back.
    #[test]
    fn liveness_invariants(embedded: bool, events in proptest::collection::vec(event(), 0..60)) {
        let mut h = host(embedded);
        let mut now = 0i64;
        let mut drained = false;
        for e in events {
            let before = h.clone();
            match e {
                Event::Register(i) => h = register(&h, report(&i.to_string()), now),
                Event::Heartbeat(i) => {
                    if let Ok(next) = heartbeat(&h, report(&i.to_string()), now) {
                        h = next;
                    }
                }
                Event::Drain => {
                    h = drain(&h, now);
                    drained = true;
                }
                Event::Resume => {
                    if let Ok(next) = resume(&h, now) {
                        h = next;
                        drained = false;
                    }
                }
                Event::Sweep => {
                    let lost = lost_hosts(std::slice::from_ref(&h), now, LOST_AFTER, 0);
                    if let Some(last) = h.last_heartbeat_at {
                        if now - last <= LOST_AFTER {
                            prop_assert!(lost.is_empty());
                        }
                    }
                    if !lost.is_empty() {
                        h = mark_lost(&h, now, LOST_AFTER);
                    }
                }
                Event::Wait(ms) => now += ms,
            }
            prop_assert!(!(embedded && h.state == HostState::Lost));
            prop_assert!(!(drained && h.state == HostState::Ready));
            if before.state == HostState::Lost && h.state != HostState::Lost {
                prop_assert!(matches!(e, Event::Register(_) | Event::Drain));
            }
        }
    }
}
