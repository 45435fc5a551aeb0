//! `[uncertainty]`: scenario keys whose values are uncertain, each with a distribution.
//!
//! ```toml
//! [uncertainty]
//! "circuit.PrNd.separation.separation_factors.1" = { dist = "triangular", min = 1.45, mode = 1.55, max = 1.65 }
//! "product.Nd2O3.price" = { dist = "uniform", min = "50 USD/kg", max = "110 USD/kg" }
//! "circuit.PrNd.failure.feed pump.time_to_failure.mean" = { dist = "lognormal", mean = "400 h", cv = 0.3 }
//! ```
//!
//! Each replication draws one value per input (from its own random stream, so adding an input
//! does not change the others' draws), the same in every layout, and the scenario is rebuilt
//! with those values as overrides: the chemistry, plant and money follow the draw. Values are
//! numbers or strings with a unit ("400 h", "55 USD/kg"); all values of one input share a unit,
//! and a drawn value is written back with it.

use super::error::FieldPath;
use crate::engine::{mix64, stream};
use rand::RngExt;
use statrs::distribution::{ContinuousCDF, LogNormal, Normal, Triangular, Uniform};
use toml::{Table, Value};

/// The distribution of one uncertain input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputDist {
    /// Triangular on [min, max] with its mode (min = max: a constant).
    Triangular { min: f64, mode: f64, max: f64 },
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// Normal (mean, standard deviation).
    Normal { mean: f64, sd: f64 },
    /// Lognormal with this mean and coefficient of variation.
    LogNormal { mean: f64, cv: f64 },
}

/// One uncertain scenario key.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainInput {
    /// Dotted key path, as a variant would override it.
    pub key: String,
    /// Its distribution, in `unit`.
    pub dist: InputDist,
    /// The unit the values were written with ("" for plain numbers).
    pub unit: String,
    /// Where it is written.
    pub origin: FieldPath,
}

impl UncertainInput {
    /// The value with cumulative probability `p` (0 < p < 1).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match self.dist {
            InputDist::Triangular { min, mode, max } if max - min <= 0.0 => {
                let _ = mode;
                min
            }
            InputDist::Triangular { min, mode, max } => {
                Triangular::new(min, max, mode).map_or(mode, |d| d.inverse_cdf(p))
            }
            InputDist::Uniform { min, max } if max - min <= 0.0 => min,
            InputDist::Uniform { min, max } => {
                Uniform::new(min, max).map_or(min, |d| d.inverse_cdf(p))
            }
            InputDist::Normal { mean, sd } if sd <= 0.0 => mean,
            InputDist::Normal { mean, sd } => {
                Normal::new(mean, sd).map_or(mean, |d| d.inverse_cdf(p))
            }
            InputDist::LogNormal { mean, cv } if cv <= 0.0 => mean,
            InputDist::LogNormal { mean, cv } => {
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                LogNormal::new(mu, sigma2.sqrt()).map_or(mean, |d| d.inverse_cdf(p))
            }
        }
    }

    /// The value replication `replication` of a run seeded `seed` draws for this input:
    /// inverse transform of one uniform from a stream named by the input's key (adding or
    /// removing another input does not change this one's draws), within the quantiles
    /// [`VALIDATED`] the scenario was checked at.
    pub fn draw(&self, seed: u64, replication: u64) -> f64 {
        let purpose = mix64(0x0A9C_E27A ^ fnv1a(self.key.as_bytes()));
        let u: f64 = stream(seed, replication, purpose).random();
        self.quantile(u.clamp(VALIDATED.0, VALIDATED.1))
    }

    /// The TOML value that sets this input to `x` (with its unit when it has one).
    pub fn value(&self, x: f64) -> Value {
        if self.unit.is_empty() {
            Value::Float(x)
        } else {
            Value::String(format!("{x} {}", self.unit))
        }
    }
}

