//! Implicit Euler steps of the dynamic model: Newton with a block-tridiagonal Jacobian.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::cascade::{Cascade, Mode};

/// Newton iterations per implicit step before the step is retried smaller.
const MAX_NEWTON: usize = 12;
/// Newton has converged when its update is below this fraction of the step error weight.
const NEWTON_FRACTION: f64 = 1e-3;

/// Buffers of the implicit solves.
pub(super) struct Newton<'a> {
    pub(super) cas: &'a Cascade,
    pub(super) y: Vec<f64>,
    pub(super) jac: Vec<f64>,
    pub(super) pinv: Vec<f64>,
    pub(super) g: Vec<f64>,
    pub(super) r: Vec<f64>,
    pub(super) hold0: Vec<f64>,
    pub(super) hold: Vec<f64>,
    pub(super) blk: Vec<f64>,
    pub(super) kblk: Vec<f64>,
    pub(super) lblk: Vec<f64>,
    pub(super) v: Vec<f64>,
    pub(super) iterations: usize,
}

/// The local error weights: relative tolerance and absolute floor.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tol {
    pub(super) rtol: f64,
    pub(super) atol: f64,
}

impl Tol {
    pub(super) fn weight(self, v: f64) -> f64 {
        self.atol + self.rtol * v.abs()
    }
}

impl<'a> Newton<'a> {
    pub(super) fn new(cas: &'a Cascade) -> Self {
        let (c, big_n) = (cas.c, cas.len());
        let (nc, ncc, cc) = (big_n * c, big_n * c * c, c * c);
        Newton {
            cas,
            y: vec![0.0; nc],
            jac: vec![0.0; ncc],
            pinv: vec![0.0; ncc],
            g: vec![0.0; nc],
            r: vec![0.0; nc],
            hold0: vec![0.0; nc],
            hold: vec![0.0; nc],
            blk: vec![0.0; cc],
            kblk: vec![0.0; cc],
            lblk: vec![0.0; cc],
            v: vec![0.0; c],
            iterations: 0,
        }
    }

    /// One implicit Euler step of size `h` (tau) from `x`, in place; `false` if Newton fails.
    pub(super) fn implicit_euler(&mut self, mode: Mode, x: &mut [f64], h: f64, tol: Tol) -> bool {
        let cas = self.cas;
        cas.organic_all(x, &mut self.y);
        cas.holdup(x, &self.y, &mut self.hold0);
        for _ in 0..MAX_NEWTON {
            self.iterations += 1;
            self.linearise(x);
            cas.holdup(x, &self.y, &mut self.hold);
            cas.rates(mode, x, &self.y, &mut self.r);
            for k in 0..x.len() {
                self.g[k] = -(self.hold[k] - self.hold0[k] - h * self.r[k]);
            }
            if !self.solve_block(mode, h) {
                return false;
            }
            let mut converged = true;
            for (xk, dk) in x.iter_mut().zip(&self.g) {
                *xk += dk;
                if dk.is_nan() || dk.abs() > NEWTON_FRACTION * tol.weight(*xk) {
                    converged = false;
                }
            }
            if converged {
                return x.iter().all(|v| v.is_finite());
            }
        }
        false
    }

    /// Organic and equilibrium Jacobians of every stage at `x`.
    pub(super) fn linearise(&mut self, x: &[f64]) {
        let c = self.cas.c;
        let cc = c * c;
        for j in 0..self.cas.len() {
            let (xs, ys) = (&x[j * c..(j + 1) * c], &mut self.y[j * c..(j + 1) * c]);
            self.cas.eq.organic(xs, ys);
            self.cas
                .eq
                .jacobian(xs, ys, &mut self.jac[j * cc..(j + 1) * cc]);
        }
    }

    /// Solves the step's block-tridiagonal Newton system for the right-hand side in `g`,
    /// leaving the update there (block Thomas: the upper blocks are multiples of I).
    pub(super) fn solve_block(&mut self, mode: Mode, h: f64) -> bool {
        let (c, big_n) = (self.cas.c, self.cas.len());
        let cc = c * c;
        for j in 0..big_n {
            self.diagonal_block(mode, j, h);
            if j > 0 {
                self.eliminate_lower(mode, j, h);
            }
            if !invert(&mut self.blk, &mut self.pinv[j * cc..(j + 1) * cc], c) {
                return false;
            }
        }
        for j in (0..big_n).rev() {
            for i in 0..c {
                let up = if j + 1 < big_n {
                    h * self.cas.upper(mode, j) * self.g[(j + 1) * c + i]
                } else {
                    0.0
                };
                self.v[i] = self.g[j * c + i] + up;
            }
            let p = &self.pinv[j * cc..(j + 1) * cc];
            for a in 0..c {
                self.g[j * c + a] = (0..c).map(|b| p[a * c + b] * self.v[b]).sum();
            }
        }
        true
    }

