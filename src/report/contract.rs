//! Building blocks of every JSON contract: a number with its unit, a mean with its 95 % CI, a
//! paired difference, and a map that keeps its keys in the order given. Every number is
//! finite or `null` (JSON has no NaN or infinity).

use serde::ser::{Serialize, SerializeMap, Serializer};

/// The reesim version that wrote a document (`reesim_version` in every contract).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A finite number, or `None` (serialized as `null`).
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `{ "value", "unit" }`: one number with its unit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Quantity {
    /// The number, null when not finite.
    pub value: Option<f64>,
    /// Its unit, e.g. "t REO/yr".
    pub unit: String,
}

impl Quantity {
    /// `value` in `unit`.
    pub fn new(value: f64, unit: impl Into<String>) -> Quantity {
        Quantity {
            value: finite(value),
            unit: unit.into(),
        }
    }
}

/// `{ "value": [...], "unit" }`: a list of numbers with one unit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Quantities {
    /// The numbers, each null when not finite.
    pub value: Vec<Option<f64>>,
    /// Their unit.
    pub unit: String,
}

impl Quantities {
    /// `values` in `unit`.
    pub fn new(values: &[f64], unit: impl Into<String>) -> Quantities {
        Quantities {
            value: values.iter().map(|x| finite(*x)).collect(),
            unit: unit.into(),
        }
    }
}

/// `{ "mean", "ci95", "unit" }`: a mean over replications and its 95 % half-width.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Half-width of the 95 % confidence interval.
    pub ci95: Option<f64>,
    /// Unit of both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Estimate {
    /// A mean and half-width in `unit`.
    pub fn new(mean: f64, ci95: f64, unit: impl Into<String>) -> Estimate {
        Estimate {
            mean: finite(mean),
            ci95: finite(ci95),
            unit: Some(unit.into()),
        }
    }

    /// A mean and half-width of a dimensionless share (no unit key).
    pub fn share(mean: f64, ci95: f64) -> Estimate {
        Estimate {
            mean: finite(mean),
            ci95: finite(ci95),
            unit: None,
        }
    }
}

/// `{ "estimate", "ci95", "unit" }`: a paired difference (or ratio) and its 95 % half-width.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Interval {
    /// Point estimate.
    pub estimate: Option<f64>,
    /// Half-width of the 95 % confidence interval.
    pub ci95: Option<f64>,
    /// Unit of both.
    pub unit: String,
}

impl Interval {
    /// An estimate and half-width in `unit`.
    pub fn new(estimate: f64, ci95: f64, unit: impl Into<String>) -> Interval {
        Interval {
            estimate: finite(estimate),
            ci95: finite(ci95),
            unit: unit.into(),
        }
    }
}

/// A JSON object whose keys keep the order given (figure order, element order), where a
/// `BTreeMap` would sort them.
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<T> FromIterator<(String, T)> for Ordered<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        Ordered(iter.into_iter().collect())
    }
}

/// A document as pretty-printed JSON with a final newline.
pub fn to_text<T: Serialize>(doc: &T) -> crate::Result<String> {
    let mut text = serde_json::to_string_pretty(doc)
        .map_err(|e| crate::Error::Internal(format!("JSON encoding failed: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Rows as CSV text: a header and one record per row (numbers as Rust prints them, empty
/// cells for non-finite ones; see [`cell`]).
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> crate::Result<String> {
    let io = |e: ::csv::Error| crate::Error::Internal(format!("CSV encoding failed: {e}"));
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(io)?;
    for row in rows {
        w.write_record(row).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::Internal(format!("CSV encoding failed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Internal(format!("CSV is not UTF-8: {e}")))
}

/// A number cell; empty when not finite (never "NaN").
pub fn cell(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_keeps_insertion_order_and_non_finite_is_null() {
        let doc: Ordered<Quantity> = [
            ("zeta".to_string(), Quantity::new(1.5, "h")),
            ("alpha".to_string(), Quantity::new(f64::NAN, "h")),
        ]
        .into_iter()
        .collect();
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            text,
            r#"{"zeta":{"value":1.5,"unit":"h"},"alpha":{"value":null,"unit":"h"}}"#
        );
    }

    #[test]
    fn csv_cells_are_quoted_when_needed_and_empty_when_not_finite() {
        let text = csv_text(
            &["a", "b"],
            &[
                vec!["x,y".into(), cell(f64::INFINITY)],
                vec!["1".into(), cell(2.5)],
            ],
        )
        .unwrap();
        assert_eq!(text, "a,b\n\"x,y\",\n1,2.5\n");
    }
}
