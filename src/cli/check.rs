//! `reesim check` (being built).

use crate::Result;

/// Arguments of `reesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `reesim check`.
pub fn run(_args: Args) -> Result<()> {
    Err(crate::Error::Internal("`check` is not built yet".into()))
}
