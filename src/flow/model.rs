//! The plant model on the event engine: its state, built from a [`PlantSpec`], and the event
//! dispatch. Rates are recomputed ([`super::network`]) after every event that may change one.

use super::circuit::CircuitState;
use super::event::Ev;
use super::network::{Deadline, Fired};
use super::result::Snapshot;
use super::spec::RestartSpec;
use super::spec::*;
use crate::engine::{Model, Scheduler, SimTime, mix64, stream};

/// Number of equal bins over [0, horizon] of the on-spec output series (automatic warm-up).
pub const SERIES_BINS: usize = 200;

/// The plant during one replication.
pub struct Flow<'a> {
    /// What the plant is.
    pub(super) spec: &'a PlantSpec,
    /// Time of the event being handled, hours.
    pub(super) now: f64,
    /// Per circuit: its rates, limits and statistics.
    pub(super) circuits: Vec<CircuitState>,
    /// Trains, their failure clocks and random draws.
    pub(super) fleet: super::fleet::Fleet,
    /// Repair crews of every circuit.
    pub(super) crews: super::crew::Crews,
    /// Tank 0 is the feed tank, tank t + 1 intermediate tank t; with their consumers.
    pub(super) tanks: super::tanks::Tanks,
    /// Product sinks, with their recycle targets.
    pub(super) products: super::products::Products,
    /// The upstream feed.
    pub(super) feed: super::feed::Feed,
    /// Per campaign line.
    pub(super) lines: Vec<super::campaign::Line>,
    /// The finishing unit, if any.
    pub(super) finishing: Option<super::finishing::Finishing>,
    /// Off-spec scrapped and recycled.
    pub(super) off_spec: super::offspec::OffSpec,
    /// Circuits whose trains changed since the last rate solve.
    pub(super) dirty: Vec<bool>,
    /// The train the event being handled is about, when no other train can change with it
    /// (and none changed before it): its circuit's scan is updated for it alone.
    pub(super) touched: Option<u32>,
    /// Scratch for the rate solve.
    pub(super) scratch: super::network::Scratch,
    /// The time everything was last advanced to, hours.
    pub(super) advanced_to: f64,
    /// Statistics at the start of the window.
    pub(super) warm: Option<Snapshot>,
    /// On-spec output sold by the end of each bin, t.
    pub(super) series: Vec<f64>,
    /// Per circuit: its restart curve, ready to evaluate (`None` without a curve).
    pub(super) restart: Vec<Option<super::restart::RestartInterpolant>>,
    /// Largest drift of each circuit's feed composition from its design (max abs mass
    /// fraction difference) seen in the window, with the composition.
    pub(super) drift: Vec<(f64, Vec<f64>)>,
}

impl<'a> Flow<'a> {
    /// The plant at time 0: trains up, tanks empty, clocks drawn.
    pub fn new(spec: &'a PlantSpec, seed: u64, replication: u64) -> Flow<'a> {
        let p = spec.parts();
        let e = spec.elements();
        let fleet = super::fleet::Fleet::new(&p.circuits, seed, replication);
        let mut first = 0;
        let circuits: Vec<CircuitState> = (p.circuits.iter())
            .map(|cs| {
                first += cs.trains;
                CircuitState::new(cs, first - cs.trains)
            })
            .collect();
        let crews = super::crew::Crews::new(p);
        let tanks = super::tanks::Tanks::new(p, e);
        let products = super::products::Products::new(p, e);
        let feed = super::feed::Feed::new(&p.feed, stream(seed, replication, purpose(2, 0, 0, 0)));
        let lines = p
            .lines
            .iter()
            .map(|_| super::campaign::Line::new())
            .collect();
        let finishing = (p.finishing.as_ref()).map(|f| {
            let rng = stream(seed, replication, purpose(3, 0, 0, 0));
            super::finishing::Finishing::new(f, rng)
        });
        Flow {
            spec,
            now: 0.0,
            dirty: vec![true; circuits.len()],
            touched: None,
            drift: vec![(0.0, vec![0.0; e]); circuits.len()],
            restart: p
                .circuits
                .iter()
                .map(|c| match &c.restart {
                    RestartSpec::Curve(curve) => Some(
                        super::restart::RestartInterpolant::new(curve)
                            .expect("the plant spec validates its restart curves"),
                    ),
                    _ => None,
                })
                .collect(),
            scratch: super::network::Scratch::new(spec),
            advanced_to: 0.0,
            circuits,
            fleet,
            crews,
            tanks,
            products,
            feed,
            lines,
            finishing,
            off_spec: super::offspec::OffSpec::new(e),
            warm: None,
            series: Vec::with_capacity(SERIES_BINS),
        }
    }

    /// Pending events to expect, for the scheduler's capacity.
    pub fn queue_capacity(&self) -> usize {
        let trains = self.fleet.trains().len();
        self.fleet.clock_count() + 2 * trains + self.tanks.len() + self.products.len() + 16
    }

    /// Schedules the first events and sets the first rates.
    pub fn start(&mut self, sched: &mut Scheduler<Ev>) {
        self.fleet.start(self.now, sched);
        self.schedule_maintenance(sched);
        self.start_lines(sched);
        if let Some(t) = self.feed.first_outage_in() {
            sched.schedule_in(t, Ev::FeedDown);
        }
        let p = self.spec.parts();
        if p.warmup_h > 0.0 {
            sched.schedule_at(crate::engine::SimTime::from_hours(p.warmup_h), Ev::Warmup);
        }
        let bin = p.horizon_h / SERIES_BINS as f64;
        for i in 0..SERIES_BINS as u32 {
            let at = crate::engine::SimTime::from_hours(bin * f64::from(i + 1));
            sched.schedule_at(at, Ev::Bin { index: i });
        }
        self.solve(sched);
        if p.warmup_h <= 0.0 {
            self.warm = Some(self.snapshot());
        }
    }

    /// Tank index of a source.
    pub(super) fn source_tank(&self, c: usize) -> usize {
        tank_of(self.spec.parts().circuits[c].source)
    }
}

/// Read-only views of the state for observers (see [`Trace`](super::Trace)).
impl Flow<'_> {
    /// Number of tanks: the feed tank, then the intermediate tanks.
    pub(super) fn tank_count(&self) -> usize {
        self.tanks.len()
    }

