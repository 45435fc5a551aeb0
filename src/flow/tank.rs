//! A tank: a level (t REO) of well-mixed liquor, per element, with constant element in- and
//! outflow rates between the events that change them, integrated exactly.
//!
//! **Composition.** Outflow leaves with the composition the tank held when its rates were last
//! set (sample and hold); every event that sets the rates refreshes it. The content's
//! composition under held rates is a closed form: with inflow `i` of composition `y`, held
//! outflow composition `x0` and level `L(t)`, it is `x0 + w (y - x0)` with `w = i t / L(t)`.
//! While liquor of another composition flows in, the model schedules a refresh when the
//! content would move more than [`COMPOSITION_TOLERANCE`] from the held composition (relative,
//! per element, to the larger of its shares in the content and the inflow; [`TRACE`] floors
//! it), or, when the inflow is within that tolerance, once the content has become the inflow's
//! composition (w = 1), so it never drifts past it; and before any element held in the outflow
//! would run out in the tank (so no mass turns negative). Masses, and so every element's
//! balance, are exact; only the timing of composition changes inside a well-mixed tank is
//! approximated.
//!
//! **Near-empty tanks are pipes.** At or below [`PIPE_HOURS`] of its consumer's installed
//! maximum a tank does not mix: what flows out carries the inflow's composition, plus any
//! excess over the inflow drawn at the content's (see `network`). Mixing a few seconds of
//! liquor changes nothing a plant measures, but refreshing it would take an event every few
//! microseconds.

use super::network::Deadline;

/// Masses below this (t REO) count as an empty tank; within it of the capacity, a full one.
pub const LEVEL_TOLERANCE_T: f64 = 1e-9;

/// Change of an element's share of the content, relative to the larger of its share in the
/// content and in the inflow (plus [`TRACE`]), that calls for a refresh of the outflow's
/// composition.
pub const COMPOSITION_TOLERANCE: f64 = 1e-2;

/// A mixing fraction beyond which the content and the inflow count as the same composition
/// (their difference is rounding).
const MIXED: f64 = 1e6;

/// Mass fraction below which an element counts as a trace for [`COMPOSITION_TOLERANCE`].
pub const TRACE: f64 = 1e-6;

/// A tank holding at most this many hours of its outflow counts as empty.
pub const MIX_HOURS: f64 = 1e-6;

/// A tank holding at most this many hours of its consumer's installed maximum acts as a pipe
/// (no mixing, no composition refreshes).
pub const PIPE_HOURS: f64 = 0.01;

/// Where a tank's level stands, which decides what limits the flows through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing in it: its consumer can take only what flows in (starved).
    Empty,
    /// Between empty and full: no limit.
    Partial,
    /// At capacity: its feeders can put in only what flows out (blocked).
    Full,
    /// Above capacity (a recycled batch came back): nothing may flow in until it is back at
    /// capacity.
    Over,
}

/// State of one tank.
#[derive(Debug, Clone)]
pub struct Tank {
    /// Working capacity, t REO (infinite when unbounded).
    pub capacity: f64,
    /// Mass of each element, t REO, at `last_h`.
    mass: Vec<f64>,
    /// Total mass at `last_h` (the sum of `mass`, kept to avoid re-summing).
    level: f64,
    /// Element inflow rates, t/h (call [`rates_set`](Self::rates_set) after changing them).
    pub in_rate: Vec<f64>,
    /// Element outflow rates, t/h (call [`rates_set`](Self::rates_set) after changing them).
    pub out_rate: Vec<f64>,
    /// Every element flows out exactly as it flows in (bitwise): the masses stand still.
    balanced: bool,
    /// The level, masses or mode may have changed since `classify` last ran.
    moved: bool,
    /// Counts changes of the level, masses and mode (they are the same while it stands).
    pub content: u64,
    /// Time the masses were last brought up to date, hours.
    last_h: f64,
    /// Integral of the level over time since 0, t h.
    pub level_integral: f64,
    /// Hours spent full (or over) since 0.
    pub full_h: f64,
    /// Hours spent empty since 0.
    pub empty_h: f64,
    /// Mode at the last rate setting.
    pub mode: Mode,
    /// Its next level event.
    pub deadline: Deadline,
    /// At or below this level the tank counts as empty, t.
    empty_t: f64,
    /// At or below this level the tank acts as a pipe (no mixing), t.
    pipe_t: f64,
}

