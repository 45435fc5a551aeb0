//! The report of `reesim cascade --dynamic`: each circuit's start-up and restart transients as
//! a table (a log-spaced trajectory summary) and typed JSON (the trajectory thinned to about
//! 200 log-spaced samples). Solve times are not printed, so the output is deterministic.

use super::contract::Quantity;
use crate::chem::dynamic::{self, Start, Transient};
use serde::Serialize;

/// One dynamic run of a circuit: a start and the transient it gives.
#[derive(Debug)]
pub struct DynamicRun {
    /// What the run is, e.g. "naive start (feed liquor)".
    pub label: String,
    /// How the cascade starts.
    pub start: Start,
    /// The integrated transient.
    pub transient: Transient,
}

/// Times at which the trajectory summary is shown, tau: 1, 3, 10, 30, ... up to the end.
fn summary_times(end: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut t = 1.0;
    while t <= end {
        out.push(t);
        t *= if out.len() % 2 == 1 { 3.0 } else { 10.0 / 3.0 };
    }
    out
}

/// The last sample at or before `t`.
fn sample_at(tr: &Transient, t: f64) -> &dynamic::Sample {
    let k = tr.samples.partition_point(|s| s.t <= t);
    &tr.samples[k.saturating_sub(1)]
}

/// A duration given in tau as "x tau = y h (z d)", or "not within the run".
fn duration(t: Option<f64>, residence_h: f64) -> String {
    match t {
        Some(t) => format!(
            "{t:.1} tau = {:.1} h ({:.2} d)",
            t * residence_h,
            t * residence_h / 24.0
        ),
        None => "not within the run".into(),
    }
}

/// Aligned text: per run, the time to on-spec and a log-spaced trajectory summary.
///
/// `residence` is tau in hours and where it came from; `tolerance` the on-spec rule for a
/// product without a sales spec.
pub fn table(
    runs: &[DynamicRun],
    residence: (f64, &str),
    tolerance: f64,
    sales: [Option<f64>; 2],
) -> String {
    let tau = residence.0;
    let rule = |s: Option<f64>| match s {
        Some(p) => format!("purity >= {p} (sales spec)"),
        None => format!("impurity within {}% of steady state", tolerance * 100.0),
    };
    let mut t = format!(
        "\nDynamic model: tau = {tau:.4} h per stage ({}); on-spec: A {}, B {}\n",
        residence.1,
        rule(sales[0]),
        rule(sales[1])
    );
    for run in runs {
        let tr = &run.transient;
        t.push_str(&format!(
            "  {}: A on-spec after {}; B on-spec after {}; {} steps{}\n",
            run.label,
            duration(tr.on_spec_a, tau),
            duration(tr.on_spec_b, tau),
            tr.steps.0,
            if tr.settled { "" } else { " (not settled)" }
        ));
        t.push_str(&format!(
            "    {:>10} {:>11} {:>12} {:>12} {:>12} {:>10}\n",
            "t/tau", "t/h", "purity A", "purity B", "inv h-feed", "deviation"
        ));
        let end = tr.samples.last().map_or(0.0, |s| s.t);
        for time in summary_times(end) {
            let s = sample_at(tr, time);
            t.push_str(&format!(
                "    {:>10.0} {:>11.1} {:>12.8} {:>12.8} {:>12.3} {:>10.2e}\n",
                time,
                time * tau,
                s.purity_a,
                s.purity_b,
                s.inventory_h,
                s.deviation
            ));
        }
    }
    t
}

/// Up to about 200 samples, log-spaced in time (first and last kept), for plots.
fn thinned(tr: &Transient) -> Vec<&dynamic::Sample> {
    let mut out: Vec<&dynamic::Sample> = Vec::new();
    let mut next = 0.0;
    for s in &tr.samples {
        if s.t >= next {
            out.push(s);
            next = (s.t * 1.05).max(s.t + 0.1);
        }
    }
    if let (Some(last), Some(kept)) = (tr.samples.last(), out.last()) {
        if kept.t < last.t {
            out.push(last);
        }
    }
    out
}

/// The `dynamic` object of a circuit in `reesim cascade --dynamic --format json`.
#[derive(Debug, Serialize)]
pub struct DynamicDoc<'a> {
    /// Stage residence tau, h, and where it came from.
    pub residence: Residence<'a>,
    /// The naive start-up, then the restart after `--stop`.
    pub runs: Vec<RunDoc<'a>>,
}

/// Stage residence with its source.
#[derive(Debug, Serialize)]
pub struct Residence<'a> {
    /// tau, h.
    pub value: f64,
    /// Always "h".
    pub unit: &'static str,
    /// "--residence", the scenario, or "default".
    pub source: &'a str,
}

