//! Provenance of sweep outputs: which scenario file, grid, seed, replication count, shard and
//! reesim version produced a file. `--resume` and `merge` compare it before they mix rows.
//!
//! It lives in a sidecar next to the output, `FILE.provenance.json` (for `FILE.csv` and
//! `FILE.jsonl` alike), not inside the file: the CSV stays a plain table that spreadsheets and
//! `pandas.read_csv` open without options, and a JSON-lines file stays one row object per line.
//! The sidecar is small pretty-printed JSON (shown here with the grid's lines joined):
//!
//! ```text
//! {
//!   "reesim_version": "0.1.0",
//!   "scenario_digest": "fnv1a64:8c6be22f714e0847",
//!   "grid": [{ "key": "circuit.PrNd.trains", "values": ["1", "2", "4"] }],
//!   "seed": 42,
//!   "replications": 20,
//!   "shard": "2/4"
//! }
//! ```
//!
//! * `scenario_digest`: FNV-1a 64 of the scenario file's bytes (not its path, so shards run
//!   from different directories or machines agree). It detects an edited file; it is no
//!   cryptographic seal.
//! * `grid`: the swept keys and values in order (`--set` or the file's `[sweep]` table).
//! * `seed`, `replications`: the run's root seed and replications per point (`--seed` /
//!   `--reps`, else the scenario's `simulation.seed` / `simulation.replications`).
//! * `shard`: `K/N`, or `all` for the whole grid (an unsharded run, `--shard 1/1`, a merge).
//!
//! The file and its sidecar are bound by write order: a writer first removes an old file (whose
//! rows belong to the old sidecar), then writes its sidecar, and only then its rows (see
//! [`Provenance::claim`]). Whatever moment a run is killed at, the rows present were written
//! under the sidecar present. The same scenario, grid, seed and replications give the same
//! sidecar, byte for byte, so a merge of shards ends with the sidecar of one unsharded run.

use super::atomic::write_atomic;
use super::lock::with_suffix;
use super::sweep::{Grid, SetSpec, Shard};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Suffix of the provenance sidecar next to an output file.
pub const SIDECAR_SUFFIX: &str = ".provenance.json";

/// The provenance sidecar of an output file: `FILE.provenance.json`.
pub fn sidecar_path(file: &Path) -> PathBuf {
    with_suffix(file, SIDECAR_SUFFIX)
}

/// FNV-1a 64 digest of `bytes` as `fnv1a64:` and 16 lower-case hex digits.
pub fn digest(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("fnv1a64:{hash:016x}")
}

/// What produced a sweep output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// reesim version that wrote the file (`CARGO_PKG_VERSION`).
    pub reesim_version: String,
    /// [`digest`] of the scenario file's bytes.
    pub scenario_digest: String,
    /// Swept keys and their values, in grid order.
    pub grid: Vec<SetSpec>,
    /// Root seed of every random stream.
    pub seed: u64,
    /// Replications per grid point (count).
    pub replications: u64,
    /// The slice of the grid the file holds ([`Shard::ALL`] for the whole grid).
    #[serde(with = "shard_text")]
    pub shard: Shard,
}

/// One field in which two provenances differ, as text for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Field name as in the sidecar (`scenario_digest`, `grid`, `seed`, ...).
    pub field: &'static str,
    /// The field's value in the first provenance.
    pub first: String,
    /// The field's value in the second provenance.
    pub second: String,
}

impl Provenance {
    /// The provenance of this reesim's run of `grid` (or its `shard`) on the scenario file
    /// `scenario` (its bytes) with root `seed` and `replications` per point.
    pub fn new(
        scenario: &[u8],
        grid: &Grid,
        seed: u64,
        replications: u64,
        shard: Shard,
    ) -> Provenance {
        Provenance {
            reesim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_digest: digest(scenario),
            grid: grid.specs().to_vec(),
            seed,
            replications,
            shard: if shard.n == 1 { Shard::ALL } else { shard },
        }
    }

    /// The same provenance for another slice of the grid.
    pub fn with_shard(&self, shard: Shard) -> Provenance {
        Provenance {
            shard: if shard.n == 1 { Shard::ALL } else { shard },
            ..self.clone()
        }
    }

    /// The grid the provenance names.
    pub fn grid(&self) -> Result<Grid> {
        Grid::new(self.grid.clone())
    }

    /// The first field (in sidecar order) in which `self` and `other` differ; the shard only
    /// when `with_shard`.
    pub fn difference(&self, other: &Provenance, with_shard: bool) -> Option<Difference> {
        let grid = |p: &Provenance| {
            let specs: Vec<String> = p.grid.iter().map(ToString::to_string).collect();
            specs.join(" ")
        };
        let fields: [(&'static str, String, String); 6] = [
            (
                "reesim_version",
                self.reesim_version.clone(),
                other.reesim_version.clone(),
            ),
            (
                "scenario_digest",
                self.scenario_digest.clone(),
                other.scenario_digest.clone(),
            ),
            ("grid", grid(self), grid(other)),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            (
                "replications",
                self.replications.to_string(),
                other.replications.to_string(),
            ),
            ("shard", self.shard.to_string(), other.shard.to_string()),
        ];
        fields
            .into_iter()
            .filter(|(field, _, _)| with_shard || *field != "shard")
            .find(|(_, a, b)| a != b)
            .map(|(field, first, second)| Difference {
                field,
                first,
                second,
            })
    }

    /// The sidecar's text: pretty JSON and a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Parses a sidecar's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Provenance> {
        let p: Provenance = serde_json::from_str(text).map_err(|e| {
            Error::Input(format!(
                "{}: not a reesim provenance file: {e}",
                origin.display()
            ))
        })?;
        p.grid()
            .map_err(|e| Error::Input(format!("{}: bad grid: {e}", origin.display())))?;
        Ok(p)
    }

    /// The provenance of output `file` from its sidecar; `None` when there is no sidecar.
    pub fn read(file: &Path) -> Result<Option<Provenance>> {
        let sidecar = sidecar_path(file);
        match std::fs::read_to_string(&sidecar) {
            Ok(text) => Provenance::parse(&text, &sidecar).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io {
                path: sidecar,
                source,
            }),
        }
    }

    /// Writes the sidecar of output `file` atomically.
    pub fn write(&self, file: &Path) -> Result<()> {
        write_atomic(&sidecar_path(file), |w| {
            w.write_all(self.to_json().as_bytes())
        })
    }

    /// Makes output `file` this provenance's before any row is written to it: removes an
    /// existing `file` (its rows belong to the old sidecar), then writes the sidecar. Call it
    /// with the file's lock held.
    pub fn claim(&self, file: &Path) -> Result<()> {
        match std::fs::remove_file(file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Io {
                    path: file.to_path_buf(),
                    source,
                });
            }
        }
        self.write(file)
    }
}

/// Why a file without a sidecar cannot be trusted, for messages.
pub(crate) fn missing_sidecar(file: &Path) -> String {
    format!(
        "{}: no provenance ({} is missing): the file was written by an older reesim or copied \
         without its sidecar, so nothing tells which scenario, grid, seed and replications its \
         rows belong to",
        file.display(),
        sidecar_path(file).display()
    )
}

/// `Shard` as its display text (`K/N` or `all`) in JSON.
mod shard_text {
    use super::Shard;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(shard: &Shard, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(shard)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Shard, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e: crate::Error| D::Error::custom(e))
    }
}