impl Tank {
    /// An empty tank of `capacity` t REO (`None` unbounded) tracking `elements` elements.
    pub fn new(capacity: Option<f64>, elements: usize) -> Tank {
        Tank {
            capacity: capacity.unwrap_or(f64::INFINITY),
            mass: vec![0.0; elements],
            level: 0.0,
            in_rate: vec![0.0; elements],
            out_rate: vec![0.0; elements],
            balanced: false,
            moved: true,
            content: 0,
            last_h: 0.0,
            level_integral: 0.0,
            full_h: 0.0,
            empty_h: 0.0,
            mode: Mode::Empty,
            deadline: Deadline::default(),
            empty_t: LEVEL_TOLERANCE_T,
            pipe_t: LEVEL_TOLERANCE_T,
        }
    }

    /// Total inflow rate, t/h.
    #[inline]
    pub fn inflow(&self) -> f64 {
        self.in_rate.iter().sum()
    }

    /// Total outflow rate, t/h.
    #[inline]
    pub fn outflow(&self) -> f64 {
        self.out_rate.iter().sum()
    }

    /// Level at `last_h`, t REO.
    #[inline]
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Element masses at `last_h`, t REO.
    pub fn masses(&self) -> &[f64] {
        &self.mass
    }

    /// Notes that `in_rate` and `out_rate` were set.
    pub fn rates_set(&mut self) {
        self.balanced =
            (self.in_rate.iter().zip(&self.out_rate)).all(|(i, o)| i.to_bits() == o.to_bits());
    }

    /// Integrates the current rates up to `now_h`.
    #[inline]
    pub fn advance(&mut self, now_h: f64) {
        let dt = now_h - self.last_h;
        if dt <= 0.0 {
            return;
        }
        let mut net = 0.0;
        if !self.balanced {
            // (Balanced, every term is +0: no mass, level or `net` would change.)
            for ((m, i), o) in self.mass.iter_mut().zip(&self.in_rate).zip(&self.out_rate) {
                let d = (i - o) * dt;
                *m += d;
                net += d;
            }
            self.moved = true;
            self.content += 1;
        }
        self.level_integral += (self.level + 0.5 * net) * dt;
        match self.mode {
            Mode::Full | Mode::Over => self.full_h += dt,
            Mode::Empty => self.empty_h += dt,
            Mode::Partial => {}
        }
        self.level += net;
        self.last_h = now_h;
    }

    /// Re-reads the mode from the level (call after `advance`). A level within
    /// [`LEVEL_TOLERANCE_T`] of a bound counts as at it, so rounding never leaves a tank a hair
    /// above empty or below full; the masses themselves are kept (exact balances), except that
    /// an element mixed out exactly may come out a rounding hair below zero and is set to 0.
    #[inline]
    pub fn classify(&mut self) -> Mode {
        if !self.moved {
            // Nothing moved since it last ran, and it changes nothing run twice.
            return self.mode;
        }
        self.moved = false;
        self.content += 1;
        self.mode = if self.level <= self.empty_level() + LEVEL_TOLERANCE_T {
            Mode::Empty
        } else if self.level > self.capacity + LEVEL_TOLERANCE_T {
            Mode::Over
        } else if self.level >= self.capacity - LEVEL_TOLERANCE_T {
            Mode::Full
        } else {
            Mode::Partial
        };
        for m in &mut self.mass {
            if *m < 0.0 {
                self.level -= *m;
                *m = 0.0;
            }
        }
        self.mode
    }

    /// Adds a lump of liquor (a recycled batch), t REO per element.
    pub fn add(&mut self, masses: &[f64]) {
        self.moved = true;
        self.content += 1;
        for (m, a) in self.mass.iter_mut().zip(masses) {
            *m += a;
            self.level += a;
        }
    }

    /// The composition (mass fractions) its outflow should carry now: the content's, or the
    /// inflow's when empty. `out` receives it; all zeros when there is neither.
    pub fn outflow_composition(&self, out: &mut [f64]) {
        let (src, total) = if self.level > 0.0 {
            (&self.mass, self.level)
        } else {
            (&self.in_rate, self.inflow())
        };
        for (o, s) in out.iter_mut().zip(src) {
            *o = if total > 0.0 { s / total } else { 0.0 };
        }
    }

