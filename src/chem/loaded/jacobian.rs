//! The reduced Newton matrix in quasiseparable form, factorised in O(N C^2).
//!
//! Unknowns u_j = ln s_j, residuals F_j = ln X_j (see [`super::reduced`]). Each element's
//! amounts solve a tridiagonal system M_i x_i = b_i whose stage-k column depends on u_k
//! through od_ik = O_k beta_i e^{-u_k}, so dx_i/du_k = M_i^{-1} (e_k - e_{k+1}) od_ik x_ik and
//!
//! ```text
//!   X_j dF_j/du_k = sum_i ([M_i^-1]_{jk} - [M_i^-1]_{j,k+1}) g_ik,     g_ik = od_ik x_ik.
//! ```
//!
//! The inverse of a tridiagonal matrix is a product of ratios off its diagonal: with the
//! forward pivots pi_m and backward pivots tau_m of M_i (both free of cancellation, as in
//! [`solve_element`](super::super::stages::solve_element)), rho_m = A_{m+1} / pi_m,
//! lambda_m = od_{m-1} / tau_m and theta_k = [M_i^-1]_{kk},
//!
//! ```text
//!   [M^-1]_{jk} = theta_k rho_j ... rho_{k-1}          (j < k)
//!   [M^-1]_{jk} = theta_k lambda_{k+1} ... lambda_j    (j > k),
//! ```
//!
//! all factors positive. The row-scaled matrix X_j dF_j/du_k (plus X_j/dt on the diagonal for
//! pseudo-transient steps) is therefore quasiseparable of order C with diagonal transitions:
//!
//! ```text
//!   J_jk = sum_i rho_ij rho_i,j+1 ... rho_i,k-1 h_ik            (j < k)
//!   J_jk = sum_i lambda_i,k+2 ... lambda_ij l_ik                (j > k)
//!   J_kk = sum_i h_ik + X_k / dt,
//!   h_ik = g_ik (theta_ik - theta_i,k+1 rho_ik),  l_ik = g_ik (theta_ik lambda_i,k+1 - theta_i,k+1).
//! ```
//!
//! Gaussian elimination keeps that form (the LU factors are quasiseparable with the same
//! transitions), so the factors are computed by a recursion over stages on one C x C matrix,
//! S_{k+1} = diag(lambda_{k+1}) S_k diag(rho_k) + q~_k g~_k^T, in O(N C^2) operations and no
//! allocation, instead of the O(N (C+1)^3) of block elimination. It does not pivot, and on long
//! cascades the accumulator S can grow (1e51 seen) until the factors lose all accuracy, so
//! [`StageJacobian::apply`] and [`StageJacobian::apply_bound`] (O(N C)) let callers
//! check and refine a solution (the caller falls back to a dense pivoted solve when the check
//! fails). Per-stage vectors of 4 or more elements are padded with zeros to a multiple of
//! [`LANES`] so the inner loops run on whole chunks.
//!
//! The factors, with S_0 = 0 and 1 the vector of ones:
//!
//! ```text
//!   delta_k = J_kk - 1^T S_k h_k                        (pivot)
//!   g~_k    = rho_k (1 - 1^T S_k)                        (U: U_kj = g~_k^T rho_{k+1..j-1} h_j)
//!   q~_k    = (l_k - lambda_{k+1} S_k h_k) / delta_k     (L: L_jk = 1^T lambda_{k+2..j} q~_k)
//! ```

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::super::ChemError;
use super::super::stages::Flows;

/// Chunk length of the inner loops; per-stage vectors of 4 or more elements are padded to a
/// multiple of it (fewer elements are not padded).
const LANES: usize = 4;
// `update_row`, `dot` and `sum` keep four partial sums.
const _: () = assert!(LANES == 4);

/// The point the matrix is built at: e^{-u_j} (N), the aqueous amounts x_ij and the
/// reciprocal forward pivots 1/pi_ij of the element solves there (N x C, unpadded), and the
/// stage totals X_j (N).
pub(super) struct Point<'a> {
    pub inv_s: &'a [f64],
    pub x: &'a [f64],
    pub inv_pivots: &'a [f64],
    pub total: &'a [f64],
}

/// Generators and LU factors of the reduced Newton matrix. Stage-major arrays of N rows of
/// `w` entries (the C elements, then zero padding).
pub(super) struct StageJacobian {
    /// Elements C and the padded row width w.
    c: usize,
    w: usize,
    /// rho_ij, lambda_ij, h_ij, l_ij as in the module text.
    rho: Vec<f64>,
    lambda: Vec<f64>,
    h: Vec<f64>,
    l: Vec<f64>,
    /// Diagonal J_kk (N).
    diag: Vec<f64>,
    /// LU factors: pivots delta_k (N) and the generators q~ (L) and g~ (U).
    delta: Vec<f64>,
    q_lu: Vec<f64>,
    g_lu: Vec<f64>,
    /// The accumulator S (C rows of w) and w-vectors: S h, column sums of S, theta of the next
    /// stage, and a recursion carry.
    s: Vec<f64>,
    sh: Vec<f64>,
    col: Vec<f64>,
    theta_next: Vec<f64>,
    carry: Vec<f64>,
    /// The dense matrix of [`StageJacobian::solve_dense`] (empty until first needed).
    dense: Vec<f64>,
}

