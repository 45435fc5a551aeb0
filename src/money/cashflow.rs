//! Yearly cash flows of a project and the figures a decision is made on: net present value,
//! internal rate of return, discounted payback and levelised cost.
//!
//! Conventions (the usual ones of process-plant economics): flows are end-of-year amounts in
//! one currency of one cost year (real terms); year 0 is the investment, years 1..=life are
//! operation; discounting is annual, `1 / (1 + r)^t`.

/// Present value of `flows[t]` received at the end of year t, at `rate` per year.
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    let factor = 1.0 / (1.0 + rate);
    let mut discount = 1.0;
    let mut total = 0.0;
    for f in flows {
        total += f * discount;
        discount *= factor;
    }
    total
}

/// The rate per year at which [`npv`] of `flows` is 0, searched in (-99 %, 1000 %) per year.
///
/// `None` when the NPV does not change sign over that range (e.g. a project that never pays
/// back, or flows of one sign). With one sign change in the flows (an investment followed by
/// returns) the root is unique (Descartes' rule of signs); otherwise the lowest-rate root that
/// bisection brackets from below is returned.
pub fn irr(flows: &[f64]) -> Option<f64> {
    const LOW: f64 = -0.99;
    const HIGH: f64 = 10.0;
    // Scan for the first bracket: NPV may have several roots when flows change sign often.
    let steps = 200;
    let rate_at = |i: usize| LOW + (HIGH - LOW) * i as f64 / steps as f64;
    let mut a = rate_at(0);
    let mut fa = npv(a, flows);
    for i in 1..=steps {
        let b = rate_at(i);
        let fb = npv(b, flows);
        if fa == 0.0 {
            return Some(a);
        }
        if fa.signum() != fb.signum() && fa.is_finite() && fb.is_finite() {
            return Some(bisect(flows, a, b, fa));
        }
        (a, fa) = (b, fb);
    }
    None
}

/// Bisection of NPV = 0 on [a, b] (signs differ) to the rounding of the rate.
fn bisect(flows: &[f64], mut a: f64, mut b: f64, mut fa: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        if mid <= a || mid >= b {
            break;
        }
        let fm = npv(mid, flows);
        if fm == 0.0 {
            return mid;
        }
        if fm.signum() == fa.signum() {
            (a, fa) = (mid, fm);
        } else {
            b = mid;
        }
    }
    0.5 * (a + b)
}

/// Years until the cumulative discounted cash flow at `rate` first reaches 0, interpolated
/// linearly within the year it turns; `None` if it never does within the flows.
pub fn payback_years(rate: f64, flows: &[f64]) -> Option<f64> {
    let factor = 1.0 / (1.0 + rate);
    let mut discount = 1.0;
    let mut cumulative = 0.0;
    for (t, f) in flows.iter().enumerate() {
        let pv = f * discount;
        let before = cumulative;
        cumulative += pv;
        if t > 0 && before < 0.0 && cumulative >= 0.0 {
            return Some((t - 1) as f64 + (-before / pv));
        }
        if t == 0 && cumulative >= 0.0 {
            return Some(0.0);
        }
        discount *= factor;
    }
    None
}

/// Cost per unit of output that makes the present value of `costs` equal to the present value
/// of `output` sold at that price: PV(costs) / PV(output) at `rate` (levelised cost). `None`
/// without discounted output.
pub fn levelised(rate: f64, costs: &[f64], output: &[f64]) -> Option<f64> {
    let out = npv(rate, output);
    (out > 0.0).then(|| npv(rate, costs) / out)
}

/// Capital recovery factor: the constant yearly payment over `years` whose present value at
/// `rate` is 1, r (1+r)^n / ((1+r)^n - 1) (1 / n at a zero rate).
pub fn capital_recovery_factor(rate: f64, years: u32) -> f64 {
    let n = f64::from(years);
    if rate == 0.0 {
        return 1.0 / n;
    }
    let g = (1.0 + rate).powf(n);
    rate * g / (g - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npv_of_a_hand_series() {
        // -100 now, 60 in one year, 60 in two, at 10 %: -100 + 54.5454.. + 49.5867.. = 4.1322..
        let v = npv(0.10, &[-100.0, 60.0, 60.0]);
        let hand = -100.0 + 60.0 / 1.1 + 60.0 / 1.21;
        assert!((v - hand).abs() < 1e-12, "{v} vs {hand}");
        assert!((v - 4.132_231_404_958_7).abs() < 1e-9);
    }

    #[test]
    fn irr_of_a_two_year_series_is_the_quadratic_root() {
        // -100 + 60 x + 60 x^2 = 0 with x = 1 / (1 + r): x = (-60 + sqrt(3600 + 24000)) / 120.
        let x = (-60.0 + (3600.0_f64 + 24_000.0).sqrt()) / 120.0;
        let hand = 1.0 / x - 1.0;
        let r = irr(&[-100.0, 60.0, 60.0]).expect("a root");
        assert!((r - hand).abs() < 1e-12, "{r} vs {hand}");
        assert!(npv(r, &[-100.0, 60.0, 60.0]).abs() < 1e-9);
    }

    #[test]
    fn irr_finds_negative_rates_and_none_without_a_sign_change() {
        assert_eq!(irr(&[-100.0, 10.0, 10.0]).map(|r| r > -0.99), Some(true));
        assert_eq!(irr(&[100.0, 10.0]), None);
        assert_eq!(irr(&[-100.0, -10.0]), None);
    }

    #[test]
    fn payback_interpolates_within_the_year() {
        // Undiscounted: -100, 40, 40, 40: cumulative -60, -20, +20, so 2 + 20/40 = 2.5 years.
        let p = payback_years(0.0, &[-100.0, 40.0, 40.0, 40.0]).expect("pays back");
        assert!((p - 2.5).abs() < 1e-12);
        assert_eq!(payback_years(0.0, &[-100.0, 10.0, 10.0]), None);
    }

    #[test]
    fn capital_recovery_annuity_has_present_value_one() {
        let crf = capital_recovery_factor(0.08, 15);
        let flows: Vec<f64> = (0..=15).map(|t| if t == 0 { 0.0 } else { crf }).collect();
        assert!((npv(0.08, &flows) - 1.0).abs() < 1e-12);
        assert!((capital_recovery_factor(0.0, 10) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn levelised_cost_of_a_constant_plant_is_the_annuity_over_output() {
        // 1,000 invested, 50/yr to run, 10 units/yr for 15 years at 8 %:
        // (1000 crf + 50) / 10.
        let n = 15;
        let costs: Vec<f64> = (0..=n)
            .map(|t| if t == 0 { 1000.0 } else { 50.0 })
            .collect();
        let output: Vec<f64> = (0..=n).map(|t| if t == 0 { 0.0 } else { 10.0 }).collect();
        let lc = levelised(0.08, &costs, &output).expect("output");
        let hand = (1000.0 * capital_recovery_factor(0.08, n) + 50.0) / 10.0;
        assert!((lc - hand).abs() < 1e-9, "{lc} vs {hand}");
    }
}
