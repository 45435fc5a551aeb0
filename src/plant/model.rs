//! The plant model: state, the engine's [`Model`] implementation, and lot flow through stages.

use super::PlantSpec;
use super::campaign::Line;
use super::event::{Ev, Kind};
use super::finishing::Finishing;
use super::layout::{self, Circuit, CrewPool, Stage, Train, purpose};
use super::lots::{LotState, Lots};
use super::routes::Routes;
use super::stats::Stats;
use crate::engine::{Model, Sampler, Scheduler, SimTime, StreamRng, stream};

/// One replication's state.
#[derive(Debug)]
pub(crate) struct Plant {
    /// Current time, hours (copied from the scheduler at each event).
    pub now: f64,
    pub lots: Lots,
    pub stages: Vec<Stage>,
    pub trains: Vec<Train>,
    pub circuits: Vec<Circuit>,
    pub samplers: Vec<Sampler>,
    pub interarrival: Sampler,
    pub arrival_rng: StreamRng,
    /// Train decomposition: simulate only this train of circuit 0 (see `run.rs`).
    pub only: Option<u32>,
    pub stats: Stats,
    /// Train state recorder, only in [`super::simulate_traced`] runs.
    pub trace: Option<Box<super::trace::Tracer>>,
    /// Repair crews: circuits' own pools first, then shared ones.
    pub pools: Vec<CrewPool>,
    /// Circuit feeding the plant feed.
    pub feed_circuit: usize,
    /// Tracked elements, each element's mass in a feed lot, and one lot's mass L.
    pub elements: usize,
    pub lot_mass: Vec<f64>,
    pub lot_total: f64,
    /// Split fractions to A, circuit-major.
    pub splits: Vec<f64>,
    /// Residual mass of each circuit's source tank, circuit-major, per element.
    pub tank_mass: Vec<f64>,
    /// Scratch for a lot's A and B parts (2 x elements), reused.
    pub parts: Vec<f64>,
    /// Lots blocked at circuit outlets, all circuits.
    pub blocked_total: u32,
    /// Re-entrancy guard of the unblocking loop, and its "scan again" flag.
    pub unblocking: bool,
    pub unblock_again: bool,
    /// Campaign lines.
    pub lines: Vec<Line>,
    /// The finishing unit.
    pub finishing: Option<Finishing>,
}

impl Model for Plant {
    type Event = Ev;

    #[inline]
    fn handle(&mut self, event: Ev, sched: &mut Scheduler<Ev>) {
        self.now = sched.now().hours();
        match event.kind() {
            Kind::Done { lot, token } => self.on_done(lot, token, sched),
            Kind::Arrival => self.on_arrival(sched),
            Kind::Fail { train } => self.on_fail(train, sched),
            Kind::Repaired { train } => self.on_repaired(train, sched),
            Kind::CampaignEnd { line } => self.on_campaign_end(line as usize, sched),
            Kind::LineReady { line } => self.on_line_ready(line as usize, sched),
            Kind::BatchDone { place } => self.on_batch_done(place as usize, sched),
        }
    }
}

impl Plant {
    /// The model of `spec` for replication `replication` of `seed`, optionally restricted to
    /// one train of the first circuit.
    pub fn new(spec: &PlantSpec, seed: u64, replication: u64, only: Option<u32>) -> Plant {
        assert!(
            spec.feed.interarrival.mean() > 0.0,
            "the mean inter-arrival time must be > 0"
        );
        let routes = Routes::of(spec);
        let layout::Layout {
            stages,
            trains,
            circuits,
            samplers,
            pools,
        } = layout::build(spec, &routes, seed, replication);
        let places: u64 = stages
            .iter()
            .map(|s| u64::from(s.cap) + u64::from(s.buf_cap.min(4)))
            .sum();
        let elements = routes.lot_mass.len();
        let lines = spec.flowsheet.lines.iter().map(Line::new).collect();
        Plant {
            now: 0.0,
            lots: Lots::with_capacity(places as usize + 64, elements),
            tank_mass: vec![0.0; circuits.len() * elements],
            stages,
            trains,
            circuits,
            samplers,
            interarrival: Sampler::new(&spec.feed.interarrival).expect("validated inter-arrival"),
            arrival_rng: stream(seed, replication, purpose::ARRIVALS),
            only,
            stats: Stats::new(spec, &routes),
            trace: None,
            pools,
            feed_circuit: routes.feed_circuit,
            elements,
            lot_total: routes.lot_mass.iter().sum(),
            lot_mass: routes.lot_mass.clone(),
            splits: routes.splits.clone(),
            parts: vec![0.0; 2 * elements],
            blocked_total: 0,
            unblocking: false,
            unblock_again: false,
            lines,
            finishing: spec
                .flowsheet
                .finishing
                .as_ref()
                .map(|f| Finishing::new(f, &routes, stream(seed, replication, purpose::FINISHING))),
        }
    }

