//! One run of the dynamic model: adaptive step doubling, bookkeeping and samples.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::cascade::Mode;
use super::newton::{Newton, Tol};
use super::{DynamicModel, Sample, Transient};
use crate::chem::ChemError;

/// First step, in tau.
const FIRST_STEP: f64 = 1e-3;
/// Smallest step before the integration gives up, in tau.
const MIN_STEP: f64 = 1e-12;
/// Step-size controller: safety factor, largest growth and largest shrink per step.
const SAFETY: f64 = 0.9;
const MAX_GROWTH: f64 = 4.0;
const MAX_SHRINK: f64 = 0.2;
/// Early exit (`until_steady = false`): a product within this fraction of its on-spec margin
/// of the steady purity counts as converged whichever way it moves.
const EARLY_EXIT_FRACTION: f64 = 0.1;
/// Early exit: the converging stretch must last until t >= GROWTH x its start + MIN (tau).
const EARLY_EXIT_GROWTH: f64 = 2.0;
const EARLY_EXIT_MIN: f64 = 10.0;
/// Absolute error weight relative to the relative one (holdups in mol per mol fed per tau).
const ATOL_FACTOR: f64 = 1e-6;

/// State and bookkeeping of one run.
pub(super) struct Run<'a> {
    pub(super) model: &'a DynamicModel,
    pub(super) newton: Newton<'a>,
    pub(super) tol: Tol,
    pub(super) x: Vec<f64>,
    pub(super) full: Vec<f64>,
    pub(super) half: Vec<f64>,
    pub(super) next: Vec<f64>,
    pub(super) hold_start: Vec<f64>,
    pub(super) hold_full: Vec<f64>,
    pub(super) hold_half: Vec<f64>,
    /// Product flows per element: after the full step, the first and second half steps, and
    /// this step's increments (A then B in each pair).
    pub(super) prod: [Vec<f64>; 8],
    pub(super) out_a: Vec<f64>,
    pub(super) out_b: Vec<f64>,
    pub(super) holdup0: Vec<f64>,
    pub(super) t: f64,
    pub(super) samples: Vec<Sample>,
    pub(super) accepted: usize,
    pub(super) rejected: usize,
    pub(super) settled: bool,
    /// Start of the current converging, on-spec stretch (early exit).
    pub(super) since: Option<f64>,
}

impl<'a> Run<'a> {
    pub(super) fn new(model: &'a DynamicModel, x: Vec<f64>) -> Self {
        let cas = &model.cascade;
        let (nc, c) = (x.len(), cas.c);
        let scale = cas
            .aqueous
            .iter()
            .chain(&cas.organic)
            .fold(0.0, |m: f64, &v| m.max(v));
        Run {
            model,
            newton: Newton::new(cas),
            tol: Tol {
                rtol: model.opts.rtol,
                atol: ATOL_FACTOR * model.opts.rtol * scale,
            },
            full: x.clone(),
            half: x.clone(),
            next: x.clone(),
            x,
            hold_start: vec![0.0; nc],
            hold_full: vec![0.0; nc],
            hold_half: vec![0.0; nc],
            prod: std::array::from_fn(|_| vec![0.0; c]),
            out_a: vec![0.0; c],
            out_b: vec![0.0; c],
            holdup0: vec![0.0; c],
            t: 0.0,
            samples: Vec::new(),
            accepted: 0,
            rejected: 0,
            settled: false,
            since: None,
        }
    }

    /// Holdup of `x` into `hold` (uses the Newton organic buffer).
    pub(super) fn holdup_of(newton: &mut Newton, x: &[f64], hold: &mut [f64]) {
        newton.cas.organic_all(x, &mut newton.y);
        newton.cas.holdup(x, &newton.y, hold);
    }

    /// Product flows of `x` into `prod[slot]`, `prod[slot + 1]`.
    pub(super) fn products_of(&mut self, which: usize) {
        let state = if which == 0 { &self.full } else { &self.half };
        let cas = self.newton.cas;
        cas.organic_all(state, &mut self.newton.y);
        let (a, rest) = self.prod.split_at_mut(2 * which + 1);
        cas.products(state, &self.newton.y, &mut a[2 * which], &mut rest[0]);
    }