impl StageJacobian {
    /// Buffers for `big_n` stages and `c` elements.
    pub(super) fn new(big_n: usize, c: usize) -> Self {
        let w = if c < LANES {
            c
        } else {
            c.div_ceil(LANES) * LANES
        };
        StageJacobian {
            c,
            w,
            rho: vec![0.0; big_n * w],
            lambda: vec![0.0; big_n * w],
            h: vec![0.0; big_n * w],
            l: vec![0.0; big_n * w],
            diag: vec![0.0; big_n],
            delta: vec![0.0; big_n],
            q_lu: vec![0.0; big_n * w],
            g_lu: vec![0.0; big_n * w],
            s: vec![0.0; c * w],
            sh: vec![0.0; w],
            col: vec![0.0; w],
            theta_next: vec![0.0; w],
            carry: vec![0.0; w],
            dense: Vec::new(),
        }
    }

    /// Builds the generators at `point` for separation factors `betas`, with `inv_dt` x X_j
    /// added to the diagonal; then factorises. Errors if a pivot is zero or not finite.
    pub(super) fn factor(
        &mut self,
        flows: &Flows,
        betas: &[f64],
        point: Point,
        inv_dt: f64,
    ) -> Result<(), ChemError> {
        self.generators(flows, betas, &point);
        let total = point.total;
        let w = self.w;
        for (k, d) in self.diag.iter_mut().enumerate() {
            *d = sum(&self.h[k * w..(k + 1) * w]) + total[k] * inv_dt;
        }
        self.lu()
    }

    /// rho, lambda, h and l of every element and stage: rho from the forward pivots of the
    /// element solves, a backward sweep for tau (lambda) and theta (h, l).
    fn generators(&mut self, flows: &Flows, betas: &[f64], point: &Point) {
        let (c, w, big_n) = (self.c, self.w, flows.len());
        let (o, a) = (&flows.organic, &flows.aqueous);
        let (inv_s, x) = (point.inv_s, point.x);
        // Forward: q_{j+1} = q_j A_j / pi_j; rho_j = A_{j+1} / pi_j. `lambda` holds q_j for now
        // (read back in the backward sweep).
        self.carry[..c].fill(1.0);
        for j in 0..big_n {
            let (aj, a_next) = (a[j], a.get(j + 1).copied().unwrap_or(0.0));
            let row = j * w..j * w + c;
            let (lam, rho) = (&mut self.lambda[row.clone()], &mut self.rho[row]);
            let inv_pi = &point.inv_pivots[j * c..(j + 1) * c];
            for i in 0..c {
                let q = self.carry[i];
                lam[i] = q;
                rho[i] = a_next * inv_pi[i];
                self.carry[i] = q * aj * inv_pi[i];
            }
        }
        // Backward: tau_j = A_j + od_j r_j, r_{j-1} = r_j od_j / tau_j; lambda_j = od_{j-1} /
        // tau_j; theta_j = 1 / (A_j q_j + od_j r_j).
        self.carry[..c].fill(1.0);
        for j in (0..big_n).rev() {
            let (aj, oj) = (a[j], o[j] * inv_s[j]);
            let o_prev = if j > 0 { o[j - 1] * inv_s[j - 1] } else { 0.0 };
            let last = j + 1 == big_n;
            for i in 0..c {
                let k = j * w + i;
                let (r, q, odj) = (self.carry[i], self.lambda[k], oj * betas[i]);
                let inv_tau = 1.0 / (aj + odj * r);
                let theta = 1.0 / (aj * q + odj * r);
                let g = odj * x[j * c + i];
                if last {
                    self.h[k] = g * theta;
                    self.l[k] = 0.0;
                } else {
                    let (tn, ln) = (self.theta_next[i], self.lambda[k + w]);
                    self.h[k] = g * (theta - tn * self.rho[k]);
                    self.l[k] = g * (theta * ln - tn);
                }
                self.lambda[k] = o_prev * betas[i] * inv_tau;
                self.theta_next[i] = theta;
                self.carry[i] = r * odj * inv_tau;
            }
        }
    }

