//! A study: a scenario's base and variants simulated with common random numbers, summarised
//! and compared. This is the application layer between the scenario and the reports.

pub mod allocate;
pub mod build;
pub mod circuit_data;
pub mod figures;
pub mod products;
pub mod restart_curve;
pub mod sequence;

use crate::Result;
use crate::experiment::{self, Figure, FigureComparison, FigureSummary, Truncation, WarmupReport};
use crate::plant::{
    self, Execution, LotCounts, ReplicationResult, SERIES_BINS, Trace, TraceLimits,
};
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
    /// Sequential precision: add replications until every headline figure's relative 95 %
    /// half-width is at most this, or `max_replications` is reached.
    pub precision: Option<f64>,
    /// Replication cap of the precision loop.
    pub max_replications: u32,
}

/// How the precision loop ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionReport {
    /// Requested relative half-width.
    pub target: f64,
    /// Whether the target was reached or the cap stopped it.
    pub stop: experiment::StopReason,
    /// Replications after each batch.
    pub batch_ends: Vec<u64>,
    /// Headline figures the target applies to.
    pub figures: Vec<String>,
    /// Their final relative half-widths, same order.
    pub relative_half_widths: Vec<f64>,
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
    /// Whether each replication ran as one event loop or one loop per train in parallel.
    pub execution: Execution,
    /// Replication 0's trace (train states, WIP), when [`trace_layouts`] filled it.
    pub trace: Option<Trace>,
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
    /// How the precision loop ended, when one ran.
    pub precision: Option<PrecisionReport>,
}

/// Simulates the base and every variant with common random numbers and compares them.
///
/// With `options.precision`, the base runs in parallel batches until its headline figures are
/// precise enough; every variant then runs the same replications, so pairs stay matched.
pub fn run(base: &Scenario, variants: &[Scenario], options: RunOptions) -> Result<StudyResult> {
    let seed = options.seed.unwrap_or(base.seed);
    let initial = options.replications.unwrap_or(base.replications);
    let (first, precision) = match options.precision {
        None => (layout("base", base, seed, initial, options.threads)?, None),
        Some(target) => {
            let (layout, report) = precise_layout(base, seed, initial, target, &options)?;
            (layout, Some(report))
        }
    };
    let reps = first.replications.len() as u32;
    let mut layouts = vec![first];
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
        precision,
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
    let plan = Plan::new(scenario, seed, reps, threads)?;
    let results = experiment::run_replications(0..u64::from(reps), threads, |r| {
        plant::simulate_auto(&plan.spec, seed, r)
    })?;
    plan.finish(name, scenario, results)
}

/// The base layout under the sequential precision loop.
fn precise_layout(
    scenario: &Scenario,
    seed: u64,
    initial: u32,
    target: f64,
    options: &RunOptions,
) -> Result<(LayoutResult, PrecisionReport)> {
    let plan = Plan::new(scenario, seed, initial, options.threads)?;
    let headline = headline_figures(&plan.flows);
    let cfg = experiment::PrecisionConfig {
        target,
        initial: u64::from(initial.max(2)),
        cap: u64::from(options.max_replications.max(initial.max(2))),
        min_batch: 2,
        threads: options.threads,
    };
    let values = |r: &(ReplicationResult, Execution)| {
        let figs = figures::figures(&r.0, &plan.flows, scenario.horizon_h);
        headline.iter().map(|name| value_of(&figs, name)).collect()
    };
    let outcome = experiment::run_until_precision(
        &cfg,
        None,
        |r| plant::simulate_auto(&plan.spec, seed, r),
        values,
    )?;
    let report = PrecisionReport {
        target,
        stop: outcome.stop,
        batch_ends: outcome.batch_ends,
        figures: headline,
        relative_half_widths: outcome.relative_half_widths,
    };
    Ok((plan.finish("base", scenario, outcome.results)?, report))
}

/// The figures the precision target applies to: every product's on-spec output, the total,
/// and availability.
fn headline_figures(flows: &ProductFlows) -> Vec<String> {
    let mut names: Vec<String> = flows
        .products
        .iter()
        .map(|p| format!("on_spec_{}", p.key))
        .collect();
    names.push("on_spec_reo".into());
    names.push("availability".into());
    names
}

fn value_of(figures: &[Figure], name: &str) -> f64 {
    figures
        .iter()
        .find(|f| f.name == name)
        .map_or(f64::NAN, |f| f.value)
}

/// What one layout needs before its replications run: products, warm-up, plant spec.
struct Plan {
    flows: ProductFlows,
    warmup_h: f64,
    warmup_auto: Option<WarmupReport>,
    spec: plant::PlantSpec,
}

impl Plan {
    fn new(scenario: &Scenario, seed: u64, reps: u32, threads: Option<usize>) -> Result<Self> {
        let flows = ProductFlows::of(scenario)?;
        let (warmup_h, warmup_auto) = match scenario.warmup {
            Warmup::Fixed(h) => (h, None),
            Warmup::Auto => {
                let pilot = flows.plant_spec(scenario, 0.0);
                let report = auto_warmup(&pilot, seed, reps, threads)?;
                (
                    truncation_hours(&report.overall, scenario.horizon_h),
                    Some(report),
                )
            }
        };
        let spec = flows.plant_spec(scenario, warmup_h);
        Ok(Plan {
            flows,
            warmup_h,
            warmup_auto,
            spec,
        })
    }

    /// Figures, summaries and counters of the finished replications.
    fn finish(
        self,
        name: &str,
        scenario: &Scenario,
        results: Vec<(ReplicationResult, Execution)>,
    ) -> Result<LayoutResult> {
        let execution = results.first().map_or(Execution::Sequential, |r| r.1);
        let replications: Vec<Vec<Figure>> = results
            .iter()
            .map(|r| figures::figures(&r.0, &self.flows, scenario.horizon_h))
            .collect();
        let summaries = experiment::summarize_figures(&replications)?;
        let mut lots = LotCounts::default();
        results.iter().for_each(|(r, _)| lots.add(&r.lots));
        let bottleneck = figures::bottleneck(&summaries, &self.flows.circuit_names);
        Ok(LayoutResult {
            name: name.to_string(),
            warmup_h: self.warmup_h,
            bottleneck,
            warmup_auto: self.warmup_auto,
            flows: self.flows,
            events: results.iter().map(|r| r.0.events).sum(),
            lots,
            first: results.into_iter().next().map(|r| r.0).unwrap_or_default(),
            replications,
            summaries,
            execution,
            trace: None,
        })
    }
}

/// Simulates the traced span of replication 0 of every layout once more with a trace (the same
/// run as in the study: simulation is deterministic) and stores it in
/// [`LayoutResult::trace`], for timeline plots. `scenarios` are the base and the variants, in the order of `study.layouts`.
pub fn trace_layouts(
    study: &mut StudyResult,
    scenarios: &[&Scenario],
    limits: TraceLimits,
    threads: Option<usize>,
) -> Result<()> {
    let seed = study.seed;
    let specs: Vec<_> = scenarios
        .iter()
        .zip(&study.layouts)
        .map(|(s, l)| l.flows.plant_spec(s, l.warmup_h))
        .collect();
    let traces = experiment::run_replications(0..specs.len() as u64, threads, |i| {
        plant::trace_replication(&specs[i as usize], seed, 0, limits)
    })?;
    for (layout, trace) in study.layouts.iter_mut().zip(traces) {
        layout.trace = Some(trace);
    }
    Ok(())
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
