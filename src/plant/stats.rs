//! Streamed statistics: time-weighted levels clipped to [warmup, horizon], counters, the
//! lead-time histogram and the output series; and the final reduction to a
//! [`ReplicationResult`].
//!
//! Floating-point accumulators live per train (and per circuit feed queue) and are updated only
//! by that train's own events, then summed in train order by [`Stats::finish`]. This is what
//! lets a per-train decomposition of the run reproduce the sequential figures bit for bit.

use super::histogram::LogHistogram;
use super::{
    CircuitResult, LeadTime, LotCounts, PlantSpec, ReplicationResult, SERIES_BINS, StageGroupResult,
};

/// The time integral of a piecewise-constant level over [warmup, now].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct TimeAvg {
    last: f64,
    level: f64,
    area: f64,
}

impl TimeAvg {
    /// An accumulator whose level is `level` from time 0.
    pub fn starting_at(level: f64) -> Self {
        TimeAvg {
            last: 0.0,
            level,
            area: 0.0,
        }
    }

    /// At time `now` (hours), changes the level by `delta`; only time after `warmup` counts.
    #[inline]
    pub fn add(&mut self, now: f64, delta: f64, warmup: f64) {
        let dt = now - self.last.max(warmup);
        if dt > 0.0 {
            self.area += self.level * dt;
        }
        self.last = now;
        self.level += delta;
    }

    /// The integral so far, level x hours.
    pub fn area(&self) -> f64 {
        self.area
    }
}

/// Figures of one train.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TrainStats {
    /// Lots in the train.
    pub lots: TimeAvg,
    /// 1 while up.
    pub up: TimeAvg,
    /// 1 while the train holds no lot.
    pub starved: TimeAvg,
    /// Sum of lead times of lots that left the plant from this train in the window, hours.
    pub lead_sum: f64,
}

/// Time integrals of one stage group of one train (all stages of the group together).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct GroupAcc {
    /// Lots in service (including services frozen by a breakdown).
    pub busy: TimeAvg,
    /// Finished lots blocked, waiting for room downstream.
    pub blocked: TimeAvg,
}

/// Integer figures of one circuit (order-independent, so merged by addition).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CircuitStats {
    /// Lots in the circuit's feed queue.
    pub feed: TimeAvg,
    /// On-spec lots leaving the circuit in the window.
    pub out_window: u64,
    /// Off-spec lots leaving the circuit in the window.
    pub off_spec_window: u64,
}

/// Everything a run accumulates.
#[derive(Debug, Clone)]
pub(crate) struct Stats {
    pub warmup: f64,
    pub horizon: f64,
    pub trains: Vec<TrainStats>,
    /// Per train, per stage group of its circuit, train-major: train k's groups start at
    /// `group_base[k]`.
    pub groups: Vec<GroupAcc>,
    pub group_base: Vec<usize>,
    pub circuits: Vec<CircuitStats>,
    pub lots: LotCounts,
    /// Lots leaving the plant on-spec in the window.
    pub departed_window: u64,
    /// Arrival events handled (each run sees every arrival; see the train decomposition).
    pub arrival_events: u64,
    pub lead: LogHistogram,
    /// On-spec departures per series bin over [0, horizon].
    pub series: Vec<u64>,
}

impl Stats {
    /// Empty statistics for `spec`: every train up and empty at time 0.
    pub fn new(spec: &PlantSpec) -> Self {
        let train = TrainStats {
            lots: TimeAvg::starting_at(0.0),
            up: TimeAvg::starting_at(1.0),
            starved: TimeAvg::starting_at(1.0),
            lead_sum: 0.0,
        };
        let mut group_base = Vec::new();
        let mut groups = 0;
        for c in &spec.circuits {
            for _ in 0..c.trains {
                group_base.push(groups);
                groups += c.stages.len();
            }
        }
        Stats {
            warmup: spec.warmup_h,
            horizon: spec.horizon_h,
            trains: vec![train; group_base.len()],
            groups: vec![GroupAcc::default(); groups],
            group_base,
            circuits: vec![CircuitStats::default(); spec.circuits.len()],
            lots: LotCounts::default(),
            departed_window: 0,
            arrival_events: 0,
            lead: LogHistogram::default(),
            series: vec![0; SERIES_BINS],
        }
    }

