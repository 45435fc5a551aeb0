//! Running a sweep's points in parallel with checkpoints and `--resume`.
//!
//! Points run in chunks; after each chunk the whole output (rows already in the file plus the
//! new ones) is rewritten atomically, so an interrupted sweep leaves a complete file of the
//! points finished so far, and a re-run with `--resume` skips them. Because rows are kept as
//! exact bytes and sorted by point, the final file equals the one an uninterrupted run writes.

use super::output::{Output, OutputFormat, SweepRow};
use super::progress::Progress;
use super::replicate::{map_ordered, with_threads};
use super::sweep::GridPoint;
use crate::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// The point indices an existing output file already holds (empty when it does not exist).
pub fn done_points(path: &Path, format: OutputFormat) -> Result<BTreeSet<u64>> {
    Ok(Output::read(path, format)?.points().collect())
}

/// The points still to run: those of `points` not in `done`, in order.
pub fn pending<'a>(points: &'a [GridPoint], done: &BTreeSet<u64>) -> Vec<&'a GridPoint> {
    points.iter().filter(|p| !done.contains(&p.index)).collect()
}

/// How a sweep run writes its output.
#[derive(Debug, Clone, Copy)]
pub struct SweepOutput<'a> {
    /// The output file.
    pub path: &'a Path,
    /// Its format.
    pub format: OutputFormat,
    /// Keep the rows already in the file and skip their points (`--resume`); otherwise the
    /// file is replaced.
    pub resume: bool,
    /// Points per checkpoint (the file is rewritten after each chunk), >= 1.
    pub chunk: usize,
}

/// Runs the grid `points` (e.g. one shard) in parallel on `threads` and writes their rows to
/// `out.path`, checkpointing after every chunk. `f` computes one point's row or the first error
/// in point order stops the run (the file keeps the completed chunks). `f` may itself
/// run replications in parallel: they share the same pool). Returns the final output.
pub fn run_points<F>(
    points: &[GridPoint],
    threads: Option<usize>,
    out: SweepOutput<'_>,
    f: F,
) -> Result<Output>
where
    F: Fn(&GridPoint) -> Result<SweepRow> + Sync,
{
    let mut output = if out.resume {
        Output::read(out.path, out.format)?
    } else {
        Output::new(out.format)
    };
    let done: BTreeSet<u64> = output.points().collect();
    let todo = pending(points, &done);
    let progress = Progress::new(todo.len() as u64, "points");
    with_threads(threads, || -> Result<()> {
        for chunk in todo.chunks(out.chunk.max(1)) {
            let ids: Vec<u64> = (0..chunk.len() as u64).collect();
            let rows = map_ordered(&ids, Some(&progress), |i| f(chunk[i as usize]));
            for row in rows {
                output.insert(&row?)?;
            }
            output.write(out.path)?;
        }
        if todo.is_empty() {
            output.write(out.path)?;
        }
        Ok(())
    })??;
    progress.finish();
    Ok(output)
}
