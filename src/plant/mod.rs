//! The plant model: SX stage chains as pipelines, parallel trains, breakdowns, feed tank.
//!
//! [`simulate`] runs one replication of a [`PlantSpec`] and returns its streamed
//! [`ReplicationResult`]. The semantics (issue 3) in brief: lots arrive into a feed tank
//! (optional capacity, overflow lost); each circuit dispatches them to its trains; a train is
//! a chain of stages with capacity, a residence time drawn at service start and a finite or
//! unbounded FIFO buffer, blocking after service; a breakdown stops the whole train (services
//! freeze and resume with their remaining time), repairs may queue for shared crews, and lots
//! leaving during the restart transient are off-spec (recycled or scrapped). Utilisation counts
//! services frozen by a breakdown as busy (the lot holds the place).
//!
//! Flowsheets (issue 6): circuits joined by finite tanks into a DAG, lots split into A and B
//! parts by the circuits' split fractions with element masses tracked, campaign lines, shared
//! crew pools and a finishing unit; see [`flowsheet`] for the lot model and conservation laws.
//!
//! Hot path: lots live in a flat slab and move through intrusive FIFO lists; events are packed
//! `u64`s in the engine's heap; no allocation, hashing or dynamic dispatch per event.

mod campaign;
mod dispatch;
mod event;
mod exits;
mod failures;
mod finishing;
pub mod flowsheet;
mod histogram;
mod layout;
mod lots;
mod mass;
mod model;
mod result;
mod routes;
mod run;
mod spec;
mod stats;
mod trace;

pub use result::*;
pub use run::{Execution, simulate, simulate_auto, simulate_trains_parallel, trains_independent};
pub use spec::*;
pub use trace::{
    StateChange, Trace, TraceLimits, TrainState, WipSample, simulate_traced, trace_replication,
};
