//! The plant's events: small `Copy` records; stale ones carry an outdated version and are
//! ignored.

/// One event of the plant model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ev {
    /// A failure clock runs out.
    Fail {
        /// Clock index.
        clock: u32,
        /// Clock version when scheduled.
        version: u32,
    },
    /// A repair ends.
    Repaired {
        /// Clock index.
        clock: u32,
    },
    /// A train's planned maintenance starts.
    MaintenanceStart {
        /// Train index.
        train: u32,
        /// Maintenance entry of its circuit.
        entry: u16,
    },
    /// A train's planned maintenance ends.
    MaintenanceEnd {
        /// Train index.
        train: u32,
        /// Maintenance entry of its circuit.
        entry: u16,
    },
    /// An outlet of a train is on-spec again after a restart.
    RestartEnd {
        /// Train index.
        train: u32,
        /// Outlet 0 (A) or 1 (B).
        outlet: u8,
        /// Train's restart version when scheduled.
        version: u32,
    },
    /// A tank reaches a level that changes what limits the flows (or needs a composition
    /// refresh).
    Tank {
        /// Tank index (0 = feed tank).
        tank: u32,
        /// Tank version when scheduled.
        version: u32,
    },
    /// A product batch is full.
    Batch {
        /// Product index.
        product: u32,
        /// Product version when scheduled.
        version: u32,
    },
    /// The upstream plant stops delivering feed.
    FeedDown,
    /// The upstream plant delivers again.
    FeedUp,
    /// A campaign line switches to its next circuit.
    Campaign {
        /// Line index.
        line: u32,
        /// Line version when scheduled.
        version: u32,
    },
    /// A campaign line's changeover ends.
    ChangeoverEnd {
        /// Line index.
        line: u32,
    },
    /// A finishing slot finishes its batch.
    Finished {
        /// Slot index.
        slot: u32,
    },
    /// The statistics window starts.
    Warmup,
    /// End of an output-series bin (for automatic warm-up).
    Bin {
        /// Bin index.
        index: u32,
    },
}
