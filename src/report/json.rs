//! The JSON report of `run` and `compare`: the machine contract. Every figure has a unit;
//! summary figures are objects `{ "mean", "ci95", "unit", ... }`; keys are stable snake_case
//! and every object is a typed struct below, so the contract is readable in one place.

use super::Exporter;
use super::contract::{Estimate, Interval, Ordered, Quantity, VERSION, finite, to_text};
use crate::Result;
use crate::experiment::{FigureComparison, FigureSummary, StopReason};
use crate::study::{LayoutResult, StudyResult};
use serde::Serialize;

/// Writes the study as pretty-printed JSON.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, study: &StudyResult) -> Result<String> {
        to_text(&StudyDoc::of(study))
    }
}

/// The whole document of `reesim run --format json` (and `compare`).
#[derive(Debug, Serialize)]
pub struct StudyDoc<'a> {
    /// The reesim version that wrote it.
    pub reesim_version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Root seed.
    pub seed: u64,
    /// Replications per layout.
    pub replications: u64,
    /// Simulated horizon per replication, h.
    pub horizon: Quantity,
    /// The sequential-precision stop, when `--precision` was given.
    pub precision: Option<PrecisionDoc<'a>>,
    /// The base first, then each variant.
    pub results: Vec<LayoutDoc<'a>>,
}

impl<'a> StudyDoc<'a> {
    /// The document of a study.
    pub fn of(study: &'a StudyResult) -> StudyDoc<'a> {
        let results = study
            .layouts
            .iter()
            .enumerate()
            .map(|(i, layout)| {
                let comparison = i.checked_sub(1).and_then(|v| study.comparisons.get(v));
                LayoutDoc::of(layout, comparison, study.horizon_h)
            })
            .collect();
        StudyDoc {
            reesim_version: VERSION,
            scenario: &study.scenario,
            seed: study.seed,
            replications: study.replications as u64,
            horizon: Quantity::new(study.horizon_h, "h"),
            precision: study.precision.as_ref().map(PrecisionDoc::of),
            results,
        }
    }
}

/// One layout: its figures, circuits, products and, for a variant, its changes against the base.
#[derive(Debug, Serialize)]
pub struct LayoutDoc<'a> {
    /// "base" or the variant's name.
    pub name: &'a str,
    /// Warm-up cut from each replication, h.
    pub warmup: Quantity,
    /// The MSER-5 choice with `warmup = "auto"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warmup_auto: Option<WarmupDoc>,
    /// Every figure by name, in report order.
    pub metrics: Ordered<SummaryDoc<'a>>,
    /// Per circuit: availability, trains running, inventory, drift.
    pub circuits: Vec<CircuitDoc<'a>>,
    /// Per product: its stream and spec.
    pub products: Vec<ProductDoc<'a>>,
    /// Events processed, summed over replications.
    pub events: u64,
    /// Largest element mass-balance error of any replication, fraction of feed.
    pub mass_balance_error: Quantity,
    /// The busiest unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottleneck: Option<BottleneckDoc<'a>>,
    /// Money figures, with `[economics]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub economics: Option<Ordered<Estimate>>,
    /// P(this layout has the highest NPV), with `[economics]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_best: Option<Estimate>,
    /// Paired changes against the base (variants only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_base: Option<Ordered<ChangeDoc>>,
}

impl<'a> LayoutDoc<'a> {
    fn of(
        layout: &'a LayoutResult,
        comparison: Option<&'a Vec<FigureComparison>>,
        horizon_h: f64,
    ) -> LayoutDoc<'a> {
        LayoutDoc {
            name: &layout.name,
            warmup: Quantity::new(layout.warmup_h, "h"),
            warmup_auto: layout.warmup_auto.as_ref().map(|auto| WarmupDoc {
                method: "MSER-5",
                overall_batches: auto.overall.batches,
                per_replication_h: auto
                    .per_replication
                    .iter()
                    .map(|t| crate::study::truncation_hours(t, horizon_h))
                    .collect(),
            }),
            metrics: layout
                .summaries
                .iter()
                .map(|s| (s.name.clone(), SummaryDoc::of(s)))
                .collect(),
            circuits: circuits(layout),
            products: products(layout),
            events: layout.events,
            mass_balance_error: Quantity::new(layout.mass_balance_error, "fraction of feed"),
            bottleneck: layout.bottleneck.as_ref().map(|b| BottleneckDoc {
                name: &b.name,
                utilisation: Quantity::new(b.utilisation, "fraction"),
                blocked: Quantity::new(b.blocked, "fraction"),
                starved: Quantity::new(b.starved, "fraction"),
            }),
            economics: layout.money.as_ref().map(|_| economics(&layout.summaries)),
            p_best: layout.p_best.map(|p| Estimate::share(p.mean, p.ci95)),
            vs_base: comparison.map(|c| {
                c.iter()
                    .map(|c| (c.name.clone(), ChangeDoc::of(c)))
                    .collect()
            }),
        }
    }
}

