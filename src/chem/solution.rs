//! The solved steady state of one circuit, with REO-mass-basis and inventory helpers.
//!
//! Every fraction, purity and yield here is on the MOLE basis (share of total REE moles) unless
//! a method name says `reo` (share of total REO mass, each element as its usual oxide).

use super::{Element, FeedPhase};

/// The section a stage belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Stages 1..=n: fresh organic extracts the A group out of the aqueous.
    Extraction,
    /// Stages n+1..=n+m: scrub liquor washes the B group out of the loaded organic.
    Scrub,
}

impl Section {
    /// `"extraction"` or `"scrub"`.
    pub fn name(self) -> &'static str {
        match self {
            Section::Extraction => "extraction",
            Section::Scrub => "scrub",
        }
    }
}

/// One stage at steady state. Fractions are mole fractions of total REE in that phase, in the
/// order of [`CascadeSolution::elements`].
#[derive(Debug, Clone, PartialEq)]
pub struct StageProfile {
    /// Stage number, 1-based (1 = raffinate end, n + m = organic product end).
    pub number: usize,
    /// Section of the stage.
    pub section: Section,
    /// Aqueous leaving the stage: mole fraction of each element.
    pub aqueous: Vec<f64>,
    /// Organic leaving the stage: mole fraction of each element.
    pub organic: Vec<f64>,
    /// Aqueous REE flow leaving the stage, mol per mol REE fed.
    pub aqueous_flow: f64,
    /// Organic REE flow leaving the stage, mol per mol REE fed.
    pub organic_flow: f64,
}

/// A solved circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeSolution {
    /// Elements, least extracted first.
    pub elements: Vec<Element>,
    /// Index of the last element of the B product; A is every element after it.
    pub split_after: usize,
    /// Feed phase.
    pub feed_phase: FeedPhase,
    /// Feed mole fractions (sum 1).
    pub feed_composition: Vec<f64>,
    /// Extraction stages n.
    pub extraction_stages: usize,
    /// Scrub stages m.
    pub scrub_stages: usize,
    /// Extraction amount S, mol REE per mol feed (linear model: volume per feed volume).
    pub extraction_amount: f64,
    /// Scrub amount W, same unit as S.
    pub scrub_amount: f64,
    /// REE leaving in the A product, mol per mol feed (f'_A).
    pub product_fraction_a: f64,
    /// Stages 1..=n+m.
    pub stages: Vec<StageProfile>,
    /// Each element's fraction of its feed leaving in the A (organic) product; the rest leaves
    /// in the B (raffinate) product. Elements absent from the feed get their trace-limit split.
    pub split_to_a: Vec<f64>,
    /// A group's share of the A product, mole basis.
    pub purity_a: f64,
    /// B group's share of the B product, mole basis.
    pub purity_b: f64,
    /// Share of the A group's feed recovered in the A product, mole basis.
    pub yield_a: f64,
    /// Share of the B group's feed recovered in the B product, mole basis.
    pub yield_b: f64,
    /// Largest stage or overall imbalance of any element, mol per mol feed (<= 1e-9).
    pub mass_balance_error: f64,
    /// Iterations of the nonlinear solver (1 for the linear model).
    pub iterations: usize,
    /// Minimum extraction amount for a sharp split (loaded model), mol per mol feed.
    pub min_extraction_amount: Option<f64>,
    /// Things the user should know (S below minimum, defaults taken).
    pub warnings: Vec<String>,
}

/// REO masses of one lot split into the two products, per element, in the unit of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductMasses {
    /// REO mass of each element leaving in the A product.
    pub a: Vec<f64>,
    /// REO mass of each element leaving in the B product.
    pub b: Vec<f64>,
}

impl ProductMasses {
    /// Total REO mass in the A product.
    pub fn total_a(&self) -> f64 {
        self.a.iter().sum()
    }
    /// Total REO mass in the B product.
    pub fn total_b(&self) -> f64 {
        self.b.iter().sum()
    }
}

impl CascadeSolution {
    /// Each element's fraction of its feed leaving in the B (raffinate) product.
    pub fn split_to_b(&self) -> Vec<f64> {
        self.split_to_a.iter().map(|a| 1.0 - a).collect()
    }

    /// Each element's A- and B-product amounts, mol per mol feed.
    fn product_moles(&self) -> (Vec<f64>, Vec<f64>) {
        let a = self
            .split_to_a
            .iter()
            .zip(&self.feed_composition)
            .map(|(s, z)| s * z)
            .collect();
        let b = self
            .split_to_a
            .iter()
            .zip(&self.feed_composition)
            .map(|(s, z)| (1.0 - s) * z)
            .collect();
        (a, b)
    }

    /// Purities (A, B) on the REO mass basis (key group's share of total REO mass).
    pub fn purities_reo(&self) -> (f64, f64) {
        let (a, b) = self.product_moles();
        let ma = super::elements::moles_to_reo_mass(&self.elements, &a);
        let mb = super::elements::moles_to_reo_mass(&self.elements, &b);
        let k = self.split_after;
        let pa = ma[k + 1..].iter().sum::<f64>() / ma.iter().sum::<f64>();
        let pb = mb[..=k].iter().sum::<f64>() / mb.iter().sum::<f64>();
        (pa, pb)
    }

    /// Splits a lot given as REO mass per element (any mass unit, order of `elements`) into
    /// A and B product REO masses with this solution's per-element splits. The splits are
    /// those of the solved feed composition; a lot of another composition is split as if it
    /// were a small perturbation of it.
    pub fn split_lot_reo(&self, lot_reo_mass: &[f64]) -> ProductMasses {
        let a = lot_reo_mass
            .iter()
            .zip(&self.split_to_a)
            .map(|(m, s)| m * s)
            .collect();
        let b = lot_reo_mass
            .iter()
            .zip(&self.split_to_a)
            .map(|(m, s)| m * (1.0 - s))
            .collect();
        ProductMasses { a, b }
    }

    /// In-circuit REE per unit feed rate and unit residence time: the sum over stages of the
    /// organic plus aqueous REE flows leaving them, mol REE per (mol/h fed x h per stage).
    pub fn inventory_factor(&self) -> f64 {
        self.stages
            .iter()
            .map(|s| s.aqueous_flow + s.organic_flow)
            .sum()
    }

    /// In-circuit REE inventory for feed rate `feed_rate` (REE amount per hour, e.g. mol/h)
    /// and residence time per stage `residence_h` (hours, both phases): feed rate x residence x
    /// [`inventory_factor`](Self::inventory_factor), in the feed rate's amount unit (mole
    /// basis).
    pub fn inventory(&self, feed_rate: f64, residence_h: f64) -> f64 {
        feed_rate * residence_h * self.inventory_factor()
    }

    /// The inventory factor on the REO mass basis: REO mass held per (REO mass/h fed x h per
    /// stage). Multiply by a feed rate in t REO/h and a residence in h for t REO in circuit.
    pub fn inventory_factor_reo(&self) -> f64 {
        let oxide = |fr: &[f64]| -> f64 {
            fr.iter()
                .zip(&self.elements)
                .map(|(f, e)| f * e.oxide_mass_per_mol())
                .sum()
        };
        let held: f64 = self
            .stages
            .iter()
            .map(|s| s.aqueous_flow * oxide(&s.aqueous) + s.organic_flow * oxide(&s.organic))
            .sum();
        held / oxide(&self.feed_composition)
    }
}
