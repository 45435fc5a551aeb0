//! Rendering of a [`Design`] (the `reesim design` command): table, JSON and CSV.
//!
//! Basis: every fraction, purity and yield is a mole fraction of total REE; flows are mol REE
//! per mol REE fed.

use serde_json::{Value, json};

use crate::chem::Design;

/// The JSON contract of `reesim design`: the keys of the issue (`beta`, `feed_fraction`,
/// `feed_phase`, `product_fraction_a`, `purification_a`, `purification_b`, `extraction_amount`,
/// `scrub_amount`, `extraction_ratio`, `scrub_ratio`, `min_extraction_amount`, `simplified`,
/// `exact`) plus `basis`, `units`, `targets`, `min_scrub_amount`, `extraction_amount_rule` and
/// `reesim_version`.
pub fn to_json(d: &Design) -> Value {
    let i = &d.input;
    let e = &d.exact;
    json!({
        "beta": i.beta,
        "feed_fraction": i.feed_fraction,
        "feed_phase": i.feed_phase.name(),
        "targets": { "purity_a": i.purity_a, "purity_b": i.purity_b },
        "product_fraction_a": d.product_fraction_a,
        "purification_a": d.purification_a,
        "purification_b": d.purification_b,
        "extraction_amount": d.extraction_amount,
        "extraction_amount_rule": if d.extraction_amount_recommended { "sqrt(beta) rule" } else { "given" },
        "scrub_amount": d.scrub_amount,
        "extraction_ratio": d.extraction_ratio,
        "scrub_ratio": d.scrub_ratio,
        "min_extraction_amount": d.min_extraction_amount,
        "min_scrub_amount": d.min_scrub_amount,
        "simplified": { "n": d.simplified.0, "m": d.simplified.1 },
        "exact": {
            "n": e.n,
            "m": e.m,
            "purity_a": e.purity_a,
            "purity_b": e.purity_b,
            "yield_a": e.yield_a,
            "yield_b": e.yield_b,
        },
        "basis": "mole fractions of total REE",
        "units": {
            "feed_fraction": "mol/mol REE",
            "product_fraction_a": "mol/mol REE fed",
            "purity": "mol/mol REE in product",
            "yield": "mol/mol of the group fed",
            "extraction_amount": "mol REE in organic per mol REE fed",
            "scrub_amount": "mol REE in scrub aqueous per mol REE fed",
            "extraction_ratio": "organic/aqueous REE flow",
            "scrub_ratio": "organic/aqueous REE flow",
            "n": "stages",
            "m": "stages",
        },
        "reesim_version": env!("CARGO_PKG_VERSION"),
    })
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
