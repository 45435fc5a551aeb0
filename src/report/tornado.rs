//! The tornado's table and JSON: each uncertain input's 10th and 90th percentile and the swing
//! of the headline difference they cause, widest first.

use super::contract::{VERSION, cell, csv_text, finite, to_text};
use super::{Format, num};
use crate::Result;
use crate::study::tornado::{PERCENTILES, Tornado};
use serde::Serialize;
use std::fmt::Write;

/// Aligned text: one row per input.
pub fn table(t: &Tornado) -> String {
    let (scale, unit) = crate::report::table::display_unit(&t.unit);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "reesim {}: tornado of {}",
        env!("CARGO_PKG_VERSION"),
        t.scenario
    );
    let _ = writeln!(
        out,
        "headline: {} ({unit}), {} replications per study, seed {}; every other input at its median",
        t.headline, t.replications, t.seed
    );
    let _ = writeln!(
        out,
        "headline with every input at its median: {}",
        num(t.at_medians * scale, 4)
    );
    let _ = writeln!(out);
    let width = t
        .inputs
        .iter()
        .map(|i| i.key.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>14}  {:>14}  {:>14}  {:>14}",
        "input", "P10", "P90", "swing at P10", "swing at P90"
    );
    for i in &t.inputs {
        let v = |x: f64| format!("{} {}", num(x, 4), i.unit).trim().to_string();
        let s = |x: f64| format!("{:+.2}", x * scale);
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {:>14}  {:>14}  {:>14}",
            i.key,
            v(i.low),
            v(i.high),
            s(i.swing_low),
            s(i.swing_high)
        );
    }
    if t.inputs.is_empty() {
        let _ = writeln!(out, "(the scenario has no [uncertainty] inputs)");
    }
    out
}

/// The tornado in `format`: table, JSON, or CSV (one row per input).
pub fn render(t: &Tornado, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table(t)),
        Format::Json => json(t),
        Format::Csv => csv(t),
    }
}

/// The JSON contract of `reesim tornado`: `inputs[k]` with `key`, `low`, `high`,
/// `swing_low`, `swing_high`.
#[derive(Debug, Serialize)]
pub struct TornadoDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Root seed.
    pub seed: u64,
    /// Replications per study.
    pub replications: u32,
    /// The headline difference and its value with every input at its median.
    pub headline: Headline<'a>,
    /// The two percentiles each input swings between.
    pub percentiles: [f64; 2],
    /// One entry per input, widest swing first.
    pub inputs: Vec<InputDoc<'a>>,
}

/// What the tornado measures.
#[derive(Debug, Serialize)]
pub struct Headline<'a> {
    /// The figure, e.g. "npv: best variant minus base".
    pub what: &'a str,
    /// Its unit.
    pub unit: &'a str,
    /// Its value with every input at its median.
    pub at_medians: Option<f64>,
}

/// One input's percentiles and the swings they cause.
#[derive(Debug, Serialize)]
pub struct InputDoc<'a> {
    /// Scenario key.
    pub key: &'a str,
    /// Its value at the low percentile.
    pub low: f64,
    /// Its value at the high percentile.
    pub high: f64,
    /// Unit of `low` and `high`.
    pub unit: &'a str,
    /// Headline change with the input at `low`, in the headline's unit.
    pub swing_low: Option<f64>,
    /// Headline change with the input at `high`.
    pub swing_high: Option<f64>,
}

impl<'a> TornadoDoc<'a> {
    /// The document of a tornado.
    pub fn of(t: &'a Tornado) -> TornadoDoc<'a> {
        TornadoDoc {
            reesim_version: VERSION,
            scenario: &t.scenario,
            seed: t.seed,
            replications: t.replications,
            headline: Headline {
                what: &t.headline,
                unit: &t.unit,
                at_medians: finite(t.at_medians),
            },
            percentiles: [PERCENTILES.0, PERCENTILES.1],
            inputs: t
                .inputs
                .iter()
                .map(|i| InputDoc {
                    key: &i.key,
                    low: i.low,
                    high: i.high,
                    unit: &i.unit,
                    swing_low: finite(i.swing_low),
                    swing_high: finite(i.swing_high),
                })
                .collect(),
        }
    }
}

/// The JSON text of a tornado.
pub fn json(t: &Tornado) -> Result<String> {
    to_text(&TornadoDoc::of(t))
}

/// One row per input, widest swing first.
pub fn csv(t: &Tornado) -> Result<String> {
    let swing_low = format!("swing_low [{}]", t.unit);
    let swing_high = format!("swing_high [{}]", t.unit);
    let header = ["input", "unit", "low", "high", &swing_low, &swing_high];
    let rows: Vec<Vec<String>> = t
        .inputs
        .iter()
        .map(|i| {
            vec![
                i.key.clone(),
                i.unit.clone(),
                cell(i.low),
                cell(i.high),
                cell(i.swing_low),
                cell(i.swing_high),
            ]
        })
        .collect();
    csv_text(&header, &rows)
}