    /// One step-doubling step of `h` from `x` into `next` and the output increments in
    /// `prod[6]`, `prod[7]`; returns the error norm (<= 1 accept), `None` if a solve failed.
    pub(super) fn try_step(&mut self, mode: Mode, h: f64) -> Option<f64> {
        let tol = self.tol;
        self.full.copy_from_slice(&self.x);
        self.half.copy_from_slice(&self.x);
        if !self.newton.implicit_euler(mode, &mut self.full, h, tol) {
            return None;
        }
        self.products_of(0);
        if !self
            .newton
            .implicit_euler(mode, &mut self.half, 0.5 * h, tol)
        {
            return None;
        }
        self.products_of(1);
        if !self
            .newton
            .implicit_euler(mode, &mut self.half, 0.5 * h, tol)
        {
            return None;
        }
        self.products_of(2);
        Self::holdup_of(&mut self.newton, &self.x, &mut self.hold_start);
        Self::holdup_of(&mut self.newton, &self.full, &mut self.hold_full);
        Self::holdup_of(&mut self.newton, &self.half, &mut self.hold_half);
        let mut err = 0.0f64;
        for k in 0..self.x.len() {
            let w = tol.weight(self.hold_start[k].abs().max(self.hold_half[k].abs()));
            err = err.max((self.hold_half[k] - self.hold_full[k]).abs() / w);
        }
        self.extrapolate(mode, h);
        Some(err)
    }

    /// next = the state holding 2 H(half) - H(full), or the two half steps if no physical
    /// state holds it; increments of the product outflows to match.
    pub(super) fn extrapolate(&mut self, mode: Mode, h: f64) {
        let cas = self.newton.cas;
        let c = cas.c;
        let mut ok = true;
        self.next.copy_from_slice(&self.half);
        for j in 0..cas.len() {
            let r = j * c..(j + 1) * c;
            for k in r.clone() {
                self.hold_full[k] = 2.0 * self.hold_half[k] - self.hold_full[k];
            }
            ok &= cas.eq.invert(
                &self.hold_full[r.clone()],
                cas.aqueous[j],
                cas.organic[j],
                &mut self.next[r],
            );
        }
        if !ok {
            self.next.copy_from_slice(&self.half);
        }
        let running = f64::from(u8::from(mode == Mode::Running));
        for slot in 0..2 {
            for i in 0..c {
                let (f, h1, h2) = (
                    self.prod[slot][i],
                    self.prod[2 + slot][i],
                    self.prod[4 + slot][i],
                );
                let inc = if ok {
                    h * (h1 + h2 - f)
                } else {
                    0.5 * h * (h1 + h2)
                };
                self.prod[6 + slot][i] = running * inc;
            }
        }
    }

    /// Next step size after a step with error norm `err`.
    pub(super) fn resize(h: f64, err: f64) -> f64 {
        let f = if err > 0.0 {
            SAFETY * err.powf(-0.5)
        } else {
            MAX_GROWTH
        };
        h * f.clamp(MAX_SHRINK, MAX_GROWTH)
    }

    /// Advances with `mode` from time `self.t` until `end` (or until settled when `None`).
    pub(super) fn integrate(&mut self, mode: Mode, end: Option<f64>) -> Result<(), ChemError> {
        let opts = &self.model.opts;
        let mut h = FIRST_STEP;
        while self.accepted + self.rejected < opts.max_steps {
            if let Some(e) = end {
                if self.t >= e {
                    return Ok(());
                }
                h = h.min(e - self.t);
            } else if self.t >= opts.max_time {
                return Ok(());
            }
            // Resolution for plots and the on-spec interpolation: a step at most doubles t.
            h = h.min(self.t.abs().max(1.0));
            match self.try_step(mode, h) {
                Some(err) if err <= 1.0 => {
                    self.accept(mode, h);
                    h = Self::resize(h, err);
                    if end.is_none() && self.is_done() {
                        return Ok(());
                    }
                }
                Some(err) => {
                    self.rejected += 1;
                    h = Self::resize(h, err);
                }
                None => {
                    self.rejected += 1;
                    h *= 0.25;
                }
            }
            if h < MIN_STEP {
                return Err(ChemError::Numerical(format!(
                    "dynamic cascade: step size fell below {MIN_STEP} tau at t = {} tau",
                    self.t
                )));
            }
        }
        Ok(())
    }

