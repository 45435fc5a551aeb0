//! The runtime layout of a plant: flat vectors of stages, trains and circuits built once from
//! a [`PlantSpec`], indexed by `u32` on the hot path.
//!
//! Trains are numbered globally in circuit order (circuit 0's trains first); stages are
//! numbered globally train by train, so train k owns the contiguous range
//! `first..=last`.

use std::collections::VecDeque;

use super::lots::{LotList, NIL};
use super::routes::Routes;
use super::{Dispatch, FailureSpec, OffSpecPolicy, PlantSpec};
use crate::engine::{Sampler, StreamRng, stream};

/// "Unbounded" for buffer and tank capacities.
pub(crate) const UNBOUNDED: u32 = u32::MAX;

/// RNG stream purposes: `kind << 56 | circuit << 28 | train-in-circuit`.
pub(crate) mod purpose {
    /// The feed arrival process (one per plant).
    pub const ARRIVALS: u64 = 1 << 56;
    /// Residence times of one train.
    pub const RESIDENCE: u64 = 2 << 56;
    /// Times to failure and to repair of one train.
    pub const FAILURE: u64 = 3 << 56;
    /// Batch residence times of the finishing unit (one per plant).
    pub const FINISHING: u64 = 4 << 56;

    /// The purpose id of stream `kind` for train `train` of circuit `circuit`.
    pub fn of(kind: u64, circuit: usize, train: u32) -> u64 {
        kind | ((circuit as u64) << 28) | u64::from(train)
    }
}

/// One stage of one train.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// Lots in process at once.
    pub cap: u32,
    /// Lots holding a place: in service (or frozen) plus blocked.
    pub in_proc: u32,
    /// Waiting places; `UNBOUNDED` for none.
    pub buf_cap: u32,
    /// Lots waiting to start, FIFO.
    pub wait: LotList,
    /// Finished lots waiting for room downstream, FIFO.
    pub blocked: LotList,
    /// Index of the stage group accumulator (`Stats::groups`).
    pub acc: u32,
    /// Index of the residence sampler.
    pub sampler: u32,
}

impl Stage {
    /// Whether a lot arriving now can be admitted (into service or the buffer).
    #[inline]
    pub fn has_room(&self) -> bool {
        self.wait.len < self.buf_cap || (self.wait.len == 0 && self.in_proc < self.cap)
    }
}

/// One train.
#[derive(Debug, Clone)]
pub(crate) struct Train {
    /// Global index of its circuit.
    pub circuit: u32,
    /// First and last global stage index.
    pub first: u32,
    pub last: u32,
    /// Whether the train is not broken down.
    pub up: bool,
    /// Whether its circuit is parked by a campaign line (it takes no lots, services frozen).
    pub parked: bool,
    /// Parked while up: its frozen services are not counted as busy.
    pub parked_idle: bool,
    /// Lots leaving before this time (hours) are off-spec.
    pub off_spec_until: f64,
    /// Lots in the train (waiting, in service, blocked).
    pub lots: u32,
    /// Service starts so far (orders frozen lots).
    pub starts: u64,
    /// Residence-time stream.
    pub rng: StreamRng,
    /// Failure stream (times to failure and to repair).
    pub fail_rng: StreamRng,
    /// Lots frozen by the current breakdown, in service-start order.
    pub frozen: Vec<u32>,
}

impl Train {
    /// Whether the train processes: up and not parked.
    #[inline]
    pub fn runs(&self) -> bool {
        self.up && !self.parked
    }
}

/// Failure process of a circuit's trains.
#[derive(Debug, Clone)]
pub(crate) struct Failures {
    pub ttf: Sampler,
    pub ttr: Sampler,
    /// Index of the crew pool its repairs use (`Plant::pools`).
    pub pool: u32,
    /// Restart transient, hours.
    pub restart_h: f64,
    pub policy: OffSpecPolicy,
}

/// Repair crews: a circuit's own, or a pool shared by several circuits.
#[derive(Debug, Clone)]
pub(crate) struct CrewPool {
    /// Idle crews; `UNBOUNDED` when every failure gets a crew at once.
    pub free: u32,
    /// Trains waiting for a crew, FIFO.
    pub queue: VecDeque<u32>,
}

/// One circuit.
#[derive(Debug, Clone)]
pub(crate) struct Circuit {
    /// Global index of its first train, and the number of trains.
    pub first_train: u32,
    pub trains: u32,
    pub dispatch: Dispatch,
    pub skip_down: bool,
    /// Next train in turn (round robin).
    pub rr_next: u32,
    /// The circuit's source tank's queue of whole lots (the plant feed tank, or an
    /// intermediate tank: a tank feeds exactly one circuit, so tanks are numbered by circuit).
    pub feed: LotList,
    /// Queued lots counted against the tank's capacity (recycled lots are not).
    pub in_tank: u32,
    /// Source tank capacity in lots, `UNBOUNDED` for none.
    pub tank_cap: u32,
    /// REO mass in the source tank's residual (not yet a whole lot), plant mass units.
    pub residual: f64,
    /// Sum of mass x arrival time over the residual (its mass-weighted arrival time).
    pub residual_time: f64,
    /// Encoded destinations of the A and B outlets ([`outlet`]).
    pub outlets: [u32; 2],
    /// Whether the A (B) outlet takes the whole lot: split_to_a all 1 (all 0).
    pub whole: [bool; 2],
    /// Whether an outlet can block (a finite tank, or a finite finishing buffer).
    pub finite_out: bool,
    /// Lots blocked in its trains' last stages by a full destination.
    pub blocked_out: u32,
    /// Its campaign line, `NIL` if dedicated.
    pub line: u32,
    /// Parked by its campaign line.
    pub parked: bool,
    pub failures: Option<Failures>,
}

