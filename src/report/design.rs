//! Rendering of a [`Design`] (the `reesim design` command): table, JSON and CSV.
//!
//! Basis: every fraction, purity and yield is a mole fraction of total REE; flows are mol REE
//! per mol REE fed.

use serde::Serialize;

use super::Format;
use super::contract::{VERSION, to_text};
use crate::Result;
use crate::chem::Design;

/// The design in `format`.
pub fn render(d: &Design, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(to_table(d)),
        Format::Json => to_text(&DesignDoc::of(d)),
        Format::Csv => Ok(to_csv(d)),
    }
}

/// The JSON contract of `reesim design`: the keys `beta`, `feed_fraction`, `feed_phase`,
/// `product_fraction_a`, `purification_a`, `purification_b`, `extraction_amount`,
/// `scrub_amount`, `extraction_ratio`, `scrub_ratio`, `min_extraction_amount`, `simplified`,
/// `exact`, plus `basis`, `units`, `targets`, `min_scrub_amount`, `extraction_amount_rule` and
/// `reesim_version`. Units are listed once in `units`.
#[derive(Debug, Serialize)]
pub struct DesignDoc {
    /// Separation factor of A over B.
    pub beta: f64,
    /// A in the feed REE, mol/mol.
    pub feed_fraction: f64,
    /// "aqueous" or "organic".
    pub feed_phase: &'static str,
    /// Target purities.
    pub targets: Targets,
    /// A product per mol fed.
    pub product_fraction_a: f64,
    /// Purification factor of A.
    pub purification_a: f64,
    /// Purification factor of B.
    pub purification_b: f64,
    /// S, mol REE in organic per mol fed.
    pub extraction_amount: f64,
    /// "sqrt(beta) rule" or "given".
    pub extraction_amount_rule: &'static str,
    /// W, mol REE in scrub aqueous per mol fed.
    pub scrub_amount: f64,
    /// Organic/aqueous REE flow ratio in extraction.
    pub extraction_ratio: f64,
    /// Organic/aqueous REE flow ratio in scrub.
    pub scrub_ratio: f64,
    /// Minimum S for a sharp split.
    pub min_extraction_amount: f64,
    /// Minimum W for a sharp split.
    pub min_scrub_amount: f64,
    /// Simplified (optimistic) stage numbers.
    pub simplified: Simplified,
    /// The verified design.
    pub exact: Exact,
    /// Always "mole fractions of total REE".
    pub basis: &'static str,
    /// Unit of every key above.
    pub units: Units,
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
}

/// Target purities of the two products.
#[derive(Debug, Serialize)]
pub struct Targets {
    /// A (organic) product, mol/mol.
    pub purity_a: f64,
    /// B (raffinate) product, mol/mol.
    pub purity_b: f64,
}

/// Simplified stage numbers (fractional).
#[derive(Debug, Serialize)]
pub struct Simplified {
    /// Extraction stages.
    pub n: f64,
    /// Scrub stages.
    pub m: f64,
}

/// The smallest n + m whose stage-by-stage solve meets both targets.
#[derive(Debug, Serialize)]
pub struct Exact {
    /// Extraction stages.
    pub n: usize,
    /// Scrub stages.
    pub m: usize,
    /// Solved purity of A.
    pub purity_a: f64,
    /// Solved purity of B.
    pub purity_b: f64,
    /// Solved yield of A.
    pub yield_a: f64,
    /// Solved yield of B.
    pub yield_b: f64,
}

/// The unit of each key of [`DesignDoc`].
#[derive(Debug, Serialize)]
pub struct Units {
    /// Of `feed_fraction`.
    pub feed_fraction: &'static str,
    /// Of `product_fraction_a`.
    pub product_fraction_a: &'static str,
    /// Of purities.
    pub purity: &'static str,
    /// Of yields.
    #[serde(rename = "yield")]
    pub yield_: &'static str,
    /// Of `extraction_amount`.
    pub extraction_amount: &'static str,
    /// Of `scrub_amount`.
    pub scrub_amount: &'static str,
    /// Of `extraction_ratio`.
    pub extraction_ratio: &'static str,
    /// Of `scrub_ratio`.
    pub scrub_ratio: &'static str,
    /// Of `n`.
    pub n: &'static str,
    /// Of `m`.
    pub m: &'static str,
}

impl DesignDoc {
    /// The document of a design.
    pub fn of(d: &Design) -> DesignDoc {
        let i = &d.input;
        let e = &d.exact;
        DesignDoc {
            beta: i.beta,
            feed_fraction: i.feed_fraction,
            feed_phase: i.feed_phase.name(),
            targets: Targets {
                purity_a: i.purity_a,
                purity_b: i.purity_b,
            },
            product_fraction_a: d.product_fraction_a,
            purification_a: d.purification_a,
            purification_b: d.purification_b,
            extraction_amount: d.extraction_amount,
            extraction_amount_rule: if d.extraction_amount_recommended {
                "sqrt(beta) rule"
            } else {
                "given"
            },
            scrub_amount: d.scrub_amount,
            extraction_ratio: d.extraction_ratio,
            scrub_ratio: d.scrub_ratio,
            min_extraction_amount: d.min_extraction_amount,
            min_scrub_amount: d.min_scrub_amount,
            simplified: Simplified {
                n: d.simplified.0,
                m: d.simplified.1,
            },
            exact: Exact {
                n: e.n,
                m: e.m,
                purity_a: e.purity_a,
                purity_b: e.purity_b,
                yield_a: e.yield_a,
                yield_b: e.yield_b,
            },
            basis: "mole fractions of total REE",
            units: Units {
                feed_fraction: "mol/mol REE",
                product_fraction_a: "mol/mol REE fed",
                purity: "mol/mol REE in product",
                yield_: "mol/mol of the group fed",
                extraction_amount: "mol REE in organic per mol REE fed",
                scrub_amount: "mol REE in scrub aqueous per mol REE fed",
                extraction_ratio: "organic/aqueous REE flow",
                scrub_ratio: "organic/aqueous REE flow",
                n: "stages",
                m: "stages",
            },
            reesim_version: VERSION,
        }
    }
}

