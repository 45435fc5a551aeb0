//! Campaign lines: one physical line runs several circuits' separations in turn. The others
//! are parked (their trains stopped, inventories held); a switch parks the running circuit,
//! spends the changeover with nothing running, then restarts the next one with a restart
//! transient (from its stored profile after a stop as long as it was parked, or from a naive
//! start).

use super::circuit::CircuitState;
use super::event::Ev;
use super::model::Flow;
use super::spec::SwitchRule;
use super::tank::Mode;
use super::train::fixed;
use crate::engine::Scheduler;

/// A campaign line's state: which circuit runs, whether it is in changeover, and its totals.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// Position in its circuit list of the circuit running (or about to run).
    current: usize,
    /// In changeover.
    changing: bool,
    /// Version of its campaign-end events (events of other versions are stale).
    version: u32,
    /// Switches started since 0.
    switches: u64,
    /// Hours of changeover since 0, up to `changeover_since` while changing.
    changeover_h: f64,
    /// While changing: the time `changeover_h` was brought up to date, hours.
    changeover_since: f64,
}

impl Line {
    /// The first circuit of the line runs.
    pub fn new() -> Line {
        Line::default()
    }

    /// Position in the line's circuit list of the circuit running (or about to run).
    pub fn current(&self) -> usize {
        self.current
    }

    /// Whether the line is in changeover (nothing runs).
    pub fn changing(&self) -> bool {
        self.changing
    }

    /// Version of the campaign-end events that are live.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// A switch starts at `now_h`: the changeover begins.
    pub fn begin_changeover(&mut self, now_h: f64) {
        self.changing = true;
        self.changeover_since = now_h;
        self.switches += 1;
    }

    /// The changeover ends (call [`advance`](Self::advance) first) and the circuit at
    /// position `next` runs; returns the version of the line's campaign-end events from now.
    pub fn end_changeover(&mut self, next: usize) -> u32 {
        self.changing = false;
        self.current = next;
        self.version += 1;
        self.version
    }

    /// Counts changeover time up to `now_h`.
    pub fn advance(&mut self, now_h: f64) {
        if self.changing {
            self.changeover_h += now_h - self.changeover_since;
            self.changeover_since = now_h;
        }
    }

    /// Switches started since 0, and hours of changeover since 0 (up to the last `advance`).
    pub fn totals(&self) -> (u64, f64) {
        (self.switches, self.changeover_h)
    }
}

