//! `reesim sequence`: every order of binary SX splits for a feed and its target products,
//! designed, verified and ranked.

use super::Format;
use crate::chem::Extractant;
use crate::report::num;
use crate::scenario::ScenarioSource;
use crate::study::sequence::{
    self, CircuitDesign, RankBy, Request, Sequence, SequenceStudy, SimulateOptions, Throughput,
};
use crate::{Error, Result};
use std::fmt::Write;
use std::path::PathBuf;

/// Arguments of `reesim sequence`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["feed", "scenario"]))]
pub struct Args {
    /// Feed as element=REO mass fraction pairs, e.g. `La=0.332,Ce=0.491,Pr=0.043,Nd=0.134`.
    #[arg(long)]
    pub feed: Option<String>,
    /// Read the feed from this scenario file's `feed.composition` (REO mass fractions).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Rescale the feed fractions to sum 1 (e.g. when trace elements are left out).
    #[arg(long)]
    pub normalise: bool,
    /// Extractant system: extractability order and neighbour separation factors.
    #[arg(long, default_value = "P507-HCl")]
    pub extractant: String,
    /// Neighbour separation factors between consecutive feed elements (least extracted
    /// first), overriding the extractant's, e.g. `4,1.5,4`.
    #[arg(long)]
    pub betas: Option<String>,
    /// Target products as contiguous element groups, e.g. `La,Ce,Pr-Nd` (default: every
    /// element its own product).
    #[arg(long)]
    pub products: Option<String>,
    /// Design purity of every product, mole fraction of its key group.
    #[arg(long, default_value_t = 0.999, allow_negative_numbers = true)]
    pub purity: f64,
    /// Plant feed rate, t REO per year.
    #[arg(long, allow_negative_numbers = true)]
    pub feed_t_per_yr: f64,
    /// Residence time per stage (both phases), minutes (docs/sources.md s3: 15-35).
    #[arg(long, default_value_t = 25.0, allow_negative_numbers = true)]
    pub residence_min: f64,
    /// Ranking criterion.
    #[arg(long, value_enum, default_value_t = Rank::Stages)]
    pub rank_by: Rank,
    /// Also simulate each sequence as a series flowsheet (one train per circuit, failures
    /// per stage, dynamic restart) and report its on-spec REO output.
    #[arg(long)]
    pub simulate: bool,
    /// Replications per sequence with --simulate.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub reps: u32,
    /// Root seed with --simulate (the same for every sequence: common random numbers).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Simulated days per replication with --simulate.
    #[arg(long, default_value_t = 365.0)]
    pub horizon_d: f64,
    /// Print the generated scenario of the sequence ranked first and stop (with --simulate).
    #[arg(long, hide = true)]
    pub print_scenario: bool,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The ranking criterion as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Rank {
    /// Total stages (n + m summed over circuits).
    Stages,
    /// Total in-circuit inventory, t REO.
    Inventory,
    /// Total loaded-organic REE flow, kmol/h.
    OrganicFlow,
    /// Simulated on-spec REO output, highest first (needs --simulate).
    Throughput,
}

/// Runs `reesim sequence`.
pub fn run(args: Args) -> Result<()> {
    if args.format == Format::Csv {
        return Err(Error::Input(
            "--format: csv is not available for `sequence`; use table or json".into(),
        ));
    }
    let request = request(&args)?;
    let problem = request.validate()?;
    let rank_by = match args.rank_by {
        Rank::Stages => RankBy::Stages,
        Rank::Inventory => RankBy::Inventory,
        Rank::OrganicFlow => RankBy::OrganicFlow,
        Rank::Throughput => RankBy::Throughput,
    };
    let mut study = sequence::sequence(problem, rank_by);
    if args.print_scenario {
        return super::print_stdout(&sequence::scenario_text(
            &study,
            &study.sequences[0],
            &sim_options(&args),
        ));
    }
    let sim = simulated(&args, &mut study)?;
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&json(&study, &sim))
                .map_err(|e| Error::Internal(e.to_string()))?
                + "\n"
        }
        _ => table(&study, &sim),
    };
    super::print_stdout(&text)
}