/// One run's transient.
#[derive(Debug, Serialize)]
pub struct RunDoc<'a> {
    /// "feed" (naive start) or "after_stop".
    pub start: &'static str,
    /// Human label of the run.
    pub label: &'a str,
    /// Length of the stop before the restart, h (0 for a naive start).
    pub stop: Quantity,
    /// Aqueous exchange between neighbouring stages during the stop.
    pub stop_exchange: Quantity,
    /// Steady-state purity of A, mole fraction.
    pub steady_purity_a: f64,
    /// Steady-state purity of B, mole fraction.
    pub steady_purity_b: f64,
    /// Purity A must reach to count as on-spec.
    pub threshold_a: f64,
    /// Purity B must reach to count as on-spec.
    pub threshold_b: f64,
    /// When A is on-spec (null: not within the run).
    pub on_spec_a: Option<OnSpec>,
    /// When B is on-spec (null: not within the run).
    pub on_spec_b: Option<OnSpec>,
    /// When both are on-spec, h.
    pub on_spec: Option<Quantity>,
    /// Whether the run reached steady state.
    pub settled: bool,
    /// Integration steps.
    pub steps: usize,
    /// Relative element mass-balance error over the run.
    pub mass_balance_error: f64,
    /// The thinned trajectory.
    pub trajectory: Trajectory,
}

/// A time to on-spec in hours and in stage residence times.
#[derive(Debug, Serialize)]
pub struct OnSpec {
    /// Hours.
    pub value: f64,
    /// Always "h".
    pub unit: &'static str,
    /// The same time in units of tau.
    pub tau: f64,
}

/// Columns of the thinned trajectory, one entry per sample.
#[derive(Debug, Serialize)]
pub struct Trajectory {
    /// What the columns mean.
    pub basis: &'static str,
    /// Time, tau.
    pub t_tau: Vec<f64>,
    /// Time, h.
    pub t_h: Vec<f64>,
    /// Purity of A, mole fraction.
    pub purity_a: Vec<f64>,
    /// Purity of B, mole fraction.
    pub purity_b: Vec<f64>,
    /// REE inventory, hours of feed.
    pub inventory_h: Vec<f64>,
    /// REO inventory, hours of feed.
    pub inventory_reo_h: Vec<f64>,
    /// Distance from steady state.
    pub deviation: Vec<f64>,
}

impl<'a> DynamicDoc<'a> {
    /// The document of a circuit's runs at residence `residence` (h, source) with stop
    /// exchange `exchange` (fraction of the running aqueous flow).
    pub fn of(runs: &'a [DynamicRun], residence: (f64, &'a str), exchange: f64) -> DynamicDoc<'a> {
        let tau = residence.0;
        let on_spec = |t: Option<f64>| {
            t.map(|t| OnSpec {
                value: t * tau,
                unit: "h",
                tau: t,
            })
        };
        let runs = runs
            .iter()
            .map(|run| {
                let tr = &run.transient;
                let pts = thinned(tr);
                let col = |f: fn(&dynamic::Sample) -> f64| pts.iter().map(|s| f(s)).collect();
                RunDoc {
                    start: match run.start {
                        Start::AfterStop { .. } => "after_stop",
                        _ => "feed",
                    },
                    label: &run.label,
                    stop: Quantity::new(tr.stop_h, "h"),
                    stop_exchange: Quantity::new(exchange, "fraction of running aqueous flow"),
                    steady_purity_a: tr.steady_purity.0,
                    steady_purity_b: tr.steady_purity.1,
                    threshold_a: tr.threshold.0,
                    threshold_b: tr.threshold.1,
                    on_spec_a: on_spec(tr.on_spec_a),
                    on_spec_b: on_spec(tr.on_spec_b),
                    on_spec: tr.on_spec_h().map(|h| Quantity::new(h, "h")),
                    settled: tr.settled,
                    steps: tr.steps.0,
                    mass_balance_error: tr.mass_balance_error(),
                    trajectory: Trajectory {
                        basis: "mole fractions; inventory in hours of feed (mol REE per mol/h fed, \
                                REO: t per t REO/h fed)",
                        t_tau: col(|s| s.t),
                        t_h: col(|s| s.t_h),
                        purity_a: col(|s| s.purity_a),
                        purity_b: col(|s| s.purity_b),
                        inventory_h: col(|s| s.inventory_h),
                        inventory_reo_h: col(|s| s.inventory_reo_h),
                        deviation: col(|s| s.deviation),
                    },
                }
            })
            .collect();
        DynamicDoc {
            residence: Residence {
                value: tau,
                unit: "h",
                source: residence.1,
            },
            runs,
        }
    }
}
