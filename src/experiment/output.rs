//! The row format of sweep outputs, shared by a single run, shards, `merge` and `--resume`.
//!
//! A file is one row per grid point, sorted by point index, each row self-contained:
//!
//! * CSV: a header `point,replications,<swept keys...>,<figure>_mean,<figure>_ci95,...` then one
//!   record per point (csv crate quoting; numbers in shortest round-trip form, NaN as empty).
//! * JSON lines: one object per line,
//!   `{"point":0,"replications":20,"params":{"key":value,..},"figures":{"name":{"mean":..,"ci95":..,"unit":".."},..}}`
//!   (a parameter is a JSON number or boolean when its text is one, else a string; NaN is
//!   `null`).
//!
//! An [`Output`] keeps every row as the exact bytes it was written or read as, so that merging
//! shards or resuming re-emits rows byte for byte: the file a sharded or resumed sweep ends
//! with is exactly the one a single uninterrupted run writes.
//!
//! A file with no row yet (an empty shard, a sweep before its first checkpoint) is empty for
//! JSON lines and, for CSV, holds the header of the columns known without a row:
//! `point,replications,<swept keys...>` (see [`Output::set_columns`]); the first row's full
//! header replaces it. What produced a file is in its sidecar (see
//! [`provenance`](super::provenance)), not in the file.

use super::atomic::write_atomic;
use super::stats::FigureSummary;
use super::sweep::GridPoint;
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// File format of a sweep output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl OutputFormat {
    /// The format an output path's extension asks for: `.csv`, or `.jsonl` / `.ndjson`.
    pub fn from_path(path: &Path) -> Result<OutputFormat> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(OutputFormat::Csv),
            Some("jsonl" | "ndjson") => Ok(OutputFormat::JsonLines),
            _ => Err(Error::Input(format!(
                "{}: unknown output format; use a .csv, .jsonl or .ndjson file",
                path.display()
            ))),
        }
    }
}

/// One figure of a sweep row: its mean and 95 % half-width over the point's replications.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFigure {
    /// Figure name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Mean over replications.
    pub mean: f64,
    /// 95 % Student-t half-width.
    pub ci95: f64,
}

/// The result of one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The point's index in the full grid.
    pub point: u64,
    /// Replications behind the figures.
    pub replications: u64,
    /// `(key, value)` of every swept key.
    pub params: Vec<(String, String)>,
    /// Figures in a fixed order (the same in every row of a file).
    pub figures: Vec<RowFigure>,
}

impl SweepRow {
    /// A row from a grid point and the summaries of its figures.
    pub fn new(point: &GridPoint, summaries: &[FigureSummary]) -> SweepRow {
        let figures = summaries
            .iter()
            .map(|s| RowFigure {
                name: s.name.clone(),
                unit: s.unit.clone(),
                mean: s.stats.mean,
                ci95: s.stats.ci95,
            })
            .collect();
        let replications = summaries.first().map_or(0, |s| s.stats.n as u64);
        SweepRow {
            point: point.index,
            replications,
            params: point.assignments.clone(),
            figures,
        }
    }
}

/// A number as CSV text: shortest round-trip form, empty for NaN or infinities.
fn csv_number(x: f64) -> String {
    if x.is_finite() {
        json_number(x)
    } else {
        String::new()
    }
}

/// A number as JSON text: shortest round-trip form (`null` for NaN or infinities).
fn json_number(x: f64) -> String {
    serde_json::to_string(&x).unwrap_or_else(|_| "null".into())
}

/// A string as JSON text.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A parameter value as JSON: verbatim when it is a JSON number or boolean, else a string.
fn json_param(v: &str) -> String {
    let literal = v == v.trim()
        && matches!(
            serde_json::from_str::<serde_json::Value>(v),
            Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_))
        );
    if literal {
        v.to_string()
    } else {
        json_string(v)
    }
}