    /// Records an on-spec departure from the plant at `now` from train `train`.
    #[inline]
    pub fn depart(&mut self, now: f64, arrived: f64, train: u32) {
        self.lots.departed += 1;
        let bin = ((now / self.horizon * SERIES_BINS as f64) as usize).min(SERIES_BINS - 1);
        self.series[bin] += 1;
        if now >= self.warmup {
            self.departed_window += 1;
            let lead = now - arrived;
            self.trains[train as usize].lead_sum += lead;
            self.lead.add(lead);
        }
    }

    /// Brings every accumulator to the horizon.
    pub fn close(&mut self) {
        let (h, w) = (self.horizon, self.warmup);
        for t in &mut self.trains {
            for acc in [&mut t.lots, &mut t.up, &mut t.starved] {
                acc.add(h, 0.0, w);
            }
        }
        for g in &mut self.groups {
            g.busy.add(h, 0.0, w);
            g.blocked.add(h, 0.0, w);
        }
        for c in &mut self.circuits {
            c.feed.add(h, 0.0, w);
        }
    }

    /// Adds the order-independent (integer) figures of `other`.
    pub fn merge_counts(&mut self, other: &Stats) {
        let (a, b) = (&mut self.lots, &other.lots);
        a.arrived += b.arrived;
        a.departed += b.departed;
        a.in_system += b.in_system;
        a.lost += b.lost;
        a.scrapped += b.scrapped;
        a.off_spec += b.off_spec;
        self.departed_window += other.departed_window;
        self.lead.merge(&other.lead);
        for (x, y) in self.series.iter_mut().zip(&other.series) {
            *x += y;
        }
        for (x, y) in self.circuits.iter_mut().zip(&other.circuits) {
            x.out_window += y.out_window;
            x.off_spec_window += y.off_spec_window;
        }
    }

    /// The replication's figures; floating sums run in train order.
    pub fn finish(&self, spec: &PlantSpec, replication: u64, events: u64) -> ReplicationResult {
        let span = self.horizon - self.warmup;
        let lead_sum: f64 = self.trains.iter().map(|t| t.lead_sum).sum();
        let n = self.departed_window;
        let mut circuits = Vec::with_capacity(spec.circuits.len());
        let mut first = 0;
        for (c, cs) in spec.circuits.iter().zip(&self.circuits) {
            let k = c.trains as usize;
            let trains = &self.trains[first..first + k];
            let groups = &self.groups[self.group_base[first]..][..k * c.stages.len()];
            circuits.push(circuit_result(c, cs, trains, groups, span));
            first += k;
        }
        let up: f64 = self.trains.iter().map(|t| t.up.area()).sum();
        let bin_h = self.horizon / SERIES_BINS as f64;
        ReplicationResult {
            replication,
            events,
            lots: self.lots,
            throughput_lots_per_h: n as f64 / span,
            lead_time_h: LeadTime {
                mean: if n > 0 { lead_sum / n as f64 } else { 0.0 },
                p50: self.lead.quantile(0.5),
                p90: self.lead.quantile(0.9),
                p99: self.lead.quantile(0.99),
            },
            wip_lots: circuits.iter().map(|c| c.wip_lots).sum(),
            availability: up / (self.trains.len() as f64 * span),
            circuits,
            series: self.series.iter().map(|&k| k as f64 / bin_h).collect(),
        }
    }
}

fn circuit_result(
    spec: &super::CircuitSpec,
    stats: &CircuitStats,
    trains: &[TrainStats],
    groups: &[GroupAcc],
    span: f64,
) -> CircuitResult {
    let k = trains.len() as f64;
    let sum = |f: &dyn Fn(&TrainStats) -> f64| trains.iter().map(f).sum::<f64>();
    let stages = spec
        .stages
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let places = f64::from(group.count) * f64::from(group.capacity) * k * span;
            let per_train = || groups.iter().skip(g).step_by(spec.stages.len());
            StageGroupResult {
                utilisation: per_train().map(|a| a.busy.area()).sum::<f64>() / places,
                blocked: per_train().map(|a| a.blocked.area()).sum::<f64>() / places,
            }
        })
        .collect();
    CircuitResult {
        name: spec.name.clone(),
        throughput_lots_per_h: stats.out_window as f64 / span,
        availability: sum(&|t| t.up.area()) / (k * span),
        wip_lots: (stats.feed.area() + sum(&|t| t.lots.area())) / span,
        starved: sum(&|t| t.starved.area()) / (k * span),
        off_spec_lots: stats.off_spec_window,
        stages,
    }
}
