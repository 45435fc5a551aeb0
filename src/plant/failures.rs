//! Breakdowns: a failure stops the whole train (services freeze), repairs may wait for a
//! shared crew, and lots leaving during the restart transient are off-spec.

use super::event::Ev;
use super::layout::UNBOUNDED;
use super::lots::LotState;
use super::model::Plant;
use crate::engine::{Scheduler, SimTime};

impl Plant {
    /// Schedules train `k`'s next failure after a time to failure counted in up time (the
    /// train is up from now until then).
    pub(crate) fn schedule_failure(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let train = &mut self.trains[k as usize];
        if let Some(f) = &self.circuits[train.circuit as usize].failures {
            let ttf = f.ttf.sample(&mut train.fail_rng).max(0.0);
            sched.schedule_in(ttf, Ev::fail(k));
        }
    }

    /// Train `k` breaks down: it stops, its services freeze, it asks for a crew. A parked
    /// train does not fail (it is not running): the failure is skipped and the next drawn.
    pub(crate) fn on_fail(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        if self.trains[k as usize].parked {
            self.schedule_failure(k, sched);
            return;
        }
        self.trains[k as usize].up = false;
        self.stats.trains[k as usize]
            .up
            .add(self.now, -1.0, self.stats.warmup);
        self.freeze(k);
        let c = self.trains[k as usize].circuit as usize;
        let pool = self.circuits[c]
            .failures
            .as_ref()
            .expect("failing circuit has failures")
            .pool as usize;
        let p = &mut self.pools[pool];
        if let Some(t) = self.trace.as_deref_mut() {
            t.failed(self.now, k, p.free != 0);
        }
        if p.free == 0 {
            p.queue.push_back(k);
            return;
        }
        if p.free != UNBOUNDED {
            p.free -= 1;
        }
        self.start_repair(k, sched);
    }

    /// A crew starts repairing train `k` now.
    fn start_repair(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let train = &mut self.trains[k as usize];
        let f = self.circuits[train.circuit as usize]
            .failures
            .as_ref()
            .expect("failures");
        let ttr = f.ttr.sample(&mut train.fail_rng).max(0.0);
        sched.schedule_in(ttr, Ev::repaired(k));
    }

    /// Train `k`'s repair ends: the crew moves on (to the longest-waiting train of its pool),
    /// the train restarts and resumes its frozen services with their remaining times (unless
    /// its circuit is parked: they resume when the campaign returns).
    pub(crate) fn on_repaired(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let c = self.trains[k as usize].circuit as usize;
        let f = self.circuits[c].failures.as_ref().expect("failures");
        let restart_h = f.restart_h;
        let p = &mut self.pools[f.pool as usize];
        let next = p.queue.pop_front();
        if next.is_none() && p.free != UNBOUNDED {
            p.free += 1;
        }
        if let Some(next) = next {
            if let Some(t) = self.trace.as_deref_mut() {
                t.repair_started(self.now, next);
            }
            self.start_repair(next, sched);
        }
        if let Some(t) = self.trace.as_deref_mut() {
            t.restarted(self.now, k, restart_h);
        }
        let train = &mut self.trains[k as usize];
        train.up = true;
        if restart_h > 0.0 {
            train.off_spec_until = self.now + restart_h;
        }
        self.stats.trains[k as usize]
            .up
            .add(self.now, 1.0, self.stats.warmup);
        self.schedule_failure(k, sched);
        if self.trains[k as usize].parked {
            return;
        }
        self.resume(k, sched);
        self.kick(k, sched);
        self.dispatch(c, sched);
        if self.blocked_total > 0 {
            self.unblock(sched);
        }
    }

    /// Freezes train `k`'s services: each lot in service keeps its remaining time, and its
    /// pending completion event becomes stale (token bump).
    pub(crate) fn freeze(&mut self, k: u32) {
        let now = self.now;
        let mut frozen = std::mem::take(&mut self.trains[k as usize].frozen);
        frozen.clear();
        for (id, lot) in self.lots.slots.iter_mut().enumerate() {
            if lot.state == LotState::InService && lot.train == k {
                lot.end -= now;
                lot.token = lot.token.wrapping_add(1);
                frozen.push(id as u32);
            }
        }
        let slots = &self.lots.slots;
        frozen.sort_unstable_by_key(|&id| slots[id as usize].order);
        self.trains[k as usize].frozen = frozen;
    }

    /// Reschedules train `k`'s frozen services, in their original start order.
    pub(crate) fn resume(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let mut frozen = std::mem::take(&mut self.trains[k as usize].frozen);
        for &id in &frozen {
            let lot = &mut self.lots.slots[id as usize];
            lot.end += self.now;
            sched.schedule_at(SimTime::from_hours(lot.end), Ev::done(id, lot.token));
        }
        frozen.clear();
        self.trains[k as usize].frozen = frozen;
    }

    /// After a restart, starts every lot that waits at a stage with a free place (lots queued
    /// at the first stage while the train was down), and pulls from a shared queue.
    pub(crate) fn kick(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let (first, last) = (self.trains[k as usize].first, self.trains[k as usize].last);
        for s in first..=last {
            while self.stages[s as usize].in_proc < self.stages[s as usize].cap {
                let Some(lot) = self.stages[s as usize].wait.pop(&self.lots.slots) else {
                    break;
                };
                self.start_service(k, s, lot, sched);
            }
        }
        self.pull_shared(k, sched);
    }
}
