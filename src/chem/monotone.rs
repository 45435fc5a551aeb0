//! Monotone piecewise-cubic Hermite interpolation (PCHIP) of a function given at knots.
//!
//! The interpolant is the cubic Hermite spline through the data with the knot slopes of
//! Fritsch & Butland (1984), "A method for constructing local monotone piecewise cubic
//! interpolants", SIAM J. Sci. Stat. Comput. 5(2) 300-304: at an interior knot the slope is 0
//! where the data has a local extremum or a flat neighbour (the secants differ in sign or one
//! is 0), else the weighted harmonic mean of the two secants
//!
//! m_k = (w1 + w2) / (w1 / d_{k-1} + w2 / d_k), w1 = 2 h_k + h_{k-1}, w2 = h_k + 2 h_{k-1},
//!
//! with h the knot spacings and d the secants. The end slopes are the non-centred three-point
//! formula, set to 0 if its sign differs from the end secant's and limited to 3 x that secant
//! if the data turns at the second knot. Every slope then lies in the region of Fritsch &
//! Carlson (1980), "Monotone piecewise cubic interpolation", SIAM J. Numer. Anal. 17(2)
//! 238-246 (|m| <= 3 |d| on both sides, same sign), so the interpolant is monotone on every
//! interval where the data is, and has no new extrema. It is the algorithm of SLATEC's
//! PCHIM and of SciPy's `PchipInterpolator`.
//!
//! Outside the knots: the first value below the first knot; above the last knot the straight
//! line with the last interval's secant slope, never below the last value (a falling last
//! interval extends flat).

/// A monotone piecewise-cubic Hermite interpolant (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct MonotoneCurve {
    x: Vec<f64>,
    y: Vec<f64>,
    /// Slope at each knot.
    m: Vec<f64>,
}

impl MonotoneCurve {
    /// The interpolant of `y` at knots `x`: both finite, the same length >= 1, `x` strictly
    /// increasing.
    pub fn new(x: Vec<f64>, y: Vec<f64>) -> Result<Self, String> {
        if x.is_empty() {
            return Err("at least one knot is needed".into());
        }
        if x.len() != y.len() {
            return Err(format!("{} knots but {} values", x.len(), y.len()));
        }
        if let Some(k) = x.iter().chain(&y).position(|v| !v.is_finite()) {
            let (what, i) = if k < x.len() {
                ("x", k)
            } else {
                ("y", k - x.len())
            };
            return Err(format!("{what}[{i}] is not finite"));
        }
        if let Some(k) = x.windows(2).position(|w| w[1] <= w[0]) {
            return Err(format!(
                "x must be strictly increasing: x[{}] = {} is not above x[{k}] = {}",
                k + 1,
                x[k + 1],
                x[k]
            ));
        }
        let m = slopes(&x, &y);
        Ok(MonotoneCurve { x, y, m })
    }

    /// The interpolant at `x` (extrapolated as in the module docs; NaN for NaN). No allocation.
    pub fn eval(&self, x: f64) -> f64 {
        let (xs, ys, n) = (&self.x, &self.y, self.x.len());
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= xs[0] || n == 1 {
            return if x <= xs[0] { ys[0] } else { ys[n - 1] };
        }
        if x >= xs[n - 1] {
            let slope = (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2]);
            return ys[n - 1] + slope.max(0.0) * (x - xs[n - 1]);
        }
        // xs[k] <= x < xs[k + 1].
        let k = xs.partition_point(|&v| v <= x) - 1;
        let h = xs[k + 1] - xs[k];
        let t = (x - xs[k]) / h;
        let (t2, t3) = (t * t, t * t * t);
        (2.0 * t3 - 3.0 * t2 + 1.0) * ys[k]
            + (t3 - 2.0 * t2 + t) * h * self.m[k]
            + (3.0 * t2 - 2.0 * t3) * ys[k + 1]
            + (t3 - t2) * h * self.m[k + 1]
    }

    /// The knots and the values at them.
    pub fn knots(&self) -> (&[f64], &[f64]) {
        (&self.x, &self.y)
    }
}