/// The quantiles every input is validated at (and draws are kept within).
pub const VALIDATED: (f64, f64) = (1e-6, 1.0 - 1e-6);

/// FNV-1a hash of bytes (a stable name for a stream).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

type Problems = Vec<(FieldPath, String)>;

/// Distribution names and the keys each needs.
const DISTS: &[(&str, &[&str])] = &[
    ("triangular", &["min", "mode", "max"]),
    ("uniform", &["min", "max"]),
    ("normal", &["mean", "sd"]),
    ("lognormal", &["mean", "cv"]),
];

/// The `[uncertainty]` inputs of a scenario table, checked (distribution, its parameters and
/// their units); whether each key exists is checked by applying it as an override.
pub fn inputs(root: &Table) -> Result<Vec<UncertainInput>, Problems> {
    let Some(table) = root.get("uncertainty") else {
        return Ok(Vec::new());
    };
    let base = FieldPath::default().key("uncertainty");
    let Some(table) = table.as_table() else {
        return Err(vec![(
            base,
            "`uncertainty` must be a table of key = { dist = ... }".into(),
        )]);
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (key, spec) in table {
        let origin = base.key(key);
        match input(key, spec, &origin) {
            Ok(i) => out.push(i),
            Err(e) => problems.push((origin, e)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn input(key: &str, spec: &Value, origin: &FieldPath) -> Result<UncertainInput, String> {
    let t = spec.as_table().ok_or_else(|| {
        "expected a distribution such as { dist = \"triangular\", min = 1.45, mode = 1.55, max = 1.65 }"
            .to_string()
    })?;
    let dist = t.get("dist").and_then(Value::as_str).unwrap_or("");
    let names: Vec<String> = DISTS.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let (_, needs) = DISTS.iter().find(|(n, _)| *n == dist).ok_or_else(|| {
        format!(
            "`dist` = \"{dist}\" is not allowed: choose one of {}",
            names.join(", ")
        )
    })?;
    for k in t.keys() {
        if k != "dist" && !needs.contains(&k.as_str()) {
            return Err(format!(
                "unknown key `{k}` for dist = \"{dist}\" (allowed: dist, {})",
                needs.join(", ")
            ));
        }
    }
    let mut unit: Option<String> = None;
    let mut get = |name: &str| -> Result<f64, String> {
        let v = t
            .get(name)
            .ok_or_else(|| format!("dist = \"{dist}\" needs `{name}`"))?;
        let (x, u) = number_and_unit(v).map_err(|e| format!("`{name}`: {e}"))?;
        // `cv` is a ratio: it carries no unit.
        if name != "cv" {
            match &unit {
                None => unit = Some(u),
                Some(first) if *first != u => {
                    return Err(format!(
                        "`{name}` is in \"{u}\" but an earlier value is in \"{first}\": one unit per input"
                    ));
                }
                _ => {}
            }
        }
        Ok(x)
    };
    let dist = match dist {
        "triangular" => {
            let (min, mode, max) = (get("min")?, get("mode")?, get("max")?);
            if !(min <= mode && mode <= max) {
                return Err(format!(
                    "needs min <= mode <= max, got {min}, {mode}, {max}"
                ));
            }
            InputDist::Triangular { min, mode, max }
        }
        "uniform" => {
            let (min, max) = (get("min")?, get("max")?);
            if min > max {
                return Err(format!("needs min <= max, got {min}, {max}"));
            }
            InputDist::Uniform { min, max }
        }
        "normal" => {
            let (mean, sd) = (get("mean")?, get("sd")?);
            if sd < 0.0 {
                return Err(format!("`sd` = {sd} is out of range: allowed >= 0"));
            }
            InputDist::Normal { mean, sd }
        }
        _ => {
            let (mean, cv) = (get("mean")?, get("cv")?);
            if mean <= 0.0 || !(0.0..=10.0).contains(&cv) {
                return Err(format!(
                    "needs mean > 0 and 0 <= cv <= 10, got {mean}, {cv}"
                ));
            }
            InputDist::LogNormal { mean, cv }
        }
    };
    let _ = origin;
    Ok(UncertainInput {
        key: key.to_string(),
        dist,
        unit: unit.unwrap_or_default(),
        origin: origin.clone(),
    })
}

/// A finite number and the unit text after it: `1.55` -> (1.55, ""), `"400 h"` -> (400, "h").
fn number_and_unit(v: &Value) -> Result<(f64, String), String> {
    match v {
        Value::Integer(i) => Ok((*i as f64, String::new())),
        Value::Float(f) if f.is_finite() => Ok((*f, String::new())),
        Value::String(s) => {
            let s = s.trim();
            let (number, unit) = super::units::number_unit(s);
            let x: f64 = number
                .replace(['_', ','], "")
                .parse()
                .map_err(|_| format!("`{s}` is not a number with an optional unit"))?;
            if !x.is_finite() {
                return Err(format!("`{s}` is not finite"));
            }
            Ok((x, unit.to_string()))
        }
        other => Err(format!("{other} is not a number or a number with a unit")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<UncertainInput>, Problems> {
        inputs(&text.parse::<Table>().unwrap())
    }

    #[test]
    fn triangular_quantiles_are_the_closed_form() {
        let i = &parse(
            r#"uncertainty."a.b" = { dist = "triangular", min = 1.45, mode = 1.55, max = 1.65 }"#,
        )
        .unwrap()[0];
        // F(x) = (x - a)^2 / ((b - a)(c - a)) below the mode: x = a + sqrt(p (b - a)(c - a)).
        let p10 = 1.45 + (0.1_f64 * 0.2 * 0.1).sqrt();
        assert!((i.quantile(0.1) - p10).abs() < 1e-12);
        let p90 = 1.65 - (0.1_f64 * 0.2 * 0.1).sqrt();
        assert!((i.quantile(0.9) - p90).abs() < 1e-12);
        assert!((i.quantile(0.5) - 1.55).abs() < 1e-12);
        assert_eq!(i.value(1.5), Value::Float(1.5));
    }

    #[test]
    fn units_are_kept_and_draws_are_reproducible() {
        let i = &parse(
            r#"uncertainty."p" = { dist = "uniform", min = "50 USD/kg", max = "110 USD/kg" }"#,
        )
        .unwrap()[0];
        assert_eq!(i.unit, "USD/kg");
        assert!((i.quantile(0.25) - 65.0).abs() < 1e-9);
        assert_eq!(i.value(60.0), Value::String("60 USD/kg".into()));
        let a = i.draw(7, 3);
        assert_eq!(a, i.draw(7, 3));
        assert_ne!(a, i.draw(7, 4));
        let mut other = i.clone();
        other.key = "q".into();
        assert_ne!(a, other.draw(7, 3));
        assert!((50.0..=110.0).contains(&a));
    }

    #[test]
    fn bad_inputs_say_what_is_allowed() {
        let e = parse(r#"uncertainty."a" = { dist = "beta", min = 1, max = 2 }"#).unwrap_err();
        assert!(e[0].1.contains("\"triangular\""), "{e:?}");
        let e = parse(r#"uncertainty."a" = { dist = "triangular", min = 2, mode = 1, max = 3 }"#)
            .unwrap_err();
        assert!(e[0].1.contains("min <= mode <= max"), "{e:?}");
        let e = parse(r#"uncertainty."a" = { dist = "uniform", min = "1 h", max = "2 d" }"#)
            .unwrap_err();
        assert!(e[0].1.contains("one unit per input"), "{e:?}");
        let e = parse(r#"uncertainty."a" = { dist = "normal", mean = 1, sd = 1, cv = 2 }"#)
            .unwrap_err();
        assert!(e[0].1.contains("unknown key `cv`"), "{e:?}");
        assert_eq!(e[0].0.to_string(), "uncertainty.a");
    }
}
