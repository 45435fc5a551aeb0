//! Built-in extractant systems and their neighbour separation factors, each with its source and
//! confidence (from `docs/sources.md`, section 1).
//!
//! A separation factor beta = D_heavier / D_lighter (dimensionless) is a default, not a constant:
//! it shifts with acidity, saponification, loading and complexants. Where the source gives a
//! range without a central figure, the built-in value is the lower (conservative) end and the
//! source string says so. Scenarios override any value with `separation_factors`.

use std::fmt;
use std::str::FromStr;

use super::{ChemError, Element};

/// How much a value can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Derived from formulas or fits (weakest).
    Derived,
    /// A literature value from the named publication; good as a default.
    Literature,
    /// Read directly in the cited source (strongest).
    Verified,
}

impl Confidence {
    /// The one-letter code of `docs/sources.md`: V, L or D.
    pub fn code(self) -> char {
        match self {
            Confidence::Verified => 'V',
            Confidence::Literature => 'L',
            Confidence::Derived => 'D',
        }
    }
}

/// A number with the publication it comes from and how far to trust it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    /// The value (its unit is stated where it is used).
    pub value: f64,
    /// Citation.
    pub source: String,
    /// Confidence.
    pub confidence: Confidence,
}

/// A built-in extractant system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extractant {
    /// P507 (HEH/EHP, PC88A) in kerosene against HCl.
    P507Hcl,
    /// D2EHPA (P204) in kerosene against HCl.
    D2ehpaHcl,
    /// Cyanex 272 (bis(2,4,4-trimethylpentyl)phosphinic acid), heavy splits only.
    Cyanex272,
    /// Naphthenic acid (the industrial yttrium extractant), light elements only.
    NaphthenicAcid,
}

const XIE: &str = "Xie et al., Miner. Eng. 56 (2014) 10";
const CIESC: &str = "CIESC J. 71(7) 3180 (2020) Table 3 (industrial design)";

/// One neighbour factor: (lighter, heavier, beta, source, confidence).
type Pair = (Element, Element, f64, &'static str, Confidence);

use Confidence::{Derived as D, Literature as L, Verified as V};
use Element::*;

const P507: &[Pair] = &[
    (
        La,
        Ce,
        4.0,
        "Xie et al., Miner. Eng. 56 (2014) 10 (range 3-5)",
        L,
    ),
    (Ce, Pr, 2.03, CIESC, V),
    (
        Pr,
        Nd,
        1.55,
        "CIESC J. 71(7) 3180 (2020) Table 3 (industrial design; range 1.4-1.6)",
        V,
    ),
    (
        Nd,
        Sm,
        2.0,
        "patent summary, ammoniated P507 process: 2-5 unsaponified (lower end taken), >10 ammoniated",
        V,
    ),
    (Sm, Eu, 2.0, XIE, L),
    (Eu, Gd, 1.45, XIE, L),
    (Gd, Tb, 4.0, XIE, L),
    (Tb, Dy, 2.2, XIE, L),
    (
        Dy,
        Ho,
        1.68,
        "logD = a pH + b fits for 0.26 M P507 at pH 0.5, repo joao-mbn/etr-optimization",
        D,
    ),
    (Ho, Y, 1.3, "literature value, docs/sources.md s1", L),
    (Y, Er, 1.5, "literature value, docs/sources.md s1", L),
    (Er, Tm, 3.0, XIE, L),
    (Tm, Yb, 3.0, XIE, L),
    (Yb, Lu, 1.7, XIE, L),
];

const D2EHPA: &[Pair] = &[
    (La, Ce, 3.0, "Sato, Hydrometallurgy 22 (1989) 121", L),
    (Ce, Pr, 2.0, "Sato, Hydrometallurgy 22 (1989) 121", L),
    (Pr, Nd, 1.35, "Sato, Hydrometallurgy 22 (1989) 121", L),
    (Nd, Sm, 7.0, "literature value, docs/sources.md s1", L),
    (Sm, Eu, 2.0, XIE, L),
    (Eu, Gd, 1.45, XIE, L),
    (Gd, Tb, 4.5, XIE, L),
    (Tb, Dy, 2.3, XIE, L),
    (Dy, Ho, 2.0, XIE, L),
    (
        Ho,
        Er,
        2.4,
        "literature value (Er/Ho with Y between; no Y split published)",
        L,
    ),
    (Er, Tm, 3.0, XIE, L),
    (Tm, Yb, 2.9, XIE, L),
    (Yb, Lu, 1.8, XIE, L),
];

const CYANEX: &[Pair] = &[
    (
        Er,
        Tm,
        3.0,
        "Xie et al. 2014; Li, J. Rare Earths 37 (2019) 468 (range 3-4, lower end taken)",
        L,
    ),
    (
        Tm,
        Yb,
        3.0,
        "Xie et al. 2014; Li, J. Rare Earths 37 (2019) 468 (range 3-4, lower end taken)",
        L,
    ),
    (
        Yb,
        Lu,
        1.5,
        "Xie et al. 2014; Li, J. Rare Earths 37 (2019) 468 (range 1.5-2, lower end taken)",
        L,
    ),
];

const NAPHTHENIC: &[Pair] = &[
    (La, Ce, 2.5, "J. Inner Mongolia Univ. 1979(1) 65", V),
    (Ce, Pr, 1.2, "J. Inner Mongolia Univ. 1979(1) 65", V),
    (Pr, Nd, 1.3, "J. Inner Mongolia Univ. 1979(1) 65", V),
];

impl Extractant {
    /// Every built-in system.
    pub const ALL: [Extractant; 4] = [
        Extractant::P507Hcl,
        Extractant::D2ehpaHcl,
        Extractant::Cyanex272,
        Extractant::NaphthenicAcid,
    ];

    /// The canonical name used in scenario files, e.g. `"P507-HCl"`.
    pub fn name(self) -> &'static str {
        match self {
            Extractant::P507Hcl => "P507-HCl",
            Extractant::D2ehpaHcl => "D2EHPA-HCl",
            Extractant::Cyanex272 => "Cyanex272",
            Extractant::NaphthenicAcid => "naphthenic-acid",
        }
    }

    /// The neighbour separation factors, lighter (less extracted) element first, in the order
    /// of extractability for this system.
    pub fn neighbour_factors(self) -> Vec<(Element, Element, Sourced)> {
        let table = match self {
            Extractant::P507Hcl => P507,
            Extractant::D2ehpaHcl => D2EHPA,
            Extractant::Cyanex272 => CYANEX,
            Extractant::NaphthenicAcid => NAPHTHENIC,
        };
        table
            .iter()
            .map(|&(a, b, value, source, confidence)| {
                let source = source.to_string();
                (
                    a,
                    b,
                    Sourced {
                        value,
                        source,
                        confidence,
                    },
                )
            })
            .collect()
    }

    /// Separation factors of `elements` relative to the first (first = 1), by multiplying the
    /// neighbour factors along this system's extractability order. `elements` must be in that
    /// order (least extracted first). The source lists every factor used; the confidence is the
    /// weakest among them.
    pub fn separation_factors(self, elements: &[Element]) -> Result<Vec<Sourced>, ChemError> {
        let chain = self.neighbour_factors();
        let order: Vec<Element> = std::iter::once(chain[0].0)
            .chain(chain.iter().map(|p| p.1))
            .collect();
        let position = |e: Element| {
            order
                .iter()
                .position(|&o| o == e)
                .ok_or_else(|| ChemError::MissingData {
                    extractant: self.name().into(),
                    element: e.symbol().into(),
                })
        };
        let first = position(elements[0])?;
        let mut out = Vec::with_capacity(elements.len());
        let mut previous = first;
        for (k, &e) in elements.iter().enumerate() {
            let here = position(e)?;
            if k > 0 && here <= previous {
                return Err(order_error(self, elements, &order));
            }
            previous = here;
            out.push(product(&chain[first..here]));
        }
        Ok(out)
    }
}

