//! The validated description of a plant that the discrete-rate model is built from.
//!
//! Units: time in hours, mass in t REO, rates in t REO/h, purities as mole fractions of total
//! REE. A [`PlantSpec`] is built only through [`PlantSpec::new`], which checks every invariant
//! the model relies on (indices in range, a DAG of tanks, rates and fractions in range) and
//! returns a [`SpecError`] naming the part and the value otherwise. The scenario layer gives
//! users field-level messages before that; this check is the model's own guarantee.

use crate::engine::DistSpec;

/// What a plant is made of: the feed and its tank, intermediate tanks, circuits of parallel
/// trains, product sinks and what they share.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantParts {
    /// Simulated span of one replication, hours (> 0).
    pub horizon_h: f64,
    /// Statistics cover [warmup_h, horizon_h], hours (0 <= warmup_h < horizon_h).
    pub warmup_h: f64,
    /// Names of the tracked elements (e.g. "Pr", "Nd"); one name such as "REO" without
    /// chemistry. Every per-element vector below has this length.
    pub elements: Vec<String>,
    /// The plant feed and its surge tank.
    pub feed: FeedSpec,
    /// Intermediate tanks; tank t is `Node::Tank(t)`.
    pub tanks: Vec<TankSpec>,
    /// Circuits, in file order.
    pub circuits: Vec<CircuitSpec>,
    /// Product sinks; product p is `Outlet::Product(p)`.
    pub products: Vec<ProductSpec>,
    /// Campaign lines.
    pub lines: Vec<LineSpec>,
    /// Repair crews shared by several circuits.
    pub crew_pools: Vec<CrewPoolSpec>,
    /// The batch finishing unit (precipitation, calcination), if any.
    pub finishing: Option<FinishingSpec>,
}

/// A validated plant (see the module docs). Read its parts with [`PlantSpec::parts`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlantSpec {
    parts: PlantParts,
    /// Circuits in an order where every circuit comes after the circuits feeding its source.
    order: Vec<usize>,
}

/// The plant feed: a constant REO mass rate into the feed tank, with optional outages.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSpec {
    /// Feed rate while the upstream plant delivers, t REO/h (> 0).
    pub rate: f64,
    /// REO mass fraction of each tracked element (>= 0, summing to 1).
    pub composition: Vec<f64>,
    /// Working capacity of the feed tank, t REO; `None` unbounded.
    pub tank_capacity: Option<f64>,
    /// What happens to feed that finds the tank full.
    pub when_full: WhenFull,
    /// Upstream outages: the feed rate is 0 while one lasts.
    pub outage: Option<OutageSpec>,
}

/// Fate of feed arriving at a full feed tank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// The upstream plant holds it back (counted as held back; nothing is lost).
    Hold,
    /// It is lost (counted as lost).
    Lose,
}

/// Alternating up and down times of the upstream plant, hours.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageSpec {
    /// Time between outages (feed flowing), hours.
    pub time_to_failure: DistSpec,
    /// Length of an outage, hours.
    pub time_to_repair: DistSpec,
}

/// An intermediate tank between circuits: a level (t REO) with a well-mixed composition.
#[derive(Debug, Clone, PartialEq)]
pub struct TankSpec {
    /// Name used in reports.
    pub name: String,
    /// Working capacity, t REO; `None` unbounded.
    pub capacity: Option<f64>,
}

/// Where a circuit's feed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The feed tank.
    Feed,
    /// Intermediate tank t.
    Tank(usize),
}

/// Where one outlet of a circuit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlet {
    /// Intermediate tank t.
    Tank(usize),
    /// Product sink p.
    Product(usize),
}

/// How a circuit shares its flow among its running trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// Equal shares up to each train's maximum; the rest shared among the others.
    Even,
    /// In train order, each train up to its maximum.
    Fill,
}

/// Fate of off-spec product liquor (a batch below its spec, or liquor diverted during a fixed
/// restart window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffSpecPolicy {
    /// Back into the producing circuit's source tank (it takes tank room again).
    Recycle,
    /// Out of the plant.
    Scrap,
}

/// Which stages of a train a failure mode strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// One clock per train.
    Train,
    /// One clock per stage: every stage fails independently.
    Stage,
}

