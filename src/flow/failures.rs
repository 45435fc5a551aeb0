//! Failure modes, repairs with shared crews, planned maintenance and restart transients.
//!
//! A failure clock counts operating time: it runs while its train is up and freezes while the
//! train is stopped (a stopped bank does not wear). When it runs out, the mode's effect starts
//! (stop, derate, bypass of its stage) and a crew is asked for; repairs wait FIFO for a free
//! crew. When the repair ends the effect ends and the clock restarts with a new draw. Every stop
//! (failure, maintenance, parking by a line) ends with a restart transient whose off-spec time
//! depends on how long the stop lasted.
//!
//! **Lazy failure events.** Only the first running clock of each train (by due time, then by
//! when it started running) needs its failure event in the queue: the others cannot run out
//! before it, and a stop freezes them all. A clock that starts running takes its place among
//! simultaneous events at once ([`Scheduler::reserve`]); its event is queued when it becomes
//! its train's first, with that place. So failures fire in the same order as if every running
//! clock had its event queued, and the queue holds about one failure event per up train
//! instead of one per clock plus the stale events of every stop.

use super::event::Ev;
use super::model::Flow;
use super::spec::{ChangeoverStart, Effect, RestartSpec};
use super::train::{Cause, Clock, fixed};
use crate::engine::{Scheduler, SimTime};

