//! Streamed statistics: time-weighted levels clipped to [warmup, horizon], counters, the
//! lead-time histogram and the output series; and the final reduction to a
//! [`ReplicationResult`].
//!
//! Floating-point accumulators live per train (and per circuit feed queue) and are updated only
//! by that train's own events, then summed in train order by [`Stats::finish`]. This is what
//! lets a per-train decomposition of the run reproduce the sequential figures bit for bit.

use super::histogram::LogHistogram;
use super::mass::{self, Fixed};
use super::routes::Routes;
use super::{
    CircuitResult, FinishingResult, LeadTime, LineResult, LotCounts, MassBalance, PlantSpec,
    ReplicationResult, SERIES_BINS, SinkResult, StageGroupResult,
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

/// Figures of one circuit (the integer ones are order-independent, merged by addition).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CircuitStats {
    /// Lots in the circuit's feed queue.
    pub feed: TimeAvg,
    /// 1 while not parked by a campaign line.
    pub active: TimeAvg,
    /// On-spec lots leaving the circuit in the window.
    pub out_window: u64,
    /// Off-spec lots leaving the circuit in the window.
    pub off_spec_window: u64,
}

/// Figures of one campaign line.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LineStats {
    /// Switches started in the window.
    pub switches: u64,
    /// 1 while in changeover.
    pub changeover: TimeAvg,
}

/// Figures of the finishing unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FinishingStats {
    /// Batches in process.
    pub busy: TimeAvg,
    /// Lots of product liquor waiting.
    pub waiting: TimeAvg,
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
    /// Lead-time observations in the window.
    pub lead_n: u64,
    /// Arrival events handled (each run sees every arrival; see the train decomposition).
    pub arrival_events: u64,
    pub lead: LogHistogram,
    /// Product mass delivered per series bin over [0, horizon].
    pub series: Vec<Fixed>,
    /// Elements tracked.
    pub elements: usize,
    /// Mass of each element in one feed lot, and their sum (one lot's mass).
    pub lot_mass: Vec<f64>,
    pub lot_total: f64,
    /// Product mass delivered, sink-major, per element: over the run and over the window.
    pub sink_total: Vec<Fixed>,
    pub sink_window: Vec<Fixed>,
    /// Mass of scrapped lots, per element.
    pub scrapped_mass: Vec<Fixed>,
    /// Filled by the model at the horizon: mass in process and in tank residuals, per element.
    pub in_process: Vec<Fixed>,
    pub tanks: Vec<f64>,
    pub sink_names: Vec<String>,
    pub lines: Vec<LineStats>,
    pub finishing: Option<FinishingStats>,
}

