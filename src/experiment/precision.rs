//! Sequential replication to a requested precision (`--precision R`): run replications in
//! parallel batches until every headline figure's relative 95 % half-width is at most R, or a
//! replication cap is reached, and say which.
//!
//! The size of each next batch depends only on the results so far (never on timing), so the
//! replications run, and hence every output byte, are the same at any thread count.

use super::progress::Progress;
use super::replicate::{map_ordered, with_threads};
use super::stats::Summary;
use crate::{Error, Result};
use serde::Serialize;

/// Settings of the sequential procedure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionConfig {
    /// Target relative half-width R (e.g. 0.01 for ±1 %), > 0.
    pub target: f64,
    /// Replications of the first batch, >= 2.
    pub initial: u64,
    /// Largest number of replications, >= `initial`.
    pub cap: u64,
    /// Smallest batch after the first (the next batch is otherwise sized from the current
    /// half-width, `n (h / R)^2`), >= 1.
    pub min_batch: u64,
    /// Threads of the local pool, or `None` for the current pool.
    pub threads: Option<usize>,
}

impl PrecisionConfig {
    /// Checks the settings, naming the bad one.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Input(m));
        if !(self.target > 0.0 && self.target.is_finite()) {
            return bad(format!(
                "--precision must be a positive number, got {}",
                self.target
            ));
        }
        if self.initial < 2 {
            return bad(format!(
                "at least 2 initial replications are needed, got {}",
                self.initial
            ));
        }
        if self.cap < self.initial {
            return bad(format!(
                "the replication cap {} is below the first batch {}",
                self.cap, self.initial
            ));
        }
        if self.min_batch == 0 {
            return bad("the minimum batch must be at least 1".into());
        }
        Ok(())
    }
}

/// Why the procedure stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Every headline figure reached the target relative half-width.
    PrecisionReached,
    /// The replication cap was reached first.
    CapReached,
}

/// The replications run and how the procedure ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionOutcome<R> {
    /// Results of replications `0..results.len()`, in order.
    pub results: Vec<R>,
    /// Why it stopped.
    pub stop: StopReason,
    /// Total replications after each parallel batch (the last is `results.len()`).
    pub batch_ends: Vec<u64>,
    /// Final relative half-width of each headline figure, in the order `headline` returns.
    pub relative_half_widths: Vec<f64>,
}

/// Relative half-widths of each headline figure over `results`.
fn relative_half_widths<R>(results: &[R], headline: &impl Fn(&R) -> Vec<f64>) -> Vec<f64> {
    let rows: Vec<Vec<f64>> = results.iter().map(headline).collect();
    let figures = rows.first().map_or(0, Vec::len);
    (0..figures)
        .map(|i| {
            let column: Vec<f64> = rows.iter().map(|r| r[i]).collect();
            Summary::of(&column).relative_half_width()
        })
        .collect()
}

/// Total replications after the next batch: the count the current worst half-width predicts
/// (half-width ~ 1/sqrt(n)), at least `min_batch` more, at most `cap`.
fn next_total(n: u64, worst: f64, cfg: &PrecisionConfig) -> u64 {
    let predicted = (n as f64 * (worst / cfg.target).powi(2)).ceil();
    let predicted = if predicted.is_finite() {
        predicted.min(cfg.cap as f64) as u64
    } else {
        cfg.cap
    };
    predicted.max(n + cfg.min_batch).min(cfg.cap)
}

/// Runs replications of `f` in parallel batches until every figure `headline` extracts from a
/// result has relative 95 % half-width `<= cfg.target`, or `cfg.cap` replications have run.
/// A figure with zero mean and nonzero spread never reaches the target (its relative
/// half-width is infinite): the cap binds.
pub fn run_until_precision<R, F, H>(
    cfg: &PrecisionConfig,
    progress: Option<&Progress>,
    f: F,
    headline: H,
) -> Result<PrecisionOutcome<R>>
where
    R: Send,
    F: Fn(u64) -> R + Sync,
    H: Fn(&R) -> Vec<f64> + Sync,
{
    cfg.validate()?;
    with_threads(cfg.threads, || {
        let mut results: Vec<R> = Vec::new();
        let mut total = cfg.initial;
        let mut batch_ends = Vec::new();
        loop {
            let ids: Vec<u64> = (results.len() as u64..total).collect();
            results.extend(map_ordered(&ids, progress, &f));
            let widths = relative_half_widths(&results, &headline);
            let worst = widths.iter().copied().fold(0.0, f64::max);
            let reached = widths.iter().all(|w| *w <= cfg.target);
            let n = results.len() as u64;
            batch_ends.push(n);
            if reached || n >= cfg.cap {
                let stop = if reached {
                    StopReason::PrecisionReached
                } else {
                    StopReason::CapReached
                };
                return PrecisionOutcome {
                    results,
                    stop,
                    batch_ends,
                    relative_half_widths: widths,
                };
            }
            total = next_total(n, worst, cfg);
        }
    })
}