/// One CSV record (with its line terminator) from text fields.
fn csv_record<I: IntoIterator<Item = String>>(fields: I) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.into_iter().collect::<Vec<_>>())
        .map_err(|e| Error::Internal(format!("csv: {e}")))?;
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("csv: {e}")))
}

/// The CSV header line for rows shaped like `row`.
fn csv_header(row: &SweepRow) -> Result<String> {
    let fixed = ["point".to_string(), "replications".to_string()];
    let keys = row.params.iter().map(|(k, _)| k.clone());
    let figs = row
        .figures
        .iter()
        .flat_map(|f| [format!("{}_mean", f.name), format!("{}_ci95", f.name)]);
    csv_record(fixed.into_iter().chain(keys).chain(figs))
}

/// The CSV record of `row`.
fn csv_row(row: &SweepRow) -> Result<String> {
    let fixed = [row.point.to_string(), row.replications.to_string()];
    let values = row.params.iter().map(|(_, v)| v.clone());
    let figs = row
        .figures
        .iter()
        .flat_map(|f| [csv_number(f.mean), csv_number(f.ci95)]);
    csv_record(fixed.into_iter().chain(values).chain(figs))
}

/// The JSON line of `row`, with its newline.
fn json_row(row: &SweepRow) -> String {
    let params: Vec<String> = row
        .params
        .iter()
        .map(|(k, v)| format!("{}:{}", json_string(k), json_param(v)))
        .collect();
    let figures: Vec<String> = row
        .figures
        .iter()
        .map(|f| {
            let (m, h, u) = (
                json_number(f.mean),
                json_number(f.ci95),
                json_string(&f.unit),
            );
            format!(
                "{}:{{\"mean\":{m},\"ci95\":{h},\"unit\":{u}}}",
                json_string(&f.name)
            )
        })
        .collect();
    format!(
        "{{\"point\":{},\"replications\":{},\"params\":{{{}}},\"figures\":{{{}}}}}\n",
        row.point,
        row.replications,
        params.join(","),
        figures.join(",")
    )
}

/// The rows of a sweep output, kept as their exact bytes and ordered by point index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    format: OutputFormat,
    /// CSV header line (with terminator) once known; always `None` for JSON lines.
    header: Option<String>,
    rows: BTreeMap<u64, String>,
}

impl Output {
    /// An empty output.
    pub fn new(format: OutputFormat) -> Output {
        Output {
            format,
            header: None,
            rows: BTreeMap::new(),
        }
    }

    /// The format.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether the row of `point` is present.
    pub fn contains(&self, point: u64) -> bool {
        self.rows.contains_key(&point)
    }

