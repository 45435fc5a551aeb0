//! Steady-state solver of the loaded-organic model with constant separation factors.
//!
//! Unknowns: one per stage, u_j = ln s_j with s_j = sum_k beta_k x_kj the mean extractability
//! of the aqueous leaving stage j. For given s every element's stage balances are linear
//! (distribution ratio beta_i / s_j at stage j), so the element profiles x_i(u) follow exactly
//! from independent tridiagonal systems (`Reduced::solve_elements`). What remains are the N
//! stage equations F_j(u) = ln sum_i x_ij(u) = 0: once every stage's aqueous fractions sum to 1,
//! the total balance makes every organic sum to 1 too (so s_j = sum beta x_j at the solution).
//! Every iterate therefore closes each element's balance to rounding; only the fractions' sums
//! are iterated on, and the amounts stay positive whatever the step.
//!
//! Method (see `reduced::Reduced`): a starting profile from "bubble-point" passes (the fixed-point map
//! s_j <- sum beta x_j / sum x_j, stopped when it stalls), then Newton's method on F with the
//! exact Jacobian, globalised by a cap on the step in u, a backtracking line search on |F|^2 and,
//! when that fails, a diagonal shift (pseudo-transient continuation in u). Converged means
//! max |F_j| below 1e-3 x tolerance; the final profile is checked again against the tolerance
//! on the mass balance.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::stages::{Flows, Profile, loaded_equilibrium, mass_balance_error, solve_element};
use super::{ChemError, SolveOptions};

mod newton;
mod reduced;

use newton::LogNewton;
use reduced::Reduced;

/// Solves the loaded model for separation factors `betas` (any common reference), feed mole
/// fractions `z` (sum 1), the B product ending at element `split_after` (for the starting
/// profile only) and `flows` (REE mol per mol feed).
pub(crate) fn solve(
    betas: &[f64],
    z: &[f64],
    split_after: usize,
    flows: &Flows,
    opts: &SolveOptions,
) -> Result<Profile, ChemError> {
    let present: Vec<usize> = (0..z.len()).filter(|&i| z[i] > 0.0).collect();
    let pb: Vec<f64> = present.iter().map(|&i| betas[i]).collect();
    let pz: Vec<f64> = present.iter().map(|&i| z[i]).collect();
    let mut red = Reduced::new(flows, &pb, &pz);
    red.start(&starting_profile(betas, z, split_after, flows));
    let c = present.len();
    let mut x0 = red.amounts().to_vec();
    for xs in x0.chunks_mut(c) {
        let total: f64 = xs.iter().sum();
        xs.iter_mut().for_each(|v| *v /= total);
    }
    let mut nt = LogNewton::new(flows, &pb, &pz, &x0);
    let iterations = nt.iterate(opts)?;
    let mut p = profile(flows, nt.amounts(), (&pb, &pz), &present, betas.len());
    p.iterations = iterations;
    p.mass_balance_error = mass_balance_error(flows, &p.x, &p.y, z, betas.len());
    if p.mass_balance_error > opts.tolerance {
        return Err(ChemError::NoConvergence {
            iterations,
            residual: p.mass_balance_error,
            tolerance: opts.tolerance,
        });
    }
    trace_splits(betas, z, flows, &mut p);
    Ok(p)
}

/// ln s (mean extractability of the aqueous) per stage for the starting pass: the raffinate's
/// mean at stage 1, the feed's at the feed stage, and at stage N the aqueous in equilibrium
/// with an A product of the A elements' feed proportions; linear in between.
fn starting_profile(b: &[f64], z: &[f64], split: usize, flows: &Flows) -> Vec<f64> {
    let big_n = flows.len();
    let wb: f64 = z[..=split].iter().sum();
    let wa: f64 = z[split + 1..].iter().sum();
    let dot = |r: std::ops::Range<usize>| {
        z[r.clone()]
            .iter()
            .zip(&b[r])
            .map(|(zi, bi)| zi * bi)
            .sum::<f64>()
    };
    let bottom = if wb > 0.0 {
        (dot(0..split + 1) / wb).ln()
    } else {
        0.0
    };
    let feed = dot(0..z.len()).ln();
    let top = if wa > 0.0 {
        let harmonic: f64 = z[split + 1..]
            .iter()
            .zip(&b[split + 1..])
            .map(|(zi, bi)| zi / bi)
            .sum();
        (wa / harmonic).ln()
    } else {
        feed
    };
    let f = flows.feed_stage.min(big_n - 1);
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

/// The profile in all elements' order: normalised aqueous fractions, organic fractions by the
/// exact equilibrium relation.
fn profile(
    flows: &Flows,
    amounts: &[f64],
    (betas, z): (&[f64], &[f64]),
    present: &[usize],
    c_all: usize,
) -> Profile {
    let (c, big_n) = (present.len(), flows.len());
    let mut x = vec![0.0; big_n * c_all];
    let mut y = vec![0.0; big_n * c_all];
    let mut betas_all = vec![1.0; c_all];
    for (a, &i) in present.iter().enumerate() {
        betas_all[i] = betas[a];
    }
    for j in 0..big_n {
        let total: f64 = amounts[j * c..(j + 1) * c].iter().sum();
        for (a, &i) in present.iter().enumerate() {
            x[j * c_all + i] = amounts[j * c + a] / total;
        }
        let row = j * c_all..(j + 1) * c_all;
        loaded_equilibrium(&betas_all, &x[row.clone()], &mut y[row]);
    }
    let mut p = Profile::from_amounts(flows, &x, &y, c_all);
    for (a, &i) in present.iter().enumerate() {
        p.split_to_a[i] = p.product_a[i] / z[a];
    }
    p
}

/// Splits of elements absent from the feed, in the trace limit at the solved profile.
fn trace_splits(betas: &[f64], z: &[f64], flows: &Flows, p: &mut Profile) {
    let (c, big_n) = (betas.len(), flows.len());
    let s: Vec<f64> = (0..big_n)
        .map(|j| (0..c).map(|k| betas[k] * p.x[j * c + k]).sum::<f64>())
        .collect();
    let mut x = vec![0.0; big_n];
    let mut scratch = vec![0.0; big_n];
    let last = big_n - 1;
    for i in (0..c).filter(|&i| z[i] == 0.0) {
        let beta = betas[i];
        solve_element(flows, |j| beta / s[j], 1.0, &mut x, &mut scratch);
        p.split_to_a[i] = flows.organic[last] * beta / s[last] * x[last];
    }
}
