//! `reesim sweep`: the Cartesian grid of `--set` values (or the file's `[sweep]` table), points
//! in parallel, one row per point; `--shard K/N` runs one interleaved slice for a cluster.

use crate::experiment::{
    self, Grid, GridPoint, OutputFormat, Provenance, SetSpec, Shard, SweepOutput, SweepRow,
};
use crate::report::Format;
use crate::scenario::{FieldPath, Override, Scenario, ScenarioSource};
use crate::study;
use crate::study::products::ProductFlows;
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim sweep`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); its variants are ignored, its `[sweep]` table used without --set.
    pub scenario: PathBuf,
    /// A swept key and its values, e.g. `--set circuit.PrNd.trains=1,2,4,8` (repeatable; the
    /// first varies slowest).
    #[arg(long = "set", value_name = "KEY=V1,V2,...")]
    pub sets: Vec<SetSpec>,
    /// Run only the K-th of N interleaved slices of the grid (1-based), e.g. `--shard 3/16`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Output file: `.csv`, or `.jsonl` (or `.ndjson`: one JSON object per line); written
    /// atomically after every few points, locked (`FILE.lock`) while the sweep runs, its
    /// provenance in `FILE.provenance.json`. Without it the rows are printed (--format).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Keep the points already in --out and run only the missing ones; refused when the file's
    /// provenance (scenario, grid, seed, replications, shard, version) is not this run's.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Also write one SVG per headline figure against the swept value into this directory
    /// (a whole grid of one numeric key; not with --shard or --resume).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["shard", "resume"])]
    pub plots: Option<PathBuf>,
    /// Format of the rows on standard output without --out: csv (the file format), json (one
    /// object per line, as a .jsonl file), or table (headline figures, mean +- 95 % CI).
    #[arg(long, value_enum, default_value_t = Format::Csv, conflicts_with = "out")]
    pub format: Format,
    #[command(flatten)]
    pub sim: super::run::SimArgs,
}

/// Runs `reesim sweep`.
pub fn run(args: Args) -> Result<()> {
    let bytes = std::fs::read(&args.scenario).map_err(|source| Error::Io {
        path: args.scenario.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| Error::Io {
        path: args.scenario.clone(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    let source = ScenarioSource::from_text(&args.scenario.display().to_string(), text)?;
    let grid = grid(&args, &source)?;
    let shard = args.shard.unwrap_or(Shard::ALL);
    let points = grid.shard_points(shard);
    let scenarios: Vec<Scenario> = points
        .iter()
        .map(|p| point_scenario(&source, p))
        .collect::<Result<_>>()?;
    let provenance = provenance(&args, &source, &grid, &bytes, shard)?;
    // Without --out the rows go through a file in a private directory (removed afterwards).
    let temp = tempfile::tempdir().map_err(|e| Error::Internal(e.to_string()))?;
    let path = args.out.clone().unwrap_or_else(|| {
        let extension = if args.format == Format::Json {
            "jsonl"
        } else {
            "csv"
        };
        temp.path().join(format!("sweep.{extension}"))
    });
    let out = SweepOutput {
        path: &path,
        format: OutputFormat::from_path(&path)?,
        resume: args.resume,
        chunk: 4,
        provenance: &provenance,
    };
    let threads = args.sim.threads();
    let work = study::estimate::Work::sweep(&scenarios, args.sim.reps, args.sim.seed, threads);
    study::estimate::check(&work, args.sim.force)?;
    let x = match &args.plots {
        Some(dir) => {
            crate::report::files::prepare_dir(dir)?;
            Some(numeric_axis(&grid, &points)?)
        }
        None => None,
    };
    let rows = std::sync::Mutex::new(Vec::new());
    let output = experiment::run_points(&points, threads, out, |p| {
        let i = points.iter().position(|q| q.index == p.index).unwrap_or(0);
        let s = &scenarios[i];
        let seed = args.sim.seed.unwrap_or(s.seed);
        let layout = study::layout(
            &s.name,
            s,
            seed,
            args.sim.reps.unwrap_or(s.replications),
            None,
        )?;
        let row = SweepRow::new(p, &layout.summaries);
        if let Ok(mut rows) = rows.lock() {
            rows.push(row.clone());
        }
        Ok(row)
    })?;
    if let (Some(dir), Some(x)) = (&args.plots, x) {
        let mut rows = rows
            .lock()
            .map_err(|_| Error::Internal("sweep rows lock poisoned".into()))?
            .clone();
        rows.sort_by_key(|r| r.point);
        let flows = ProductFlows::of(&scenarios[0])?;
        write_plots(dir, &flows, grid.keys()[0], &x, &rows)?;
    }
    if args.out.is_some() {
        return Ok(());
    }
    let text = if args.format == Format::Table {
        let mut rows = rows
            .into_inner()
            .map_err(|_| Error::Internal("sweep rows lock poisoned".into()))?;
        rows.sort_by_key(|r| r.point);
        crate::report::sweep::table(&rows)
    } else {
        String::from_utf8(output.to_bytes()).map_err(|e| Error::Internal(e.to_string()))?
    };
    super::print_stdout(&text)
}

/// The run's provenance: the scenario file's digest, the grid, and the seed and replications
/// (`--seed` / `--reps`, else the base scenario's, or grid point 0's when the base alone does
/// not validate), the same for every shard.
fn provenance(
    args: &Args,
    source: &ScenarioSource,
    grid: &Grid,
    bytes: &[u8],
    shard: Shard,
) -> Result<Provenance> {
    let (seed, reps) = match (args.sim.seed, args.sim.reps) {
        (Some(seed), Some(reps)) => (seed, reps),
        (seed, reps) => {
            let base = match source.base() {
                Ok(base) => base,
                Err(_) => point_scenario(source, &grid.point(0))?,
            };
            (seed.unwrap_or(base.seed), reps.unwrap_or(base.replications))
        }
    };
    Ok(Provenance::new(bytes, grid, seed, u64::from(reps), shard))
}

/// The grid from `--set`, or else from the file's `[sweep]` table.
fn grid(args: &Args, source: &ScenarioSource) -> Result<Grid> {
    if !args.sets.is_empty() {
        return Grid::new(args.sets.clone());
    }
    let axes = source.sweep_axes()?;
    if axes.is_empty() {
        return Err(Error::Input(format!(
            "{}: nothing to sweep: give --set KEY=V1,V2,... or a [sweep] table",
            source.file()
        )));
    }
    let specs = axes
        .iter()
        .map(|a| SetSpec {
            key: a.key.clone(),
            values: a.values.iter().map(value_text).collect(),
        })
        .collect();
    Grid::new(specs)
}

/// A TOML value as `--set` would write it (strings unquoted).
fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The scenario at one grid point, validated (errors name the key and value).
fn point_scenario(source: &ScenarioSource, point: &GridPoint) -> Result<Scenario> {
    let overrides: Vec<Override> = point
        .assignments
        .iter()
        .map(|(key, text)| Override {
            key: key.clone(),
            value: parse_value(text),
            origin: FieldPath::default().key("sweep").key(key),
        })
        .collect();
    Ok(source.with_overrides(Some(&point.label()), &overrides)?)
}

/// A `--set` value as TOML: `4` is an integer, `2.5` a float, `true` a boolean, anything else
/// (such as `25 min`) a string.
pub(crate) fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// The swept values as numbers, in point order: `--plots` needs one numeric key.
fn numeric_axis(grid: &Grid, points: &[GridPoint]) -> Result<Vec<f64>> {
    let keys = grid.keys();
    let bad = || {
        Error::Input(format!(
            "--plots needs exactly one swept key with numeric values; got {}",
            keys.join(", ")
        ))
    };
    if keys.len() != 1 {
        return Err(bad());
    }
    points
        .iter()
        .map(|p| p.assignments[0].1.parse::<f64>().map_err(|_| bad()))
        .collect()
}

/// Figures worth a plot against the swept value.
pub(crate) fn plotted(name: &str) -> bool {
    name.starts_with("on_spec_")
        || matches!(
            name,
            "throughput" | "availability" | "held_back" | "lost_feed" | "off_spec"
        )
}

/// One SVG per plotted figure: mean and 95 % CI against the swept value.
fn write_plots(
    dir: &std::path::Path,
    flows: &ProductFlows,
    key: &str,
    x: &[f64],
    rows: &[SweepRow],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let Some(first) = rows.first() else {
        return Ok(());
    };
    for (f, figure) in first
        .figures
        .iter()
        .enumerate()
        .filter(|(_, f)| plotted(&f.name))
    {
        let mean: Vec<f64> = rows.iter().map(|r| r.figures[f].mean).collect();
        let ci95: Vec<f64> = rows.iter().map(|r| r.figures[f].ci95).collect();
        let y_label = crate::report::table::figure_label(flows, &figure.name, &figure.unit);
        let svg = crate::report::plots::sweep::svg(x, &mean, &ci95, key, &y_label)?;
        crate::report::files::write_text(&dir.join(format!("{}.svg", figure.name)), &svg)?;
    }
    Ok(())
}
