//! A circuit's running state: its trains' capacities, how its flow is shared among them, the
//! purity of what each outlet carries, and its time-integrated statistics.
//!
//! **Caching.** What follows from the trains (up count, capacity, the trains in restart windows,
//! with bypassed stages or diverting, stops by cause) is rescanned only when a train of the
//! circuit changed ([`CircuitState::rescan`]), and the train shares, purities and loss rates
//! are recomputed only when that scan or the circuit's rate or limit changed
//! ([`CircuitState::set_flows`]). When no up train is derated and dispatch is even, every
//! running train gets the same share, so the sums over trains are sums of equal terms: they are
//! taken from tables (or one loop over the count) in the same order as the general code adds
//! them, and give the same bits; the general code runs otherwise.

use super::spec::{CircuitSpec, Dispatch, Effect};
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
    /// Each train's share of `rate`, t/h (0 for trains down or idle); kept up to date by the
    /// general path only (the even path shares `rate` equally among the first running trains).
    train_rate: Vec<f64>,
    /// What the last scan of its trains found.
    scan: Scan,
    /// The rate (bits) and limit the shares, purities and losses were last set for; `None`
    /// after a rescan.
    flows_for: Option<(u64, Option<u16>)>,
    /// `cap_sum[n]`: n trains at their (underated) maximum, summed as the capacity is.
    cap_sum: Vec<f64>,
    /// `design_sum[n]`: n design rates summed one by one from 0, as the losses are.
    design_sum: Vec<f64>,
    /// Its failure modes that derate.
    derate_modes: Vec<usize>,
    /// Sums of n equal shares computed lately.
    kept_sums: EqualSums,
    /// Buffers of the general path.
    work: Work,
}

/// What changed in what a circuit's outlets carry when its flows were set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    /// Nothing.
    Same,
    /// The impurities, not the diverted fractions.
    Purity,
    /// The diverted fractions (and maybe the impurities).
    Diverted,
}

/// What a scan of a circuit's trains found.
#[derive(Debug, Clone, Default, PartialEq)]
struct Scan {
    /// Each train's part in the totals below, as last scanned.
    parts: Vec<Part>,
    /// Up trains.
    up: u32,
    /// Down trains.
    down: u32,
    /// Up trains held below the circuit's maximum by a derate.
    derated_up: u32,
    /// Down trains by the cause of their stop.
    down_by_cause: Vec<u32>,
    /// Up trains that divert, or add restart or bypass impurity, in train order.
    special: Vec<Special>,
}

/// What one train adds to a circuit's scan.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// Down, with the cause of its stop.
    Down(u16),
    /// Up: its maximum (bits) and the derate mode holding it there, if a derate is active
    /// (which mode and level decide its capacity and losses), and what it diverts or adds to
    /// the impurity.
    Up(Option<(u64, Option<u16>)>, Option<Special>),
}

/// An up train whose liquor is diverted or adds impurity.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Special {
    /// Index of the train in its circuit.
    k: u32,
    /// Its product liquor is diverted.
    diverted: bool,
    /// Excess impurity over design from a restart transient, per outlet.
    restart: [f64; 2],
    /// Excess impurity over design from bypassed stages, per outlet.
    bypass: [f64; 2],
}

impl Scan {
    /// Adds (`sign` 1) or removes (`sign` -1) a train's part.
    fn count(&mut self, part: Part, sign: i32) {
        let add = |n: &mut u32| *n = n.wrapping_add_signed(sign);
        match part {
            Part::Down(cause) => {
                add(&mut self.down);
                add(&mut self.down_by_cause[cause as usize]);
            }
            Part::Up(derated, special) => {
                add(&mut self.up);
                if derated.is_some() {
                    add(&mut self.derated_up);
                }
                if let Some(sp) = special {
                    let at = self.special.partition_point(|s| s.k < sp.k);
                    if sign > 0 {
                        self.special.insert(at, sp);
                    } else {
                        self.special.remove(at);
                    }
                }
            }
        }
    }
}

/// Buffers of the general sharing code.
#[derive(Debug, Clone, Default)]
struct Work {
    running: Vec<bool>,
    ids: Vec<usize>,
    caps: Vec<f64>,
    shares: Vec<f64>,
    open: Vec<usize>,
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
    /// Repairs of its failures completed.
    pub repairs: u64,
}