/// The automatic warm-up chosen by MSER-5.
#[derive(Debug, Serialize)]
pub struct WarmupDoc {
    /// Always "MSER-5".
    pub method: &'static str,
    /// Batches truncated from the averaged series.
    pub overall_batches: usize,
    /// Each replication's own truncation point, h.
    pub per_replication_h: Vec<f64>,
}

/// `{ mean, ci95, sd, min, max, n, unit }` of one figure over replications.
#[derive(Debug, Serialize)]
pub struct SummaryDoc<'a> {
    /// Mean over replications.
    pub mean: Option<f64>,
    /// 95 % half-width (Student t).
    pub ci95: Option<f64>,
    /// Standard deviation between replications.
    pub sd: Option<f64>,
    /// Smallest replication value.
    pub min: Option<f64>,
    /// Largest replication value.
    pub max: Option<f64>,
    /// Replications.
    pub n: u64,
    /// Unit of every number above.
    pub unit: &'a str,
}

impl<'a> SummaryDoc<'a> {
    fn of(s: &'a FigureSummary) -> SummaryDoc<'a> {
        SummaryDoc {
            mean: finite(s.stats.mean),
            ci95: finite(s.stats.ci95),
            sd: finite(s.stats.sd),
            min: finite(s.stats.min),
            max: finite(s.stats.max),
            n: s.stats.n as u64,
            unit: &s.unit,
        }
    }
}

/// The busiest unit and how its time splits.
#[derive(Debug, Serialize)]
pub struct BottleneckDoc<'a> {
    /// Circuit or finishing unit.
    pub name: &'a str,
    /// Mean utilisation, fraction.
    pub utilisation: Quantity,
    /// Fraction of time blocked by a full downstream tank.
    pub blocked: Quantity,
    /// Fraction of time starved by an empty upstream tank.
    pub starved: Quantity,
}

/// One circuit's figures.
#[derive(Debug, Serialize)]
pub struct CircuitDoc<'a> {
    /// Circuit name.
    pub name: &'a str,
    /// Fraction of time at least one train runs.
    pub availability: Option<Estimate>,
    /// Fraction of time every train is down.
    pub all_down: Option<Estimate>,
    /// Fraction of time with k = 0, 1, ..., K trains running.
    pub trains_running: Vec<Estimate>,
    /// In-circuit inventory.
    pub inventory: Option<Estimate>,
    /// Liquor residence.
    pub residence: Option<Estimate>,
    /// The largest feed drift and the purities re-solved at it.
    pub drift: Option<DriftDoc>,
}

/// The largest drift of a circuit's feed from its design composition.
#[derive(Debug, Serialize)]
pub struct DriftDoc {
    /// Largest drift, REO mass fraction.
    pub largest: Quantity,
    /// Replication where it happened.
    pub replication: u64,
    /// Purities [A, B] at the design feed.
    pub design_purity: PurityPair,
    /// Purities [A, B] at the drifted feed.
    pub drifted_purity: PurityPair,
}

/// `[A, B]` purities, or `{ "error": why }` when the cascade has no solution.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PurityPair {
    /// Mole fractions of the key groups.
    Solved([Option<f64>; 2]),
    /// Why the cascade could not be solved.
    Failed {
        /// The solver's message.
        error: String,
    },
}

impl PurityPair {
    fn of(p: &std::result::Result<[f64; 2], String>) -> PurityPair {
        match p {
            Ok(p) => PurityPair::Solved([finite(p[0]), finite(p[1])]),
            Err(e) => PurityPair::Failed { error: e.clone() },
        }
    }
}

