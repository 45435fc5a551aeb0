//! A study: a scenario's base and variants simulated with common random numbers, summarised
//! and compared. This is the application layer between the scenario and the reports.

pub mod allocate;
pub mod build;
pub mod circuit_data;
pub mod drift;
pub mod economics;
pub mod estimate;
pub mod figures;
pub mod losses;
pub mod products;
pub mod restart_curve;
pub mod sequence;
pub mod tornado;

use crate::Result;
use crate::experiment::{
    self, Figure, FigureComparison, FigureSummary, Summary, Truncation, WarmupReport,
};
use crate::flow::{self, FlowResult, SERIES_BINS};
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
    /// Per circuit, the largest drift of its feed from the design composition and the cascade
    /// re-solved at that feed (`None` without a separation or drift).
    pub drift: Vec<Option<drift::Drift>>,
    /// Per circuit, the fraction of the window with k = 0..K trains running (over
    /// replications).
    pub trains_running: Vec<Vec<Summary>>,
    /// Events processed, summed over replications.
    pub events: u64,
    /// Largest element mass-balance error of any replication, relative to the feed offered.
    pub mass_balance_error: f64,
    /// One replication's raw result (replication 0), for diagnostics.
    pub first: FlowResult,
    /// Design and capital cost, when the scenario has `[economics]`.
    pub money: Option<economics::Money>,
    /// Probability that this layout has the highest NPV of all layouts (with `[economics]`).
    pub p_best: Option<Summary>,
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
    set_p_best(&mut layouts);
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

/// Each layout's probability of the highest NPV, over the paired replications.
fn set_p_best(layouts: &mut [LayoutResult]) {
    if layouts.iter().any(|l| l.money.is_none()) {
        return;
    }
    let npv: Vec<Vec<f64>> = layouts
        .iter()
        .map(|l| l.replications.iter().map(|r| value_of(r, "npv")).collect())
        .collect();
    for (l, p) in layouts.iter_mut().zip(economics::p_best(&npv)) {
        l.p_best = Some(p);
    }
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
    if scenario.uncertainty.is_empty() {
        let results = experiment::run_replications(0..u64::from(reps), threads, |r| {
            flow::simulate(&plan.spec, seed, r)
        })?;
        let figures = results.iter().map(|r| plan.figures(r)).collect();
        return plan.finish(name, scenario, results, figures);
    }
    // Each replication draws its inputs (the same draw in every layout) and runs the plant
    // and money rebuilt at them, with the layout's warm-up.
    let runs = experiment::run_replications(0..u64::from(reps), threads, |r| {
        let drawn = scenario.drawn(seed, r)?;
        let p = Plan::with_warmup(&drawn, plan.warmup_h)?;
        let result = flow::simulate(&p.spec, seed, r);
        let figures = p.figures(&result);
        Ok((result, figures))
    })?;
    let (results, figures) = runs
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    plan.finish(name, scenario, results, figures)
}

/// The base layout under the sequential precision loop.
fn precise_layout(
    scenario: &Scenario,
    seed: u64,
    initial: u32,
    target: f64,
    options: &RunOptions,
) -> Result<(LayoutResult, PrecisionReport)> {
    if !scenario.uncertainty.is_empty() {
        return Err(crate::Error::Input(
            "--precision does not run with [uncertainty] yet: give --reps instead".into(),
        ));
    }
    let plan = Plan::new(scenario, seed, initial, options.threads)?;
    let headline = headline_figures(&plan.flows);
    let cfg = experiment::PrecisionConfig {
        target,
        initial: u64::from(initial.max(2)),
        cap: u64::from(options.max_replications.max(initial.max(2))),
        min_batch: 2,
        threads: options.threads,
    };
    let values = |r: &FlowResult| {
        let figs = plan.figures(r);
        headline.iter().map(|name| value_of(&figs, name)).collect()
    };
    let outcome = experiment::run_until_precision(
        &cfg,
        None,
        |r| flow::simulate(&plan.spec, seed, r),
        values,
    )?;
    let report = PrecisionReport {
        target,
        stop: outcome.stop,
        batch_ends: outcome.batch_ends,
        figures: headline,
        relative_half_widths: outcome.relative_half_widths,
    };
    let figures = outcome.results.iter().map(|r| plan.figures(r)).collect();
    Ok((
        plan.finish("base", scenario, outcome.results, figures)?,
        report,
    ))
}

