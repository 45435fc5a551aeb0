//! Circuit exits: an on-spec lot splits into its A and B parts, which go to product sinks or
//! into tanks (whose residual forms new lots); a full destination blocks the lot in the last
//! stage, and room made downstream releases blocked lots, earliest-finished first.

use super::event::Ev;
use super::layout::{UNBOUNDED, outlet};
use super::model::Plant;
use crate::engine::Scheduler;

/// Slack on tank levels and lot-forming thresholds, in lots (floating-point rounding of the
/// splits must not leave a tank a hair short of a whole lot).
const EPS: f64 = 1e-9;

impl Plant {
    /// Whether on-spec lot `lot` finishing train `k` must wait for room downstream.
    #[inline]
    pub(crate) fn exit_blocked(&self, k: u32, lot: u32) -> bool {
        let train = &self.trains[k as usize];
        let c = train.circuit as usize;
        self.circuits[c].finite_out
            && self.now >= train.off_spec_until
            && !self.outlets_have_room(c, lot)
    }

    /// A lot of train `k` was blocked at the outlet: count it; its line may switch.
    pub(crate) fn outlet_blocked(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let c = self.trains[k as usize].circuit as usize;
        self.circuits[c].blocked_out += 1;
        self.blocked_total += 1;
        self.line_changed(c, sched);
    }

    /// The A part of `lot` leaving circuit `c`, in lots.
    fn a_lots(&self, c: usize, lot: u32) -> f64 {
        let split = &self.splits[c * self.elements..(c + 1) * self.elements];
        let a: f64 = self
            .lots
            .mass(lot)
            .iter()
            .zip(split)
            .map(|(m, s)| m * s)
            .sum();
        a / self.lot_total
    }

    /// Whether both parts of `lot` leaving circuit `c` fit in their destinations.
    fn outlets_have_room(&self, c: usize, lot: u32) -> bool {
        let total = self.lots.mass(lot).iter().sum::<f64>() / self.lot_total;
        let a = self.a_lots(c, lot);
        let [oa, ob] = self.circuits[c].outlets;
        let both_sinks = outlet::sink(oa).is_some() && outlet::sink(ob).is_some();
        if oa == ob || both_sinks {
            return self.room(oa, total);
        }
        self.room(oa, a) && self.room(ob, total - a)
    }

    /// Whether `need` lots fit in the destination `code` now.
    fn room(&self, code: u32, need: f64) -> bool {
        if need <= 0.0 {
            return true;
        }
        if outlet::sink(code).is_some() {
            return self.finishing.as_ref().is_none_or(|f| f.has_room(need));
        }
        let d = &self.circuits[code as usize];
        d.tank_cap == UNBOUNDED
            || f64::from(d.in_tank) + d.residual / self.lot_total + need
                <= f64::from(d.tank_cap) + EPS
    }

    /// On-spec lot `lot` (its destinations have room) leaves train `k` of circuit `c`: a whole
    /// lot moves on into an empty-residual tank keeping its identity; otherwise its A and B
    /// parts go to their destinations and the lot record ends.
    pub(crate) fn exit_circuit(&mut self, c: usize, k: u32, lot: u32, sched: &mut Scheduler<Ev>) {
        let circuit = &self.circuits[c];
        for i in 0..2 {
            let code = circuit.outlets[i];
            if circuit.whole[i]
                && outlet::sink(code).is_none()
                && self.circuits[code as usize].residual == 0.0
            {
                self.enter_circuit(code as usize, lot, true, sched);
                return;
            }
        }
        let mut parts = std::mem::take(&mut self.parts);
        let e = self.elements;
        let split = &self.splits[c * e..(c + 1) * e];
        for (i, (&m, &s)) in self.lots.mass(lot).iter().zip(split).enumerate() {
            parts[i] = m * s;
            parts[e + i] = m - m * s;
        }
        let arrived = self.lots.slots[lot as usize].arrived;
        self.lots.free(lot);
        let (mut to_sink, mut to_tank) = (false, false);
        for (i, part) in parts.chunks_exact(e).enumerate() {
            if part.iter().all(|&m| m == 0.0) {
                continue;
            }
            let code = self.circuits[c].outlets[i];
            match outlet::sink(code) {
                Some(s) => {
                    to_sink = true;
                    self.send_to_sink(s, part, sched);
                }
                None => {
                    to_tank = true;
                    self.send_to_tank(code as usize, part, arrived, sched);
                }
            }
        }
        self.parts = parts;
        if to_sink {
            self.stats.lead(self.now, arrived, k);
        }
        if to_tank {
            self.stats.lots.absorbed += 1;
        } else {
            self.stats.lots.departed += 1;
        }
    }

