//! Campaign lines: one physical line runs several circuits' separations in turn.
//!
//! The running circuit works normally; the others are parked (no dispatch, services frozen
//! with their remaining times, no failures). A switch parks the running circuit, spends the
//! changeover time with every circuit of the line parked, then resumes the next one (its frozen
//! lots first). Rules: a fixed campaign length, circuits in turn; or `switch_below`: when the
//! running circuit's source holds fewer than n lots or a full tank blocks it, switch to the
//! circuit whose source holds the most lots among those with at least max(n, 1) lots or blocked
//! lots, and room downstream. At most one switch per line per instant, so a rule cannot
//! ping-pong without time passing. Parked or broken-down trains do not release lots blocked at
//! their outlet; they do when they run again.

use super::event::Ev;
use super::lots::NIL;
use super::model::Plant;
use super::{LineSpec, SwitchRule};
use crate::engine::Scheduler;

/// Runtime state of one line.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Circuit indices in campaign order.
    circuits: Vec<u32>,
    rule: SwitchRule,
    changeover_h: f64,
    /// Position (in `circuits`) of the running circuit, or of the next one in changeover.
    active: usize,
    /// In changeover: every circuit parked.
    changing: bool,
    /// Time of the last switch, hours.
    last_switch: f64,
}

impl Line {
    /// A line from its spec, running its first circuit.
    pub fn new(spec: &LineSpec) -> Self {
        Line {
            circuits: spec.circuits.iter().map(|&c| c as u32).collect(),
            rule: spec.rule,
            changeover_h: spec.changeover_h,
            active: 0,
            changing: false,
            last_switch: f64::NEG_INFINITY,
        }
    }
}

impl Plant {
    /// At time 0: every line runs its first circuit and parks the others.
    pub(crate) fn start_lines(&mut self, sched: &mut Scheduler<Ev>) {
        for l in 0..self.lines.len() {
            let others: Vec<u32> = self.lines[l].circuits.iter().skip(1).copied().collect();
            for c in others {
                self.park(c as usize);
            }
            self.schedule_campaign_end(l, sched);
        }
    }

    fn schedule_campaign_end(&mut self, l: usize, sched: &mut Scheduler<Ev>) {
        if let SwitchRule::Length(h) = self.lines[l].rule {
            if self.lines[l].circuits.len() > 1 {
                sched.schedule_in(h, Ev::campaign_end(l as u32));
            }
        }
    }

    /// A fixed-length campaign ends: switch to the next circuit in turn.
    pub(crate) fn on_campaign_end(&mut self, l: usize, sched: &mut Scheduler<Ev>) {
        let line = &self.lines[l];
        let next = (line.active + 1) % line.circuits.len();
        self.switch(l, next, sched);
    }

    /// The changeover of line `l` ends: its next circuit runs.
    pub(crate) fn on_line_ready(&mut self, l: usize, sched: &mut Scheduler<Ev>) {
        self.lines[l].changing = false;
        if let Some(s) = self.stats.lines.get_mut(l) {
            s.changeover.add(self.now, -1.0, self.stats.warmup);
        }
        self.activate(l, sched);
    }

    /// Circuit `c`'s source level or blocking changed: a `switch_below` line may switch.
    #[inline]
    pub(crate) fn line_changed(&mut self, c: usize, sched: &mut Scheduler<Ev>) {
        let l = self.circuits[c].line;
        if l != NIL {
            self.check_switch(l as usize, sched);
        }
    }

    fn check_switch(&mut self, l: usize, sched: &mut Scheduler<Ev>) {
        let line = &self.lines[l];
        let SwitchRule::Below(n) = line.rule else {
            return;
        };
        if line.changing || line.last_switch == self.now || line.circuits.len() < 2 {
            return;
        }
        let running = line.circuits[line.active] as usize;
        if self.circuits[running].feed.len >= n && self.can_flow(running) {
            return;
        }
        let candidate = line
            .circuits
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != line.active)
            .map(|(i, &c)| (i, c as usize))
            .filter(|&(_, c)| {
                let circuit = &self.circuits[c];
                (circuit.feed.len >= n.max(1) || circuit.blocked_out > 0) && self.can_flow(c)
            })
            .max_by_key(|&(i, c)| (self.circuits[c].feed.len, std::cmp::Reverse(i)))
            .map(|(i, _)| i);
        if let Some(next) = candidate {
            self.switch(l, next, sched);
        }
    }

    /// Parks line `l`'s running circuit and moves to position `next` after the changeover.
    fn switch(&mut self, l: usize, next: usize, sched: &mut Scheduler<Ev>) {
        let running = self.lines[l].circuits[self.lines[l].active] as usize;
        self.park(running);
        let line = &mut self.lines[l];
        line.active = next;
        line.last_switch = self.now;
        let changeover = line.changeover_h;
        let in_window = self.now >= self.stats.warmup;
        if let Some(s) = self.stats.lines.get_mut(l) {
            s.switches += u64::from(in_window);
        }
        if changeover > 0.0 {
            self.lines[l].changing = true;
            if let Some(s) = self.stats.lines.get_mut(l) {
                s.changeover.add(self.now, 1.0, self.stats.warmup);
            }
            sched.schedule_in(changeover, Ev::line_ready(l as u32));
        } else {
            self.activate(l, sched);
        }
    }

    /// Line `l`'s active circuit runs: it is unparked and its next campaign end scheduled.
    fn activate(&mut self, l: usize, sched: &mut Scheduler<Ev>) {
        let c = self.lines[l].circuits[self.lines[l].active] as usize;
        self.schedule_campaign_end(l, sched);
        self.unpark(c, sched);
    }

    /// Circuit `c` stops: no dispatch, running trains' services frozen.
    fn park(&mut self, c: usize) {
        self.circuits[c].parked = true;
        self.stats.circuits[c]
            .active
            .add(self.now, -1.0, self.stats.warmup);
        for k in self.trains_of(c) {
            self.trains[k as usize].parked = true;
            if self.trains[k as usize].up {
                self.freeze(k);
                self.frozen_busy(k, -1.0);
            }
        }
    }

    /// Changes the busy level of train `k`'s stage groups by `delta` per frozen lot: services
    /// frozen by parking do not count as utilisation (those frozen by a breakdown do).
    fn frozen_busy(&mut self, k: u32, delta: f64) {
        let (now, w) = (self.now, self.stats.warmup);
        for &id in &self.trains[k as usize].frozen {
            let s = self.lots.slots[id as usize].stage as usize;
            let acc = self.stages[s].acc as usize;
            self.stats.groups[acc].busy.add(now, delta, w);
        }
        self.trains[k as usize].parked_idle = delta < 0.0;
    }

    /// Circuit `c` runs again: up trains resume their frozen services and take lots.
    fn unpark(&mut self, c: usize, sched: &mut Scheduler<Ev>) {
        self.circuits[c].parked = false;
        self.stats.circuits[c]
            .active
            .add(self.now, 1.0, self.stats.warmup);
        for k in self.trains_of(c) {
            self.trains[k as usize].parked = false;
            if self.trains[k as usize].parked_idle {
                self.frozen_busy(k, 1.0);
            }
            if self.trains[k as usize].up {
                self.resume(k, sched);
                self.kick(k, sched);
            }
        }
        self.dispatch(c, sched);
        if self.blocked_total > 0 {
            self.unblock(sched);
        }
    }
}
