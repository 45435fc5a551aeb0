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
///
/// The run is bounded: more than [`EVENTS_PER_UNIT_HOUR`] events per simulated hour per train,
/// tank and product (at least [`MIN_EVENT_BUDGET`]), or [`SAME_INSTANT`] events in a row at one
/// time, stop it; the result then says why in [`FlowResult::aborted`] (a plant whose rates
/// flip ever faster must end with an error, not a hang).
pub fn simulate(spec: &PlantSpec, seed: u64, replication: u64) -> FlowResult {
    simulate_bounded(spec, seed, replication, event_budget(spec))
}

/// As [`simulate`] with an event budget of `budget` events.
pub fn simulate_bounded(spec: &PlantSpec, seed: u64, replication: u64, budget: u64) -> FlowResult {
    let mut flow = Flow::new(spec, seed, replication);
    let mut sched = Scheduler::with_capacity(flow.queue_capacity());
    flow.start(&mut sched);
    let horizon = spec.parts().horizon_h;
    let (events, stop) = sched.run_until_bounded(
        &mut flow,
        SimTime::from_hours(horizon),
        budget,
        SAME_INSTANT,
    );
    let aborted = stop.map(|why| flow.abort_reason(why, events, sched.now().hours()));
    let mut result = flow.finish(replication, events);
    result.aborted = aborted;
    result
}

/// Events per simulated hour per train, tank and product beyond which a run stops: the
/// busiest shipped scenario uses about 0.3.
pub const EVENTS_PER_UNIT_HOUR: f64 = 20.0;

/// The least event budget of a run.
pub const MIN_EVENT_BUDGET: u64 = 1_000_000;

/// Events in a row at one simulated time that stop a run.
pub const SAME_INSTANT: u64 = 100_000;

/// The event budget of one replication of `spec`.
pub fn event_budget(spec: &PlantSpec) -> u64 {
    let p = spec.parts();
    let trains: u32 = p.circuits.iter().map(|c| c.trains).sum();
    let units = f64::from(trains) + (p.tanks.len() + 1 + p.products.len()) as f64;
    let budget = EVENTS_PER_UNIT_HOUR * units * p.horizon_h;
    (budget.min(u64::MAX as f64) as u64).max(MIN_EVENT_BUDGET)
}

/// Bytes one replication allocates for its largest tables while it runs, for work estimates:
/// `clocks` failure clocks (their table grows by doubling), an event queue reserved with a slot
/// per clock, and `trains` trains with `modes` failure modes each (flags, streams). The rest of
/// the model is per circuit, tank or product: small.
pub fn replication_bytes(clocks: u64, trains: u64, modes: u64) -> u64 {
    let clock = std::mem::size_of::<train::Clock>() as u64;
    // A queue entry: its time key and sequence number (8 bytes each), then the event.
    let entry = 16 + (std::mem::size_of::<event::Ev>() as u64).next_multiple_of(8);
    let train = std::mem::size_of::<train::Train>() as u64 + 32;
    let per_mode = std::mem::size_of::<crate::engine::StreamRng>() as u64 + 2;
    let queue = clocks + 2 * trains;
    clocks.max(1).next_power_of_two() * clock + queue * entry + trains * (train + modes * per_mode)
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
