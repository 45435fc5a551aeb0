//! Reports: one exporter per format behind [`Exporter`], plus SVG plots and the HTML page.
//! Reports only read results; they never compute model figures.

pub mod cascade;
pub mod csv;
pub mod design;
pub mod files;
pub mod html;
pub mod json;
pub mod plots;
pub mod table;
pub mod tornado;

use crate::Result;
use crate::study::StudyResult;

/// Renders a study in one format.
pub trait Exporter {
    /// The whole report as text.
    fn export(&self, study: &StudyResult) -> Result<String>;
}

/// The exporter for a CLI format.
pub fn exporter(format: crate::cli::Format) -> Box<dyn Exporter> {
    match format {
        crate::cli::Format::Table => Box::new(table::TableExporter),
        crate::cli::Format::Json => Box::new(json::JsonExporter),
        crate::cli::Format::Csv => Box::new(csv::SummaryCsvExporter),
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
