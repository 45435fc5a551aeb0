//! Rendering of a solved circuit ([`CascadeSolution`]): JSON object and terminal table.
//!
//! Basis: mole fractions of total REE unless a key says `reo` (REO mass basis).

use serde::Serialize;

use super::Format;
use super::contract::{Ordered, VERSION, cell, csv_text, to_text};
use super::design::{pct, row};
use super::dynamic::{DynamicDoc, DynamicRun};
use crate::Result;
use crate::chem::CascadeSolution;

/// One solved circuit of `reesim cascade`, with its dynamic runs when `--dynamic` was given.
#[derive(Debug)]
pub struct SolvedCircuit {
    /// Circuit name.
    pub name: String,
    /// The steady-state solution.
    pub solution: CascadeSolution,
    /// The dynamic runs, with `--dynamic`.
    pub dynamic: Option<Dynamics>,
}

/// The dynamic runs of a circuit and the settings they used.
#[derive(Debug)]
pub struct Dynamics {
    /// Naive start-up, then the restart after a stop.
    pub runs: Vec<DynamicRun>,
    /// Stage residence tau, h, and where it came from.
    pub residence: (f64, &'static str),
    /// On-spec rule for a product without a sales spec: impurity within this fraction of the
    /// steady impurity.
    pub tolerance: f64,
    /// Sales specs (minimum purity) of the A and B products, if any.
    pub sales: [Option<f64>; 2],
    /// Aqueous exchange during a stop, fraction of the running aqueous flow.
    pub exchange: f64,
}

/// Every circuit in `format`: table (summary, splits, stage profile, then the dynamic runs),
/// JSON, or CSV (stage profiles in long form: one row per circuit, stage and element).
pub fn render(scenario: &str, circuits: &[SolvedCircuit], format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(circuits
            .iter()
            .map(|c| {
                let mut t = to_table(&c.name, &c.solution);
                if let Some(d) = &c.dynamic {
                    t.push_str(&super::dynamic::table(
                        &d.runs,
                        d.residence,
                        d.tolerance,
                        d.sales,
                    ));
                }
                t
            })
            .collect::<Vec<_>>()
            .join("\n")),
        Format::Json => to_text(&CascadeDoc {
            reesim_version: VERSION,
            scenario,
            circuits: circuits.iter().map(CircuitDoc::of).collect(),
        }),
        Format::Csv => csv(circuits),
    }
}

/// The JSON contract of `reesim cascade`.
#[derive(Debug, Serialize)]
pub struct CascadeDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Every solved circuit, in scenario order.
    pub circuits: Vec<CircuitDoc<'a>>,
}

/// One circuit: the contract keys `name`, `purity_a`, `purity_b`, `yield_a`, `yield_b`,
/// `split_to_a` {element: fraction}, `stages` [{`aqueous` {el: frac}, `organic` {el: frac}}],
/// `mass_balance_error`, `iterations`, plus context (`basis`, `elements`, `a_product`,
/// `b_product`, stage numbers and flows, S, W, S_min, REO-basis purities, `inventory_factor`,
/// `warnings`) and, with `--dynamic`, `dynamic`.
#[derive(Debug, Serialize)]
pub struct CircuitDoc<'a> {
    /// Circuit name.
    pub name: &'a str,
    /// Units of the numbers below.
    pub basis: &'static str,
    /// Element symbols, least extracted first.
    pub elements: Vec<&'static str>,
    /// Elements of the B (raffinate) product.
    pub b_product: Vec<&'static str>,
    /// Elements of the A (organic) product.
    pub a_product: Vec<&'static str>,
    /// "aqueous" or "organic".
    pub feed_phase: &'static str,
    /// Extraction stages n.
    pub extraction_stages: usize,
    /// Scrub stages m.
    pub scrub_stages: usize,
    /// S, mol REE in the organic per mol fed.
    pub extraction_amount: f64,
    /// W, mol REE in the scrub per mol fed.
    pub scrub_amount: f64,
    /// Underwood minimum S for a sharp split, when defined.
    pub min_extraction_amount: Option<f64>,
    /// A product per mol fed.
    pub product_fraction_a: f64,
    /// Purity of A, mole fraction of its group.
    pub purity_a: f64,
    /// Purity of B, mole fraction of its group.
    pub purity_b: f64,
    /// Yield of the A group to A.
    pub yield_a: f64,
    /// Yield of the B group to B.
    pub yield_b: f64,
    /// The purities on the REO mass basis.
    pub reo_basis: ReoBasis,
    /// Fraction of each element fed that leaves in A.
    pub split_to_a: Ordered<f64>,
    /// REE in circuit per (feed rate x residence per stage).
    pub inventory_factor: f64,
    /// The stage profile.
    pub stages: Vec<StageDoc>,
    /// Element balance error, mol per mol fed.
    pub mass_balance_error: f64,
    /// Solver iterations.
    pub iterations: usize,
    /// Solver warnings.
    pub warnings: &'a [String],
    /// The dynamic runs, with `--dynamic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<DynamicDoc<'a>>,
}

