//! The plant as a discrete-rate model: SX trains as continuous-flow units on the event engine.
//!
//! Flows are REO mass rates per element; between events every rate is constant, so tank levels,
//! product batches and every statistic are integrated exactly, and an event happens only where
//! a rate changes: a failure or repair, a tank reaching full, empty or a level a rule waits
//! for, a restart window or maintenance ending, a batch filling, a campaign switch. See
//! [`network`] for how rates follow from the state, [`failures`] for failure modes, crews,
//! maintenance and restarts, [`product`] for batches and specs, [`tank`] for levels and
//! composition.

mod campaign;
mod check;
mod circuit;
mod crew;
mod event;
mod failures;
mod feed;
mod finishing;
mod fleet;
mod model;
pub mod network;
mod offspec;
pub mod product;
mod products;
mod restart;
mod result;
mod spec;
pub mod tank;
mod tanks;
#[cfg(test)]
mod testing;
mod trace;
mod train;

pub use circuit::{fill, water_fill};
pub use model::{Flow, SERIES_BINS};
pub use restart::RestartInterpolant;
pub use result::*;
pub use spec::*;
pub use trace::Trace;

use crate::engine::{Scheduler, SimTime};

/// Simulates replication `replication` of `spec` with the random streams of `seed` over
/// [0, horizon] and reports it. Deterministic: the same arguments give the same result.
pub fn simulate(spec: &PlantSpec, seed: u64, replication: u64) -> FlowResult {
    let mut flow = Flow::new(spec, seed, replication);
    let mut sched = Scheduler::with_capacity(flow.queue_capacity());
    flow.start(&mut sched);
    let events = sched.run_until(&mut flow, SimTime::from_hours(spec.parts().horizon_h));
    flow.finish(replication, events)
}

/// As [`simulate`] (the same result), and a [`Trace`] of tank levels and trains up at
/// `points` evenly spaced times over [0, horizon].
pub fn simulate_traced(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
    points: usize,
) -> (FlowResult, Trace) {
    let mut flow = Flow::new(spec, seed, replication);
    let mut sched = Scheduler::with_capacity(flow.queue_capacity());
    flow.start(&mut sched);
    let horizon = spec.parts().horizon_h;
    let mut trace = Trace::new(&flow, horizon, points);
    let end = SimTime::from_hours(horizon);
    let events = sched.run_until_observed(&mut flow, end, &mut trace);
    trace.finish();
    (flow.finish(replication, events), trace)
}
