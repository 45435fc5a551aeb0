//! Experiments: parallel replications, statistics, paired comparisons (common random numbers),
//! automatic warm-up (MSER-5), sequential precision, sweep grids with shards, merge and resume.
//!
//! This layer is generic over the replication function `Fn(u64) -> R`: it knows nothing of the
//! plant. Replication `r` must draw only from random streams derived from `(seed, r, purpose)`;
//! results are collected in replication order and reduced sequentially, so every output is the
//! same, byte for byte, at any thread count.
//!
//! One file per concept:
//! [`replicate`] (parallel runner), [`stats`] (mean, sd, 95 % t half-width, min, max over named
//! figures), [`tdist`] (exact Student-t quantiles), [`paired`](mod@paired) (difference and ratio with CIs),
//! [`mser`] (MSER-5 warm-up), [`precision`] (replicate until a relative half-width),
//! [`sweep`] (grids and shards), [`output`] (row format), [`merge`] (shard outputs),
//! [`atomic`] (atomic file writes), [`resume`] (checkpointed sweep runs and `--resume`),
//! [`provenance`] (what produced a sweep file: its sidecar), [`lock`] (one writer per output
//! file), [`progress`] (terminal-only progress bar).
//!
//! ```
//! use reesim::experiment::{Figure, run_replications, summarize_figures};
//! // A replication maps its index to named figures (the plant's would read its result).
//! let reps = run_replications(0..8, Some(2), |r| vec![Figure::new("x", "1", r as f64)])?;
//! let summary = summarize_figures(&reps)?;
//! assert_eq!((summary[0].stats.n, summary[0].stats.mean), (8, 3.5));
//! # Ok::<(), reesim::Error>(())
//! ```

pub mod atomic;
pub mod lock;
pub mod merge;
pub mod mser;
pub mod output;
pub mod paired;
pub mod precision;
pub mod progress;
pub mod provenance;
pub mod replicate;
pub mod resume;
pub mod stats;
pub mod sweep;
pub mod tdist;

pub use atomic::write_atomic;
pub use lock::OutputLock;
pub use merge::{merge_files, merge_outputs};
pub use mser::{Truncation, WarmupReport, mser5, mser5_replications};
pub use output::{Output, OutputFormat, RowFigure, SweepRow};
pub use paired::{
    FigureComparison, Interval, Paired, compare_figures, paired, unpaired_difference,
};
pub use precision::{PrecisionConfig, PrecisionOutcome, StopReason, run_until_precision};
pub use progress::Progress;
pub use provenance::Provenance;
pub use replicate::{map_ordered, run_replications, with_threads};
pub use resume::{SweepOutput, done_points, pending, run_points};
pub use stats::{Figure, FigureSummary, Summary, summarize_figures};
pub use sweep::{Grid, GridPoint, SetSpec, Shard};
pub use tdist::{student_t_cdf, student_t_quantile, t95};
