//! Rare-earth elements: atomic masses, the usual oxide of each, and element <-> REO mass
//! conversion.
//!
//! Atomic masses are the IUPAC/CIAAW standard atomic weights (2021 abridged values; Pm has no
//! stable isotope and carries the mass number of its longest-lived isotope, 145). The usual
//! oxide is RE2O3 except CeO2, Pr6O11 and Tb4O7, as trade and assay conventions report them.

use std::fmt;
use std::str::FromStr;

use super::ChemError;

/// Standard atomic weight of oxygen, g/mol (CIAAW 2021 abridged).
pub const OXYGEN_G_PER_MOL: f64 = 15.999;

/// Source string of the atomic-mass table.
pub const ATOMIC_MASS_SOURCE: &str = "IUPAC CIAAW standard atomic weights, 2021 abridged values";

/// A rare-earth element (the 15 lanthanides, yttrium and scandium).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Element {
    /// Scandium.
    Sc,
    /// Yttrium.
    Y,
    /// Lanthanum.
    La,
    /// Cerium.
    Ce,
    /// Praseodymium.
    Pr,
    /// Neodymium.
    Nd,
    /// Promethium (no stable isotope; absent from ores, no separation data).
    Pm,
    /// Samarium.
    Sm,
    /// Europium.
    Eu,
    /// Gadolinium.
    Gd,
    /// Terbium.
    Tb,
    /// Dysprosium.
    Dy,
    /// Holmium.
    Ho,
    /// Erbium.
    Er,
    /// Thulium.
    Tm,
    /// Ytterbium.
    Yb,
    /// Lutetium.
    Lu,
}

/// The usual oxide of an element as `(metal atoms, oxygen atoms)` in its formula.
type OxideFormula = (u32, u32);

/// (element, symbol, atomic mass g/mol, usual oxide formula).
const TABLE: [(Element, &str, f64, OxideFormula); 17] = [
    (Element::Sc, "Sc", 44.955_908, (2, 3)),
    (Element::Y, "Y", 88.905_838, (2, 3)),
    (Element::La, "La", 138.905_47, (2, 3)),
    (Element::Ce, "Ce", 140.116, (1, 2)),
    (Element::Pr, "Pr", 140.907_66, (6, 11)),
    (Element::Nd, "Nd", 144.242, (2, 3)),
    (Element::Pm, "Pm", 145.0, (2, 3)),
    (Element::Sm, "Sm", 150.36, (2, 3)),
    (Element::Eu, "Eu", 151.964, (2, 3)),
    (Element::Gd, "Gd", 157.25, (2, 3)),
    (Element::Tb, "Tb", 158.925_354, (4, 7)),
    (Element::Dy, "Dy", 162.500, (2, 3)),
    (Element::Ho, "Ho", 164.930_329, (2, 3)),
    (Element::Er, "Er", 167.259, (2, 3)),
    (Element::Tm, "Tm", 168.934_219, (2, 3)),
    (Element::Yb, "Yb", 173.045, (2, 3)),
    (Element::Lu, "Lu", 174.966_8, (2, 3)),
];

impl Element {
    /// Every element, Sc and Y first, then La..Lu by atomic number.
    pub const ALL: [Element; 17] = [
        Element::Sc,
        Element::Y,
        Element::La,
        Element::Ce,
        Element::Pr,
        Element::Nd,
        Element::Pm,
        Element::Sm,
        Element::Eu,
        Element::Gd,
        Element::Tb,
        Element::Dy,
        Element::Ho,
        Element::Er,
        Element::Tm,
        Element::Yb,
        Element::Lu,
    ];

