//! `reesim check`: validate a scenario file (base, variants, sweep) without simulating.

use crate::Result;
use crate::report::Format;
use crate::report::check::Checked;
use crate::scenario::ScenarioSource;
use std::path::PathBuf;

/// Arguments of `reesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output format: table, json, or csv (one row per circuit of the base plant).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Validates the file and prints what it builds; errors go to the caller (exit code 2).
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let base = source.base()?;
    let variants = source.variants()?;
    let axes = source.sweep_axes()?;
    // Everything the simulator relies on is checked by building each layout's plant: the
    // cascades solve, the specs are met at steady state, the restart curves exist.
    let flows = crate::study::products::ProductFlows::of(&base)?;
    for v in &variants {
        crate::study::products::ProductFlows::of(v)?;
    }
    let checked = Checked {
        file: source.file(),
        scenario: &base.name,
        variants: variants.len(),
        sweep_axes: axes.len(),
        circuits: &flows.built.spec.parts().circuits,
    };
    super::print_stdout(&crate::report::check::render(&checked, args.format)?)
}
