//! A trace of the plant for plots: each tank's level and each circuit's trains up on a fixed
//! grid of times, recorded by an [`Observer`] of the engine's steps (the model's own code does
//! no tracing). Memory is bounded by the grid, not by the events.
//!
//! The value at a grid time is the state after every event at or before it (right-continuous):
//! after each event the trace fills the grid points before that event's time from the state it
//! kept from the previous event (a tank's level following the rates that event set), then keeps
//! the new state.

use super::model::Flow;
use crate::engine::{Observer, SimTime};

/// Tank levels and trains up on `points` evenly spaced times over [0, horizon].
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Grid times, hours (0 and the horizon included).
    times: Vec<f64>,
    /// Per tank, per grid time: level, t REO.
    levels: Vec<Vec<f64>>,
    /// Per circuit, per grid time: trains up.
    up: Vec<Vec<u32>>,
    /// The first grid time not recorded yet.
    next: usize,
    /// Per tank, as last observed: level (t) at a time (h) and net inflow (t/h) from then.
    last_levels: Vec<(f64, f64, f64)>,
    /// Per circuit, as last observed: trains up.
    last_up: Vec<u32>,
}

impl Trace {
    /// An empty trace of `flow` (as it starts: call after [`Flow::start`]) over
    /// [0, `horizon_h`] hours with `points` grid times (one point: time 0 only).
    pub(super) fn new(flow: &Flow<'_>, horizon_h: f64, points: usize) -> Trace {
        let step = horizon_h / points.saturating_sub(1).max(1) as f64;
        let times: Vec<f64> = (0..points).map(|i| step * i as f64).collect();
        let mut trace = Trace {
            levels: vec![Vec::with_capacity(points); flow.tank_count()],
            up: vec![Vec::with_capacity(points); flow.circuit_count()],
            times,
            next: 0,
            last_levels: vec![(0.0, 0.0, 0.0); flow.tank_count()],
            last_up: vec![0; flow.circuit_count()],
        };
        trace.keep(flow);
        trace
    }

    /// Keeps `flow`'s state (the state until its next event).
    fn keep(&mut self, flow: &Flow<'_>) {
        for (t, last) in self.last_levels.iter_mut().enumerate() {
            *last = flow.tank_level(t);
        }
        for (c, last) in self.last_up.iter_mut().enumerate() {
            *last = flow.trains_up(c);
        }
    }

    /// Records the kept state at the grid times before `h` hours (at or before, if `through`).
    fn fill(&mut self, h: f64, through: bool) {
        while let Some(&g) = self.times.get(self.next) {
            if g > h || (g == h && !through) {
                break;
            }
            for (levels, &(level, rate, since)) in self.levels.iter_mut().zip(&self.last_levels) {
                levels.push(level + rate * (g - since));
            }
            for (up, &last) in self.up.iter_mut().zip(&self.last_up) {
                up.push(last);
            }
            self.next += 1;
        }
    }

    /// The run reached its horizon: records the last state at the remaining grid times.
    pub(super) fn finish(&mut self) {
        self.fill(f64::INFINITY, true);
    }

    /// Grid times, hours.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Number of tanks traced: the feed tank, then the intermediate tanks (as in
    /// [`FlowResult::tanks`](super::FlowResult::tanks)).
    pub fn tanks(&self) -> usize {
        self.levels.len()
    }

    /// Number of circuits traced (as in [`FlowResult::circuits`](super::FlowResult::circuits)).
    pub fn circuits(&self) -> usize {
        self.up.len()
    }

    /// Tank `t`'s level at each grid time, t REO.
    pub fn tank_levels(&self, t: usize) -> &[f64] {
        &self.levels[t]
    }

    /// Circuit `c`'s trains up (not stopped by a failure, maintenance or its line) at each
    /// grid time.
    pub fn trains_up(&self, c: usize) -> &[u32] {
        &self.up[c]
    }
}

impl Observer<Flow<'_>> for Trace {
    fn observe(&mut self, flow: &Flow<'_>, now: SimTime) {
        self.fill(now.hours(), false);
        self.keep(flow);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PlantSpec, simulate, simulate_traced};
    use crate::engine::DistSpec;
    use crate::flow::spec::{Effect, FailureModeSpec, Per};
    use crate::flow::testing::{fixed_stop, one_circuit};

    /// One train of 1 t/h (max 1.2 t/h) fed 2 t/h from an unbounded tank, failing after 10 h
    /// of operation and repaired in 5 h: up [0, 10), [15, 25), [30, 40), ...; the tank gains
    /// 0.8 t/h while it runs and 2 t/h while it is down.
    #[test]
    fn levels_and_trains_up_on_the_grid_match_a_hand_calculation() {
        let mut parts = one_circuit(1, 1.0, 2.0, vec![fixed_stop(10.0, 5.0)]);
        parts.horizon_h = 40.0;
        let spec = PlantSpec::new(parts).unwrap();
        let (r, trace) = simulate_traced(&spec, 1, 0, 9);
        assert_eq!(format!("{r:?}"), format!("{:?}", simulate(&spec, 1, 0)));
        assert_eq!(
            trace.times(),
            [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]
        );
        let want = [0.0, 4.0, 8.0, 18.0, 22.0, 26.0, 36.0, 40.0, 44.0];
        for (got, want) in trace.tank_levels(0).iter().zip(want) {
            assert!((got - want).abs() < 1e-5, "{:?}", trace.tank_levels(0));
        }
        // At an event's time, the state after it: down at 10, 25 and 40, up again at 15, 30.
        assert_eq!(trace.trains_up(0), [1, 1, 0, 1, 1, 0, 1, 1, 0]);
        assert_eq!((trace.tanks(), trace.circuits()), (1, 1));
    }

    #[test]
    fn a_traced_run_reports_what_a_plain_one_does() {
        let exp = |mean| DistSpec::Exponential { mean };
        let derate = FailureModeSpec {
            name: "derate".into(),
            per: Per::Train,
            effect: Effect::Derate(0.5),
            time_to_failure: exp(30.0),
            time_to_repair: exp(4.0),
        };
        let mut stop = fixed_stop(0.0, 0.0);
        (stop.time_to_failure, stop.time_to_repair) = (exp(50.0), exp(8.0));
        let mut parts = one_circuit(3, 1.0, 3.0, vec![stop, derate]);
        parts.feed.tank_capacity = Some(20.0);
        let spec = PlantSpec::new(parts).unwrap();
        for rep in 0..3 {
            let (r, trace) = simulate_traced(&spec, 7, rep, 101);
            let plain = simulate(&spec, 7, rep);
            assert_eq!(format!("{r:?}"), format!("{plain:?}"), "NaN-safe equality");
            assert_eq!(trace.tank_levels(0).len(), 101);
            assert!(
                trace
                    .tank_levels(0)
                    .iter()
                    .all(|l| (-1e-6..=20.0 + 1e-6).contains(l))
            );
            assert!(trace.trains_up(0).iter().all(|&k| k <= 3));
        }
    }
}
