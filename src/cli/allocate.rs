//! `reesim allocate`: where K extra trains raise plant on-spec output the most.

use crate::Result;
use crate::report::Format;
use crate::scenario::ScenarioSource;
use crate::study::allocate::allocate;
use crate::study::estimate::Work;
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
    /// Output format: table, json, or csv (one row per step).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write allocate.json and allocate.csv into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `reesim allocate`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    if let Some(dir) = &args.out {
        crate::report::files::prepare_dir(dir)?;
    }
    let (s, threads) = (args.sim, args.sim.threads());
    let work = Work::allocate(&source, args.budget, s.seed, s.reps, threads)?;
    let bar = crate::study::estimate::check_and_show(&work, s.force)?;
    let a = allocate(
        &source,
        args.budget,
        args.sim.seed,
        args.sim.reps,
        args.sim.threads(),
    )?;
    drop(bar);
    if let Some(dir) = &args.out {
        crate::report::files::write_formats(dir, "allocate", |f| {
            crate::report::allocate::render(&a, f)
        })?;
    }
    super::print_stdout(&crate::report::allocate::render(&a, args.format)?)
}