/// The maximum of train `t` as a multiple of design, and the derate mode holding it down (if
/// any): the least level of its active derates, else the circuit's maximum.
pub(super) fn train_max(spec: &CircuitSpec, t: &Train) -> (f64, Option<u16>) {
    let mut best = (spec.max_rate, None);
    for (m, &n) in t.derates.iter().enumerate() {
        if n > 0 {
            if let Effect::Derate(x) = spec.failures[m].effect {
                if x < best.0 {
                    best = (x, Some(m as u16));
                }
            }
        }
    }
    best
}

impl CircuitState {
    /// A circuit with every train up and no flow yet.
    pub fn new(spec: &CircuitSpec, first: u32) -> CircuitState {
        let causes = spec.failures.len() + fixed::COUNT as usize;
        let k = spec.trains as usize;
        let max = spec.design_rate * spec.max_rate;
        let cap_sum = (0..=k).map(|n| (0..n).map(|_| max).sum::<f64>()).collect();
        let mut design_sum = Vec::with_capacity(k + 1);
        let mut acc = 0.0;
        design_sum.push(acc);
        for _ in 0..k {
            acc += spec.design_rate;
            design_sum.push(acc);
        }
        CircuitState {
            first,
            cap: 0.0,
            up: spec.trains,
            rate: 0.0,
            idle: false,
            limit: None,
            share_a: 0.0,
            diverted: [0.0; 2],
            impurity: [[0.0; 3]; 2],
            stats: CircuitStats {
                up_hours: vec![0.0; k + 1],
                lost_t: vec![0.0; causes],
                ..CircuitStats::default()
            },
            loss_rate: vec![0.0; causes],
            train_rate: vec![0.0; k],
            scan: Scan {
                down_by_cause: vec![0; causes],
                ..Scan::default()
            },
            flows_for: None,
            cap_sum,
            design_sum,
            derate_modes: (0..spec.failures.len())
                .filter(|&m| matches!(spec.failures[m].effect, Effect::Derate(_)))
                .collect(),
            kept_sums: EqualSums::default(),
            work: Work::default(),
        }
    }

    /// Integrates the current rates up to `now_h`.
    #[inline]
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