    /// LU factors by the quasiseparable recursion (module text).
    fn lu(&mut self) -> Result<(), ChemError> {
        let (c, w) = (self.c, self.w);
        let big_n = self.diag.len();
        self.s.fill(0.0);
        for k in 0..big_n {
            let row = k * w..(k + 1) * w;
            self.col.fill(0.0);
            if k == 0 {
                self.sh.fill(0.0);
            } else {
                // S = diag(lambda_k) S diag(rho_{k-1}) + q~_{k-1} g~_{k-1}^T, and on the way
                // S h_k and the column sums of S.
                let prev = (k - 1) * w..k * w;
                let (rho, gl) = (&self.rho[prev.clone()], &self.g_lu[prev.clone()]);
                let h = &self.h[row.clone()];
                for i in 0..c {
                    let (li, qi) = (self.lambda[k * w + i], self.q_lu[(k - 1) * w + i]);
                    let s_row = &mut self.s[i * w..(i + 1) * w];
                    self.sh[i] = update_row(s_row, (li, qi), (rho, gl), h, &mut self.col);
                }
            }
            let delta = self.diag[k] - sum(&self.sh[..c]);
            if !(delta.abs() > 0.0 && delta.is_finite()) {
                return Err(ChemError::Numerical(
                    "singular Newton matrix in the cascade solver".into(),
                ));
            }
            self.delta[k] = delta;
            for i in 0..c {
                self.g_lu[k * w + i] = self.rho[k * w + i] * (1.0 - self.col[i]);
            }
            if k + 1 < big_n {
                for i in 0..c {
                    let lam_next = self.lambda[(k + 1) * w + i];
                    self.q_lu[k * w + i] = (self.l[k * w + i] - lam_next * self.sh[i]) / delta;
                }
            }
        }
        Ok(())
    }

    /// Solves J v = `rhs` with the factors.
    pub(super) fn solve(&mut self, rhs: &[f64], v: &mut [f64]) {
        let w = self.w;
        let big_n = self.delta.len();
        // L y = rhs: y_j = rhs_j - 1^T acc_j, acc_{j+1} = lambda_{j+1} acc_j + q~_j y_j.
        self.carry.fill(0.0);
        for j in 0..big_n {
            if j > 0 {
                let (lam, ql) = (
                    &self.lambda[j * w..(j + 1) * w],
                    &self.q_lu[(j - 1) * w..j * w],
                );
                scale_add(&mut self.carry, lam, ql, v[j - 1]);
            }
            v[j] = rhs[j] - sum(&self.carry);
        }
        // U v = y: v_k = (y_k - g~_k^T w_k) / delta_k, w_{k-1} = rho_k w_k + h_k v_k.
        self.carry.fill(0.0);
        for k in (0..big_n).rev() {
            if k + 1 < big_n {
                let next = (k + 1) * w..(k + 2) * w;
                let (rho, h) = (&self.rho[next.clone()], &self.h[next]);
                scale_add(&mut self.carry, rho, h, v[k + 1]);
            }
            let gw = dot(&self.g_lu[k * w..(k + 1) * w], &self.carry);
            v[k] = (v[k] - gw) / self.delta[k];
        }
    }

    /// Solves J v = `rhs` by Gaussian elimination with partial pivoting of the dense matrix
    /// (built column by column with [`apply`](Self::apply): O(N^2 C + N^3)), for the rare
    /// steps where the unpivoted factors are not accurate. A singular matrix leaves a
    /// non-finite v, which the caller's step checks reject.
    pub(super) fn solve_dense(&mut self, rhs: &[f64], v: &mut [f64]) {
        let big_n = self.diag.len();
        let mut dense = std::mem::take(&mut self.dense);
        dense.resize(big_n * big_n, 0.0);
        let (mut unit, mut column) = (vec![0.0; big_n], vec![0.0; big_n]);
        for k in 0..big_n {
            unit.fill(0.0);
            unit[k] = 1.0;
            self.apply(&unit, &mut column);
            for (j, c) in column.iter().enumerate() {
                dense[j * big_n + k] = *c;
            }
        }
        v.copy_from_slice(rhs);
        gauss_partial_pivoting(&mut dense, v, big_n);
        self.dense = dense;
    }

    /// out = J v from the generators (O(N C)); used to check and refine solutions.
    pub(super) fn apply(&mut self, v: &[f64], out: &mut [f64]) {
        self.product(v, out, false);
    }

    /// out = an upper bound of |J| |v| (every element's term in absolute value): the scale
    /// of a normwise backward error.
    pub(super) fn apply_bound(&mut self, v: &[f64], out: &mut [f64]) {
        self.product(v, out, true);
    }

