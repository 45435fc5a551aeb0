//! `reesim run`: simulate a scenario's base and variants and report on-spec output with CIs.

use crate::Result;
use crate::report;
use crate::report::Format;
use crate::scenario::{FieldPath, Override, Scenario, ScenarioSource};
use crate::study::{self, RunOptions};
use std::path::PathBuf;

/// Seed, replications and threads: the flags of every simulating subcommand.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct SimArgs {
    /// Root seed of every random stream, 0..=2^63-1 (default: the scenario's
    /// `simulation.seed`).
    #[arg(long, value_parser = super::flags::seed)]
    pub seed: Option<u64>,
    /// Replications per layout or grid point (default: the scenario's
    /// `simulation.replications`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub reps: Option<u32>,
    /// Worker threads (default: all cores). Results are identical at any thread count.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Simulate even when the work estimate exceeds its limits (8 GB of memory, 1 h, 1e10
    /// events); skips the estimate.
    #[arg(long)]
    pub force: bool,
}

impl SimArgs {
    /// `--threads` as a count.
    pub fn threads(&self) -> Option<usize> {
        self.threads.map(usize::from)
    }
}

/// Flags shared by `run` and `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write summary.json, replications.csv, SVG plots and report.html into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Add replications in parallel batches until every headline figure's 95 % half-width is at
    /// most this fraction of its mean (e.g. 0.01), or --max-reps is reached.
    #[arg(long, value_name = "R", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// Replication cap of --precision.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub max_reps: u32,
    /// Override a scenario key in the base and every variant, e.g. `--set feed.rate="20000 t/yr"`
    /// or `--set circuit.PrNd.trains=2` (repeatable; dotted paths as in a `[[variant]]`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// A relative half-width in (0, 1].
fn parse_precision(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1.0 => Ok(r),
        _ => Err(format!(
            "`{text}` is not a relative half-width: expected a number in (0, 1], e.g. 0.01"
        )),
    }
}

impl CommonArgs {
    /// The run settings these flags override.
    /// The `--set` flags as overrides.
    pub fn overrides(&self) -> Result<Vec<Override>> {
        self.set
            .iter()
            .map(|s| {
                let (key, value) = s.split_once('=').ok_or_else(|| {
                    crate::Error::Input(format!("--set {s:?}: no '='; expected KEY=VALUE"))
                })?;
                let key = key.trim();
                if key.is_empty() || value.trim().is_empty() {
                    return Err(crate::Error::Input(format!(
                        "--set {s:?}: empty key or value; expected KEY=VALUE"
                    )));
                }
                Ok(Override {
                    key: key.to_string(),
                    value: super::sweep::parse_value(value.trim()),
                    origin: FieldPath::default().key("--set").key(key),
                })
            })
            .collect()
    }

    /// The run settings these flags override.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            seed: self.sim.seed,
            replications: self.sim.reps,
            threads: self.sim.threads(),
            precision: self.precision,
            max_replications: self.max_reps,
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
    if let Some(dir) = &args.common.out {
        report::files::prepare_dir(dir)?;
    }
    let set = args.common.overrides()?;
    let base = source.with_overrides(None, &set)?;
    let variants = source.variants_with(&set)?;
    let reps = args.common.sim.reps.unwrap_or(base.replications);
    if reps < 2 && args.common.precision.is_none() {
        eprintln!(
            "note: 1 replication: figures without confidence intervals (n/a) and changes against \
             the base without significance; give --reps 2 or more for intervals"
        );
    }
    let work = study::estimate::Work::run(&base, &variants, &args.common.options());
    let bar = study::estimate::check_and_show(&work, args.common.sim.force)?;
    let mut result = study::run(&base, &variants, args.common.options())?;
    drop(bar);
    let scenarios: Vec<&Scenario> = std::iter::once(&base).chain(&variants).collect();
    deliver(&mut result, &scenarios, &args.common)
}

/// Writes `--out` files if asked, and prints the report in the chosen format. `scenarios` are
/// the study's layouts.
pub fn deliver(
    result: &mut study::StudyResult,
    scenarios: &[&Scenario],
    common: &CommonArgs,
) -> Result<()> {
    let _ = scenarios;
    if let Some(dir) = &common.out {
        report::files::write_all(dir, result)?;
    }
    super::print_stdout(&report::exporter(common.format).export(result)?)
}
