//! Samplers: a [`DistSpec`] turned once into precomputed parameters, drawn without allocation.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Weibull};

use super::dist::weibull_scale;
use super::{DistError, DistSpec};

/// A ready-to-draw distribution (an enum: static dispatch, no boxing of trait objects).
#[derive(Debug, Clone)]
pub enum Sampler {
    /// A constant.
    Fixed(f64),
    /// Exponential (ziggurat).
    Exponential(Exp<f64>),
    /// Log-normal (ziggurat normal, then exp).
    LogNormal(LogNormal<f64>),
    /// Gamma (Marsaglia-Tsang).
    Gamma(Gamma<f64>),
    /// Weibull (inversion).
    Weibull(Weibull<f64>),
    /// Uniform on [min, min + width).
    Uniform {
        /// Lower bound.
        min: f64,
        /// max - min.
        width: f64,
    },
    /// Triangular by inversion of its CDF.
    Triangular {
        /// Lower bound.
        min: f64,
        /// max - min.
        width: f64,
        /// (mode - min) / (max - min): the CDF at the mode.
        split: f64,
        /// mode - min.
        left: f64,
        /// max - mode.
        right: f64,
    },
    /// Equal-probability choice among the values.
    Empirical(Box<[f64]>),
}

/// Maps a `rand_distr` constructor error (unreachable after validation) to a [`DistError`].
fn rejected<E>(dist: &'static str) -> impl Fn(E) -> DistError {
    move |_| DistError::Inconsistent {
        dist,
        rule: "parameters rejected by the sampler",
    }
}

impl Sampler {
    /// Validates `spec` and precomputes what drawing needs.
    pub fn new(spec: &DistSpec) -> Result<Sampler, DistError> {
        spec.validate()?;
        let d = spec.name();
        Ok(match *spec {
            DistSpec::Fixed { value } => Sampler::Fixed(value),
            DistSpec::Exponential { mean } => {
                Sampler::Exponential(Exp::new(1.0 / mean).map_err(rejected(d))?)
            }
            DistSpec::Lognormal { mean, cv: 0.0 } | DistSpec::Gamma { mean, cv: 0.0 } => {
                Sampler::Fixed(mean)
            }
            DistSpec::Lognormal { mean, cv } => {
                let s2 = cv.mul_add(cv, 1.0).ln();
                let ln = LogNormal::new(mean.ln() - 0.5 * s2, s2.sqrt()).map_err(rejected(d))?;
                Sampler::LogNormal(ln)
            }
            DistSpec::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                Sampler::Gamma(Gamma::new(shape, mean / shape).map_err(rejected(d))?)
            }
            DistSpec::Weibull { shape, mean } => Sampler::Weibull(
                Weibull::new(weibull_scale(shape, mean), shape).map_err(rejected(d))?,
            ),
            DistSpec::Uniform { min, max } => Sampler::Uniform {
                min,
                width: max - min,
            },
            DistSpec::Triangular { min, mode, max } => Self::triangular(min, mode, max),
            DistSpec::Empirical { ref values } => {
                Sampler::Empirical(values.clone().into_boxed_slice())
            }
        })
    }

    fn triangular(min: f64, mode: f64, max: f64) -> Sampler {
        if max == min {
            return Sampler::Fixed(min);
        }
        let width = max - min;
        Sampler::Triangular {
            min,
            width,
            split: (mode - min) / width,
            left: mode - min,
            right: max - mode,
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Triangular {
                min,
                width,
                split,
                left,
                right,
            } => {
                let u: f64 = rng.random();
                if u < *split {
                    min + (u * width * left).sqrt()
                } else {
                    min + width - ((1.0 - u) * width * right).sqrt()
                }
            }
            Sampler::Empirical(values) => values[rng.random_range(0..values.len())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    fn moments(spec: DistSpec) -> (f64, f64) {
        let s = Sampler::new(&spec).unwrap();
        let mut rng = stream(1, 2, 3);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt())
    }

    #[test]
    fn means_and_cvs_match_the_spec() {
        // 200k draws: standard error of the mean <= cv / sqrt(2e5) ~ 0.2 % of the mean for cv 1,
        // so 2 % is > 9 standard errors.
        let cases = [
            (DistSpec::exponential(2.0).unwrap(), 2.0, 2.0),
            (DistSpec::lognormal(3.0, 0.5).unwrap(), 3.0, 1.5),
            (DistSpec::gamma(3.0, 0.25).unwrap(), 3.0, 0.75),
            (DistSpec::weibull(1.0, 2.0).unwrap(), 2.0, 2.0),
            (
                DistSpec::uniform(1.0, 3.0).unwrap(),
                2.0,
                2.0 / 12f64.sqrt(),
            ),
            (
                DistSpec::triangular(0.0, 0.0, 3.0).unwrap(),
                1.0,
                (9.0f64 / 18.0).sqrt(),
            ),
            (
                DistSpec::empirical(vec![1.0, 2.0, 3.0]).unwrap(),
                2.0,
                (2.0f64 / 3.0).sqrt(),
            ),
        ];
        for (spec, mean, sd) in cases {
            let (m, s) = moments(spec.clone());
            assert!((m / mean - 1.0).abs() < 0.02, "{spec:?}: mean {m}");
            assert!((s / sd - 1.0).abs() < 0.03, "{spec:?}: sd {s}");
        }
    }
}
