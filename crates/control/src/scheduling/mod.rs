//! The scheduler: a pure planner from observed state to actions
//! (`scheduler`, tested exhaustively and with proptest), and the loop that
//! observes, plans and applies (`reconcile`), the top layer of the crate.
//!
//! Uses `base`, `dashboards`, `pool`, `applications` and `runs`; no folder
//! uses it (the binary starts its loop, `Controller::run_scheduler`).

pub mod metrics;
pub(crate) mod reconcile;
pub mod scheduler;