/// Outlet encoding: a tank by the index of the circuit it feeds, or a sink with this bit set.
pub(crate) mod outlet {
    /// Set for a sink.
    pub const SINK: u32 = 1 << 31;

    /// The sink index, if `code` is a sink.
    #[inline]
    pub fn sink(code: u32) -> Option<usize> {
        (code & SINK != 0).then_some((code & !SINK) as usize)
    }
}

/// Everything of the layout.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub stages: Vec<Stage>,
    pub trains: Vec<Train>,
    pub circuits: Vec<Circuit>,
    pub samplers: Vec<Sampler>,
    pub pools: Vec<CrewPool>,
}

/// Builds the layout of `spec` with the streams of replication `replication` of `seed`.
pub(crate) fn build(spec: &PlantSpec, routes: &Routes, seed: u64, replication: u64) -> Layout {
    let mut out = Layout {
        stages: Vec::new(),
        trains: Vec::new(),
        circuits: Vec::new(),
        samplers: Vec::new(),
        pools: Vec::new(),
    };
    for (c, cs) in spec.circuits.iter().enumerate() {
        let sampler_base = out.samplers.len() as u32;
        out.samplers
            .extend(cs.stages.iter().map(|g| sampler(&g.residence)));
        let r = &routes.circuits[c];
        let failures = cs.failures.as_ref().map(|f| {
            let pool = r.pool.unwrap_or_else(|| {
                out.pools.push(crew_pool(f.repair_crews, cs.trains));
                out.pools.len() - 1
            });
            failures(f, pool as u32)
        });
        out.circuits.push(Circuit {
            first_train: out.trains.len() as u32,
            trains: cs.trains,
            dispatch: cs.dispatch,
            skip_down: cs.skip_down_trains,
            rr_next: 0,
            feed: LotList::default(),
            in_tank: 0,
            tank_cap: r.tank_cap.unwrap_or(UNBOUNDED),
            residual: 0.0,
            residual_time: 0.0,
            outlets: r.outlets,
            whole: r.whole,
            finite_out: r.finite_out,
            blocked_out: 0,
            line: r.line.map_or(NIL, |l| l as u32),
            parked: false,
            failures,
        });
        for t in 0..cs.trains {
            let first = out.stages.len() as u32;
            let group_base = out.trains.len() * cs.stages.len();
            push_stages(&mut out.stages, cs, sampler_base, group_base as u32);
            out.trains.push(Train {
                circuit: c as u32,
                first,
                last: out.stages.len() as u32 - 1,
                up: true,
                parked: false,
                parked_idle: false,
                off_spec_until: f64::NEG_INFINITY,
                lots: 0,
                starts: 0,
                rng: stream(seed, replication, purpose::of(purpose::RESIDENCE, c, t)),
                fail_rng: stream(seed, replication, purpose::of(purpose::FAILURE, c, t)),
                frozen: Vec::new(),
            });
        }
    }
    // Shared pools come after the circuits' own, in spec order.
    let base = out.pools.len();
    debug_assert_eq!(base, routes.pool_base);
    for p in &routes.pools {
        out.pools.push(crew_pool(Some(p.crews), p.trains));
    }
    out
}

fn push_stages(
    stages: &mut Vec<Stage>,
    cs: &super::CircuitSpec,
    sampler_base: u32,
    group_base: u32,
) {
    let train_first = stages.len();
    for (g, group) in cs.stages.iter().enumerate() {
        for _ in 0..group.count {
            stages.push(Stage {
                cap: group.capacity,
                in_proc: 0,
                buf_cap: group.buffer.unwrap_or(UNBOUNDED),
                wait: LotList::default(),
                blocked: LotList::default(),
                acc: group_base + g as u32,
                sampler: sampler_base + g as u32,
            });
        }
    }
    if cs.dispatch != Dispatch::SharedQueue {
        // Under the push policies the first stage's buffer is the train's feed queue.
        stages[train_first].buf_cap = UNBOUNDED;
    } else if cs.stages[0].buffer.is_none() {
        // Under the shared queue the feed tank is the queue: a first stage with no finite
        // buffer takes lots only into free capacity, so lots go to whichever train has room
        // instead of all piling into train 0.
        stages[train_first].buf_cap = 0;
    }
}

fn failures(f: &FailureSpec, pool: u32) -> Failures {
    Failures {
        ttf: sampler(&f.time_to_failure),
        ttr: sampler(&f.time_to_repair),
        pool,
        restart_h: f.restart_off_spec_h,
        policy: f.off_spec,
    }
}

fn crew_pool(crews: Option<u32>, trains: u32) -> CrewPool {
    CrewPool {
        free: crews.unwrap_or(UNBOUNDED),
        queue: VecDeque::with_capacity(trains as usize),
    }
}

pub(crate) fn sampler(spec: &crate::engine::DistSpec) -> Sampler {
    Sampler::new(spec).expect("PlantSpec distributions are validated by the scenario layer")
}