fn order_error(ex: Extractant, elements: &[Element], order: &[Element]) -> ChemError {
    let given: Vec<&str> = elements.iter().map(|e| e.symbol()).collect();
    let order: Vec<&str> = order.iter().map(|e| e.symbol()).collect();
    ChemError::field(
        "elements",
        format!(
            "[{}] is not in order of extractability with {} (least extracted first): {}",
            given.join(", "),
            ex.name(),
            order.join(" < ")
        ),
    )
}

fn product(pairs: &[(Element, Element, Sourced)]) -> Sourced {
    let value = pairs.iter().map(|p| p.2.value).product();
    let confidence = pairs
        .iter()
        .map(|p| p.2.confidence)
        .min()
        .unwrap_or(Confidence::Verified);
    let source = if pairs.is_empty() {
        "reference element (beta = 1 by definition)".to_string()
    } else {
        let parts: Vec<String> = pairs
            .iter()
            .map(|(a, b, s)| format!("{b}/{a} {} {} [{}]", s.value, s.confidence.code(), s.source))
            .collect();
        parts.join("; ")
    };
    Sourced {
        value,
        source,
        confidence,
    }
}

impl fmt::Display for Extractant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Extractant {
    type Err = ChemError;

    /// Parses a name, ignoring case and the separators `-`, `/`, `_` and spaces
    /// (`"P507-HCl"`, `"p507/hcl"`, `"P507"`, `"D2EHPA"`, `"Cyanex 272"`, `"naphthenic acid"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | '/' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "p507hcl" | "p507" | "pc88a" | "pc88ahcl" => Ok(Extractant::P507Hcl),
            "d2ehpahcl" | "d2ehpa" | "p204" | "p204hcl" => Ok(Extractant::D2ehpaHcl),
            "cyanex272" => Ok(Extractant::Cyanex272),
            "naphthenicacid" | "naphthenic" => Ok(Extractant::NaphthenicAcid),
            _ => Err(ChemError::field(
                "extractant",
                format!(
                    "unknown extractant `{s}`; expected one of {}",
                    Extractant::ALL.map(Extractant::name).join(", ")
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_contiguous_and_above_one() {
        for ex in Extractant::ALL {
            let chain = ex.neighbour_factors();
            for w in chain.windows(2) {
                assert_eq!(w[0].1, w[1].0, "{ex}");
            }
            assert!(
                chain
                    .iter()
                    .all(|p| p.2.value > 1.0 && !p.2.source.is_empty())
            );
        }
    }

    #[test]
    fn products_along_the_chain() {
        let f = Extractant::P507Hcl
            .separation_factors(&[Element::Ce, Element::Pr, Element::Nd])
            .unwrap();
        // Exact products of table values; 1e-12 is rounding only.
        assert!((f[1].value - 2.03).abs() < 1e-12);
        assert!((f[2].value - 2.03 * 1.55).abs() < 1e-12);
        assert_eq!(f[2].confidence, Confidence::Verified);
        let f = Extractant::P507Hcl
            .separation_factors(&[Element::La, Element::Nd])
            .unwrap();
        assert_eq!(f[1].confidence, Confidence::Literature);
        assert!(
            Extractant::P507Hcl
                .separation_factors(&[Element::Nd, Element::Pr])
                .is_err()
        );
        assert!(
            Extractant::NaphthenicAcid
                .separation_factors(&[Element::La, Element::Y])
                .is_err()
        );
        assert_eq!(
            "p507/hcl".parse::<Extractant>().unwrap(),
            Extractant::P507Hcl
        );
    }
}