    /// Point indices present, ascending.
    pub fn points(&self) -> impl Iterator<Item = u64> + '_ {
        self.rows.keys().copied()
    }

    /// Adds the row of a computed point. Errors when its shape (CSV header) differs from the
    /// rows already present or its point is already present with different bytes.
    pub fn insert(&mut self, row: &SweepRow) -> Result<()> {
        match self.format {
            OutputFormat::Csv => {
                let header = csv_header(row)?;
                self.set_header(header)?;
                self.put(row.point, csv_row(row)?)
            }
            OutputFormat::JsonLines => self.put(row.point, json_row(row)),
        }
    }

    /// For CSV without a header yet: the header of the columns known before any row,
    /// `point,replications,<keys...>`, so that a file with no row still has a header line. The
    /// first row's header (with its figure columns) replaces it. No effect for JSON lines.
    pub fn set_columns<S: AsRef<str>>(&mut self, keys: &[S]) -> Result<()> {
        if self.format == OutputFormat::Csv && self.header.is_none() {
            let fixed = ["point".to_string(), "replications".to_string()];
            let keys = keys.iter().map(|k| k.as_ref().to_string());
            self.header = Some(csv_record(fixed.into_iter().chain(keys))?);
        }
        Ok(())
    }

    /// Moves every row of `other` into `self` (same format, same header); a point present in
    /// both must have identical bytes. The header of an `other` without rows counts only when
    /// `self` has no header yet.
    pub fn absorb(&mut self, other: Output) -> Result<()> {
        if other.format != self.format {
            return Err(Error::Input(
                "cannot merge CSV and JSON-lines outputs".into(),
            ));
        }
        if let Some(h) = other.header {
            if !other.rows.is_empty() || self.header.is_none() {
                self.set_header(h)?;
            }
        }
        other
            .rows
            .into_iter()
            .try_for_each(|(p, text)| self.put(p, text))
    }

    /// Sets the CSV header; before the first row any header is replaced (a header-only file's
    /// header lacks the figure columns), afterwards it must not change.
    fn set_header(&mut self, header: String) -> Result<()> {
        match &self.header {
            Some(h) if *h != header && !self.rows.is_empty() => Err(Error::Input(format!(
                "outputs of different sweeps: header {:?} differs from {:?}",
                header.trim_end(),
                h.trim_end()
            ))),
            _ => {
                self.header = Some(header);
                Ok(())
            }
        }
    }

    fn put(&mut self, point: u64, text: String) -> Result<()> {
        match self.rows.get(&point) {
            Some(old) if *old != text => Err(Error::Input(format!(
                "grid point {point} appears twice with different results"
            ))),
            _ => {
                self.rows.insert(point, text);
                Ok(())
            }
        }
    }

    /// The file's bytes: the header (CSV) then every row by ascending point index.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(self.header.as_deref().unwrap_or("").as_bytes());
        for text in self.rows.values() {
            out.extend_from_slice(text.as_bytes());
        }
        out
    }

    /// Writes the file atomically (temporary file in the same directory, fsync, rename).
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, |w| w.write_all(&self.to_bytes()))
    }

    /// Parses a file's bytes. `origin` names it in error messages.
    pub fn parse(bytes: &[u8], format: OutputFormat, origin: &str) -> Result<Output> {
        let mut out = Output::new(format);
        match format {
            OutputFormat::Csv => parse_csv(bytes, origin, &mut out)?,
            OutputFormat::JsonLines => parse_json_lines(bytes, origin, &mut out)?,
        }
        Ok(out)
    }

    /// Reads an output file; a missing file is an empty output.
    pub fn read(path: &Path, format: OutputFormat) -> Result<Output> {
        match std::fs::read(path) {
            Ok(bytes) => Output::parse(&bytes, format, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Output::new(format)),
            Err(source) => Err(Error::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

/// Splits CSV bytes into the header and the exact bytes of each record.
fn parse_csv(bytes: &[u8], origin: &str, out: &mut Output) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    loop {
        let start = reader.position().byte() as usize;
        let line = reader.position().line();
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| Error::Input(format!("{origin}: line {line}: {e}")))?;
        if !more {
            return Ok(());
        }
        let text =
            String::from_utf8_lossy(&bytes[start..reader.position().byte() as usize]).into_owned();
        if out.header.is_none() {
            if record.get(0) != Some(b"point".as_slice()) {
                return Err(Error::Input(format!(
                    "{origin}: not a reesim sweep CSV (no 'point' column first)"
                )));
            }
            out.header = Some(text);
            continue;
        }
        let point = std::str::from_utf8(record.get(0).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| Error::Input(format!("{origin}: line {line}: bad point index")))?;
        out.put(point, text)?;
    }
}

/// The only field of a JSON row that merging and resuming need.
#[derive(Deserialize)]
struct PointOnly {
    point: u64,
}

/// Splits JSON-lines bytes into rows, keeping each line's exact bytes.
fn parse_json_lines(bytes: &[u8], origin: &str, out: &mut Output) -> Result<()> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Input(format!("{origin}: {e}")))?;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: PointOnly = serde_json::from_str(line)
            .map_err(|e| Error::Input(format!("{origin}: line {}: {e}", i + 1)))?;
        let mut owned = line.to_string();
        if !owned.ends_with('\n') {
            owned.push('\n');
        }
        out.put(row.point, owned)?;
    }
    Ok(())
}
