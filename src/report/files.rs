//! `--out DIR`: every report file of a run, each written atomically (temp file + rename).

use crate::Result;
use crate::experiment::write_atomic;
use crate::study::StudyResult;
use std::path::Path;

/// Writes `summary.json` and `replications.csv` into `dir` (created if missing).
pub fn write_all(dir: &Path, study: &StudyResult) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| crate::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let json = super::Exporter::export(&super::json::JsonExporter, study)?;
    write_text(&dir.join("summary.json"), &json)?;
    write_text(
        &dir.join("replications.csv"),
        &super::csv::replications_csv(study)?,
    )?;
    Ok(())
}

/// Writes `text` to `path` atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |w| w.write_all(text.as_bytes()))
}
