//! `reesim compare`: two scenario files simulated with common random numbers, B against A.

use super::run::{CommonArgs, deliver};
use crate::scenario::ScenarioSource;
use crate::study;
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The base scenario (TOML).
    pub a: PathBuf,
    /// The scenario compared against it (TOML); same seed, same replications, same streams.
    pub b: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `reesim compare`: A is the base, B the one variant (their own variants are ignored).
pub fn run(args: Args) -> Result<()> {
    if let Some(dir) = &args.common.out {
        crate::report::files::prepare_dir(dir)?;
    }
    let set = args.common.overrides()?;
    let a = ScenarioSource::read(&args.a)?.with_overrides(None, &set)?;
    let mut b = ScenarioSource::read(&args.b)?.with_overrides(None, &set)?;
    if a.horizon_h != b.horizon_h {
        return Err(Error::Input(format!(
            "{} and {}: simulation.horizon differs ({} h vs {} h); a paired comparison needs the same horizon",
            args.a.display(),
            args.b.display(),
            a.horizon_h,
            b.horizon_h
        )));
    }
    b.seed = a.seed;
    b.replications = a.replications;
    let title = format!("{} vs {}", a.name, b.name);
    b.name = stem(&args.b);
    let work = study::estimate::Work::run(&a, std::slice::from_ref(&b), &args.common.options());
    let bar = study::estimate::check_and_show(&work, args.common.sim.force)?;
    let mut result = study::run(&a, std::slice::from_ref(&b), args.common.options())?;
    drop(bar);
    result.layouts[0].name = stem(&args.a);
    result.scenario = title;
    deliver(&mut result, &[&a, &b], &args.common)
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}
