//! The flowsheet part of a [`super::PlantSpec`]: how circuits are joined by tanks into a DAG,
//! what each circuit's outlets carry, campaign lines, shared crews and the finishing unit.
//!
//! **Lot model.** Every lot in the plant holds the same REO mass, that of one feed lot
//! (`lot_mass` summed over elements; call it L). A lot leaving a circuit on-spec splits into an
//! A part and a B part: element e's mass m_e goes `split_to_a[e]` x m_e to the A outlet and the
//! rest to the B outlet (the plant knows only these numbers; the scenario layer takes them from
//! the solved cascade). A part sent to a product sink leaves the plant (through the finishing
//! unit if there is one). A part sent to a tank joins the tank's well-mixed *residual*; each time
//! the residual holds a lot's mass L, a new lot is formed with the residual's composition and
//! its mass-weighted mean arrival time and queues for the circuit the tank feeds. A whole lot
//! (all its mass to one tank whose residual is empty) moves on keeping its identity, so the
//! series plant behaves exactly as before. A tank's level in lots is its queued lots plus its
//! residual / L; an on-spec lot whose A or B part does not fit in its destination tank stays in
//! the train's last stage, blocked (blocking after service), until the tank has room.
//!
//! Conservation (asserted at the end of every run): lot records, `arrived + formed = departed +
//! absorbed + in_system + lost + scrapped`, exactly; and per element, `feed = products + tanks +
//! in_process + lost + scrapped` to a relative 1e-9 (floating-point rounding of the splits).

use crate::engine::DistSpec;

/// How circuits are joined and what they share. The default (all empty) is the series plant:
/// circuit 0 takes the feed, the whole of each lot leaving circuit i on-spec enters circuit i+1
/// through an unbounded tank, and lots leaving the last circuit go to one sink `product`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowsheetSpec {
    /// Mass of each tracked element in one feed lot (the plant's mass unit; the scenario layer
    /// gives t REO). Empty: one component of mass 1 per lot (masses then count lots).
    pub lot_mass: Vec<f64>,
    /// Names of the tracked elements, for reports; same length as `lot_mass` or empty.
    pub elements: Vec<String>,
    /// Intermediate tanks; tank t is referenced as index t.
    pub tanks: Vec<TankSpec>,
    /// Product sinks by name; sink s is referenced as index s.
    pub sinks: Vec<String>,
    /// One route per circuit, in circuit order; empty: the series default.
    pub routes: Vec<RouteSpec>,
    /// Campaign lines.
    pub lines: Vec<LineSpec>,
    /// Repair crews shared by several circuits.
    pub crew_pools: Vec<CrewPoolSpec>,
    /// A finishing (precipitation and calcination) unit every product passes through.
    pub finishing: Option<FinishingSpec>,
}

/// An intermediate tank between circuits.
#[derive(Debug, Clone, PartialEq)]
pub struct TankSpec {
    /// Name used in reports.
    pub name: String,
    /// Lots it holds (queued lots plus residual / L); `None` unbounded.
    pub capacity: Option<u32>,
}

/// Where a circuit's feed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The plant feed tank (`FeedSpec`); exactly one circuit takes it.
    Feed,
    /// Intermediate tank t; a tank feeds exactly one circuit.
    Tank(usize),
}

/// Where one outlet of a circuit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlet {
    /// Intermediate tank t.
    Tank(usize),
    /// Product sink s.
    Sink(usize),
}

/// A circuit's place in the flowsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSpec {
    /// Its feed.
    pub source: Source,
    /// Destination of the A outlet (loaded organic, the more extractable group).
    pub a: Outlet,
    /// Destination of the B outlet (raffinate).
    pub b: Outlet,
    /// Per tracked element, the fraction of its mass leaving the circuit on-spec that goes to
    /// the A outlet (0..=1); the rest goes to B.
    pub split_to_a: Vec<f64>,
}

/// One physical line running several circuits' separations in turn.
///
/// At any time at most one of its circuits runs; the others are parked: they take no lots,
/// their in-process lots are frozen (the cascade inventory is held and reloaded on return) and
/// their trains do not fail. Switching parks the running circuit, waits `changeover_h`, then
/// resumes the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSpec {
    /// Name used in reports.
    pub name: String,
    /// Circuit indices, in campaign order (the first runs first).
    pub circuits: Vec<usize>,
    /// When to switch.
    pub rule: SwitchRule,
    /// Flush and re-equilibration between campaigns, hours (>= 0).
    pub changeover_h: f64,
}

/// When a campaign line switches to another circuit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwitchRule {
    /// Each campaign lasts this many hours; circuits take turns in list order.
    Length(f64),
    /// Switch when the running circuit's source holds fewer than this many lots, or a full
    /// tank blocks it, to the circuit whose source holds the most lots (at least this many).
    Below(u32),
}

/// Repair crews shared by several circuits (replacing each one's own crews).
#[derive(Debug, Clone, PartialEq)]
pub struct CrewPoolSpec {
    /// Name used in reports.
    pub name: String,
    /// Crews (>= 1); a failed train waits FIFO for a free crew.
    pub crews: u32,
    /// Indices of the circuits whose repairs use this pool.
    pub circuits: Vec<usize>,
}

/// The finishing unit: product liquor is precipitated and calcined in batches of one lot's
/// mass of one product, `capacity` batches at once.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishingSpec {
    /// Batches in process at once (>= 1).
    pub capacity: u32,
    /// Time one batch spends in the unit, hours.
    pub residence: DistSpec,
    /// Lots of product liquor that may wait for the unit; `None` unbounded. When full, circuits
    /// sending product block.
    pub buffer: Option<u32>,
}
