//! What one replication of the plant model reports: streamed statistics, no event log.
//!
//! Time-based figures cover [warmup, horizon]; lot counters cover the whole run so that
//! conservation can be checked exactly.

/// Lot counters over the whole run, [0, horizon]. A lot record begins when a feed lot
/// arrives or a tank forms a lot from accumulated mass, and ends when it leaves the plant
/// (departed, lost, scrapped) or is split at a circuit outlet with a part going into a tank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LotCounts {
    /// Lots that arrived from the feed source (including those lost at a full tank).
    pub arrived: u64,
    /// Lots formed in intermediate tanks from accumulated outlet mass.
    pub formed: u64,
    /// Lots that left a circuit on-spec with all their mass to product sinks.
    pub departed: u64,
    /// Lots that left a circuit on-spec with a part (or all) of their mass into a tank's
    /// residual (their mass lives on in the tank and in the lots it forms).
    pub absorbed: u64,
    /// Lots still in the plant at the horizon (tanks, queues, stages).
    pub in_system: u64,
    /// Lots lost because the feed tank was full on arrival.
    pub lost: u64,
    /// Off-spec lots scrapped.
    pub scrapped: u64,
    /// Lots that left a train during a restart transient (recycled or scrapped), all circuits.
    pub off_spec: u64,
}

impl LotCounts {
    /// `arrived + formed == departed + absorbed + in_system + lost + scrapped`, the model's
    /// conservation law for lot records (for a series plant `formed == absorbed == 0`).
    pub fn is_conserved(&self) -> bool {
        self.arrived + self.formed
            == self.departed + self.absorbed + self.in_system + self.lost + self.scrapped
    }

    /// Adds every counter of `other`.
    pub fn add(&mut self, other: &LotCounts) {
        self.arrived += other.arrived;
        self.formed += other.formed;
        self.departed += other.departed;
        self.absorbed += other.absorbed;
        self.in_system += other.in_system;
        self.lost += other.lost;
        self.scrapped += other.scrapped;
        self.off_spec += other.off_spec;
    }
}

/// Element mass balance over the whole run, per tracked element, in the plant's mass unit
/// (t REO from a scenario; lots when the spec gives no element masses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MassBalance {
    /// Tracked element names (empty names when the spec gives none).
    pub elements: Vec<String>,
    /// Mass that arrived with the feed (including lost lots).
    pub feed: Vec<f64>,
    /// Mass delivered to product sinks (after finishing, if any).
    pub products: Vec<f64>,
    /// Mass in intermediate tanks' residuals at the horizon (queued lots count as in process).
    pub tanks: Vec<f64>,
    /// Mass in lots still in the plant and in the finishing unit at the horizon.
    pub in_process: Vec<f64>,
    /// Mass of feed lots lost at a full feed tank.
    pub lost: Vec<f64>,
    /// Mass of off-spec lots scrapped.
    pub scrapped: Vec<f64>,
}

impl MassBalance {
    /// The largest |feed - (products + tanks + in_process + lost + scrapped)| over elements,
    /// relative to the total feed mass (0 when nothing arrived).
    pub fn relative_error(&self) -> f64 {
        let total: f64 = self.feed.iter().sum();
        let worst = (0..self.feed.len())
            .map(|e| {
                let out = self.products[e]
                    + self.tanks[e]
                    + self.in_process[e]
                    + self.lost[e]
                    + self.scrapped[e];
                (self.feed[e] - out).abs()
            })
            .fold(0.0, f64::max);
        if total > 0.0 { worst / total } else { worst }
    }

    /// Whether every element's mass is conserved to a relative 1e-9 of the feed.
    pub fn is_conserved(&self) -> bool {
        self.relative_error() <= 1e-9
    }
}

/// One product sink over the statistics window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SinkResult {
    /// Sink name.
    pub name: String,
    /// Mass delivered per hour, per tracked element (plant mass unit per hour).
    pub mass_per_h: Vec<f64>,
    /// Total mass delivered per hour, all elements (plant mass unit per hour).
    pub total_per_h: f64,
}

