//! Exact-moment tests of the samplers: the plant's time distributions (`engine::Sampler` from a
//! `DistSpec`: exponential, lognormal, gamma, Weibull, uniform, triangular; fixed and empirical
//! are covered by their unit tests) and the `[uncertainty]` input distributions (triangular,
//! uniform, normal, lognormal; drawn by inverse transform, one seeded ChaCha stream per input
//! and replication).
//!
//! Each case draws n values from seeded ChaCha streams (the project's `engine::stream`) and
//! compares the sample mean and the unbiased sample variance with the distribution's exact
//! mean and variance. Tolerance: Z = 5 standard errors of each estimator, computed from the
//! exact moments: SE(mean) = sqrt(var / n) and SE(s^2) = sqrt(mu4 / n - var^2 (n - 3) /
//! (n (n - 1))), mu4 the exact fourth central moment. A correct sampler misses 5 SE with
//! probability ~6e-7 per check (the seeds are fixed, so the outcome is reproducible); a bias
//! larger than 5 SE fails (for the triangular (2, 3, 7) at n = 1e6: 0.14 % of the mean and
//! 0.6 % of the variance; for the Weibull of shape 0.7: 0.7 % and 2.4 %).

use reesim::engine::{DistSpec, Sampler, stream};
use reesim::scenario::{FieldPath, InputDist, UncertainInput};
use statrs::function::gamma::gamma;

/// Standard errors a sample moment may be off by.
const Z: f64 = 5.0;

/// Draws per time distribution (about 30 ns each: inversion or ziggurat).
const N_SAMPLER: usize = 1_000_000;

/// Draws per uncertain input (each draw keys a fresh ChaCha stream: about 200 ns).
const N_INPUT: usize = 200_000;

/// Exact mean, variance and fourth central moment.
#[derive(Debug, Clone, Copy)]
struct Exact {
    mean: f64,
    var: f64,
    mu4: f64,
}

impl Exact {
    /// From the raw moments E[X], E[X^2], E[X^3], E[X^4].
    fn from_raw([m1, m2, m3, m4]: [f64; 4]) -> Exact {
        Exact {
            mean: m1,
            var: m2 - m1 * m1,
            mu4: m4 - 4.0 * m3 * m1 + 6.0 * m2 * m1 * m1 - 3.0 * m1.powi(4),
        }
    }
}

/// Raw moments r = 1..=4 from a function of r.
fn raw(f: impl Fn(i32) -> f64) -> [f64; 4] {
    [1, 2, 3, 4].map(f)
}

/// Triangular on [a, b] with an interior mode c (a < c < b):
/// E[X^r] = 2 [(b^(r+2) - c^(r+2)) / (b - c) - (c^(r+2) - a^(r+2)) / (c - a)] / ((b - a)(r + 1)(r + 2)).
fn triangular(a: f64, c: f64, b: f64) -> Exact {
    let exact = Exact::from_raw(raw(|r| {
        let p = r + 2;
        2.0 * ((b.powi(p) - c.powi(p)) / (b - c) - (c.powi(p) - a.powi(p)) / (c - a))
            / ((b - a) * f64::from((r + 1) * (r + 2)))
    }));
    // The textbook forms the test is about: mean (a + b + c) / 3, variance
    // (a^2 + b^2 + c^2 - ab - ac - bc) / 18.
    let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    assert!((exact.mean - (a + b + c) / 3.0).abs() < 1e-12);
    assert!((exact.var - var).abs() < 1e-9 * var);
    exact
}

/// Weibull of shape k and scale lambda: E[X^r] = lambda^r Gamma(1 + r / k), so the mean is
/// lambda Gamma(1 + 1/k) and the variance lambda^2 [Gamma(1 + 2/k) - Gamma(1 + 1/k)^2].
fn weibull(k: f64, lambda: f64) -> Exact {
    Exact::from_raw(raw(|r| lambda.powi(r) * gamma(1.0 + f64::from(r) / k)))
}

/// Lognormal of mean m and coefficient of variation cv: sigma^2 = ln(1 + cv^2),
/// mu = ln m - sigma^2 / 2, E[X^r] = exp(r mu + r^2 sigma^2 / 2).
fn lognormal(m: f64, cv: f64) -> Exact {
    let s2 = cv.mul_add(cv, 1.0).ln();
    let mu = m.ln() - s2 / 2.0;
    Exact::from_raw(raw(|r| {
        let r = f64::from(r);
        (r * mu + r * r * s2 / 2.0).exp()
    }))
}

/// Gamma of mean m and coefficient of variation cv: shape k = 1 / cv^2, scale m / k,
/// E[X^r] = scale^r Gamma(k + r) / Gamma(k).
fn gamma_dist(m: f64, cv: f64) -> Exact {
    let k = 1.0 / (cv * cv);
    let scale = m / k;
    Exact::from_raw(raw(|r| {
        scale.powi(r) * (0..r).map(|i| k + f64::from(i)).product::<f64>()
    }))
}

/// Uniform on [a, b]: E[X^r] = (b^(r+1) - a^(r+1)) / ((r + 1)(b - a)).
fn uniform(a: f64, b: f64) -> Exact {
    Exact::from_raw(raw(|r| {
        (b.powi(r + 1) - a.powi(r + 1)) / (f64::from(r + 1) * (b - a))
    }))
}

