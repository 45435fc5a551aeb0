//! The rate solve: after an event, the feed rate of every circuit and the element flows into
//! and out of every tank and product, constant until the next event.
//!
//! A circuit runs at the sum of its up trains' maxima unless something limits it:
//! * its source tank is empty: it takes only what flows in (starved), and in a fixed restart
//!   window that recycles its diverted liquor to that tank, that liquor too (see
//!   `Flow::take_recycle`);
//! * an outlet's tank is full: it puts in only what the tank's consumer takes, less what the
//!   tank's other feeders put in (blocked); a tank above capacity (a recycled batch came back)
//!   takes nothing until it is back at capacity;
//! * the limit is below its turndown (`min_rate` x design): it idles until its source holds
//!   [`RESUME_HOURS`] of turndown flow (or is full).
//!
//! Limits pass down the flowsheet through empty tanks and up through full ones; circuits are
//! visited in flow order and the visit repeats until no rate changes (the dependencies through
//! empty and full tanks form no cycle, so this settles in a few passes; a cap on passes keeps
//! it finite whatever happens). Only a full tank makes a circuit depend on circuits after it
//! (what its consumer and other feeders take); with no full tank, one pass settles every rate.
//!
//! A solve allocates nothing; circuits recompute their train shares, purities and losses only
//! when their trains, rate or limit changed (see [`super::circuit`]), and a tank's or product's
//! queued event is replaced only when its due time moves earlier (see [`Deadline`]).

use super::circuit::Carried;
use super::event::Ev;
use super::model::{Flow, tank_of};
use super::spec::{OffSpecPolicy, Outlet, PlantSpec};
use super::tank::{LEVEL_TOLERANCE_T, Mode, Tank};
use super::train::fixed;
use crate::engine::{Scheduler, SimTime};

/// An idled circuit resumes once its source holds this many hours of its turndown flow.
pub const RESUME_HOURS: f64 = 8.0;

/// Settlings of a solve after the first for a starved circuit's recycled liquor whose
/// diverted fractions moved (see [`Flow::take_recycle`]).
const RECYCLE_SETTLES: u32 = 4;

/// A change of a diverted fraction within this counts as none for the recycled liquor a
/// starved circuit takes in.
const RECYCLE_TOLERANCE: f64 = 1e-12;

/// When a tank's or product's next event is due, and the event queued for it.
///
/// Every solve recomputes every due time, as if it queued every event afresh (in tank, then
/// product order, behind what is already queued for the same time). The queue holds at most
/// one live event per tank or product instead, at or before the due time: a solve that moves
/// the due time later leaves the queued event, which on firing early is queued again for the
/// due time; one that moves it earlier queues a new event (the old one goes stale). An event
/// firing at its due time takes effect only if the last solve queued it; otherwise it is
/// queued again for the same time, behind what is queued for it by then (see
/// [`Flow::on_due`](super::model) for the order among tanks and products due together). So
/// every event takes effect at the due time set by the last solve before it, in the same
/// order as if each solve had queued it afresh, with far fewer stale events in the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Deadline {
    /// The due time set by the last solve, hours.
    pub due: Option<f64>,
    /// Time of the live queued event, hours.
    pub queued: Option<f64>,
    /// The solve (count) that queued the live event; `None` if an event handler did.
    pub queued_by: Option<u64>,
    /// Version of the live queued event (events of other versions are stale).
    pub version: u32,
}

/// What a fired tank or batch event is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fired {
    /// Stale: ignore it.
    Stale,
    /// Early, or on time but not queued by the last solve: queue this (time, version) instead.
    Again(f64, u32),
    /// Due now and queued by the last solve: it takes effect.
    Due,
}

impl Deadline {
    /// Solve number `solve` sets the due time; returns the time and version of an event to
    /// queue, if one is needed.
    #[inline]
    pub fn set(&mut self, due: Option<f64>, solve: u64) -> Option<(f64, u32)> {
        self.due = due;
        let d = due?;
        if self.queued.is_some_and(|q| q <= d) {
            return None;
        }
        Some(self.queue(d, Some(solve)))
    }

    /// Queues a new live event at `at` (queued by solve `by`, if any).
    fn queue(&mut self, at: f64, by: Option<u64>) -> (f64, u32) {
        self.version = self.version.wrapping_add(1);
        self.queued = Some(at);
        self.queued_by = by;
        (at, self.version)
    }

