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
use super::train::{Cause, ClockState, fixed};
use crate::engine::{Scheduler, SimTime};

impl Flow<'_> {
    /// Draws clock `i`'s next time to failure; schedules it if its train is up, else keeps it
    /// frozen.
    pub(super) fn draw_failure(&mut self, i: u32, sched: &mut Scheduler<Ev>) {
        if self.draw_clock(i, sched) {
            self.queue_first_clock(self.clocks[i as usize].train, sched);
        }
    }

    /// Draws clock `i`'s next time to failure: it runs (true) if its train is up, else stays
    /// frozen. Its event is left to [`queue_first_clock`](Self::queue_first_clock).
    pub(super) fn draw_clock(&mut self, i: u32, sched: &mut Scheduler<Ev>) -> bool {
        let clock = self.clocks[i as usize];
        let train = &self.trains[clock.train as usize];
        let c = train.circuit as usize;
        let r = self.rng_index(clock.train, clock.mode);
        let rng = &mut self.rngs[r];
        let ttf = self.samplers[c][clock.mode as usize]
            .ttf
            .sample(rng)
            .max(0.0);
        let up = train.up();
        let clock = &mut self.clocks[i as usize];
        if up {
            clock.state = ClockState::Running(self.now + ttf);
            clock.version += 1;
            clock.seq = sched.reserve();
        } else {
            clock.state = ClockState::Frozen(ttf);
        }
        up
    }

    /// Queues the failure event of train `t`'s first running clock (least due time, then
    /// place), unless it is queued already.
    pub(super) fn queue_first_clock(&mut self, t: u32, sched: &mut Scheduler<Ev>) {
        let mut first: Option<(u32, f64, u64)> = None;
        for i in self.trains[t as usize].clocks.clone() {
            let clock = &self.clocks[i as usize];
            if let ClockState::Running(due) = clock.state {
                if first.is_none_or(|(_, d, s)| (due, clock.seq) < (d, s)) {
                    first = Some((i, due, clock.seq));
                }
            }
        }
        let Some((i, due, seq)) = first else { return };
        let clock = &mut self.clocks[i as usize];
        if !clock.queued {
            clock.queued = true;
            let version = clock.version;
            let fail = Ev::Fail { clock: i, version };
            sched.schedule_reserved(SimTime::from_hours(due), seq, fail);
        }
    }

    /// Index of train `t`'s stream for `mode`.
    fn rng_index(&self, t: u32, mode: u16) -> usize {
        (self.trains[t as usize].rng_base + u32::from(mode)) as usize
    }

    /// Clock `i` runs out: its mode's effect starts and it asks for a crew.
    pub(super) fn on_fail(&mut self, i: u32, version: u32, sched: &mut Scheduler<Ev>) -> bool {
        let clock = self.clocks[i as usize];
        if clock.version != version || !matches!(clock.state, ClockState::Running(_)) {
            return false;
        }
        self.advance_all();
        self.clocks[i as usize].state = ClockState::Failed;
        self.clocks[i as usize].queued = false;
        let t = clock.train as usize;
        let c = self.trains[t].circuit as usize;
        let mode = &self.spec.parts().circuits[c].failures[clock.mode as usize];
        match mode.effect {
            Effect::Stop => self.stop_train(t, Cause(clock.mode)),
            Effect::Derate(_) => self.trains[t].derates[clock.mode as usize] += 1,
            Effect::Bypass => {
                let section = self.spec.parts().circuits[c]
                    .sections
                    .section_of(clock.stage);
                self.trains[t].bypassed[section] += 1;
            }
        }
        self.dirty[c] = true;
        self.queue_first_clock(clock.train, sched);
        self.request_crew(i, sched);
        true
    }

    /// Starts clock `i`'s repair now if a crew is free, else queues it.
    fn request_crew(&mut self, i: u32, sched: &mut Scheduler<Ev>) {
        let c = self.trains[self.clocks[i as usize].train as usize].circuit as usize;
        if self.crews.request(c, i) {
            self.start_repair(i, sched);
        }
    }

    fn start_repair(&mut self, i: u32, sched: &mut Scheduler<Ev>) {
        let clock = self.clocks[i as usize];
        let c = self.trains[clock.train as usize].circuit as usize;
        let r = self.rng_index(clock.train, clock.mode);
        let rng = &mut self.rngs[r];
        let ttr = self.samplers[c][clock.mode as usize]
            .ttr
            .sample(rng)
            .max(0.0);
        sched.schedule_in(ttr, Ev::Repaired { clock: i });
    }

    /// Clock `i`'s repair ends: the effect ends, the crew takes the next repair, the clock
    /// restarts.
    pub(super) fn on_repaired(&mut self, i: u32, sched: &mut Scheduler<Ev>) -> bool {
        self.advance_all();
        let clock = self.clocks[i as usize];
        let t = clock.train as usize;
        let c = self.trains[t].circuit as usize;
        let mode = &self.spec.parts().circuits[c].failures[clock.mode as usize];
        match mode.effect {
            Effect::Stop => self.start_train(t, sched),
            Effect::Derate(_) => self.trains[t].derates[clock.mode as usize] -= 1,
            Effect::Bypass => {
                let section = self.spec.parts().circuits[c]
                    .sections
                    .section_of(clock.stage);
                self.trains[t].bypassed[section] -= 1;
            }
        }
        self.dirty[c] = true;
        if let Some(next) = self.crews.release(c) {
            self.start_repair(next, sched);
        }
        self.draw_failure(i, sched);
        true
    }

    /// One more stop reason for train `t`; a running train stops and its clocks freeze.
    pub(super) fn stop_train(&mut self, t: usize, cause: Cause) {
        let train = &mut self.trains[t];
        train.stops += 1;
        if train.stops > 1 {
            return;
        }
        train.stop_cause = cause;
        train.stopped_at = self.now;
        train.restart_purity = [None; 2];
        train.diverted = false;
        train.restart_version += 1;
        for i in train.clocks.clone() {
            let clock = &mut self.clocks[i as usize];
            if let ClockState::Running(due) = clock.state {
                clock.state = ClockState::Frozen((due - self.now).max(0.0));
                clock.version += 1;
                clock.queued = false;
            }
        }
        self.dirty[train.circuit as usize] = true;
    }

    /// One stop reason of train `t` ends; when none is left it restarts: clocks resume and the
    /// restart transient begins.
    pub(super) fn start_train(&mut self, t: usize, sched: &mut Scheduler<Ev>) {
        self.trains[t].stops -= 1;
        if self.trains[t].stops > 0 {
            return;
        }
        let stopped = self.now - self.trains[t].stopped_at;
        self.begin_transient(t, Some(stopped), sched);
        for i in self.trains[t].clocks.clone() {
            let clock = &mut self.clocks[i as usize];
            if let ClockState::Frozen(left) = clock.state {
                clock.state = ClockState::Running(self.now + left);
                clock.version += 1;
                clock.seq = sched.reserve();
            }
        }
        self.queue_first_clock(t as u32, sched);
        self.dirty[self.trains[t].circuit as usize] = true;
    }

    /// Starts train `t`'s restart transient after a stop of `stop_h` hours (`None`: a naive
    /// start with a fresh cascade).
    pub(super) fn begin_transient(
        &mut self,
        t: usize,
        stop_h: Option<f64>,
        sched: &mut Scheduler<Ev>,
    ) {
        let c = self.trains[t].circuit as usize;
        let spec = &self.spec.parts().circuits[c];
        let train = &mut self.trains[t];
        train.restart_version += 1;
        let version = train.restart_version;
        let windows: [(f64, Option<f64>); 2] = match &spec.restart {
            RestartSpec::None => return,
            RestartSpec::Fixed(h) => {
                train.diverted = *h > 0.0;
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
                train.restart_purity[o] = purity;
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
        let train = &self.trains[t as usize];
        if train.restart_version != version {
            return false;
        }
        self.advance_all();
        let train = &mut self.trains[t as usize];
        train.restart_purity[outlet as usize] = None;
        train.diverted = false;
        self.dirty[train.circuit as usize] = true;
        true
    }

    /// Schedules every train's first planned maintenance.
    pub(super) fn schedule_maintenance(&mut self, sched: &mut Scheduler<Ev>) {
        let p = self.spec.parts();
        for (t, train) in self.trains.iter().enumerate() {
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
        let c = self.trains[t as usize].circuit as usize;
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
            let naive = start == ChangeoverStart::Naive && self.trains[t].stops == 1;
            self.start_train(t, sched);
            if naive {
                self.begin_transient(t, None, sched);
            }
        }
    }
}
