//! Distribution specifications: what the user asks for, validated, serialisable.
//!
//! A [`DistSpec`] describes a random duration or quantity by its user-facing parameters
//! (means and coefficients of variation rather than textbook shape/scale). The units are the
//! caller's; the plant uses hours. Build a [`Sampler`](super::Sampler) from a valid spec once,
//! then draw from it on the hot path.

use serde::{Deserialize, Serialize};

/// A probability distribution, by its user-facing parameters.
///
/// Serde form (internally tagged): `{ dist = "lognormal", mean = 0.4, cv = 0.1 }`.
/// Values deserialised from a file are not yet validated: call [`DistSpec::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Always `value` (finite).
    Fixed {
        /// The value.
        value: f64,
    },
    /// Exponential with the given mean (> 0).
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Log-normal with the given mean (> 0) and coefficient of variation (>= 0, std / mean).
    Lognormal {
        /// Mean.
        mean: f64,
        /// Coefficient of variation, std / mean; 0 gives the constant `mean`.
        cv: f64,
    },
    /// Gamma with the given mean (> 0) and coefficient of variation (>= 0): shape = 1 / cv^2.
    Gamma {
        /// Mean.
        mean: f64,
        /// Coefficient of variation, std / mean; 0 gives the constant `mean`.
        cv: f64,
    },
    /// Weibull with the given shape k (> 0) and mean (> 0): scale = mean / Gamma(1 + 1/k).
    Weibull {
        /// Shape parameter k (1 = exponential).
        shape: f64,
        /// Mean.
        mean: f64,
    },
    /// Uniform on [min, max) (finite, min <= max).
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on [min, max] with peak at `mode` (finite, min <= mode <= max).
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Resamples the observed `values` with equal probability (non-empty, all finite).
    Empirical {
        /// Observed values.
        values: Vec<f64>,
    },
}

/// Why a [`DistSpec`] is invalid; the message names the distribution, the parameter, the bad
/// value and the allowed range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A parameter is out of its allowed range.
    #[error("{dist}: `{param}` = {} is invalid; it must be {allowed}", crate::shown::shown(*value))]
    Param {
        /// Distribution name as in the serde tag.
        dist: &'static str,
        /// Parameter name.
        param: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// Parameters are individually valid but inconsistent (e.g. min > max).
    #[error("{dist}: {rule}")]
    Inconsistent {
        /// Distribution name.
        dist: &'static str,
        /// The violated rule.
        rule: &'static str,
    },
    /// An empirical distribution without values.
    #[error("empirical: `values` must hold at least one value")]
    Empty,
}

fn positive(dist: &'static str, param: &'static str, value: f64) -> Result<(), DistError> {
    check(
        dist,
        param,
        value,
        value.is_finite() && value > 0.0,
        "finite and > 0",
    )
}

fn non_negative(dist: &'static str, param: &'static str, value: f64) -> Result<(), DistError> {
    check(
        dist,
        param,
        value,
        value.is_finite() && value >= 0.0,
        "finite and >= 0",
    )
}

/// Largest coefficient of variation of a lognormal or gamma distribution (beyond it the
/// samplers' parameters overflow; no physical time varies that much).
pub const MAX_CV: f64 = 100.0;

/// Smallest Weibull shape (below it the scale underflows for any mean).
pub const MIN_WEIBULL_SHAPE: f64 = 0.05;

fn finite(dist: &'static str, param: &'static str, value: f64) -> Result<(), DistError> {
    check(dist, param, value, value.is_finite(), "finite")
}

fn check(
    dist: &'static str,
    param: &'static str,
    value: f64,
    ok: bool,
    allowed: &'static str,
) -> Result<(), DistError> {
    if ok {
        Ok(())
    } else {
        Err(DistError::Param {
            dist,
            param,
            value,
            allowed,
        })
    }
}

fn ordered(dist: &'static str, ok: bool, rule: &'static str) -> Result<(), DistError> {
    if ok {
        Ok(())
    } else {
        Err(DistError::Inconsistent { dist, rule })
    }
}

impl DistSpec {
    /// Always `value` (finite).
    pub fn fixed(value: f64) -> Result<Self, DistError> {
        Self::Fixed { value }.validated()
    }

