//! `reesim merge OUT SHARD...`: joins shard outputs into exactly the file one run would have
//! written (rows of every shard, by ascending point index, one header for CSV), with the
//! provenance sidecar one run would have written (shard `all`).
//!
//! [`merge_files`] refuses (exit code 2), before writing anything: a shard without provenance,
//! shards whose provenance differs (naming both files and the field), a shard given twice or
//! two shards that overlap, a row outside its file's shard, and an incomplete set (naming the
//! missing points by their grid assignments and, when every shard is `K/N` of one `N`, the
//! missing shards).

use super::lock::OutputLock;
use super::output::{Output, OutputFormat};
use super::provenance::{Provenance, SIDECAR_SUFFIX, missing_sidecar};
use super::sweep::{Grid, Shard};
use crate::{Error, Result};
use std::collections::BTreeSet;
use std::path::Path;

/// Missing points listed by name in an error before the rest are counted.
const MISSING_LISTED: usize = 10;

/// Merges the outputs of `shards` (parsed in `format`) into one output. A point present in
/// several shards must have identical bytes; headers must agree.
pub fn merge_outputs(shards: Vec<Output>, format: OutputFormat) -> Result<Output> {
    let mut merged = Output::new(format);
    for shard in shards {
        merged.absorb(shard)?;
    }
    Ok(merged)
}

/// One shard file read with its provenance.
struct ShardFile<'a> {
    path: &'a Path,
    provenance: Provenance,
    output: Output,
}

/// Reads one shard file and its sidecar.
fn read_shard(path: &Path, format: OutputFormat) -> Result<ShardFile<'_>> {
    if path.to_string_lossy().ends_with(SIDECAR_SUFFIX) {
        return Err(Error::Input(format!(
            "{}: a provenance sidecar, not a shard file: give the .csv or .jsonl files only",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let Some(provenance) = Provenance::read(path)? else {
        return Err(Error::Input(format!(
            "cannot merge: {}; re-run that shard with this reesim",
            missing_sidecar(path)
        )));
    };
    let output = Output::parse(&bytes, format, &path.display().to_string())?;
    Ok(ShardFile {
        path,
        provenance,
        output,
    })
}

/// The first point of a `len`-point grid in both shards, if any.
fn overlap(a: Shard, b: Shard, len: u64) -> Option<u64> {
    let (wide, narrow) = if a.n >= b.n { (a, b) } else { (b, a) };
    if wide.n == narrow.n {
        return (wide.k == narrow.k && wide.k <= len).then_some(wide.k - 1);
    }
    let step = usize::try_from(wide.n).unwrap_or(usize::MAX);
    (wide.k - 1..len)
        .step_by(step)
        .find(|&p| narrow.contains(p))
}

/// Checks that the shards are slices of one sweep that do not overlap and hold only their own
/// points; returns the sweep's grid.
fn check_shards(files: &[ShardFile<'_>]) -> Result<Grid> {
    let Some(first) = files.first() else {
        return Err(Error::Input("merge: no shard file given".into()));
    };
    for f in &files[1..] {
        if let Some(d) = first.provenance.difference(&f.provenance, false) {
            return Err(Error::Input(format!(
                "cannot merge {} and {}: not shards of one sweep: their {} differs ({} vs {})",
                first.path.display(),
                f.path.display(),
                d.field,
                d.first,
                d.second
            )));
        }
    }
    let grid = first.provenance.grid()?;
    for (i, a) in files.iter().enumerate() {
        for b in &files[..i] {
            let (sa, sb) = (a.provenance.shard, b.provenance.shard);
            if sa == sb {
                return Err(Error::Input(format!(
                    "cannot merge: {} and {} are both shard {sa} (a shard given twice)",
                    b.path.display(),
                    a.path.display()
                )));
            }
            if let Some(p) = overlap(sa, sb, grid.len()) {
                return Err(Error::Input(format!(
                    "cannot merge: shards {sb} ({}) and {sa} ({}) overlap (both hold point {p})",
                    b.path.display(),
                    a.path.display()
                )));
            }
        }
        let shard = a.provenance.shard;
        if let Some(p) = a
            .output
            .points()
            .find(|&p| p >= grid.len() || !shard.contains(p))
        {
            return Err(Error::Input(format!(
                "{}: holds point {p}, which is not in its shard {shard} of a {}-point grid",
                a.path.display(),
                grid.len()
            )));
        }
    }
    Ok(grid)
}

/// The error for an incomplete merge: the missing points by grid assignment, and the missing
/// shards when every shard is `K/N` of one `N`.
fn incomplete(out: &Path, grid: &Grid, merged: &Output, files: &[ShardFile<'_>]) -> Error {
    let missing: Vec<u64> = (0..grid.len()).filter(|&p| !merged.contains(p)).collect();
    let mut listed: Vec<String> = missing
        .iter()
        .take(MISSING_LISTED)
        .map(|&p| format!("point {p} ({})", grid.point(p).label()))
        .collect();
    if missing.len() > MISSING_LISTED {
        listed.push(format!("and {} more", missing.len() - MISSING_LISTED));
    }
    let ns: BTreeSet<u64> = files.iter().map(|f| f.provenance.shard.n).collect();
    let shards = match ns.iter().next() {
        Some(&n) if ns.len() == 1 => {
            let have: BTreeSet<u64> = files.iter().map(|f| f.provenance.shard.k).collect();
            let absent: Vec<String> = (1..=n)
                .filter(|k| !have.contains(k))
                .map(|k| Shard { k, n }.to_string())
                .collect();
            if absent.is_empty() {
                String::new()
            } else {
                format!("; missing shard(s): {}", absent.join(", "))
            }
        }
        _ => String::new(),
    };
    Error::Input(format!(
        "cannot merge into {}: the shards hold {} of {} grid points; missing: {}{shards} \
         (run them, or --resume the interrupted shards, then merge again)",
        out.display(),
        merged.len(),
        grid.len(),
        listed.join("; ")
    ))
}

/// Reads shard files and their provenance, checks they are the complete, non-overlapping
/// slices of one sweep, and writes `out` (locked meanwhile) atomically with the sidecar of an
/// unsharded run; the format follows `out`'s extension. Nothing is written on error. A missing
/// shard file is an error (an empty one is a shard with no point). Returns the merged output.
pub fn merge_files<P: AsRef<Path>>(out: &Path, shards: &[P]) -> Result<Output> {
    let format = OutputFormat::from_path(out)?;
    let _lock = OutputLock::acquire(out)?;
    let files = shards
        .iter()
        .map(|p| read_shard(p.as_ref(), format))
        .collect::<Result<Vec<_>>>()?;
    let grid = check_shards(&files)?;
    let provenance = files[0].provenance.with_shard(Shard::ALL);
    let outputs = files.iter().map(|f| f.output.clone()).collect();
    let merged = merge_outputs(outputs, format)?;
    if (merged.len() as u64) < grid.len() {
        return Err(incomplete(out, &grid, &merged, &files));
    }
    provenance.claim(out)?;
    merged.write(out)?;
    Ok(merged)
}
