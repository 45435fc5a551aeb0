//! Every train of the plant with its failure clocks and their random draws.
//!
//! The fleet keeps the invariants between a train and its clocks: a train is up exactly when
//! it has no stop reason, and then its unfailed clocks run; while it is stopped they are frozen
//! with the operating time they have left. Each train draws each mode's times from its own
//! stream (common random numbers across layouts). The event handlers in [`super::failures`]
//! decide what happens; the fleet does it.

use super::event::Ev;
use super::model::purpose;
use super::spec::{CircuitSpec, Per};
use super::train::{Cause, Clock, ClockState, Train};
use crate::engine::{Sampler, Scheduler, SimTime, StreamRng, stream};

/// Random draws of one failure mode of one circuit, hours.
#[derive(Debug, Clone)]
struct ModeSamplers {
    /// Operating time to failure.
    ttf: Sampler,
    /// Repair time.
    ttr: Sampler,
}

/// The plant's trains, their failure clocks and random streams.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// Circuit by circuit, train by train.
    trains: Vec<Train>,
    /// Train by train (mode by mode, stage by stage within a train).
    clocks: Vec<Clock>,
    /// Per train and mode: the mode's random stream.
    rngs: Vec<StreamRng>,
    /// Per circuit, per mode.
    samplers: Vec<Vec<ModeSamplers>>,
}

impl Fleet {
    /// The trains of `circuits`, up, with frozen clocks (see [`start`](Self::start)); streams of
    /// `seed` and `replication`.
    pub fn new(circuits: &[CircuitSpec], seed: u64, replication: u64) -> Fleet {
        let mut fleet = Fleet {
            trains: Vec::new(),
            clocks: Vec::new(),
            rngs: Vec::new(),
            samplers: circuits.iter().map(mode_samplers).collect(),
        };
        for (c, cs) in circuits.iter().enumerate() {
            for k in 0..cs.trains {
                fleet.add_train(c, k, cs, seed, replication);
            }
        }
        fleet
    }

    /// Adds train `k` of circuit `c` with its clocks and streams.
    fn add_train(&mut self, c: usize, k: u32, cs: &CircuitSpec, seed: u64, replication: u64) {
        let t = self.trains.len() as u32;
        let start = self.clocks.len() as u32;
        let rng_base = self.rngs.len() as u32;
        for (m, f) in cs.failures.iter().enumerate() {
            let slots = match f.per {
                Per::Train => 1,
                Per::Stage => cs.sections.total(),
            };
            for stage in 0..slots {
                self.clocks.push(Clock {
                    train: t,
                    mode: m as u16,
                    stage,
                    state: ClockState::Frozen(0.0),
                    version: 0,
                    seq: 0,
                    queued: false,
                });
            }
            self.rngs
                .push(stream(seed, replication, purpose(1, c, k, m)));
        }
        let clocks = start..self.clocks.len() as u32;
        let modes = cs.failures.len();
        self.trains
            .push(Train::new(c as u32, k, modes, clocks, rng_base));
    }

    /// Every train, circuit by circuit.
    pub fn trains(&self) -> &[Train] {
        &self.trains
    }

    /// Train `t`.
    pub fn train(&self, t: usize) -> &Train {
        &self.trains[t]
    }

    /// Number of failure clocks.
    pub fn clock_count(&self) -> usize {
        self.clocks.len()
    }

    /// Clock `i`.
    pub fn clock(&self, i: u32) -> Clock {
        self.clocks[i as usize]
    }

    /// Draws every clock's first time to failure and queues each train's first failure.
    pub fn start(&mut self, now_h: f64, sched: &mut Scheduler<Ev>) {
        for clock in 0..self.clocks.len() as u32 {
            self.draw_clock(clock, now_h, sched);
        }
        for t in 0..self.trains.len() as u32 {
            self.queue_first_clock(t, sched);
        }
    }

    /// Draws clock `i`'s next time to failure; queues it if it is its train's first.
    pub fn draw_failure(&mut self, i: u32, now_h: f64, sched: &mut Scheduler<Ev>) {
        if self.draw_clock(i, now_h, sched) {
            self.queue_first_clock(self.clocks[i as usize].train, sched);
        }
    }

    /// Draws clock `i`'s next time to failure: it runs (true) if its train is up, else stays
    /// frozen. Its event is left to [`queue_first_clock`](Self::queue_first_clock).
    fn draw_clock(&mut self, i: u32, now_h: f64, sched: &mut Scheduler<Ev>) -> bool {
        let clock = self.clocks[i as usize];
        let ttf = self.draw(clock, |m| &m.ttf);
        let up = self.trains[clock.train as usize].up();
        let clock = &mut self.clocks[i as usize];
        if up {
            clock.state = ClockState::Running(now_h + ttf);
            clock.version += 1;
            clock.seq = sched.reserve();
        } else {
            clock.state = ClockState::Frozen(ttf);
        }
        up
    }

    /// A draw for `clock`'s mode from its train's stream, of the sampler `which` picks, hours.
    fn draw(&mut self, clock: Clock, which: impl Fn(&ModeSamplers) -> &Sampler) -> f64 {
        let train = &self.trains[clock.train as usize];
        let r = (train.rng_base + u32::from(clock.mode)) as usize;
        let modes = &self.samplers[train.circuit as usize];
        which(&modes[clock.mode as usize])
            .sample(&mut self.rngs[r])
            .max(0.0)
    }

