//! Reports: one exporter per format behind [`Exporter`], plus SVG plots and the HTML page.
//! Reports only read results; they never compute model figures.

pub mod allocate;
pub mod cascade;
pub mod check;
pub mod contract;
pub mod csv;
pub mod design;
pub mod dynamic;
pub mod files;
pub mod grid;
pub mod html;
pub mod json;
pub mod plots;
pub mod sequence;
pub mod sweep;
pub mod table;
pub mod tornado;

use crate::Result;
use crate::study::StudyResult;

/// Renders a study in one format.
pub trait Exporter {
    /// The whole report as text.
    fn export(&self, study: &StudyResult) -> Result<String>;
}

/// Output format of a report on standard output (`--format` of every command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// The machine contract: stable snake_case keys, every figure with its unit.
    Json,
    /// One row per record, for spreadsheets.
    Csv,
}

/// The exporter of a study for a format.
pub fn exporter(format: Format) -> Box<dyn Exporter> {
    match format {
        Format::Table => Box::new(table::TableExporter),
        Format::Json => Box::new(json::JsonExporter),
        Format::Csv => Box::new(csv::SummaryCsvExporter),
    }
}

/// Formats a number with `sig` significant digits, never printing NaN or inf as such.
pub fn num(value: f64, sig: usize) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (sig as i32 - 1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

/// A 95 % half-width with `sig` significant digits; rounding residue of a zero half-width
/// (at most 1e-9 of the mean, e.g. 1.8e-12 when every replication gives the same figure)
/// prints as 0.
pub fn half_width(ci95: f64, mean: f64, sig: usize) -> String {
    if ci95.abs() <= 1e-9 * mean.abs() {
        "0".into()
    } else {
        num(ci95, sig)
    }
}
