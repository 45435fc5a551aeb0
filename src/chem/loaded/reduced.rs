//! The reduced Newton iteration of the loaded model: one unknown per stage.
//!
//! Unknowns u_j = ln s_j; residuals F_j = ln X_j, X_j = sum_i x_ij(u), where the amounts x_i(u)
//! solve each element's stage balances at distribution ratios beta_i e^{-u_j} (exact, by the
//! Thomas recursion, all elements at once with the element index innermost).
//!
//! Newton's matrix J = dF/du is dense (N x N) but quasiseparable of order C: every element's
//! tridiagonal inverse is a product of positive ratios off its diagonal. [`super::jacobian`]
//! builds its generators and LU factors in O(N C^2) without forming it (block elimination of
//! the bordered system in (dx, du) took O(N (C+1)^3): the 15-element bench case took 7.1 ms
//! with it, 1.3 ms with the quasiseparable factors at the same 24 steps). The factors do not
//! pivot, so every step is checked by its backward error and, rarely, solved densely (about
//! one dense solve per random cascade; none on the bench cases).
//!
//! Far from the solution plain Newton crawls on pinched cascades (the composition fronts make
//! F strongly curved along J's near-null direction), so the solver's main iteration here is
//! pseudo-transient continuation, [`Reduced::ptc`]: (J + I/dt) du = -F, dt growing by switched
//! evolution relaxation until the steps are Newton's. It takes 6 steps on the 100-stage
//! 15-element bench case (the full-space iteration of the parent module took 147).
//! [`Reduced::iterate`] (Newton with a line search, each linear solve improved by one round of
//! iterative refinement) then polishes to 1e-12; it also polishes full-space results that
//! stalled at a floor.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::super::stages::Flows;
use super::super::{ChemError, SolveOptions};
use super::jacobian::{Point, StageJacobian};

/// Most bubble-point passes for the starting point.
const MAX_START_PASSES: usize = 30;
/// Aim of the iteration: max |ln X_j| (close to the rounding floor of the element solves).
const POLISH_TARGET: f64 = 1e-12;
/// Largest change of any u_j (ln s_j) in one step; longer Newton steps are scaled down.
const MAX_STEP: f64 = 2.0;
/// Sufficient decrease of |F|^2 along a Newton step (Armijo constant).
const ARMIJO: f64 = 1e-4;
/// Most step reductions in one line search.
const MAX_BACKTRACKS: usize = 40;
/// First pseudo-time step of [`Reduced::ptc`].
const PTC_DT0: f64 = 10.0;
/// Growth bounds of the pseudo-time step per accepted step.
const PTC_LEAST_GROWTH: f64 = 3.0;
const PTC_MOST_GROWTH: f64 = 100.0;
/// Steps without a new best residual after which [`Reduced::ptc`] stops, once that best is
/// below its floor.
const PTC_PATIENCE: usize = 12;
/// Under [`Rises::Bounded`], a step that multiplies |F|^2 by more than this is retried with a
/// smaller dt (a transient rise of the residual is normal while a composition front moves).
const PTC_REJECT: f64 = 1e4;
/// Largest normwise backward error of a Newton step's linear solve before the dense solve
/// takes over (rounding gives ~1e-16).
const LINEAR_TOLERANCE: f64 = 1e-10;
/// Dense-elimination work one [`Reduced`] may spend, in units of N^3 (one dense solve of N
/// stages costs about N^3 / 3 multiply-adds plus N products with J). Long cascades of three or
/// more elements can miss [`LINEAR_TOLERANCE`] at every step: 20 + 2000 stages took 35 s per
/// solve and `check` re-solves each cascade for every layout and bypass state. Past the budget
/// the steps keep the refined quasiseparable solution and the residual decides convergence as
/// before (a cascade that does not converge is an input error, not a long wait). 1e9 is about
/// 0.2 s, and allows 1000 dense solves at 100 stages (none of the shipped scenarios needs one).
const DENSE_WORK_BUDGET: f64 = 1e9;
/// Largest |F|^2 a step may reach under [`Rises::Free`] (or more if [`PTC_REJECT`] x the
/// previous |F|^2 is more).
const FREE_RISE_LIMIT: f64 = 1.0;

