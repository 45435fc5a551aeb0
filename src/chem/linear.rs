//! Steady-state solver of the linear model: constant distribution ratio per element, constant
//! phase volume flows per section. Each element is one independent tridiagonal system, so the
//! solve is direct (exact to rounding) and agrees with Kremser and the fractional-extraction
//! formula.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::ChemError;
use super::stages::{Flows, Profile, mass_balance_error, solve_element};

/// Solves the linear model for distribution ratios `d` (organic/aqueous concentration), feed
/// mole fractions `z` (sum 1, fed in unit volume) and volume `flows` per unit feed volume.
pub(crate) fn solve(d: &[f64], z: &[f64], flows: &Flows) -> Result<Profile, ChemError> {
    let (c, big_n) = (d.len(), flows.len());
    let mut x = vec![0.0; big_n * c];
    let mut y = vec![0.0; big_n * c];
    let mut col = vec![0.0; big_n];
    let mut scratch = vec![0.0; big_n];
    let mut split = vec![0.0; c];
    let last = big_n - 1;
    for i in 0..c {
        let feed = if z[i] > 0.0 { z[i] } else { 1.0 };
        solve_element(flows, |_| d[i], feed, &mut col, &mut scratch);
        split[i] = flows.organic[last] * d[i] * col[last] / feed;
        if z[i] > 0.0 {
            for j in 0..big_n {
                x[j * c + i] = col[j];
                y[j * c + i] = d[i] * col[j];
            }
        }
    }
    let mut p = Profile::from_amounts(flows, &x, &y, c);
    p.split_to_a = split;
    p.iterations = 1;
    p.mass_balance_error = mass_balance_error(flows, &x, &y, z, c);
    if p.mass_balance_error.is_finite() {
        Ok(p)
    } else {
        Err(ChemError::Numerical(
            "linear cascade gave non-finite amounts".into(),
        ))
    }
}
