//! A circuit's running state: its trains' capacities, how its flow is shared among them, the
//! purity of what each outlet carries, and its time-integrated statistics.

use super::spec::{CircuitSpec, Dispatch};
use super::train::{Cause, Train, fixed};

/// Running state and statistics of one circuit.
#[derive(Debug, Clone)]
pub struct CircuitState {
    /// Plant-wide index of its first train; its trains are `first..first + trains`.
    pub first: u32,
    /// Sum of the maximum rates of its up trains, t/h.
    pub cap: f64,
    /// Up trains.
    pub up: u32,
    /// Feed rate into the circuit, t/h.
    pub rate: f64,
    /// Idled by its turndown: waits for its source to reach the resume level.
    pub idle: bool,
    /// What limits `rate` below `cap` (a fixed cause), if anything.
    pub limit: Option<u16>,
    /// Each train's share of `rate`, t/h (0 for trains down or idle).
    pub train_rate: Vec<f64>,
    /// Fraction of the feed mass leaving by outlet A at the current source composition.
    pub share_a: f64,
    /// Fraction of product liquor diverted as off-spec (trains in a fixed restart window),
    /// per outlet.
    pub diverted: [f64; 2],
    /// Impurity (1 - purity) of each outlet's liquor that is not diverted: (at design, excess
    /// from restart transients, excess from bypassed stages), per outlet, as fractions of the
    /// outlet's flow.
    pub impurity: [[f64; 3]; 2],
    /// Statistics since time 0.
    pub stats: CircuitStats,
    /// Loss rates by cause now, t/h of circuit feed against the installed design rate.
    pub loss_rate: Vec<f64>,
}

/// Time integrals of one circuit since time 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CircuitStats {
    /// Time of the last update, hours.
    pub last_h: f64,
    /// Feed processed, t REO.
    pub fed_t: f64,
    /// Hours with k trains up, k = 0..=trains.
    pub up_hours: Vec<f64>,
    /// Capacity lost against the installed design rate by cause, t REO (failure modes first,
    /// then [`fixed`] causes).
    pub lost_t: Vec<f64>,
    /// Hours its source tank was empty while it ran below capacity (starved).
    pub starved_h: f64,
    /// Hours an outlet tank was full and limited it (blocked).
    pub blocked_h: f64,
}

impl CircuitState {
    /// A circuit with every train up and no flow yet.
    pub fn new(spec: &CircuitSpec, first: u32) -> CircuitState {
        let causes = spec.failures.len() + fixed::COUNT as usize;
        CircuitState {
            first,
            cap: 0.0,
            up: spec.trains,
            rate: 0.0,
            idle: false,
            limit: None,
            train_rate: vec![0.0; spec.trains as usize],
            share_a: 0.0,
            diverted: [0.0; 2],
            impurity: [[0.0; 3]; 2],
            stats: CircuitStats {
                up_hours: vec![0.0; spec.trains as usize + 1],
                lost_t: vec![0.0; causes],
                ..CircuitStats::default()
            },
            loss_rate: vec![0.0; causes],
        }
    }

    /// Integrates the current rates up to `now_h`.
    pub fn advance(&mut self, now_h: f64) {
        let s = &mut self.stats;
        let dt = now_h - s.last_h;
        if dt <= 0.0 {
            return;
        }
        s.fed_t += self.rate * dt;
        s.up_hours[self.up as usize] += dt;
        for (lost, rate) in s.lost_t.iter_mut().zip(&self.loss_rate) {
            *lost += rate * dt;
        }
        match self.limit {
            Some(fixed::STARVED) => s.starved_h += dt,
            Some(fixed::BLOCKED) => s.blocked_h += dt,
            _ => {}
        }
        s.last_h = now_h;
    }

    /// Recomputes `cap` and `up` from its trains.
    pub fn recount(
        &mut self,
        spec: &CircuitSpec,
        trains: &[Train],
        derate_of: impl Fn(&Train) -> f64,
    ) {
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        self.up = mine.iter().filter(|t| t.up()).count() as u32;
        self.cap = mine
            .iter()
            .filter(|t| t.up())
            .map(|t| spec.design_rate * derate_of(t))
            .sum();
    }

    /// Shares `rate` among its up trains by its dispatch rule, respecting each train's maximum
    /// and the turndown (fewer trains run when an even share would fall below it).
    pub fn allocate(
        &mut self,
        spec: &CircuitSpec,
        trains: &[Train],
        max_of: impl Fn(&Train) -> f64,
    ) {
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        self.train_rate.iter_mut().for_each(|r| *r = 0.0);
        if self.rate <= 0.0 {
            return;
        }
        let min = spec.min_rate * spec.design_rate;
        let mut active = self.up as usize;
        if min > 0.0 && self.rate < min * active as f64 {
            active = ((self.rate / min).floor() as usize).clamp(1, active.max(1));
        }
        let ids: Vec<usize> = (0..mine.len())
            .filter(|&k| mine[k].up())
            .take(active)
            .collect();
        let caps: Vec<f64> = ids
            .iter()
            .map(|&k| spec.design_rate * max_of(&mine[k]))
            .collect();
        let shares = match spec.dispatch {
            Dispatch::Even => water_fill(&caps, self.rate),
            Dispatch::Fill => fill(&caps, self.rate),
        };
        for (k, r) in ids.into_iter().zip(shares) {
            self.train_rate[k] = r;
        }
    }