    /// Makes the live event stale.
    pub fn drop_queued(&mut self) {
        if self.queued.take().is_some() {
            self.version = self.version.wrapping_add(1);
        }
    }

    /// An event of `version` fires at `now`, after `solve` solves.
    pub fn fire(&mut self, version: u32, now: f64, solve: u64) -> Fired {
        if version != self.version || self.queued.is_none() {
            return Fired::Stale;
        }
        let by = self.queued_by;
        self.queued = None;
        match self.due {
            Some(d) if d.to_bits() == now.to_bits() && by == Some(solve) => Fired::Due,
            // Behind what is queued for now, as the last solve would have queued it.
            Some(d) if d.to_bits() == now.to_bits() => {
                let (at, v) = self.queue(now, Some(solve));
                Fired::Again(at, v)
            }
            Some(d) => {
                let (at, v) = self.queue(d, None);
                Fired::Again(at, v)
            }
            None => Fired::Stale,
        }
    }
}

/// Buffers of the rate solve, allocated once per replication.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Per tank, per element: inflow accumulated in the current pass, t/h.
    tank_in: Vec<Vec<f64>>,
    /// Per circuit: composition of its feed (mass fractions).
    comp: Vec<Vec<f64>>,
    /// Per tank: recycled diverted liquor flowing back, per element, t/h.
    recycle_in: Vec<Vec<f64>>,
    /// Per product: the circuit outlets sending liquor to it, in circuit and outlet order.
    product_feeders: Vec<Vec<(usize, usize)>>,
    /// Products whose inflows are out of date (work list).
    stale_products: Vec<usize>,
    /// Per tank: the circuits with an outlet into it, in circuit order, with which outlets.
    feeders: Vec<Vec<(usize, [bool; 2])>>,
    /// What the rates followed from at the last settling (see `settle_inputs`).
    settled_sig: Vec<u64>,
    /// Per circuit: what flowed into its source at the last settling, if the source was empty.
    starved_supply: Vec<Option<f64>>,
    /// Per circuit: its source is empty and it takes in, besides what flows into the source,
    /// its own diverted liquor recycled there (see [`Flow::take_recycle`]).
    recycling: Vec<bool>,
    /// Per circuit: the diverted fractions its recycling rate was settled for.
    recycled_for: Vec<[f64; 2]>,
    /// Per circuit: its recycled liquor is not taken in during this solve (its diverted
    /// fractions would not settle).
    refuse_recycle: Vec<bool>,
    /// The last settling converged.
    settled: bool,
    /// The drift of the current feed compositions has been recorded (in the window).
    drift_seen: bool,
    /// Solves so far.
    pub solves: u64,
}

impl Scratch {
    /// Buffers sized for `spec`.
    pub fn new(spec: &PlantSpec) -> Scratch {
        let e = spec.elements();
        let p = spec.parts();
        let tanks = p.tanks.len() + 1;
        let mut feeders = vec![Vec::new(); tanks];
        for (c, cs) in p.circuits.iter().enumerate() {
            for (t, into) in feeders.iter_mut().enumerate().skip(1) {
                let outs = cs.outlets.map(|o| o == Outlet::Tank(t - 1));
                if outs.contains(&true) {
                    into.push((c, outs));
                }
            }
        }
        let mut product_feeders = vec![Vec::new(); p.products.len()];
        for (c, cs) in p.circuits.iter().enumerate() {
            for (o, outlet) in cs.outlets.iter().enumerate() {
                if let Outlet::Product(s) = *outlet {
                    product_feeders[s].push((c, o));
                }
            }
        }
        Scratch {
            tank_in: vec![vec![0.0; e]; tanks],
            comp: vec![vec![0.0; e]; p.circuits.len()],
            recycle_in: vec![vec![0.0; e]; tanks],
            product_feeders,
            stale_products: Vec::new(),
            feeders,
            settled_sig: Vec::new(),
            starved_supply: vec![None; p.circuits.len()],
            recycling: vec![false; p.circuits.len()],
            recycled_for: vec![[0.0; 2]; p.circuits.len()],
            refuse_recycle: vec![false; p.circuits.len()],
            settled: false,
            drift_seen: false,
            solves: 0,
        }
    }
}