fn sim_options(args: &Args) -> SimulateOptions {
    SimulateOptions {
        replications: args.reps,
        seed: args.seed,
        horizon_d: args.horizon_d,
        ..Default::default()
    }
}

/// Simulated output per sequence (empty without --simulate); with `--rank-by throughput`
/// re-orders the sequences by it, highest first.
fn simulated(args: &Args, study: &mut SequenceStudy) -> Result<Vec<Option<Throughput>>> {
    if !args.simulate {
        if args.rank_by == Rank::Throughput {
            return Err(Error::Input(
                "--rank-by: throughput needs --simulate".into(),
            ));
        }
        return Ok(Vec::new());
    }
    if !(args.horizon_d.is_finite() && args.horizon_d > 14.0) {
        return Err(Error::Input(format!(
            "--horizon-d: {} must exceed the 14 d warm-up",
            args.horizon_d
        )));
    }
    let sim = sequence::simulate(study, &sim_options(args))?;
    Ok(sequence::rank_by_throughput(study, sim))
}

fn request(args: &Args) -> Result<Request> {
    let feed = match (&args.feed, &args.scenario) {
        (Some(text), _) => parse_feed(text)?,
        (None, Some(path)) => scenario_feed(path)?,
        (None, None) => return Err(Error::Input("--feed or --scenario is required".into())),
    };
    let extractant: Extractant = args
        .extractant
        .parse()
        .map_err(|e| Error::Input(format!("--extractant: {e}")))?;
    Ok(Request {
        feed,
        normalise: args.normalise,
        extractant,
        betas: args.betas.as_deref().map(parse_betas).transpose()?,
        products: args.products.as_deref().map(parse_products).transpose()?,
        purity: args.purity,
        feed_t_per_yr: args.feed_t_per_yr,
        residence_min: args.residence_min,
    })
}

fn parse_feed(text: &str) -> Result<Vec<(String, f64)>> {
    text.split(',')
        .map(|pair| {
            let (e, v) = pair
                .split_once('=')
                .ok_or_else(|| Error::Input(format!("--feed: `{pair}` is not element=fraction")))?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| Error::Input(format!("--feed: `{v}` (for {e}) is not a number")))?;
            Ok((e.trim().to_string(), v))
        })
        .collect()
}

fn scenario_feed(path: &std::path::Path) -> Result<Vec<(String, f64)>> {
    let scenario = ScenarioSource::read(path)?.base()?;
    scenario.feed.composition.ok_or_else(|| {
        Error::Input(format!(
            "--scenario: {} has no feed.composition; give --feed",
            path.display()
        ))
    })
}

fn parse_betas(text: &str) -> Result<Vec<f64>> {
    text.split(',')
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| Error::Input(format!("--betas: `{v}` is not a number")))
        })
        .collect()
}

fn parse_products(text: &str) -> Result<Vec<Vec<String>>> {
    let groups: Vec<Vec<String>> = text
        .split(',')
        .map(|g| g.split('-').map(|s| s.trim().to_string()).collect())
        .collect();
    if groups.iter().flatten().any(String::is_empty) {
        return Err(Error::Input(format!(
            "--products: `{text}` has an empty group or element"
        )));
    }
    Ok(groups)
}

fn circuit<'a>(study: &'a SequenceStudy, key: &sequence::CircuitKey) -> Option<&'a CircuitDesign> {
    study.circuits.get(key).and_then(|c| c.as_ref().ok())
}