/// One campaign line over the statistics window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineResult {
    /// Line name.
    pub name: String,
    /// Switches from one circuit to another that started in the window.
    pub switches: u64,
    /// Time-average fraction of the window spent in changeover, 0..1.
    pub changeover: f64,
}

/// The finishing unit over the statistics window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FinishingResult {
    /// Time-average fraction of its batch places in use, 0..1.
    pub utilisation: f64,
    /// Time-average lots of product liquor waiting for it.
    pub waiting_lots: f64,
}

/// Lead time (arrival at the plant to on-spec departure) of lots departing in the window, hours.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LeadTime {
    /// Mean, hours.
    pub mean: f64,
    /// Median from the streaming histogram, hours.
    pub p50: f64,
    /// 90th percentile, hours.
    pub p90: f64,
    /// 99th percentile, hours.
    pub p99: f64,
}

/// Figures of one stage group of a circuit, averaged over its stages and trains.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StageGroupResult {
    /// Time-average fraction of capacity holding a lot in service (not blocked), 0..1. A
    /// service frozen by a breakdown counts as in service (the lot holds the place); one frozen
    /// because a campaign line parked the circuit does not.
    pub utilisation: f64,
    /// Time-average fraction of capacity holding a finished lot that cannot move on, 0..1.
    pub blocked: f64,
}

/// Figures of one circuit over [warmup, horizon].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CircuitResult {
    /// Circuit name.
    pub name: String,
    /// On-spec lots leaving the circuit per hour.
    pub throughput_lots_per_h: f64,
    /// Time-average fraction of the circuit's trains that are up, 0..1.
    pub availability: f64,
    /// Time-average lots in the circuit (feed queue and trains).
    pub wip_lots: f64,
    /// Time-average fraction of the circuit's trains with no lot at all (starved), 0..1.
    pub starved: f64,
    /// Lots leaving the circuit off-spec in the window.
    pub off_spec_lots: u64,
    /// Time-average lots queued in its source tank (whole lots; the residual not counted).
    pub source_lots: f64,
    /// Time-average fraction of the window it is not parked by a campaign line, 0..1 (1 for a
    /// dedicated circuit).
    pub active: f64,
    /// One entry per stage group, in flow order.
    pub stages: Vec<StageGroupResult>,
}

/// Everything one replication reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplicationResult {
    /// Replication index r (the RNG streams derive from (seed, r, purpose)).
    pub replication: u64,
    /// Events the engine processed.
    pub events: u64,
    /// Lot counters over the whole run.
    pub lots: LotCounts,
    /// Product mass delivered to sinks per hour over the window, in lots (mass / the mass of
    /// one lot); for a series plant, the on-spec lots leaving the last circuit per hour.
    pub throughput_lots_per_h: f64,
    /// Lead time (feed arrival to circuit exit with mass to a product sink; lots formed in a
    /// tank carry their mass-weighted arrival time) of such exits in the window.
    pub lead_time_h: LeadTime,
    /// Time-average lots in the plant (tanks, queues, stages) over the window.
    pub wip_lots: f64,
    /// Time-average fraction of all trains (all circuits) that are up over the window, 0..1.
    pub availability: f64,
    /// Per circuit, in spec order.
    pub circuits: Vec<CircuitResult>,
    /// Per product sink, in spec order.
    pub sinks: Vec<SinkResult>,
    /// Per campaign line, in spec order.
    pub lines: Vec<LineResult>,
    /// The finishing unit, if any.
    pub finishing: Option<FinishingResult>,
    /// Element mass balance over the whole run.
    pub mass: MassBalance,
    /// Product mass delivered per hour, in lots, in each of `SERIES_BINS` equal bins over
    /// [0, horizon]: the output series MSER-5 truncates for automatic warm-up.
    pub series: Vec<f64>,
}

/// Number of equal time bins in [`ReplicationResult::series`].
pub const SERIES_BINS: usize = 200;