    pub(super) fn accept(&mut self, mode: Mode, h: f64) {
        std::mem::swap(&mut self.x, &mut self.next);
        self.t += h;
        self.accepted += 1;
        for i in 0..self.newton.cas.c {
            self.out_a[i] += self.prod[6][i];
            self.out_b[i] += self.prod[7][i];
        }
        if mode == Mode::Running {
            let s = self.sample();
            self.samples.push(s);
        }
    }

    /// Whether the running phase can end: settled, or (without `until_steady`) both products
    /// have been on-spec and converging since `since` and the time has doubled since then.
    pub(super) fn is_done(&mut self) -> bool {
        if self.is_settled() {
            self.settled = true;
            return true;
        }
        if self.model.opts.until_steady || self.samples.len() < 2 {
            return false;
        }
        let n = self.samples.len();
        let (now, prev) = (&self.samples[n - 1], &self.samples[n - 2]);
        if self.converging(now, prev) {
            let since = *self.since.get_or_insert(now.t);
            now.t >= EARLY_EXIT_GROWTH * since + EARLY_EXIT_MIN
        } else {
            self.since = None;
            false
        }
    }

    /// Both products on-spec, each near its steady purity or moving toward it.
    fn converging(&self, now: &Sample, prev: &Sample) -> bool {
        let opts = &self.model.opts;
        let (pa, pb) = self.model.steady_purity;
        let check = |p: f64, before: f64, steady: f64, target: f64| {
            let threshold = target;
            let near = (p - steady).abs() <= EARLY_EXIT_FRACTION * (steady - threshold);
            p >= threshold && (near || (p - steady) * (p - before) <= 0.0)
        };
        check(now.purity_a, prev.purity_a, pa, opts.target_a.threshold(pa))
            && check(now.purity_b, prev.purity_b, pb, opts.target_b.threshold(pb))
    }

    pub(super) fn is_settled(&mut self) -> bool {
        let cas = self.newton.cas;
        cas.organic_all(&self.x, &mut self.newton.y);
        cas.rates(Mode::Running, &self.x, &self.newton.y, &mut self.newton.r);
        self.newton
            .r
            .iter()
            .all(|r| r.abs() <= self.model.opts.settle_rate)
    }

    /// The stop: exchange-only dynamics for `length` tau, ending at t = 0.
    pub(super) fn stop_phase(&mut self, length: f64) -> Result<(), ChemError> {
        self.t = -length;
        self.integrate(Mode::Stopped(self.model.opts.stop_exchange), Some(0.0))?;
        self.t = 0.0;
        Ok(())
    }

    /// Design flows from t = 0 until settled.
    pub(super) fn running_phase(&mut self) -> Result<(), ChemError> {
        self.t = 0.0;
        self.out_a.fill(0.0);
        self.out_b.fill(0.0);
        let x = std::mem::take(&mut self.x);
        self.holdup0 = self.element_holdups(&x);
        self.x = x;
        let s = self.sample();
        self.samples.push(s);
        self.integrate(Mode::Running, None)
    }

    /// Each element's holdup in the circuit, mol per mol fed per tau.
    pub(super) fn element_holdups(&mut self, x: &[f64]) -> Vec<f64> {
        let c = self.newton.cas.c;
        let mut hold = std::mem::take(&mut self.hold_start);
        Self::holdup_of(&mut self.newton, x, &mut hold);
        let per: Vec<f64> = (0..c)
            .map(|i| hold.iter().skip(i).step_by(c).sum())
            .collect();
        self.hold_start = hold;
        per
    }