impl Flow<'_> {
    /// Clock `i` runs out: its mode's effect starts and it asks for a crew.
    pub(super) fn on_fail(&mut self, i: u32, version: u32, sched: &mut Scheduler<Ev>) -> bool {
        let Some(clock) = self.fleet.fail(i, version) else {
            return false;
        };
        self.advance_all();
        let t = clock.train as usize;
        let c = self.fleet.train(t).circuit as usize;
        self.set_effect(c, t, clock, true);
        self.dirty[c] = true;
        self.fleet.queue_first_clock(clock.train, sched);
        if self.crews.request(c, i) {
            self.start_repair(i, sched);
        }
        true
    }

    /// The effect of `clock`'s mode on train `t` of circuit `c` starts (`on`) or ends (a
    /// stop's end is left to the caller: the train may restart).
    fn set_effect(&mut self, c: usize, t: usize, clock: Clock, on: bool) {
        let cs = &self.spec.parts().circuits[c];
        match cs.failures[clock.mode as usize].effect {
            Effect::Stop if on => self.stop_train(t, Cause(clock.mode)),
            Effect::Stop => {}
            Effect::Derate(_) => self.fleet.set_derate(t, clock.mode, on),
            Effect::Bypass => {
                let section = cs.sections.section_of(clock.stage);
                self.fleet.set_bypass(t, section, on);
            }
        }
    }

    /// A crew starts repairing clock `i`.
    fn start_repair(&mut self, i: u32, sched: &mut Scheduler<Ev>) {
        let ttr = self.fleet.repair_time(i);
        sched.schedule_in(ttr, Ev::Repaired { clock: i });
    }

    /// Clock `i`'s repair ends: the effect ends, the crew takes the next repair, the clock
    /// restarts.
    pub(super) fn on_repaired(&mut self, i: u32, sched: &mut Scheduler<Ev>) -> bool {
        self.advance_all();
        let clock = self.fleet.clock(i);
        let t = clock.train as usize;
        let c = self.fleet.train(t).circuit as usize;
        let cs = &self.spec.parts().circuits[c];
        if cs.failures[clock.mode as usize].effect == Effect::Stop {
            self.start_train(t, sched);
        } else {
            self.set_effect(c, t, clock, false);
        }
        self.dirty[c] = true;
        self.circuits[c].stats.repairs += 1;
        if let Some(next) = self.crews.release(c) {
            self.start_repair(next, sched);
        }
        self.fleet.draw_failure(i, self.now, sched);
        true
    }

    /// One more stop reason for train `t`; a running train stops and its clocks freeze.
    pub(super) fn stop_train(&mut self, t: usize, cause: Cause) {
        if self.fleet.stop(t, cause, self.now) {
            self.dirty[self.fleet.train(t).circuit as usize] = true;
        }
    }

    /// One stop reason of train `t` ends; when none is left it restarts: clocks resume and the
    /// restart transient begins.
    pub(super) fn start_train(&mut self, t: usize, sched: &mut Scheduler<Ev>) {
        let Some(stopped) = self.fleet.unstop(t, self.now) else {
            return;
        };
        self.begin_transient(t, Some(stopped), sched);
        self.fleet.resume(t, self.now, sched);
        self.dirty[self.fleet.train(t).circuit as usize] = true;
    }

    /// Starts train `t`'s restart transient after a stop of `stop_h` hours (`None`: a naive
    /// start with a fresh cascade).
    pub(super) fn begin_transient(
        &mut self,
        t: usize,
        stop_h: Option<f64>,
        sched: &mut Scheduler<Ev>,
    ) {
        let c = self.fleet.train(t).circuit as usize;
        let spec = &self.spec.parts().circuits[c];
        let version = self.fleet.begin_restart(t);
        let windows: [(f64, Option<f64>); 2] = match &spec.restart {
            RestartSpec::None => return,
            RestartSpec::Fixed(h) => {
                self.fleet.set_diverted(t, *h > 0.0);
                [(*h, None), (*h, None)]
            }
            RestartSpec::Curve(curve) => {
                let (off, purity) = match stop_h {
                    Some(d) => self.restart[c]
                        .as_ref()
                        .expect("Flow::new builds every curve's interpolant")
                        .eval(d),
                    None => curve.naive.unwrap_or(([0.0; 2], spec.purity.design)),
                };
                [(off[0], Some(purity[0])), (off[1], Some(purity[1]))]
            }
        };
        for (o, (off, purity)) in windows.into_iter().enumerate() {
            if off <= 0.0 {
                continue;
            }
            if purity.is_some() {
                self.fleet.set_restart_purity(t, o, purity);
            }
            sched.schedule_in(
                off,
                Ev::RestartEnd {
                    train: t as u32,
                    outlet: o as u8,
                    version,
                },
            );
        }
    }

    /// An outlet's restart window ends.
    pub(super) fn on_restart_end(&mut self, t: u32, outlet: u8, version: u32) -> bool {
        let t = t as usize;
        if self.fleet.train(t).restart_version != version {
            return false;
        }
        self.advance_all();
        self.fleet.set_restart_purity(t, outlet as usize, None);
        self.fleet.set_diverted(t, false);
        self.dirty[self.fleet.train(t).circuit as usize] = true;
        true
    }

    /// Schedules every train's first planned maintenance.
    pub(super) fn schedule_maintenance(&mut self, sched: &mut Scheduler<Ev>) {
        let p = self.spec.parts();
        for (t, train) in self.fleet.trains().iter().enumerate() {
            let cs = &p.circuits[train.circuit as usize];
            for (entry, m) in cs.maintenance.iter().enumerate() {
                let phase = if m.stagger {
                    (f64::from(train.index) + 0.5) / f64::from(cs.trains)
                } else {
                    0.5
                };
                sched.schedule_at(
                    SimTime::from_hours(phase * m.interval_h),
                    Ev::MaintenanceStart {
                        train: t as u32,
                        entry: entry as u16,
                    },
                );
            }
        }
    }

    /// A maintenance window of train `t` starts or ends.
    pub(super) fn on_maintenance(
        &mut self,
        t: u32,
        entry: u16,
        starts: bool,
        sched: &mut Scheduler<Ev>,
    ) -> bool {
        self.advance_all();
        let c = self.fleet.train(t as usize).circuit as usize;
        let cs = &self.spec.parts().circuits[c];
        let m = &cs.maintenance[entry as usize];
        if starts {
            let cause = super::circuit::CircuitState::fixed_cause(cs, fixed::MAINTENANCE);
            self.stop_train(t as usize, cause);
            sched.schedule_in(m.duration_h, Ev::MaintenanceEnd { train: t, entry });
            sched.schedule_in(m.interval_h, Ev::MaintenanceStart { train: t, entry });
        } else {
            self.start_train(t as usize, sched);
        }
        self.dirty[c] = true;
        true
    }

    /// Unparks circuit `c`'s trains after a changeover, with the line's start rule.
    pub(super) fn unpark(&mut self, c: usize, start: ChangeoverStart, sched: &mut Scheduler<Ev>) {
        let first = self.circuits[c].first as usize;
        let n = self.spec.parts().circuits[c].trains as usize;
        for t in first..first + n {
            let naive = start == ChangeoverStart::Naive && self.fleet.train(t).stops == 1;
            self.start_train(t, sched);
            if naive {
                self.begin_transient(t, None, sched);
            }
        }
    }
}
