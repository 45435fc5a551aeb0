//! `reesim cascade` (being built).

use crate::Result;

/// Arguments of `reesim cascade`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `reesim cascade`.
pub fn run(_args: Args) -> Result<()> {
    Err(crate::Error::Internal("`cascade` is not built yet".into()))
}
