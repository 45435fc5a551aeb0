//! `reesim allocate`: where K extra trains raise plant on-spec output the most.

use super::Format;
use crate::report::num;
use crate::scenario::ScenarioSource;
use crate::study::allocate::{Allocation, allocate};
use crate::{Error, Result};
use std::fmt::Write;
use std::path::PathBuf;

/// Arguments of `reesim allocate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); its variants are ignored.
    pub scenario: PathBuf,
    /// Extra trains to place, one at a time (greedy, common random numbers).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub budget: u32,
    #[command(flatten)]
    pub sim: super::run::SimArgs,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `reesim allocate`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let a = allocate(
        &source,
        args.budget,
        args.sim.seed,
        args.sim.reps,
        args.sim.threads(),
    )?;
    let text = match args.format {
        Format::Table => table(&a),
        Format::Json => {
            serde_json::to_string_pretty(&json(&a)).map_err(|e| Error::Internal(e.to_string()))?
                + "\n"
        }
        Format::Csv => {
            return Err(Error::Input(
                "--format csv is not available for `allocate`; use table or json".into(),
            ));
        }
    };
    super::print_stdout(&text)
}

fn table(a: &Allocation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "start: trains {:?} per circuit {:?}, on-spec REO {} t/yr",
        a.start_trains,
        a.circuits,
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
            format!("{:?}", s.trains),
            num(s.output, 5),
            num(g.estimate, 4),
            num(g.estimate - g.ci95, 3),
            num(g.estimate + g.ci95, 3)
        );
    }
    out
}

fn json(a: &Allocation) -> serde_json::Value {
    let interval = |i: crate::experiment::Interval| serde_json::json!({ "estimate": i.estimate, "ci95": i.ci95, "unit": "t REO/yr" });
    serde_json::json!({
        "reesim_version": env!("CARGO_PKG_VERSION"),
        "objective": crate::study::allocate::OBJECTIVE,
        "circuits": a.circuits,
        "start": { "trains": a.start_trains, "on_spec_reo": { "value": a.start_output, "unit": "t REO/yr" } },
        "steps": a.steps.iter().map(|s| serde_json::json!({
            "circuit": s.circuit,
            "trains": s.trains,
            "on_spec_reo": { "value": s.output, "unit": "t REO/yr" },
            "gain": interval(s.gain.difference),
            "significant": s.gain.significant,
            "candidates": s.candidates.iter().map(|(c, g)| serde_json::json!({ "circuit": c, "gain": interval(g.difference) })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
