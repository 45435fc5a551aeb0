//! The plant's event type: one packed `u64` (kind in the top two bits), so queue entries stay
//! 24 bytes. Kind 0 holds the rare events, told apart by a sub-kind in bits 32..34.

const KIND_SHIFT: u32 = 62;
const MISC: u64 = 0;
const DONE: u64 = 1;
const FAIL: u64 = 2;
const REPAIRED: u64 = 3;
const SUB_SHIFT: u32 = 32;
const ARRIVAL: u64 = 0;
const CAMPAIGN_END: u64 = 1;
const LINE_READY: u64 = 2;
const BATCH_DONE: u64 = 3;

/// A plant event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ev(u64);

/// The decoded form of an [`Ev`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A lot arrives from the feed source.
    Arrival,
    /// A lot's service ends (valid if `token` still matches the lot's token).
    Done { lot: u32, token: u32 },
    /// A train breaks down.
    Fail { train: u32 },
    /// A train's repair ends.
    Repaired { train: u32 },
    /// A campaign of a line with a fixed campaign length ends.
    CampaignEnd { line: u32 },
    /// A line's changeover ends.
    LineReady { line: u32 },
    /// A finishing batch in place `place` is done.
    BatchDone { place: u32 },
}

impl Ev {
    pub const ARRIVAL: Ev = Ev((MISC << KIND_SHIFT) | (ARRIVAL << SUB_SHIFT));

    /// End of a campaign of line `line`.
    pub fn campaign_end(line: u32) -> Ev {
        Ev((CAMPAIGN_END << SUB_SHIFT) | u64::from(line))
    }

    /// End of the changeover of line `line`.
    pub fn line_ready(line: u32) -> Ev {
        Ev((LINE_READY << SUB_SHIFT) | u64::from(line))
    }

    /// End of the finishing batch in place `place`.
    pub fn batch_done(place: u32) -> Ev {
        Ev((BATCH_DONE << SUB_SHIFT) | u64::from(place))
    }

    /// End of service of `lot` (< 2^30) whose token is `token`.
    #[inline]
    pub fn done(lot: u32, token: u32) -> Ev {
        debug_assert!(lot < super::lots::MAX_LOTS);
        Ev((DONE << KIND_SHIFT) | (u64::from(lot) << 32) | u64::from(token))
    }

    /// Breakdown of train `train`.
    pub fn fail(train: u32) -> Ev {
        Ev((FAIL << KIND_SHIFT) | u64::from(train))
    }

    /// End of repair of train `train`.
    pub fn repaired(train: u32) -> Ev {
        Ev((REPAIRED << KIND_SHIFT) | u64::from(train))
    }

    /// Decodes the event.
    #[inline]
    pub fn kind(self) -> Kind {
        let low = self.0 as u32;
        match self.0 >> KIND_SHIFT {
            MISC => match (self.0 >> SUB_SHIFT) & 3 {
                ARRIVAL => Kind::Arrival,
                CAMPAIGN_END => Kind::CampaignEnd { line: low },
                LINE_READY => Kind::LineReady { line: low },
                _ => Kind::BatchDone { place: low },
            },
            DONE => Kind::Done {
                lot: ((self.0 >> 32) as u32) & ((1 << 30) - 1),
                token: low,
            },
            FAIL => Kind::Fail { train: low },
            _ => Kind::Repaired { train: low },
        }
    }
}
