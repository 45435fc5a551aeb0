//! Capital cost of equipment from its size: power-law cost curves with economies of scale,
//! escalated to the cost year by a plant cost index, times an installation factor.
//!
//! cost(size, year) = reference_cost x (size / reference_size)^exponent x index(year) /
//! index(reference year). The built-in curves and index values carry their sources (see
//! `docs/sources.md`, section 6, and the constants' docs).

/// A power-law cost curve of one kind of equipment: bare erected cost in USD of the reference
/// year for one unit of `reference_size` (in the unit the curve's docs name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostLaw {
    /// Bare erected cost of the reference unit, USD of `reference_year`.
    pub reference_cost: f64,
    /// Size of the reference unit (m^3 for vessels).
    pub reference_size: f64,
    /// Cost grows with size^exponent (below 1: economies of scale).
    pub exponent: f64,
    /// Year of `reference_cost`.
    pub reference_year: u16,
}

/// US gallons per m^3.
pub const GALLONS_PER_M3: f64 = 264.172_052;

/// Solvent-extraction mixer-settler, per unit (one stage), size = working volume in m^3: the
/// UKy rougher SX mixer-settler of DOE PrOMMiS, 1,285,343 USD-2016 bare erected cost at 61,107
/// gal, exponent 0.45 (`src/prommis/uky/costing/REE_costing_parameters.json`, github
/// prommis/prommis).
pub const MIXER_SETTLER: CostLaw = CostLaw {
    reference_cost: 1_285_343.0,
    reference_size: 61_107.0 / GALLONS_PER_M3,
    exponent: 0.45,
    reference_year: 2016,
};

/// Steel storage tank, size = volume in m^3: PrOMMiS entry 1/4.1 (UKy leaching steel tanks),
/// 117,750.75 USD-2016 at 49,950 gal, exponent 0.5624.
pub const STEEL_TANK: CostLaw = CostLaw {
    reference_cost: 117_750.75,
    reference_size: 49_950.0 / GALLONS_PER_M3,
    exponent: 0.5624,
    reference_year: 2016,
};

/// Centrifugal contactor, per unit (one stage), size = total liquid throughput in m^3/h.
/// ASSUMPTION: no public cost law was found; 150,000 USD-2023 for a 10 m^3/h unit, exponent
/// 0.6 (the "six-tenths rule"), i.e. per stage about a mixer-settler of that throughput.
pub const CENTRIFUGAL_CONTACTOR: CostLaw = CostLaw {
    reference_cost: 150_000.0,
    reference_size: 10.0,
    exponent: 0.6,
    reference_year: 2023,
};

impl CostLaw {
    /// Bare erected cost of one unit of `size`, USD of `reference_year`.
    pub fn bare_cost(&self, size: f64) -> f64 {
        if size <= 0.0 {
            return 0.0;
        }
        self.reference_cost * (size / self.reference_size).powf(self.exponent)
    }
}

/// Chemical Engineering Plant Cost Index (CEPCI, 1957-59 = 100), annual averages: Chemical
/// Engineering, "Economic Indicators" (Aug 2023) for 2016-2022; chemengonline.com (2024) for
/// 2023 = 797.9. 2024 has no confirmed annual value yet (docs/sources.md section 6).
pub const CEPCI: &[(u16, f64)] = &[
    (2016, 541.7),
    (2017, 567.5),
    (2018, 603.1),
    (2019, 607.5),
    (2020, 596.2),
    (2021, 708.8),
    (2022, 816.0),
    (2023, 797.9),
];

/// The CEPCI of `year`, if built in.
pub fn cepci(year: u16) -> Option<f64> {
    CEPCI.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
}

/// Years with a built-in index, for messages.
pub fn index_years() -> String {
    let years: Vec<String> = CEPCI.iter().map(|(y, _)| y.to_string()).collect();
    years.join(", ")
}

/// Factor that takes a cost of `from` to the cost year `to` (ratio of their indices).
/// `None` if either year has no built-in index.
pub fn escalation(from: u16, to: u16) -> Option<f64> {
    Some(cepci(to)? / cepci(from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K trains of 1/K the volume cost K^(1 - exponent) x one train: the economies of scale
    /// the parallel layouts give up.
    #[test]
    fn k_small_units_cost_k_to_one_minus_exponent_times_one_large() {
        let v = 120.0;
        for k in [2.0_f64, 4.0, 8.0] {
            let small = k * MIXER_SETTLER.bare_cost(v / k);
            let large = MIXER_SETTLER.bare_cost(v);
            let hand = k.powf(1.0 - 0.45);
            assert!(
                (small / large - hand).abs() < 1e-12,
                "{k}: {}",
                small / large
            );
        }
        // 4 trains: 4^0.55 = 2.14, the figure the issue quotes.
        assert!((4.0_f64.powf(0.55) - 2.1435).abs() < 1e-4);
    }

    #[test]
    fn the_reference_unit_costs_its_reference_cost() {
        let v = 61_107.0 / GALLONS_PER_M3;
        assert!((MIXER_SETTLER.bare_cost(v) - 1_285_343.0).abs() < 1e-6);
        assert!((v - 231.32).abs() < 0.01, "{v}");
        assert_eq!(MIXER_SETTLER.bare_cost(0.0), 0.0);
    }

    #[test]
    fn escalation_is_the_index_ratio() {
        let f = escalation(2016, 2022).unwrap();
        assert!((f - 816.0 / 541.7).abs() < 1e-12);
        assert_eq!(escalation(2016, 1990), None);
        // PrOMMiS's USD-2016 to 2023: x 1.473.
        assert!((escalation(2016, 2023).unwrap() - 1.473).abs() < 5e-4);
    }
}
