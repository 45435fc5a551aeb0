//! The `reesim` command line: clap definitions and one module per subcommand.
//!
//! Each subcommand module owns its `Args` and a `run(args) -> Result<()>` function; this module
//! only dispatches and turns errors into exit codes (0 success, 2 bad input, 1 internal).

mod allocate;
mod cascade;
mod check;
mod compare;
mod design;
mod flags;
mod merge;
mod run;
mod sequence;
mod sweep;
mod tornado;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// Simulate parallel rare-earth solvent-extraction refining: on-spec oxide per year, purity,
/// availability and in-circuit inventory, with confidence intervals.
#[derive(Debug, Parser)]
#[command(name = "reesim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario (base and every variant) and report on-spec output with 95 % CIs.
    Run(run::Args),
    /// Simulate two scenario files with common random numbers and compare B against A.
    Compare(compare::Args),
    /// Run a grid of parameter values (points in parallel), optionally one shard of it.
    Sweep(sweep::Args),
    /// Join shard outputs of `sweep --shard` into the file one run would have written.
    Merge(merge::Args),
    /// Place K extra trains where each adds the most on-spec output (greedy, paired CIs).
    Allocate(allocate::Args),
    /// Solve every circuit's steady-state SX cascade in a scenario (chemistry only, no time).
    Cascade(cascade::Args),
    /// Design a two-product SX circuit: stage numbers and flows for target purities.
    Design(design::Args),
    /// Validate a scenario file and report every error; simulates nothing.
    Check(check::Args),
    /// Rank every order of binary SX splits for a feed and target products.
    Sequence(sequence::Args),
    /// Swing each [uncertainty] input between its 10th and 90th percentile: which moves the
    /// decision (NPV of the best variant minus the base)?
    Tornado(tornado::Args),
}

pub use crate::report::Format;

/// Parses the process arguments, runs the subcommand, prints any error and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Allocate(args) => allocate::run(args),
        Command::Cascade(args) => cascade::run(args),
        Command::Design(args) => design::run(args),
        Command::Check(args) => check::run(args),
        Command::Sequence(args) => sequence::run(args),
        Command::Tornado(args) => tornado::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// Writes `text` to standard output, treating a closed pipe as success.
pub(crate) fn print_stdout(text: &str) -> crate::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::Error::Internal(
            format!("cannot write to standard output: {e}"),
        )),
        _ => Ok(()),
    }
}