/// What a failure does to the train while it lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// The train stops; its inventory stays in place; a restart transient follows.
    Stop,
    /// The train's maximum falls to this multiple of its design rate (0 < x < max_rate).
    Derate(f64),
    /// The failed stage is bypassed: the train runs with one stage fewer in that section.
    Bypass,
}

/// One failure mode of a circuit's trains.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureModeSpec {
    /// Name used in the loss attribution.
    pub name: String,
    /// Per train or per stage.
    pub per: Per,
    /// What it does.
    pub effect: Effect,
    /// Operating time to failure of one clock (a train's or a stage's), hours. Clocks run only
    /// while the train is not stopped.
    pub time_to_failure: DistSpec,
    /// Repair time once a crew works on it, hours.
    pub time_to_repair: DistSpec,
}

/// Planned maintenance of a circuit's trains.
#[derive(Debug, Clone, PartialEq)]
pub struct MaintenanceSpec {
    /// Time between the starts of two shutdowns of one train, hours (> 0).
    pub interval_h: f64,
    /// Length of a shutdown, hours (> 0, < interval).
    pub duration_h: f64,
    /// `true`: train k of K starts at (k + 1/2) interval / K; `false`: all at interval / 2.
    pub stagger: bool,
}

/// Who repairs a circuit's trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crews {
    /// The circuit's own crews; `None`: one crew per failure (repairs never wait).
    Own(Option<u32>),
    /// Plant-wide crew pool p.
    Pool(usize),
}

/// Stage counts of a train by section (the bypass purity depends on the section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sections {
    /// Extraction stages n.
    pub extraction: u32,
    /// Scrub stages m.
    pub scrub: u32,
    /// Strip stages (no separation).
    pub strip: u32,
}

impl Sections {
    /// All stages of one train.
    pub fn total(&self) -> u32 {
        self.extraction + self.scrub + self.strip
    }

    /// The section (0 extraction, 1 scrub, 2 strip) of stage `s` (0-based, flow order).
    pub fn section_of(&self, s: u32) -> usize {
        if s < self.extraction {
            0
        } else if s < self.extraction + self.scrub {
            1
        } else {
            2
        }
    }
}

/// Purities (mole fraction) of a circuit's outlets A and B in each state of a train.
#[derive(Debug, Clone, PartialEq)]
pub struct PuritySpec {
    /// Steady state at design flows.
    pub design: [f64; 2],
    /// `bypass[section][k - 1]`: with k stages of that section (0 extraction, 1 scrub)
    /// bypassed, k = 1..=len; more bypassed stages than listed use the last entry.
    pub bypass: [Vec<[f64; 2]>; 2],
}

/// The off-spec window after a train restarts from a stop of d hours.
#[derive(Debug, Clone, PartialEq)]
pub enum RestartSpec {
    /// No transient.
    None,
    /// For this many hours after any restart, product liquor is diverted as off-spec.
    Fixed(f64),
    /// From the cascade dynamics, per outlet: off-spec time and mean purity over it.
    Curve(RestartCurve),
}

/// Restart transient of a circuit from its dynamic stage model: for a stop of d hours, outlet
/// o stays below its product's spec for `off_h[o](d)` hours, at mean purity `purity[o](d)`.
/// Monotone piecewise-cubic interpolation between the grid points.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartCurve {
    /// Stop lengths of the grid, hours, strictly increasing, starting at 0.
    pub stops_h: Vec<f64>,
    /// Off-spec hours per grid point, outlets A and B.
    pub off_h: Vec<[f64; 2]>,
    /// Mean purity of the liquor during the off-spec window, per grid point, A and B.
    pub purity: Vec<[f64; 2]>,
    /// Off-spec hours and mean purity after a naive start (a line changing over to this
    /// circuit with `changeover_start = "naive"`), A and B.
    pub naive: Option<([f64; 2], [f64; 2])>,
}

