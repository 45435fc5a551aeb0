//! Simulated time: hours as an `f64` that is never NaN, hence totally ordered.

use std::cmp::Ordering;
use std::fmt;

/// A point on the simulated clock, in hours since the start of the run.
///
/// The wrapped value is never NaN, so `SimTime` implements [`Ord`] (via [`f64::total_cmp`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SimTime(f64);

impl SimTime {
    /// The start of every run, 0 h.
    pub const ZERO: SimTime = SimTime(0.0);

    /// Wraps `hours`. Panics if `hours` is NaN (a bug in the caller: no valid computation of
    /// a time produces NaN).
    #[inline]
    pub fn from_hours(hours: f64) -> SimTime {
        assert!(!hours.is_nan(), "SimTime must not be NaN");
        SimTime(hours)
    }

    /// Wraps `hours`, or `None` if it is NaN.
    #[inline]
    pub fn try_from_hours(hours: f64) -> Option<SimTime> {
        (!hours.is_nan()).then_some(SimTime(hours))
    }

    /// The time in hours.
    #[inline]
    pub fn hours(self) -> f64 {
        self.0
    }
}

impl Eq for SimTime {}

impl PartialOrd for SimTime {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SimTime {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} h", self.0)
    }
}
