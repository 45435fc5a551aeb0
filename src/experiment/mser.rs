//! Automatic warm-up detection with MSER-5 (White, 1997; White, Cobb & Spratt, 2000).
//!
//! The output series is cut into batches of 5 observations (a trailing partial batch is
//! dropped) with means Z_1..Z_k. For each candidate truncation d (batches deleted from the
//! start), `MSER(d) = sum_{j>d} (Z_j - mean_{j>d} Z)^2 / (k - d)^2`; the chosen d minimizes it
//! over the first half, `0 <= d <= k / 2` (later minima are artefacts of a short tail). Ties go
//! to the smallest d. The truncation point in observations is `5 d`.

use serde::Serialize;

/// Observations per batch in MSER-5.
pub const BATCH: usize = 5;

/// The warm-up MSER-5 chose for one series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Truncation {
    /// Observations to delete from the start (a multiple of 5).
    pub index: usize,
    /// The minimal MSER statistic (NaN when the series has fewer than 2 batches).
    pub statistic: f64,
    /// Number of full batches the series had.
    pub batches: usize,
}

impl Truncation {
    /// The truncation point as a time, when observation i covers `[i w, (i+1) w)`.
    pub fn time(&self, bin_width: f64) -> f64 {
        self.index as f64 * bin_width
    }
}

/// Batch means of `BATCH` consecutive observations, dropping a trailing partial batch.
fn batch_means(series: &[f64]) -> Vec<f64> {
    series
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect()
}

/// MSER-5 truncation of one output series. Series with fewer than 2 full batches are not
/// truncated (index 0, NaN statistic).
pub fn mser5(series: &[f64]) -> Truncation {
    let z = batch_means(series);
    let k = z.len();
    if k < 2 {
        return Truncation {
            index: 0,
            statistic: f64::NAN,
            batches: k,
        };
    }
    // Suffix sums make every MSER(d) O(1): sum and sum of squares of Z_{d+1..k}, shifted by
    // the whole series' mean to avoid cancellation when the level is large against the noise.
    let shift = z.iter().sum::<f64>() / k as f64;
    let (mut sum, mut sq) = (0.0, 0.0);
    let mut stat = vec![0.0; k];
    for d in (0..k).rev() {
        let v = z[d] - shift;
        sum += v;
        sq += v * v;
        let m = (k - d) as f64;
        stat[d] = (sq - sum * sum / m).max(0.0) / (m * m);
    }
    let (best, value) =
        stat[..=k / 2]
            .iter()
            .enumerate()
            .fold(
                (0, f64::INFINITY),
                |acc, (d, &s)| if s < acc.1 { (d, s) } else { acc },
            );
    Truncation {
        index: best * BATCH,
        statistic: value,
        batches: k,
    }
}

/// MSER-5 per replication and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarmupReport {
    /// The truncation of each replication's series, in replication order.
    pub per_replication: Vec<Truncation>,
    /// The truncation of the across-replication mean series (element-wise mean): the single
    /// warm-up applied to every replication.
    pub overall: Truncation,
}

/// Runs MSER-5 on each series and on their element-wise mean (over the shortest length).
pub fn mser5_replications(series: &[&[f64]]) -> WarmupReport {
    let per_replication = series.iter().map(|s| mser5(s)).collect();
    let len = series.iter().map(|s| s.len()).min().unwrap_or(0);
    let mean: Vec<f64> = (0..len)
        .map(|i| series.iter().map(|s| s[i]).sum::<f64>() / series.len() as f64)
        .collect();
    WarmupReport {
        per_replication,
        overall: mser5(&mean),
    }
}