    /// Events pending at once, at most: one per place in service plus failures and arrivals.
    pub fn queue_capacity(&self) -> usize {
        self.stages.iter().map(|s| s.cap as usize).sum::<usize>() + 2 * self.trains.len() + 16
    }

    /// Schedules the first arrival and each (simulated) train's first failure.
    pub fn start(&mut self, sched: &mut Scheduler<Ev>) {
        let first = self.interarrival.sample(&mut self.arrival_rng).max(0.0);
        sched.schedule_in(first, Ev::ARRIVAL);
        for k in 0..self.trains.len() as u32 {
            if self.only.is_none_or(|o| o == k) {
                self.schedule_failure(k, sched);
            }
        }
        self.start_lines(sched);
    }

    /// Closes the statistics at the horizon: counts the lots still inside and the mass in
    /// process, in tank residuals and in the finishing unit.
    pub fn close(&mut self) {
        self.stats.lots.in_system = self.lots.live();
        for (id, lot) in self.lots.slots.iter().enumerate() {
            if lot.state != LotState::Free {
                for (acc, &m) in self
                    .stats
                    .in_process
                    .iter_mut()
                    .zip(self.lots.mass(id as u32))
                {
                    acc.add(m);
                }
            }
        }
        for (e, t) in self.stats.tanks.iter_mut().enumerate() {
            *t = self.tank_mass.iter().skip(e).step_by(self.elements).sum();
        }
        if let Some(f) = &self.finishing {
            f.add_in_process(&mut self.stats.in_process);
        }
        self.stats.close();
    }

    /// A new lot arriving now from the feed, with a feed lot's masses.
    fn new_feed_lot(&mut self) -> u32 {
        let lot = self.lots.alloc(self.now);
        self.lots.mass_mut(lot).copy_from_slice(&self.lot_mass);
        lot
    }

    fn on_arrival(&mut self, sched: &mut Scheduler<Ev>) {
        self.stats.arrival_events += 1;
        let gap = self.interarrival.sample(&mut self.arrival_rng).max(0.0);
        sched.schedule_in(gap, Ev::ARRIVAL);
        if let Some(only) = self.only {
            // Round robin without skipping: lot i goes to train i mod K whatever the state.
            let c = &mut self.circuits[0];
            let target = c.rr_next;
            c.rr_next = (c.rr_next + 1) % c.trains;
            if target == only {
                self.stats.lots.arrived += 1;
                let lot = self.new_feed_lot();
                self.enter_train(only, lot, sched);
            }
            return;
        }
        self.stats.lots.arrived += 1;
        let f = self.feed_circuit;
        if self.circuits[f].in_tank >= self.circuits[f].tank_cap && !self.can_place_now(f) {
            self.stats.lots.lost += 1;
            return;
        }
        let lot = self.new_feed_lot();
        self.enter_circuit(f, lot, true, sched);
    }

    #[inline]
    fn on_done(&mut self, lot: u32, token: u32, sched: &mut Scheduler<Ev>) {
        let l = &self.lots.slots[lot as usize];
        if l.token != token || l.state != LotState::InService {
            return; // superseded by a breakdown
        }
        let (k, s) = (l.train, l.stage);
        let now = self.now;
        let w = self.stats.warmup;
        let acc = self.stages[s as usize].acc as usize;
        self.stats.groups[acc].busy.add(now, -1.0, w);
        if s == self.trains[k as usize].last {
            if self.exit_blocked(k, lot) {
                self.block(s, lot);
                self.outlet_blocked(k, sched);
                return;
            }
            self.stages[s as usize].in_proc -= 1;
            self.leave_train(k, lot, sched);
            self.after_free(k, s, sched);
        } else if self.stages[s as usize + 1].has_room() {
            self.stages[s as usize].in_proc -= 1;
            self.enter_stage(k, s + 1, lot, sched);
            self.after_free(k, s, sched);
        } else {
            self.block(s, lot);
        }
    }

    /// Lot `lot`, finished at stage `s`, waits there for room downstream.
    #[inline]
    pub(crate) fn block(&mut self, s: u32, lot: u32) {
        let acc = self.stages[s as usize].acc as usize;
        self.stats.groups[acc]
            .blocked
            .add(self.now, 1.0, self.stats.warmup);
        self.lots.slots[lot as usize].state = LotState::Blocked;
        self.stages[s as usize]
            .blocked
            .push(&mut self.lots.slots, lot);
    }