/// One circuit: `trains` identical trains making one split (or passing feed through).
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitSpec {
    /// Name used in reports.
    pub name: String,
    /// Installed parallel trains (>= 1).
    pub trains: u32,
    /// Design feed rate of one train, t REO/h (> 0).
    pub design_rate: f64,
    /// Hydraulic maximum, multiple of the design rate (>= min_rate, > 0).
    pub max_rate: f64,
    /// Turndown: a train asked for less than this multiple of design idles (>= 0, <= 1).
    pub min_rate: f64,
    /// How flow is shared among running trains.
    pub dispatch: Dispatch,
    /// Its feed.
    pub source: Source,
    /// Destinations of the A (loaded organic) and B (raffinate) outlets.
    pub outlets: [Outlet; 2],
    /// Per element, the fraction of the circuit's feed that leaves by outlet A (0..=1).
    pub split_to_a: Vec<f64>,
    /// Design feed composition (REO mass fractions per element) the cascade was solved for;
    /// the model reports how far the actual feed drifts from it.
    pub design_composition: Vec<f64>,
    /// Stage counts of one train.
    pub sections: Sections,
    /// REE hold-up of one installed train, t REO (constant: hold-up volume does not change
    /// with the flow, so mean residence = hold-up / rate).
    pub inventory_t: f64,
    /// Outlet purities by train state.
    pub purity: PuritySpec,
    /// Failure modes.
    pub failures: Vec<FailureModeSpec>,
    /// Who repairs.
    pub crews: Crews,
    /// Planned maintenance.
    pub maintenance: Vec<MaintenanceSpec>,
    /// Restart transient.
    pub restart: RestartSpec,
    /// Fate of off-spec liquor.
    pub off_spec: OffSpecPolicy,
}

/// A product sink: liquor collects in batches judged on their blended purity.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductSpec {
    /// Name used in reports.
    pub name: String,
    /// Minimum blended purity of a batch to sell (mole fraction); `None`: every batch sells.
    pub min_purity: Option<f64>,
    /// REO mass of one batch, t (> 0).
    pub batch_t: f64,
}

/// One physical line running several circuits' separations in turn.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSpec {
    /// Name used in reports.
    pub name: String,
    /// Circuit indices in campaign order (the first runs first); each in one line at most.
    pub circuits: Vec<usize>,
    /// When to switch.
    pub rule: SwitchRule,
    /// Flush and re-equilibration between campaigns, hours (>= 0).
    pub changeover_h: f64,
    /// How the next circuit's cascade starts.
    pub start: ChangeoverStart,
}

/// When a campaign line switches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwitchRule {
    /// Each campaign lasts this many hours; circuits take turns.
    Length(f64),
    /// When the running circuit's source holds less than this many t REO (or it is blocked),
    /// to the circuit whose source holds the most.
    Below(f64),
}

/// The cascade state a circuit resumes from after a changeover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeoverStart {
    /// Its stored profile: a restart after a stop as long as it was parked.
    Stored,
    /// The dynamic model's naive start.
    Naive,
}

/// Repair crews shared by several circuits.
#[derive(Debug, Clone, PartialEq)]
pub struct CrewPoolSpec {
    /// Name used in reports.
    pub name: String,
    /// Crews (>= 1); failed trains wait FIFO.
    pub crews: u32,
}

/// The finishing unit: each judged on-spec batch is precipitated and calcined, `capacity`
/// batches at once.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishingSpec {
    /// Batches in process at once (>= 1).
    pub capacity: u32,
    /// Time one batch spends in the unit, hours.
    pub residence: DistSpec,
}

/// Why a set of plant parts is not a valid plant.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid plant: {part}: {problem}")]
pub struct SpecError {
    /// The part, e.g. `circuit "PrNd".max_rate`.
    pub part: String,
    /// What is wrong, with the value and what is allowed.
    pub problem: String,
}

impl PlantSpec {
    /// Checks `parts` and builds the plant.
    pub fn new(parts: PlantParts) -> Result<PlantSpec, SpecError> {
        super::check::check(&parts)?;
        let order = super::check::topological(&parts)?;
        Ok(PlantSpec { parts, order })
    }

    /// The parts, as checked.
    pub fn parts(&self) -> &PlantParts {
        &self.parts
    }

    /// Circuits in flow order (feeders before the circuits they feed).
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Tracked elements.
    pub fn elements(&self) -> usize {
        self.parts.elements.len()
    }

    /// Total installed trains.
    pub fn trains(&self) -> u32 {
        self.parts.circuits.iter().map(|c| c.trains).sum()
    }
}
