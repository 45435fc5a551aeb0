//! The plant's event type: one packed `u64` (kind in the top two bits), so queue entries stay
//! 24 bytes.

const KIND_SHIFT: u32 = 62;
const ARRIVAL: u64 = 0;
const DONE: u64 = 1;
const FAIL: u64 = 2;
const REPAIRED: u64 = 3;

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
}

impl Ev {
    pub const ARRIVAL: Ev = Ev(ARRIVAL << KIND_SHIFT);

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
            ARRIVAL => Kind::Arrival,
            DONE => Kind::Done {
                lot: ((self.0 >> 32) as u32) & ((1 << 30) - 1),
                token: low,
            },
            FAIL => Kind::Fail { train: low },
            _ => Kind::Repaired { train: low },
        }
    }
}
