//! `reesim check`: validate a scenario file (base, variants, sweep) without simulating.

use crate::Result;
use crate::scenario::ScenarioSource;
use std::path::PathBuf;

/// Arguments of `reesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}

/// Validates the file and prints a one-line summary; errors go to the caller (exit code 2).
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let base = source.base()?;
    let variants = source.variants()?;
    let axes = source.sweep_axes()?;
    let stages: u32 = base
        .circuits
        .iter()
        .map(|c| c.spec.stages.iter().map(|g| g.count).sum::<u32>())
        .sum();
    super::print_stdout(&format!(
        "{}: ok: \"{}\": {} circuit(s), {} stages per train path, {} variant(s), {} sweep axis(es)\n",
        source.file(),
        base.name,
        base.circuits.len(),
        stages,
        variants.len(),
        axes.len()
    ))
}