/// The figures the precision target applies to: every product's on-spec output, the total,
/// and availability.
fn headline_figures(flows: &ProductFlows) -> Vec<String> {
    let mut names: Vec<String> = flows
        .products
        .iter()
        .map(|p| format!("on_spec_{}", p.key))
        .collect();
    names.push("throughput".into());
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
    spec: flow::PlantSpec,
    value: economics::Valuation,
    currency: String,
    money: Option<economics::Money>,
}

impl Plan {
    fn new(scenario: &Scenario, seed: u64, reps: u32, threads: Option<usize>) -> Result<Self> {
        let flows = ProductFlows::of(scenario)?;
        let (warmup_h, warmup_auto) = match scenario.warmup {
            Warmup::Fixed(h) => (h, None),
            Warmup::Auto => {
                let pilot = flows.plant_spec(0.0);
                let report = auto_warmup(&pilot, seed, reps, threads)?;
                (
                    truncation_hours(&report.overall, scenario.horizon_h),
                    Some(report),
                )
            }
        };
        Plan::assemble(scenario, flows, warmup_h, warmup_auto)
    }

    /// The plan of `scenario` with a given warm-up (no pilot runs).
    fn with_warmup(scenario: &Scenario, warmup_h: f64) -> Result<Self> {
        Plan::assemble(scenario, ProductFlows::of(scenario)?, warmup_h, None)
    }

    fn assemble(
        scenario: &Scenario,
        flows: ProductFlows,
        warmup_h: f64,
        warmup_auto: Option<WarmupReport>,
    ) -> Result<Self> {
        let spec = flows.plant_spec(warmup_h);
        Ok(Plan {
            money: economics::Money::of(scenario, &flows)?,
            value: economics::Valuation::of(scenario, &flows),
            currency: scenario
                .economics
                .as_ref()
                .map_or_else(|| "USD".to_string(), |e| e.currency.clone()),
            flows,
            warmup_h,
            warmup_auto,
            spec,
        })
    }

    /// The figures of one replication: the plant's, then its money's.
    fn figures(&self, r: &FlowResult) -> Vec<Figure> {
        let mut figs = figures::figures(r, &self.flows);
        let unit = format!("{}/yr", self.currency);
        figs.push(Figure::new(
            "sales_value",
            unit,
            self.value.on_spec_value(r),
        ));
        if let Some(m) = &self.money {
            figs.extend(m.figures(r));
        }
        figs
    }

    /// Figures, summaries and counters of the finished replications (`replications[r]`: the
    /// figures of `results[r]`).
    fn finish(
        self,
        name: &str,
        scenario: &Scenario,
        results: Vec<FlowResult>,
        replications: Vec<Vec<Figure>>,
    ) -> Result<LayoutResult> {
        let summaries = experiment::summarize_figures(&replications)?;
        let bottleneck = figures::bottleneck(&summaries, &self.flows.circuit_names);
        if let Some(r) = results.iter().find(|r| r.aborted.is_some()) {
            let why = r.aborted.as_deref().unwrap_or_default();
            return Err(crate::Error::Input(format!(
                "layout \"{name}\", replication {}: {why}",
                r.replication
            )));
        }
        let mass_balance_error = results
            .iter()
            .map(|r| r.mass.relative_error())
            .fold(0.0, f64::max);
        if mass_balance_error > 1e-9 {
            return Err(crate::Error::Internal(format!(
                "layout \"{name}\": element mass balance off by {mass_balance_error:e} of the feed"
            )));
        }
        Ok(LayoutResult {
            drift: drift::drifts(scenario, &self.spec, &results),
            trains_running: figures::trains_running(&results),
            name: name.to_string(),
            warmup_h: self.warmup_h,
            bottleneck,
            warmup_auto: self.warmup_auto,
            flows: self.flows,
            events: results.iter().map(|r| r.events).sum(),
            mass_balance_error,
            first: results.into_iter().next().unwrap_or_default(),
            money: self.money,
            p_best: None,
            replications,
            summaries,
        })
    }
}

/// Pilot runs without warm-up; MSER-5 on their output series picks the truncation.
fn auto_warmup(
    spec: &flow::PlantSpec,
    seed: u64,
    reps: u32,
    threads: Option<usize>,
) -> Result<WarmupReport> {
    let series = experiment::run_replications(0..u64::from(reps), threads, |r| {
        flow::simulate(spec, seed, r).series
    })?;
    let slices: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
    Ok(experiment::mser5_replications(&slices))
}

/// The truncation time of an MSER-5 choice, hours.
pub fn truncation_hours(t: &Truncation, horizon_h: f64) -> f64 {
    t.time(horizon_h / SERIES_BINS as f64)
}
