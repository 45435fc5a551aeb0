//! Sweep grids: the Cartesian product of `--set key=v1,v2,...` specs, in a stable order, and
//! shards of it for cluster job arrays (`--shard K/N`).
//!
//! Order: the first `--set` varies slowest, the last fastest (nested loops in the order
//! given); point indices are 0-based positions in that order and identify a point in every
//! output row, across shards and resumed runs. Values stay text: the scenario loader parses
//! them for the key they override. Values cannot contain commas.
//!
//! Running shards on a cluster (each shard writes its own file; `reesim merge` joins them into
//! exactly the file one run would have written):
//!
//! ```text
//! # Slurm job array: 16 shards, one task each
//! #SBATCH --array=1-16
//! reesim sweep scenarios/ndpr-parallel-trains.toml --set circuit.PrNd.trains=1,2,4,8 \
//!     --set feed.tank_capacity=4,8,24 \
//!     --shard ${SLURM_ARRAY_TASK_ID}/16 --out shard-${SLURM_ARRAY_TASK_ID}.csv
//! # afterwards (e.g. a job with --dependency=afterok:<array job id>):
//! reesim merge sweep.csv shard-*.csv
//!
//! # GNU parallel on one or several machines
//! parallel reesim sweep scenarios/ndpr-parallel-trains.toml --set circuit.PrNd.trains=1,2,4,8 \
//!     --shard {}/8 --out shard-{}.csv ::: $(seq 1 8)
//! reesim merge sweep.csv shard-*.csv
//! ```
//!
//! A re-run of a shard with `--resume` skips the points its file already holds. Every file
//! carries its [`provenance`](super::provenance) (scenario digest, grid, seed, replications,
//! shard, version): `--resume` and `merge` refuse files of another sweep, and `merge` names the
//! points missing from an incomplete set of shards.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One `--set key=v1,v2,...` spec: a scenario key (dotted path) and the values it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSpec {
    /// Dotted scenario path, e.g. `circuit.PrNd.trains`.
    pub key: String,
    /// Values in the order given.
    pub values: Vec<String>,
}

impl FromStr for SetSpec {
    type Err = Error;

    fn from_str(spec: &str) -> Result<SetSpec> {
        let bad =
            |why: &str| Error::Input(format!("--set {spec:?}: {why}; expected key=v1,v2,..."));
        let (key, values) = spec.split_once('=').ok_or_else(|| bad("no '='"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(bad("empty key"));
        }
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(bad("empty value"));
        }
        Ok(SetSpec {
            key: key.to_string(),
            values,
        })
    }
}

impl fmt::Display for SetSpec {
    /// The spec as `--set` takes it: `key=v1,v2,...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.values.join(","))
    }
}

/// One grid point: its index and the value of every swept key, in the specs' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridPoint {
    /// 0-based position in the full grid.
    pub index: u64,
    /// `(key, value)` pairs, in the order of the specs.
    pub assignments: Vec<(String, String)>,
}

impl GridPoint {
    /// The assignments as text, e.g. `circuit.PrNd.trains=4, feed.tank_capacity=8`.
    pub fn label(&self) -> String {
        self.assignments
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The Cartesian grid of several [`SetSpec`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    specs: Vec<SetSpec>,
}

impl Grid {
    /// A grid from specs; errors on a key given twice. No specs = one point with no
    /// assignments.
    pub fn new(specs: Vec<SetSpec>) -> Result<Grid> {
        for (i, s) in specs.iter().enumerate() {
            if specs[..i].iter().any(|t| t.key == s.key) {
                return Err(Error::Input(format!("--set {}: key given twice", s.key)));
            }
        }
        Ok(Grid { specs })
    }

    /// Parses `--set` arguments into a grid.
    pub fn parse<S: AsRef<str>>(sets: &[S]) -> Result<Grid> {
        Grid::new(
            sets.iter()
                .map(|s| s.as_ref().parse())
                .collect::<Result<_>>()?,
        )
    }

    /// The specs, in order (the first varies slowest).
    pub fn specs(&self) -> &[SetSpec] {
        &self.specs
    }

    /// The swept keys, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.specs.iter().map(|s| s.key.as_str()).collect()
    }

    /// Number of points.
    pub fn len(&self) -> u64 {
        self.specs.iter().map(|s| s.values.len() as u64).product()
    }

    /// Whether the grid has no point (never: every spec has a value).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The point with index `index` (< `len()`): mixed-radix digits, last spec fastest.
    pub fn point(&self, index: u64) -> GridPoint {
        let mut rest = index;
        let mut assignments = Vec::with_capacity(self.specs.len());
        for s in self.specs.iter().rev() {
            let radix = s.values.len() as u64;
            assignments.push((s.key.clone(), s.values[(rest % radix) as usize].clone()));
            rest /= radix;
        }
        assignments.reverse();
        GridPoint { index, assignments }
    }

    /// Every point, in index order.
    pub fn points(&self) -> Vec<GridPoint> {
        (0..self.len()).map(|i| self.point(i)).collect()
    }

    /// The points of one shard, in index order.
    pub fn shard_points(&self, shard: Shard) -> Vec<GridPoint> {
        (0..self.len())
            .filter(|&i| shard.contains(i))
            .map(|i| self.point(i))
            .collect()
    }
}

/// Shard K of N (`--shard K/N`, 1-based K): the points whose index `i` has `i % N == K - 1`,
/// i.e. interleaved slices, so shards get a mix of cheap and expensive points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number, `1 <= k <= n`.
    pub k: u64,
    /// Number of shards, >= 1.
    pub n: u64,
}

impl Shard {
    /// The whole grid as a single shard.
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// Whether point `index` belongs to this shard.
    pub fn contains(&self, index: u64) -> bool {
        index % self.n == self.k - 1
    }
}

impl FromStr for Shard {
    type Err = Error;

    /// `K/N` with `1 <= K <= N`, or `all` (the whole grid, as [`Shard`] displays `1/1`).
    fn from_str(s: &str) -> Result<Shard> {
        let bad = || Error::Input(format!("--shard {s:?}: expected K/N with 1 <= K <= N"));
        if s.trim() == "all" {
            return Ok(Shard::ALL);
        }
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl fmt::Display for Shard {
    /// `K/N`, or `all` for the whole grid (`1/1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.n == 1 {
            f.write_str("all")
        } else {
            write!(f, "{}/{}", self.k, self.n)
        }
    }
}
