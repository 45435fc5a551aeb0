//! Generic discrete-event core (placeholder until the engine lands).

/// A probability distribution (placeholder).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum DistSpec {
    Fixed { value: f64 },
    Exponential { mean: f64 },
    Lognormal { mean: f64, cv: f64 },
    Gamma { mean: f64, cv: f64 },
    Weibull { shape: f64, mean: f64 },
    Uniform { min: f64, max: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Empirical { values: Vec<f64> },
}

impl DistSpec {
    /// Placeholder check.
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}
