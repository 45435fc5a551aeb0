//! Restart curves: for a set of stop lengths, how long each product stays below its sales spec
//! after the restart and the flow-weighted mean purity of what it delivers meanwhile.
//!
//! Each point is one run of the model ([`DynamicModel::after_stop`]) with the targets
//! [`Target::Purity`] at the products' specs and the early exit (`until_steady = false`).
//! Putting the targets at the specs is what makes the early exit fit: it ends a run once both
//! products have been at or above their specs and converging on their steady purities from
//! some time t0 until 2 t0 + 10 tau, so the run takes the same steps as a run to steady state
//! up to its end and its off-spec times are the full run's to the last bit (the same
//! interpolated crossing), unless a product falls below its spec again after such a stretch;
//! the tests compare every point of a 10-point grid against runs to steady state. A product
//! without a spec gets a target every purity meets, so it never holds a run back. The saving
//! is modest here because most steps resolve the first tens of tau after the restart: on the
//! Pr/Nd circuit's 10-point grid to 120 h, 3,521 steps instead of 4,796 (specs 0.9997 /
//! 0.9991). The cost scales as rtol^(-1/2) (second-order steps): rtol 1e-4 takes about a third
//! of the time of the default 1e-5 and still gives off times within 2e-4 and mean purities
//! within 2e-7 of a 1e-7 run.
//!
//! # Mean purity
//! The mean purity of a product over the off-spec window [0, T] is 1 - I(T) / Q(T), with Q the
//! product that left since the restart and I the impurity in it (the other group's elements).
//! Both are accumulated inside the integrator per accepted step ([`Sample::out_a`] and
//! friends), as the sums of the steps' own outflows: the same amounts that close the discrete
//! mass balance, so their error is the integrator's global error in the holdups, controlled
//! by `rtol`. Within the step that contains T they are interpolated by the cubic Hermite
//! polynomial through the two samples' cumulative amounts with the samples' instantaneous
//! flows as slopes. Measured on the Pr/Nd circuit at the default rtol 1e-5: within 1.5e-8
//! (restarts to 120 h) and 4.6e-8 (naive start) of a 100x tighter run, the error falling in
//! proportion to rtol. The trapezoid rule on the sampled flows would do as well here (it
//! agrees within 1.5e-8 and 8.7e-8); the accumulated outflows are used because they are the
//! amounts the model's balance says left, which is what a blend of the liquor must account
//! for, whatever the sample spacing.

use super::{DynamicModel, Sample, Transient};
use crate::chem::ChemError;
use crate::chem::dynamic::Target;

/// Target purity given to a product without a spec: every purity reached is above it, so the
/// product never counts as off-spec and never holds back the early exit.
const NO_SPEC: f64 = f64::MIN_POSITIVE;

/// The restart of one circuit after a stop of one length, against the products' sales specs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RestartPoint {
    /// Length of the stop, hours (`f64::INFINITY` for the naive start,
    /// [`DynamicModel::naive_start_point`]).
    pub stop_h: f64,
    /// Hours from the restart until the A product (loaded organic) is at or above its spec
    /// for good; 0 if it never drops below the spec or has no spec.
    pub off_a_h: f64,
    /// Same for the B product (raffinate), hours.
    pub off_b_h: f64,
    /// Mean purity (mole fraction of the A group, weighted by the A product flow) of the A
    /// product over [0, `off_a_h`]; the steady purity when `off_a_h` is 0.
    pub mean_purity_a: f64,
    /// Same for the B product (mole fraction of the B group), over [0, `off_b_h`].
    pub mean_purity_b: f64,
}

/// Which product.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Product {
    A,
    B,
}

impl DynamicModel {
    /// The restart curve's points: for each stop length in `stops_h` (hours, finite, >= 0),
    /// how long each product stays below its sales spec (minimum purity, mole fraction) after
    /// the restart and its mean purity meanwhile. A product with spec `None` gets 0 hours and
    /// its steady purity. The model's own targets and `until_steady` are not used: each run
    /// has [`Target::Purity`] at the specs and the early exit (see the module docs).
    ///
    /// Errors: a spec that is not a finite purity in (0, steady purity) (a spec at or above
    /// the steady purity is never met for good); a bad stop length; a product not back
    /// on-spec within the run (`max_time`, `max_steps`), naming the stop length.
    pub fn restart_points(
        &self,
        stops_h: &[f64],
        spec_a: Option<f64>,
        spec_b: Option<f64>,
    ) -> Result<Vec<RestartPoint>, ChemError> {
        let model = self.with_specs(spec_a, spec_b)?;
        if let Some(bad) = stops_h.iter().find(|d| !(d.is_finite() && **d >= 0.0)) {
            return Err(ChemError::field(
                "stop",
                format!("{bad} must be a finite number of hours >= 0"),
            ));
        }
        stops_h
            .iter()
            .map(|&stop_h| {
                if spec_a.is_none() && spec_b.is_none() {
                    return Ok(self.on_spec_point(stop_h));
                }
                let tr = model.after_stop(stop_h)?;
                point(&tr, stop_h, spec_a.is_some(), spec_b.is_some())
            })
            .collect()
    }

