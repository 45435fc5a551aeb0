//! Exact fast path for a feed of two elements: the classical stage-to-stage (Lewis /
//! McCabe-Thiele) calculation from both ends of the cascade, matched at the feed stage.
//!
//! The products are fixed by one unknown (below). From the B product the stage balances are
//! marched up: x_0 = x_B, and the net upward flow below the feed, O_j y_j - A_{j+1} x_{j+1} =
//! -f_B x_B, gives A_{j+1} x_{j+1} = O_j y_j + f_B x_B up to the feed stage f; from the A
//! product they are marched down: O_{N-1} y_{N-1} = f_A y_A, x_j in equilibrium with y_j, and
//! O_{j-1} y_{j-1} = A_j x_j + f_A y_A down to stage f. Every term is positive, so trace
//! amounts keep full relative precision. The two marches meet at stage f, whose balance
//! then holds because f_A y_A + f_B x_B = z; what remains is that y_f from below (in
//! equilibrium with x_f) equals y_f from above: for two elements one condition,
//! ln(y_1/y_0) from below minus from above, strictly increasing in the unknown. It is solved
//! by the Illinois variant of regula falsi, a bracketing method.
//!
//! Exact: the result solves the same stage equations as the general solver (its mass balance
//! error is computed and checked the same way); `None` (degenerate input, no bracket, or a
//! balance above the acceptance limit) leaves the case to the general solver.

use super::super::SolveOptions;
use super::super::stages::{Flows, Profile};
use super::{POLISH_ABOVE, profile};

/// Bracket of the unknown t (a logit, below): the smaller product amount is 1e-300 x its
/// largest possible value at either end (subnormal if that value is below ~4e-9, a trace
/// element: harmless, the bracketing moves away from the end).
const T_MAX: f64 = 690.0;
/// Converged when the mismatch of ln(y_1/y_0) at the feed stage is below this (an imbalance
/// of about this size times O_f, mol per mol feed; for trace impurities, where ln values near
/// 690 round to ~1e-13, the bracket width below ends the search instead) ...
const MISMATCH_TOL: f64 = 1e-14;
/// ... or when the bracket is this narrow in t (a relative change of the impurities).
const BRACKET_TOL: f64 = 1e-14;
/// Most marches.
const MAX_MARCHES: usize = 200;

/// Solves the loaded model when exactly the elements `present` are in the feed: `betas` and
/// `z` (feed mole fractions, sum 1) of all elements, `flows` in mol REE per mol feed. `Some`
/// profile, with `iterations` the number of marches, if its mass balance error is within
/// 0.1 x `opts.tolerance` (the general solver's acceptance rule).
pub(super) fn solve(
    betas: &[f64],
    z: &[f64],
    present: [usize; 2],
    flows: &Flows,
    opts: &SolveOptions,
) -> Option<Profile> {
    let cascade = Binary::new(betas, z, present, flows)?;
    let mut x = vec![0.0; 2 * flows.len()];
    let (mut lo, mut hi) = (-T_MAX, T_MAX);
    let (mut g_lo, mut g_hi) = (cascade.mismatch(lo, &mut x), cascade.mismatch(hi, &mut x));
    // False for NaN too.
    if !(g_lo < 0.0 && g_hi > 0.0) {
        return None;
    }
    let (mut marches, mut side) = (2, 0);
    loop {
        let mut t = lo + (hi - lo) * (g_lo / (g_lo - g_hi));
        if !(t > lo && t < hi) {
            t = 0.5 * (lo + hi);
        }
        let g = cascade.mismatch(t, &mut x);
        marches += 1;
        if !g.is_finite() {
            return None;
        }
        if g < 0.0 {
            (lo, g_lo) = (t, g);
            if side < 0 {
                g_hi *= 0.5;
            }
            side = -1;
        } else {
            (hi, g_hi) = (t, g);
            if side > 0 {
                g_lo *= 0.5;
            }
            side = 1;
        }
        if g.abs() <= MISMATCH_TOL || hi - lo <= BRACKET_TOL * t.abs().max(1.0) {
            break;
        }
        if marches >= MAX_MARCHES {
            return None;
        }
    }
    let (b, zp) = (present.map(|i| betas[i]), present.map(|i| z[i]));
    let mut p = profile(flows, &x, (&b, &zp), &present, z);
    // False for a NaN error too.
    let closed = p.mass_balance_error <= POLISH_ABOVE * opts.tolerance;
    if !closed {
        return None;
    }
    p.iterations = marches;
    Some(p)
}

