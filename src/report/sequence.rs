//! The report of `reesim sequence`: the ranking as a table, typed JSON and CSV.

use super::contract::{Interval, Quantities, Quantity, VERSION, cell, csv_text, to_text};
use super::{Format, num};
use crate::Result;
use crate::study::sequence::{self, CircuitDesign, Sequence, SequenceStudy, Throughput};
use serde::Serialize;
use std::fmt::Write;

/// The study in `format`; `sim` holds each sequence's simulated output (empty without
/// `--simulate`).
pub fn render(study: &SequenceStudy, sim: &[Option<Throughput>], format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table(study, sim)),
        Format::Json => to_text(&SequenceDoc::of(study, sim)),
        Format::Csv => csv(study, sim),
    }
}

fn circuit<'a>(study: &'a SequenceStudy, key: &sequence::CircuitKey) -> Option<&'a CircuitDesign> {
    study.circuits.get(key).and_then(|c| c.as_ref().ok())
}

/// Aligned text: the ranking, then every circuit designed.
pub fn table(study: &SequenceStudy, sim: &[Option<Throughput>]) -> String {
    let p = &study.problem;
    let mut out = String::new();
    header(&mut out, study);
    let rows: Vec<(String, String)> = study
        .sequences
        .iter()
        .map(|s| (s.notation.clone(), circuit_list(study, s)))
        .collect();
    let w = Widths {
        notation: rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(8),
        circuits: rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(33),
    };
    let _ = writeln!(
        out,
        "rank  {:<nw$}  {:<cw$}  stages  inventory t REO  organic kmol/h{}",
        "sequence",
        "circuits n+m (* misses target)",
        if sim.is_empty() {
            ""
        } else {
            "  simulated on-spec t REO/yr (95 % CI)"
        },
        nw = w.notation,
        cw = w.circuits
    );
    let mut rank = 0;
    for (i, (s, r)) in study.sequences.iter().zip(&rows).enumerate() {
        rank += usize::from(s.totals.is_ok());
        let extra = match sim.get(i) {
            Some(Some(t)) => format!(
                "  {:>12} +- {}",
                num(t.mean, 5),
                super::half_width(t.ci95, t.mean, 3)
            ),
            _ => String::new(),
        };
        row(&mut out, &w, rank, s, &r.1, &extra);
    }
    let _ = writeln!(
        out,
        "\ncircuits (binary key-group design, verified by a {}-component solve at the designed n, m, S, W):",
        p.elements.len()
    );
    let _ = writeln!(
        out,
        "  circuit          key    beta   f_A     feed t/yr     n   m    S      W   solved purity A / B    inventory t  organic kmol/h"
    );
    let mut keys: Vec<_> = study.circuits.keys().copied().collect();
    keys.sort();
    for k in keys {
        circuit_row(&mut out, &study.circuits[&k]);
    }
    out
}

fn header(out: &mut String, study: &SequenceStudy) {
    let p = &study.problem;
    let feed: Vec<String> = p
        .elements
        .iter()
        .zip(&p.feed_reo_fractions)
        .map(|(e, w)| format!("{e} {}", num(w * 100.0, 3)))
        .collect();
    let products: Vec<&str> = p.products.iter().map(|x| x.name.as_str()).collect();
    let _ = writeln!(
        out,
        "feed {} t REO/yr, REO mass %: {}{}",
        num(p.feed_t_per_yr, 5),
        feed.join(", "),
        if (p.feed_sum_given - 1.0).abs() > 1e-12 {
            format!(" (normalised from a sum of {})", num(p.feed_sum_given, 4))
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "products {} at {} % purity (mole basis); stage residence {} min; separation factors: {}",
        products.join(", "),
        num(p.purity * 100.0, 4),
        num(p.residence_h * 60.0, 3),
        p.factor_source
    );
    let _ = writeln!(
        out,
        "{} sequences, ranked by {}\n",
        study.sequences.len(),
        study.rank_by.name()
    );
}

/// Column widths of the ranking table, characters.
struct Widths {
    notation: usize,
    circuits: usize,
}

fn circuit_list(study: &SequenceStudy, s: &Sequence) -> String {
    let parts: Vec<String> = s
        .circuits
        .iter()
        .map(|k| match circuit(study, k) {
            Some(c) => {
                let star = if c.verification.meets_target { "" } else { "*" };
                format!("{} {}{star}", c.label, c.stages())
            }
            None => "infeasible".into(),
        })
        .collect();
    parts.join(", ")
}

fn row(out: &mut String, w: &Widths, rank: usize, s: &Sequence, circuits: &str, extra: &str) {
    match &s.totals {
        Ok(t) => {
            let _ = writeln!(
                out,
                "{rank:>4}  {:<nw$}  {:<cw$}  {:>6}  {:>15}  {:>14}{extra}",
                s.notation,
                circuits,
                t.stages,
                num(t.inventory_t, 4),
                num(t.organic_kmol_per_h, 4),
                nw = w.notation,
                cw = w.circuits
            );
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "   -  {:<nw$}  infeasible: {e}",
                s.notation,
                nw = w.notation
            );
        }
    }
}

