//! Money amounts in scenario files: "60 USD/kg", "2500 USD/t", "0.08 USD/kWh",
//! "120000 USD/yr", "5000 USD", or a bare number in the canonical unit of the key.

/// What a money amount is per, and its canonical unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// An amount of money (canonical: currency).
    Nothing,
    /// Per mass (canonical: currency/kg).
    Mass,
    /// Per energy (canonical: currency/kWh).
    Energy,
    /// Per year (canonical: currency/yr).
    Year,
    /// Per volume (canonical: currency/L).
    Volume,
}

impl Per {
    /// Denominators accepted, each with its size in the canonical unit.
    fn units(self) -> &'static [(&'static str, f64)] {
        match self {
            Per::Nothing => &[],
            Per::Mass => &[
                ("kg", 1.0),
                ("t", 1000.0),
                ("g", 1e-3),
                ("lb", 0.453_592_37),
            ],
            Per::Energy => &[("kWh", 1.0), ("MWh", 1000.0)],
            Per::Year => &[("yr", 1.0), ("a", 1.0)],
            Per::Volume => &[("L", 1.0), ("m3", 1000.0)],
        }
    }

    /// The canonical unit after a currency, e.g. "/kg".
    pub fn canonical(self) -> &'static str {
        match self {
            Per::Nothing => "",
            Per::Mass => "/kg",
            Per::Energy => "/kWh",
            Per::Year => "/yr",
            Per::Volume => "/L",
        }
    }
}

/// Currencies reesim's built-in cost data is in (amounts in others cannot be combined).
pub const CURRENCIES: &[&str] = &["USD"];

/// Parses `text` ("60 USD/kg") as an amount of `currency` per `per`, in the canonical unit.
pub fn parse(text: &str, per: Per, currency: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, rest) = super::units::number_unit(text);
    let value: f64 = number.replace(['_', ','], "").parse().map_err(|_| {
        format!(
            "`{text}` is not an amount of money: {}",
            expected(per, currency)
        )
    })?;
    let factor = if rest.is_empty() {
        1.0
    } else {
        let (cur, denominator) = match rest.split_once('/') {
            Some((c, d)) => (c.trim(), Some(d.trim())),
            None => (rest, None),
        };
        if cur != currency {
            return Err(format!(
                "`{text}` is in {cur}, but the scenario's currency is {currency}; {}",
                expected(per, currency)
            ));
        }
        match (denominator, per) {
            (None, Per::Nothing) => 1.0,
            (Some(d), _) => per
                .units()
                .iter()
                .find(|(name, _)| *name == d)
                .map(|(_, size)| 1.0 / size)
                .ok_or_else(|| {
                    format!("`{text}`: unknown unit `/{d}`; {}", expected(per, currency))
                })?,
            (None, _) => {
                return Err(format!(
                    "`{text}` needs a unit after the currency; {}",
                    expected(per, currency)
                ));
            }
        }
    };
    let v = value * factor;
    if v.is_finite() && (0.0..=MAX_AMOUNT).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "`{text}` is out of range: allowed >= 0 and <= {MAX_AMOUNT:e} {currency}{}",
            per.canonical()
        ))
    }
}

/// Largest amount of money in its canonical unit (USD, USD/kg, USD/yr, ...): a trillion,
/// beyond any price or cost, and small enough that revenue, costs and NPV over any plant stay
/// finite with their variances (a price of 1e300 USD/kg gave infinite confidence intervals).
pub const MAX_AMOUNT: f64 = 1e12;

/// What a key of this kind accepts, for messages.
pub fn expected(per: Per, currency: &str) -> String {
    let units: Vec<String> = per
        .units()
        .iter()
        .map(|(u, _)| format!("\"{currency}/{u}\""))
        .collect();
    if units.is_empty() {
        format!("expected a number ({currency}) or e.g. \"5000 {currency}\"")
    } else {
        format!(
            "expected a number ({currency}{}) or a number with {}",
            per.canonical(),
            units.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_to_the_canonical_unit() {
        assert_eq!(parse("60 USD/kg", Per::Mass, "USD"), Ok(60.0));
        assert_eq!(parse("2500 USD/t", Per::Mass, "USD"), Ok(2.5));
        assert_eq!(parse("0.06 USD/kWh", Per::Energy, "USD"), Ok(0.06));
        assert_eq!(parse("80 USD/MWh", Per::Energy, "USD"), Ok(0.08));
        assert_eq!(parse("120,000 USD/yr", Per::Year, "USD"), Ok(120_000.0));
        assert_eq!(parse("5000 USD", Per::Nothing, "USD"), Ok(5000.0));
        assert_eq!(parse("2 USD/m3", Per::Volume, "USD"), Ok(0.002));
        assert_eq!(parse("7.5", Per::Mass, "USD"), Ok(7.5));
    }

    #[test]
    fn bad_amounts_say_what_is_allowed() {
        let e = parse("60 EUR/kg", Per::Mass, "USD").unwrap_err();
        assert!(e.contains("EUR") && e.contains("USD/kg"), "{e}");
        let e = parse("60 USD/h", Per::Mass, "USD").unwrap_err();
        assert!(e.contains("unknown unit `/h`"), "{e}");
        let e = parse("60 USD", Per::Mass, "USD").unwrap_err();
        assert!(e.contains("needs a unit"), "{e}");
        assert!(parse("-1 USD/kg", Per::Mass, "USD").is_err());
        assert!(parse("lots", Per::Mass, "USD").is_err());
    }
}