/// Which rises of the residual a pseudo-transient step may bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rises {
    /// Any up to |F|^2 = [`FREE_RISE_LIMIT`] (or [`PTC_REJECT`] x the previous |F|^2 if more):
    /// a start at a spurious near-root (bubble-point
    /// passes that converge to max |ln X_j| ~ 1e-7 with a composition front still to move) gets
    /// away at the first pseudo-time step instead of shrinking it (15-element bench case: 6
    /// steps instead of 18).
    Free,
    /// At most [`PTC_REJECT`] x the previous |F|^2: a retry that solves some sharp splits the
    /// free iteration does not.
    Bounded,
}

/// Working state of one reduced solve, restricted to the elements present in the feed. The
/// buffers are allocated in [`Reduced::new`] (the pseudo-transient iteration keeps one copy of
/// its best point; the dense fallback allocates on first use).
pub(super) struct Reduced<'a> {
    flows: &'a Flows,
    betas: Vec<f64>,
    z: Vec<f64>,
    c: usize,
    /// Box for u: the mean extractability lies between the smallest and largest beta.
    lower: f64,
    upper: f64,
    /// u_j = ln s_j and e^{-u_j}.
    u: Vec<f64>,
    inv_s: Vec<f64>,
    /// Aqueous amounts x_ij (stage-major, N x C) and the reciprocal Thomas pivots.
    x: Vec<f64>,
    piv: Vec<f64>,
    /// Per-element carries of the Thomas forward sweep (C each).
    q: Vec<f64>,
    od_prev: Vec<f64>,
    dp_prev: Vec<f64>,
    /// X_j and F_j = ln X_j.
    total: Vec<f64>,
    f: Vec<f64>,
    /// The Newton matrix (factorised), and its right-hand side -X_j F_j.
    jac: StageJacobian,
    rhs: Vec<f64>,
    /// Residual of the linear solve and its correction (iterative refinement).
    resid: Vec<f64>,
    correction: Vec<f64>,
    /// The step du and the point it starts from.
    step: Vec<f64>,
    u_old: Vec<f64>,
    /// Dense-elimination work left ([`DENSE_WORK_BUDGET`]).
    dense_left: f64,
}

impl<'a> Reduced<'a> {
    /// State for separation factors `betas` and feed amounts `z` (> 0) of the present elements.
    pub(super) fn new(flows: &'a Flows, betas: &[f64], z: &[f64]) -> Self {
        let (c, big_n) = (betas.len(), flows.len());
        let lower = betas.iter().copied().fold(f64::INFINITY, f64::min).ln();
        let upper = betas.iter().copied().fold(0.0, f64::max).ln();
        Reduced {
            flows,
            betas: betas.to_vec(),
            z: z.to_vec(),
            c,
            lower,
            upper,
            u: vec![0.0; big_n],
            inv_s: vec![0.0; big_n],
            x: vec![0.0; big_n * c],
            piv: vec![0.0; big_n * c],
            q: vec![0.0; c],
            od_prev: vec![0.0; c],
            dp_prev: vec![0.0; c],
            total: vec![0.0; big_n],
            f: vec![0.0; big_n],
            jac: StageJacobian::new(big_n, c),
            rhs: vec![0.0; big_n],
            resid: vec![0.0; big_n],
            correction: vec![0.0; big_n],
            step: vec![0.0; big_n],
            u_old: vec![0.0; big_n],
            dense_left: DENSE_WORK_BUDGET,
        }
    }

    /// Aqueous amounts at the current point (stage-major, N x C; each stage sums to e^{F_j}).
    pub(super) fn amounts(&self) -> &[f64] {
        &self.x
    }

