//! Student's t distribution for confidence intervals, from `statrs` (its CDF through the
//! regularized incomplete beta function, its quantile by inverting it).
//!
//! Accuracy: verified against published quantiles in the tests (t_{0.975, 4} = 2.776445,
//! t_{0.975, 19} = 2.093024).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The standard Student's t distribution with `df` degrees of freedom (`None` unless df > 0).
fn standard(df: f64) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df).ok()
}

/// `P(T <= t)` for Student's t with `df > 0` degrees of freedom (NaN otherwise).
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    standard(df).map_or(f64::NAN, |d| d.cdf(t))
}

/// Quantile of Student's t distribution: the `t` with `P(T <= t) = p`, for `0 < p < 1` and
/// `df > 0`. Returns NaN outside that domain.
///
/// `student_t_quantile(0.975, 4.0)` is 2.776445 (the factor of a 95 % interval from 5 values).
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    standard(df).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// The factor of a two-sided 95 % Student-t interval with `n` observations: t_{0.975, n-1}.
/// NaN when `n < 2`.
pub fn t95(n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    student_t_quantile(0.975, (n - 1) as f64)
}