impl Flow<'_> {
    /// Recomputes every rate from the current state and reschedules the level and batch events
    /// whose timing changed.
    pub(super) fn solve(&mut self, sched: &mut Scheduler<Ev>) {
        self.scratch.solves += 1;
        self.advance_all();
        for t in self.tanks.iter_mut() {
            t.classify();
        }
        self.recount_dirty();
        self.resume_idle();
        // The rates follow from the tanks, the feed, the circuits' capacities and idling, and
        // (through full tanks) from themselves; when none of these changed since the last
        // settled solve, settling again would find the same rates.
        let settle = !self.scratch.settled || !self.settle_inputs_unchanged();
        if settle {
            self.settle_and_sign();
        }
        self.assign_flows(settle);
        // A starved circuit taking in its own recycled liquor was settled for its diverted
        // fractions as they stood; setting its flows may move them (they follow from its rate
        // and trains): settle again for the new ones until they stand, and past a few tries
        // leave its recycled liquor to accumulate in the source tank (as without recycling).
        let mut tries = 0;
        while self.recycle_moved() {
            tries += 1;
            if tries > RECYCLE_SETTLES {
                for c in 0..self.circuits.len() {
                    if self.recycle_moved_at(c) {
                        self.scratch.refuse_recycle[c] = true;
                    }
                }
            }
            self.settle_and_sign();
            self.assign_flows(true);
        }
        if tries > RECYCLE_SETTLES {
            self.scratch
                .refuse_recycle
                .iter_mut()
                .for_each(|r| *r = false);
        }
        self.reschedule(sched);
        if settle || tries > 0 || !self.scratch.drift_seen {
            self.track_drift();
        }
    }

    /// Settles the rates and records what they followed from.
    fn settle_and_sign(&mut self) {
        self.scratch.settled = self.settle_rates();
        for c in 0..self.circuits.len() {
            let s = self.source_tank(c);
            self.scratch.starved_supply[c] =
                (self.tanks[s].mode == Mode::Empty).then(|| self.starved_by(c, s));
        }
        let mut sig = std::mem::take(&mut self.scratch.settled_sig);
        sig.clear();
        self.settle_inputs(|w| {
            sig.push(w);
            true
        });
        self.scratch.settled_sig = sig;
    }

    /// What circuit `c` takes from its empty source `s` at most: what flows in, and when it
    /// takes in its recycled liquor, that too (its rate as settled).
    fn starved_by(&self, c: usize, s: usize) -> f64 {
        if self.scratch.recycling[c] {
            self.circuits[c].rate
        } else {
            self.scratch.tank_in[s].iter().sum()
        }
    }

    /// Whether circuit `c`'s diverted fractions moved from what its rate was settled for, as
    /// far as its recycled liquor goes: it takes it in with others, or it does not but now
    /// would (a train entered its restart window while its source was empty).
    fn recycle_moved_at(&self, c: usize) -> bool {
        if self.scratch.recycling[c] {
            let now = self.circuits[c].diverted.iter();
            now.zip(&self.scratch.recycled_for[c])
                .any(|(a, b)| (a - b).abs() > RECYCLE_TOLERANCE)
        } else {
            self.may_recycle(c, self.source_tank(c))
        }
    }

    /// Whether some circuit's recycled liquor calls for settling again (see
    /// [`Self::recycle_moved_at`]).
    fn recycle_moved(&self) -> bool {
        (0..self.circuits.len()).any(|c| self.recycle_moved_at(c))
    }

    /// Rescans the circuits whose trains changed: only the train the event was about when it
    /// is known to be the only one.
    fn recount_dirty(&mut self) {
        let parts = self.spec.parts();
        let touched = self.touched.take();
        for c in 0..self.circuits.len() {
            if !self.dirty[c] {
                continue;
            }
            let spec = &parts.circuits[c];
            let st = &mut self.circuits[c];
            match touched {
                Some(t) if self.fleet.train(t as usize).circuit as usize == c => {
                    st.rescan_train(spec, self.fleet.trains(), (t - st.first) as usize);
                }
                _ => st.rescan(spec, self.fleet.trains()),
            }
            debug_assert!(st.scan_is_current(spec, self.fleet.trains()));
        }
    }

    /// What the rates follow from, as bits, each passed to `f` until it returns false: the feed
    /// rate; each tank's mode, level and masses (as its content count) and whether it is a
    /// pipe (at the pipe level that follows from its rates as last set); each circuit's
    /// capacity (or only that it exceeds what flows into its empty source) and idling.
    /// (A circuit fed from a pipe also reads its own rate as last set: at a settled state
    /// that is the rate the settling found.) Returns whether `f` took all of them.
    fn settle_inputs(&self, mut f: impl FnMut(u64) -> bool) -> bool {
        if !f(self.feed_rate().to_bits()) {
            return false;
        }
        // A tank's mode, level and masses stay the same while its content count does.
        let pipe = |t: &Tank| u64::from(t.is_pipe());
        if !self.tanks.iter().all(|t| f(t.content) && f(pipe(t))) {
            return false;
        }
        // A circuit whose source was empty at the last settling, with less flowing in than it
        // can take, runs at what flows in whatever its capacity (while that stays above).
        let starved = &self.scratch.starved_supply;
        self.circuits.iter().zip(starved).all(|(c, supply)| {
            let cap = match supply {
                Some(supply) if *supply < c.cap => u64::MAX,
                _ => c.cap.to_bits(),
            };
            f(cap) && f(u64::from(c.idle))
        })
    }

    /// Whether the settle's inputs are those of the last settling.
    fn settle_inputs_unchanged(&self) -> bool {
        let last = &self.scratch.settled_sig;
        let mut i = 0;
        let same = self.settle_inputs(|w| {
            i += 1;
            last.get(i - 1) == Some(&w)
        });
        same && i == last.len()
    }

    /// Idled circuits whose source reached the resume level run again.
    fn resume_idle(&mut self) {
        for c in 0..self.circuits.len() {
            if self.circuits[c].idle {
                let s = self.source_tank(c);
                let tank = &self.tanks[s];
                if tank.level() >= self.resume_level(c) - LEVEL_TOLERANCE_T
                    || tank.mode != Mode::Partial
                {
                    self.circuits[c].idle = tank.mode == Mode::Empty;
                }
            }
        }
    }

    /// The source level at which an idled circuit `c` resumes, t.
    pub(super) fn resume_level(&self, c: usize) -> f64 {
        let spec = &self.spec.parts().circuits[c];
        let want = RESUME_HOURS * spec.min_rate * spec.design_rate;
        want.min(self.tanks[self.source_tank(c)].capacity)
    }

    /// Circuit feed rates: passes in flow order until none changes. Without a full tank or a
    /// pipe a pass reads nothing it has not set itself before (feeders come first in flow
    /// order), so a second pass would find what the first one did and is skipped. (A full
    /// tank's room reads what its consumer takes; a circuit fed from a pipe reads its own rate
    /// from before the pass.) Returns whether the rates settled (false if the pass cap cut
    /// the passes short).
    fn settle_rates(&mut self) -> bool {
        let passes = 2 * self.circuits.len() + 4;
        let backward = (self.tanks.iter()).any(|t| t.mode == Mode::Full || t.is_pipe());
        for _ in 0..passes {
            if !self.rate_pass() || !backward {
                return true;
            }
        }
        false
    }

    /// One pass over the circuits in flow order; returns whether a rate changed.
    fn rate_pass(&mut self) -> bool {
        let parts = self.spec.parts();
        let feed_in = self.feed_inflow();
        for v in &mut self.scratch.tank_in {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        for (x, f) in self.scratch.tank_in[0]
            .iter_mut()
            .zip(&parts.feed.composition)
        {
            *x = feed_in * f;
        }
        let mut changed = false;
        for &c in self.spec.order() {
            let spec = &parts.circuits[c];
            let s = tank_of(spec.source);
            self.feed_composition(c, s);
            let recycled = self.take_recycle(c, s);
            let share_a: f64 = self.scratch.comp[c]
                .iter()
                .zip(&spec.split_to_a)
                .map(|(x, a)| x * a)
                .sum();
            let (rate, limit) = self.circuit_limit(c, s, share_a, recycled);
            let state = &mut self.circuits[c];
            changed |= rate != state.rate;
            state.rate = rate;
            state.limit = limit;
            state.share_a = share_a;
            for (o, outlet) in spec.outlets.iter().enumerate() {
                if let Outlet::Tank(t) = *outlet {
                    let into = &mut self.scratch.tank_in[t + 1];
                    for ((x, a), v) in self.scratch.comp[c].iter().zip(&spec.split_to_a).zip(into) {
                        *v += rate * x * if o == 0 { *a } else { 1.0 - a };
                    }
                }
            }
        }
        changed
    }

    /// Feed accepted into the feed tank before its consumer is known: all of it unless the
    /// tank is full (then what its consumer takes) or over capacity (nothing).
    fn feed_inflow(&self) -> f64 {
        let offered = self.feed_rate();
        match self.tanks[0].mode {
            Mode::Over => 0.0,
            Mode::Full => match self.tanks.consumer(0) {
                Some(c) => offered.min(self.circuits[c].rate),
                None => 0.0,
            },
            _ => offered,
        }
    }

    /// Circuit `c`'s feed composition from its source tank `s` into the scratch buffer: the
    /// content's; what flows in when the tank is empty; what flows in, plus any excess of the
    /// circuit's rate (as last set) at the content's composition, when the tank is a pipe.
    fn feed_composition(&mut self, c: usize, s: usize) {
        let tank = &self.tanks[s];
        let comp = &mut self.scratch.comp[c];
        let inflow = &self.scratch.tank_in[s];
        let total: f64 = inflow.iter().sum();
        if tank.mode != Mode::Empty && !(tank.is_pipe() && total > 0.0) {
            tank.outflow_composition(comp);
            return;
        }
        if total > 0.0 {
            let rate = self.circuits[c].rate;
            let (masses, level) = (tank.masses(), tank.level());
            let excess = if tank.mode == Mode::Empty || level <= 0.0 {
                0.0
            } else {
                (rate - total).max(0.0)
            };
            comp.iter_mut()
                .zip(inflow)
                .zip(masses)
                .for_each(|((x, v), m)| {
                    let content = if excess > 0.0 {
                        excess * m / level
                    } else {
                        0.0
                    };
                    *x = (v + content) / (total + excess);
                });
        } else {
            let design = &self.spec.parts().circuits[c].design_composition;
            comp.copy_from_slice(design);
        }
    }

    /// A circuit in a fixed restart window that recycles its diverted liquor to its own empty
    /// source takes in that liquor too: with `u_e` of element e flowing into the source and a
    /// fraction `g_e` of the element it is fed leaving by its diverted outlets (and so coming
    /// back), it runs at `R = sum_e u_e / (1 - g_e)` with the feed composition
    /// `u_e / (1 - g_e) / R`, so that what comes back and what flows in make up exactly what it
    /// takes and the empty source stays empty. When that is at least its capacity `C` (or an
    /// element comes back whole, `g_e >= 1`), it runs at `C` and draws the same fraction of
    /// every element flowing into the source with what comes back (as an empty tank passes
    /// through what flows in): the source then fills. Returns the rate it can
    /// take (and sets its feed composition and `recycling[c]`), or `None` when its source is
    /// not empty, nothing flows in, nothing is diverted or recycled, or its diverted fractions
    /// would not settle (the circuit then takes only what flows in and the recycled liquor
    /// accumulates in the source).
    fn take_recycle(&mut self, c: usize, s: usize) -> Option<f64> {
        self.scratch.recycling[c] = false;
        if !self.may_recycle(c, s) {
            return None;
        }
        let spec = &self.spec.parts().circuits[c];
        let st = &self.circuits[c];
        let sc = &mut self.scratch;
        let keep = |e: usize| -> f64 {
            let a = spec.split_to_a[e];
            let mut g = 0.0;
            for (o, outlet) in spec.outlets.iter().enumerate() {
                if let Outlet::Product(_) = outlet {
                    g += st.diverted[o] * if o == 0 { a } else { 1.0 - a };
                }
            }
            1.0 - g
        };
        let inflow = &sc.tank_in[s];
        // Taken of the elements that come back in part, and inflow of those that come back
        // whole.
        let (mut total, mut whole) = (0.0, 0.0);
        for (e, &u) in inflow.iter().enumerate() {
            if u > 0.0 {
                let k = keep(e);
                if k > 0.0 {
                    total += u / k;
                } else {
                    whole += u;
                }
            }
        }
        if total + whole <= 0.0 {
            // (Nothing flows in: `may_recycle` said so.)
            return None;
        }
        let cap = st.cap;
        if whole <= 0.0 && total < cap {
            for (e, (x, &u)) in sc.comp[c].iter_mut().zip(inflow).enumerate() {
                *x = if u > 0.0 { u / keep(e) / total } else { 0.0 };
            }
            sc.recycling[c] = true;
            sc.recycled_for[c] = st.diverted;
            return Some(total);
        }
        // At capacity: it draws the same fraction cap / z of every element flowing into the
        // tank, z the total inflow with what comes back, sum_e u_e / (z - cap g_e) = 1 (the
        // sum falls from at least 1 at z = cap max(1, max g) to at most 1 there + the inflow).
        let (mut lo, mut g_max, mut flow) = (1.0f64, 0.0f64, 0.0);
        for (e, &u) in inflow.iter().enumerate() {
            if u > 0.0 {
                g_max = g_max.max(1.0 - keep(e));
                flow += u;
            }
        }
        lo = cap * lo.max(g_max);
        let mut hi = lo + flow;
        if hi <= lo {
            // Too little flows in to tell apart from rounding: it accumulates.
            return None;
        }
        let sum = |z: f64| -> f64 {
            (inflow.iter().enumerate())
                .filter(|(_, u)| **u > 0.0)
                .map(|(e, u)| u / (z - cap * (1.0 - keep(e))))
                .sum()
        };
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if sum(mid) > 1.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // At `hi` the fractions sum to at most 1 and no element is drawn beyond its inflow.
        for (e, (x, &u)) in sc.comp[c].iter_mut().zip(inflow).enumerate() {
            *x = if u > 0.0 {
                u / (hi - cap * (1.0 - keep(e)))
            } else {
                0.0
            };
        }
        sc.recycling[c] = true;
        sc.recycled_for[c] = st.diverted;
        Some(cap)
    }

    /// Whether circuit `c` takes in its recycled liquor from its source `s` (at the tank inflows
    /// of the current pass), as [`Self::take_recycle`] decides.
    fn may_recycle(&self, c: usize, s: usize) -> bool {
        let spec = &self.spec.parts().circuits[c];
        let st = &self.circuits[c];
        self.tanks[s].mode == Mode::Empty
            && spec.off_spec == OffSpecPolicy::Recycle
            && st.diverted != [0.0; 2]
            && !st.idle
            && st.cap > 0.0
            && !self.scratch.refuse_recycle[c]
            && self.scratch.tank_in[s].iter().any(|&u| u > 0.0)
    }

    /// Circuit `c`'s rate and what limits it below its capacity; `recycled` is what it takes
    /// from its empty source with its recycled liquor (see [`Self::take_recycle`]).
    fn circuit_limit(
        &mut self,
        c: usize,
        s: usize,
        share_a: f64,
        recycled: Option<f64>,
    ) -> (f64, Option<u16>) {
        let spec = &self.spec.parts().circuits[c];
        let state = &self.circuits[c];
        if state.idle {
            return (0.0, Some(fixed::UNDERFED));
        }
        let mut rate = state.cap;
        let mut why = None;
        if self.tanks[s].mode == Mode::Empty {
            let supply = recycled.unwrap_or_else(|| self.scratch.tank_in[s].iter().sum());
            if supply < rate {
                rate = supply;
                why = Some(fixed::STARVED);
            }
        }
        for (o, outlet) in spec.outlets.iter().enumerate() {
            let Outlet::Tank(t) = *outlet else { continue };
            let share = if o == 0 { share_a } else { 1.0 - share_a };
            let room = self.tank_room(t + 1, c);
            if share > 0.0 && room / share < rate {
                rate = (room / share).max(0.0);
                why = Some(fixed::BLOCKED);
            }
        }
        let min = spec.min_rate * spec.design_rate;
        if rate > 0.0 && rate < min && rate < state.cap {
            self.circuits[c].idle = true;
            return (0.0, Some(fixed::UNDERFED));
        }
        (rate, why)
    }

    /// What tank `t` can take from circuit `c` now, t/h: unlimited unless it is full (its
    /// consumer's rate less the other feeders' inflow) or over capacity (nothing).
    fn tank_room(&self, t: usize, c: usize) -> f64 {
        let tank = &self.tanks[t];
        match tank.mode {
            Mode::Over => 0.0,
            Mode::Full => {
                let out = self
                    .tanks
                    .consumer(t)
                    .map_or(0.0, |k| self.circuits[k].rate);
                // Summed as iterator sums (from -0.0), per feeder and over feeders; circuits
                // that do not feed the tank would add -0.0, which changes nothing.
                let mut others = -0.0;
                for &(f, outs) in &self.scratch.feeders[t] {
                    if f == c {
                        continue;
                    }
                    let st = &self.circuits[f];
                    let a = st.share_a;
                    let mut into = -0.0;
                    for (o, _) in outs.iter().enumerate().filter(|(_, to)| **to) {
                        into += st.rate * if o == 0 { a } else { 1.0 - a };
                    }
                    others += into;
                }
                (out - others).max(0.0)
            }
            _ => f64::INFINITY,
        }
    }

    /// With the circuit rates settled: per-train shares, purities, losses, and the element
    /// flows of every tank and product. When the rates were not settled anew (`settled` false)
    /// and no circuit's outlet purities or diverted fractions changed, the tank and product
    /// flows are those set last time.
    fn assign_flows(&mut self, settled: bool) {
        let parts = self.spec.parts();
        let mut diverted = false;
        let mut stale = std::mem::take(&mut self.scratch.stale_products);
        stale.clear();
        for c in 0..self.circuits.len() {
            let carried = self.circuits[c].set_flows(&parts.circuits[c], self.fleet.trains());
            self.dirty[c] = false;
            if carried != Carried::Same {
                diverted |= carried == Carried::Diverted;
                let outlets = parts.circuits[c].outlets.iter();
                stale.extend(outlets.filter_map(|o| match *o {
                    Outlet::Product(p) => Some(p),
                    Outlet::Tank(_) => None,
                }));
            }
        }
        if settled || diverted {
            self.route_diverted();
            let feed_in = self.feed_inflow();
            self.feed.set_accepted_rate(feed_in);
            for t in 0..self.tanks.len() {
                self.set_tank_rates(t, feed_in);
            }
        }
        if settled {
            for p in 0..self.products.len() {
                self.route_product(p);
            }
        } else {
            stale.sort_unstable();
            stale.dedup();
            for &p in &stale {
                self.route_product(p);
            }
        }
        self.scratch.stale_products = stale;
    }

    /// Product `p`'s element and impurity inflows: what its circuits' outlets send it, less
    /// what they divert, summed in circuit and outlet order.
    fn route_product(&mut self, p: usize) {
        let parts = self.spec.parts();
        let product = &mut self.products[p];
        product.in_rate.iter_mut().for_each(|x| *x = 0.0);
        product.impurity_rate = [0.0; 3];
        for &(c, o) in &self.scratch.product_feeders[p] {
            let spec = &parts.circuits[c];
            let st = &self.circuits[c];
            let keep = 1.0 - st.diverted[o];
            let mut flow = 0.0;
            for (e, into) in product.in_rate.iter_mut().enumerate() {
                let a = spec.split_to_a[e];
                let v = st.rate * self.scratch.comp[c][e] * if o == 0 { a } else { 1.0 - a };
                *into += v * keep;
                flow += v * keep;
            }
            for (acc, imp) in product.impurity_rate.iter_mut().zip(st.impurity[o]) {
                *acc += flow * imp;
            }
        }
    }

    /// Liquor diverted off-spec (fixed restart windows), recycled to the producing circuit's
    /// source tank or scrapped, summed in circuit and outlet order.
    fn route_diverted(&mut self) {
        for v in &mut self.scratch.recycle_in {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.off_spec.clear_rate();
        let parts = self.spec.parts();
        for c in 0..self.circuits.len() {
            let st = &self.circuits[c];
            if st.diverted == [0.0; 2] {
                // Nothing diverted: every term below would be 0 and is skipped.
                continue;
            }
            let spec = &parts.circuits[c];
            for (o, outlet) in spec.outlets.iter().enumerate() {
                if let Outlet::Tank(_) = outlet {
                    continue;
                }
                let keep = 1.0 - st.diverted[o];
                for e in 0..spec.split_to_a.len() {
                    let a = spec.split_to_a[e];
                    let v = st.rate * self.scratch.comp[c][e] * if o == 0 { a } else { 1.0 - a };
                    let divert = v * (1.0 - keep);
                    if divert > 0.0 {
                        match spec.off_spec {
                            OffSpecPolicy::Recycle => {
                                self.scratch.recycle_in[tank_of(spec.source)][e] += divert
                            }
                            OffSpecPolicy::Scrap => self.off_spec.add_rate(e, divert),
                        }
                    }
                }
            }
        }
    }

    /// Sets tank `t`'s inflow (plus recycled liquor) and its outflow to its consumer; the feed
    /// tank takes `feed_in` t/h of feed. An empty tank passes what flows in straight through
    /// (recycled liquor accumulates), unless its consumer takes its recycled liquor in: then it
    /// draws what the consumer takes, which what flows in and comes back make up.
    fn set_tank_rates(&mut self, t: usize, feed_in: f64) {
        let composition = &self.spec.parts().feed.composition;
        let tank_in = &self.scratch.tank_in[t];
        let inflow = |e: usize| {
            if t == 0 {
                feed_in * composition[e]
            } else {
                tank_in[e]
            }
        };
        let consumer = self.tanks.consumer(t);
        let recycle = &self.scratch.recycle_in[t];
        let out_total = consumer.map_or(0.0, |c| self.circuits[c].rate);
        let in_total: f64 = (0..recycle.len()).map(inflow).sum();
        let tank = &mut self.tanks[t];
        // A circuit taking in its recycled liquor draws what flows in with it (below).
        let recycling = consumer.is_some_and(|c| self.scratch.recycling[c]);
        if tank.mode == Mode::Empty && in_total > 0.0 && !recycling {
            // Pass-through: exactly what flows in, scaled if the consumer takes less.
            let f = (out_total / in_total).min(1.0);
            for (e, o) in tank.out_rate.iter_mut().enumerate() {
                *o = inflow(e) * f;
            }
        } else if let Some(c) = consumer {
            for (o, x) in tank.out_rate.iter_mut().zip(&self.scratch.comp[c]) {
                *o = out_total * x;
            }
        } else {
            tank.out_rate.iter_mut().for_each(|o| *o = 0.0);
        }
        for (e, i) in tank.in_rate.iter_mut().enumerate() {
            *i = inflow(e) + recycle[e];
        }
        tank.rates_set();
    }

    /// Sets each tank's and product's next event time (see [`Deadline`]).
    fn reschedule(&mut self, sched: &mut Scheduler<Ev>) {
        let now = sched.now().hours();
        let solve = self.scratch.solves;
        for t in 0..self.tanks.len() {
            let watch = self
                .tanks
                .consumer(t)
                .filter(|&c| self.circuits[c].idle)
                .map(|c| self.resume_level(c))
                .or_else(|| self.line_watch(t));
            let tank = &mut self.tanks[t];
            let due = tank.next_event_in(watch).map(|dt| now + dt);
            if let Some((at, version)) = tank.deadline.set(due, solve) {
                let tank = t as u32;
                sched.schedule_at(SimTime::from_hours(at), Ev::Tank { tank, version });
            }
        }
        for (p, product) in self.products.iter_mut().enumerate() {
            let due = product.next_batch_in().map(|dt| now + dt);
            if let Some((at, version)) = product.deadline.set(due, solve) {
                let product = p as u32;
                sched.schedule_at(SimTime::from_hours(at), Ev::Batch { product, version });
            }
        }
    }

    /// Records the largest drift of each running circuit's feed from its design composition
    /// (in the statistics window).
    fn track_drift(&mut self) {
        self.scratch.drift_seen = self.warm.is_some();
        if self.warm.is_none() {
            return;
        }
        let parts = self.spec.parts();
        for c in 0..self.circuits.len() {
            if self.circuits[c].rate <= 0.0 {
                continue;
            }
            let design = &parts.circuits[c].design_composition;
            let comp = &self.scratch.comp[c];
            let d = comp
                .iter()
                .zip(design)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            if d > self.drift[c].0 {
                self.drift[c].0 = d;
                self.drift[c].1.copy_from_slice(comp);
            }
        }
    }
}
