//! Newton's method in log amounts for the loaded model.
//!
//! Unknowns w_ij = ln x_ij (aqueous amount of element i leaving stage j, per unit aqueous
//! flow); equations rho_ij = ln(in_ij) - ln(out_ij) = 0, with in_ij = O_{j-1} y_{i,j-1} +
//! A_{j+1} x_{i,j+1} + F_ij and out_ij = O_j y_ij + A_j x_ij, y_ij = beta_i x_ij / sigma_j,
//! sigma_j = sum_k beta_k x_kj. Composition fronts are exponential in the stage number, so
//! moving one is linear in w: Newton's model stays valid over long steps where in x (or in the
//! per-stage mean extractability) it overshoots by orders of magnitude. Amounts stay positive
//! by construction and trace elements are solved to relative accuracy.
//!
//! The Jacobian is block tridiagonal with C x C blocks, each diagonal plus rank one:
//!
//! ```text
//!   D_j = -I + e_j y_j^T          e_ij = O_j y_ij / out_ij
//!   L_j = diag(a_j) (I - 1 y_{j-1}^T)   a_ij = O_{j-1} y_{i,j-1} / in_ij
//!   U_j = diag(b_j)               b_ij = A_{j+1} x_{i,j+1} / in_ij
//! ```
//!
//! solved by block elimination with explicit pivot-block inverses in O(N C^3) per step, no
//! allocation. Globalised by a cap on |dw| and a backtracking line search on |rho|^2.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::super::stages::Flows;
use super::super::{ChemError, SolveOptions};
use super::reduced::{invert, mat_vec};

/// Largest change of any ln x_ij in one step; longer Newton steps are scaled down.
const MAX_STEP: f64 = 8.0;
/// Sufficient decrease of |rho|^2 along a Newton step (Armijo constant).
const ARMIJO: f64 = 1e-4;
/// Most step reductions in one line search.
const MAX_BACKTRACKS: usize = 40;
/// Smallest ln x evaluated (amounts below e^-700 are zero for every purpose here).
const MIN_LOG: f64 = -700.0;

/// Working state of one solve, restricted to the elements present in the feed. All buffers
/// are allocated once, in [`LogNewton::new`].
pub(super) struct LogNewton<'a> {
    flows: &'a Flows,
    betas: Vec<f64>,
    z: Vec<f64>,
    c: usize,
    /// ln x, x, y (stage-major, N x C) and sigma (N).
    w: Vec<f64>,
    x: Vec<f64>,
    y: Vec<f64>,
    sigma: Vec<f64>,
    /// Inflow, outflow and the residual rho (N x C).
    inflow: Vec<f64>,
    outflow: Vec<f64>,
    rho: Vec<f64>,
    /// Inverted pivot blocks (N x C x C), work blocks, eliminated right-hand sides / the step.
    h: Vec<f64>,
    block: Vec<f64>,
    k: Vec<f64>,
    g: Vec<f64>,
    yh: Vec<f64>,
    tmp: Vec<f64>,
    w_old: Vec<f64>,
}

impl<'a> LogNewton<'a> {
    /// State for separation factors `betas` and feed amounts `z` (> 0) of the present
    /// elements, starting from aqueous amounts `x0` (stage-major, > 0).
    pub(super) fn new(flows: &'a Flows, betas: &[f64], z: &[f64], x0: &[f64]) -> Self {
        let (c, big_n) = (betas.len(), flows.len());
        LogNewton {
            flows,
            betas: betas.to_vec(),
            z: z.to_vec(),
            c,
            w: x0.iter().map(|v| v.ln().max(MIN_LOG)).collect(),
            x: vec![0.0; big_n * c],
            y: vec![0.0; big_n * c],
            sigma: vec![0.0; big_n],
            inflow: vec![0.0; big_n * c],
            outflow: vec![0.0; big_n * c],
            rho: vec![0.0; big_n * c],
            h: vec![0.0; big_n * c * c],
            block: vec![0.0; c * c],
            k: vec![0.0; c * c],
            g: vec![0.0; big_n * c],
            yh: vec![0.0; c],
            tmp: vec![0.0; c],
            w_old: vec![0.0; big_n * c],
        }
    }

    /// Aqueous amounts at the current point (stage-major, N x C).
    pub(super) fn amounts(&self) -> &[f64] {
        &self.x
    }

