//! `reesim run` (being built).

use crate::Result;

/// Arguments of `reesim run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `reesim run`.
pub fn run(_args: Args) -> Result<()> {
    Err(crate::Error::Internal("`run` is not built yet".into()))
}