/// Purities on the REO mass basis.
#[derive(Debug, Serialize)]
pub struct ReoBasis {
    /// A, REO mass fraction.
    pub purity_a: f64,
    /// B, REO mass fraction.
    pub purity_b: f64,
}

/// One stage of the profile.
#[derive(Debug, Serialize)]
pub struct StageDoc {
    /// Stage number, 1 at the raffinate end.
    pub stage: usize,
    /// "extraction" or "scrub".
    pub section: &'static str,
    /// Aqueous composition, mole fractions by element.
    pub aqueous: Ordered<f64>,
    /// Organic composition, mole fractions by element.
    pub organic: Ordered<f64>,
    /// Aqueous REE flow, mol per mol fed.
    pub aqueous_flow: f64,
    /// Organic REE flow, mol per mol fed.
    pub organic_flow: f64,
}

/// `{element symbol: value}` in the solution's element order.
fn by_element(s: &CascadeSolution, values: &[f64]) -> Ordered<f64> {
    s.elements
        .iter()
        .zip(values)
        .map(|(e, v)| (e.symbol().to_string(), *v))
        .collect()
}

impl<'a> CircuitDoc<'a> {
    fn of(c: &'a SolvedCircuit) -> CircuitDoc<'a> {
        let s = &c.solution;
        let (reo_a, reo_b) = s.purities_reo();
        let symbols = |r: &[crate::chem::Element]| r.iter().map(|e| e.symbol()).collect();
        CircuitDoc {
            name: &c.name,
            basis: "mole fractions of total REE; flows in mol REE per mol REE fed",
            elements: symbols(&s.elements),
            b_product: symbols(&s.elements[..=s.split_after]),
            a_product: symbols(&s.elements[s.split_after + 1..]),
            feed_phase: s.feed_phase.name(),
            extraction_stages: s.extraction_stages,
            scrub_stages: s.scrub_stages,
            extraction_amount: s.extraction_amount,
            scrub_amount: s.scrub_amount,
            min_extraction_amount: s.min_extraction_amount,
            product_fraction_a: s.product_fraction_a,
            purity_a: s.purity_a,
            purity_b: s.purity_b,
            yield_a: s.yield_a,
            yield_b: s.yield_b,
            reo_basis: ReoBasis {
                purity_a: reo_a,
                purity_b: reo_b,
            },
            split_to_a: by_element(s, &s.split_to_a),
            inventory_factor: s.inventory_factor(),
            stages: s
                .stages
                .iter()
                .map(|st| StageDoc {
                    stage: st.number,
                    section: st.section.name(),
                    aqueous: by_element(s, &st.aqueous),
                    organic: by_element(s, &st.organic),
                    aqueous_flow: st.aqueous_flow,
                    organic_flow: st.organic_flow,
                })
                .collect(),
            mass_balance_error: s.mass_balance_error,
            iterations: s.iterations,
            warnings: &s.warnings,
            dynamic: c
                .dynamic
                .as_ref()
                .map(|d| DynamicDoc::of(&d.runs, d.residence, d.exchange)),
        }
    }
}

/// Stage profiles in long form: one row per circuit, stage and element.
fn csv(circuits: &[SolvedCircuit]) -> Result<String> {
    let header = [
        "circuit",
        "stage",
        "section",
        "aqueous_flow [mol/mol fed]",
        "organic_flow [mol/mol fed]",
        "element",
        "aqueous [mol fraction]",
        "organic [mol fraction]",
    ];
    let mut rows = Vec::new();
    for c in circuits {
        let s = &c.solution;
        for st in &s.stages {
            for (i, e) in s.elements.iter().enumerate() {
                rows.push(vec![
                    c.name.clone(),
                    st.number.to_string(),
                    st.section.name().to_string(),
                    cell(st.aqueous_flow),
                    cell(st.organic_flow),
                    e.symbol().to_string(),
                    cell(st.aqueous[i]),
                    cell(st.organic[i]),
                ]);
            }
        }
    }
    csv_text(&header, &rows)
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