    /// The cascade's flows.
    pub(super) fn flows(&self) -> &'a Flows {
        self.flows
    }

    /// Separation factors and feed amounts of the present elements.
    pub(super) fn elements(&self) -> (&[f64], &[f64]) {
        (&self.betas, &self.z)
    }

    /// Starts from aqueous amounts `x0` (stage-major, N x C): u_j = ln of their mean
    /// extractability.
    pub(super) fn start_from(&mut self, x0: &[f64]) {
        set_mean_extractabilities(&mut self.u, x0, &self.betas, (self.lower, self.upper));
    }

    /// The starting point: "bubble-point" passes from u0 (ln of an assumed mean
    /// extractability per stage): solve every element's stage balances, set u_j to the mean
    /// extractability ln(sum beta x / sum x) of the result, repeat until the passes stall. They
    /// settle every fast mode cheaply and leave the slow ones to the iterations.
    pub(super) fn bubble_point(&mut self, u0: &[f64]) {
        self.u.copy_from_slice(u0);
        let mut prev = f64::INFINITY;
        for pass in 0..MAX_START_PASSES {
            self.solve_elements();
            let bounds = (self.lower, self.upper);
            let change = set_mean_extractabilities(&mut self.u, &self.x, &self.betas, bounds);
            if !change.is_finite() || change < 1e-7 || (pass >= 4 && change > 0.7 * prev) {
                break;
            }
            prev = change;
        }
    }

    /// The aqueous amounts at the current u, each stage normalised to sum 1 (stage-major,
    /// N x C), into `out`.
    pub(super) fn normalised_amounts(&mut self, out: &mut [f64]) {
        let c = self.c;
        self.solve_elements();
        for (o, xs) in out.chunks_exact_mut(c).zip(self.x.chunks_exact(c)) {
            let sx: f64 = xs.iter().sum();
            for (oi, xi) in o.iter_mut().zip(xs) {
                *oi = (xi / sx).max(f64::MIN_POSITIVE);
            }
        }
    }

    /// Pseudo-transient continuation on u: steps (J + I/dt) du = -F with the pseudo-time step
    /// growing as the residual falls (switched evolution relaxation), so that far from the
    /// solution the step follows the slow "front position" mode instead of overshooting it, and
    /// near it the steps are Newton's (the 1/dt term still damps J's near-null direction on
    /// pinched cascades, where plain Newton crawls). Steps that blow the residual up are
    /// retried with a smaller dt. Stops when max |F_j| <= `target`, after `max_steps`, or
    /// when [`PTC_PATIENCE`] steps bring no new best below `floor` (a rounding floor); ends at
    /// the best point. Returns (steps, best max |F_j|).
    pub(super) fn ptc(
        &mut self,
        target: f64,
        floor: f64,
        rises: Rises,
        max_steps: usize,
    ) -> (usize, f64) {
        let (mut worst, mut norm) = self.evaluate();
        let mut dt = PTC_DT0;
        let mut best = worst;
        let mut best_u = self.u.clone();
        let mut since_best = 0;
        let mut steps = 0;
        while steps < max_steps && worst > target && !(since_best >= PTC_PATIENCE && best <= floor)
        {
            steps += 1;
            if self.factor(1.0 / dt).is_err() {
                break;
            }
            self.direction(false);
            let big = self.step.iter().fold(0.0f64, |m, d| m.max(d.abs()));
            if !big.is_finite() {
                break;
            }
            let lambda = if big > MAX_STEP { MAX_STEP / big } else { 1.0 };
            self.u_old.copy_from_slice(&self.u);
            for ((u, uo), d) in self.u.iter_mut().zip(&self.u_old).zip(&self.step) {
                *u = (uo + lambda * d).clamp(self.lower, self.upper);
            }
            let (w, n2) = self.evaluate();
            let too_high = match rises {
                Rises::Free => n2 > FREE_RISE_LIMIT.max(PTC_REJECT * norm),
                Rises::Bounded => n2 > PTC_REJECT * norm,
            };
            if !w.is_finite() || too_high {
                self.u.copy_from_slice(&self.u_old);
                self.evaluate();
                dt *= 0.25;
                since_best += 1;
                continue;
            }
            let ratio = (norm / n2).sqrt();
            let growth = ratio.clamp(PTC_LEAST_GROWTH, PTC_MOST_GROWTH);
            dt = (dt * growth).min(1e30);
            (worst, norm) = (w, n2);
            if worst < best {
                best = worst;
                best_u.copy_from_slice(&self.u);
                since_best = 0;
            } else {
                since_best += 1;
            }
        }
        if worst > best {
            self.u.copy_from_slice(&best_u);
            self.evaluate();
        }
        (steps, best)
    }

    /// Every element's stage balances at distribution ratios beta_i e^{-u_j}: the recursion of
    /// [`solve_element`](super::super::stages::solve_element) (all terms positive, no
    /// cancellation, full relative accuracy for trace elements), run for all elements at once.
    fn solve_elements(&mut self) {
        let (c, big_n) = (self.c, self.flows.len());
        let (o, a) = (&self.flows.organic, &self.flows.aqueous);
        for j in 0..big_n {
            self.inv_s[j] = (-self.u[j]).exp();
        }
        self.q.fill(1.0);
        self.od_prev.fill(0.0);
        self.dp_prev.fill(0.0);
        for j in 0..big_n {
            let (oj, aj, is) = (o[j], a[j], self.inv_s[j]);
            let feed = j == self.flows.feed_stage;
            let (xs, ps) = (
                &mut self.x[j * c..(j + 1) * c],
                &mut self.piv[j * c..(j + 1) * c],
            );
            for i in 0..c {
                let od = oj * self.betas[i] * is;
                let inv = 1.0 / (od + aj * self.q[i]);
                let r = if feed { self.z[i] } else { 0.0 };
                let dp = (r + self.od_prev[i] * self.dp_prev[i]) * inv;
                xs[i] = dp;
                ps[i] = inv;
                self.q[i] *= aj * inv;
                self.od_prev[i] = od;
                self.dp_prev[i] = dp;
            }
        }
        for j in (0..big_n - 1).rev() {
            let an = a[j + 1];
            let (lo, hi) = self.x.split_at_mut((j + 1) * c);
            let (xs, xn) = (&mut lo[j * c..], &hi[..c]);
            for i in 0..c {
                xs[i] += an * xn[i] * self.piv[j * c + i];
            }
        }
    }

    /// Solves the elements at the current u and evaluates F; returns (max |F_j|, sum F_j^2),
    /// both infinite if anything is not finite.
    fn evaluate(&mut self) -> (f64, f64) {
        self.solve_elements();
        let c = self.c;
        let (mut worst, mut sum2) = (0.0f64, 0.0);
        for j in 0..self.flows.len() {
            let total: f64 = self.x[j * c..(j + 1) * c].iter().sum();
            let fj = total.ln();
            self.total[j] = total;
            self.f[j] = fj;
            worst = worst.max(fj.abs());
            sum2 += fj * fj;
        }
        if worst.is_finite() {
            (worst, sum2)
        } else {
            (f64::INFINITY, f64::INFINITY)
        }
    }

    /// Newton's method on F from the current u, at most `opts.max_iterations` steps. Returns
    /// the number of Newton steps.
    pub(super) fn iterate(&mut self, opts: &SolveOptions) -> Result<usize, ChemError> {
        let target = POLISH_TARGET;
        let (mut worst, mut norm) = self.evaluate();
        for it in 0..opts.max_iterations {
            if worst <= target {
                return Ok(it);
            }
            self.factor(0.0)?;
            self.direction(true);
            match self.line_search(norm) {
                Some((w, n2)) => (worst, norm) = (w, n2),
                // No decrease along a Newton step at the rounding floor: done.
                None if worst <= opts.tolerance => return Ok(it + 1),
                None => break,
            }
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

    /// Backtracking along `step` from u (capped at [`MAX_STEP`]): accepts the first point with
    /// sufficient decrease of |F|^2. Returns the new (max |F|, |F|^2), or `None` with u
    /// restored.
    fn line_search(&mut self, norm: f64) -> Option<(f64, f64)> {
        let big = self.step.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if !big.is_finite() {
            return None;
        }
        let mut lambda = if big > MAX_STEP { MAX_STEP / big } else { 1.0 };
        self.u_old.copy_from_slice(&self.u);
        for _ in 0..MAX_BACKTRACKS {
            for ((u, uo), d) in self.u.iter_mut().zip(&self.u_old).zip(&self.step) {
                *u = uo + lambda * d;
            }
            let (w, n2) = self.evaluate();
            if n2 < (1.0 - 2.0 * ARMIJO * lambda) * norm {
                return Some((w, n2));
            }
            // Minimiser of the quadratic through |F|^2 at 0 (slope -2|F|^2) and at lambda,
            // kept within [0.1, 0.5] lambda.
            let denom = n2 - norm + 2.0 * norm * lambda;
            let next = if denom.is_finite() && denom > 0.0 {
                norm * lambda * lambda / denom
            } else {
                0.1 * lambda
            };
            lambda = next.clamp(0.1 * lambda, 0.5 * lambda);
        }
        self.u.copy_from_slice(&self.u_old);
        self.evaluate();
        None
    }

    /// Factorises the Newton matrix (plus 1/dt on the diagonal) at the current point.
    fn factor(&mut self, inv_dt: f64) -> Result<(), ChemError> {
        let point = Point {
            inv_s: &self.inv_s,
            x: &self.x,
            inv_pivots: &self.piv,
            total: &self.total,
        };
        self.jac.factor(self.flows, &self.betas, point, inv_dt)
    }

    /// The Newton step du for right-hand side -F with the stored factorisation, into `step`.
    /// The quasiseparable LU does not pivot and can lose all accuracy on long cascades (a
    /// review measured backward errors up to 0.2 on 89 stages), so every step is checked by
    /// its residual (an O(N C) product): improved by a round of iterative refinement when
    /// `refine` (the polish) or when it misses [`LINEAR_TOLERANCE`], and solved again by dense
    /// elimination with partial pivoting when it still misses it, while the
    /// [`DENSE_WORK_BUDGET`] lasts.
    fn direction(&mut self, refine: bool) {
        for ((r, f), x) in self.rhs.iter_mut().zip(&self.f).zip(&self.total) {
            *r = -f * x;
        }
        self.jac.solve(&self.rhs, &mut self.step);
        let mut error = self.linear_error();
        if refine || error > LINEAR_TOLERANCE {
            self.jac.solve(&self.resid, &mut self.correction);
            for (s, d) in self.step.iter_mut().zip(&self.correction) {
                *s += d;
            }
            error = self.linear_error();
        }
        let work = (self.flows.len() as f64).powi(3);
        if error > LINEAR_TOLERANCE && work <= self.dense_left {
            self.dense_left -= work;
            self.jac.solve_dense(&self.rhs, &mut self.step);
        }
    }

    /// Leaves rhs - J step in `resid`; returns the normwise backward error
    /// max|resid| / (max (|J| |step|) + max |rhs|) (infinite if not finite).
    fn linear_error(&mut self) -> f64 {
        self.jac.apply_bound(&self.step, &mut self.correction);
        let bound = self.correction.iter().fold(0.0f64, |m, v| m.max(*v));
        self.jac.apply(&self.step, &mut self.resid);
        let (mut worst, mut scale) = (0.0f64, bound);
        for (r, b) in self.resid.iter_mut().zip(&self.rhs) {
            *r = b - *r;
            worst = worst.max(r.abs());
        }
        scale += self.rhs.iter().fold(0.0f64, |m, b| m.max(b.abs()));
        let error = worst / scale;
        if error.is_finite() {
            error
        } else {
            f64::INFINITY
        }
    }
}

/// Sets u_j = ln(sum_i beta_i x_ij / sum_i x_ij), clamped to `(lower, upper)`, from aqueous
/// amounts `x` (stage-major, N x C); returns the largest change of any u_j.
fn set_mean_extractabilities(
    u: &mut [f64],
    x: &[f64],
    betas: &[f64],
    (lower, upper): (f64, f64),
) -> f64 {
    let mut change = 0.0f64;
    for (uj, xs) in u.iter_mut().zip(x.chunks_exact(betas.len())) {
        let sx: f64 = xs.iter().sum();
        let sb: f64 = xs.iter().zip(betas).map(|(x, b)| x * b).sum();
        let next = (sb / sx).ln().clamp(lower, upper);
        change = change.max((next - *uj).abs());
        *uj = next;
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chem::FeedPhase;

    /// A point of a cascade with `betas` (u_j rising along the stages, off the solution).
    fn point<'a>(flows: &'a Flows, betas: &[f64], z: &[f64]) -> (Reduced<'a>, Vec<f64>) {
        let mut r = Reduced::new(flows, betas, z);
        let big_n = flows.len();
        let (lo, hi) = (r.lower, r.upper);
        let u0: Vec<f64> = (0..big_n)
            .map(|j| lo + (hi - lo) * (0.2 + 0.6 * j as f64 / big_n as f64))
            .collect();
        r.u.copy_from_slice(&u0);
        r.evaluate();
        (r, u0)
    }

    /// Cascades of 3 and 6 elements (the second's rows padded to 8), both feed phases, with
    /// the scrub amount W that gives an A product of 0.6 mol per mol feed.
    fn cases() -> Vec<(Flows, Vec<f64>, Vec<f64>)> {
        let mut out = Vec::new();
        for phase in [FeedPhase::Aqueous, FeedPhase::Organic] {
            let w = |s: f64| match phase {
                FeedPhase::Aqueous => s - 0.6,
                FeedPhase::Organic => s + 1.0 - 0.6,
            };
            out.push((
                Flows::loaded(phase, 6, 5, 1.8, w(1.8)),
                vec![1.0, 2.0, 3.5],
                vec![0.3, 0.3, 0.4],
            ));
            out.push((
                Flows::loaded(phase, 9, 7, 1.1, w(1.1)),
                vec![1.0, 1.5, 2.6, 4.0, 9.0, 30.0],
                vec![0.2, 0.3, 0.2, 0.2, 0.05, 0.05],
            ));
        }
        out
    }

    /// Every column of the quasiseparable matrix (times e_k) equals the finite-difference
    /// derivative X_j dF_j/du_k, and solving with the LU factors inverts it.
    #[test]
    fn quasiseparable_matrix_is_the_jacobian_and_its_lu_inverts_it() {
        for (flows, betas, z) in cases() {
            let big_n = flows.len();
            let (mut r, u0) = point(&flows, &betas, &z);
            let (f0, x0) = (r.f.clone(), r.total.clone());
            r.factor(0.0).unwrap();
            let (mut e, mut col, mut back) = (vec![0.0; big_n], vec![0.0; big_n], vec![0.0; big_n]);
            let eps = 1e-6;
            for k in 0..big_n {
                e.fill(0.0);
                e[k] = 1.0;
                r.jac.apply(&e, &mut col);
                r.jac.solve(&col, &mut back);
                for (j, b) in back.iter().enumerate() {
                    let want = if j == k { 1.0 } else { 0.0 };
                    assert!((b - want).abs() < 1e-10, "J^-1 J e_{k} at {j}: {b}");
                }
                // Central differences: truncation O(eps^2), rounding O(1e-16 / eps).
                let mut fd = vec![0.0; big_n];
                for (sign, w) in [(1.0, 0.5), (-1.0, -0.5)] {
                    r.u.copy_from_slice(&u0);
                    r.u[k] += sign * eps;
                    r.evaluate();
                    for j in 0..big_n {
                        fd[j] += w * r.f[j] / eps;
                    }
                }
                for j in 0..big_n {
                    let want = x0[j] * fd[j];
                    let scale = col.iter().fold(1e-3f64, |m, v| m.max(v.abs()));
                    assert!(
                        (col[j] - want).abs() < 1e-7 * scale,
                        "J[{j}][{k}] = {} but finite differences give {want}",
                        col[j]
                    );
                }
                r.u.copy_from_slice(&u0);
                r.evaluate();
                assert_eq!(r.f, f0);
            }
        }
    }

    /// On a long 4-element cascade (89 stages, found by review: the unpivoted quasiseparable
    /// LU's backward error reached 0.2 on such cases) every Newton step along a
    /// pseudo-transient run solves its linear system to 1e-8 relative, checked against the
    /// dense matrix assembled column by column.
    #[test]
    fn newton_steps_are_accurate_on_long_cascades() {
        let flows = Flows::loaded(FeedPhase::Aqueous, 55, 34, 2.0, 1.5);
        let (betas, z) = (vec![1.0, 3.77, 14.85, 40.4], vec![0.25; 4]);
        let big_n = flows.len();
        let mut r = Reduced::new(&flows, &betas, &z);
        let (lo, hi) = (r.lower, r.upper);
        let u0: Vec<f64> = (0..big_n)
            .map(|j| lo + (hi - lo) * j as f64 / big_n as f64)
            .collect();
        r.bubble_point(&u0);
        for dt in [10.0, 1e3, 1e6, f64::INFINITY] {
            r.evaluate();
            r.factor(1.0 / dt).unwrap();
            r.direction(false);
            let mut column = vec![0.0; big_n];
            let mut unit = vec![0.0; big_n];
            let mut product = vec![0.0; big_n];
            for k in 0..big_n {
                unit.fill(0.0);
                unit[k] = 1.0;
                r.jac.apply(&unit, &mut column);
                for j in 0..big_n {
                    product[j] += column[j] * r.step[k];
                }
            }
            // Normwise backward error against the dense matrix, |J| |du| summed exactly.
            let mut bound = vec![0.0; big_n];
            for k in 0..big_n {
                unit.fill(0.0);
                unit[k] = 1.0;
                r.jac.apply(&unit, &mut column);
                for j in 0..big_n {
                    bound[j] += (column[j] * r.step[k]).abs();
                }
            }
            let scale = bound.iter().fold(0.0f64, |m, b| m.max(*b))
                + r.rhs.iter().fold(0.0f64, |m, b| m.max(b.abs()));
            let worst = product
                .iter()
                .zip(&r.rhs)
                .fold(0.0f64, |m, (p, b)| m.max((p - b).abs()));
            assert!(
                worst <= 1e-10 * scale,
                "dt {dt}: residual {worst} of {scale}"
            );
            for (u, d) in r.u.iter_mut().zip(&r.step) {
                *u = (*u + d.clamp(-0.5, 0.5)).clamp(lo, hi);
            }
        }
    }

    /// F(u + eps du) = (1 - eps) F(u) to first order when du is the Newton step.
    #[test]
    fn newton_step_solves_the_linearised_stage_equations() {
        for (flows, betas, z) in cases() {
            let (mut r, u0) = point(&flows, &betas, &z);
            let w0 = r.f.iter().fold(0.0f64, |m, f| m.max(f.abs()));
            let f0 = r.f.clone();
            r.factor(0.0).unwrap();
            r.direction(true);
            let step = r.step.clone();
            // Central differences along the step: J du = -F up to O(eps^2) (measured: 2.9e-4,
            // 2.9e-6, 3e-8 at eps 1e-4, 1e-5, 1e-6 on these far-off points; rounding 1e-10).
            let eps = 1e-6;
            let mut slope = vec![0.0; f0.len()];
            for sign in [1.0, -1.0] {
                for ((u, u0), d) in r.u.iter_mut().zip(&u0).zip(&step) {
                    *u = u0 + sign * eps * d;
                }
                r.evaluate();
                for (sl, f) in slope.iter_mut().zip(&r.f) {
                    *sl += sign * f / (2.0 * eps);
                }
            }
            let err = slope
                .iter()
                .zip(&f0)
                .map(|(sl, f)| (sl + f).abs())
                .fold(0.0, f64::max);
            assert!(err < 1e-6 * w0, "linearisation error {err} (residual {w0})");
        }
    }
}