    /// The same figures for the naive start-up ([`DynamicModel::start_up`]), marked
    /// `stop_h = f64::INFINITY`. The marker only says "no profile left": it is not the limit
    /// of the restart curve for ever longer stops (the bank mixed by a very long stop holds
    /// the circuit's inventory composition, not the feed's), so keep it out of the curve.
    pub fn naive_start_point(
        &self,
        spec_a: Option<f64>,
        spec_b: Option<f64>,
    ) -> Result<RestartPoint, ChemError> {
        let model = self.with_specs(spec_a, spec_b)?;
        if spec_a.is_none() && spec_b.is_none() {
            return Ok(self.on_spec_point(f64::INFINITY));
        }
        let tr = model.start_up()?;
        point(&tr, f64::INFINITY, spec_a.is_some(), spec_b.is_some())
    }

    /// A point with both products on-spec from the restart.
    fn on_spec_point(&self, stop_h: f64) -> RestartPoint {
        RestartPoint {
            stop_h,
            off_a_h: 0.0,
            off_b_h: 0.0,
            mean_purity_a: self.steady_purity.0,
            mean_purity_b: self.steady_purity.1,
        }
    }

    /// This model with purity targets at the specs and the early exit.
    fn with_specs(&self, spec_a: Option<f64>, spec_b: Option<f64>) -> Result<Self, ChemError> {
        let target = |name: &str, spec: Option<f64>, steady: f64| match spec {
            None => Ok(Target::Purity(NO_SPEC)),
            Some(p) if p.is_finite() && p > 0.0 && p < steady => Ok(Target::Purity(p)),
            Some(p) => Err(ChemError::field(
                name,
                format!(
                    "{p} must be a purity above 0 and below the steady-state purity {steady} \
                     (a spec at or above the steady purity is never met for good)"
                ),
            )),
        };
        let (pa, pb) = self.steady_purity;
        let mut model = self.clone();
        model.opts.target_a = target("spec_a", spec_a, pa)?;
        model.opts.target_b = target("spec_b", spec_b, pb)?;
        model.opts.until_steady = false;
        Ok(model)
    }
}

/// The restart point of a run whose targets are the specs.
fn point(tr: &Transient, stop_h: f64, has_a: bool, has_b: bool) -> Result<RestartPoint, ChemError> {
    let off = |has: bool, on_spec: Option<f64>, name: &str| match (has, on_spec) {
        (false, _) => Ok(0.0),
        (true, Some(t)) => Ok(t),
        (true, None) => Err(ChemError::Numerical(format!(
            "dynamic cascade: after a {} the {name} product is not back at its spec within \
             the run ({:.1} tau, {} steps)",
            if stop_h.is_finite() {
                format!("{stop_h} h stop")
            } else {
                "naive start".to_string()
            },
            tr.samples.last().map_or(0.0, |s| s.t),
            tr.steps.0,
        ))),
    };
    let (off_a, off_b) = (
        off(has_a, tr.on_spec_a, "A")?,
        off(has_b, tr.on_spec_b, "B")?,
    );
    Ok(RestartPoint {
        stop_h,
        off_a_h: off_a * tr.residence_h,
        off_b_h: off_b * tr.residence_h,
        mean_purity_a: mean_purity(tr, off_a, Product::A),
        mean_purity_b: mean_purity(tr, off_b, Product::B),
    })
}

