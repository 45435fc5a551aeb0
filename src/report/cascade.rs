//! Rendering of a solved circuit ([`CascadeSolution`]): JSON object and terminal table.
//!
//! Basis: mole fractions of total REE unless a key says `reo` (REO mass basis).

use serde_json::{Map, Value, json};

use super::design::{pct, row};
use crate::chem::CascadeSolution;

/// `{element symbol: value}` in the solution's element order (JSON objects sort keys; the
/// `elements` array keeps the order).
fn by_element(s: &CascadeSolution, values: &[f64]) -> Value {
    let map: Map<String, Value> = s
        .elements
        .iter()
        .zip(values)
        .map(|(e, v)| (e.symbol().to_string(), json!(v)))
        .collect();
    Value::Object(map)
}

/// The JSON object of one circuit: the contract keys `name`, `purity_a`, `purity_b`, `yield_a`,
/// `yield_b`, `split_to_a` {element: fraction}, `stages` [{`aqueous` {el: frac}, `organic`
/// {el: frac}}], `mass_balance_error`, `iterations`, plus context (`basis`, `elements`,
/// `a_product`, `b_product`, stage numbers and flows, S, W, S_min, REO-basis purities,
/// `inventory_factor`, `warnings`).
pub fn to_json(name: &str, s: &CascadeSolution) -> Value {
    let (reo_a, reo_b) = s.purities_reo();
    let symbols = |r: &[crate::chem::Element]| r.iter().map(|e| e.symbol()).collect::<Vec<_>>();
    let stages: Vec<Value> = s
        .stages
        .iter()
        .map(|st| {
            json!({
                "stage": st.number,
                "section": st.section.name(),
                "aqueous": by_element(s, &st.aqueous),
                "organic": by_element(s, &st.organic),
                "aqueous_flow": st.aqueous_flow,
                "organic_flow": st.organic_flow,
            })
        })
        .collect();
    json!({
        "name": name,
        "basis": "mole fractions of total REE; flows in mol REE per mol REE fed",
        "elements": symbols(&s.elements),
        "b_product": symbols(&s.elements[..=s.split_after]),
        "a_product": symbols(&s.elements[s.split_after + 1..]),
        "feed_phase": s.feed_phase.name(),
        "extraction_stages": s.extraction_stages,
        "scrub_stages": s.scrub_stages,
        "extraction_amount": s.extraction_amount,
        "scrub_amount": s.scrub_amount,
        "min_extraction_amount": s.min_extraction_amount,
        "product_fraction_a": s.product_fraction_a,
        "purity_a": s.purity_a,
        "purity_b": s.purity_b,
        "yield_a": s.yield_a,
        "yield_b": s.yield_b,
        "reo_basis": { "purity_a": reo_a, "purity_b": reo_b },
        "split_to_a": by_element(s, &s.split_to_a),
        "inventory_factor": s.inventory_factor(),
        "stages": stages,
        "mass_balance_error": s.mass_balance_error,
        "iterations": s.iterations,
        "warnings": s.warnings,
    })
}

/// Aligned text: summary, per-element splits, and the stage profile (REE flows and the A
/// group's share in each phase, with the key elements' aqueous fractions).
pub fn to_table(name: &str, s: &CascadeSolution) -> String {
    let k = s.split_after;
    let group =
        |r: &[crate::chem::Element]| r.iter().map(|e| e.symbol()).collect::<Vec<_>>().join("+");
    let (a_name, b_name) = (group(&s.elements[k + 1..]), group(&s.elements[..=k]));
    let mut t = format!(
        "Circuit {name}: {b_name} | {a_name} split, {} feed, n = {} extraction + m = {} scrub stages\n\
         Basis: mole fractions of total REE; flows in mol REE per mol REE fed\n\n",
        s.feed_phase.name(),
        s.extraction_stages,
        s.scrub_stages
    );
    summary(&mut t, s, &a_name, &b_name);
    splits(&mut t, s);
    profile(&mut t, s);
    for w in &s.warnings {
        t.push_str(&format!("warning: {w}\n"));
    }
    t
}

fn summary(t: &mut String, s: &CascadeSolution, a_name: &str, b_name: &str) {
    let (reo_a, reo_b) = s.purities_reo();
    row(
        t,
        "extraction amount S / scrub W",
        format!("{:.4} / {:.4}", s.extraction_amount, s.scrub_amount),
    );
    if let Some(m) = s.min_extraction_amount {
        row(t, "minimum S (Underwood, sharp split)", format!("{m:.4}"));
    }
    row(
        t,
        "A product (organic) per mol fed",
        format!("{:.6} mol", s.product_fraction_a),
    );
    row(
        t,
        &format!("A purity ({a_name})"),
        format!("{}  (REO mass basis {})", pct(s.purity_a), pct(reo_a)),
    );
    row(
        t,
        &format!("B purity ({b_name})"),
        format!("{}  (REO mass basis {})", pct(s.purity_b), pct(reo_b)),
    );
    row(
        t,
        "A yield / B yield",
        format!("{} / {}", pct(s.yield_a), pct(s.yield_b)),
    );
    row(
        t,
        "inventory factor",
        format!(
            "{:.3} (REE in circuit = feed rate x residence per stage x factor)",
            s.inventory_factor()
        ),
    );
    row(
        t,
        "mass balance error",
        format!(
            "{:.2e} mol/mol fed ({} iterations)",
            s.mass_balance_error, s.iterations
        ),
    );
}

fn splits(t: &mut String, s: &CascadeSolution) {
    t.push_str("\n  element   feed (mol frac)   to A (organic)   to B (raffinate)\n");
    for (i, e) in s.elements.iter().enumerate() {
        let a = s.split_to_a[i];
        t.push_str(&format!(
            "  {:<8}  {:>15.6}  {:>15.6e}  {:>17.6e}\n",
            e.symbol(),
            s.feed_composition[i],
            a,
            1.0 - a
        ));
    }
}

fn profile(t: &mut String, s: &CascadeSolution) {
    let k = s.split_after;
    let (lk, hk) = (s.elements[k].symbol(), s.elements[k + 1].symbol());
    t.push_str(&format!(
        "\n  stage  section     aq REE  org REE  aq A-share  org A-share  aq {lk:<6}  aq {hk:<6}\n"
    ));
    for st in &s.stages {
        let share = |f: &[f64]| f[k + 1..].iter().sum::<f64>();
        t.push_str(&format!(
            "  {:>5}  {:<10} {:>7.4}  {:>7.4}  {:>10.6}  {:>11.6}  {:>9.6}  {:>9.6}\n",
            st.number,
            st.section.name(),
            st.aqueous_flow,
            st.organic_flow,
            share(&st.aqueous),
            share(&st.organic),
            st.aqueous[k],
            st.aqueous[k + 1]
        ));
    }
}