    /// Queues the failure event of train `t`'s first running clock (least due time, then
    /// place), unless it is queued already.
    pub fn queue_first_clock(&mut self, t: u32, sched: &mut Scheduler<Ev>) {
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

    /// Clock `i`'s failure event of `version` fires: if it is live, the clock fails and is
    /// returned (as it was), else `None`.
    pub fn fail(&mut self, i: u32, version: u32) -> Option<Clock> {
        let clock = &mut self.clocks[i as usize];
        let was = *clock;
        if was.version != version || !matches!(was.state, ClockState::Running(_)) {
            return None;
        }
        clock.state = ClockState::Failed;
        clock.queued = false;
        Some(was)
    }

    /// Draws failed clock `i`'s repair time, hours.
    pub fn repair_time(&mut self, i: u32) -> f64 {
        self.draw(self.clocks[i as usize], |m| &m.ttr)
    }

    /// A derate failure of `mode` on train `t` starts (`on`) or ends.
    pub fn set_derate(&mut self, t: usize, mode: u16, on: bool) {
        let d = &mut self.trains[t].derates[mode as usize];
        if on { *d += 1 } else { *d -= 1 }
    }

    /// A bypass failure of a stage of `section` on train `t` starts (`on`) or ends.
    pub fn set_bypass(&mut self, t: usize, section: usize, on: bool) {
        let b = &mut self.trains[t].bypassed[section];
        if on { *b += 1 } else { *b -= 1 }
    }

    /// One more stop reason (`cause`) for train `t` at `now_h`: returns whether the train was
    /// running and stopped now (its clocks froze, any restart transient ended).
    pub fn stop(&mut self, t: usize, cause: Cause, now_h: f64) -> bool {
        let train = &mut self.trains[t];
        train.stops += 1;
        if train.stops > 1 {
            return false;
        }
        train.stop_cause = cause;
        train.stopped_at = now_h;
        train.restart_purity = [None; 2];
        train.diverted = false;
        train.restart_version += 1;
        for i in train.clocks.clone() {
            let clock = &mut self.clocks[i as usize];
            if let ClockState::Running(due) = clock.state {
                clock.state = ClockState::Frozen((due - now_h).max(0.0));
                clock.version += 1;
                clock.queued = false;
            }
        }
        true
    }

    /// One stop reason of train `t` ends at `now_h`: when none is left, returns how long it
    /// was stopped, hours; then call [`resume`](Self::resume) (after starting its restart
    /// transient).
    pub fn unstop(&mut self, t: usize, now_h: f64) -> Option<f64> {
        let train = &mut self.trains[t];
        train.stops -= 1;
        (train.stops == 0).then_some(now_h - train.stopped_at)
    }

    /// Train `t` runs again from `now_h`: its frozen clocks resume and its first is queued.
    pub fn resume(&mut self, t: usize, now_h: f64, sched: &mut Scheduler<Ev>) {
        for i in self.trains[t].clocks.clone() {
            let clock = &mut self.clocks[i as usize];
            if let ClockState::Frozen(left) = clock.state {
                clock.state = ClockState::Running(now_h + left);
                clock.version += 1;
                clock.seq = sched.reserve();
            }
        }
        self.queue_first_clock(t as u32, sched);
    }

    /// Train `t` begins a restart transient: returns the version of its restart-end events
    /// (older ones go stale).
    pub fn begin_restart(&mut self, t: usize) -> u32 {
        let train = &mut self.trains[t];
        train.restart_version += 1;
        train.restart_version
    }

    /// Train `t`'s product liquor is diverted as off-spec (a fixed restart window) or not.
    pub fn set_diverted(&mut self, t: usize, diverted: bool) {
        self.trains[t].diverted = diverted;
    }

    /// Outlet `outlet` (0 = A, 1 = B) of train `t` is in a restart transient at `purity`
    /// (mole fraction), or not (`None`).
    pub fn set_restart_purity(&mut self, t: usize, outlet: usize, purity: Option<f64>) {
        self.trains[t].restart_purity[outlet] = purity;
    }
}

/// The samplers of each of a circuit's failure modes.
fn mode_samplers(c: &CircuitSpec) -> Vec<ModeSamplers> {
    let sampler = |d| Sampler::new(d).expect("validated");
    (c.failures.iter())
        .map(|f| ModeSamplers {
            ttf: sampler(&f.time_to_failure),
            ttr: sampler(&f.time_to_repair),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::testing::{fixed_stop, one_circuit};

    #[test]
    fn a_stopped_train_freezes_its_clocks_and_resumes_them() {
        let parts = one_circuit(2, 1.0, 1.0, vec![fixed_stop(10.0, 2.0)]);
        let mut fleet = Fleet::new(&parts.circuits, 1, 0);
        let mut sched = Scheduler::with_capacity(8);
        fleet.start(0.0, &mut sched);
        assert_eq!(sched.pending(), 2, "one failure queued per train");
        assert!(fleet.stop(1, Cause(0), 4.0));
        assert!(!fleet.stop(1, Cause(1), 5.0), "already stopped");
        assert_eq!(fleet.clock(1).state, ClockState::Frozen(6.0));
        assert_eq!(fleet.unstop(1, 7.0), None, "one stop reason left");
        assert_eq!(fleet.unstop(1, 9.0), Some(5.0));
        fleet.resume(1, 9.0, &mut sched);
        assert_eq!(fleet.clock(1).state, ClockState::Running(15.0));
        let v = fleet.clock(1).version;
        assert!(fleet.fail(1, v - 1).is_none(), "stale event");
        assert!(fleet.fail(1, v).is_some());
        assert_eq!(fleet.clock(1).state, ClockState::Failed);
        assert_eq!(fleet.repair_time(1), 2.0);
    }
}
