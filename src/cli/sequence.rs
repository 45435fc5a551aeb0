//! `reesim sequence`: every order of binary SX splits for a feed and its target products,
//! designed, verified and ranked.

use super::flags;
use crate::chem::Extractant;
use crate::report::Format;
use crate::scenario::ScenarioSource;
use crate::study::sequence::{self, RankBy, Request, SequenceStudy, SimulateOptions, Throughput};
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim sequence`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["feed", "scenario"]))]
pub struct Args {
    /// Feed as element=REO mass fraction pairs, e.g. `La=0.332,Ce=0.491,Pr=0.043,Nd=0.134`.
    #[arg(long)]
    pub feed: Option<String>,
    /// Read the feed from this scenario file's `feed.composition` (REO mass fractions).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Rescale the feed fractions to sum 1 (e.g. when trace elements are left out).
    #[arg(long)]
    pub normalise: bool,
    /// Extractant system: extractability order and neighbour separation factors.
    #[arg(long, default_value = "P507-HCl")]
    pub extractant: String,
    /// Neighbour separation factors between consecutive feed elements (least extracted
    /// first), overriding the extractant's, e.g. `4,1.5,4`.
    #[arg(long)]
    pub betas: Option<String>,
    /// Target products as contiguous element groups, e.g. `La,Ce,Pr-Nd` (default: every
    /// element its own product).
    #[arg(long)]
    pub products: Option<String>,
    /// Design purity of every product, mole fraction of its key group.
    #[arg(long, default_value_t = 0.999, allow_negative_numbers = true)]
    pub purity: f64,
    /// Plant feed rate, t REO per year.
    #[arg(long, allow_negative_numbers = true)]
    pub feed_t_per_yr: f64,
    /// Residence time per stage (both phases), e.g. "25 min" (a bare number is minutes;
    /// docs/sources.md s3: 15-35 min).
    #[arg(long, value_name = "DURATION", default_value = "25", value_parser = flags::minutes)]
    pub residence_min: f64,
    /// Ranking criterion.
    #[arg(long, value_enum, default_value_t = Rank::Stages)]
    pub rank_by: Rank,
    /// Also simulate each sequence as a series flowsheet (one train per circuit, failures
    /// per stage, dynamic restart) and report its on-spec REO output.
    #[arg(long)]
    pub simulate: bool,
    /// Replications per sequence with --simulate [default: 3].
    #[arg(long, requires = "simulate", value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub reps: Option<u32>,
    /// Root seed with --simulate, the same for every sequence (common random numbers)
    /// [default: 42].
    #[arg(long, requires = "simulate", value_parser = flags::seed)]
    pub seed: Option<u64>,
    /// Simulated time per replication with --simulate, e.g. "365 d" or "1 yr" (a bare number
    /// is days) [default: 365 d].
    #[arg(long, value_name = "DURATION", requires = "simulate", value_parser = flags::days)]
    pub horizon_d: Option<f64>,
    /// Worker threads with --simulate (default: all cores). Results are identical at any
    /// thread count.
    #[arg(long, requires = "simulate", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// With --simulate: simulate even when the work estimate exceeds its limits (8 GB of
    /// memory, 1 h, 1e10 events); skips the estimate.
    #[arg(long, requires = "simulate")]
    pub force: bool,
    /// Print the generated scenario of the sequence ranked first and stop (with --simulate).
    #[arg(long, hide = true)]
    pub print_scenario: bool,
    /// Output format: table, json, or csv (one row per sequence).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write sequence.json and sequence.csv into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The ranking criterion as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Rank {
    /// Total stages (n + m summed over circuits).
    Stages,
    /// Total in-circuit inventory, t REO.
    Inventory,
    /// Total loaded-organic REE flow, kmol/h.
    OrganicFlow,
    /// Simulated on-spec REO output, highest first (needs --simulate).
    Throughput,
}

/// Longest `--horizon-d`, days: the scenario limit of 1e6 h.
const MAX_HORIZON_D: f64 = 1e6 / 24.0;

/// Runs `reesim sequence`.
pub fn run(args: Args) -> Result<()> {
    if let Some(dir) = &args.out {
        crate::report::files::prepare_dir(dir)?;
    }
    let request = request(&args)?;
    let problem = request.validate()?;
    let rank_by = match args.rank_by {
        Rank::Stages => RankBy::Stages,
        Rank::Inventory => RankBy::Inventory,
        Rank::OrganicFlow => RankBy::OrganicFlow,
        Rank::Throughput => RankBy::Throughput,
    };
    let mut study = sequence::sequence(problem, rank_by);
    if args.print_scenario {
        return super::print_stdout(&sequence::scenario_text(
            &study,
            &study.sequences[0],
            &sim_options(&args),
        ));
    }
    let sim = simulated(&args, &mut study)?;
    if let Some(dir) = &args.out {
        crate::report::files::write_formats(dir, "sequence", |f| {
            crate::report::sequence::render(&study, &sim, f)
        })?;
    }
    super::print_stdout(&crate::report::sequence::render(&study, &sim, args.format)?)
}

fn sim_options(args: &Args) -> SimulateOptions {
    let defaults = SimulateOptions::default();
    SimulateOptions {
        replications: args.reps.unwrap_or(defaults.replications),
        seed: args.seed.unwrap_or(defaults.seed),
        horizon_d: args.horizon_d.unwrap_or(defaults.horizon_d),
        threads: args.threads.map(usize::from),
        ..defaults
    }
}

/// Simulated output per sequence (empty without --simulate); with `--rank-by throughput`
/// re-orders the sequences by it, highest first.
fn simulated(args: &Args, study: &mut SequenceStudy) -> Result<Vec<Option<Throughput>>> {
    if !args.simulate {
        if args.rank_by == Rank::Throughput {
            return Err(Error::Input(
                "--rank-by: throughput needs --simulate".into(),
            ));
        }
        return Ok(Vec::new());
    }
    let options = sim_options(args);
    if !(options.horizon_d > 14.0 && options.horizon_d <= MAX_HORIZON_D) {
        return Err(Error::Input(format!(
            "--horizon-d: {} d is outside the allowed range (14, {MAX_HORIZON_D}] d: it must \
             exceed the 14 d warm-up and stay within the scenario limit of 1e6 h",
            options.horizon_d
        )));
    }
    let work = crate::study::estimate::Work::sequence(study, &options)?;
    let bar = crate::study::estimate::check_and_show(&work, args.force)?;
    let sim = sequence::simulate(study, &options)?;
    drop(bar);
    Ok(sequence::rank_by_throughput(study, sim))
}

fn request(args: &Args) -> Result<Request> {
    let feed = match (&args.feed, &args.scenario) {
        (Some(text), _) => parse_feed(text)?,
        (None, Some(path)) => scenario_feed(path)?,
        (None, None) => return Err(Error::Input("--feed or --scenario is required".into())),
    };
    let extractant: Extractant = args
        .extractant
        .parse()
        .map_err(|e| Error::Input(format!("--extractant: {e}")))?;
    Ok(Request {
        feed,
        normalise: args.normalise,
        extractant,
        betas: args.betas.as_deref().map(parse_betas).transpose()?,
        products: args.products.as_deref().map(parse_products).transpose()?,
        purity: args.purity,
        feed_t_per_yr: args.feed_t_per_yr,
        residence_min: args.residence_min,
    })
}

fn parse_feed(text: &str) -> Result<Vec<(String, f64)>> {
    text.split(',')
        .map(|pair| {
            let (e, v) = pair
                .split_once('=')
                .ok_or_else(|| Error::Input(format!("--feed: `{pair}` is not element=fraction")))?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| Error::Input(format!("--feed: `{v}` (for {e}) is not a number")))?;
            Ok((e.trim().to_string(), v))
        })
        .collect()
}

fn scenario_feed(path: &std::path::Path) -> Result<Vec<(String, f64)>> {
    let scenario = ScenarioSource::read(path)?.base()?;
    scenario.feed.composition.ok_or_else(|| {
        Error::Input(format!(
            "--scenario: {} has no feed.composition; give --feed",
            path.display()
        ))
    })
}

fn parse_betas(text: &str) -> Result<Vec<f64>> {
    text.split(',')
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| Error::Input(format!("--betas: `{v}` is not a number")))
        })
        .collect()
}

fn parse_products(text: &str) -> Result<Vec<Vec<String>>> {
    let groups: Vec<Vec<String>> = text
        .split(',')
        .map(|g| g.split('-').map(|s| s.trim().to_string()).collect())
        .collect();
    if groups.iter().flatten().any(String::is_empty) {
        return Err(Error::Input(format!(
            "--products: `{text}` has an empty group or element"
        )));
    }
    Ok(groups)
}
