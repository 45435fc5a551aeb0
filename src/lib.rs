//! reesim: a discrete-event simulator that tells rare-earth refiners how much more on-spec oxide
//! they get, and how reliably, if they parallelize solvent-extraction refining.
//!
//! Data flows one way (see `DESIGN.md`):
//! scenario file -> [`scenario`] (parse + validate) -> [`chem`] (cascade solve) ->
//! [`plant`] spec -> [`engine`] (one run per replication) -> [`experiment`] (statistics) ->
//! [`report`] (table, JSON, CSV, SVG).
//!
//! [`engine`] and [`chem`] know nothing of the layers above them.

pub mod chem;
pub mod cli;
pub mod engine;
mod error;
pub mod experiment;
pub mod flow;
pub mod money;
pub mod report;
pub mod scenario;
pub mod shown;
pub mod study;

pub use error::{Error, Result};
