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
    let mut text = format!(
        "{}: ok: \"{}\": {} circuit(s), {} variant(s), {} sweep axis(es)\n",
        source.file(),
        base.name,
        base.circuits.len(),
        variants.len(),
        axes.len()
    );
    for c in &base.circuits {
        let stages: u32 = c.spec.stages.iter().map(|g| g.count).sum();
        let restart = c.spec.failures.as_ref().map_or_else(
            || "no failures".to_string(),
            |f| format!("restart off-spec {:.1} h", f.restart_off_spec_h),
        );
        text += &format!(
            "  circuit {}: {} train(s) x {stages} stages, {restart}\n",
            c.spec.name, c.spec.trains
        );
    }
    super::print_stdout(&text)
}