    /// Hours from `last_h` until the next level event under the current rates: reaching full,
    /// empty, `watch` (a level some rule waits for) or, while mixing liquor of another
    /// composition, a composition refresh. `None` if nothing happens.
    #[inline]
    pub fn next_event_in(&self, watch: Option<f64>) -> Option<f64> {
        if self.balanced {
            // No net flow (no level to reach), and the inflow's composition is the held
            // outflow's, drawing no element down (no refresh).
            return None;
        }
        let net = self.inflow() - self.outflow();
        let mut best = f64::INFINITY;
        if net > 0.0 && self.mode != Mode::Full && self.mode != Mode::Over {
            best = best.min((self.capacity - self.level) / net);
        }
        if net < 0.0 && self.mode == Mode::Over {
            best = best.min((self.level - self.capacity) / -net);
        }
        if net < 0.0 && self.mode != Mode::Empty {
            best = best.min((self.level - self.empty_level()).max(0.0) / -net);
        }
        if let Some(w) = watch {
            let gap = w - self.level;
            let moving_toward = (gap > 0.0 && net > 0.0) || (gap < 0.0 && net < 0.0);
            // Within rounding of the level already: acting on it again would not advance time.
            if moving_toward && gap.abs() > LEVEL_TOLERANCE_T {
                best = best.min(gap / net);
            }
        }
        if self.pipe_t > self.empty_t {
            let gap = self.pipe_t - self.level;
            if (gap > LEVEL_TOLERANCE_T && net > 0.0) || (gap < -LEVEL_TOLERANCE_T && net < 0.0) {
                best = best.min(gap / net);
            }
        }
        if let Some(t) = self.refresh_in() {
            best = best.min(t);
        }
        (best.is_finite()).then_some(best.max(0.0))
    }

    /// The level at or below which the tank counts as empty, t.
    pub fn empty_level(&self) -> f64 {
        self.empty_t
    }

    /// Sets the empty level: `t` (at least [`LEVEL_TOLERANCE_T`]). The model gives each tank
    /// [`MIX_HOURS`] of its consumer's installed maximum: an empty tank passes what flows in
    /// straight through, so what little it holds stays put (exact balances) and no composition
    /// refresh crowds the clock. It is fixed per tank so that the mode never depends on the
    /// flows the mode itself sets.
    pub fn set_empty_level(&mut self, t: f64) {
        self.empty_t = t.max(LEVEL_TOLERANCE_T);
    }

    /// Hours until the outflow's held composition needs a refresh: the content's composition
    /// would move more than [`COMPOSITION_TOLERANCE`] from it, or (when it is within that of
    /// the inflow's) it has become the inflow's, or an element would run out before the tank
    /// reaches its empty level (refreshed at half that time). `None` if never.
    fn refresh_in(&self) -> Option<f64> {
        let out = self.outflow();
        if self.mode == Mode::Empty || out <= 0.0 || self.level <= 0.0 {
            return None;
        }
        let inflow = self.inflow();
        let net = inflow - out;
        let mut best = f64::INFINITY;
        if inflow > 0.0 && !self.is_pipe() {
            // The least mixing fraction w that moves some element by the tolerance.
            let w = self
                .in_rate
                .iter()
                .zip(&self.out_rate)
                .map(|(i, o)| {
                    let (held, coming) = (o / out, i / inflow);
                    COMPOSITION_TOLERANCE * (held.max(coming) + TRACE) / (coming - held).abs()
                })
                .fold(f64::INFINITY, f64::min);
            // Within the tolerance (w >= 1): one refresh when the content has become the
            // inflow's composition (w = 1 moves every element there at once), so it never drifts
            // past it until some other event; beyond MIXED the difference is rounding.
            if w < MIXED {
                let w = if w < 1.0 { w.min(0.5) } else { 1.0 };
                let denominator = inflow - w * net;
                if denominator > 0.0 {
                    best = w * self.level / denominator;
                }
            }
        }
        let to_empty = if net < 0.0 {
            (self.level - self.empty_level()).max(0.0) / -net
        } else {
            f64::INFINITY
        };
        for ((m, i), o) in self.mass.iter().zip(&self.in_rate).zip(&self.out_rate) {
            let draw = o - i;
            if draw > 0.0 && m / draw < to_empty {
                best = best.min(0.5 * m / draw);
            }
        }
        best.is_finite().then_some(best)
    }

