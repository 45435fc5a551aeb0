//! The validated description of a plant that the simulation model is built from.
//!
//! A `PlantSpec` is produced by the scenario layer (which owns all input checks) and is already
//! valid: counts are >= 1, distributions have valid parameters. Times are hours.

use crate::engine::DistSpec;

pub use super::flowsheet::*;

/// A whole plant: the feed source, the circuits, and how they are joined.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantSpec {
    /// Simulated time span, hours (> 0).
    pub horizon_h: f64,
    /// Statistics are collected over [warmup_h, horizon_h], hours (0 <= warmup_h < horizon_h).
    pub warmup_h: f64,
    /// The feed source and tank.
    pub feed: FeedSpec,
    /// Circuits. With the default flowsheet, lots leaving circuit i on-spec enter circuit i+1
    /// (through an unbounded tank) and lots leaving the last circuit leave the plant.
    pub circuits: Vec<CircuitSpec>,
    /// Tanks, routes, element masses, campaign lines and shared resources;
    /// [`FlowsheetSpec::default`] is the series plant described above.
    pub flowsheet: FlowsheetSpec,
}

/// The feed source: lots of liquor arriving into a feed tank.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSpec {
    /// Time between lot arrivals, hours. The first lot arrives at the first draw, not at t = 0.
    pub interarrival: DistSpec,
    /// Lots the feed tank holds (waiting lots, not counting those in trains); `None` unbounded.
    /// An arriving lot that finds the tank full is lost.
    pub tank_capacity: Option<u32>,
}

/// How a circuit hands lots from its feed queue to its trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// Lot i goes to the next train in turn.
    RoundRobin,
    /// Fewest lots in the train; ties to the lowest index.
    ShortestQueue,
    /// Lots wait in the feed tank and go to the first train whose first stage can take them.
    SharedQueue,
}

/// What happens to lots leaving a train during its restart transient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffSpecPolicy {
    /// Back to the circuit's feed queue (never lost, not counted against tank capacity).
    Recycle,
    /// Out of the plant, counted as scrapped.
    Scrap,
}

/// One circuit: `trains` identical trains of the same stage chain.
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitSpec {
    /// Name used in reports.
    pub name: String,
    /// Number of identical parallel trains (>= 1).
    pub trains: u32,
    /// Dispatch policy.
    pub dispatch: Dispatch,
    /// For the push policies: send nothing to a train that is down (unless all are down, in
    /// which case lots wait in the feed tank).
    pub skip_down_trains: bool,
    /// Stage groups in flow order.
    pub stages: Vec<StageGroupSpec>,
    /// Breakdowns, if the circuit has them.
    pub failures: Option<FailureSpec>,
}

/// `count` consecutive identical stages.
#[derive(Debug, Clone, PartialEq)]
pub struct StageGroupSpec {
    /// Number of stages in the group (>= 1).
    pub count: u32,
    /// Lots in process at once in each stage (>= 1).
    pub capacity: u32,
    /// Residence time of a lot in the stage, hours, drawn when service starts.
    pub residence: DistSpec,
    /// Waiting places in front of each stage (lots in service not counted); `None` unbounded.
    pub buffer: Option<u32>,
}

/// Breakdowns of each train of a circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureSpec {
    /// Up time between failures, hours.
    pub time_to_failure: DistSpec,
    /// Repair duration once a crew works on it, hours.
    pub time_to_repair: DistSpec,
    /// Repair crews shared by the circuit's trains; `None` means one crew per failure.
    pub repair_crews: Option<u32>,
    /// After each repair, lots leaving the train within this many hours are off-spec.
    pub restart_off_spec_h: f64,
    /// What happens to off-spec lots.
    pub off_spec: OffSpecPolicy,
}
