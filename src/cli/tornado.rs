//! `reesim tornado`: swing each `[uncertainty]` input alone between its 10th and 90th
//! percentile and report how the headline difference moves (table, JSON, SVG).

use super::run::SimArgs;
use crate::report;
use crate::report::Format;
use crate::scenario::ScenarioSource;
use crate::study::estimate::Work;
use crate::study::{RunOptions, tornado};
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim tornado`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML) with an `[uncertainty]` table.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output format on standard output: table, json, or csv (one row per input).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write tornado.json and tornado.svg into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `reesim tornado`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let base = source.base()?;
    if base.uncertainty.is_empty() {
        return Err(Error::Input(format!(
            "{}: no [uncertainty] table: a tornado needs uncertain inputs",
            args.scenario.display()
        )));
    }
    let variants = source.variants()?;
    if let Some(dir) = &args.out {
        report::files::prepare_dir(dir)?;
    }
    let options = RunOptions {
        seed: args.sim.seed,
        replications: args.sim.reps,
        threads: args.sim.threads(),
        ..RunOptions::default()
    };
    let work = Work::run(&base, &variants, &options).times(1 + 2 * base.uncertainty.len() as u64);
    let bar = crate::study::estimate::check_and_show(&work, args.sim.force)?;
    let t = tornado::tornado(&base, &variants, options)?;
    drop(bar);
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        report::files::write_text(&dir.join("tornado.json"), &report::tornado::json(&t)?)?;
        report::files::write_text(&dir.join("tornado.svg"), &report::plots::tornado::svg(&t)?)?;
    }
    super::print_stdout(&report::tornado::render(&t, args.format)?)
}
