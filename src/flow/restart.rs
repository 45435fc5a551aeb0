//! Evaluating a circuit's restart curve: off-spec hours and mean purity after a stop of d
//! hours, by monotone piecewise-cubic (PCHIP) interpolation between the grid points the
//! dynamic model computed. The off-spec time grows convexly with the stop (a 2 h stop costs
//! almost nothing, a day costs days), so straight lines between log-spaced grid points would
//! overstate it between them.

use super::spec::RestartCurve;
use crate::chem::monotone::MonotoneCurve;

/// A restart curve ready to evaluate (built once per replication; evaluation allocates
/// nothing).
#[derive(Debug, Clone)]
pub struct RestartInterpolant {
    /// Off-spec hours against the stop length, outlets A and B.
    off: [MonotoneCurve; 2],
    /// Mean purity over the off-spec window against the stop length, A and B.
    purity: [MonotoneCurve; 2],
}

impl RestartInterpolant {
    /// The interpolant of `curve` (its grid validated by the plant spec: strictly increasing
    /// stops, finite values).
    pub fn new(curve: &RestartCurve) -> Result<Self, String> {
        let column = |f: &dyn Fn(usize) -> f64| -> Result<MonotoneCurve, String> {
            MonotoneCurve::new(
                curve.stops_h.clone(),
                (0..curve.stops_h.len()).map(f).collect(),
            )
        };
        Ok(RestartInterpolant {
            off: [
                column(&|k| curve.off_h[k][0])?,
                column(&|k| curve.off_h[k][1])?,
            ],
            purity: [
                column(&|k| curve.purity[k][0])?,
                column(&|k| curve.purity[k][1])?,
            ],
        })
    }

    /// Off-spec hours and mean purity during them, per outlet (A, B), after a stop of
    /// `stop_h`: the grid's values at its points, PCHIP between them (monotone where the data
    /// are, no new extrema); below the first point its values; beyond the last, off-spec time
    /// goes on along the last interval's slope and purity stays at the last value or above.
    pub fn eval(&self, stop_h: f64) -> ([f64; 2], [f64; 2]) {
        let off = |o: usize| self.off[o].eval(stop_h).max(0.0);
        let purity = |o: usize| self.purity[o].eval(stop_h).clamp(0.0, 1.0);
        ([off(0), off(1)], [purity(0), purity(1)])
    }
}