    pub(super) fn sample(&mut self) -> Sample {
        let model = self.model;
        let cas = &model.cascade;
        let (tau, c) = (model.opts.residence_h, cas.c);
        cas.organic_all(&self.x, &mut self.newton.y);
        let [pa, pb, ..] = &mut self.prod;
        cas.products(&self.x, &self.newton.y, pa, pb);
        let (purity_a, purity_b) = (cas.purity(pa, true), cas.purity(pb, false));
        let (flow_a, flow_b) = (pa.iter().sum(), pb.iter().sum());
        let (impurity_out_a, out_a) = cas.impurity(&self.out_a, true);
        let (impurity_out_b, out_b) = cas.impurity(&self.out_b, false);
        cas.holdup(&self.x, &self.newton.y, &mut self.hold_start);
        let total: f64 = self.hold_start.iter().sum();
        let reo: f64 = (0..self.hold_start.len())
            .map(|k| self.hold_start[k] * cas.oxide[k % c])
            .sum();
        let feed_reo: f64 = cas.feed.iter().zip(&cas.oxide).map(|(z, m)| z * m).sum();
        Sample {
            t: self.t,
            t_h: self.t * tau,
            purity_a,
            purity_b,
            flow_a,
            flow_b,
            out_a,
            impurity_out_a,
            out_b,
            impurity_out_b,
            inventory_h: total * tau,
            inventory_reo_h: reo / feed_reo * tau,
            deviation: deviation(&self.x, &model.steady, c),
        }
    }

    pub(super) fn finish(mut self, stop_h: f64) -> Transient {
        let model = self.model;
        let (pa, pb) = model.steady_purity;
        let threshold = (
            model.opts.target_a.threshold(pa),
            model.opts.target_b.threshold(pb),
        );
        let x = std::mem::take(&mut self.x);
        let holdup1 = self.element_holdups(&x);
        let c = model.cascade.c;
        Transient {
            residence_h: model.opts.residence_h,
            stop_h,
            on_spec_a: on_spec_time(&self.samples, threshold.0, |s| s.purity_a),
            on_spec_b: on_spec_time(&self.samples, threshold.1, |s| s.purity_b),
            samples: self.samples,
            steady_purity: (pa, pb),
            threshold,
            settled: self.settled,
            state: x,
            holdup: (self.holdup0, holdup1),
            fed: (0..c).map(|i| model.cascade.feed[i] * self.t).collect(),
            out_a: self.out_a,
            out_b: self.out_b,
            steps: (self.accepted, self.rejected, self.newton.iterations),
        }
    }
}

/// Largest difference between the normalised stage compositions of `x` and `steady`.
pub(super) fn deviation(x: &[f64], steady: &[f64], c: usize) -> f64 {
    x.chunks_exact(c)
        .zip(steady.chunks_exact(c))
        .map(|(a, b)| {
            let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
            a.iter()
                .zip(b)
                .map(|(p, q)| (p / sa - q / sb).abs())
                .fold(0.0, f64::max)
        })
        .fold(0.0, f64::max)
}

/// The time from which `purity` stays at or above `threshold` to the end of the samples
/// (linear interpolation of the last upward crossing); 0 if never below, `None` if the last
/// sample is below.
pub(super) fn on_spec_time(
    samples: &[Sample],
    threshold: f64,
    purity: impl Fn(&Sample) -> f64,
) -> Option<f64> {
    let last_below = samples
        .iter()
        .rposition(|s| purity(s).is_nan() || purity(s) < threshold);
    match last_below {
        None => Some(0.0),
        Some(k) if k + 1 == samples.len() => None,
        Some(k) => {
            let (a, b) = (&samples[k], &samples[k + 1]);
            let (pa, pb) = (purity(a), purity(b));
            let f = if pb > pa {
                ((threshold - pa) / (pb - pa)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            Some(a.t + f * (b.t - a.t))
        }
    }
}