    fn row(self) -> &'static (Element, &'static str, f64, OxideFormula) {
        &TABLE[self as usize]
    }

    /// Chemical symbol, e.g. `"Nd"`.
    pub fn symbol(self) -> &'static str {
        self.row().1
    }

    /// Standard atomic weight, g/mol.
    pub fn atomic_mass(self) -> f64 {
        self.row().2
    }

    /// Formula of the usual oxide, e.g. `"Nd2O3"`, `"CeO2"`, `"Pr6O11"`.
    pub fn oxide_formula(self) -> String {
        let (metal, oxygen) = self.row().3;
        let count = |k: u32| if k == 1 { String::new() } else { k.to_string() };
        format!("{}{}O{}", self.symbol(), count(metal), count(oxygen))
    }

    /// Oxygen atoms per metal atom in the usual oxide (1.5 for RE2O3, 2 for CeO2, 11/6 for
    /// Pr6O11, 7/4 for Tb4O7).
    pub fn oxygen_per_metal(self) -> f64 {
        let (metal, oxygen) = self.row().3;
        f64::from(oxygen) / f64::from(metal)
    }

    /// Mass of usual oxide holding one mole of the element, g REO per mol element.
    pub fn oxide_mass_per_mol(self) -> f64 {
        self.atomic_mass() + self.oxygen_per_metal() * OXYGEN_G_PER_MOL
    }

    /// Oxide factor: mass of usual oxide per mass of element (e.g. 1.1664 for Nd2O3), g/g.
    pub fn oxide_factor(self) -> f64 {
        self.oxide_mass_per_mol() / self.atomic_mass()
    }

    /// Converts a mass of element to the mass of its usual oxide (same unit in and out).
    pub fn element_to_oxide_mass(self, element_mass: f64) -> f64 {
        element_mass * self.oxide_factor()
    }

    /// Converts a mass of usual oxide to the mass of element it holds (same unit in and out).
    pub fn oxide_to_element_mass(self, oxide_mass: f64) -> f64 {
        oxide_mass / self.oxide_factor()
    }
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Element {
    type Err = ChemError;

    /// Parses a symbol, case-insensitively (`"Nd"`, `"nd"`, `"ND"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Element::ALL
            .into_iter()
            .find(|e| e.symbol().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ChemError::UnknownElement {
                field: "elements".into(),
                value: s.to_string(),
            })
    }
}

/// The symbols of every element, comma separated, for error messages.
pub fn all_symbols() -> String {
    Element::ALL.map(Element::symbol).join(", ")
}

/// Converts mole fractions (or mole amounts) of elements to REO masses, g of usual oxide per mol
/// of the input basis. `elements` and `moles` have the same order and length.
pub fn moles_to_reo_mass(elements: &[Element], moles: &[f64]) -> Vec<f64> {
    elements
        .iter()
        .zip(moles)
        .map(|(e, n)| n * e.oxide_mass_per_mol())
        .collect()
}

/// Converts REO masses (g, or any mass unit if you read the result in that unit per g/mol) of
/// elements to moles of element, mol per g of the input unit. Same order and length.
pub fn reo_mass_to_moles(elements: &[Element], reo_masses: &[f64]) -> Vec<f64> {
    elements
        .iter()
        .zip(reo_masses)
        .map(|(e, m)| m / e.oxide_mass_per_mol())
        .collect()
}

/// Normalises non-negative amounts to fractions summing to 1; all zeros stay zeros.
pub fn normalise(amounts: &[f64]) -> Vec<f64> {
    let total: f64 = amounts.iter().sum();
    if total > 0.0 {
        amounts.iter().map(|a| a / total).collect()
    } else {
        amounts.to_vec()
    }
}

/// Mole fractions of elements -> REO mass fractions (each the element's share of total REO mass).
pub fn mole_to_reo_mass_fractions(elements: &[Element], mole_fractions: &[f64]) -> Vec<f64> {
    normalise(&moles_to_reo_mass(elements, mole_fractions))
}

/// REO mass fractions -> mole fractions of elements.
pub fn reo_mass_to_mole_fractions(elements: &[Element], reo_fractions: &[f64]) -> Vec<f64> {
    normalise(&reo_mass_to_moles(elements, reo_fractions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_match_enum_order() {
        for e in Element::ALL {
            assert_eq!(e.row().0, e);
        }
    }

    #[test]
    fn oxide_factors_match_handbook_values() {
        // Handbook oxide factors to 4 decimals; tolerance 1e-4 is the rounding of those figures.
        let cases = [
            (Element::Nd, 1.1664),
            (Element::Ce, 1.2284),
            (Element::Pr, 1.2082),
            (Element::Tb, 1.1762),
            (Element::Y, 1.2699),
            (Element::La, 1.1728),
        ];
        for (e, factor) in cases {
            assert!(
                (e.oxide_factor() - factor).abs() < 1e-4,
                "{e}: {}",
                e.oxide_factor()
            );
        }
        assert_eq!(Element::Pr.oxide_formula(), "Pr6O11");
        assert_eq!(Element::Ce.oxide_formula(), "CeO2");
        assert_eq!(Element::Nd.oxide_formula(), "Nd2O3");
    }

    #[test]
    fn mass_round_trip_and_parse() {
        let m = Element::Dy.element_to_oxide_mass(3.0);
        assert!((Element::Dy.oxide_to_element_mass(m) - 3.0).abs() < 1e-12);
        assert_eq!("nd".parse::<Element>().unwrap(), Element::Nd);
        assert!("Xx".parse::<Element>().is_err());
        let els = [Element::Pr, Element::Nd];
        let back =
            reo_mass_to_mole_fractions(&els, &mole_to_reo_mass_fractions(&els, &[0.25, 0.75]));
        assert!((back[0] - 0.25).abs() < 1e-12);
    }
}