fn circuit_row(out: &mut String, c: &std::result::Result<CircuitDesign, String>) {
    let c = match c {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(out, "  infeasible: {e}");
            return;
        }
    };
    let d = &c.design;
    let v = &c.verification;
    let _ = writeln!(
        out,
        "  {:<16} {:<6} {:>5} {:>6} {:>10} {:>5} {:>3} {:>5} {:>6}   {:>8} / {:<8} {}  {:>11} {:>14}",
        c.label,
        format!("{}/{}", c.key_pair.1, c.key_pair.0),
        num(c.beta, 3),
        num(c.feed_fraction_a, 3),
        num(c.feed_t_per_yr, 5),
        d.exact.n,
        d.exact.m,
        num(d.extraction_amount, 3),
        num(d.scrub_amount, 3),
        format!("{:.4} %", v.purity_a * 100.0),
        format!("{:.4} %", v.purity_b * 100.0),
        if v.meets_target { " " } else { "*" },
        num(c.inventory_t, 4),
        num(c.organic_kmol_per_h, 4)
    );
}

/// The JSON contract of `reesim sequence`.
#[derive(Debug, Serialize)]
pub struct SequenceDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// What the purities and designs assume.
    pub basis: &'static str,
    /// The feed.
    pub feed: FeedDoc,
    /// Product names (contiguous element groups).
    pub products: Vec<&'a str>,
    /// Design purity of every product, mole fraction.
    pub purity: Quantity,
    /// Stage residence, min.
    pub residence: Quantity,
    /// Separation factors relative to the first element, and their source.
    pub separation_factors: FactorsDoc<'a>,
    /// Ranking criterion.
    pub rank_by: &'static str,
    /// Number of sequences.
    pub sequence_count: usize,
    /// Every sequence, best first.
    pub sequences: Vec<SequenceEntry<'a>>,
}

/// The feed of a sequencing problem.
#[derive(Debug, Serialize)]
pub struct FeedDoc {
    /// Element symbols, least extracted first.
    pub elements: Vec<&'static str>,
    /// REO mass fractions, same order.
    pub composition: Quantities,
    /// Feed rate, t REO/yr.
    pub rate: Quantity,
}

/// Separation factors with their source.
#[derive(Debug, Serialize)]
pub struct FactorsDoc<'a> {
    /// Factor of each element relative to the first.
    pub value: &'a [f64],
    /// Always "relative to the first element".
    pub unit: &'static str,
    /// The extractant or `--betas`.
    pub source: &'a str,
}

/// One sequence: feasible with its totals, or infeasible with why.
#[derive(Debug, Serialize)]
pub struct SequenceEntry<'a> {
    /// Rank among feasible sequences (1 = best); null when infeasible.
    pub rank: Option<usize>,
    /// Split notation, e.g. `La|Ce|(Pr|Nd)`.
    pub sequence: &'a str,
    /// Whether every circuit could be designed.
    pub feasible: bool,
    /// Why not, when infeasible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    /// Its circuits in order.
    pub circuits: Vec<CircuitEntry<'a>>,
    /// n + m summed over circuits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_stages: Option<usize>,
    /// In-circuit inventory, t REO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Quantity>,
    /// Loaded-organic REE flow, kmol/h.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organic_flow: Option<Quantity>,
    /// Circuits whose solved purity misses the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circuits_missing_target: Option<usize>,
    /// Simulated on-spec output with `--simulate` (else null), t REO/yr.
    #[serde(skip_serializing_if = "skip_simulated")]
    pub simulated_on_spec_reo: Option<Option<Interval>>,
}

fn skip_simulated(x: &Option<Option<Interval>>) -> bool {
    x.is_none()
}

