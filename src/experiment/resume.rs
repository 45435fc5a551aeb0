//! Running a sweep's points in parallel with checkpoints and `--resume`.
//!
//! Points run in chunks; after each chunk the whole output (rows already in the file plus the
//! new ones) is rewritten atomically, so an interrupted sweep leaves a complete file of the
//! points finished so far, and a re-run with `--resume` skips them. Because rows are kept as
//! exact bytes and sorted by point, the final file equals the one an uninterrupted run writes.
//!
//! Safety: the file is locked while the run writes it ([`OutputLock`], `FILE.lock`), so a
//! second run writing the same file fails instead of racing the first. Every file gets the
//! run's [`Provenance`] sidecar before its first row; `--resume` refuses a file whose sidecar
//! differs from this run's (naming the field) or that has none (a legacy or copied file).

use super::lock::OutputLock;
use super::output::{Output, OutputFormat, SweepRow};
use super::progress::Progress;
use super::provenance::{Provenance, missing_sidecar, sidecar_path};
use super::replicate::{map_ordered, with_threads};
use super::sweep::GridPoint;
use crate::{Error, Result};
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
    /// What this run is: written to the file's sidecar, and compared with the existing sidecar
    /// on `resume`.
    pub provenance: &'a Provenance,
}

/// The rows a `--resume` run keeps: those of `out.path` when its provenance is this run's.
/// Errors (exit code 2) name the file and the first field that differs, or say that the file
/// has no provenance. A missing file is an empty output.
fn resumable(out: &SweepOutput<'_>) -> Result<Output> {
    let exists = out.path.try_exists().map_err(|source| Error::Io {
        path: out.path.to_path_buf(),
        source,
    })?;
    if !exists {
        return Ok(Output::new(out.format));
    }
    let Some(old) = Provenance::read(out.path)? else {
        return Err(Error::Input(format!(
            "cannot --resume: {}; remove the file or write to another --out",
            missing_sidecar(out.path)
        )));
    };
    if let Some(d) = old.difference(out.provenance, true) {
        return Err(Error::Input(format!(
            "{}: cannot --resume: the file holds another sweep: {} differs: {} in {}, {} in \
             this run; resume with the same scenario file, --set values, --seed, --reps, \
             --shard and reesim version, or write to another --out",
            out.path.display(),
            d.field,
            d.first,
            sidecar_path(out.path).display(),
            d.second
        )));
    }
    Output::read(out.path, out.format)
}

/// Runs the grid `points` (e.g. one shard) in parallel on `threads` and writes their rows to
/// `out.path` (locked meanwhile, with `out.provenance` in its sidecar), checkpointing after
/// every chunk; a run with no point to compute still writes the file (CSV: its header). `f`
/// computes one point's row or the first error in point order stops the run (the file keeps the
/// completed chunks). `f` may itself run replications in parallel: they share the same pool).
/// Returns the final output.
pub fn run_points<F>(
    points: &[GridPoint],
    threads: Option<usize>,
    out: SweepOutput<'_>,
    f: F,
) -> Result<Output>
where
    F: Fn(&GridPoint) -> Result<SweepRow> + Sync,
{
    let _lock = OutputLock::acquire(out.path)?;
    let mut output = if out.resume {
        let kept = resumable(&out)?;
        out.provenance.write(out.path)?;
        kept
    } else {
        out.provenance.claim(out.path)?;
        Output::new(out.format)
    };
    let keys: Vec<&str> = out.provenance.grid.iter().map(|s| s.key.as_str()).collect();
    output.set_columns(&keys)?;
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
