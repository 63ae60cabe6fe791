use proptest::prelude::*;

use super::*;

const T: Timing = Timing::DEFAULT;

fn at(base: Instant, ms: u64) -> Instant {
    base + Duration::from_millis(ms)
}

#[test]
fn a_standby_leads_when_it_gets_the_lease_until_ttl_minus_margin_after_asking() {
    let base = Instant::now();
    let seen = Observation::Held { holder: "a", token: 3 };
    let role = after_attempt("a", Role::StandingBy, seen, at(base, 0), at(base, 200), &T);
    assert_eq!(role, Role::Leading { token: 3, until: at(base, 5_000) });
    let other = Observation::Held { holder: "b", token: 3 };
    assert_eq!(after_attempt("a", Role::StandingBy, other, at(base, 0), at(base, 1), &T), Role::StandingBy);
    assert_eq!(after_attempt("a", Role::StandingBy, Observation::Failed, base, base, &T), Role::StandingBy);
}

#[test]
fn a_leader_survives_failed_renewals_only_until_its_deadline() {
    let base = Instant::now();
    let leading = Role::Leading { token: 1, until: at(base, 5_000) };
    assert_eq!(after_attempt("a", leading, Observation::Failed, at(base, 2_000), at(base, 4_999), &T), leading);
    assert_eq!(after_attempt("a", leading, Observation::Failed, at(base, 2_000), at(base, 5_000), &T), Role::Fenced);
    assert_eq!(check(leading, at(base, 4_999)), leading);
    assert_eq!(check(leading, at(base, 5_000)), Role::Fenced);
}

#[test]
fn a_leader_renews_forward_but_is_fenced_by_another_holder_or_a_new_token() {
    let base = Instant::now();
    let leading = Role::Leading { token: 1, until: at(base, 5_000) };
    let renewed =
        after_attempt("a", leading, Observation::Held { holder: "a", token: 1 }, at(base, 2_000), at(base, 2_050), &T);
    assert_eq!(renewed, Role::Leading { token: 1, until: at(base, 7_000) });
    let deposed = Observation::Held { holder: "b", token: 2 };
    assert_eq!(after_attempt("a", leading, deposed, at(base, 2_000), at(base, 2_050), &T), Role::Fenced);
    let retaken = Observation::Held { holder: "a", token: 3 };
    assert_eq!(after_attempt("a", leading, retaken, at(base, 2_000), at(base, 2_050), &T), Role::Fenced);
    // An answer that arrives after the deadline it would set is no grant.
    let late = Observation::Held { holder: "a", token: 1 };
    assert_eq!(after_attempt("a", leading, late, at(base, 0), at(base, 5_100), &T), Role::Fenced);
    assert_eq!(after_attempt("a", Role::StandingBy, late, at(base, 0), at(base, 5_100), &T), Role::StandingBy);
}

#[test]
fn fenced_is_final() {
    let base = Instant::now();
    let mine = Observation::Held { holder: "a", token: 9 };
    assert_eq!(after_attempt("a", Role::Fenced, mine, base, base, &T), Role::Fenced);
}

fn observations() -> impl Strategy<Value = Vec<(u8, i64, u64, u64)>> {
    // (who holds: 0 me, 1 other, 2 failed; token; ms until the call; ms the answer took)
    prop::collection::vec((0u8..3, 1i64..4, 0u64..4_000, 0u64..3_000), 1..40)
}

proptest! {
    /// Whatever the store answers and however slowly, a leader never acts
    /// past ttl - margin after the call that last granted it the lease,
    /// never changes token without being fenced, and fenced is final.
    #[test]
    fn a_leader_never_outlives_its_last_grant(steps in observations()) {
        let base = Instant::now();
        let mut role = Role::StandingBy;
        let mut clock = 0u64;
        let mut last_grant: Option<(u64, i64)> = None;
        let mut was_fenced = false;
        for (who, token, wait, took) in steps {
            let asked = clock + wait;
            clock = asked + took;
            let seen = match who {
                0 => Observation::Held { holder: "me", token },
                1 => Observation::Held { holder: "other", token },
                _ => Observation::Failed,
            };
            let before = role;
            role = after_attempt("me", role, seen, at(base, asked), at(base, clock), &T);
            if who == 0 {
                last_grant = Some((asked, token));
            }
            if was_fenced {
                prop_assert_eq!(role, Role::Fenced);
            }
            if let Role::Leading { token: held, until } = role {
                let (granted_at, granted_token) = last_grant.expect("leading needs a grant");
                prop_assert!(until <= at(base, granted_at) + T.ttl - T.margin);
                prop_assert!(until > at(base, clock));
                prop_assert_eq!(held, granted_token);
                if let Role::Leading { token: before_token, .. } = before {
                    prop_assert_eq!(held, before_token);
                }
            }
            was_fenced |= role == Role::Fenced;
        }
    }
}