/// One circuit of a sequence: its design, or why it has none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CircuitEntry<'a> {
    /// The verified design.
    Designed(Box<CircuitDoc<'a>>),
    /// Why it could not be designed.
    Failed {
        /// The designer's message.
        error: &'a str,
    },
}

/// A designed binary circuit and its multi-component verification.
#[derive(Debug, Serialize)]
pub struct CircuitDoc<'a> {
    /// Label, e.g. `La|Ce-Pr-Nd`.
    pub circuit: &'a str,
    /// The key pair (B, A).
    pub key_pair: [&'static str; 2],
    /// Elements entering.
    pub elements: Vec<&'static str>,
    /// Feed composition, mole fractions.
    pub feed_composition: Quantities,
    /// Key-pair separation factor.
    pub beta: Quantity,
    /// A-group share of the feed, mole fraction.
    pub feed_fraction_a: Quantity,
    /// Feed rate, t REO/yr.
    pub feed_rate: Quantity,
    /// Feed rate, kmol REE/h.
    pub feed_molar_rate: Quantity,
    /// Simplified (optimistic) stage numbers.
    pub simplified_stages: StagePair<f64>,
    /// Verified stage numbers.
    pub exact_stages: ExactStages,
    /// S, mol REE per mol fed.
    pub extraction_amount: Quantity,
    /// W, mol REE per mol fed.
    pub scrub_amount: Quantity,
    /// Binary design purity of A.
    pub binary_purity_a: Quantity,
    /// Binary design purity of B.
    pub binary_purity_b: Quantity,
    /// Multi-component solved purity of A.
    pub solved_purity_a: Quantity,
    /// Multi-component solved purity of B.
    pub solved_purity_b: Quantity,
    /// Whether both solved purities meet the target.
    pub meets_target: bool,
    /// t REO held per (t REO/h x h of residence).
    pub inventory_factor_reo: Quantity,
    /// In-circuit inventory, t REO.
    pub inventory: Quantity,
    /// Loaded-organic REE flow, kmol/h.
    pub organic_flow: Quantity,
}

/// Extraction and scrub stage numbers `{ n, m }`.
#[derive(Debug, Serialize)]
pub struct StagePair<T> {
    /// Extraction stages.
    pub n: T,
    /// Scrub stages.
    pub m: T,
}

/// Verified stage numbers `{ n, m, total }`.
#[derive(Debug, Serialize)]
pub struct ExactStages {
    /// Extraction stages.
    pub n: usize,
    /// Scrub stages.
    pub m: usize,
    /// n + m.
    pub total: usize,
}