    /// Tank `t`'s level (t REO) at time `since` (hours), and its net inflow (t/h) from then
    /// until the next event: its level at `h` in between is `level + rate * (h - since)`.
    pub(super) fn tank_level(&self, t: usize) -> (f64, f64, f64) {
        let tank = &self.tanks[t];
        (tank.level(), tank.inflow() - tank.outflow(), tank.last_h())
    }

    /// Number of circuits.
    pub(super) fn circuit_count(&self) -> usize {
        self.circuits.len()
    }

    /// Circuit `c`'s trains up now (not stopped by a failure, maintenance or its line).
    pub(super) fn trains_up(&self, c: usize) -> u32 {
        self.circuits[c].up
    }
}

/// A tank or product with timed events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timed {
    Tank(usize),
    Product(usize),
}

/// Tank index of a source (0 = feed tank).
pub(super) fn tank_of(source: Source) -> usize {
    match source {
        Source::Feed => 0,
        Source::Tank(t) => t + 1,
    }
}

/// Stream purpose of (kind, circuit, train, mode): the same numbers for the same train and mode
/// in every layout (common random numbers).
pub(super) fn purpose(kind: u64, circuit: usize, train: u32, mode: usize) -> u64 {
    mix64(kind ^ mix64(circuit as u64 ^ mix64(u64::from(train) ^ mix64(mode as u64))))
}

/// Crew pools: the plant's shared pools first, then one per circuit with its own crew count.
impl Model for Flow<'_> {
    type Event = Ev;

    fn handle(&mut self, event: Ev, sched: &mut Scheduler<Ev>) {
        self.now = sched.now().hours();
        // Failures, repairs, maintenance and restart windows change their own train only.
        self.touched = match event {
            _ if self.dirty.contains(&true) => None,
            Ev::Fail { clock, .. } | Ev::Repaired { clock } => Some(self.fleet.clock(clock).train),
            Ev::MaintenanceStart { train, .. }
            | Ev::MaintenanceEnd { train, .. }
            | Ev::RestartEnd { train, .. } => Some(train),
            _ => None,
        };
        let changed = match event {
            Ev::Fail { clock, version } => self.on_fail(clock, version, sched),
            Ev::Repaired { clock } => self.on_repaired(clock, sched),
            Ev::MaintenanceStart { train, entry } => self.on_maintenance(train, entry, true, sched),
            Ev::MaintenanceEnd { train, entry } => self.on_maintenance(train, entry, false, sched),
            Ev::RestartEnd {
                train,
                outlet,
                version,
            } => self.on_restart_end(train, outlet, version),
            Ev::Tank { tank, version } => {
                self.on_due(Timed::Tank(tank as usize), version, sched);
                return;
            }
            Ev::Batch { product, version } => {
                self.on_due(Timed::Product(product as usize), version, sched);
                return;
            }
            Ev::FeedDown | Ev::FeedUp => self.on_feed(event == Ev::FeedUp, sched),
            Ev::Campaign { line, version } => self.on_campaign(line as usize, version, sched),
            Ev::ChangeoverEnd { line } => self.on_changeover_end(line as usize, sched),
            Ev::Finished { slot } => self.on_finished(slot as usize, sched),
            Ev::Warmup => {
                self.advance_all();
                self.warm = Some(self.snapshot());
                false
            }
            Ev::Bin { .. } => {
                self.advance_all();
                let sold = self.sold_t();
                self.series.push(sold);
                false
            }
        };
        if changed {
            self.solve(sched);
        }
    }
}

