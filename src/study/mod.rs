//! A study: a scenario's base and variants simulated with common random numbers, summarised
//! and compared. This is the application layer between the scenario and the reports.

pub mod figures;
pub mod products;

use crate::Result;
use crate::experiment::{self, Figure, FigureComparison, FigureSummary, Truncation, WarmupReport};
use crate::plant::{self, LotCounts, ReplicationResult, SERIES_BINS};
use crate::scenario::{Scenario, Warmup};
use products::ProductFlows;

/// Run settings that the command line may override.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Root seed; `None` uses the scenario's.
    pub seed: Option<u64>,
    /// Replications; `None` uses the scenario's.
    pub replications: Option<u32>,
    /// Worker threads; `None` uses all cores.
    pub threads: Option<usize>,
}

/// One layout (the base or a variant) simulated over all replications.
#[derive(Debug, Clone)]
pub struct LayoutResult {
    /// Layout name ("base" or the variant's name).
    pub name: String,
    /// The warm-up applied, hours.
    pub warmup_h: f64,
    /// The MSER-5 choice when the scenario asked for `warmup = "auto"`.
    pub warmup_auto: Option<WarmupReport>,
    /// Product streams, purities and inventories from the chemistry.
    pub flows: ProductFlows,
    /// The circuit (or finishing unit) with the highest mean utilisation.
    pub bottleneck: Option<figures::Bottleneck>,
    /// Figures of each replication, in replication order.
    pub replications: Vec<Vec<Figure>>,
    /// Summary of each figure over replications.
    pub summaries: Vec<FigureSummary>,
    /// Events processed, summed over replications.
    pub events: u64,
    /// Lot counters summed over replications (each replication conserves lots exactly).
    pub lots: LotCounts,
    /// One replication's raw result (replication 0), for timelines and diagnostics.
    pub first: ReplicationResult,
}

/// A scenario's base and variants, with each variant's paired comparison against the base.
#[derive(Debug, Clone)]
pub struct StudyResult {
    /// Scenario name.
    pub scenario: String,
    /// Root seed used.
    pub seed: u64,
    /// Replications per layout.
    pub replications: u32,
    /// Simulated hours per replication.
    pub horizon_h: f64,
    /// The base first, then the variants in file order.
    pub layouts: Vec<LayoutResult>,
    /// For each variant (layouts[1..]), its paired comparison with the base.
    pub comparisons: Vec<Vec<FigureComparison>>,
}

/// Simulates the base and every variant with common random numbers and compares them.
pub fn run(base: &Scenario, variants: &[Scenario], options: RunOptions) -> Result<StudyResult> {
    let seed = options.seed.unwrap_or(base.seed);
    let reps = options.replications.unwrap_or(base.replications);
    let mut layouts = vec![layout("base", base, seed, reps, options.threads)?];
    for v in variants {
        layouts.push(layout(&v.name, v, seed, reps, options.threads)?);
    }
    let comparisons = layouts[1..]
        .iter()
        .map(|v| experiment::compare_figures(&layouts[0].replications, &v.replications))
        .collect::<Result<_>>()?;
    Ok(StudyResult {
        scenario: base.name.clone(),
        seed,
        replications: reps,
        horizon_h: base.horizon_h,
        layouts,
        comparisons,
    })
}

/// Simulates one layout over `reps` replications.
pub fn layout(
    name: &str,
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    threads: Option<usize>,
) -> Result<LayoutResult> {
    let flows = ProductFlows::of(scenario)?;
    let (warmup_h, warmup_auto) = match scenario.warmup {
        Warmup::Fixed(h) => (h, None),
        Warmup::Auto => {
            let report = auto_warmup(&flows.plant_spec(scenario, 0.0), seed, reps, threads)?;
            (
                report.overall.time(scenario.horizon_h / SERIES_BINS as f64),
                Some(report),
            )
        }
    };
    let spec = flows.plant_spec(scenario, warmup_h);
    let results = experiment::run_replications(0..u64::from(reps), threads, |r| {
        plant::simulate(&spec, seed, r)
    })?;
    let replications: Vec<Vec<Figure>> = results
        .iter()
        .map(|r| figures::figures(r, &flows, scenario.horizon_h))
        .collect();
    let summaries = experiment::summarize_figures(&replications)?;
    let mut lots = LotCounts::default();
    results.iter().for_each(|r| lots.add(&r.lots));
    let bottleneck = figures::bottleneck(&summaries, &flows.circuit_names);
    Ok(LayoutResult {
        name: name.to_string(),
        warmup_h,
        warmup_auto,
        bottleneck,
        flows,
        events: results.iter().map(|r| r.events).sum(),
        lots,
        first: results.into_iter().next().unwrap_or_default(),
        replications,
        summaries,
    })
}

/// Pilot runs without warm-up; MSER-5 on their output series picks the truncation.
fn auto_warmup(
    spec: &plant::PlantSpec,
    seed: u64,
    reps: u32,
    threads: Option<usize>,
) -> Result<WarmupReport> {
    let series = experiment::run_replications(0..u64::from(reps), threads, |r| {
        plant::simulate(spec, seed, r).series
    })?;
    let slices: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
    Ok(experiment::mser5_replications(&slices))
}

/// The truncation time of an MSER-5 choice, hours.
pub fn truncation_hours(t: &Truncation, horizon_h: f64) -> f64 {
    t.time(horizon_h / SERIES_BINS as f64)
}