    /// dG_j/dx_j = A_j I + O_j J_j - h dR_j/dx_j into `blk`.
    pub(super) fn diagonal_block(&mut self, mode: Mode, j: usize, h: f64) {
        let (c, cas) = (self.cas.c, self.cas);
        let cc = c * c;
        let jac = &self.jac[j * cc..(j + 1) * cc];
        for p in 0..cc {
            self.blk[p] = cas.organic[j] * jac[p];
        }
        for p in 0..c {
            self.blk[p * c + p] += cas.aqueous[j];
        }
        match mode {
            Mode::Running => self.blk.iter_mut().for_each(|v| *v *= 1.0 + h),
            Mode::Stopped(_) => {
                let mut q = 0.0;
                if j > 0 {
                    q += cas.upper(mode, j - 1);
                }
                if j + 1 < cas.len() {
                    q += cas.upper(mode, j);
                }
                for p in 0..c {
                    self.blk[p * c + p] += h * q;
                }
            }
        }
    }

    /// Eliminates the lower block L_j = dG_j/dx_{j-1}: K = L_j P_{j-1}^{-1},
    /// P_j = D_j + h u_{j-1} K, g_j -= K g_{j-1}.
    pub(super) fn eliminate_lower(&mut self, mode: Mode, j: usize, h: f64) {
        let (c, cas) = (self.cas.c, self.cas);
        let cc = c * c;
        match mode {
            Mode::Running => {
                let f = -h * cas.organic[j - 1];
                let jp = &self.jac[(j - 1) * cc..j * cc];
                for p in 0..cc {
                    self.lblk[p] = f * jp[p];
                }
            }
            Mode::Stopped(_) => {
                self.lblk.fill(0.0);
                let f = -h * cas.upper(mode, j - 1);
                for p in 0..c {
                    self.lblk[p * c + p] = f;
                }
            }
        }
        let pp = &self.pinv[(j - 1) * cc..j * cc];
        for p in 0..c {
            for q in 0..c {
                self.kblk[p * c + q] = (0..c).map(|s| self.lblk[p * c + s] * pp[s * c + q]).sum();
            }
        }
        let hu = h * cas.upper(mode, j - 1);
        for p in 0..cc {
            self.blk[p] += hu * self.kblk[p];
        }
        for p in 0..c {
            let kg: f64 = (0..c)
                .map(|q| self.kblk[p * c + q] * self.g[(j - 1) * c + q])
                .sum();
            self.g[j * c + p] -= kg;
        }
    }
}

/// Gauss-Jordan inverse with partial pivoting of the c x c matrix `m` (destroyed) into `inv`;
/// `false` when singular.
pub(super) fn invert(m: &mut [f64], inv: &mut [f64], c: usize) -> bool {
    inv.fill(0.0);
    for i in 0..c {
        inv[i * c + i] = 1.0;
    }
    for col in 0..c {
        let piv = (col..c)
            .max_by(|&a, &b| m[a * c + col].abs().total_cmp(&m[b * c + col].abs()))
            .unwrap_or(col);
        let pv = m[piv * c + col];
        if !(pv.abs() > 0.0 && pv.is_finite()) {
            return false;
        }
        if piv != col {
            for q in 0..c {
                m.swap(piv * c + q, col * c + q);
                inv.swap(piv * c + q, col * c + q);
            }
        }
        let ip = 1.0 / pv;
        for q in 0..c {
            m[col * c + q] *= ip;
            inv[col * c + q] *= ip;
        }
        for row in 0..c {
            let f = m[row * c + col];
            if row != col && f != 0.0 {
                for q in 0..c {
                    m[row * c + q] -= f * m[col * c + q];
                    inv[row * c + q] -= f * inv[col * c + q];
                }
            }
        }
    }
    true
}
