//! The rate solve: after an event, the feed rate of every circuit and the element flows into
//! and out of every tank and product, constant until the next event.
//!
//! A circuit runs at the sum of its up trains' maxima unless something limits it:
//! * its source tank is empty: it takes only what flows in (starved);
//! * an outlet's tank is full: it puts in only what the tank's consumer takes, less what the
//!   tank's other feeders put in (blocked); a tank above capacity (a recycled batch came back)
//!   takes nothing until it is back at capacity;
//! * the limit is below its turndown (`min_rate` x design): it idles until its source holds
//!   [`RESUME_HOURS`] of turndown flow (or is full).
//!
//! Limits pass down the flowsheet through empty tanks and up through full ones; circuits are
//! visited in flow order and the visit repeats until no rate changes (the dependencies through
//! empty and full tanks form no cycle, so this settles in a few passes; a cap on passes keeps
//! it finite whatever happens).

use super::event::Ev;
use super::model::{Flow, tank_of};
use super::spec::{Outlet, PlantSpec};
use super::tank::{LEVEL_TOLERANCE_T, Mode};
use super::train::{Train, fixed};
use crate::engine::Scheduler;

/// An idled circuit resumes once its source holds this many hours of its turndown flow.
pub const RESUME_HOURS: f64 = 8.0;

/// Buffers of the rate solve, allocated once per replication.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Per tank, per element: inflow accumulated in the current pass, t/h.
    tank_in: Vec<Vec<f64>>,
    /// Per circuit: composition of its feed (mass fractions).
    comp: Vec<Vec<f64>>,
    /// Per product, per element: inflow, t/h; and impurity by source, t/h.
    product_in: Vec<Vec<f64>>,
    product_impurity: Vec<[f64; 3]>,
    /// Per tank: recycled diverted liquor flowing back, per element, t/h.
    recycle_in: Vec<Vec<f64>>,
}

impl Scratch {
    /// Buffers sized for `spec`.
    pub fn new(spec: &PlantSpec) -> Scratch {
        let e = spec.elements();
        let p = spec.parts();
        let tanks = p.tanks.len() + 1;
        Scratch {
            tank_in: vec![vec![0.0; e]; tanks],
            comp: vec![vec![0.0; e]; p.circuits.len()],
            product_in: vec![vec![0.0; e]; p.products.len()],
            product_impurity: vec![[0.0; 3]; p.products.len()],
            recycle_in: vec![vec![0.0; e]; tanks],
        }
    }
}

/// A train's maximum as a multiple of design, and the derate mode holding it down (if any).
pub(super) fn train_max(spec: &super::spec::CircuitSpec, t: &Train) -> (f64, Option<u16>) {
    let mut best = (spec.max_rate, None);
    for (m, &n) in t.derates.iter().enumerate() {
        if n > 0 {
            if let super::spec::Effect::Derate(x) = spec.failures[m].effect {
                if x < best.0 {
                    best = (x, Some(m as u16));
                }
            }
        }
    }
    best
}