/// One header line and one row of the main figures, comma separated.
pub fn to_csv(d: &Design) -> String {
    let i = &d.input;
    let e = &d.exact;
    let header = "beta,feed_fraction,feed_phase,purity_a_target,purity_b_target,product_fraction_a,\
purification_a,purification_b,extraction_amount,scrub_amount,extraction_ratio,scrub_ratio,\
min_extraction_amount,simplified_n,simplified_m,exact_n,exact_m,purity_a,purity_b,yield_a,yield_b";
    let row = [
        i.beta.to_string(),
        i.feed_fraction.to_string(),
        i.feed_phase.name().to_string(),
        i.purity_a.to_string(),
        i.purity_b.to_string(),
        d.product_fraction_a.to_string(),
        d.purification_a.to_string(),
        d.purification_b.to_string(),
        d.extraction_amount.to_string(),
        d.scrub_amount.to_string(),
        d.extraction_ratio.to_string(),
        d.scrub_ratio.to_string(),
        d.min_extraction_amount.to_string(),
        d.simplified.0.to_string(),
        d.simplified.1.to_string(),
        e.n.to_string(),
        e.m.to_string(),
        e.purity_a.to_string(),
        e.purity_b.to_string(),
        e.yield_a.to_string(),
        e.yield_b.to_string(),
    ];
    format!("{header}\n{}\n", row.join(","))
}

/// Aligned text for a process engineer.
pub fn to_table(d: &Design) -> String {
    let i = &d.input;
    let e = &d.exact;
    let feed = match i.feed_phase {
        crate::chem::FeedPhase::Aqueous => "aqueous, enters extraction stage n",
        crate::chem::FeedPhase::Organic => "loaded organic, enters scrub stage n+1",
    };
    let rule = if d.extraction_amount_recommended {
        "sqrt(beta) rule"
    } else {
        "given"
    };
    let mut t = String::from(
        "SX circuit design: loaded organic, constant separation factor\n\
         Basis: mole fractions of total REE; flows in mol REE per mol REE fed\n\nRequest\n",
    );
    row(
        &mut t,
        "separation factor beta (A/B)",
        format!("{:.4}", i.beta),
    );
    row(
        &mut t,
        "A in feed, f_A",
        format!("{:.6} mol/mol REE", i.feed_fraction),
    );
    row(&mut t, "feed", feed);
    row(
        &mut t,
        "target purity A / B",
        format!("{} / {}", pct(i.purity_a), pct(i.purity_b)),
    );
    t.push_str("\nCascade extraction theory\n");
    row(
        &mut t,
        "A-product fraction f'_A",
        format!("{:.6} mol/mol fed", d.product_fraction_a),
    );
    row(
        &mut t,
        "purification factors a / b",
        format!("{:.1} / {:.1}", d.purification_a, d.purification_b),
    );
    row(
        &mut t,
        "extraction amount S",
        format!("{:.4} mol/mol fed ({rule})", d.extraction_amount),
    );
    row(
        &mut t,
        "scrub amount W",
        format!("{:.4} mol/mol fed", d.scrub_amount),
    );
    row(
        &mut t,
        "minimum S / W (sharp split)",
        format!(
            "{:.4} / {:.4} mol/mol fed",
            d.min_extraction_amount, d.min_scrub_amount
        ),
    );
    row(
        &mut t,
        "E_M extraction / E'_M scrub",
        format!(
            "{:.4} / {:.4} (organic/aqueous REE flow)",
            d.extraction_ratio, d.scrub_ratio
        ),
    );
    row(
        &mut t,
        "simplified stages n / m",
        format!("{:.2} / {:.2} (optimistic)", d.simplified.0, d.simplified.1),
    );
    t.push_str(
        "\nVerified design (smallest n + m whose stage-by-stage solve meets both targets)\n",
    );
    row(&mut t, "extraction stages n", e.n);
    row(&mut t, "scrub stages m", e.m);
    row(&mut t, "total stages", e.n + e.m);
    row(
        &mut t,
        "A product: purity / yield",
        format!("{} / {}", pct(e.purity_a), pct(e.yield_a)),
    );
    row(
        &mut t,
        "B product: purity / yield",
        format!("{} / {}", pct(e.purity_b), pct(e.yield_b)),
    );
    t
}

/// Appends one aligned `label  value` line.
pub(crate) fn row(out: &mut String, label: &str, value: impl std::fmt::Display) {
    out.push_str(&format!("  {label:<34} {value}\n"));
}

/// A fraction as a percentage with enough digits to show high purities.
pub(crate) fn pct(f: f64) -> String {
    let digits = if f > 0.9999 {
        5
    } else if f > 0.99 {
        4
    } else {
        2
    };
    format!("{:.*} %", digits, 100.0 * f)
}