impl<'a> CircuitDoc<'a> {
    fn of(c: &'a CircuitDesign) -> CircuitDoc<'a> {
        let d = &c.design;
        let v = &c.verification;
        let mole = |x: f64| Quantity::new(x, "mole fraction");
        CircuitDoc {
            circuit: &c.label,
            key_pair: [c.key_pair.0.symbol(), c.key_pair.1.symbol()],
            elements: c.elements.iter().map(|e| e.symbol()).collect(),
            feed_composition: Quantities::new(&c.feed_composition, "mole fraction"),
            beta: Quantity::new(c.beta, "dimensionless"),
            feed_fraction_a: mole(c.feed_fraction_a),
            feed_rate: Quantity::new(c.feed_t_per_yr, "t REO/yr"),
            feed_molar_rate: Quantity::new(c.feed_kmol_per_h, "kmol REE/h"),
            simplified_stages: StagePair {
                n: d.simplified.0,
                m: d.simplified.1,
            },
            exact_stages: ExactStages {
                n: d.exact.n,
                m: d.exact.m,
                total: c.stages(),
            },
            extraction_amount: Quantity::new(d.extraction_amount, "mol REE/mol fed"),
            scrub_amount: Quantity::new(d.scrub_amount, "mol REE/mol fed"),
            binary_purity_a: mole(d.exact.purity_a),
            binary_purity_b: mole(d.exact.purity_b),
            solved_purity_a: mole(v.purity_a),
            solved_purity_b: mole(v.purity_b),
            meets_target: v.meets_target,
            inventory_factor_reo: Quantity::new(
                v.inventory_factor_reo,
                "t REO held per (t REO/h x h)",
            ),
            inventory: Quantity::new(c.inventory_t, "t REO"),
            organic_flow: Quantity::new(c.organic_kmol_per_h, "kmol REE/h"),
        }
    }
}

impl<'a> SequenceDoc<'a> {
    /// The document of a study and its simulated outputs (empty without `--simulate`).
    pub fn of(study: &'a SequenceStudy, sim: &[Option<Throughput>]) -> SequenceDoc<'a> {
        let p = &study.problem;
        let mut rank = 0;
        let sequences = study
            .sequences
            .iter()
            .enumerate()
            .map(|(i, s)| {
                rank += usize::from(s.totals.is_ok());
                entry(study, rank, s, sim.get(i).and_then(Option::as_ref))
            })
            .collect();
        SequenceDoc {
            reesim_version: VERSION,
            basis: "purities are mole fractions of the key groups; aqueous feed; S by the sqrt(beta) rule; circuit feeds are ideal upstream groups",
            feed: FeedDoc {
                elements: p.elements.iter().map(|e| e.symbol()).collect(),
                composition: Quantities::new(&p.feed_reo_fractions, "REO mass fraction"),
                rate: Quantity::new(p.feed_t_per_yr, "t REO/yr"),
            },
            products: p.products.iter().map(|x| x.name.as_str()).collect(),
            purity: Quantity::new(p.purity, "mole fraction"),
            residence: Quantity::new(p.residence_h * 60.0, "min"),
            separation_factors: FactorsDoc {
                value: &p.factors,
                unit: "relative to the first element",
                source: &p.factor_source,
            },
            rank_by: study.rank_by.name(),
            sequence_count: study.sequences.len(),
            sequences,
        }
    }
}

fn entry<'a>(
    study: &'a SequenceStudy,
    rank: usize,
    s: &'a Sequence,
    sim: Option<&Throughput>,
) -> SequenceEntry<'a> {
    let circuits = s
        .circuits
        .iter()
        .map(|k| match &study.circuits[k] {
            Ok(c) => CircuitEntry::Designed(Box::new(CircuitDoc::of(c))),
            Err(e) => CircuitEntry::Failed { error: e },
        })
        .collect();
    match &s.totals {
        Ok(t) => SequenceEntry {
            rank: Some(rank),
            sequence: &s.notation,
            feasible: true,
            error: None,
            circuits,
            total_stages: Some(t.stages),
            inventory: Some(Quantity::new(t.inventory_t, "t REO")),
            organic_flow: Some(Quantity::new(t.organic_kmol_per_h, "kmol REE/h")),
            circuits_missing_target: Some(t.circuits_missing_target),
            simulated_on_spec_reo: Some(sim.map(|t| Interval::new(t.mean, t.ci95, "t REO/yr"))),
        },
        Err(e) => SequenceEntry {
            rank: None,
            sequence: &s.notation,
            feasible: false,
            error: Some(e),
            circuits,
            total_stages: None,
            inventory: None,
            organic_flow: None,
            circuits_missing_target: None,
            simulated_on_spec_reo: None,
        },
    }
}

/// One row per sequence: rank, notation, totals and the simulated output (empty cells where
/// a sequence is infeasible or not simulated).
pub fn csv(study: &SequenceStudy, sim: &[Option<Throughput>]) -> Result<String> {
    let header = [
        "rank",
        "sequence",
        "feasible",
        "circuits",
        "total_stages",
        "inventory [t REO]",
        "organic_flow [kmol REE/h]",
        "circuits_missing_target",
        "simulated_on_spec_reo [t REO/yr]",
        "simulated_ci95 [t REO/yr]",
        "error",
    ];
    let mut rank = 0;
    let rows: Vec<Vec<String>> = study
        .sequences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (mean, ci) = match sim.get(i) {
                Some(Some(t)) => (cell(t.mean), cell(t.ci95)),
                _ => (String::new(), String::new()),
            };
            let list = circuit_list(study, s);
            match &s.totals {
                Ok(t) => {
                    rank += 1;
                    vec![
                        rank.to_string(),
                        s.notation.clone(),
                        "true".into(),
                        list,
                        t.stages.to_string(),
                        cell(t.inventory_t),
                        cell(t.organic_kmol_per_h),
                        t.circuits_missing_target.to_string(),
                        mean,
                        ci,
                        String::new(),
                    ]
                }
                Err(e) => vec![
                    String::new(),
                    s.notation.clone(),
                    "false".into(),
                    list,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    mean,
                    ci,
                    e.clone(),
                ],
            }
        })
        .collect();
    csv_text(&header, &rows)
}