fn table(study: &SequenceStudy, sim: &[Option<Throughput>]) -> String {
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
            Some(Some(t)) => {
                // Rounding residue of a zero half-width prints as 0.
                let ci = if t.ci95.abs() <= 1e-9 * t.mean.abs() {
                    0.0
                } else {
                    t.ci95
                };
                format!("  {:>12} +- {}", num(t.mean, 5), num(ci, 3))
            }
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

fn circuit_json(c: &CircuitDesign) -> serde_json::Value {
    let d = &c.design;
    let v = &c.verification;
    serde_json::json!({
        "circuit": c.label,
        "key_pair": [c.key_pair.0.symbol(), c.key_pair.1.symbol()],
        "elements": c.elements.iter().map(|e| e.symbol()).collect::<Vec<_>>(),
        "feed_composition": { "value": c.feed_composition, "unit": "mole fraction" },
        "beta": { "value": c.beta, "unit": "dimensionless" },
        "feed_fraction_a": { "value": c.feed_fraction_a, "unit": "mole fraction" },
        "feed_rate": { "value": c.feed_t_per_yr, "unit": "t REO/yr" },
        "feed_molar_rate": { "value": c.feed_kmol_per_h, "unit": "kmol REE/h" },
        "simplified_stages": { "n": d.simplified.0, "m": d.simplified.1 },
        "exact_stages": { "n": d.exact.n, "m": d.exact.m, "total": c.stages() },
        "extraction_amount": { "value": d.extraction_amount, "unit": "mol REE/mol fed" },
        "scrub_amount": { "value": d.scrub_amount, "unit": "mol REE/mol fed" },
        "binary_purity_a": { "value": d.exact.purity_a, "unit": "mole fraction" },
        "binary_purity_b": { "value": d.exact.purity_b, "unit": "mole fraction" },
        "solved_purity_a": { "value": v.purity_a, "unit": "mole fraction" },
        "solved_purity_b": { "value": v.purity_b, "unit": "mole fraction" },
        "meets_target": v.meets_target,
        "inventory_factor_reo": { "value": v.inventory_factor_reo, "unit": "t REO held per (t REO/h x h)" },
        "inventory": { "value": c.inventory_t, "unit": "t REO" },
        "organic_flow": { "value": c.organic_kmol_per_h, "unit": "kmol REE/h" },
    })
}

fn sequence_json(
    study: &SequenceStudy,
    rank: usize,
    s: &Sequence,
    sim: Option<&Throughput>,
) -> serde_json::Value {
    let simulated =
        sim.map(|t| serde_json::json!({ "estimate": t.mean, "ci95": t.ci95, "unit": "t REO/yr" }));
    let circuits: Vec<serde_json::Value> = s
        .circuits
        .iter()
        .map(|k| match &study.circuits[k] {
            Ok(c) => circuit_json(c),
            Err(e) => serde_json::json!({ "error": e }),
        })
        .collect();
    match &s.totals {
        Ok(t) => serde_json::json!({
            "rank": rank,
            "sequence": s.notation,
            "feasible": true,
            "circuits": circuits,
            "total_stages": t.stages,
            "inventory": { "value": t.inventory_t, "unit": "t REO" },
            "organic_flow": { "value": t.organic_kmol_per_h, "unit": "kmol REE/h" },
            "circuits_missing_target": t.circuits_missing_target,
            "simulated_on_spec_reo": simulated,
        }),
        Err(e) => serde_json::json!({
            "rank": null,
            "sequence": s.notation,
            "feasible": false,
            "error": e,
            "circuits": circuits,
        }),
    }
}

fn json(study: &SequenceStudy, sim: &[Option<Throughput>]) -> serde_json::Value {
    let p = &study.problem;
    let mut rank = 0;
    let sequences: Vec<serde_json::Value> = study
        .sequences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            rank += usize::from(s.totals.is_ok());
            sequence_json(study, rank, s, sim.get(i).and_then(Option::as_ref))
        })
        .collect();
    serde_json::json!({
        "reesim_version": env!("CARGO_PKG_VERSION"),
        "basis": "purities are mole fractions of the key groups; aqueous feed; S by the sqrt(beta) rule; circuit feeds are ideal upstream groups",
        "feed": {
            "elements": p.elements.iter().map(|e| e.symbol()).collect::<Vec<_>>(),
            "composition": { "value": p.feed_reo_fractions, "unit": "REO mass fraction" },
            "rate": { "value": p.feed_t_per_yr, "unit": "t REO/yr" },
        },
        "products": p.products.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        "purity": { "value": p.purity, "unit": "mole fraction" },
        "residence": { "value": p.residence_h * 60.0, "unit": "min" },
        "separation_factors": { "value": p.factors, "unit": "relative to the first element", "source": p.factor_source },
        "rank_by": study.rank_by.name(),
        "sequence_count": study.sequences.len(),
        "sequences": sequences,
    })
}
