//! What one replication of the plant model reports: streamed statistics, no event log.
//!
//! Time-based figures cover [warmup, horizon]; lot counters cover the whole run so that
//! conservation can be checked exactly.

/// Lot counters over the whole run, [0, horizon].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LotCounts {
    /// Lots that arrived from the feed source (including those lost at a full tank).
    pub arrived: u64,
    /// Lots that left the last circuit on-spec.
    pub departed: u64,
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
    /// `arrived == departed + in_system + lost + scrapped`, the model's conservation law.
    pub fn is_conserved(&self) -> bool {
        self.arrived == self.departed + self.in_system + self.lost + self.scrapped
    }
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
    /// service frozen by a breakdown counts as in service (the lot holds the place).
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
    /// On-spec lots leaving the plant per hour over the window.
    pub throughput_lots_per_h: f64,
    /// Lead time of lots departing in the window.
    pub lead_time_h: LeadTime,
    /// Time-average lots in the plant (tanks, queues, stages) over the window.
    pub wip_lots: f64,
    /// Time-average fraction of all trains (all circuits) that are up over the window, 0..1.
    pub availability: f64,
    /// Per circuit, in flow order.
    pub circuits: Vec<CircuitResult>,
    /// Lots departing the plant on-spec per hour in each of `SERIES_BINS` equal bins over
    /// [0, horizon]: the output series MSER-5 truncates for automatic warm-up.
    pub series: Vec<f64>,
}

/// Number of equal time bins in [`ReplicationResult::series`].
pub const SERIES_BINS: usize = 200;