    /// Its trains.
    fn mine<'t>(&self, spec: &CircuitSpec, trains: &'t [Train]) -> &'t [Train] {
        &trains[self.first as usize..(self.first + spec.trains) as usize]
    }

    /// What train `t` (index `k` in the circuit) adds to the scan.
    fn part(&self, spec: &CircuitSpec, t: &Train, k: usize) -> Part {
        if !t.up() {
            return Part::Down(t.stop_cause.0);
        }
        let derated = (self.derate_modes.iter().any(|&m| t.derates[m] > 0)).then(|| {
            let (max, mode) = train_max(spec, t);
            (max.to_bits(), mode)
        });
        let plain = !t.diverted
            && t.restart_purity == [None; 2]
            && t.bypassed[0] == 0
            && t.bypassed[1] == 0;
        if plain {
            return Part::Up(derated, None);
        }
        let mut special = Special {
            k: k as u32,
            diverted: t.diverted,
            restart: [0.0; 2],
            bypass: [0.0; 2],
        };
        for o in 0..2 {
            let design = 1.0 - spec.purity.design[o];
            let by = bypass_impurity(spec, t, o).unwrap_or(design);
            let rs = t.restart_purity[o].map_or(design, |p| 1.0 - p);
            special.restart[o] = (rs - design).max(0.0);
            special.bypass[o] = (by - design).max(0.0);
        }
        let adds = special
            .restart
            .iter()
            .chain(&special.bypass)
            .any(|&x| x > 0.0);
        Part::Up(derated, (special.diverted || adds).then_some(special))
    }

    /// Rescans all its trains (call when they changed) and recomputes `cap` and `up`.
    pub fn rescan(&mut self, spec: &CircuitSpec, trains: &[Train]) {
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        let mut scan = std::mem::take(&mut self.scan);
        scan.up = 0;
        scan.down = 0;
        scan.derated_up = 0;
        scan.down_by_cause.iter_mut().for_each(|n| *n = 0);
        scan.special.clear();
        scan.parts.clear();
        for (k, t) in mine.iter().enumerate() {
            let part = self.part(spec, t, k);
            scan.parts.push(part);
            scan.count(part, 1);
        }
        self.scan = scan;
        self.recount(spec, mine);
    }

    /// Rescans train `k` of the circuit only (call when no other train changed since the last
    /// scan) and recomputes `cap` and `up`.
    pub fn rescan_train(&mut self, spec: &CircuitSpec, trains: &[Train], k: usize) {
        let mine = &trains[self.first as usize..(self.first + spec.trains) as usize];
        let part = self.part(spec, &mine[k], k);
        let old = self.scan.parts[k];
        if part == old {
            return;
        }
        self.scan.count(old, -1);
        self.scan.count(part, 1);
        self.scan.parts[k] = part;
        self.recount(spec, mine);
    }

    /// `cap` and `up` from the scan; the shares, purities and losses are out of date.
    fn recount(&mut self, spec: &CircuitSpec, mine: &[Train]) {
        self.up = self.scan.up;
        self.cap = if self.scan.derated_up == 0 {
            self.cap_sum[self.scan.up as usize]
        } else {
            mine.iter()
                .filter(|t| t.up())
                .map(|t| spec.design_rate * train_max(spec, t).0)
                .sum()
        };
        self.flows_for = None;
    }

    /// Whether the scan, `cap` and `up` match a full rescan of `trains`.
    pub fn scan_is_current(&self, spec: &CircuitSpec, trains: &[Train]) -> bool {
        let mut fresh = self.clone();
        fresh.rescan(spec, trains);
        fresh.scan == self.scan && fresh.cap.to_bits() == self.cap.to_bits() && fresh.up == self.up
    }

    /// Sets the train shares, outlet purities and loss rates for the current rate and limit,
    /// unless they are already set for them and the trains did not change since.
    /// Returns what changed in what the outlets carry.
    pub fn set_flows(&mut self, spec: &CircuitSpec, trains: &[Train]) -> Carried {
        let key = (self.rate.to_bits(), self.limit);
        if self.flows_for == Some(key) {
            return Carried::Same;
        }
        self.flows_for = Some(key);
        let (diverted, impurity) = (self.diverted, self.impurity);
        if self.scan.derated_up == 0 && spec.dispatch == Dispatch::Even {
            self.set_flows_even(spec);
        } else {
            self.allocate(spec, trains);
            self.set_purities(spec, trains);
            self.set_losses(spec, trains);
        }
        let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        if !same(&diverted, &self.diverted) {
            Carried::Diverted
        } else if !same(impurity.as_flattened(), self.impurity.as_flattened()) {
            Carried::Purity
        } else {
            Carried::Same
        }
    }

    /// The number of trains to run at `rate` (the first up ones): all up trains, or fewer
    /// when an even share would fall below the turndown.
    fn active(&self, spec: &CircuitSpec) -> usize {
        let min = spec.min_rate * spec.design_rate;
        let mut active = self.up as usize;
        if min > 0.0 && self.rate < min * active as f64 {
            active = ((self.rate / min).floor() as usize).clamp(1, active.max(1));
        }
        active.min(self.up as usize)
    }

    /// [`set_flows`](Self::set_flows) when every up train has the same maximum and dispatch is
    /// even: the same results as the general code, term by term.
    fn set_flows_even(&mut self, spec: &CircuitSpec) {
        // Shares: water filling of n equal caps gives each the least of the cap and rate / n.
        let (n, share) = if self.rate > 0.0 {
            let n = self.active(spec);
            let cap = spec.design_rate * spec.max_rate;
            let left = self.rate.min(self.cap_sum[n]);
            if n > 0 && left > 0.0 {
                let share = left / n as f64;
                (n, if cap <= share { cap } else { share })
            } else {
                (0, 0.0)
            }
        } else {
            (0, 0.0)
        };
        // Purities.
        self.diverted = [0.0; 2];
        self.impurity = [[0.0; 3]; 2];
        if self.rate > 0.0 {
            // The running trains are the first n up ones: all up trains but under turndown.
            let mut running = std::mem::take(&mut self.work.running);
            running.clear();
            if n == self.up as usize {
                running.resize(self.scan.special.len(), true);
            } else {
                let mut up_before = 0;
                let mut next = self.scan.special.iter().peekable();
                for (k, part) in self.scan.parts.iter().enumerate() {
                    if next.peek().is_some_and(|s| s.k as usize == k) {
                        running.push(up_before < n);
                        next.next();
                    }
                    if let Part::Up(..) = part {
                        up_before += 1;
                    }
                }
            }
            let specials = || {
                let all = self.scan.special.iter().zip(&running);
                all.filter(|(_, run)| **run).map(|(s, _)| s)
            };
            let diverting = specials().filter(|s| s.diverted).count();
            let mut excess = [[0.0; 2]; 2];
            for (o, [restart, bypass]) in excess.iter_mut().enumerate() {
                for s in specials().filter(|s| !s.diverted) {
                    *restart += share * s.restart[o];
                    *bypass += share * s.bypass[o];
                }
            }
            let div = sum_of_equal(share, diverting);
            // The kept flow (n - diverting equal shares, > 0 if any) divides only a nonzero
            // excess: 0 / kept is 0.
            let n_kept = n - diverting;
            let plain = excess.iter().flatten().all(|&x| x == 0.0);
            let kept = if plain || n_kept == 0 {
                if n_kept > 0 { 1.0 } else { 0.0 }
            } else {
                self.kept_sums.get(share, n_kept)
            };
            for (o, [restart, bypass]) in excess.into_iter().enumerate() {
                let design = 1.0 - spec.purity.design[o];
                self.diverted[o] = div / self.rate;
                if kept > 0.0 {
                    self.impurity[o] = [design, restart / kept, bypass / kept];
                }
            }
            self.work.running = running;
        }
        // Losses: down trains lose their design rate to their stop's cause.
        self.loss_rate.iter_mut().for_each(|l| *l = 0.0);
        for (cause, &count) in self.scan.down_by_cause.iter().enumerate() {
            if count > 0 {
                self.loss_rate[cause] = self.design_sum[count as usize];
            }
        }
        let explained = self.design_sum[self.scan.down as usize];
        self.add_rest(spec, explained);
    }

    /// What remains of the installed design rate after the rate and the `explained` losses, to
    /// what limits the circuit (or a negative catch-up).
    fn add_rest(&mut self, spec: &CircuitSpec, explained: f64) {
        let modes = spec.failures.len();
        let d = spec.design_rate;
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

    /// Shares `rate` among its up trains by its dispatch rule, respecting each train's maximum
    /// and the turndown (fewer trains run when an even share would fall below it).
    fn allocate(&mut self, spec: &CircuitSpec, trains: &[Train]) {
        let mine = self.mine(spec, trains);
        self.train_rate.iter_mut().for_each(|r| *r = 0.0);
        if self.rate <= 0.0 {
            return;
        }
        let active = self.active(spec);
        let w = &mut self.work;
        w.ids.clear();
        w.ids
            .extend((0..mine.len()).filter(|&k| mine[k].up()).take(active));
        w.caps.clear();
        w.caps.extend(
            w.ids
                .iter()
                .map(|&k| spec.design_rate * train_max(spec, &mine[k]).0),
        );
        match spec.dispatch {
            Dispatch::Even => water_fill_into(&w.caps, self.rate, &mut w.shares, &mut w.open),
            Dispatch::Fill => fill_into(&w.caps, self.rate, &mut w.shares),
        }
        for (&k, &r) in w.ids.iter().zip(&w.shares) {
            self.train_rate[k] = r;
        }
    }

    /// Sets the outlet impurities and diverted fractions from the trains' states.
    fn set_purities(&mut self, spec: &CircuitSpec, trains: &[Train]) {
        let mine = self.mine(spec, trains);
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
    fn set_losses(&mut self, spec: &CircuitSpec, trains: &[Train]) {
        let mine = self.mine(spec, trains);
        self.loss_rate.iter_mut().for_each(|l| *l = 0.0);
        let d = spec.design_rate;
        let mut explained = 0.0;
        for t in mine {
            if !t.up() {
                self.loss_rate[t.stop_cause.0 as usize] += d;
                explained += d;
            } else if let (m, Some(mode)) = train_max(spec, t) {
                if m < 1.0 {
                    self.loss_rate[mode as usize] += d * (1.0 - m);
                    explained += d * (1.0 - m);
                }
            }
        }
        self.add_rest(spec, explained);
    }

    /// The cause index of a fixed cause in this circuit's tables.
    pub fn fixed_cause(spec: &CircuitSpec, f: u16) -> Cause {
        Cause(spec.failures.len() as u16 + f)
    }
}

/// The last few [`sum_of_equal`] results (a train stopping and restarting brings the same
/// shares back).
#[derive(Debug, Clone, Default)]
struct EqualSums {
    /// (x bits, n, sum), filled in turn.
    memo: [(u64, usize, f64); 8],
    next: usize,
}

impl EqualSums {
    /// `x` added `n` times from 0 (n > 0).
    fn get(&mut self, x: f64, n: usize) -> f64 {
        let bits = x.to_bits();
        if let Some(&(_, _, sum)) = self.memo.iter().find(|m| m.0 == bits && m.1 == n) {
            return sum;
        }
        let sum = sum_of_equal(x, n);
        self.memo[self.next] = (bits, n, sum);
        self.next = (self.next + 1) % self.memo.len();
        sum
    }
}

/// `x` added `n` times, one by one, from 0.
fn sum_of_equal(x: f64, n: usize) -> f64 {
    let mut sum = 0.0;
    for _ in 0..n {
        sum += x;
    }
    sum
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
    let mut out = Vec::new();
    water_fill_into(caps, total, &mut out, &mut Vec::new());
    out
}

/// [`water_fill`] into `out`, with `open` as a work buffer.
fn water_fill_into(caps: &[f64], total: f64, out: &mut Vec<f64>, open: &mut Vec<usize>) {
    out.clear();
    out.resize(caps.len(), 0.0);
    open.clear();
    open.extend(0..caps.len());
    let mut left = total.min(caps.iter().sum());
    while !open.is_empty() && left > 0.0 {
        let share = left / open.len() as f64;
        if !open.iter().any(|&k| caps[k] <= share) {
            for &k in open.iter() {
                out[k] = share;
            }
            break;
        }
        // The capped ones take their caps, in order; the others stay open.
        open.retain(|&k| {
            if caps[k] <= share {
                out[k] = caps[k];
                left -= caps[k];
                false
            } else {
                true
            }
        });
    }
}

/// `total` given to each train in order, up to its maximum.
pub fn fill(caps: &[f64], total: f64) -> Vec<f64> {
    let mut out = Vec::new();
    fill_into(caps, total, &mut out);
    out
}

/// [`fill`] into `out`.
fn fill_into(caps: &[f64], total: f64, out: &mut Vec<f64>) {
    let mut left = total;
    out.clear();
    out.extend(caps.iter().map(|&c| {
        let r = c.min(left).max(0.0);
        left -= r;
        r
    }));
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

    use crate::engine::{DistSpec, mix64};
    use crate::flow::spec::{
        Crews, FailureModeSpec, OffSpecPolicy, Outlet, Per, PuritySpec, RestartSpec, Sections,
        Source,
    };

    /// A circuit of 12 trains with a stop and a bypass mode and a turndown.
    fn spec() -> CircuitSpec {
        let dist = DistSpec::Exponential { mean: 100.0 };
        let mode = |name: &str, per, effect| FailureModeSpec {
            name: name.into(),
            per,
            effect,
            time_to_failure: dist.clone(),
            time_to_repair: dist.clone(),
        };
        CircuitSpec {
            name: "C".into(),
            trains: 12,
            design_rate: 0.7,
            max_rate: 1.1,
            min_rate: 0.3,
            dispatch: Dispatch::Even,
            source: Source::Feed,
            outlets: [Outlet::Product(0), Outlet::Product(1)],
            split_to_a: vec![0.9, 0.1],
            design_composition: vec![0.5, 0.5],
            sections: Sections {
                extraction: 3,
                scrub: 3,
                strip: 2,
            },
            inventory_t: 1.0,
            purity: PuritySpec {
                design: [0.999, 0.998],
                bypass: [vec![[0.998, 0.997], [0.99, 0.99]], vec![[0.997, 0.996]]],
            },
            failures: vec![
                mode("stop", Per::Train, Effect::Stop),
                mode("bypass", Per::Stage, Effect::Bypass),
            ],
            crews: Crews::Own(None),
            maintenance: vec![],
            restart: RestartSpec::None,
            off_spec: OffSpecPolicy::Scrap,
        }
    }

    /// Train `k` in a random state drawn from `r`.
    fn scramble(t: &mut Train, r: &mut u64) {
        let mut draw = |n: u64| {
            *r = mix64(*r);
            *r % n
        };
        t.stops = (draw(4) == 0) as u16;
        t.stop_cause = Cause(draw(8) as u16);
        t.bypassed = [
            (draw(5) == 0) as u16 * draw(3) as u16,
            (draw(6) == 0) as u16,
            0,
        ];
        t.restart_purity = [0, 1].map(|_| (draw(4) == 0).then(|| 0.99 + draw(100) as f64 * 1e-4));
        t.diverted = draw(10) == 0;
    }

    /// A second derate on a train already derated lowers its maximum and moves its loss to
    /// the new mode: the one-train rescan sees it as a full rescan does.
    #[test]
    fn train_rescan_sees_a_second_derate() {
        let mut spec = spec();
        let dist = DistSpec::Exponential { mean: 100.0 };
        for (name, x) in [("slow", 0.8), ("slower", 0.6)] {
            spec.failures.push(FailureModeSpec {
                name: name.into(),
                per: Per::Train,
                effect: Effect::Derate(x),
                time_to_failure: dist.clone(),
                time_to_repair: dist.clone(),
            });
        }
        let mut trains: Vec<Train> = (0..12).map(|k| Train::new(0, k, 4, 0..0, 0)).collect();
        let mut st = CircuitState::new(&spec, 0);
        st.rescan(&spec, &trains);
        for mode in [2, 3] {
            trains[5].derates[mode] += 1;
            st.rescan_train(&spec, &trains, 5);
            assert!(st.scan_is_current(&spec, &trains), "mode {mode}");
        }
        st.rate = st.cap;
        st.set_flows(&spec, &trains);
        assert_eq!(st.loss_rate[2], 0.0);
        assert_eq!(st.loss_rate[3], 0.7 * (1.0 - 0.6));
    }

    /// The even path and the one-train rescan give the general code's results, bit for bit.
    #[test]
    fn even_path_and_train_rescan_match_the_general_code() {
        let spec = spec();
        let mut r = 7;
        let mut trains: Vec<Train> = (0..12).map(|k| Train::new(0, k, 2, 0..0, 0)).collect();
        let mut st = CircuitState::new(&spec, 0);
        st.rescan(&spec, &trains);
        for case in 0..20_000 {
            // One train changes (a rescan of it alone), now and then all of them.
            r = mix64(r);
            if case % 50 == 0 {
                trains.iter_mut().for_each(|t| scramble(t, &mut r));
                st.rescan(&spec, &trains);
            } else {
                let k = (r % 12) as usize;
                scramble(&mut trains[k], &mut r);
                st.rescan_train(&spec, &trains, k);
            }
            assert!(st.scan_is_current(&spec, &trains), "case {case}");
            r = mix64(r);
            let f = (r % 1000) as f64 / 800.0;
            st.rate = if r % 7 == 0 { 0.0 } else { f * st.cap };
            st.limit = [None, Some(fixed::STARVED), Some(fixed::BLOCKED)][(r % 3) as usize];
            let mut general = st.clone();
            st.set_flows(&spec, &trains);
            general.allocate(&spec, &trains);
            general.set_purities(&spec, &trains);
            general.set_losses(&spec, &trains);
            let bits = |c: &CircuitState| {
                let d = c.diverted.map(f64::to_bits);
                let i = c.impurity.map(|x| x.map(f64::to_bits));
                let l: Vec<u64> = c.loss_rate.iter().map(|x| x.to_bits()).collect();
                (d, i, l)
            };
            assert_eq!(bits(&st), bits(&general), "case {case}");
        }
    }
}
