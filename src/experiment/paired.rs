//! Paired comparison of a variant against a base over the same replications (common random
//! numbers): the difference and the ratio of means with 95 % confidence intervals.
//!
//! * Difference: the Student-t interval of the per-replication differences `y_r - x_r`.
//! * Ratio: the ratio of means `R = ȳ / x̄` with a **delta-method** interval: the residuals
//!   `e_r = y_r - R x_r` have sample variance `s_e²`, and `Var(R) ≈ s_e² / (n x̄²)`; the
//!   half-width is `t_{0.975, n-1} * s_e / (sqrt(n) |x̄|)`. (Fieller's interval would be
//!   asymmetric and exact under normality; the delta method is symmetric and accurate when the
//!   base mean's relative half-width is small, which is the regime reesim reports in.)
//!   Identical series give `e_r = 0` and a zero-width interval.
//! * Significance: a difference is significant at 5 % when its interval excludes 0 (the
//!   ratio's interval then excludes 1 up to the delta approximation).
//!
//! [`unpaired_difference`] (Welch) is given for contrast: what the comparison would cost
//! without common random numbers.

use super::stats::{Figure, check_aligned, column, sample_sd};
use super::tdist::{student_t_quantile, t95};
use crate::{Error, Result};
use serde::Serialize;

/// A point estimate with a symmetric 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Point estimate.
    pub estimate: f64,
    /// Half-width of the 95 % interval.
    pub ci95: f64,
}

impl Interval {
    /// Lower end.
    pub fn lo(&self) -> f64 {
        self.estimate - self.ci95
    }

    /// Upper end.
    pub fn hi(&self) -> f64 {
        self.estimate + self.ci95
    }

    /// Whether the interval excludes `value`.
    pub fn excludes(&self, value: f64) -> bool {
        self.lo() > value || self.hi() < value
    }
}

/// The paired comparison of a variant (`y`) against a base (`x`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paired {
    /// Number of pairs (replications).
    pub n: usize,
    /// Mean of `y - x` with its 95 % interval.
    pub difference: Interval,
    /// `mean(y) / mean(x)` with its delta-method 95 % interval; `None` when `mean(x) == 0`.
    pub ratio: Option<Interval>,
    /// Whether the difference's interval excludes 0.
    pub significant: bool,
}

/// Compares `variant` with `base`, paired by position (replication r with replication r).
/// Errors when the lengths differ or are 0. One pair gives the estimates with NaN half-widths
/// (no interval from one replication) and is never significant.
pub fn paired(base: &[f64], variant: &[f64]) -> Result<Paired> {
    if base.len() != variant.len() || base.is_empty() {
        return Err(Error::Internal(format!(
            "a paired comparison needs two series of equal length >= 1, got {} and {}",
            base.len(),
            variant.len()
        )));
    }
    let n = base.len();
    let diffs: Vec<f64> = base.iter().zip(variant).map(|(x, y)| y - x).collect();
    let d_mean = diffs.iter().sum::<f64>() / n as f64;
    let t = t95(n);
    let half = |sd: f64| t * sd / (n as f64).sqrt();
    let difference = Interval {
        estimate: d_mean,
        ci95: half(sample_sd(&diffs, d_mean)),
    };
    let ratio = ratio_interval(base, variant).map(|(r, s_e, x_mean)| Interval {
        estimate: r,
        ci95: half(s_e) / x_mean.abs(),
    });
    Ok(Paired {
        n,
        difference,
        ratio,
        significant: difference.excludes(0.0),
    })
}

/// (ratio of means, sd of the residuals y - R x, mean of x), or `None` when mean(x) is 0.
fn ratio_interval(base: &[f64], variant: &[f64]) -> Option<(f64, f64, f64)> {
    let n = base.len() as f64;
    let x_mean = base.iter().sum::<f64>() / n;
    let y_mean = variant.iter().sum::<f64>() / n;
    if x_mean == 0.0 {
        return None;
    }
    let r = y_mean / x_mean;
    let resid: Vec<f64> = base.iter().zip(variant).map(|(x, y)| y - r * x).collect();
    let e_mean = resid.iter().sum::<f64>() / n;
    Some((r, sample_sd(&resid, e_mean), x_mean))
}

/// Welch's (unpaired) interval for `mean(variant) - mean(base)`, with Welch–Satterthwaite
/// degrees of freedom. Both series need at least 2 values (else NaN half-width).
pub fn unpaired_difference(base: &[f64], variant: &[f64]) -> Interval {
    let moments = |v: &[f64]| {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let s = sample_sd(v, m);
        (n, m, s * s / n)
    };
    let (_, xm, vx) = moments(base);
    let (_, ym, vy) = moments(variant);
    let (nx, ny) = (base.len() as f64, variant.len() as f64);
    let df = (vx + vy).powi(2) / (vx * vx / (nx - 1.0) + vy * vy / (ny - 1.0));
    let t = if vx + vy == 0.0 {
        0.0
    } else {
        student_t_quantile(0.975, df)
    };
    Interval {
        estimate: ym - xm,
        ci95: t * (vx + vy).sqrt(),
    }
}

/// The paired comparison of one named figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureComparison {
    /// The figure's name.
    pub name: String,
    /// Its unit (of the difference; the ratio is dimensionless).
    pub unit: String,
    /// Difference, ratio and significance.
    #[serde(flatten)]
    pub paired: Paired,
}

/// Compares every figure the base and the variant both report (matched by name, in the
/// base's order), paired over replications. Figures only one side reports are skipped.
pub fn compare_figures(
    base: &[Vec<Figure>],
    variant: &[Vec<Figure>],
) -> Result<Vec<FigureComparison>> {
    check_aligned(base)?;
    check_aligned(variant)?;
    let (Some(b0), Some(v0)) = (base.first(), variant.first()) else {
        return Err(Error::Internal(
            "a comparison needs replications on both sides".into(),
        ));
    };
    let mut out = Vec::new();
    for (i, fig) in b0.iter().enumerate() {
        let Some(j) = v0.iter().position(|f| f.name == fig.name) else {
            continue;
        };
        out.push(FigureComparison {
            name: fig.name.clone(),
            unit: fig.unit.clone(),
            paired: paired(&column(base, i), &column(variant, j))?,
        });
    }
    Ok(out)
}
