//! The plant model: state, the engine's [`Model`] implementation, and lot flow through stages.

use super::PlantSpec;
use super::event::{Ev, Kind};
use super::layout::{self, Circuit, Stage, Train, purpose};
use super::lots::{LotState, Lots};
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
        let layout::Layout {
            stages,
            trains,
            circuits,
            samplers,
        } = layout::build(spec, seed, replication);
        let places: u64 = stages
            .iter()
            .map(|s| u64::from(s.cap) + u64::from(s.buf_cap.min(4)))
            .sum();
        Plant {
            now: 0.0,
            lots: Lots::with_capacity(places as usize + 64),
            stages,
            trains,
            circuits,
            samplers,
            interarrival: Sampler::new(&spec.feed.interarrival).expect("validated inter-arrival"),
            arrival_rng: stream(seed, replication, purpose::ARRIVALS),
            only,
            stats: Stats::new(spec),
            trace: None,
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
    }

    /// Closes the statistics at the horizon and counts the lots still inside.
    pub fn close(&mut self) {
        self.stats.lots.in_system = self.lots.live();
        self.stats.close();
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
                let lot = self.lots.alloc(self.now);
                self.enter_train(only, lot, sched);
            }
            return;
        }
        self.stats.lots.arrived += 1;
        if self.circuits[0].in_tank >= self.circuits[0].tank_cap && !self.can_place_now(0) {
            self.stats.lots.lost += 1;
            return;
        }
        let lot = self.lots.alloc(self.now);
        self.enter_circuit(0, lot, true, sched);
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
            self.stages[s as usize].in_proc -= 1;
            self.leave_train(k, lot, sched);
            self.after_free(k, s, sched);
        } else if self.stages[s as usize + 1].has_room() {
            self.stages[s as usize].in_proc -= 1;
            self.enter_stage(k, s + 1, lot, sched);
            self.after_free(k, s, sched);
        } else {
            self.stats.groups[acc].blocked.add(now, 1.0, w);
            self.lots.slots[lot as usize].state = LotState::Blocked;
            self.stages[s as usize]
                .blocked
                .push(&mut self.lots.slots, lot);
        }
    }

    /// A place at stage `s` of train `k` was freed: start the next waiting lot, then let one
    /// blocked lot of the stage upstream move in, and so on up the chain.
    #[inline]
    fn after_free(&mut self, k: u32, mut s: u32, sched: &mut Scheduler<Ev>) {
        let first = self.trains[k as usize].first;
        loop {
            if let Some(next) = self.stages[s as usize].wait.pop(&self.lots.slots) {
                self.start_service(k, s, next, sched);
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
        if st.wait.is_empty() && st.in_proc < st.cap && self.trains[k as usize].up {
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

    /// Lot `lot` leaves the last stage of train `k`.
    fn leave_train(&mut self, k: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        self.change_train_lots(k, -1);
        let c = self.trains[k as usize].circuit as usize;
        let in_window = self.now >= self.stats.warmup;
        if self.now < self.trains[k as usize].off_spec_until {
            self.off_spec(c, lot, in_window, sched);
            return;
        }
        self.stats.circuits[c].out_window += u64::from(in_window);
        if c + 1 == self.circuits.len() {
            let arrived = self.lots.slots[lot as usize].arrived;
            self.stats.depart(self.now, arrived, k);
            self.lots.free(lot);
        } else {
            self.enter_circuit(c + 1, lot, false, sched);
        }
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
            self.lots.free(lot);
        }
    }
}