    /// Amounts, flows and residuals at the current w. Returns (largest absolute imbalance
    /// |in - out|, |rho|^2), both infinite if anything is not finite.
    fn evaluate(&mut self) -> (f64, f64) {
        let (c, big_n) = (self.c, self.flows.len());
        let (o, a) = (&self.flows.organic, &self.flows.aqueous);
        for j in 0..big_n {
            let row = j * c..(j + 1) * c;
            let mut s = 0.0;
            for i in row.clone() {
                self.x[i] = self.w[i].max(MIN_LOG).exp();
                s += self.betas[i - j * c] * self.x[i];
            }
            self.sigma[j] = s;
            for i in row {
                self.y[i] = self.betas[i - j * c] * self.x[i] / s;
            }
        }
        let (mut worst, mut norm) = (0.0f64, 0.0);
        for j in 0..big_n {
            for i in 0..c {
                let p = j * c + i;
                let mut inflow = if j == self.flows.feed_stage {
                    self.z[i]
                } else {
                    0.0
                };
                if j > 0 {
                    inflow += o[j - 1] * self.y[p - c];
                }
                if j + 1 < big_n {
                    inflow += a[j + 1] * self.x[p + c];
                }
                let outflow = o[j] * self.y[p] + a[j] * self.x[p];
                let r = (inflow / outflow).ln();
                self.inflow[p] = inflow;
                self.outflow[p] = outflow;
                self.rho[p] = r;
                worst = worst.max((inflow - outflow).abs());
                norm += r * r;
            }
        }
        if worst.is_finite() && norm.is_finite() {
            (worst, norm)
        } else {
            (f64::INFINITY, f64::INFINITY)
        }
    }

    /// Pseudo-transient continuation from the current point: implicit Euler steps of
    /// dw/dt = rho, (J - I/dt) dw = -rho, with dt growing as the residual falls (switched
    /// evolution relaxation) until the steps are Newton steps. Returns the number of steps.
    pub(super) fn iterate(&mut self, opts: &SolveOptions) -> Result<usize, ChemError> {
        let target = 1e-3 * opts.tolerance;
        let (mut worst, mut norm) = self.evaluate();
        let mut dt = 1.0f64;
        for it in 0..opts.max_iterations {
            if worst <= target {
                return Ok(it);
            }
            self.direction(1.0 / dt)?;
            if std::env::var("RTRACE").is_ok() {
                let big = self.g.iter().fold(0.0f64, |m, d| m.max(d.abs()));
                eprintln!("it {it} worst {worst:.3e} norm {norm:.3e} dt {dt:.2e} |dw| {big:.3e}");
            }
            let big = self.g.iter().fold(0.0f64, |m, d| m.max(d.abs()));
            let lambda = if big > MAX_STEP { MAX_STEP / big } else { 1.0 };
            self.w_old.copy_from_slice(&self.w);
            for (w, d) in self.w.iter_mut().zip(&self.g) {
                *w += lambda * d;
            }
            let (w2, n2) = self.evaluate();
            if !(n2.is_finite() && n2 <= 4.0 * norm) {
                self.w.copy_from_slice(&self.w_old);
                self.evaluate();
                dt *= 0.25;
                continue;
            }
            dt = (dt * (norm / n2).sqrt().clamp(2.0, 100.0)).min(1e30);
            (worst, norm) = (w2, n2);
        }
        if worst <= opts.tolerance {
            return Ok(opts.max_iterations);
        }
        Err(ChemError::NoConvergence {
            iterations: opts.max_iterations,
            residual: worst,
            tolerance: opts.tolerance,
        })
    }

    /// Backtracking along the step in `g` (capped at [`MAX_STEP`]): accepts the first point
    /// with sufficient decrease of |rho|^2. Returns the new (worst, |rho|^2), or `None` with w
    /// restored.
    fn line_search(&mut self, norm: f64) -> Option<(f64, f64)> {
        let big = self.g.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if !big.is_finite() {
            return None;
        }
        let mut lambda = if big > MAX_STEP { MAX_STEP / big } else { 1.0 };
        self.w_old.copy_from_slice(&self.w);
        for _ in 0..MAX_BACKTRACKS {
            for ((w, wo), d) in self.w.iter_mut().zip(&self.w_old).zip(&self.g) {
                *w = wo + lambda * d;
            }
            let (worst, n2) = self.evaluate();
            if std::env::var("RTRACE").is_ok() {
                eprintln!("   lambda {lambda:.3e} ratio {:.3e}", (n2 / norm).sqrt());
            }
            if n2 < (1.0 - 2.0 * ARMIJO * lambda) * norm {
                return Some((worst, n2));
            }
            let denom = n2 - norm + 2.0 * norm * lambda;
            let next = if denom.is_finite() && denom > 0.0 {
                norm * lambda * lambda / denom
            } else {
                0.1 * lambda
            };
            lambda = next.clamp(0.1 * lambda, 0.5 * lambda);
        }
        self.w.copy_from_slice(&self.w_old);
        self.evaluate();
        None
    }