    /// J v, or with `absolute` the sum of the absolute values of its terms.
    fn product(&mut self, v: &[f64], out: &mut [f64], absolute: bool) {
        let w = self.w;
        let big_n = self.diag.len();
        let f = |x: f64| if absolute { x.abs() } else { x };
        // Lower part: acc_j = lambda_j acc_{j-1} + l_{j-1} v_{j-1}, out_j += 1^T acc_j.
        self.carry.fill(0.0);
        for j in 0..big_n {
            out[j] = f(self.diag[j]) * f(v[j]);
            if j > 0 {
                let (lam, l) = (
                    &self.lambda[j * w..(j + 1) * w],
                    &self.l[(j - 1) * w..j * w],
                );
                let x = f(v[j - 1]);
                for ((c, la), ll) in self.carry.iter_mut().zip(lam).zip(l) {
                    *c = la * *c + f(*ll) * x;
                }
                out[j] += sum(&self.carry);
            }
        }
        // Upper part: w_j = rho_{j+1} w_{j+1} + h_{j+1} v_{j+1}, out_j += rho_j^T w_j.
        self.carry.fill(0.0);
        for j in (0..big_n.saturating_sub(1)).rev() {
            let next = (j + 1) * w..(j + 2) * w;
            let (rho_next, h) = (&self.rho[next.clone()], &self.h[next]);
            let x = f(v[j + 1]);
            for ((c, r), hh) in self.carry.iter_mut().zip(rho_next).zip(h) {
                *c = r * *c + f(*hh) * x;
            }
            out[j] += dot(&self.rho[j * w..(j + 1) * w], &self.carry);
        }
    }
}

/// One row i of the S recursion: S_ik = lambda_i S_ik rho_k + q~_i g~_k for each column k,
/// with (l, q) = (lambda_i, q~_i) and (rho, g) the previous stage's rho and g~; adds the
/// new row to the column sums `col` and returns its product with `h`. Whole chunks of
/// [`LANES`] as fixed-size arrays (so they compile to vector instructions), then the rest.
fn update_row(
    s: &mut [f64],
    (l, q): (f64, f64),
    (rho, g): (&[f64], &[f64]),
    h: &[f64],
    col: &mut [f64],
) -> f64 {
    let mut acc = [0.0; LANES];
    let whole = s.len() / LANES * LANES;
    for k in (0..whole).step_by(LANES) {
        let sv: &mut [f64; LANES] = (&mut s[k..k + LANES]).try_into().expect("chunk");
        let r: &[f64; LANES] = rho[k..k + LANES].try_into().expect("chunk");
        let gv: &[f64; LANES] = g[k..k + LANES].try_into().expect("chunk");
        let hv: &[f64; LANES] = h[k..k + LANES].try_into().expect("chunk");
        let cs: &mut [f64; LANES] = (&mut col[k..k + LANES]).try_into().expect("chunk");
        for t in 0..LANES {
            let v = l * sv[t] * r[t] + q * gv[t];
            sv[t] = v;
            acc[t] += v * hv[t];
            cs[t] += v;
        }
    }
    for t in whole..s.len() {
        let v = l * s[t] * rho[t] + q * g[t];
        s[t] = v;
        acc[t - whole] += v * h[t];
        col[t] += v;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Solves m x = b in place (`b` becomes x) for the n x n row-major matrix `m` (destroyed),
/// by Gaussian elimination with partial pivoting.
fn gauss_partial_pivoting(m: &mut [f64], b: &mut [f64], n: usize) {
    for k in 0..n {
        let piv = (k..n)
            .max_by(|&p, &q| m[p * n + k].abs().total_cmp(&m[q * n + k].abs()))
            .unwrap_or(k);
        if piv != k {
            for c in 0..n {
                m.swap(k * n + c, piv * n + c);
            }
            b.swap(k, piv);
        }
        let (top, rest) = m.split_at_mut((k + 1) * n);
        let pivot_row = &top[k * n..];
        for (r, row) in rest.chunks_exact_mut(n).enumerate() {
            let f = row[k] / pivot_row[k];
            if f != 0.0 {
                for (x, p) in row[k..].iter_mut().zip(&pivot_row[k..]) {
                    *x -= f * p;
                }
                b[k + 1 + r] -= f * b[k];
            }
        }
    }
    for k in (0..n).rev() {
        let tail: f64 = (k + 1..n).map(|c| m[k * n + c] * b[c]).sum();
        b[k] = (b[k] - tail) / m[k * n + k];
    }
}

/// carry_i = scale_i carry_i + add_i x, over padded rows.
fn scale_add(carry: &mut [f64], scale: &[f64], add: &[f64], x: f64) {
    for ((c, s), a) in carry.iter_mut().zip(scale).zip(add) {
        *c = s * *c + a * x;
    }
}

/// Sum of products in four interleaved partial sums (independent add chains; the order is
/// fixed, so results are the same on every machine).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Sum in four interleaved partial sums, like [`dot`].
fn sum(a: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let chunks = a.chunks_exact(4);
    let tail: f64 = chunks.remainder().iter().sum();
    for x in chunks {
        for k in 0..4 {
            acc[k] += x[k];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}