/// Fritsch-Butland knot slopes with shape-preserving three-point end slopes.
fn slopes(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len();
    if n == 1 {
        return vec![0.0];
    }
    let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let d: Vec<f64> = (0..n - 1).map(|k| (y[k + 1] - y[k]) / h[k]).collect();
    if n == 2 {
        return vec![d[0]; 2];
    }
    let mut m = vec![0.0; n];
    for k in 1..n - 1 {
        let (d0, d1) = (d[k - 1], d[k]);
        if d0 * d1 > 0.0 {
            let (w1, w2) = (2.0 * h[k] + h[k - 1], h[k] + 2.0 * h[k - 1]);
            m[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
        }
    }
    m[0] = end_slope(h[0], h[1], d[0], d[1]);
    m[n - 1] = end_slope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
    m
}

/// Slope at an end knot from the end interval (h0, d0) and its neighbour (h1, d1).
fn end_slope(h0: f64, h1: f64, d0: f64, d1: f64) -> f64 {
    let m = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
    if m * d0 <= 0.0 {
        0.0
    } else if d0 * d1 < 0.0 && m.abs() > 3.0 * d0.abs() {
        3.0 * d0
    } else {
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(x: &[f64], y: &[f64]) -> MonotoneCurve {
        MonotoneCurve::new(x.to_vec(), y.to_vec()).unwrap()
    }

    /// A dense grid over [a, b] (both ends included).
    fn dense(a: f64, b: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..=n).map(move |k| a + (b - a) * k as f64 / n as f64)
    }

    /// Natural cubic spline through the data (tridiagonal solve for the second derivatives),
    /// evaluated at `t`: the reference that overshoots on step-like data.
    fn natural_spline(x: &[f64], y: &[f64], t: f64) -> f64 {
        let n = x.len();
        let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let (mut diag, mut rhs) = (vec![1.0; n], vec![0.0; n]);
        let (mut lower, mut upper) = (vec![0.0; n], vec![0.0; n]);
        for k in 1..n - 1 {
            lower[k] = h[k - 1];
            diag[k] = 2.0 * (h[k - 1] + h[k]);
            upper[k] = h[k];
            rhs[k] = 6.0 * ((y[k + 1] - y[k]) / h[k] - (y[k] - y[k - 1]) / h[k - 1]);
        }
        for k in 1..n {
            let f = lower[k] / diag[k - 1];
            diag[k] -= f * upper[k - 1];
            rhs[k] -= f * rhs[k - 1];
        }
        let mut s = vec![0.0; n];
        s[n - 1] = rhs[n - 1] / diag[n - 1];
        for k in (0..n - 1).rev() {
            s[k] = (rhs[k] - upper[k] * s[k + 1]) / diag[k];
        }
        let k = x.partition_point(|&v| v <= t).clamp(1, n - 1) - 1;
        let (a, b) = ((x[k + 1] - t) / h[k], (t - x[k]) / h[k]);
        a * y[k]
            + b * y[k + 1]
            + ((a * a * a - a) * s[k] + (b * b * b - b) * s[k + 1]) * h[k] * h[k] / 6.0
    }

    /// Knot values come back bit for bit (the Hermite basis is exactly 1 and 0 there).
    #[test]
    fn reproduces_knots_exactly() {
        let x = [0.0, 0.25, 0.7, 1.9, 5.0, 12.0];
        let y = [3.0, -1.0, 2.5, 2.5, 7.125, 0.1];
        let c = curve(&x, &y);
        for (xi, yi) in x.iter().zip(&y) {
            assert_eq!(c.eval(*xi), *yi, "at {xi}");
        }
        assert_eq!(c.knots(), (&x[..], &y[..]));
    }

    /// Monotone data, including a step the natural cubic spline overshoots (checked here so
    /// the data set does test something), gives an interpolant that never reverses on a
    /// dense grid and stays within the data's range. Tolerance 1e-12 x the data range:
    /// rounding of the cubic's evaluation on the flat stretches.
    #[test]
    fn monotone_data_gives_a_monotone_curve() {
        let step_x = [0.0, 1.0, 2.0, 3.0, 3.1, 4.0, 5.0, 6.0];
        let step_y = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let overshoot = dense(0.0, 6.0, 6000)
            .map(|t| natural_spline(&step_x, &step_y, t))
            .fold(0.0f64, |m, v| m.max(v - 1.0).max(-v));
        assert!(overshoot > 0.05, "spline overshoot {overshoot}");
        let restart_x = [0.0, 0.25, 0.54, 1.17, 2.53, 5.48, 11.85, 25.6, 55.5, 120.0];
        let restart_y = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.23, 2.14, 28.1, 87.1];
        let falling_x = [0.0, 0.5, 0.6, 3.0, 10.0];
        let falling_y = [5.0, 4.99, 1.0, 0.9, -2.0];
        for (x, y) in [
            (&step_x[..], &step_y[..]),
            (&restart_x[..], &restart_y[..]),
            (&falling_x[..], &falling_y[..]),
        ] {
            let c = curve(x, y);
            let sign = (y[y.len() - 1] - y[0]).signum();
            let (lo, hi) = (y[0].min(y[y.len() - 1]), y[0].max(y[y.len() - 1]));
            let tol = 1e-12 * (hi - lo);
            let mut prev = c.eval(x[0]);
            for t in dense(x[0], x[x.len() - 1], 20_000) {
                let v = c.eval(t);
                assert!(sign * (v - prev) >= -tol, "reverses at {t}: {prev} -> {v}");
                assert!(
                    v >= lo - tol && v <= hi + tol,
                    "{v} outside [{lo}, {hi}] at {t}"
                );
                prev = v;
            }
        }
    }

    /// Between two secants of equal slope every slope is that slope, so the cubic is the
    /// line itself (1e-12: rounding).
    #[test]
    fn linear_data_is_reproduced() {
        let x = [-2.0, -0.5, 0.0, 0.3, 4.0, 9.5];
        let line = |t: f64| 1.5 - 0.75 * t;
        let y: Vec<f64> = x.iter().map(|&t| line(t)).collect();
        let c = curve(&x, &y);
        for t in dense(-2.0, 9.5, 1000) {
            assert!((c.eval(t) - line(t)).abs() < 1e-12, "at {t}");
        }
        let up: Vec<f64> = x.iter().map(|&t| 2.0 * t + 1.0).collect();
        let c = curve(&x, &up);
        for t in dense(-2.0, 9.5, 1000) {
            assert!((c.eval(t) - (2.0 * t + 1.0)).abs() < 1e-12, "at {t}");
        }
    }

    /// Below the first knot: the first value. Above the last: the last secant's line if it
    /// rises, flat if it falls. One knot: a constant.
    #[test]
    fn extrapolation() {
        let c = curve(&[1.0, 2.0, 4.0], &[1.0, 3.0, 4.0]);
        assert_eq!(c.eval(0.0), 1.0);
        assert_eq!(c.eval(-1e300), 1.0);
        assert_eq!(c.eval(6.0), 4.0 + 0.5 * 2.0);
        let c = curve(&[1.0, 2.0, 4.0], &[1.0, 3.0, 2.0]);
        assert_eq!(c.eval(10.0), 2.0);
        let c = curve(&[3.0], &[7.0]);
        for t in [-5.0, 3.0, 8.0] {
            assert_eq!(c.eval(t), 7.0);
        }
        let c = curve(&[0.0, 2.0], &[1.0, 2.0]);
        assert_eq!(c.eval(1.0), 1.5);
        assert_eq!(c.eval(4.0), 3.0);
        assert!(c.eval(f64::NAN).is_nan());
    }

    #[test]
    fn bad_knots_are_rejected() {
        let bad = |x: Vec<f64>, y: Vec<f64>| MonotoneCurve::new(x, y).unwrap_err();
        assert!(bad(vec![], vec![]).contains("at least one"));
        assert!(bad(vec![0.0, 1.0], vec![1.0]).contains("2 knots but 1"));
        assert!(bad(vec![0.0, 0.0], vec![1.0, 2.0]).contains("strictly increasing"));
        assert!(bad(vec![0.0, 2.0, 1.0], vec![1.0; 3]).contains("x[2]"));
        assert!(bad(vec![0.0, f64::INFINITY], vec![1.0, 2.0]).contains("x[1]"));
        assert!(bad(vec![0.0, 1.0], vec![f64::NAN, 2.0]).contains("y[0]"));
    }
}