    /// Solves (J - inv_dt I) dw = -rho by block elimination; leaves dw in `g`.
    fn direction(&mut self, inv_dt: f64) -> Result<(), ChemError> {
        let (c, big_n) = (self.c, self.flows.len());
        let cc = c * c;
        for j in 0..big_n {
            self.diagonal_block(j);
            for i in 0..c {
                self.block[i * c + i] -= inv_dt;
            }
            for i in 0..c {
                self.g[j * c + i] = -self.rho[j * c + i];
            }
            if j > 0 {
                self.eliminate_below(j);
            }
            invert(&mut self.block, &mut self.h[j * cc..(j + 1) * cc], c)?;
        }
        for j in (0..big_n).rev() {
            for i in 0..c {
                let up = if j + 1 < big_n {
                    self.upper(j, i) * self.g[(j + 1) * c + i]
                } else {
                    0.0
                };
                self.tmp[i] = self.g[j * c + i] - up;
            }
            mat_vec(
                &self.h[j * cc..(j + 1) * cc],
                &self.tmp,
                &mut self.g[j * c..(j + 1) * c],
                c,
            );
        }
        Ok(())
    }

    /// b_ij = A_{j+1} x_{i,j+1} / in_ij, the upper block's diagonal.
    fn upper(&self, j: usize, i: usize) -> f64 {
        self.flows.aqueous[j + 1] * self.x[(j + 1) * self.c + i] / self.inflow[j * self.c + i]
    }

    /// D_j = -I + e_j y_j^T into `block`.
    fn diagonal_block(&mut self, j: usize) {
        let c = self.c;
        let o = self.flows.organic[j];
        for p in 0..c {
            let e = o * self.y[j * c + p] / self.outflow[j * c + p];
            for q in 0..c {
                self.block[p * c + q] = e * self.y[j * c + q];
            }
            self.block[p * c + p] -= 1.0;
        }
    }

    /// With K = L_j H_{j-1}: block -= K U_{j-1}, g_j -= K g_{j-1}.
    fn eliminate_below(&mut self, j: usize) {
        let c = self.c;
        let cc = c * c;
        let hp = &self.h[(j - 1) * cc..j * cc];
        let yp = &self.y[(j - 1) * c..j * c];
        for q in 0..c {
            self.yh[q] = (0..c).map(|p| yp[p] * hp[p * c + q]).sum();
        }
        let op = self.flows.organic[j - 1];
        for p in 0..c {
            let a = op * yp[p] / self.inflow[j * c + p];
            for q in 0..c {
                self.k[p * c + q] = a * (hp[p * c + q] - self.yh[q]);
            }
        }
        for q in 0..c {
            self.tmp[q] = self.upper(j - 1, q);
        }
        for p in 0..c {
            for q in 0..c {
                self.block[p * c + q] -= self.k[p * c + q] * self.tmp[q];
            }
        }
        for p in 0..c {
            let kg: f64 = (0..c)
                .map(|q| self.k[p * c + q] * self.g[(j - 1) * c + q])
                .sum();
            self.g[j * c + p] -= kg;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chem::FeedPhase;

    /// rho(w + eps dw) = (1 - eps) rho(w) to first order when dw is the Newton step.
    #[test]
    fn newton_step_solves_the_linearised_balances() {
        for phase in [FeedPhase::Aqueous, FeedPhase::Organic] {
            let flows = Flows::loaded(phase, 6, 5, 1.8, 1.2);
            let (betas, z) = ([1.0, 2.0, 3.5], [0.3, 0.3, 0.4]);
            let x0: Vec<f64> = (0..33).map(|p| 0.1 + 0.01 * (p % 7) as f64).collect();
            let mut nt = LogNewton::new(&flows, &betas, &z, &x0);
            let (_, n0) = nt.evaluate();
            let r0 = nt.rho.clone();
            nt.direction(0.0).unwrap();
            let eps = 1e-9;
            let w0 = nt.w.clone();
            for ((w, w0), d) in nt.w.iter_mut().zip(&w0).zip(&nt.g) {
                *w = w0 + eps * d;
            }
            nt.evaluate();
            let err = nt
                .rho
                .iter()
                .zip(&r0)
                .map(|(r1, r)| ((r1 - r) / eps + r).abs())
                .fold(0.0, f64::max);
            assert!(err < 1e-5 * n0.sqrt(), "linearisation error {err} vs {}", n0.sqrt());
        }
    }
}
