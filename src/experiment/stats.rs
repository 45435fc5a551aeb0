//! Summary statistics over replications: mean, standard deviation, 95 % Student-t half-width,
//! min and max, for one series or for every named figure of a set of replications.
//!
//! Sums run sequentially in replication order, so a summary is a pure function of the
//! per-replication values: the same bytes at any thread count.

use super::tdist::t95;
use crate::{Error, Result};
use serde::Serialize;

/// Summary of one figure over `n` replications.
///
/// With `n < 2` the standard deviation and half-width are NaN (serialized as JSON `null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Number of replications.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (divisor n - 1).
    pub sd: f64,
    /// Half-width of the two-sided 95 % Student-t confidence interval of the mean:
    /// t_{0.975, n-1} * sd / sqrt(n).
    pub ci95: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Summary {
    /// Summarizes `values` (in replication order). An empty slice gives `n = 0` and NaNs.
    pub fn of(values: &[f64]) -> Summary {
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = sample_sd(values, mean);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (min, max) = if n == 0 {
            (f64::NAN, f64::NAN)
        } else {
            (min, max)
        };
        Summary {
            n,
            mean,
            sd,
            ci95: t95(n) * sd / (n as f64).sqrt(),
            min,
            max,
        }
    }

    /// The half-width relative to the mean's magnitude, `ci95 / |mean|`: 0 when both are 0,
    /// infinite when only the mean is 0, NaN with fewer than 2 values.
    pub fn relative_half_width(&self) -> f64 {
        if self.ci95 == 0.0 {
            0.0
        } else {
            self.ci95 / self.mean.abs()
        }
    }

    /// Lower end of the 95 % interval.
    pub fn lo(&self) -> f64 {
        self.mean - self.ci95
    }

    /// Upper end of the 95 % interval.
    pub fn hi(&self) -> f64 {
        self.mean + self.ci95
    }
}

/// Sample standard deviation (divisor n - 1) about a given mean; NaN for fewer than 2 values.
pub(crate) fn sample_sd(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (values.len() - 1) as f64).sqrt()
}

/// One named scalar that a replication reports, e.g. `throughput_lots_per_h`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable snake_case name, unique within a replication.
    pub name: String,
    /// Unit, e.g. "lots/h", "t REO/yr", "1" for fractions.
    pub unit: String,
    /// The value in this replication.
    pub value: f64,
}

impl Figure {
    /// A figure from its name, unit and value.
    pub fn new(name: impl Into<String>, unit: impl Into<String>, value: f64) -> Figure {
        Figure {
            name: name.into(),
            unit: unit.into(),
            value,
        }
    }
}

/// The summary of one named figure over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureSummary {
    /// The figure's name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// Mean, sd, ci95, min, max over replications.
    #[serde(flatten)]
    pub stats: Summary,
}

/// The values of figure `index` across replications, in replication order.
pub(crate) fn column(reps: &[Vec<Figure>], index: usize) -> Vec<f64> {
    reps.iter().map(|figs| figs[index].value).collect()
}

/// Checks that every replication reports the same figure names in the same order.
pub(crate) fn check_aligned(reps: &[Vec<Figure>]) -> Result<()> {
    let Some(first) = reps.first() else {
        return Ok(());
    };
    for (r, figs) in reps.iter().enumerate() {
        let same = figs.len() == first.len()
            && figs
                .iter()
                .zip(first)
                .all(|(a, b)| a.name == b.name && a.unit == b.unit);
        if !same {
            return Err(Error::Internal(format!(
                "replication {r} reports different figures than replication 0"
            )));
        }
    }
    Ok(())
}

/// Summarizes every named figure over replications (`reps[r]` = the figures of replication r,
/// same names in the same order in every replication). The output keeps the figures' order.
pub fn summarize_figures(reps: &[Vec<Figure>]) -> Result<Vec<FigureSummary>> {
    check_aligned(reps)?;
    let Some(first) = reps.first() else {
        return Ok(Vec::new());
    };
    let summaries = first
        .iter()
        .enumerate()
        .map(|(i, f)| FigureSummary {
            name: f.name.clone(),
            unit: f.unit.clone(),
            stats: Summary::of(&column(reps, i)),
        })
        .collect();
    Ok(summaries)
}