impl Flow<'_> {
    /// Parks every line's circuits but the first and schedules the first switches.
    pub(super) fn start_lines(&mut self, sched: &mut Scheduler<Ev>) {
        for l in 0..self.lines.len() {
            let line = &self.spec.parts().lines[l];
            for &c in &line.circuits[1..] {
                self.park(c);
            }
            if let SwitchRule::Length(h) = line.rule {
                sched.schedule_in(
                    h,
                    Ev::Campaign {
                        line: l as u32,
                        version: 0,
                    },
                );
            }
        }
    }

    fn park(&mut self, c: usize) {
        let spec = &self.spec.parts().circuits[c];
        let cause = CircuitState::fixed_cause(spec, fixed::PARKED);
        let first = self.circuits[c].first as usize;
        for t in first..first + spec.trains as usize {
            self.stop_train(t, cause);
        }
        self.dirty[c] = true;
    }

    /// Line `l` ends its campaign: the running circuit parks and the changeover starts.
    pub(super) fn on_campaign(
        &mut self,
        l: usize,
        version: u32,
        sched: &mut Scheduler<Ev>,
    ) -> bool {
        if self.lines[l].version() != version || self.lines[l].changing() {
            return false;
        }
        self.advance_all();
        let line = &self.spec.parts().lines[l];
        if line.circuits.len() < 2 {
            return false;
        }
        let running = line.circuits[self.lines[l].current()];
        self.park(running);
        self.lines[l].begin_changeover(self.now);
        sched.schedule_in(line.changeover_h, Ev::ChangeoverEnd { line: l as u32 });
        true
    }

    /// Line `l`'s changeover ends: the next circuit restarts.
    pub(super) fn on_changeover_end(&mut self, l: usize, sched: &mut Scheduler<Ev>) -> bool {
        self.advance_all();
        let line = &self.spec.parts().lines[l];
        let next = match line.rule {
            SwitchRule::Length(_) => (self.lines[l].current() + 1) % line.circuits.len(),
            SwitchRule::Below(_) => self.fullest_source(l),
        };
        let version = self.lines[l].end_changeover(next);
        self.unpark(line.circuits[next], line.start, sched);
        if let SwitchRule::Length(h) = line.rule {
            sched.schedule_in(
                h,
                Ev::Campaign {
                    line: l as u32,
                    version,
                },
            );
        }
        true
    }

    /// The position in line `l` of the circuit whose source holds the most (the first on ties).
    fn fullest_source(&self, l: usize) -> usize {
        let line = &self.spec.parts().lines[l];
        let mut best = (0, f64::NEG_INFINITY);
        for (i, &c) in line.circuits.iter().enumerate() {
            let level = self.tanks[self.source_tank(c)].level();
            if level > best.1 {
                best = (i, level);
            }
        }
        best.0
    }

    /// Lines switching by level: a running circuit whose source fell below the threshold (or
    /// which is blocked) gives way when another circuit's source holds at least the threshold.
    pub(super) fn check_level_switches(&mut self, sched: &mut Scheduler<Ev>) -> bool {
        let mut switched = false;
        for l in 0..self.lines.len() {
            let line = &self.spec.parts().lines[l];
            let SwitchRule::Below(threshold) = line.rule else {
                continue;
            };
            if self.lines[l].changing() || line.circuits.len() < 2 {
                continue;
            }
            let running = line.circuits[self.lines[l].current()];
            let source = &self.tanks[self.source_tank(running)];
            let low = source.level() < threshold + super::tank::LEVEL_TOLERANCE_T
                || source.mode == Mode::Empty;
            let blocked = self.circuits[running].limit == Some(fixed::BLOCKED);
            if !(low || blocked) {
                continue;
            }
            let other = self.fullest_other(l);
            if other.is_some() {
                let version = self.lines[l].version();
                switched |= self.on_campaign(l, version, sched);
            }
        }
        switched
    }

    /// Another circuit of line `l` whose source holds at least the threshold, if any.
    fn fullest_other(&self, l: usize) -> Option<usize> {
        let line = &self.spec.parts().lines[l];
        let SwitchRule::Below(threshold) = line.rule else {
            return None;
        };
        let current = self.lines[l].current();
        line.circuits
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != current)
            .map(|(i, &c)| (i, self.tanks[self.source_tank(c)].level()))
            .filter(|(_, level)| *level >= threshold && *level > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The level a line waits for in tank `t` (its running circuit's source falling to the
    /// threshold, or a parked circuit's source rising to it), if any.
    pub(super) fn line_watch(&self, t: usize) -> Option<f64> {
        for (l, line) in self.spec.parts().lines.iter().enumerate() {
            let SwitchRule::Below(threshold) = line.rule else {
                continue;
            };
            if self.lines[l].changing() {
                continue;
            }
            if line.circuits.iter().any(|&c| self.source_tank(c) == t) {
                return Some(threshold);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_counts_switches_and_changeover_hours() {
        let mut l = Line::new();
        l.begin_changeover(10.0);
        assert!(l.changing());
        l.advance(12.0);
        l.advance(13.5);
        assert_eq!(l.end_changeover(1), 1);
        assert_eq!((l.current(), l.changing()), (1, false));
        l.advance(20.0);
        assert_eq!(
            l.totals(),
            (1, 3.5),
            "no changeover time counted while running"
        );
    }
}