    /// Sets the level at or below which the tank acts as a pipe, t (see the module doc).
    pub fn set_pipe_level(&mut self, t: f64) {
        self.pipe_t = t.max(LEVEL_TOLERANCE_T);
    }

    /// Whether it holds something but too little to mix: its outflow carries its inflow's
    /// composition. At the pipe level itself (within [`LEVEL_TOLERANCE_T`]) the rates that
    /// brought it there decide: it turns into a pipe when draining, out of one when filling.
    pub fn is_pipe(&self) -> bool {
        if self.mode == Mode::Empty {
            return false;
        }
        if (self.level - self.pipe_t).abs() <= LEVEL_TOLERANCE_T {
            return self.inflow() < self.outflow();
        }
        self.level < self.pipe_t
    }

    /// Hours of the last update.
    pub fn last_h(&self) -> f64 {
        self.last_h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_integrates_exactly() {
        let mut t = Tank::new(Some(10.0), 2);
        t.in_rate = vec![1.0, 3.0];
        t.out_rate = vec![0.25, 0.75];
        t.advance(2.0);
        assert_eq!(t.masses(), &[1.5, 4.5]);
        assert_eq!(t.level(), 6.0);
        // Integral of 3 t/h x t over 2 h = 6 t h.
        assert!((t.level_integral - 6.0).abs() < 1e-12);
        assert_eq!(t.classify(), Mode::Partial);
        // 4 t left at 3 t/h net; inflow and outflow alike, so no refresh.
        assert!((t.next_event_in(None).unwrap() - 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn refresh_when_content_moves_by_the_tolerance() {
        // 10 t at 50/50, 1 t/h out at 50/50, 1 t/h in of element 0 only: the content's share
        // of element 0 is 0.5 + w 0.5 with w = t / 10, so it moves 1 % (relative to
        // 0.5 + TRACE) at t = 10 x 0.01 x (0.5 + 1e-6) / 0.5 h.
        let mut t = Tank::new(None, 2);
        t.add(&[5.0, 5.0]);
        t.in_rate = vec![1.0, 0.0];
        t.out_rate = vec![0.5, 0.5];
        t.classify();
        let expected = 10.0 * COMPOSITION_TOLERANCE * (0.5 + TRACE) / 0.5;
        assert!((t.next_event_in(None).unwrap() - expected).abs() < 1e-12);
    }

    #[test]
    fn within_the_tolerance_one_refresh_when_the_content_is_the_inflows() {
        // Inflow 0.5 % off the content's composition (within the 1 % tolerance), 1 t/h in and
        // out of 10 t: the content is the inflow's composition at w = i t / L = 1, t = 10 h, and
        // is refreshed then instead of drifting past it.
        let mut t = Tank::new(None, 2);
        t.add(&[1.0, 9.0]);
        t.in_rate = vec![0.0995, 0.9005];
        t.out_rate = vec![0.1, 0.9];
        t.classify();
        assert!((t.next_event_in(None).unwrap() - 10.0).abs() < 1e-9);
        // Advanced to then, the content is the inflow's composition to rounding.
        t.advance(10.0);
        assert!((t.masses()[0] / t.level() - 0.0995).abs() < 1e-12);
    }

    #[test]
    fn a_near_empty_tank_is_a_pipe_until_it_fills_past_the_pipe_level() {
        // 0.1 t held, pipe level 1 t, 1 t/h net inflow of another composition: no refresh
        // while it is a pipe, an event when it reaches the pipe level 0.9 h later.
        let mut t = Tank::new(None, 2);
        t.set_pipe_level(1.0);
        t.add(&[0.1, 0.0]);
        t.in_rate = vec![0.0, 3.0];
        t.out_rate = vec![0.0, 2.0];
        t.classify();
        assert!(t.is_pipe());
        assert!((t.next_event_in(None).unwrap() - 0.9).abs() < 1e-12);
        t.advance(0.9);
        t.classify();
        assert!(!t.is_pipe());
        // At the pipe level and draining: a pipe again.
        t.out_rate = vec![0.0, 4.0];
        assert!(t.is_pipe());
    }
}
