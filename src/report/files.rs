//! `--out DIR`: every report file of a run, each written atomically (temp file + rename).

use crate::Result;
use crate::experiment::write_atomic;
use crate::study::StudyResult;
use std::path::Path;

/// Writes `summary.json`, `replications.csv`, `plots/*.svg` and `report.html` into `dir`
/// (created if missing). The timelines need [`crate::study::LayoutResult::trace`]; layouts
/// without one get no timeline.
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
    let plots = super::plots::all(study)?;
    let plot_dir = dir.join("plots");
    std::fs::create_dir_all(&plot_dir).map_err(|source| crate::Error::Io {
        path: plot_dir.clone(),
        source,
    })?;
    for p in &plots {
        write_text(&plot_dir.join(&p.file), &p.svg)?;
    }
    write_text(
        &dir.join("report.html"),
        &super::html::to_html(study, &plots),
    )?;
    Ok(())
}

/// Checks, before any work, that files can be written into `dir`: creates it if missing and
/// writes and removes a probe file. An unwritable destination is an error (exit 2) now, not
/// after the simulation.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    let io = |source| crate::Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let probe = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    probe.close().map_err(io)
}

/// Writes `text` to `path` atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// Writes `NAME.json` and `NAME.csv` into `dir`, each rendered by `render` in its format.
pub fn write_formats(
    dir: &Path,
    name: &str,
    render: impl Fn(super::Format) -> Result<String>,
) -> Result<()> {
    for (format, extension) in [(super::Format::Json, "json"), (super::Format::Csv, "csv")] {
        write_text(&dir.join(format!("{name}.{extension}")), &render(format)?)?;
    }
    Ok(())
}
