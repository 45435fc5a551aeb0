//! One train's state: why it is stopped, how far it is derated, which stages are bypassed,
//! whether it is in a restart transient, and its failure clocks.

/// Why a train is stopped or short of design; indexes a circuit's loss attribution. Failure
/// modes take the first ids (mode m = `Cause(m)`), the fixed causes follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause(pub u16);

/// Fixed causes after a circuit's failure modes: `Cause(modes + FIXED_...)`.
pub mod fixed {
    /// Planned maintenance.
    pub const MAINTENANCE: u16 = 0;
    /// Parked by its campaign line (another circuit runs, or the changeover).
    pub const PARKED: u16 = 1;
    /// Source tank empty: the circuit takes only what flows in.
    pub const STARVED: u16 = 2;
    /// An outlet's tank is full: the circuit puts out only what flows on.
    pub const BLOCKED: u16 = 3;
    /// Asked for less than its turndown, or fed less than its design (no shortage upstream).
    pub const UNDERFED: u16 = 4;
    /// Running above design to catch up (a negative loss).
    pub const CATCH_UP: u16 = 5;
    /// Number of fixed causes.
    pub const COUNT: u16 = 6;
}

/// What state a failure clock is in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockState {
    /// Counting down; fires at the absolute time held.
    Running(f64),
    /// Frozen while the train is stopped, with this much operating time left.
    Frozen(f64),
    /// Failed: waiting for a crew or in repair.
    Failed,
}

/// A failure clock of one train (per train) or one stage (per stage) for one mode.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Train index (plant-wide).
    pub train: u32,
    /// Failure mode index within the circuit.
    pub mode: u16,
    /// Stage index within the train (0 for per-train clocks).
    pub stage: u32,
    /// State.
    pub state: ClockState,
    /// Version of its failure event (events of other versions are stale).
    pub version: u32,
    /// While running: its place among simultaneous events (reserved when it started running;
    /// see [`Scheduler::reserve`](crate::engine::Scheduler::reserve)).
    pub seq: u64,
    /// Its failure event of the current version is in the queue.
    pub queued: bool,
}

/// One train.
#[derive(Debug, Clone)]
pub struct Train {
    /// Circuit index.
    pub circuit: u32,
    /// Index of the train within its circuit.
    pub index: u32,
    /// Stop reasons active now (stop-effect failures, maintenance, parking).
    pub stops: u16,
    /// The cause that started the current stop.
    pub stop_cause: Cause,
    /// When the current stop started, hours.
    pub stopped_at: f64,
    /// Active derate failures by mode: the train's maximum is the least of their levels.
    pub derates: Vec<u16>,
    /// Bypassed stages per section (extraction, scrub, strip).
    pub bypassed: [u16; 3],
    /// Outlet purities during the restart transient (`None`: not in one), A and B.
    pub restart_purity: [Option<f64>; 2],
    /// Product liquor diverted as off-spec (a fixed restart window).
    pub diverted: bool,
    /// Version of its restart-end events.
    pub restart_version: u32,
    /// Its clocks: indices into the model's clock table.
    pub clocks: std::ops::Range<u32>,
    /// Index of its first failure mode's random stream (one stream per mode).
    pub rng_base: u32,
}

impl Train {
    /// A running train with no failures.
    pub fn new(
        circuit: u32,
        index: u32,
        modes: usize,
        clocks: std::ops::Range<u32>,
        rng_base: u32,
    ) -> Train {
        Train {
            circuit,
            index,
            stops: 0,
            stop_cause: Cause(0),
            stopped_at: 0.0,
            derates: vec![0; modes],
            bypassed: [0; 3],
            restart_purity: [None; 2],
            diverted: false,
            restart_version: 0,
            clocks,
            rng_base,
        }
    }

    /// Whether the train is up (not stopped by a failure, maintenance or its line).
    pub fn up(&self) -> bool {
        self.stops == 0
    }
}