impl Stats {
    /// Empty statistics for `spec`: every train up and empty at time 0.
    pub fn new(spec: &PlantSpec, routes: &Routes) -> Self {
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
            circuits: vec![
                CircuitStats {
                    active: TimeAvg::starting_at(1.0),
                    ..Default::default()
                };
                spec.circuits.len()
            ],
            lots: LotCounts::default(),
            lead_n: 0,
            arrival_events: 0,
            lead: LogHistogram::default(),
            series: vec![Fixed::default(); SERIES_BINS],
            elements: routes.lot_mass.len(),
            lot_total: routes.lot_mass.iter().sum(),
            lot_mass: routes.lot_mass.clone(),
            sink_total: vec![Fixed::default(); routes.sinks.len() * routes.lot_mass.len()],
            sink_window: vec![Fixed::default(); routes.sinks.len() * routes.lot_mass.len()],
            scrapped_mass: vec![Fixed::default(); routes.lot_mass.len()],
            in_process: vec![Fixed::default(); routes.lot_mass.len()],
            tanks: vec![0.0; routes.lot_mass.len()],
            sink_names: routes.sinks.clone(),
            lines: vec![LineStats::default(); spec.flowsheet.lines.len()],
            finishing: spec
                .flowsheet
                .finishing
                .as_ref()
                .map(|_| FinishingStats::default()),
        }
    }

    /// Records the lead time of a lot (arrived at `arrived`) leaving train `train` at `now`
    /// with mass to a product sink.
    #[inline]
    pub fn lead(&mut self, now: f64, arrived: f64, train: u32) {
        if now >= self.warmup {
            self.lead_n += 1;
            let lead = now - arrived;
            self.trains[train as usize].lead_sum += lead;
            self.lead.add(lead);
        }
    }

    /// Records `masses` (one per element) delivered to sink `sink` at `now`.
    #[inline]
    pub fn deliver(&mut self, now: f64, sink: usize, masses: &[f64]) {
        let bin = ((now / self.horizon * SERIES_BINS as f64) as usize).min(SERIES_BINS - 1);
        let base = sink * self.elements;
        let window = now >= self.warmup;
        for (e, &m) in masses.iter().enumerate() {
            self.sink_total[base + e].add(m);
            self.series[bin].add(m);
            if window {
                self.sink_window[base + e].add(m);
            }
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
            c.active.add(h, 0.0, w);
        }
        for l in &mut self.lines {
            l.changeover.add(h, 0.0, w);
        }
        if let Some(f) = &mut self.finishing {
            f.busy.add(h, 0.0, w);
            f.waiting.add(h, 0.0, w);
        }
    }

    /// Adds the order-independent (integer) figures of `other`.
    pub fn merge_counts(&mut self, other: &Stats) {
        self.lots.add(&other.lots);
        self.lead_n += other.lead_n;
        self.lead.merge(&other.lead);
        let pairs = [
            (&mut self.series, &other.series),
            (&mut self.sink_total, &other.sink_total),
            (&mut self.sink_window, &other.sink_window),
            (&mut self.scrapped_mass, &other.scrapped_mass),
            (&mut self.in_process, &other.in_process),
        ];
        for (xs, ys) in pairs {
            for (x, y) in xs.iter_mut().zip(ys) {
                x.merge(*y);
            }
        }
        for (x, y) in self.circuits.iter_mut().zip(&other.circuits) {
            x.out_window += y.out_window;
            x.off_spec_window += y.off_spec_window;
        }
    }

    /// Zeroes the order-independent figures (before merging sub-models' figures into a copy).
    pub fn clear_counts(&mut self) {
        self.lots = LotCounts::default();
        self.lead_n = 0;
        self.lead = LogHistogram::default();
        for xs in [
            &mut self.series,
            &mut self.sink_total,
            &mut self.sink_window,
            &mut self.scrapped_mass,
            &mut self.in_process,
        ] {
            xs.iter_mut().for_each(|x| *x = Fixed::default());
        }
        for c in &mut self.circuits {
            (c.out_window, c.off_spec_window) = (0, 0);
        }
    }

    /// The replication's figures; floating sums run in train order.
    pub fn finish(&self, spec: &PlantSpec, replication: u64, events: u64) -> ReplicationResult {
        let span = self.horizon - self.warmup;
        let lead_sum: f64 = self.trains.iter().map(|t| t.lead_sum).sum();
        let n = self.lead_n;
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
        let sinks = self.sinks(span);
        let delivered: f64 = sinks.iter().map(|s| s.total_per_h).sum();
        ReplicationResult {
            replication,
            events,
            lots: self.lots,
            throughput_lots_per_h: delivered / self.lot_total,
            lead_time_h: LeadTime {
                mean: if n > 0 { lead_sum / n as f64 } else { 0.0 },
                p50: self.lead.quantile(0.5),
                p90: self.lead.quantile(0.9),
                p99: self.lead.quantile(0.99),
            },
            wip_lots: circuits.iter().map(|c| c.wip_lots).sum(),
            availability: up / (self.trains.len() as f64 * span),
            circuits,
            sinks,
            lines: spec
                .flowsheet
                .lines
                .iter()
                .zip(&self.lines)
                .map(|(l, s)| LineResult {
                    name: l.name.clone(),
                    switches: s.switches,
                    changeover: s.changeover.area() / span,
                })
                .collect(),
            finishing: self.finishing.as_ref().map(|f| FinishingResult {
                utilisation: f.busy.area()
                    / (span
                        * f64::from(spec.flowsheet.finishing.as_ref().map_or(1, |x| x.capacity))),
                waiting_lots: f.waiting.area() / span,
            }),
            mass: self.mass_balance(spec),
            series: self
                .series
                .iter()
                .map(|m| m.value() / self.lot_total / bin_h)
                .collect(),
        }
    }

    fn sinks(&self, span: f64) -> Vec<SinkResult> {
        self.sink_names
            .iter()
            .enumerate()
            .map(|(s, name)| {
                let window = &self.sink_window[s * self.elements..(s + 1) * self.elements];
                let mass_per_h: Vec<f64> = window.iter().map(|m| m.value() / span).collect();
                SinkResult {
                    name: name.clone(),
                    total_per_h: mass_per_h.iter().sum(),
                    mass_per_h,
                }
            })
            .collect()
    }

    /// The run's element mass balance.
    fn mass_balance(&self, spec: &PlantSpec) -> MassBalance {
        let per_lot =
            |count: u64| -> Vec<f64> { self.lot_mass.iter().map(|m| m * count as f64).collect() };
        let mut products = vec![Fixed::default(); self.elements];
        for (i, m) in self.sink_total.iter().enumerate() {
            products[i % self.elements].merge(*m);
        }
        let elements = if spec.flowsheet.elements.len() == self.elements {
            spec.flowsheet.elements.clone()
        } else {
            vec![String::new(); self.elements]
        };
        MassBalance {
            elements,
            feed: per_lot(self.lots.arrived),
            products: mass::values(&products),
            tanks: self.tanks.clone(),
            in_process: mass::values(&self.in_process),
            lost: per_lot(self.lots.lost),
            scrapped: mass::values(&self.scrapped_mass),
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
        source_lots: stats.feed.area() / span,
        active: stats.active.area() / span,
        stages,
    }
}