impl Flow<'_> {
    /// Recomputes every rate from the current state and reschedules the level and batch events
    /// whose timing changed.
    pub(super) fn solve(&mut self, sched: &mut Scheduler<Ev>) {
        self.advance_all();
        for t in &mut self.tanks {
            t.classify();
        }
        self.recount_dirty();
        self.resume_idle();
        self.settle_rates();
        self.assign_flows();
        self.reschedule(sched);
        self.track_drift();
    }

    /// Recounts the capacity of circuits whose trains changed.
    fn recount_dirty(&mut self) {
        let parts = self.spec.parts();
        for c in 0..self.circuits.len() {
            if self.dirty[c] {
                let spec = &parts.circuits[c];
                self.circuits[c].recount(spec, &self.trains, |t| train_max(spec, t).0);
            }
        }
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

    /// Circuit feed rates: passes in flow order until none changes.
    fn settle_rates(&mut self) {
        let passes = 2 * self.circuits.len() + 4;
        for _ in 0..passes {
            if !self.rate_pass() {
                break;
            }
        }
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
            let share_a: f64 = self.scratch.comp[c]
                .iter()
                .zip(&spec.split_to_a)
                .map(|(x, a)| x * a)
                .sum();
            let (rate, limit) = self.circuit_limit(c, s, share_a);
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
            Mode::Full => match self.consumer[0] {
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

    /// Circuit `c`'s rate and what limits it below its capacity.
    fn circuit_limit(&mut self, c: usize, s: usize, share_a: f64) -> (f64, Option<u16>) {
        let spec = &self.spec.parts().circuits[c];
        let state = &self.circuits[c];
        if state.idle {
            return (0.0, Some(fixed::UNDERFED));
        }
        let mut rate = state.cap;
        let mut why = None;
        if self.tanks[s].mode == Mode::Empty {
            let supply: f64 = self.scratch.tank_in[s].iter().sum();
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
                let out = self.consumer[t].map_or(0.0, |k| self.circuits[k].rate);
                let parts = self.spec.parts();
                let others: f64 = (0..self.circuits.len())
                    .filter(|&f| f != c)
                    .map(|f| {
                        let spec = &parts.circuits[f];
                        let st = &self.circuits[f];
                        let a = st.share_a;
                        spec.outlets
                            .iter()
                            .enumerate()
                            .filter(|(_, o)| **o == Outlet::Tank(t - 1))
                            .map(|(o, _)| st.rate * if o == 0 { a } else { 1.0 - a })
                            .sum::<f64>()
                    })
                    .sum();
                (out - others).max(0.0)
            }
            _ => f64::INFINITY,
        }
    }

    /// With the circuit rates settled: per-train shares, purities, losses, and the element
    /// flows of every tank and product.
    fn assign_flows(&mut self) {
        let parts = self.spec.parts();
        for v in self
            .scratch
            .product_in
            .iter_mut()
            .chain(&mut self.scratch.recycle_in)
        {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.scratch
            .product_impurity
            .iter_mut()
            .for_each(|x| *x = [0.0; 3]);
        self.scrap_rate.iter_mut().for_each(|x| *x = 0.0);
        for c in 0..self.circuits.len() {
            let spec = &parts.circuits[c];
            let st = &mut self.circuits[c];
            st.allocate(spec, &self.trains, |t| train_max(spec, t).0);
            st.set_purities(spec, &self.trains);
            st.set_losses(spec, &self.trains, |t| train_max(spec, t));
            self.dirty[c] = false;
            self.route_outlets(c);
        }
        let feed_in = self.feed_inflow_settled();
        self.feed.accepted_rate = feed_in;
        for t in 0..self.tanks.len() {
            let mut inflow = self.scratch.tank_in[t].clone();
            if t == 0 {
                for (x, f) in inflow.iter_mut().zip(&parts.feed.composition) {
                    *x = feed_in * f;
                }
            }
            self.set_tank_rates(t, inflow);
        }
        for (p, product) in self.products.iter_mut().enumerate() {
            product.in_rate.copy_from_slice(&self.scratch.product_in[p]);
            product.impurity_rate = self.scratch.product_impurity[p];
        }
    }

    /// The feed accepted once the feed tank's consumer rate is settled, t/h.
    fn feed_inflow_settled(&self) -> f64 {
        self.feed_inflow()
    }

    /// Sends circuit `c`'s outlet flows to their tanks (already in the scratch inflows) and
    /// products, diverting off-spec liquor.
    fn route_outlets(&mut self, c: usize) {
        let spec = &self.spec.parts().circuits[c];
        let st = &self.circuits[c];
        let rate = st.rate;
        for (o, outlet) in spec.outlets.iter().enumerate() {
            let Outlet::Product(p) = *outlet else {
                continue;
            };
            let keep = 1.0 - st.diverted[o];
            let mut flow = 0.0;
            for e in 0..spec.split_to_a.len() {
                let a = spec.split_to_a[e];
                let v = rate * self.scratch.comp[c][e] * if o == 0 { a } else { 1.0 - a };
                self.scratch.product_in[p][e] += v * keep;
                flow += v * keep;
                let divert = v * (1.0 - keep);
                if divert > 0.0 {
                    match spec.off_spec {
                        super::spec::OffSpecPolicy::Recycle => {
                            self.scratch.recycle_in[tank_of(spec.source)][e] += divert
                        }
                        super::spec::OffSpecPolicy::Scrap => self.scrap_rate[e] += divert,
                    }
                }
            }
            for (acc, imp) in self.scratch.product_impurity[p]
                .iter_mut()
                .zip(st.impurity[o])
            {
                *acc += flow * imp;
            }
        }
    }

    /// Sets tank `t`'s inflow (plus recycled liquor) and its outflow to its consumer.
    fn set_tank_rates(&mut self, t: usize, mut inflow: Vec<f64>) {
        let consumer = self.consumer[t];
        let tank = &mut self.tanks[t];
        let out_total = consumer.map_or(0.0, |c| self.circuits[c].rate);
        let in_total: f64 = inflow.iter().sum();
        let mut out = vec![0.0; inflow.len()];
        if tank.mode == Mode::Empty && in_total > 0.0 {
            // Pass-through: exactly what flows in, scaled if the consumer takes less.
            let f = (out_total / in_total).min(1.0);
            out.iter_mut().zip(&inflow).for_each(|(o, i)| *o = i * f);
        } else if let Some(c) = consumer {
            out.iter_mut()
                .zip(&self.scratch.comp[c])
                .for_each(|(o, x)| *o = out_total * x);
        }
        inflow
            .iter_mut()
            .zip(&self.scratch.recycle_in[t])
            .for_each(|(i, r)| *i += r);
        tank.in_rate = inflow;
        tank.out_rate = out;
    }

    /// Schedules each tank's and product's next event.
    fn reschedule(&mut self, sched: &mut Scheduler<Ev>) {
        for t in 0..self.tanks.len() {
            let watch = self.consumer[t]
                .filter(|&c| self.circuits[c].idle)
                .map(|c| self.resume_level(c))
                .or_else(|| self.line_watch(t));
            let tank = &mut self.tanks[t];
            tank.version += 1;
            if let Some(dt) = tank.next_event_in(watch) {
                let version = tank.version;
                sched.schedule_in(
                    dt,
                    Ev::Tank {
                        tank: t as u32,
                        version,
                    },
                );
            }
        }
        for (p, product) in self.products.iter_mut().enumerate() {
            product.version += 1;
            if let Some(dt) = product.next_batch_in() {
                sched.schedule_in(
                    dt,
                    Ev::Batch {
                        product: p as u32,
                        version: product.version,
                    },
                );
            }
        }
    }

    /// Records the largest drift of each running circuit's feed from its design composition
    /// (in the statistics window).
    fn track_drift(&mut self) {
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
                self.drift[c] = (d, comp.clone());
            }
        }
    }
}