/// Asserts that the sample mean and unbiased variance of `xs` are within [`Z`] standard errors
/// of `exact`.
fn assert_moments(label: &str, xs: &[f64], exact: Exact) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se_mean = (exact.var / n).sqrt();
    let se_var = (exact.mu4 / n - exact.var * exact.var * (n - 3.0) / (n * (n - 1.0))).sqrt();
    assert!(
        (mean - exact.mean).abs() <= Z * se_mean,
        "{label}: mean {mean} vs exact {} (tolerance {Z} x SE {se_mean:e})",
        exact.mean
    );
    assert!(
        (var - exact.var).abs() <= Z * se_var,
        "{label}: variance {var} vs exact {} (tolerance {Z} x SE {se_var:e})",
        exact.var
    );
}

/// `N_SAMPLER` draws of `spec` from the stream (2024, 0, purpose).
fn draws(spec: &DistSpec, purpose: u64) -> Vec<f64> {
    let sampler = Sampler::new(spec).expect("a valid spec");
    let mut rng = stream(2024, 0, purpose);
    (0..N_SAMPLER).map(|_| sampler.sample(&mut rng)).collect()
}

#[test]
fn triangular_with_an_interior_mode_has_its_exact_moments() {
    let spec = DistSpec::triangular(2.0, 3.0, 7.0).unwrap();
    assert_moments(
        "triangular(2, 3, 7)",
        &draws(&spec, 1),
        triangular(2.0, 3.0, 7.0),
    );
    // A mode near an end (the other branch of the inverse CDF carries almost all the mass).
    let spec = DistSpec::triangular(0.5, 0.6, 10.0).unwrap();
    assert_moments(
        "triangular(0.5, 0.6, 10)",
        &draws(&spec, 2),
        triangular(0.5, 0.6, 10.0),
    );
}

#[test]
fn weibull_with_shape_other_than_one_has_its_exact_moments() {
    // The spec gives the mean; the sampler's scale is mean / Gamma(1 + 1/k). The exact moments
    // here are from that scale through Gamma(1 + r/k), so a wrong scale law fails the mean.
    for (k, mean, purpose) in [(0.7, 400.0, 3), (2.5, 8.0, 4), (1.5, 1.0, 5)] {
        let lambda = mean / gamma(1.0 + 1.0 / k);
        let exact = weibull(k, lambda);
        assert!((exact.mean - mean).abs() < 1e-9 * mean);
        let spec = DistSpec::weibull(k, mean).unwrap();
        assert_moments(
            &format!("weibull(shape {k}, mean {mean})"),
            &draws(&spec, purpose),
            exact,
        );
    }
}

#[test]
fn other_time_distributions_have_their_exact_moments() {
    let cases = [
        (DistSpec::exponential(2.0).unwrap(), gamma_dist(2.0, 1.0)),
        (DistSpec::lognormal(3.0, 0.5).unwrap(), lognormal(3.0, 0.5)),
        (DistSpec::gamma(3.0, 0.25).unwrap(), gamma_dist(3.0, 0.25)),
        (DistSpec::gamma(3.0, 2.0).unwrap(), gamma_dist(3.0, 2.0)),
        (DistSpec::uniform(1.0, 3.0).unwrap(), uniform(1.0, 3.0)),
    ];
    for (purpose, (spec, exact)) in (10..).zip(cases) {
        assert_moments(&format!("{spec:?}"), &draws(&spec, purpose), exact);
    }
}

/// `N_INPUT` draws of an `[uncertainty]` input (replications 0..N_INPUT of seed 42). Draws are
/// kept within the quantiles 1e-6 ..= 1 - 1e-6 the scenario is validated at: that moves the
/// mean by less than 1e-6 x the range (the variance likewise), far below one standard error.
fn input_draws(key: &str, dist: InputDist) -> Vec<f64> {
    let input = UncertainInput {
        key: key.into(),
        dist,
        unit: String::new(),
        origin: FieldPath::default(),
    };
    (0..N_INPUT as u64).map(|r| input.draw(42, r)).collect()
}

#[test]
fn uncertainty_inputs_have_their_exact_moments() {
    let tri = InputDist::Triangular {
        min: 2.0,
        mode: 3.0,
        max: 7.0,
    };
    assert_moments(
        "[uncertainty] triangular(2, 3, 7)",
        &input_draws("a", tri),
        triangular(2.0, 3.0, 7.0),
    );
    let cases = [
        (
            InputDist::Uniform {
                min: 50.0,
                max: 110.0,
            },
            uniform(50.0, 110.0),
        ),
        (
            InputDist::Normal {
                mean: 1.55,
                sd: 0.05,
            },
            Exact {
                mean: 1.55,
                var: 0.05 * 0.05,
                mu4: 3.0 * 0.05f64.powi(4),
            },
        ),
        (
            InputDist::LogNormal {
                mean: 400.0,
                cv: 0.3,
            },
            lognormal(400.0, 0.3),
        ),
    ];
    for (dist, exact) in cases {
        assert_moments(
            &format!("[uncertainty] {dist:?}"),
            &input_draws("b", dist),
            exact,
        );
    }
}
