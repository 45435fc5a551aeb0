//! `reesim cascade`: solve every circuit's steady-state SX cascade in a scenario.

use super::Format;
use crate::chem::dynamic::{self, DynamicModel, DynamicOptions, Start, Target, Transient};
use crate::chem::{CascadeSolution, SeparationSpec};
use crate::report::cascade;
use crate::scenario::ScenarioSource;
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim cascade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); every circuit with a `[circuit.separation]` table is solved.
    pub scenario: PathBuf,
    /// Output format (csv is not offered for stage profiles).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also integrate the dynamic stage model (holdup = flow x residence, phases at
    /// equilibrium): start-up from a cascade filled with feed liquor and, with --stop, a
    /// restart from steady state after a stop; prints the purity trajectory and each product's
    /// time to on-spec.
    #[arg(long)]
    pub dynamic: bool,
    /// With --dynamic: write each circuit's purity trajectory as `dynamic_<circuit>.svg` here.
    #[arg(long, value_name = "DIR", requires = "dynamic")]
    pub plots: Option<std::path::PathBuf>,
    /// With --dynamic: length of a stop before a restart from steady state, hours.
    #[arg(long, value_name = "HOURS", requires = "dynamic")]
    pub stop: Option<f64>,
    /// With --dynamic: stage residence time tau, hours (both phases). Default: the circuit's
    /// mean stage residence in the scenario, else 0.4.
    #[arg(long, value_name = "HOURS", requires = "dynamic")]
    pub residence: Option<f64>,
    /// With --dynamic: a product is on-spec when its impurity is within this fraction of the
    /// steady-state impurity.
    #[arg(long, value_name = "FRACTION", requires = "dynamic", default_value_t = dynamic::DEFAULT_IMPURITY_TOLERANCE)]
    pub impurity_tolerance: f64,
    /// With --dynamic and --stop: aqueous exchange between neighbouring stages during the
    /// stop, fraction of the running aqueous flow (ASSUMPTION; 0 = ideal stop).
    #[arg(long, value_name = "FRACTION", requires = "stop", default_value_t = dynamic::DEFAULT_STOP_EXCHANGE)]
    pub stop_exchange: f64,
}

/// Runs `reesim cascade`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let scenario = source.base()?;
    let mut tables = Vec::new();
    let mut values = Vec::new();
    let specs = crate::study::build::sales_specs(&scenario);
    for (circuit, specs) in scenario.circuits.iter().zip(specs) {
        let Some(sep) = &circuit.separation else {
            continue;
        };
        let name = &circuit.name;
        let solution = sep
            .solve()
            .map_err(|e| Error::Input(format!("{}: circuit \"{name}\": {e}", source.file())))?;
        let mut table = cascade::to_table(name, &solution);
        let mut value = cascade::to_json(name, &solution);
        if args.dynamic {
            let residence = residence_of(&args, circuit);
            let runs = dynamic_runs(&args, sep, &solution, residence, specs)
                .map_err(|e| Error::Input(format!("{}: circuit \"{name}\": {e}", source.file())))?;
            table.push_str(&dynamic_table(
                &runs,
                residence,
                args.impurity_tolerance,
                specs,
            ));
            if let Some(dir) = &args.plots {
                plot_runs(dir, name, &solution, &runs)?;
            }
            value["dynamic"] = dynamic_json(&runs, residence, args.stop_exchange);
        }
        tables.push(table);
        values.push(value);
    }
    if values.is_empty() {
        return Err(Error::Input(format!(
            "{}: no circuit has a [circuit.separation] table to solve",
            source.file()
        )));
    }
    let text = match args.format {
        Format::Json => {
            let doc = serde_json::json!({ "scenario": scenario.name, "circuits": values });
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))? + "\n"
        }
        Format::Table => tables.join("\n"),
        Format::Csv => {
            return Err(Error::Input(
                "--format csv is not available for `cascade`; use table or json".into(),
            ));
        }
    };
    super::print_stdout(&text)
}

/// One dynamic run of a circuit and its wall-clock solve time, seconds.
struct DynamicRun {
    label: String,
    start: Start,
    transient: Transient,
    seconds: f64,
}

/// The stage residence used: `--residence`, else the circuit's stage
/// residence (`circuit.stage_residence`, default 25 min); with where it came from.
fn residence_of(args: &Args, circuit: &crate::scenario::Circuit) -> (f64, &'static str) {
    if let Some(r) = args.residence {
        return (r, "--residence");
    }
    if circuit.stage_residence_h > 0.0 {
        return (
            circuit.stage_residence_h,
            "scenario circuit.stage_residence",
        );
    }
    (dynamic::DEFAULT_RESIDENCE_H, "default")
}