    /// A part reaches product sink `s`: through the finishing unit if there is one.
    fn send_to_sink(&mut self, s: usize, part: &[f64], sched: &mut Scheduler<Ev>) {
        if self.finishing.is_some() {
            self.finishing_receive(s, part, sched);
        } else {
            self.stats.deliver(self.now, s, part);
        }
    }

    /// A part (arrived at the plant at `arrived`, hours) joins the residual of circuit `d`'s
    /// source tank; whole lots formed from it queue for `d`.
    fn send_to_tank(&mut self, d: usize, part: &[f64], arrived: f64, sched: &mut Scheduler<Ev>) {
        let e = self.elements;
        let residual = &mut self.tank_mass[d * e..(d + 1) * e];
        for (r, &m) in residual.iter_mut().zip(part) {
            *r += m;
        }
        let total = residual.iter().sum();
        let circuit = &mut self.circuits[d];
        circuit.residual = total;
        circuit.residual_time += part.iter().sum::<f64>() * arrived;
        while self.circuits[d].residual >= self.lot_total * (1.0 - EPS) {
            self.form_lot(d, sched);
        }
    }

    /// Forms one lot (mass L, or all of a residual within rounding of L) from circuit `d`'s
    /// source tank residual, with its composition and mass-weighted arrival time.
    fn form_lot(&mut self, d: usize, sched: &mut Scheduler<Ev>) {
        let e = self.elements;
        let (residual, residual_time) = (self.circuits[d].residual, self.circuits[d].residual_time);
        let fraction = (self.lot_total / residual).min(1.0);
        let arrived = residual_time / residual;
        let lot = self.lots.alloc(arrived);
        let mut left = 0.0;
        let mut taken = 0.0;
        for (r, m) in self.tank_mass[d * e..(d + 1) * e]
            .iter_mut()
            .zip(self.lots.mass_mut(lot))
        {
            *m = if fraction == 1.0 { *r } else { *r * fraction };
            *r -= *m;
            taken += *m;
            left += *r;
        }
        let circuit = &mut self.circuits[d];
        circuit.residual = left;
        circuit.residual_time = if left > 0.0 {
            residual_time - taken * arrived
        } else {
            0.0
        };
        self.stats.lots.formed += 1;
        self.enter_circuit(d, lot, true, sched);
    }

    /// Room was made downstream: releases blocked outlet lots whose destinations now have room,
    /// earliest-finished first, until none can go. Re-entrant calls only ask for another scan.
    pub(crate) fn unblock(&mut self, sched: &mut Scheduler<Ev>) {
        if self.unblocking {
            self.unblock_again = true;
            return;
        }
        self.unblocking = true;
        loop {
            self.unblock_again = false;
            match self.earliest_releasable() {
                Some(k) => self.release(k, sched),
                None if self.unblock_again => continue,
                None => break,
            }
        }
        self.unblocking = false;
    }

    /// The train whose blocked outlet lot finished earliest among those that can go now.
    fn earliest_releasable(&self) -> Option<u32> {
        let mut best: Option<(f64, u32)> = None;
        for (c, circuit) in self.circuits.iter().enumerate() {
            if circuit.blocked_out == 0 {
                continue;
            }
            for k in self.trains_of(c) {
                if !self.trains[k as usize].runs() {
                    continue; // a stopped or parked train does not pump out
                }
                let last = self.trains[k as usize].last as usize;
                let Some(lot) = self.stages[last].blocked.head() else {
                    continue;
                };
                let end = self.lots.slots[lot as usize].end;
                if best.is_none_or(|(t, _)| end < t) && self.outlets_have_room(c, lot) {
                    best = Some((end, k));
                }
            }
        }
        best.map(|(_, k)| k)
    }

    /// Whether circuit `c` could deliver now: it has no blocked lot, or one of its blocked
    /// lots fits in its destinations.
    pub(crate) fn can_flow(&self, c: usize) -> bool {
        self.circuits[c].blocked_out == 0
            || self.trains_of(c).any(|k| {
                let last = self.trains[k as usize].last as usize;
                self.stages[last]
                    .blocked
                    .head()
                    .is_some_and(|lot| self.outlets_have_room(c, lot))
            })
    }

    /// Releases the first blocked lot at train `k`'s last stage (on-spec, room checked).
    fn release(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let last = self.trains[k as usize].last;
        let lot = self.stages[last as usize]
            .blocked
            .pop(&self.lots.slots)
            .expect("a blocked lot");
        let acc = self.stages[last as usize].acc as usize;
        self.stats.groups[acc]
            .blocked
            .add(self.now, -1.0, self.stats.warmup);
        self.stages[last as usize].in_proc -= 1;
        let c = self.trains[k as usize].circuit as usize;
        self.circuits[c].blocked_out -= 1;
        self.blocked_total -= 1;
        self.leave_on_spec(k, lot, sched);
        self.after_free(k, last, sched);
    }
}