/// The binary cascade and its products as functions of the unknown t.
///
/// With d = z_1 - f_A (mol per mol feed), the B product holds b_1 = max(d, 0) + v of
/// element 1 and the A product a_0 = max(-d, 0) + v of element 0 (so that f_A y_A = z - f_B x_B
/// and both products have their total flow), v in (0, v_max) the largest range keeping all
/// four amounts positive. t = ln(v / (v_max - v)): both v and v_max - v are computed from t
/// without cancellation, so impurities far below 1e-16 are resolved. b_1 - a_0 = d holds
/// exactly, so an impurity is never below |d|, even where d is only the rounding of S - W
/// against z_1 (~1e-16).
struct Binary<'a> {
    flows: &'a Flows,
    /// Separation factors of the two elements.
    beta: [f64; 2],
    /// max(d, 0), max(-d, 0).
    d_plus: f64,
    d_minus: f64,
    /// b_0 - (v_max - v) and a_1 - (v_max - v), mol per mol feed (one of them is zero).
    b0_rest: f64,
    a1_rest: f64,
    v_max: f64,
}

impl<'a> Binary<'a> {
    /// `None` for degenerate input (no room for the unknown, or feed outside the cascade).
    fn new(betas: &[f64], z: &[f64], present: [usize; 2], flows: &'a Flows) -> Option<Self> {
        let big_n = flows.len();
        let (beta, z) = (present.map(|i| betas[i]), present.map(|i| z[i]));
        let f_a = *flows.organic.last()?;
        let d = z[1] - f_a;
        let (d_plus, d_minus) = (d.max(0.0), (-d).max(0.0));
        let (b0_max, a1_max) = (z[0] - d_minus, z[1] - d_plus);
        let v_max = b0_max.min(a1_max);
        let finite = [beta[0], beta[1], z[0], z[1], f_a]
            .iter()
            .all(|v| v.is_finite());
        let positive = beta[0] > 0.0 && beta[1] > 0.0 && v_max > 0.0;
        let flows_ok = flows.organic.iter().chain(&flows.aqueous).all(|&v| v > 0.0);
        (finite && positive && flows_ok && flows.feed_stage < big_n).then_some(Binary {
            flows,
            beta,
            d_plus,
            d_minus,
            b0_rest: b0_max - v_max,
            a1_rest: a1_max - v_max,
            v_max,
        })
    }

    /// Marches both ends for the unknown `t`: writes the aqueous amounts A_j x_j (mol per mol
    /// feed, stage-major N x 2; below the feed stage from the bottom, above it from the top) into
    /// `x`, and returns ln(y_1/y_0) at the feed stage from below minus from above.
    fn mismatch(&self, t: f64, x: &mut [f64]) -> f64 {
        let (o, aq, f) = (
            &self.flows.organic,
            &self.flows.aqueous,
            self.flows.feed_stage,
        );
        let [b0, b1] = self.beta;
        let v = self.v_max / (1.0 + (-t).exp());
        let rest = self.v_max / (1.0 + t.exp());
        // Product amounts: B (aqueous out of stage 0), A (organic out of stage N-1).
        let b = [self.b0_rest + rest, self.d_plus + v];
        let a = [self.d_minus + v, self.a1_rest + rest];
        let mut u = b;
        x[..2].copy_from_slice(&u);
        for j in 0..f {
            let s = b0 * u[0] + b1 * u[1];
            let k = o[j] / s;
            u = [k * b0 * u[0] + b[0], k * b1 * u[1] + b[1]];
            x[2 * (j + 1)..2 * (j + 2)].copy_from_slice(&u);
        }
        let below = (b1 * u[1]).ln() - (b0 * u[0]).ln();
        // u: O_j y_j, from the A product down.
        let mut u = a;
        for j in (f + 1..self.flows.len()).rev() {
            let (r0, r1) = (u[0] / b0, u[1] / b1);
            let k = aq[j] / (r0 + r1);
            let xj = [k * r0, k * r1];
            x[2 * j..2 * (j + 1)].copy_from_slice(&xj);
            u = [xj[0] + a[0], xj[1] + a[1]];
        }
        let above = u[1].ln() - u[0].ln();
        below - above
    }
}

#[cfg(test)]
mod tests {
    use super::super::general;
    use super::*;
    use crate::chem::{FeedPhase, theory};