/// Flow-weighted mean purity of a product over [0, `until`] (tau); the steady purity when
/// `until` is 0.
fn mean_purity(tr: &Transient, until: f64, product: Product) -> f64 {
    let steady = match product {
        Product::A => tr.steady_purity.0,
        Product::B => tr.steady_purity.1,
    };
    let s = &tr.samples;
    if until <= 0.0 || s.len() < 2 {
        return steady;
    }
    // (time, impurity out, product out, impurity flow, product flow)
    let at = |s: &Sample| match product {
        Product::A => (
            s.t,
            s.impurity_out_a,
            s.out_a,
            s.flow_a * (1.0 - s.purity_a),
            s.flow_a,
        ),
        Product::B => (
            s.t,
            s.impurity_out_b,
            s.out_b,
            s.flow_b * (1.0 - s.purity_b),
            s.flow_b,
        ),
    };
    let k = s.partition_point(|x| x.t < until).clamp(1, s.len() - 1);
    let (t0, i0, q0, di0, dq0) = at(&s[k - 1]);
    let (t1, i1, q1, di1, dq1) = at(&s[k]);
    let h = t1 - t0;
    let u = ((until - t0) / h).clamp(0.0, 1.0);
    let hermite = |p0: f64, p1: f64, m0: f64, m1: f64| {
        let (u2, u3) = (u * u, u * u * u);
        (2.0 * u3 - 3.0 * u2 + 1.0) * p0
            + (u3 - 2.0 * u2 + u) * h * m0
            + (3.0 * u2 - 2.0 * u3) * p1
            + (u3 - u2) * h * m1
    };
    let impurity = hermite(i0, i1, di0, di1);
    let total = hermite(q0, q1, dq0, dq1);
    1.0 - impurity / total
}

/// Stop lengths for a restart curve, hours: 0, then log-spaced points from 0.25 h up to and
/// including `max_stop_h` (about 3 per decade, at least 6), strictly increasing. A
/// `max_stop_h` in (0, 0.25] gives `[0, max_stop_h]`; 0, negative or non-finite gives `[0]`.
pub fn stop_grid(max_stop_h: f64) -> Vec<f64> {
    const FIRST: f64 = 0.25;
    const PER_DECADE: f64 = 3.0;
    const MIN_INTERVALS: usize = 5;
    if !(max_stop_h.is_finite() && max_stop_h > 0.0) {
        return vec![0.0];
    }
    if max_stop_h <= FIRST {
        return vec![0.0, max_stop_h];
    }
    let decades = (max_stop_h / FIRST).log10();
    let intervals = ((PER_DECADE * decades).round() as usize).max(MIN_INTERVALS);
    let mut grid = Vec::with_capacity(intervals + 2);
    grid.push(0.0);
    for k in 0..intervals {
        grid.push(FIRST * 10f64.powf(decades * k as f64 / intervals as f64));
    }
    grid.push(max_stop_h);
    // Rounding can tie neighbours when max_stop_h is barely above 0.25 h.
    grid.dedup_by(|next, prev| *next <= *prev);
    grid
}

#[cfg(test)]
mod tests {
    use super::stop_grid;

    /// 0, then 0.25 h .. max strictly increasing, ending exactly at max, with about 3 points
    /// per decade (spacing ratio within [10^(1/4), 10^(1/2)]: round() of 3 per decade gives
    /// 2.5-3.5 per decade once there are more than 5 intervals) and at least 6 log points.
    #[test]
    fn grid_shape() {
        assert_eq!(stop_grid(120.0).len(), 10);
        for max in [0.26, 0.5, 1.0, 8.0, 24.0, 120.0, 1000.0, 1e5] {
            let g = stop_grid(max);
            assert_eq!(g[0], 0.0);
            assert_eq!(g[1], 0.25);
            assert_eq!(*g.last().unwrap(), max);
            assert!(g.len() >= 7, "{max}: {g:?}");
            assert!(g.windows(2).all(|w| w[1] > w[0]), "{max}: {g:?}");
            let ratio = g[2] / g[1];
            assert!(
                g[2..]
                    .windows(2)
                    .all(|w| (w[1] / w[0] / ratio - 1.0).abs() < 1e-9)
            );
            if g.len() > 7 {
                assert!(
                    (10f64.powf(0.25)..=10f64.powf(0.5)).contains(&ratio),
                    "{max}: {ratio}"
                );
            }
        }
        assert_eq!(stop_grid(0.25), vec![0.0, 0.25]);
        assert_eq!(stop_grid(0.1), vec![0.0, 0.1]);
        for max in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(stop_grid(max), vec![0.0]);
        }
        let g = stop_grid(0.25 * (1.0 + 1e-15));
        assert!(g.windows(2).all(|w| w[1] > w[0]), "{g:?}");
    }
}
