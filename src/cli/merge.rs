//! `reesim merge`: join shard outputs of `reesim sweep --shard` into exactly the file one run
//! would have written. Refuses shards of different sweeps (provenance), a shard given twice and
//! an incomplete set (naming the missing points).

use crate::Result;
use crate::experiment;
use std::path::PathBuf;

/// Arguments of `reesim merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The merged file to write (`.csv`, or `.jsonl`/`.ndjson`; the same format as the shards).
    pub out: PathBuf,
    /// Shard files written by `reesim sweep --shard K/N --out ...` (each with its
    /// `.provenance.json` sidecar next to it).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
}

/// Runs `reesim merge`.
pub fn run(args: Args) -> Result<()> {
    let merged = experiment::merge_files(&args.out, &args.shards)?;
    super::print_stdout(&format!(
        "{}: {} point(s) from {} shard file(s)\n",
        args.out.display(),
        merged.len(),
        args.shards.len()
    ))
}
