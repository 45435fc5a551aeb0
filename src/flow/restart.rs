//! Evaluating a circuit's restart curve: off-spec hours and mean purity after a stop of d
//! hours, by monotone interpolation between the grid points the dynamic model computed.

use super::spec::RestartCurve;

/// Off-spec hours and mean purity during them, per outlet (A, B), after a stop of `stop_h`.
/// Below the grid's first point (0 h) the first values; between points, piecewise linear
/// (monotone data stay monotone); beyond the last point, the last values.
pub fn eval(curve: &RestartCurve, stop_h: f64) -> ([f64; 2], [f64; 2]) {
    let x = &curve.stops_h;
    let i = x.partition_point(|&s| s <= stop_h);
    if i == 0 {
        return (curve.off_h[0], curve.purity[0]);
    }
    if i == x.len() {
        return (curve.off_h[i - 1], curve.purity[i - 1]);
    }
    let w = (stop_h - x[i - 1]) / (x[i] - x[i - 1]);
    let lerp = |a: [f64; 2], b: [f64; 2]| [a[0] + w * (b[0] - a[0]), a[1] + w * (b[1] - a[1])];
    (
        lerp(curve.off_h[i - 1], curve.off_h[i]),
        lerp(curve.purity[i - 1], curve.purity[i]),
    )
}
