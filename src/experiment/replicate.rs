//! The parallel replication runner, generic over the replication function.
//!
//! Replication `r` must draw only from random streams derived from `r` (and the run's seed);
//! the runner then guarantees that the results, collected in replication order, do not depend
//! on the number of threads or on scheduling. Reductions over the results must run
//! sequentially in that order (see [`super::stats`]).

use super::progress::Progress;
use crate::{Error, Result};
use rayon::prelude::*;
use std::ops::Range;

/// Runs `op` on a local rayon pool of `threads` threads, or on the current pool (the global
/// one, sized by `RAYON_NUM_THREADS` or the core count) when `threads` is `None`.
/// The global pool's configuration is never changed. `Some(0)` is a usage error.
pub fn with_threads<T: Send>(threads: Option<usize>, op: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        None => Ok(op()),
        Some(0) => Err(Error::Input("--threads must be at least 1".into())),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .thread_name(|i| format!("reesim-{i}"))
                .build()
                .map_err(|e| Error::Internal(format!("cannot start {n} threads: {e}")))?;
            Ok(pool.install(op))
        }
    }
}

/// Maps `f` over `indices` in parallel on the current pool and returns the results in the
/// order of `indices`. `progress` (if any) and the command bar ([`super::progress::tick`])
/// advance by one per finished item.
pub fn map_ordered<R, F>(indices: &[u64], progress: Option<&Progress>, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(u64) -> R + Sync,
{
    indices
        .par_iter()
        .map(|&i| {
            let r = f(i);
            if let Some(p) = progress {
                p.inc();
            }
            super::progress::tick();
            r
        })
        .collect()
}

/// Runs replications `reps` of `f` in parallel (on a local pool of `threads` threads, or the
/// current pool for `None`) and returns their results in replication order. The command bar
/// ([`super::progress::tick`]) advances by one per finished replication.
///
/// Memory holds only the result records: nothing else is kept per replication.
pub fn run_replications<R, F>(reps: Range<u64>, threads: Option<usize>, f: F) -> Result<Vec<R>>
where
    R: Send,
    F: Fn(u64) -> R + Sync,
{
    let f = |r| {
        let result = f(r);
        super::progress::tick();
        result
    };
    with_threads(threads, || reps.into_par_iter().map(f).collect())
}
