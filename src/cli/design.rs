//! `reesim design`: stage numbers and flows of a two-product SX circuit for target purities.

use crate::chem::{self, ChemError, DesignInput, FeedPhase};
use crate::cli::print_stdout;
use crate::report::Format;
use crate::{Error, Result};

/// Arguments of `reesim design`. Every fraction is a mole fraction of total REE.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Separation factor beta of A (more extracted) over B, > 1.
    #[arg(long, allow_negative_numbers = true)]
    pub beta: f64,
    /// Mole fraction of A in the feed REE, in (0, 1).
    #[arg(long, allow_negative_numbers = true)]
    pub feed_fraction: f64,
    /// Phase the feed enters in.
    #[arg(long, value_enum)]
    pub feed_phase: Phase,
    /// Target purity of the A (organic) product, mole fraction in (feed fraction, 1).
    #[arg(long, allow_negative_numbers = true)]
    pub purity_a: f64,
    /// Target purity of the B (raffinate) product, mole fraction in (1 - feed fraction, 1).
    #[arg(long, allow_negative_numbers = true)]
    pub purity_b: f64,
    /// Extraction amount S, mol REE in the organic per mol REE fed (default: sqrt(beta) rule).
    #[arg(long, allow_negative_numbers = true)]
    pub extraction_amount: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The feed phase as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Phase {
    /// Aqueous feed liquor, entering extraction stage n.
    Aqueous,
    /// Loaded organic feed, entering scrub stage n + 1.
    Organic,
}

/// Runs `reesim design`.
pub fn run(args: Args) -> Result<()> {
    let input = DesignInput {
        beta: args.beta,
        feed_fraction: args.feed_fraction,
        feed_phase: match args.feed_phase {
            Phase::Aqueous => FeedPhase::Aqueous,
            Phase::Organic => FeedPhase::Organic,
        },
        purity_a: args.purity_a,
        purity_b: args.purity_b,
        extraction_amount: args.extraction_amount,
    };
    let design = chem::design(&input).map_err(flag_error)?;
    print_stdout(&crate::report::design::render(&design, args.format)?)
}

/// Turns a chem error into a CLI error that names the flag (`feed_fraction` -> `--feed-fraction`).
fn flag_error(e: ChemError) -> Error {
    let flag = |f: &str| format!("--{}", f.replace('_', "-"));
    match e {
        ChemError::InvalidField { field, message } => {
            Error::Input(format!("{}: {message}", flag(&field)))
        }
        ChemError::BelowMinimum { s, s_min, .. } => Error::Input(format!(
            "--extraction-amount: {s} is at or below the minimum {s_min:.6} mol REE per mol feed \
             for a sharp split; allowed range ({s_min:.6}, inf)"
        )),
        other => other.into(),
    }
}