    /// Sets the outlet impurities and diverted fractions from the trains' states.
    pub fn set_purities(&mut self, spec: &CircuitSpec, trains: &[Train]) {
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        self.diverted = [0.0; 2];
        self.impurity = [[0.0; 3]; 2];
        if self.rate <= 0.0 {
            return;
        }
        for o in 0..2 {
            let design = 1.0 - spec.purity.design[o];
            let (mut kept, mut div, mut restart, mut bypass) = (0.0, 0.0, 0.0, 0.0);
            for (t, &r) in mine.iter().zip(&self.train_rate) {
                if r <= 0.0 {
                    continue;
                }
                if t.diverted {
                    div += r;
                    continue;
                }
                kept += r;
                let by = bypass_impurity(spec, t, o).unwrap_or(design);
                let rs = t.restart_purity[o].map_or(design, |p| 1.0 - p);
                restart += r * (rs - design).max(0.0);
                bypass += r * (by - design).max(0.0);
            }
            self.diverted[o] = div / self.rate;
            if kept > 0.0 {
                self.impurity[o] = [design, restart / kept, bypass / kept];
            }
        }
    }

    /// Sets the loss rates by cause: down trains lose their design rate to the cause of their
    /// stop, derated trains the part of design they cannot run, and what remains of the
    /// installed design rate to what limits the circuit (or a negative catch-up).
    pub fn set_losses(
        &mut self,
        spec: &CircuitSpec,
        trains: &[Train],
        max_of: impl Fn(&Train) -> (f64, Option<u16>),
    ) {
        let modes = spec.failures.len();
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        self.loss_rate.iter_mut().for_each(|l| *l = 0.0);
        let d = spec.design_rate;
        let mut explained = 0.0;
        for t in mine {
            if !t.up() {
                self.loss_rate[t.stop_cause.0 as usize] += d;
                explained += d;
            } else if let (m, Some(mode)) = max_of(t) {
                if m < 1.0 {
                    self.loss_rate[mode as usize] += d * (1.0 - m);
                    explained += d * (1.0 - m);
                }
            }
        }
        let rest = d * f64::from(spec.trains) - self.rate - explained;
        let cause = if rest < 0.0 {
            fixed::CATCH_UP
        } else {
            self.limit.unwrap_or(fixed::UNDERFED)
        };
        if rest != 0.0 {
            self.loss_rate[modes + cause as usize] += rest;
        }
    }

    /// The cause index of a fixed cause in this circuit's tables.
    pub fn fixed_cause(spec: &CircuitSpec, f: u16) -> Cause {
        Cause(spec.failures.len() as u16 + f)
    }
}

/// The impurity of outlet `o` of a train with bypassed stages, if any are bypassed.
fn bypass_impurity(spec: &CircuitSpec, t: &Train, o: usize) -> Option<f64> {
    let mut worst: Option<f64> = None;
    for (section, &k) in t.bypassed.iter().take(2).enumerate() {
        let table = &spec.purity.bypass[section];
        if k == 0 || table.is_empty() {
            continue;
        }
        let p = table[(k as usize).min(table.len()) - 1][o];
        worst = Some(worst.map_or(1.0 - p, |w: f64| w.max(1.0 - p)));
    }
    worst
}

/// Equal shares of `total` up to each maximum; what a capped train cannot take goes to the
/// others equally.
pub fn water_fill(caps: &[f64], total: f64) -> Vec<f64> {
    let mut out = vec![0.0; caps.len()];
    let mut open: Vec<usize> = (0..caps.len()).collect();
    let mut left = total.min(caps.iter().sum());
    while !open.is_empty() && left > 0.0 {
        let share = left / open.len() as f64;
        let capped: Vec<usize> = open.iter().copied().filter(|&k| caps[k] <= share).collect();
        if capped.is_empty() {
            for &k in &open {
                out[k] = share;
            }
            break;
        }
        for &k in &capped {
            out[k] = caps[k];
            left -= caps[k];
        }
        open.retain(|k| !capped.contains(k));
    }
    out
}

/// `total` given to each train in order, up to its maximum.
pub fn fill(caps: &[f64], total: f64) -> Vec<f64> {
    let mut left = total;
    caps.iter()
        .map(|&c| {
            let r = c.min(left).max(0.0);
            left -= r;
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_filling_caps_the_small_and_shares_the_rest() {
        assert_eq!(water_fill(&[1.0, 1.0, 1.0], 1.5), vec![0.5, 0.5, 0.5]);
        assert_eq!(water_fill(&[0.2, 1.0, 1.0], 1.5), vec![0.2, 0.65, 0.65]);
        assert_eq!(water_fill(&[0.2, 1.0], 5.0), vec![0.2, 1.0]);
        assert_eq!(fill(&[1.0, 1.0, 1.0], 1.5), vec![1.0, 0.5, 0.0]);
    }
}