fn circuits(layout: &LayoutResult) -> Vec<CircuitDoc<'_>> {
    let summary = |name: String| {
        layout
            .summaries
            .iter()
            .find(|s| s.name == name)
            .map(|s| Estimate::new(s.stats.mean, s.stats.ci95, s.unit.clone()))
    };
    layout
        .flows
        .circuit_names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let key = crate::study::figures::snake(name);
            CircuitDoc {
                name,
                availability: summary(format!("{key}_availability")),
                all_down: summary(format!("{key}_all_down")),
                trains_running: layout.trains_running[c]
                    .iter()
                    .map(|s| Estimate::share(s.mean, s.ci95))
                    .collect(),
                inventory: summary(format!("{key}_inventory")),
                residence: summary(format!("{key}_residence")),
                drift: layout.drift[c].as_ref().map(|d| DriftDoc {
                    largest: Quantity::new(d.largest, "REO mass fraction"),
                    replication: d.replication,
                    design_purity: PurityPair::of(&d.design_purity),
                    drifted_purity: PurityPair::of(&d.drifted_purity),
                }),
            }
        })
        .collect()
}

/// One product stream.
#[derive(Debug, Serialize)]
pub struct ProductDoc<'a> {
    /// Figure key (snake_case), as in `on_spec_<key>`.
    pub key: &'a str,
    /// Printed name, e.g. "Pr6O11".
    pub name: &'a str,
    /// The circuit that makes it.
    pub circuit: &'a str,
    /// "A" (organic/strip) or "B" (raffinate) outlet.
    pub outlet: &'static str,
    /// Elements of its key group.
    pub elements: &'a [String],
    /// Steady-state purity, mol fraction.
    pub purity: Quantity,
    /// The sales spec, mol fraction.
    pub min_purity: Option<Quantity>,
    /// Steady-state output of the whole plant at design rate, t REO/yr.
    pub design_output: Quantity,
}

fn products(layout: &LayoutResult) -> Vec<ProductDoc<'_>> {
    layout
        .flows
        .products
        .iter()
        .map(|p| ProductDoc {
            key: &p.key,
            name: &p.label,
            circuit: &layout.flows.circuit_names[p.circuit],
            outlet: p.outlet,
            elements: &p.elements,
            purity: Quantity::new(p.purity, "mol fraction"),
            min_purity: p.min_purity.map(|m| Quantity::new(m, "mol fraction")),
            design_output: Quantity::new(
                p.design_t_per_h * crate::study::figures::HOURS_PER_YEAR,
                "t REO/yr",
            ),
        })
        .collect()
}

/// `{ capital_cost: { mean, ci95, unit }, ... }` in [`crate::study::economics::FIGURES`] order
/// (a figure undefined in some replication, such as an IRR without a root, has a null mean).
fn economics(summaries: &[FigureSummary]) -> Ordered<Estimate> {
    crate::study::economics::FIGURES
        .iter()
        .filter_map(|name| summaries.iter().find(|s| s.name == *name))
        .map(|s| {
            let estimate = Estimate::new(s.stats.mean, s.stats.ci95, s.unit.clone());
            (s.name.clone(), estimate)
        })
        .collect()
}

/// A variant's paired change of one figure against the base.
#[derive(Debug, Serialize)]
pub struct ChangeDoc {
    /// Variant minus base, in the figure's unit.
    pub difference: Interval,
    /// Variant over base (unit "1"); null when the base mean is 0.
    pub ratio: Option<Interval>,
    /// Whether the difference's 95 % interval excludes 0.
    pub significant: bool,
}

impl ChangeDoc {
    fn of(c: &FigureComparison) -> ChangeDoc {
        let d = c.paired.difference;
        ChangeDoc {
            difference: Interval::new(d.estimate, d.ci95, c.unit.clone()),
            ratio: c
                .paired
                .ratio
                .map(|r| Interval::new(r.estimate, r.ci95, "1")),
            significant: c.paired.significant,
        }
    }
}

/// How `--precision` stopped.
#[derive(Debug, Serialize)]
pub struct PrecisionDoc<'a> {
    /// Requested relative half-width.
    pub target_relative_half_width: f64,
    /// Target reached, or the cap stopped it.
    pub stop: StopReason,
    /// Replications after each batch.
    pub batch_ends: &'a [u64],
    /// Final relative half-width of each headline figure.
    pub relative_half_widths: Ordered<Option<f64>>,
}

impl<'a> PrecisionDoc<'a> {
    fn of(p: &'a crate::study::PrecisionReport) -> PrecisionDoc<'a> {
        PrecisionDoc {
            target_relative_half_width: p.target,
            stop: p.stop,
            batch_ends: &p.batch_ends,
            relative_half_widths: p
                .figures
                .iter()
                .zip(&p.relative_half_widths)
                .map(|(f, w)| (f.clone(), finite(*w)))
                .collect(),
        }
    }
}
