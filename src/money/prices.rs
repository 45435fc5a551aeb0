//! Built-in oxide prices, USD per kg of the usual oxide, each with its basis and source
//! (docs/sources.md section 6). A scenario's `[product.NAME] price` overrides them for a
//! product; they value products without a price and the feed's contained value.

/// A price with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OxidePrice {
    /// Element symbol.
    pub symbol: &'static str,
    /// USD per kg of oxide.
    pub usd_per_kg: f64,
    /// Basis, date and source.
    pub source: &'static str,
}

const fn price(symbol: &'static str, usd_per_kg: f64, source: &'static str) -> OxidePrice {
    OxidePrice {
        symbol,
        usd_per_kg,
        source,
    }
}

const USGS: &str = "USGS Mineral Commodity Summaries 2025, rare earths: 2024 average, 99.5 %";
const PROMMIS: &str = "DOE PrOMMiS default_sale_prices (github prommis/prommis, 2023-2024)";

/// The built-in prices.
pub const OXIDE_PRICES: &[OxidePrice] = &[
    price("La", 1.0, USGS),
    price("Ce", 1.0, USGS),
    price(
        "Pr",
        60.5,
        "ASSUMPTION: 1.1 x NdPr oxide China spot ~55 USD/kg ex-VAT mid-2025 (SMM); Pr6O11 trades above Nd2O3",
    ),
    price("Nd", 56.0, USGS),
    price("Pm", 0.0, "not traded: radioactive, absent from ores"),
    price("Sm", 2.0, PROMMIS),
    price("Eu", 27.0, "USGS MCS 2025: 2024 average, 99.99 %"),
    price(
        "Gd",
        20.0,
        "SMM China domestic 163,000 CNY/t (2025-06-04) / 7.2 / 1.13 VAT",
    ),
    price("Tb", 810.0, "USGS MCS 2025: 2024 average, 99.99 %"),
    price("Dy", 260.0, USGS),
    price("Ho", 53.0, PROMMIS),
    price("Er", 34.0, PROMMIS),
    price("Tm", 0.0, PROMMIS),
    price("Yb", 29.0, PROMMIS),
    price("Lu", 797.0, PROMMIS),
    price(
        "Y",
        7.0,
        "SMM China domestic 56,000 CNY/t (2025-03-13) / 7.2 / 1.13 VAT",
    ),
    price("Sc", 4200.0, PROMMIS),
];

/// The built-in price of an element's oxide.
pub fn oxide_price(symbol: &str) -> Option<&'static OxidePrice> {
    OXIDE_PRICES.iter().find(|p| p.symbol == symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_has_a_sourced_price() {
        for e in crate::chem::Element::ALL {
            let p =
                oxide_price(e.symbol()).unwrap_or_else(|| panic!("{} has no price", e.symbol()));
            assert!(p.usd_per_kg >= 0.0 && !p.source.is_empty());
        }
    }
}