    /// The fast path against the general solver on a grid of separation factors, feed
    /// fractions f_A, both feed phases, stage numbers and S / S_min, with the A product taking
    /// f_A (the default scrub amount) or 0.05 more or less (a given scrub amount: the products
    /// cannot both be pure, d = z_1 - f'_A != 0). 1e-9 on purities and splits:
    /// both solutions close the balance to 1e-10, and purities and splits are sums of
    /// fractions of the product flows (O(1)), so two solutions of the same equations differ
    /// by about that much at most.
    #[test]
    fn agrees_with_the_general_solver() {
        let opts = SolveOptions::default();
        let mut cases = 0;
        for phase in [FeedPhase::Aqueous, FeedPhase::Organic] {
            for (n, m) in [(1, 1), (5, 3), (28, 32), (60, 60)] {
                for beta in [1.3, 1.5, 2.0, 5.0] {
                    for fa in [0.1, 0.5, 0.9] {
                        for (k, off) in [1.1, 1.5, 3.0]
                            .into_iter()
                            .flat_map(|k| [0.0, -0.05, 0.05].map(|off| (k, off)))
                        {
                            let s = k * theory::min_extraction_amount(phase, beta, fa);
                            let w = theory::scrub_amount_for(phase, s, fa + off);
                            let flows = Flows::loaded(phase, n, m, s, w);
                            let (betas, z) = ([1.0, beta], [1.0 - fa, fa]);
                            let case = format!(
                                "{phase:?} n {n} m {m} beta {beta} fa {fa} k {k} off {off}"
                            );
                            let fast = solve(&betas, &z, [0, 1], &flows, &opts)
                                .unwrap_or_else(|| panic!("{case}: no fast solution"));
                            let slow = general(&betas, &z, 0, &flows, &opts).unwrap();
                            assert!(fast.mass_balance_error <= 1e-10, "{case}");
                            let (pf, ps) = (fast.purities(0), slow.purities(0));
                            let pairs = [
                                (pf.0, ps.0),
                                (pf.1, ps.1),
                                (fast.split_to_a[0], slow.split_to_a[0]),
                                (fast.split_to_a[1], slow.split_to_a[1]),
                            ];
                            for (a, b) in pairs {
                                assert!((a - b).abs() <= 1e-9, "{case}: {a} vs {b}");
                            }
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 864);
    }

    /// Largest imbalance of any element at any stage relative to the largest term of that
    /// balance (amounts, mol per mol feed), from the profile's normalised fractions and flows.
    fn relative_imbalance(flows: &Flows, p: &Profile, z: &[f64]) -> f64 {
        let (big_n, c) = (flows.len(), z.len());
        let out = |j: usize, i: usize| p.organic_flow[j] * p.y[j * c + i];
        let down = |j: usize, i: usize| p.aqueous_flow[j] * p.x[j * c + i];
        let mut worst = 0.0f64;
        for i in 0..c {
            for j in 0..big_n {
                let mut terms = vec![-out(j, i), -down(j, i)];
                if j > 0 {
                    terms.push(out(j - 1, i));
                }
                if j + 1 < big_n {
                    terms.push(down(j + 1, i));
                }
                if j == flows.feed_stage {
                    terms.push(z[i]);
                }
                let scale = terms.iter().fold(0.0f64, |m, t| m.max(t.abs()));
                worst = worst.max(terms.iter().sum::<f64>().abs() / scale);
            }
        }
        worst
    }

    /// Trace impurities far below rounding of the major element keep full relative precision:
    /// every element's balance at every stage holds to 1e-13 of its largest term (rounding of
    /// ~100 stages' marches), and the impurities obey the exact overall relation
    /// b_1 - a_0 = z_1 - f_A (= 0 here: S - W = 0.5 exactly) to 1e-12 relative. The general
    /// solver closes the balance only in absolute terms (1e-10), so its impurities of ~1e-30
    /// are not a reference here.
    #[test]
    fn resolves_trace_impurities() {
        let opts = SolveOptions::default();
        for phase in [FeedPhase::Aqueous, FeedPhase::Organic] {
            let s = 1.5 * theory::min_extraction_amount(phase, 5.0, 0.5);
            let w = theory::scrub_amount_for(phase, s, 0.5);
            let flows = Flows::loaded(phase, 60, 60, s, w);
            assert_eq!(flows.organic[119], 0.5, "S - W must be exact for this test");
            let (betas, z) = ([1.0, 5.0], [0.5, 0.5]);
            let p = solve(&betas, &z, [0, 1], &flows, &opts).unwrap();
            let (b1, a0) = (p.product_b[1], p.product_a[0]);
            assert!(b1 > 0.0 && b1 < 1e-20, "{phase:?}: impurity {b1}");
            assert!((b1 - a0).abs() <= 1e-12 * b1, "{phase:?}: {b1} vs {a0}");
            let r = relative_imbalance(&flows, &p, &z);
            assert!(r <= 1e-13, "{phase:?}: relative imbalance {r}");
        }
    }

    /// A tolerance the balance cannot meet (0), or no room for the unknown (element 1 absent
    /// from the feed: both products are fixed), gives `None`, never a profile that misses the
    /// acceptance rule.
    #[test]
    fn declines_what_it_cannot_certify() {
        let flows = Flows::loaded(FeedPhase::Aqueous, 10, 10, 4.0, 3.5);
        let strict = SolveOptions {
            tolerance: 0.0,
            ..SolveOptions::default()
        };
        let (betas, z) = ([1.0, 2.0], [0.5, 0.5]);
        let ok = solve(&betas, &z, [0, 1], &flows, &SolveOptions::default());
        assert!(ok.is_some_and(|p| p.mass_balance_error > 0.0));
        assert!(solve(&betas, &z, [0, 1], &flows, &strict).is_none());
        let opts = SolveOptions::default();
        assert!(solve(&betas, &[1.0, 0.0], [0, 1], &flows, &opts).is_none());
    }
}
