//! An optional, bounded trace of one replication: each train's state changes and the plant's
//! work in process sampled at fixed intervals, over the first `span_h` hours. Timelines are
//! drawn from it.
//!
//! Zero cost when not tracing: [`super::simulate`] never builds a [`Tracer`]; the model checks
//! `Option<Box<Tracer>>` once per train state change (failure, repair start, repair end), never
//! per lot event, and WIP is sampled by [`simulate_traced`]'s own event loop between events.
//! Tracing observes only: the traced run's [`ReplicationResult`] equals [`super::simulate`]'s,
//! field for field (`tests/all/plant.rs` checks it).

use super::model::Plant;
use super::{PlantSpec, ReplicationResult};
use crate::engine::{Scheduler, SimTime};

/// How much a trace keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceLimits {
    /// Traced span from time 0, hours (events after it are not recorded).
    pub span_h: f64,
    /// Interval between WIP samples, hours (> 0).
    pub wip_interval_h: f64,
    /// Most state changes kept, and most WIP samples kept (each list separately).
    pub max_points: usize,
}

impl Default for TraceLimits {
    /// The first 60 days, WIP every hour, at most 20,000 points per list.
    fn default() -> Self {
        TraceLimits {
            span_h: 60.0 * 24.0,
            wip_interval_h: 1.0,
            max_points: 20_000,
        }
    }
}

/// The state of one train.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainState {
    /// Running, products on-spec.
    Up,
    /// Broken down, waiting for a free repair crew.
    AwaitingCrew,
    /// Broken down, a crew repairing it.
    UnderRepair,
    /// Running again after a repair, lots leaving it off-spec (restart transient).
    Restarting,
}

impl TrainState {
    /// Whether the train runs (counts as available): `Up` or `Restarting`.
    pub fn is_running(self) -> bool {
        matches!(self, TrainState::Up | TrainState::Restarting)
    }

    /// A short name for legends: "up", "awaiting crew", "under repair", "restarting (off-spec)".
    pub fn label(self) -> &'static str {
        match self {
            TrainState::Up => "up",
            TrainState::AwaitingCrew => "down, awaiting crew",
            TrainState::UnderRepair => "down, under repair",
            TrainState::Restarting => "restarting (off-spec)",
        }
    }
}

/// One train entering a state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateChange {
    /// Time of the change, hours.
    pub time_h: f64,
    /// Circuit index, flow order.
    pub circuit: usize,
    /// Train index within its circuit.
    pub train: u32,
    /// The state entered.
    pub state: TrainState,
}

/// The plant's work in process at one instant (the level just after all events at that time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WipSample {
    /// Sample time, hours.
    pub time_h: f64,
    /// Lots in the plant (feed tank, circuit queues, stages), lots.
    pub lots: u64,
    /// Fresh feed lots in the plant's feed tank (the places its capacity counts; recycled
    /// off-spec lots waiting with them are not counted), lots.
    pub feed_tank: u32,
}

/// What a traced replication recorded. Every train is `Up` at time 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    /// Traced span actually covered, hours (the smaller of the limit and the horizon).
    pub span_h: f64,
    /// Interval between WIP samples, hours.
    pub wip_interval_h: f64,
    /// Circuit names and train counts, flow order.
    pub circuits: Vec<(String, u32)>,
    /// Capacity of the feed tank, lots (`None`: unbounded).
    pub feed_tank_capacity: Option<u32>,
    /// State changes within [0, span_h], in time order (ties in the order they happened).
    pub changes: Vec<StateChange>,
    /// WIP at 0, interval, 2 x interval, ... up to span_h.
    pub wip: Vec<WipSample>,
    /// Whether a list hit `max_points` (the trace then ends early).
    pub truncated: bool,
}

impl Trace {
    /// The intervals `(start_h, end_h, state)` of train `train` of circuit `circuit`, covering
    /// [0, span_h] without gaps.
    pub fn intervals(&self, circuit: usize, train: u32) -> Vec<(f64, f64, TrainState)> {
        let mut out = Vec::new();
        let (mut start, mut state) = (0.0, TrainState::Up);
        for c in self
            .changes
            .iter()
            .filter(|c| c.circuit == circuit && c.train == train)
        {
            if c.time_h > start {
                out.push((start, c.time_h, state));
            }
            (start, state) = (c.time_h, c.state);
        }
        if self.span_h > start {
            out.push((start, self.span_h, state));
        }
        out
    }

    /// Time-average fraction of all trains running (`Up` or `Restarting`) over [0, span_h].
    pub fn availability(&self) -> f64 {
        let mut running = 0.0;
        let mut trains = 0;
        for (c, (_, k)) in self.circuits.iter().enumerate() {
            for t in 0..*k {
                trains += 1;
                running += self
                    .intervals(c, t)
                    .iter()
                    .filter(|i| i.2.is_running())
                    .map(|i| i.1 - i.0)
                    .sum::<f64>();
            }
        }
        running / (f64::from(trains) * self.span_h)
    }
}

/// The recorder the model holds while tracing.
#[derive(Debug)]
pub(crate) struct Tracer {
    limits: TraceLimits,
    trace: Trace,
    /// Global train index -> (circuit, train in circuit).
    owner: Vec<(usize, u32)>,
    /// Per global train: end of the current restart transient, hours (NaN: none pending).
    restart_end: Vec<f64>,
}

