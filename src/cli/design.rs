//! `reesim design` (being built).

use crate::Result;

/// Arguments of `reesim design`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `reesim design`.
pub fn run(_args: Args) -> Result<()> {
    Err(crate::Error::Internal("`design` is not built yet".into()))
}
