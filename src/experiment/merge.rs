//! `reesim merge OUT SHARD...`: joins shard outputs into exactly the file one run would have
//! written (rows of every shard, by ascending point index, one header for CSV).

use super::output::{Output, OutputFormat};
use crate::{Error, Result};
use std::path::Path;

/// Merges the outputs of `shards` (parsed in `format`) into one output. A point present in
/// several shards must have identical bytes; headers must agree.
pub fn merge_outputs(shards: Vec<Output>, format: OutputFormat) -> Result<Output> {
    let mut merged = Output::new(format);
    for shard in shards {
        merged.absorb(shard)?;
    }
    Ok(merged)
}

/// Reads shard files, merges them and writes `out` atomically; the format follows `out`'s
/// extension. A missing shard file is an error (an empty one is a shard with no point).
/// Returns the merged output.
pub fn merge_files<P: AsRef<Path>>(out: &Path, shards: &[P]) -> Result<Output> {
    let format = OutputFormat::from_path(out)?;
    let mut parsed = Vec::with_capacity(shards.len());
    for path in shards {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        parsed.push(Output::parse(&bytes, format, &path.display().to_string())?);
    }
    let merged = merge_outputs(parsed, format)?;
    merged.write(out)?;
    Ok(merged)
}
