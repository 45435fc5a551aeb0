//! `reesim cascade`: solve every circuit's steady-state SX cascade in a scenario.

use super::flags;
use crate::chem::dynamic::{self, DynamicModel, DynamicOptions, Start, Target, Transient};
use crate::chem::{CascadeSolution, SeparationSpec};
use crate::report::Format;
use crate::report::cascade::{Dynamics, SolvedCircuit};
use crate::report::dynamic::DynamicRun;
use crate::scenario::ScenarioSource;
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim cascade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); every circuit with a `[circuit.separation]` table is solved.
    pub scenario: PathBuf,
    /// Output format: table, json, or csv (stage profiles, one row per circuit, stage and
    /// element; the dynamic runs are in table and json).
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
    /// With --dynamic: length of a stop before a restart from steady state, e.g. "8 h" or
    /// "2 d" (a bare number is hours).
    #[arg(long, value_name = "DURATION", requires = "dynamic", value_parser = flags::hours)]
    pub stop: Option<f64>,
    /// With --dynamic: stage residence time tau (both phases), e.g. "25 min" (a bare number is
    /// hours). Default: the circuit's stage residence in the scenario, else 0.4 h.
    #[arg(long, value_name = "DURATION", requires = "dynamic", value_parser = flags::hours)]
    pub residence: Option<f64>,
    /// With --dynamic: a product without a sales spec is on-spec when its impurity is within
    /// this fraction of the steady-state impurity [default: 0.01, as the plant's restart
    /// curves use].
    #[arg(long, value_name = "FRACTION", requires = "dynamic", value_parser = flags::non_negative, allow_negative_numbers = true)]
    pub impurity_tolerance: Option<f64>,
    /// With --dynamic and --stop: aqueous exchange between neighbouring stages during the
    /// stop, fraction of the running aqueous flow (ASSUMPTION; 0 = ideal stop) [default: 0.1,
    /// as the plant's restart curves use].
    #[arg(long, value_name = "FRACTION", requires = "stop", value_parser = flags::non_negative, allow_negative_numbers = true)]
    pub stop_exchange: Option<f64>,
}

/// Runs `reesim cascade`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let scenario = source.base()?;
    if args.format == Format::Csv && args.dynamic {
        return Err(Error::Input(
            "--format csv holds the stage profiles only; the dynamic runs of --dynamic are in \
             --format table or json (and --plots)"
                .into(),
        ));
    }
    if let Some(dir) = &args.plots {
        crate::report::files::prepare_dir(dir)?;
    }
    let mut circuits = Vec::new();
    let specs = crate::study::build::sales_specs(&scenario);
    for (circuit, specs) in scenario.circuits.iter().zip(specs) {
        let Some(sep) = &circuit.separation else {
            continue;
        };
        let name = &circuit.name;
        let in_circuit = |e: crate::chem::ChemError| {
            Error::Input(format!("{}: circuit \"{name}\": {e}", source.file()))
        };
        let solution = sep.solve().map_err(in_circuit)?;
        let dynamic = if args.dynamic {
            let residence = residence_of(&args, circuit);
            let runs = dynamic_runs(&args, sep, &solution, residence, specs).map_err(in_circuit)?;
            if let Some(dir) = &args.plots {
                plot_runs(dir, name, &solution, &runs)?;
            }
            Some(Dynamics {
                runs,
                residence,
                tolerance: impurity_tolerance(&args),
                sales: specs,
                exchange: stop_exchange(&args),
            })
        } else {
            None
        };
        circuits.push(SolvedCircuit {
            name: name.clone(),
            solution,
            dynamic,
        });
    }
    if circuits.is_empty() {
        return Err(Error::Input(format!(
            "{}: no circuit has a [circuit.separation] table to solve",
            source.file()
        )));
    }
    let text = crate::report::cascade::render(&scenario.name, &circuits, args.format)?;
    super::print_stdout(&text)
}

/// `--impurity-tolerance`, or the default the plant's restart curves use.
fn impurity_tolerance(args: &Args) -> f64 {
    args.impurity_tolerance
        .unwrap_or(dynamic::DEFAULT_IMPURITY_TOLERANCE)
}

/// `--stop-exchange`, or the default the plant's restart curves use.
fn stop_exchange(args: &Args) -> f64 {
    args.stop_exchange.unwrap_or(dynamic::DEFAULT_STOP_EXCHANGE)
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
            Target::SteadyImpurity(impurity_tolerance(args)),
            Target::Purity,
        )
    };
    let opts = DynamicOptions {
        residence_h: residence.0,
        target_a: target(sales[0]),
        target_b: target(sales[1]),
        stop_exchange: stop_exchange(args),
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
            let transient = model.run(&start)?;
            Ok(DynamicRun {
                label,
                start,
                transient,
            })
        })
        .collect()
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
