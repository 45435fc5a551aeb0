//! Steady-state solver of the loaded-organic model with constant separation factors.
//!
//! Unknowns: the mean extractability of the aqueous at each stage, s_j = sum_k beta_k x_jk.
//! Given s, every element's distribution ratio is beta_i/s_j and its stage balances are one
//! tridiagonal system (O(N) each); the map s -> sum beta x / sum x is a fixed point at the
//! solution (where every stage's fractions sum to 1). The fixed point is iterated on ln s with
//! Anderson acceleration, clamped to the range of the betas, and accepted only when the stage
//! mass balances, recomputed from normalised compositions and the exact equilibrium relation,
//! close to the tolerance.

use super::anderson::Anderson;
use super::stages::{Flows, Profile, loaded_equilibrium, mass_balance_error, solve_element};
use super::{ChemError, SolveOptions};

/// Anderson depth: enough for pinched cascades, cheap for 1000 stages.
const DEPTH: usize = 8;

/// Working state of one solve.
struct Loaded<'a> {
    betas: &'a [f64],
    z: &'a [f64],
    flows: &'a Flows,
    split_after: usize,
    present: Vec<usize>,
    /// Element-major aqueous amounts (C x N).
    x: Vec<f64>,
    inv_s: Vec<f64>,
    xsum: Vec<f64>,
    bsum: Vec<f64>,
    scratch: Vec<f64>,
}

/// Solves the loaded model for separation factors `betas` (any common reference), feed mole
/// fractions `z` (sum 1), the B product ending at element `split_after` (used for the
/// starting profile only) and `flows` (REE mol per mol feed).
pub(crate) fn solve(
    betas: &[f64],
    z: &[f64],
    split_after: usize,
    flows: &Flows,
    opts: &SolveOptions,
) -> Result<Profile, ChemError> {
    let (c, big_n) = (betas.len(), flows.len());
    let mut st = Loaded {
        betas,
        z,
        flows,
        split_after,
        present: (0..c).filter(|&i| z[i] > 0.0).collect(),
        x: vec![0.0; c * big_n],
        inv_s: vec![0.0; big_n],
        xsum: vec![0.0; big_n],
        bsum: vec![0.0; big_n],
        scratch: vec![0.0; big_n],
    };
    let (lo, hi) = st.log_beta_range();
    let mut u = st.initial_guess();
    let (mut g, mut next) = (vec![0.0; big_n], vec![0.0; big_n]);
    let mut mixer = Anderson::new(big_n, DEPTH.min(big_n));
    let mut best: Option<Profile> = None;
    let mut best_res = f64::INFINITY;
    for iteration in 1..=opts.max_iterations {
        st.evaluate(&u, &mut g);
        let res = g
            .iter()
            .zip(&u)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        if !res.is_finite() {
            return Err(ChemError::Numerical(format!(
                "non-finite residual at iteration {iteration}"
            )));
        }
        if res < 1e-9 {
            let p = st.profile(iteration);
            let done = p.mass_balance_error <= 1e-3 * opts.tolerance || res < 1e-15;
            if best
                .as_ref()
                .is_none_or(|b| p.mass_balance_error < b.mass_balance_error)
            {
                best = Some(p);
            }
            if done {
                break;
            }
        }
        if res > 1e3 * best_res {
            mixer.reset();
        }
        best_res = best_res.min(res);
        mixer.step(&u, &g, &mut next);
        for (ui, ni) in u.iter_mut().zip(&next) {
            *ui = if ni.is_finite() {
                ni.clamp(lo, hi)
            } else {
                0.5 * (lo + hi)
            };
        }
    }
    match best {
        Some(mut p) if p.mass_balance_error <= opts.tolerance => {
            st.trace_splits(&mut p);
            Ok(p)
        }
        other => Err(ChemError::NoConvergence {
            iterations: opts.max_iterations,
            residual: other.map_or(f64::INFINITY, |p| p.mass_balance_error),
            tolerance: opts.tolerance,
        }),
    }
}