impl Tracer {
    fn new(spec: &PlantSpec, limits: TraceLimits) -> Self {
        let owner: Vec<(usize, u32)> = spec
            .circuits
            .iter()
            .enumerate()
            .flat_map(|(c, cs)| (0..cs.trains).map(move |t| (c, t)))
            .collect();
        let trace = Trace {
            span_h: limits.span_h.min(spec.horizon_h).max(0.0),
            wip_interval_h: limits.wip_interval_h,
            circuits: spec
                .circuits
                .iter()
                .map(|c| (c.name.clone(), c.trains))
                .collect(),
            feed_tank_capacity: spec.feed.tank_capacity,
            ..Trace::default()
        };
        Tracer {
            limits,
            trace,
            restart_end: vec![f64::NAN; owner.len()],
            owner,
        }
    }

    /// Train `k` (global index) breaks down at `now`; `crew` says whether a crew starts at once.
    pub fn failed(&mut self, now: f64, k: u32, crew: bool) {
        self.end_restart(now, k);
        let state = if crew {
            TrainState::UnderRepair
        } else {
            TrainState::AwaitingCrew
        };
        self.push(now, k, state);
    }

    /// A crew starts repairing train `k` at `now` (after it waited for one).
    pub fn repair_started(&mut self, now: f64, k: u32) {
        self.push(now, k, TrainState::UnderRepair);
    }

    /// Train `k` restarts at `now`; lots leaving it are off-spec for `restart_h` hours.
    pub fn restarted(&mut self, now: f64, k: u32, restart_h: f64) {
        if restart_h > 0.0 {
            self.push(now, k, TrainState::Restarting);
            self.restart_end[k as usize] = now + restart_h;
        } else {
            self.push(now, k, TrainState::Up);
        }
    }

    /// Records the end of train `k`'s restart transient if it ended by `now`; forgets it
    /// either way (a failure during the transient cuts it short).
    fn end_restart(&mut self, now: f64, k: u32) {
        let end = std::mem::replace(&mut self.restart_end[k as usize], f64::NAN);
        if end <= now {
            self.push(end, k, TrainState::Up);
        }
    }

    fn push(&mut self, time_h: f64, k: u32, state: TrainState) {
        if time_h > self.trace.span_h {
            return;
        }
        if self.trace.changes.len() >= self.limits.max_points {
            self.trace.truncated = true;
            return;
        }
        let (circuit, train) = self.owner[k as usize];
        self.trace.changes.push(StateChange {
            time_h,
            circuit,
            train,
            state,
        });
    }

    /// Records WIP samples at every sample time before `t` (the level held until then).
    fn sample_before(&mut self, t: f64, lots: u64, feed_tank: u32) {
        loop {
            let s = self.trace.wip.len() as f64 * self.trace.wip_interval_h;
            if s >= t || s > self.trace.span_h {
                return;
            }
            if self.trace.wip.len() >= self.limits.max_points {
                self.trace.truncated = true;
                return;
            }
            self.trace.wip.push(WipSample {
                time_h: s,
                lots,
                feed_tank,
            });
        }
    }

    fn finish(mut self, lots: u64, feed_tank: u32) -> Trace {
        let span = self.trace.span_h;
        self.sample_before(span + self.trace.wip_interval_h * 0.5, lots, feed_tank);
        for k in 0..self.owner.len() as u32 {
            self.end_restart(span, k);
        }
        self.trace
            .changes
            .sort_by(|a, b| a.time_h.total_cmp(&b.time_h));
        self.trace
    }
}

/// Like [`super::simulate`] (same result, field for field), also recording a [`Trace`] of
/// the first `limits.span_h` hours.
///
/// # Panics
/// If `limits.wip_interval_h` is not > 0, or as [`super::simulate`].
pub fn simulate_traced(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
    limits: TraceLimits,
) -> (ReplicationResult, Trace) {
    let (mut plant, handled, trace) = traced_run(spec, seed, replication, limits, spec.horizon_h);
    plant.close();
    (plant.stats.finish(spec, replication, handled), trace)
}

/// The [`Trace`] of [`simulate_traced`] alone: the run stops at the end of the traced span,
/// so it costs only that share of a replication.
///
/// # Panics
/// As [`simulate_traced`].
pub fn trace_replication(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
    limits: TraceLimits,
) -> Trace {
    let until = limits.span_h.min(spec.horizon_h).max(0.0);
    traced_run(spec, seed, replication, limits, until).2
}

/// Runs the model with a tracer until `until_h` hours; returns the model (not closed), the
/// events handled and the finished trace.
fn traced_run(
    spec: &PlantSpec,
    seed: u64,
    replication: u64,
    limits: TraceLimits,
    until_h: f64,
) -> (Plant, u64, Trace) {
    assert!(
        limits.wip_interval_h > 0.0,
        "the WIP sample interval must be > 0"
    );
    let mut plant = Plant::new(spec, seed, replication, None);
    plant.trace = Some(Box::new(Tracer::new(spec, limits)));
    let mut sched = Scheduler::with_capacity(plant.queue_capacity());
    plant.start(&mut sched);
    let until = SimTime::from_hours(until_h);
    loop {
        let level = wip(&plant);
        if !sched.step(&mut plant, until) {
            break;
        }
        if let Some(t) = plant.trace.as_deref_mut() {
            t.sample_before(sched.now().hours(), level.0, level.1);
        }
    }
    let level = wip(&plant);
    let tracer = plant.trace.take().expect("the tracer stays in place");
    (plant, sched.handled(), tracer.finish(level.0, level.1))
}

/// Lots in the plant and fresh lots in its feed tank now.
fn wip(plant: &Plant) -> (u64, u32) {
    (plant.lots.live(), plant.circuits[0].in_tank)
}
