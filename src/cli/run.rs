//! `reesim run`: simulate a scenario's base and variants and report on-spec output with CIs.

use super::Format;
use crate::Result;
use crate::report;
use crate::scenario::ScenarioSource;
use crate::study::{self, RunOptions};
use std::path::PathBuf;

/// Flags shared by the simulating subcommands.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// Root seed of every random stream (default: the scenario's `simulation.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replications per layout (default: the scenario's `simulation.replications`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub reps: Option<u32>,
    /// Worker threads (default: all cores). Results are identical at any thread count.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write summary.json, replications.csv, SVG plots and report.html into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl CommonArgs {
    /// The run settings these flags override.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            seed: self.seed,
            replications: self.reps,
            threads: self.threads.map(usize::from),
        }
    }
}

/// Arguments of `reesim run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `reesim run`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let base = source.base()?;
    let variants = source.variants()?;
    let mut result = study::run(&base, &variants, args.common.options())?;
    if let Some(dir) = &args.common.out {
        let scenarios: Vec<_> = std::iter::once(&base).chain(&variants).collect();
        let limits = crate::plant::TraceLimits::default();
        study::trace_layouts(
            &mut result,
            &scenarios,
            limits,
            args.common.options().threads,
        )?;
        report::files::write_all(dir, &result)?;
    }
    super::print_stdout(&report::exporter(args.common.format).export(&result)?)
}