impl Loaded<'_> {
    fn log_beta_range(&self) -> (f64, f64) {
        let it = self.present.iter().map(|&i| self.betas[i].ln());
        let lo = it.clone().fold(f64::INFINITY, f64::min);
        (lo, it.fold(f64::NEG_INFINITY, f64::max))
    }

    /// ln s: the raffinate's mean at stage 1, the feed's at the feed stage, and at stage N the
    /// aqueous in equilibrium with an A product of the A elements' feed proportions; linear
    /// in between.
    fn initial_guess(&self) -> Vec<f64> {
        let (b, z, big_n) = (self.betas, self.z, self.flows.len());
        let (lo, hi) = self.log_beta_range();
        let split = self.split_after;
        let wb: f64 = z[..=split].iter().sum();
        let wa: f64 = z[split + 1..].iter().sum();
        let bottom = if wb > 0.0 {
            (z[..=split]
                .iter()
                .zip(b)
                .map(|(zi, bi)| zi * bi)
                .sum::<f64>()
                / wb)
                .ln()
        } else {
            lo
        };
        let feed = z.iter().zip(b).map(|(zi, bi)| zi * bi).sum::<f64>().ln();
        let top = if wa > 0.0 {
            let harmonic: f64 = z[split + 1..]
                .iter()
                .zip(&b[split + 1..])
                .map(|(zi, bi)| zi / bi)
                .sum();
            (wa / harmonic).ln()
        } else {
            hi
        };
        let f = self.flows.feed_stage.min(big_n - 1);
        (0..big_n)
            .map(|j| {
                if j <= f {
                    bottom + (feed - bottom) * j as f64 / f.max(1) as f64
                } else {
                    feed + (top - feed) * (j - f) as f64 / (big_n - 1 - f).max(1) as f64
                }
            })
            .collect()
    }

    /// One fixed-point map: g_j = ln(sum beta x / sum x) after solving every element at s = e^u.
    fn evaluate(&mut self, u: &[f64], g: &mut [f64]) {
        let big_n = self.flows.len();
        for (inv, ui) in self.inv_s.iter_mut().zip(u) {
            *inv = (-ui).exp();
        }
        self.xsum.fill(0.0);
        self.bsum.fill(0.0);
        for &i in &self.present {
            let beta = self.betas[i];
            let inv_s = &self.inv_s;
            let x = &mut self.x[i * big_n..(i + 1) * big_n];
            solve_element(
                self.flows,
                |j| beta * inv_s[j],
                self.z[i],
                x,
                &mut self.scratch,
            );
            for j in 0..big_n {
                self.xsum[j] += x[j];
                self.bsum[j] += beta * x[j];
            }
        }
        for j in 0..big_n {
            g[j] = (self.bsum[j] / self.xsum[j]).ln();
        }
    }

    /// The profile from the last evaluation: normalised aqueous fractions, organic fractions
    /// from the exact equilibrium relation, and its mass balance error.
    fn profile(&self, iterations: usize) -> Profile {
        let (c, big_n) = (self.betas.len(), self.flows.len());
        let mut x = vec![0.0; big_n * c];
        let mut y = vec![0.0; big_n * c];
        for j in 0..big_n {
            for &i in &self.present {
                x[j * c + i] = self.x[i * big_n + j] / self.xsum[j];
            }
            loaded_equilibrium(
                self.betas,
                &x[j * c..(j + 1) * c],
                &mut y[j * c..(j + 1) * c],
            );
        }
        let mut p = Profile::from_amounts(self.flows, &x, &y, c);
        for i in 0..c {
            p.split_to_a[i] = if self.z[i] > 0.0 {
                p.product_a[i] / self.z[i]
            } else {
                0.0
            };
        }
        p.iterations = iterations;
        p.mass_balance_error = mass_balance_error(self.flows, &x, &y, self.z, c);
        p
    }

    /// Splits of elements absent from the feed, in the trace limit at the solved profile.
    fn trace_splits(&mut self, p: &mut Profile) {
        let (c, big_n) = (self.betas.len(), self.flows.len());
        let mut x = vec![0.0; big_n];
        let last = big_n - 1;
        for i in (0..c).filter(|&i| self.z[i] == 0.0) {
            let beta = self.betas[i];
            let s: Vec<f64> = (0..big_n)
                .map(|j| (0..c).map(|k| self.betas[k] * p.x[j * c + k]).sum::<f64>())
                .collect();
            solve_element(self.flows, |j| beta / s[j], 1.0, &mut x, &mut self.scratch);
            p.split_to_a[i] = self.flows.organic[last] * beta / s[last] * x[last];
        }
    }
}
