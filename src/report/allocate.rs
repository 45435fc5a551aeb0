//! The report of `reesim allocate`: each greedy step as a table row, typed JSON and CSV.

use super::contract::{Interval, Quantity, VERSION, cell, csv_text, to_text};
use super::{Format, num};
use crate::Result;
use crate::study::allocate::{Allocation, OBJECTIVE};
use serde::Serialize;
use std::fmt::Write;

/// The allocation in `format`.
pub fn render(a: &Allocation, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table(a)),
        Format::Json => to_text(&AllocationDoc::of(a)),
        Format::Csv => csv(a),
    }
}

/// Aligned text: the start, then one row per train added.
pub fn table(a: &Allocation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "start: trains {} per circuit {}, on-spec REO {} t/yr",
        list(&a.start_trains),
        list(&a.circuits),
        num(a.start_output, 5)
    );
    let _ = writeln!(
        out,
        "step  add train to   trains after   on-spec REO (t/yr)   marginal gain (95 % CI, paired)"
    );
    for (i, s) in a.steps.iter().enumerate() {
        let g = s.gain.difference;
        let star = if s.gain.significant {
            ""
        } else {
            "  (not significant)"
        };
        let _ = writeln!(
            out,
            "{:>4}  {:<14} {:<14} {:>18}   {:+} t/yr [{:+}, {:+}]{star}",
            i + 1,
            s.circuit,
            list(&s.trains),
            num(s.output, 5),
            num(g.estimate, 4),
            num(g.estimate - g.ci95, 3),
            num(g.estimate + g.ci95, 3)
        );
    }
    out
}

/// `[a, b, c]` without quotes.
fn list<T: std::fmt::Display>(items: &[T]) -> String {
    let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// The JSON contract of `reesim allocate`.
#[derive(Debug, Serialize)]
pub struct AllocationDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// What the greedy steps maximise.
    pub objective: &'static str,
    /// Circuit names, in scenario order.
    pub circuits: &'a [String],
    /// Trains and output before any step.
    pub start: StartDoc<'a>,
    /// One entry per train added.
    pub steps: Vec<StepDoc<'a>>,
}

/// The plant before any train is added.
#[derive(Debug, Serialize)]
pub struct StartDoc<'a> {
    /// Trains per circuit.
    pub trains: &'a [u32],
    /// On-spec REO output, t REO/yr.
    pub on_spec_reo: Quantity,
}

/// One greedy step.
#[derive(Debug, Serialize)]
pub struct StepDoc<'a> {
    /// The circuit that got the train.
    pub circuit: &'a str,
    /// Trains per circuit after the step.
    pub trains: &'a [u32],
    /// On-spec REO output after the step, t REO/yr.
    pub on_spec_reo: Quantity,
    /// Paired gain of the chosen candidate, t REO/yr.
    pub gain: Interval,
    /// Whether that gain's 95 % interval excludes 0.
    pub significant: bool,
    /// Every candidate's paired gain.
    pub candidates: Vec<CandidateDoc<'a>>,
}

/// One candidate circuit of a step.
#[derive(Debug, Serialize)]
pub struct CandidateDoc<'a> {
    /// Circuit name.
    pub circuit: &'a str,
    /// Paired gain of one more train there, t REO/yr.
    pub gain: Interval,
}

fn gain(i: crate::experiment::Interval) -> Interval {
    Interval::new(i.estimate, i.ci95, "t REO/yr")
}

impl<'a> AllocationDoc<'a> {
    /// The document of an allocation.
    pub fn of(a: &'a Allocation) -> AllocationDoc<'a> {
        AllocationDoc {
            reesim_version: VERSION,
            objective: OBJECTIVE,
            circuits: &a.circuits,
            start: StartDoc {
                trains: &a.start_trains,
                on_spec_reo: Quantity::new(a.start_output, "t REO/yr"),
            },
            steps: a
                .steps
                .iter()
                .map(|s| StepDoc {
                    circuit: &s.circuit,
                    trains: &s.trains,
                    on_spec_reo: Quantity::new(s.output, "t REO/yr"),
                    gain: gain(s.gain.difference),
                    significant: s.gain.significant,
                    candidates: s
                        .candidates
                        .iter()
                        .map(|(c, g)| CandidateDoc {
                            circuit: c,
                            gain: gain(g.difference),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// One row per step (step 0 is the start): the circuit, trains after, output and the gain.
pub fn csv(a: &Allocation) -> Result<String> {
    let trains = |t: &[u32]| {
        t.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(";")
    };
    let header = [
        "step",
        "circuit",
        "trains",
        "on_spec_reo [t REO/yr]",
        "gain [t REO/yr]",
        "gain_ci95 [t REO/yr]",
        "significant",
    ];
    let mut rows = vec![vec![
        "0".to_string(),
        String::new(),
        trains(&a.start_trains),
        cell(a.start_output),
        String::new(),
        String::new(),
        String::new(),
    ]];
    rows.extend(a.steps.iter().enumerate().map(|(i, s)| {
        vec![
            (i + 1).to_string(),
            s.circuit.clone(),
            trains(&s.trains),
            cell(s.output),
            cell(s.gain.difference.estimate),
            cell(s.gain.difference.ci95),
            s.gain.significant.to_string(),
        ]
    }));
    csv_text(&header, &rows)
}
