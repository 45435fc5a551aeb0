//! Running a replication: sequentially, or decomposed into one sub-model per train.
//!
//! **Train decomposition.** When the trains of a plant cannot influence each other, each train
//! can be simulated as its own sub-model on its own thread and the statistics merged. The
//! condition ([`trains_independent`]): a single circuit; round-robin dispatch that does not
//! skip down trains (or no failures, so no train is ever down); repair crews unlimited (or at
//! least one per train); and no recycling of off-spec lots (recycling feeds lots back through
//! the shared round-robin pointer). Then lot i goes to train i mod K whatever the state, the
//! feed tank never holds a lot (so it never overflows), and train k's evolution depends only
//! on the arrival stream and its own residence and failure streams.
//!
//! Each sub-model replays the whole arrival stream (cheap: one event per lot, most ignored)
//! so that its arrival events interleave with its train's events exactly as in the sequential
//! run, including FIFO ties; it keeps only its own lots. Floating accumulators are per train
//! and merged in train order, integer counters are added, and the event count is the arrival
//! events once plus every sub-model's other events. The result equals the sequential run's
//! field for field (`tests/all/plant.rs` checks it).

use rayon::prelude::*;

use super::model::Plant;
use super::{Dispatch, OffSpecPolicy, PlantSpec, ReplicationResult};
use crate::engine::{Scheduler, SimTime};

/// How a replication was executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// One event loop for the whole plant.
    Sequential,
    /// One event loop per train on the rayon pool, statistics merged in train order.
    TrainParallel,
}

/// Simulates replication `replication` of `spec` with the RNG streams of `seed`: one event
/// loop over [0, horizon]. Deterministic: the same arguments give the same result, field for
/// field. Events at exactly the horizon are handled. Negative draws of a duration (possible
/// with `uniform`, `triangular`, `fixed` or `empirical` specs) count as 0 h.
///
/// # Panics
/// If the mean inter-arrival time is not > 0 (the run would never advance); the scenario
/// layer must reject such input.
pub fn simulate(spec: &PlantSpec, seed: u64, replication: u64) -> ReplicationResult {
    let (plant, events) = run(spec, seed, replication, None);
    checked(plant.stats.finish(spec, replication, events))
}

/// Asserts the conservation laws of lot records and of each element's mass.
fn checked(result: ReplicationResult) -> ReplicationResult {
    assert!(
        result.lots.is_conserved(),
        "lot records not conserved: {:?}",
        result.lots
    );
    assert!(
        result.mass.is_conserved(),
        "element mass not conserved (relative error {:e}): {:?}",
        result.mass.relative_error(),
        result.mass
    );
    result
}

/// Whether the trains of `spec` do not interact, so that
/// [`simulate_trains_parallel`] applies (see the module documentation for the condition).
pub fn trains_independent(spec: &PlantSpec) -> bool {
    let [c] = spec.circuits.as_slice() else {
        return false;
    };
    let fs = &spec.flowsheet;
    if fs.finishing.is_some() || !fs.crew_pools.is_empty() || !fs.lines.is_empty() {
        return false;
    }
    let no_recycle =
        |f: &super::FailureSpec| f.off_spec == OffSpecPolicy::Scrap || f.restart_off_spec_h <= 0.0;
    let crews_enough = |f: &super::FailureSpec| f.repair_crews.is_none_or(|n| n >= c.trains);
    c.dispatch == Dispatch::RoundRobin
        && (!c.skip_down_trains || c.failures.is_none())
        && c.failures
            .as_ref()
            .is_none_or(|f| no_recycle(f) && crews_enough(f))
}

/// Like [`simulate`], but each train runs as its own sub-model in parallel (rayon). Returns
/// `None` if the trains interact ([`trains_independent`] is false). The result is identical to
/// [`simulate`]'s.
pub fn simulate_trains_parallel(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
) -> Option<ReplicationResult> {
    if !trains_independent(spec) {
        return None;
    }
    let trains = spec.circuits[0].trains;
    let parts: Vec<(Plant, u64)> = (0..trains)
        .into_par_iter()
        .map(|k| run(spec, seed, replication, Some(k)))
        .collect();
    let mut merged = parts[0].0.stats.clone();
    let arrival_events = merged.arrival_events;
    let mut events = arrival_events;
    merged.clear_counts();
    for (k, (plant, handled)) in parts.iter().enumerate() {
        let s = &plant.stats;
        merged.merge_counts(s);
        merged.trains[k] = s.trains[k].clone();
        let groups = spec.circuits[0].stages.len();
        let base = s.group_base[k];
        merged.groups[base..base + groups].copy_from_slice(&s.groups[base..base + groups]);
        events += handled - s.arrival_events;
    }
    Some(checked(merged.finish(spec, replication, events)))
}

/// Runs train-parallel when [`trains_independent`] holds and there is more than one train,
/// sequentially otherwise; says which ran.
pub fn simulate_auto(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
) -> (ReplicationResult, Execution) {
    if spec.circuits.iter().map(|c| c.trains).sum::<u32>() > 1 {
        if let Some(result) = simulate_trains_parallel(spec, seed, replication) {
            return (result, Execution::TrainParallel);
        }
    }
    (simulate(spec, seed, replication), Execution::Sequential)
}

/// One event loop over [0, horizon]; returns the closed model and the events handled.
fn run(spec: &PlantSpec, seed: u64, replication: u64, only: Option<u32>) -> (Plant, u64) {
    let mut plant = Plant::new(spec, seed, replication, only);
    let mut sched = Scheduler::with_capacity(plant.queue_capacity());
    plant.start(&mut sched);
    let events = sched.run_until(&mut plant, SimTime::from_hours(spec.horizon_h));
    plant.close();
    (plant, events)
}