    /// A place at stage `s` of train `k` was freed: start the next waiting lot, then let one
    /// blocked lot of the stage upstream move in, and so on up the chain.
    #[inline]
    pub(crate) fn after_free(&mut self, k: u32, mut s: u32, sched: &mut Scheduler<Ev>) {
        let first = self.trains[k as usize].first;
        let runs = self.trains[k as usize].runs();
        loop {
            if runs {
                if let Some(next) = self.stages[s as usize].wait.pop(&self.lots.slots) {
                    self.start_service(k, s, next, sched);
                }
            }
            if s == first {
                self.pull_shared(k, sched);
                return;
            }
            let p = s - 1;
            let Some(lot) = self.stages[p as usize].blocked.pop(&self.lots.slots) else {
                return;
            };
            let acc = self.stages[p as usize].acc as usize;
            self.stats.groups[acc]
                .blocked
                .add(self.now, -1.0, self.stats.warmup);
            self.stages[p as usize].in_proc -= 1;
            self.enter_stage(k, s, lot, sched);
            s = p;
        }
    }

    /// Lot `lot` arrives at stage `s` of train `k` (the caller checked there is room).
    #[inline]
    pub(crate) fn enter_stage(&mut self, k: u32, s: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        let st = &mut self.stages[s as usize];
        let l = &mut self.lots.slots[lot as usize];
        l.stage = s;
        if st.wait.is_empty() && st.in_proc < st.cap && self.trains[k as usize].runs() {
            self.start_service(k, s, lot, sched);
        } else {
            l.state = LotState::Waiting;
            st.wait.push(&mut self.lots.slots, lot);
        }
    }

    /// Starts serving `lot` at stage `s` of train `k`: draws its residence time now.
    #[inline]
    pub(crate) fn start_service(&mut self, k: u32, s: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        let st = &mut self.stages[s as usize];
        st.in_proc += 1;
        self.stats.groups[st.acc as usize]
            .busy
            .add(self.now, 1.0, self.stats.warmup);
        let train = &mut self.trains[k as usize];
        let d = self.samplers[st.sampler as usize]
            .sample(&mut train.rng)
            .max(0.0);
        let l = &mut self.lots.slots[lot as usize];
        l.state = LotState::InService;
        l.end = self.now + d;
        l.order = train.starts;
        train.starts += 1;
        l.token = l.token.wrapping_add(1);
        sched.schedule_at(SimTime::from_hours(l.end), Ev::done(lot, l.token));
    }

    /// Lot `lot` joins train `k` at its first stage.
    pub(crate) fn enter_train(&mut self, k: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        self.lots.slots[lot as usize].train = k;
        self.change_train_lots(k, 1);
        let first = self.trains[k as usize].first;
        self.enter_stage(k, first, lot, sched);
    }

    /// Updates train `k`'s lot count (and its WIP and starved accumulators) by `delta`.
    #[inline]
    fn change_train_lots(&mut self, k: u32, delta: i32) {
        let (now, w) = (self.now, self.stats.warmup);
        let train = &mut self.trains[k as usize];
        let before = train.lots;
        train.lots = train.lots.wrapping_add_signed(delta);
        let ts = &mut self.stats.trains[k as usize];
        ts.lots.add(now, f64::from(delta), w);
        if (before == 0) != (train.lots == 0) {
            ts.starved.add(now, if before == 0 { -1.0 } else { 1.0 }, w);
        }
    }

    /// Lot `lot` leaves the last stage of train `k`: off-spec during a restart transient,
    /// else on-spec to the circuit's outlets.
    fn leave_train(&mut self, k: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        if self.now < self.trains[k as usize].off_spec_until {
            self.change_train_lots(k, -1);
            let c = self.trains[k as usize].circuit as usize;
            let in_window = self.now >= self.stats.warmup;
            self.off_spec(c, lot, in_window, sched);
            return;
        }
        self.leave_on_spec(k, lot, sched);
    }

    /// Lot `lot` leaves train `k` on-spec (its destinations have room).
    pub(crate) fn leave_on_spec(&mut self, k: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        self.change_train_lots(k, -1);
        let c = self.trains[k as usize].circuit as usize;
        let in_window = self.now >= self.stats.warmup;
        self.stats.circuits[c].out_window += u64::from(in_window);
        self.exit_circuit(c, k, lot, sched);
    }

    /// An off-spec lot leaves a train of circuit `c`: recycled or scrapped.
    fn off_spec(&mut self, c: usize, lot: u32, in_window: bool, sched: &mut Scheduler<Ev>) {
        self.stats.lots.off_spec += 1;
        self.stats.circuits[c].off_spec_window += u64::from(in_window);
        let policy = self.circuits[c].failures.as_ref().map(|f| f.policy);
        if policy == Some(super::OffSpecPolicy::Recycle) {
            self.enter_circuit(c, lot, false, sched);
        } else {
            self.stats.lots.scrapped += 1;
            for (acc, &m) in self.stats.scrapped_mass.iter_mut().zip(self.lots.mass(lot)) {
                acc.add(m);
            }
            self.lots.free(lot);
        }
    }
}