impl Flow<'_> {
    /// The feed stops or resumes.
    fn on_feed(&mut self, up: bool, sched: &mut Scheduler<Ev>) -> bool {
        self.advance_all();
        let t = self.feed.set_up(up);
        sched.schedule_in(t, if up { Ev::FeedDown } else { Ev::FeedUp });
        true
    }

    /// The deadline of a tank's level event or a product's batch event.
    fn deadline(&mut self, who: Timed) -> &mut Deadline {
        match who {
            Timed::Tank(t) => &mut self.tanks[t].deadline,
            Timed::Product(p) => &mut self.products[p].deadline,
        }
    }

    /// A tank's level event or a product's batch event of `version` fires (see [`Deadline`]).
    /// Of the tanks and products due now, the first in tank, then product order takes effect,
    /// as when every solve queued all their events in that order.
    fn on_due(&mut self, who: Timed, version: u32, sched: &mut Scheduler<Ev>) {
        let (now, solves) = (self.now, self.scratch.solves);
        match self.deadline(who).fire(version, now, solves) {
            Fired::Stale => return,
            Fired::Again(at, version) => {
                let at = SimTime::from_hours(at);
                match who {
                    Timed::Tank(t) => {
                        let tank = t as u32;
                        sched.schedule_at(at, Ev::Tank { tank, version });
                    }
                    Timed::Product(p) => {
                        let product = p as u32;
                        sched.schedule_at(at, Ev::Batch { product, version });
                    }
                }
                return;
            }
            Fired::Due => {}
        }
        let now = now.to_bits();
        let due_now = |d: &Deadline| d.due.is_some_and(|d| d.to_bits() == now);
        let first = (self.tanks.iter())
            .position(|t| due_now(&t.deadline))
            .map(Timed::Tank)
            .or_else(|| {
                let p = self.products.iter().position(|p| due_now(&p.deadline));
                p.map(Timed::Product)
            })
            .unwrap_or(who);
        if first != who {
            // Its own event is queued behind this one; this one is queued again by the solve.
            self.deadline(first).drop_queued();
        }
        match first {
            Timed::Tank(_) => {
                self.solve(sched);
                if self.check_level_switches(sched) {
                    self.solve(sched);
                }
            }
            Timed::Product(p) => {
                self.close_batch(p, sched);
                self.solve(sched);
            }
        }
    }

    /// A batch of product `s` is full: judge it, sell, recycle or scrap it.
    fn close_batch(&mut self, s: usize, sched: &mut Scheduler<Ev>) {
        self.advance_all();
        let on_spec = self.products[s].close_in_place();
        if on_spec {
            match self.finishing.as_mut() {
                Some(f) => f.start(s, self.products[s].closed.clone(), sched),
                None => self.products[s].sell_closed(),
            }
        } else if let Some(t) = self.products.recycle_to(s) {
            let mass = &self.products[s].closed;
            self.off_spec.recycle(mass.iter().sum::<f64>());
            self.tanks[t].add(mass);
        } else {
            self.off_spec.scrap(&self.products[s].closed);
        }
    }

    /// A finishing slot is done: its batch is sold, the next waiting batch starts.
    fn on_finished(&mut self, slot: usize, sched: &mut Scheduler<Ev>) -> bool {
        let f = self.finishing.as_mut().expect("finishing");
        let (s, mass) = f.finish(slot, sched);
        self.products[s].sell(&mass);
        false
    }

    /// Brings every tank, product, circuit and the feed up to now.
    pub(super) fn advance_all(&mut self) {
        let now = self.now;
        if self.advanced_to.to_bits() == now.to_bits() {
            // Everything is there already (handlers advance before they solve).
            return;
        }
        self.advanced_to = now;
        self.feed.advance(now);
        for t in self.tanks.iter_mut() {
            t.advance(now);
        }
        for p in self.products.iter_mut() {
            p.advance(now);
        }
        for c in &mut self.circuits {
            c.advance(now);
        }
        self.off_spec.advance(now);
        for l in &mut self.lines {
            l.advance(now);
        }
    }

    /// Feed offered now, t/h.
    pub(super) fn feed_rate(&self) -> f64 {
        self.feed.offered_rate()
    }

    /// On-spec REO sold since 0, t.
    pub(super) fn sold_t(&self) -> f64 {
        self.products
            .iter()
            .map(|p| p.totals.on_spec.iter().sum::<f64>())
            .sum()
    }
}