/// Runs the naive start-up and, with `--stop`, the restart after the stop. A product with a
/// sales spec (`[product.NAME] min_purity`) is on-spec at that purity, as the plant judges it;
/// one without, within `--impurity-tolerance` of its steady impurity.
fn dynamic_runs(
    args: &Args,
    spec: &SeparationSpec,
    solution: &CascadeSolution,
    residence: (f64, &str),
    sales: [Option<f64>; 2],
) -> std::result::Result<Vec<DynamicRun>, crate::chem::ChemError> {
    let target = |s: Option<f64>| {
        s.map_or(
            Target::SteadyImpurity(args.impurity_tolerance),
            Target::Purity,
        )
    };
    let opts = DynamicOptions {
        residence_h: residence.0,
        target_a: target(sales[0]),
        target_b: target(sales[1]),
        stop_exchange: args.stop_exchange,
        ..Default::default()
    };
    let model = DynamicModel::new(spec, solution, opts)?;
    let mut starts = vec![("naive start (feed liquor)".to_string(), Start::Feed)];
    if let Some(h) = args.stop {
        starts.push((
            format!("restart after {h} h stop"),
            Start::AfterStop { hours: h },
        ));
    }
    starts
        .into_iter()
        .map(|(label, start)| {
            let clock = std::time::Instant::now();
            let transient = model.run(&start)?;
            Ok(DynamicRun {
                label,
                start,
                transient,
                seconds: clock.elapsed().as_secs_f64(),
            })
        })
        .collect()
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

fn dynamic_table(
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
            "  {}: A on-spec after {}; B on-spec after {}; {} steps, {:.3} s{}\n",
            run.label,
            duration(tr.on_spec_a, tau),
            duration(tr.on_spec_b, tau),
            tr.steps.0,
            run.seconds,
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

fn on_spec_json(t: Option<f64>, residence_h: f64) -> serde_json::Value {
    match t {
        Some(t) => serde_json::json!({ "value": t * residence_h, "unit": "h", "tau": t }),
        None => serde_json::Value::Null,
    }
}

fn dynamic_json(runs: &[DynamicRun], residence: (f64, &str), exchange: f64) -> serde_json::Value {
    let tau = residence.0;
    let runs: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let tr = &run.transient;
            let pts = thinned(tr);
            let col = |f: fn(&dynamic::Sample) -> f64| pts.iter().map(|s| f(s)).collect::<Vec<_>>();
            serde_json::json!({
                "start": match run.start { Start::AfterStop { .. } => "after_stop", _ => "feed" },
                "label": run.label,
                "stop": { "value": tr.stop_h, "unit": "h" },
                "stop_exchange": { "value": exchange, "unit": "fraction of running aqueous flow" },
                "steady_purity_a": tr.steady_purity.0,
                "steady_purity_b": tr.steady_purity.1,
                "threshold_a": tr.threshold.0,
                "threshold_b": tr.threshold.1,
                "on_spec_a": on_spec_json(tr.on_spec_a, tau),
                "on_spec_b": on_spec_json(tr.on_spec_b, tau),
                "on_spec": tr.on_spec_h().map(|h| serde_json::json!({ "value": h, "unit": "h" })),
                "settled": tr.settled,
                "steps": tr.steps.0,
                "mass_balance_error": tr.mass_balance_error(),
                "solve_time": { "value": run.seconds, "unit": "s" },
                "trajectory": {
                    "basis": "mole fractions; inventory in hours of feed (mol REE per mol/h fed, \
                              REO: t per t REO/h fed)",
                    "t_tau": col(|s| s.t),
                    "t_h": col(|s| s.t_h),
                    "purity_a": col(|s| s.purity_a),
                    "purity_b": col(|s| s.purity_b),
                    "inventory_h": col(|s| s.inventory_h),
                    "inventory_reo_h": col(|s| s.inventory_reo_h),
                    "deviation": col(|s| s.deviation),
                },
            })
        })
        .collect();
    serde_json::json!({
        "residence": { "value": tau, "unit": "h", "source": residence.1 },
        "runs": runs,
    })
}

/// Writes `dynamic_<circuit>.svg`: each run's product impurities against time.
fn plot_runs(
    dir: &std::path::Path,
    name: &str,
    s: &CascadeSolution,
    runs: &[DynamicRun],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let group =
        |e: &[crate::chem::Element]| e.iter().map(|x| x.symbol()).collect::<Vec<_>>().join("-");
    let (b, a) = s.elements.split_at(s.split_after + 1);
    let (a, b) = (format!("A ({})", group(a)), format!("B ({})", group(b)));
    let pairs: Vec<(&str, &Transient)> = runs
        .iter()
        .map(|r| (r.label.as_str(), &r.transient))
        .collect();
    let svg = crate::report::plots::transient::svg(name, &pairs, (&a, &b))?;
    let file = format!("dynamic_{}.svg", crate::study::figures::snake(name));
    crate::report::files::write_text(&dir.join(file), &svg)
}