    /// Exponential with mean `mean` (> 0).
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        Self::Exponential { mean }.validated()
    }

    /// Log-normal with mean `mean` (> 0) and coefficient of variation `cv` (>= 0).
    pub fn lognormal(mean: f64, cv: f64) -> Result<Self, DistError> {
        Self::Lognormal { mean, cv }.validated()
    }

    /// Gamma with mean `mean` (> 0) and coefficient of variation `cv` (>= 0).
    pub fn gamma(mean: f64, cv: f64) -> Result<Self, DistError> {
        Self::Gamma { mean, cv }.validated()
    }

    /// Weibull with shape `shape` (> 0) and mean `mean` (> 0).
    pub fn weibull(shape: f64, mean: f64) -> Result<Self, DistError> {
        Self::Weibull { shape, mean }.validated()
    }

    /// Uniform on [min, max) (finite, min <= max).
    pub fn uniform(min: f64, max: f64) -> Result<Self, DistError> {
        Self::Uniform { min, max }.validated()
    }

    /// Triangular on [min, max] with mode `mode` (finite, min <= mode <= max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        Self::Triangular { min, mode, max }.validated()
    }

    /// Equal-probability resampling of `values` (non-empty, all finite).
    pub fn empirical(values: Vec<f64>) -> Result<Self, DistError> {
        Self::Empirical { values }.validated()
    }

    fn validated(self) -> Result<Self, DistError> {
        self.validate().map(|()| self)
    }

    /// The serde tag of this distribution ("fixed", "exponential", ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Fixed { .. } => "fixed",
            Self::Exponential { .. } => "exponential",
            Self::Lognormal { .. } => "lognormal",
            Self::Gamma { .. } => "gamma",
            Self::Weibull { .. } => "weibull",
            Self::Uniform { .. } => "uniform",
            Self::Triangular { .. } => "triangular",
            Self::Empirical { .. } => "empirical",
        }
    }

    /// Checks every parameter; the error names the first bad one.
    pub fn validate(&self) -> Result<(), DistError> {
        let d = self.name();
        match *self {
            Self::Fixed { value } => finite(d, "value", value),
            Self::Exponential { mean } => positive(d, "mean", mean),
            Self::Lognormal { mean, cv } | Self::Gamma { mean, cv } => {
                positive(d, "mean", mean)?;
                non_negative(d, "cv", cv)?;
                check(d, "cv", cv, cv <= MAX_CV, "0 ..= 100")
            }
            Self::Weibull { shape, mean } => {
                positive(d, "shape", shape)?;
                check(d, "shape", shape, shape >= MIN_WEIBULL_SHAPE, ">= 0.05")?;
                positive(d, "mean", mean)?;
                let scale = weibull_scale(shape, mean);
                ordered(
                    d,
                    scale.is_finite() && scale > 0.0,
                    "shape too small for this mean",
                )
            }
            Self::Uniform { min, max } => {
                finite(d, "min", min)?;
                finite(d, "max", max)?;
                ordered(d, min <= max, "min must be <= max")
            }
            Self::Triangular { min, mode, max } => {
                finite(d, "min", min)?;
                finite(d, "mode", mode)?;
                finite(d, "max", max)?;
                ordered(
                    d,
                    min <= mode && mode <= max,
                    "min <= mode <= max must hold",
                )
            }
            Self::Empirical { ref values } => {
                if values.is_empty() {
                    return Err(DistError::Empty);
                }
                values.iter().try_for_each(|&v| finite(d, "values", v))
            }
        }
    }

    /// The mean of the distribution (same units as its parameters).
    pub fn mean(&self) -> f64 {
        match *self {
            Self::Fixed { value } => value,
            Self::Exponential { mean }
            | Self::Lognormal { mean, .. }
            | Self::Gamma { mean, .. }
            | Self::Weibull { mean, .. } => mean,
            Self::Uniform { min, max } => 0.5 * (min + max),
            Self::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Self::Empirical { ref values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The smallest value a draw can take (for checking that durations are non-negative).
    pub fn min_value(&self) -> f64 {
        match *self {
            Self::Fixed { value } => value,
            Self::Exponential { .. } | Self::Gamma { .. } | Self::Weibull { .. } => 0.0,
            Self::Lognormal { mean, cv } => {
                if cv == 0.0 {
                    mean
                } else {
                    0.0
                }
            }
            Self::Uniform { min, .. } | Self::Triangular { min, .. } => min,
            Self::Empirical { ref values } => values.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// Weibull scale lambda such that the mean lambda * Gamma(1 + 1/k) equals `mean`.
pub(crate) fn weibull_scale(shape: f64, mean: f64) -> f64 {
    mean / statrs::function::gamma::ln_gamma(1.0 + 1.0 / shape).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        for n in 1..15u32 {
            let fact: f64 = (1..n).map(f64::from).product();
            assert!(
                (statrs::function::gamma::ln_gamma(f64::from(n)) - fact.ln()).abs() < 1e-12,
                "n = {n}"
            );
        }
        assert!(
            (statrs::function::gamma::ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs()
                < 1e-12
        );
    }

    #[test]
    fn serde_form_is_tagged_by_dist() {
        let d: DistSpec =
            serde_json::from_str(r#"{"dist":"lognormal","mean":0.5,"cv":0.1}"#).unwrap();
        assert_eq!(d, DistSpec::lognormal(0.5, 0.1).unwrap());
        let e: DistSpec =
            serde_json::from_str(r#"{"dist":"empirical","values":[1.0,2.0]}"#).unwrap();
        assert_eq!(e.mean(), 1.5);
        assert!(
            serde_json::from_str::<DistSpec>(r#"{"dist":"exponential","mean":1,"cv":2}"#).is_err()
        );
        let back: DistSpec = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(DistSpec::exponential(0.0).is_err());
        assert!(DistSpec::lognormal(1.0, -0.1).is_err());
        assert!(DistSpec::uniform(2.0, 1.0).is_err());
        assert!(DistSpec::triangular(0.0, 3.0, 2.0).is_err());
        assert_eq!(DistSpec::empirical(vec![]), Err(DistError::Empty));
        assert!(DistSpec::fixed(f64::NAN).is_err());
        let msg = DistSpec::gamma(-1.0, 0.5).unwrap_err().to_string();
        assert_eq!(
            msg,
            "gamma: `mean` = -1 is invalid; it must be finite and > 0"
        );
    }
}
