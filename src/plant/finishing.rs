//! The finishing unit (precipitation and calcination) shared by every product: product liquor
//! waits per product; a free place takes one lot's mass of the product with the most waiting
//! (ties to the lower sink index) as a batch; a batch reaches its sink when done. With a finite
//! buffer, circuits sending product block while the waiting liquor would not fit.

use super::FinishingSpec;
use super::event::Ev;
use super::layout::sampler;
use super::mass::Fixed;
use super::model::Plant;
use super::routes::Routes;
use crate::engine::{Sampler, Scheduler, StreamRng};

/// Slack on the batch threshold, in lots.
const EPS: f64 = 1e-9;

/// Runtime state of the finishing unit.
#[derive(Debug)]
pub(crate) struct Finishing {
    residence: Sampler,
    rng: StreamRng,
    elements: usize,
    lot_total: f64,
    /// Lots of liquor that may wait (infinite when unbounded).
    buffer: f64,
    /// Waiting mass, sink-major, per element; and per sink in total.
    waiting: Vec<f64>,
    waiting_sink: Vec<f64>,
    /// Waiting liquor in lots, all sinks.
    waiting_lots: f64,
    /// Mass of the batch in each place, place-major; its sink; free places (a stack).
    batch: Vec<f64>,
    batch_sink: Vec<usize>,
    free: Vec<u32>,
}

impl Finishing {
    /// An idle unit for `spec` drawing batch times from `rng`.
    pub fn new(spec: &FinishingSpec, routes: &Routes, rng: StreamRng) -> Self {
        let e = routes.lot_mass.len();
        let places = spec.capacity as usize;
        Finishing {
            residence: sampler(&spec.residence),
            rng,
            elements: e,
            lot_total: routes.lot_mass.iter().sum(),
            buffer: spec.buffer.map_or(f64::INFINITY, f64::from),
            waiting: vec![0.0; routes.sinks.len() * e],
            waiting_sink: vec![0.0; routes.sinks.len()],
            waiting_lots: 0.0,
            batch: vec![0.0; places * e],
            batch_sink: vec![0; places],
            free: (0..places as u32).rev().collect(),
        }
    }

    /// Whether `need` more lots of liquor fit in the buffer.
    pub fn has_room(&self, need: f64) -> bool {
        self.waiting_lots + need <= self.buffer + EPS
    }

    /// Adds the mass waiting and in batches to `acc` (per element).
    pub fn add_in_process(&self, acc: &mut [Fixed]) {
        for chunk in self.waiting.chunks_exact(self.elements) {
            acc.iter_mut().zip(chunk).for_each(|(a, &m)| a.add(m));
        }
        let busy = |p: &usize| !self.free.contains(&(*p as u32));
        for p in (0..self.batch_sink.len()).filter(busy) {
            let chunk = &self.batch[p * self.elements..(p + 1) * self.elements];
            acc.iter_mut().zip(chunk).for_each(|(a, &m)| a.add(m));
        }
    }

    /// The sink with the most waiting liquor, if it holds a batch.
    fn next_sink(&self) -> Option<usize> {
        let threshold = self.lot_total * (1.0 - EPS);
        let (s, &most) = self
            .waiting_sink
            .iter()
            .enumerate()
            .rev()
            .max_by(|a, b| a.1.total_cmp(b.1))?;
        (most >= threshold).then_some(s)
    }
}

impl Plant {
    /// A product part for sink `s` reaches the finishing unit.
    pub(crate) fn finishing_receive(&mut self, s: usize, part: &[f64], sched: &mut Scheduler<Ev>) {
        let f = self.finishing.as_mut().expect("finishing unit");
        let e = f.elements;
        for (w, &m) in f.waiting[s * e..(s + 1) * e].iter_mut().zip(part) {
            *w += m;
        }
        let mass: f64 = part.iter().sum();
        f.waiting_sink[s] += mass;
        f.waiting_lots += mass / f.lot_total;
        if let Some(st) = &mut self.stats.finishing {
            st.waiting
                .add(self.now, mass / f.lot_total, self.stats.warmup);
        }
        self.start_batches(sched);
    }

    /// Starts batches while a place is free and a product holds a lot's mass.
    fn start_batches(&mut self, sched: &mut Scheduler<Ev>) {
        let mut started = false;
        loop {
            let f = self.finishing.as_mut().expect("finishing unit");
            if f.free.is_empty() {
                break;
            }
            let Some(s) = f.next_sink() else { break };
            let place = f.free.pop().expect("a free place") as usize;
            let e = f.elements;
            let fraction = (f.lot_total / f.waiting_sink[s]).min(1.0);
            let mut taken = 0.0;
            for (w, b) in f.waiting[s * e..(s + 1) * e]
                .iter_mut()
                .zip(&mut f.batch[place * e..(place + 1) * e])
            {
                *b = if fraction == 1.0 { *w } else { *w * fraction };
                *w -= *b;
                taken += *b;
            }
            f.waiting_sink[s] = f.waiting[s * e..(s + 1) * e].iter().sum();
            f.waiting_lots -= taken / f.lot_total;
            f.batch_sink[place] = s;
            let d = f.residence.sample(&mut f.rng).max(0.0);
            sched.schedule_in(d, Ev::batch_done(place as u32));
            if let Some(st) = &mut self.stats.finishing {
                let w = self.stats.warmup;
                st.waiting.add(self.now, -taken / f.lot_total, w);
                st.busy.add(self.now, 1.0, w);
            }
            started = true;
        }
        if started && self.blocked_total > 0 {
            self.unblock(sched);
        }
    }

    /// The batch in place `place` is done: its mass reaches its sink.
    pub(crate) fn on_batch_done(&mut self, place: usize, sched: &mut Scheduler<Ev>) {
        let f = self.finishing.as_mut().expect("finishing unit");
        let e = f.elements;
        let s = f.batch_sink[place];
        f.free.push(place as u32);
        let batch = std::mem::take(&mut f.batch);
        self.stats
            .deliver(self.now, s, &batch[place * e..(place + 1) * e]);
        let f = self.finishing.as_mut().expect("finishing unit");
        f.batch = batch;
        if let Some(st) = &mut self.stats.finishing {
            st.busy.add(self.now, -1.0, self.stats.warmup);
        }
        self.start_batches(sched);
    }
}
