//! The report of `reesim check`: what the validated scenario builds, as a table, typed JSON or
//! CSV (one row per circuit).

use super::Format;
use super::contract::{Quantity, VERSION, cell, csv_text, to_text};
use crate::Result;
use crate::flow::{CircuitSpec, RestartSpec};
use serde::Serialize;

/// What `check` found: the file, the scenario's counts and the base plant's circuits.
#[derive(Debug)]
pub struct Checked<'a> {
    /// The file as given.
    pub file: &'a str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Number of `[[variant]]` tables.
    pub variants: usize,
    /// Number of `[sweep]` axes.
    pub sweep_axes: usize,
    /// The base plant's circuits, as built.
    pub circuits: &'a [CircuitSpec],
}

/// The check in `format`.
pub fn render(c: &Checked, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table(c)),
        Format::Json => to_text(&CheckDoc::of(c)),
        Format::Csv => csv(c),
    }
}

/// One summary line, then two lines per circuit.
pub fn table(c: &Checked) -> String {
    let mut text = format!(
        "{}: ok: \"{}\": {} circuit(s), {} variant(s), {} sweep axis(es)\n",
        c.file,
        c.scenario,
        c.circuits.len(),
        c.variants,
        c.sweep_axes
    );
    for s in c.circuits {
        text += &format!(
            "  circuit {}: {} train(s) x {} stages, design {:.4} t REO/h per train, hold-up {:.3} t REO per train\n",
            s.name,
            s.trains,
            s.sections.total(),
            s.design_rate,
            s.inventory_t
        );
        text += &format!("    restart: {}\n", restart_summary(&s.restart));
    }
    text
}

/// The restart transient in one line: the grid of stop lengths and the off-spec hours of each
/// outlet.
fn restart_summary(r: &RestartSpec) -> String {
    match r {
        RestartSpec::None => "none".into(),
        RestartSpec::Fixed(h) => format!("liquor diverted off-spec for {h} h"),
        RestartSpec::Curve(c) => {
            let points: Vec<String> = c
                .stops_h
                .iter()
                .zip(&c.off_h)
                .map(|(d, o)| format!("{d:.3} h -> A {:.2} h, B {:.2} h", o[0], o[1]))
                .collect();
            format!(
                "off-spec after a stop of (dynamic model): {}",
                points.join("; ")
            )
        }
    }
}

/// The JSON contract of `reesim check`.
#[derive(Debug, Serialize)]
pub struct CheckDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// The file as given.
    pub file: &'a str,
    /// Always true: a scenario with errors exits 2 with the errors on standard error.
    pub ok: bool,
    /// Scenario name.
    pub scenario: &'a str,
    /// Number of variants.
    pub variants: usize,
    /// Number of sweep axes.
    pub sweep_axes: usize,
    /// The base plant's circuits.
    pub circuits: Vec<CircuitDoc<'a>>,
}

/// One circuit as built.
#[derive(Debug, Serialize)]
pub struct CircuitDoc<'a> {
    /// Circuit name.
    pub name: &'a str,
    /// Installed trains.
    pub trains: u32,
    /// Stages per train (extraction + scrub + strip).
    pub stages: u32,
    /// Design feed rate of one train, t REO/h.
    pub design_rate: Quantity,
    /// REE hold-up of one train, t REO.
    pub holdup: Quantity,
    /// "none", "fixed" or "dynamic".
    pub restart: &'static str,
    /// Off-spec time after a stop, per stop length (dynamic restarts only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restart_curve: Vec<RestartPoint>,
    /// Diverted time after every stop, h (fixed restarts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_fixed: Option<Quantity>,
}

/// Off-spec hours of each outlet after a stop of `stop` hours.
#[derive(Debug, Serialize)]
pub struct RestartPoint {
    /// Stop length, h.
    pub stop_h: f64,
    /// Off-spec time of outlet A, h.
    pub off_spec_a_h: f64,
    /// Off-spec time of outlet B, h.
    pub off_spec_b_h: f64,
}

impl<'a> CheckDoc<'a> {
    fn of(c: &'a Checked) -> CheckDoc<'a> {
        CheckDoc {
            reesim_version: VERSION,
            file: c.file,
            ok: true,
            scenario: c.scenario,
            variants: c.variants,
            sweep_axes: c.sweep_axes,
            circuits: c
                .circuits
                .iter()
                .map(|s| CircuitDoc {
                    name: &s.name,
                    trains: s.trains,
                    stages: s.sections.total(),
                    design_rate: Quantity::new(s.design_rate, "t REO/h"),
                    holdup: Quantity::new(s.inventory_t, "t REO"),
                    restart: restart_kind(&s.restart),
                    restart_curve: match &s.restart {
                        RestartSpec::Curve(curve) => curve
                            .stops_h
                            .iter()
                            .zip(&curve.off_h)
                            .map(|(d, o)| RestartPoint {
                                stop_h: *d,
                                off_spec_a_h: o[0],
                                off_spec_b_h: o[1],
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    restart_fixed: match s.restart {
                        RestartSpec::Fixed(h) => Some(Quantity::new(h, "h")),
                        _ => None,
                    },
                })
                .collect(),
        }
    }
}

fn restart_kind(r: &RestartSpec) -> &'static str {
    match r {
        RestartSpec::None => "none",
        RestartSpec::Fixed(_) => "fixed",
        RestartSpec::Curve(_) => "dynamic",
    }
}

/// One row per circuit of the base plant.
pub fn csv(c: &Checked) -> Result<String> {
    let header = [
        "circuit",
        "trains",
        "stages",
        "design_rate [t REO/h]",
        "holdup [t REO]",
        "restart",
    ];
    let rows: Vec<Vec<String>> = c
        .circuits
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.trains.to_string(),
                s.sections.total().to_string(),
                cell(s.design_rate),
                cell(s.inventory_t),
                restart_kind(&s.restart).to_string(),
            ]
        })
        .collect();
    csv_text(&header, &rows)
}
