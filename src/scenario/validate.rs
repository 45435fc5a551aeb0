//! Raw scenario -> validated [`Scenario`]: every check and every default lives here.

use super::error::FieldPath;
use super::raw::*;
use super::schema;
use super::{Circuit, Feed, Scenario, Warmup};
use crate::chem::{FeedPhase, ModelKind, SeparationInput, SeparationSpec};
use crate::engine::DistSpec;
use crate::plant::{CircuitSpec, Dispatch, FailureSpec, OffSpecPolicy, StageGroupSpec};

/// Collects problems while turning raw values into checked ones.
pub struct Checker {
    /// Problems found so far, without file positions (the caller adds them).
    pub errors: Vec<(FieldPath, String)>,
}

impl Checker {
    /// Records a problem at `path`.
    pub(super) fn fail(&mut self, path: FieldPath, message: String) {
        self.errors.push((path, message));
    }

    /// An integer in `lo..=hi`, or `default` when absent.
    pub(super) fn int(
        &mut self,
        path: FieldPath,
        value: Option<i64>,
        default: i64,
        lo: i64,
        hi: i64,
    ) -> i64 {
        let v = value.unwrap_or(default);
        if (lo..=hi).contains(&v) {
            v
        } else {
            self.fail(path, format!("{v} is out of range: allowed {lo} ..= {hi}"));
            default.clamp(lo, hi)
        }
    }

    /// A finite number > 0, or `default` when absent.
    fn positive(&mut self, path: FieldPath, value: Option<f64>, default: f64) -> f64 {
        let v = value.unwrap_or(default);
        if v.is_finite() && v > 0.0 {
            v
        } else {
            self.fail(
                path,
                format!("{v} is out of range: allowed a finite number > 0"),
            );
            default
        }
    }

    /// One of `choices`, or `default` when absent.
    fn choice<T: Copy>(
        &mut self,
        path: FieldPath,
        value: Option<&str>,
        default: T,
        choices: &[(&str, T)],
    ) -> T {
        let Some(word) = value else { return default };
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == word) {
            return *v;
        }
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        self.fail(
            path,
            format!(
                "\"{word}\" is not allowed: choose one of {}",
                names.join(", ")
            ),
        );
        default
    }
}

/// Validates a whole raw scenario. `default_name` is used when the file has no `name`.
pub fn scenario(raw: &RawScenario, default_name: &str, ck: &mut Checker) -> Scenario {
    let root = FieldPath::default();
    let sim = raw.simulation.clone().unwrap_or(RawSimulation {
        horizon: None,
        warmup: None,
        replications: None,
        seed: None,
    });
    let sim_path = root.key("simulation");
    let horizon_h = sim.horizon.map_or(8760.0, |d| d.hours());
    if horizon_h <= 0.0 {
        ck.fail(
            sim_path.key("horizon"),
            format!("{horizon_h} h is out of range: allowed > 0"),
        );
    }
    let warmup = match sim.warmup {
        None => Warmup::Fixed(0.0),
        Some(RawWarmup::Auto) => Warmup::Auto,
        Some(RawWarmup::Fixed(d)) if d.hours() < horizon_h || horizon_h <= 0.0 => {
            Warmup::Fixed(d.hours())
        }
        Some(RawWarmup::Fixed(d)) => {
            ck.fail(
                sim_path.key("warmup"),
                format!(
                    "{} h is out of range: allowed 0 <= warmup < horizon ({horizon_h} h)",
                    d.hours()
                ),
            );
            Warmup::Fixed(0.0)
        }
    };
    let replications = ck.int(
        sim_path.key("replications"),
        sim.replications,
        10,
        1,
        10_000,
    ) as u32;
    let seed = ck.int(sim_path.key("seed"), sim.seed, 1, 0, i64::MAX) as u64;
    let feed = feed(&raw.feed, &root.key("feed"), ck);
    let circuits = circuits(&raw.circuit, &root.key("circuit"), ck);
    if let (Some(composition), Some(sep)) = (
        &feed.composition,
        circuits.first().and_then(|c| c.separation.as_ref()),
    ) {
        feed_matches_separation(composition, sep, &root, ck);
    }
    let flowsheet = super::flowsheet::flowsheet(raw, &circuits, &feed, ck);
    Scenario {
        name: raw.name.clone().unwrap_or_else(|| default_name.to_string()),
        description: raw.description.clone(),
        horizon_h,
        warmup,
        replications,
        seed,
        feed,
        circuits,
        flowsheet,
    }
}

fn feed(raw: &RawFeed, path: &FieldPath, ck: &mut Checker) -> Feed {
    let interarrival = dist(&raw.interarrival, &path.key("interarrival"), ck);
    let tank_capacity = raw
        .tank_capacity
        .map(|c| ck.int(path.key("tank_capacity"), Some(c), 1, 1, 1_000_000_000) as u32);
    let composition = raw
        .composition
        .as_ref()
        .map(|c| composition(c, &path.key("composition"), ck));
    Feed {
        interarrival,
        tank_capacity,
        lot_volume_m3: ck.positive(path.key("lot_volume_m3"), raw.lot_volume_m3, 1.0),
        reo_g_per_l: ck.positive(path.key("ree_g_per_l"), raw.ree_g_per_l, 100.0),
        composition,
    }
}

fn composition(
    raw: &std::collections::BTreeMap<String, f64>,
    path: &FieldPath,
    ck: &mut Checker,
) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for (symbol, &fraction) in raw {
        if symbol.parse::<crate::chem::Element>().is_err() {
            ck.fail(
                path.key(symbol),
                format!("unknown element `{symbol}`: allowed La..Lu, Y, Sc"),
            );
        } else if !(0.0..=1.0).contains(&fraction) {
            ck.fail(
                path.key(symbol),
                format!("{fraction} is out of range: allowed 0 ..= 1"),
            );
        }
        out.push((symbol.clone(), fraction));
    }
    let sum: f64 = out.iter().map(|(_, f)| f).sum();
    if (sum - 1.0).abs() > 1e-6 {
        ck.fail(
            path.clone(),
            format!("fractions sum to {sum}: they must sum to 1 (+-1e-6)"),
        );
    }
    out
}

fn circuits(raw: &[RawCircuit], path: &FieldPath, ck: &mut Checker) -> Vec<Circuit> {
    if raw.is_empty() {
        ck.fail(
            path.clone(),
            "no [[circuit]]: a scenario needs at least one circuit".into(),
        );
    }
    let mut names: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let p = path.index(i);
        if names.contains(&c.name.as_str()) {
            ck.fail(
                p.key("name"),
                format!(
                    "duplicate circuit name \"{}\": names must be unique",
                    c.name
                ),
            );
        }
        names.push(&c.name);
        out.push(circuit(c, &p, ck));
    }
    out
}

fn circuit(raw: &RawCircuit, path: &FieldPath, ck: &mut Checker) -> Circuit {
    const DISPATCH: &[(&str, Dispatch)] = &[
        ("round_robin", Dispatch::RoundRobin),
        ("shortest_queue", Dispatch::ShortestQueue),
        ("shared_queue", Dispatch::SharedQueue),
    ];
    if raw.stages.is_empty() {
        ck.fail(
            path.key("stages"),
            "no [[circuit.stages]]: a circuit needs at least one stage group".into(),
        );
    }
    let stages = raw
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| stage_group(s, &path.key("stages").index(i), ck))
        .collect();
    let spec = CircuitSpec {
        name: raw.name.clone(),
        trains: ck.int(path.key("trains"), raw.trains, 1, 1, 1024) as u32,
        dispatch: ck.choice(
            path.key("dispatch"),
            raw.dispatch.as_deref(),
            Dispatch::SharedQueue,
            DISPATCH,
        ),
        skip_down_trains: raw.skip_down_trains.unwrap_or(true),
        stages,
        failures: raw
            .failures
            .as_ref()
            .map(|f| failures(f, &path.key("failures"), ck)),
    };
    let separation = raw
        .separation
        .as_ref()
        .and_then(|s| separation(s, &spec, &path.key("separation"), ck));
    let mut spec = spec;
    if let (Some(f), Some(failures)) = (&raw.failures, spec.failures.as_mut()) {
        let p = path.key("failures");
        failures.restart_off_spec_h = restart_hours(f, &spec.stages, separation.as_ref(), &p, ck);
    }
    Circuit { spec, separation }
}

fn stage_group(raw: &RawStageGroup, path: &FieldPath, ck: &mut Checker) -> StageGroupSpec {
    StageGroupSpec {
        count: ck.int(path.key("count"), raw.count, 1, 1, 100_000) as u32,
        capacity: ck.int(path.key("capacity"), raw.capacity, 1, 1, 1_000_000) as u32,
        residence: dist(&raw.residence, &path.key("residence"), ck),
        buffer: raw
            .buffer
            .map(|b| ck.int(path.key("buffer"), Some(b), 0, 0, 1_000_000_000) as u32),
    }
}

fn failures(raw: &RawFailures, path: &FieldPath, ck: &mut Checker) -> FailureSpec {
    const OFF_SPEC: &[(&str, OffSpecPolicy)] = &[
        ("recycle", OffSpecPolicy::Recycle),
        ("scrap", OffSpecPolicy::Scrap),
    ];
    FailureSpec {
        time_to_failure: dist(&raw.time_to_failure, &path.key("time_to_failure"), ck),
        time_to_repair: dist(&raw.time_to_repair, &path.key("time_to_repair"), ck),
        repair_crews: raw
            .repair_crews
            .map(|c| ck.int(path.key("repair_crews"), Some(c), 1, 1, 1024) as u32),
        restart_off_spec_h: 0.0, // set by `restart_hours` once the separation is known
        off_spec: ck.choice(
            path.key("off_spec"),
            raw.off_spec.as_deref(),
            OffSpecPolicy::Recycle,
            OFF_SPEC,
        ),
    }
}

/// Checks a distribution's family, its required parameters and their ranges.
pub fn dist(raw: &RawDist, path: &FieldPath, ck: &mut Checker) -> DistSpec {
    let fallback = DistSpec::Fixed { value: 1.0 };
    let table = match raw {
        RawDist::Fixed(d) => return DistSpec::Fixed { value: d.hours() },
        RawDist::Table(t) => t,
    };
    let given = given_params(table);
    let (required, build): (&[&str], fn(&RawDistTable) -> DistSpec) = match table.dist.as_str() {
        "fixed" => (&["value"], |t| DistSpec::Fixed { value: h(t.value) }),
        "exponential" => (&["mean"], |t| DistSpec::Exponential { mean: h(t.mean) }),
        "lognormal" => (&["mean", "cv"], |t| DistSpec::Lognormal {
            mean: h(t.mean),
            cv: t.cv.unwrap_or(0.0),
        }),
        "gamma" => (&["mean", "cv"], |t| DistSpec::Gamma {
            mean: h(t.mean),
            cv: t.cv.unwrap_or(0.0),
        }),
        "weibull" => (&["shape", "mean"], |t| DistSpec::Weibull {
            shape: t.shape.unwrap_or(0.0),
            mean: h(t.mean),
        }),
        "uniform" => (&["min", "max"], |t| DistSpec::Uniform {
            min: h(t.min),
            max: h(t.max),
        }),
        "triangular" => (&["min", "mode", "max"], |t| DistSpec::Triangular {
            min: h(t.min),
            mode: h(t.mode),
            max: h(t.max),
        }),
        "empirical" => (&["values"], |t| DistSpec::Empirical {
            values: t.values.iter().flatten().map(|d| d.hours()).collect(),
        }),
        other => {
            ck.fail(path.key("dist"), format!(
                "\"{other}\" is not a distribution: choose one of \"fixed\", \"exponential\", \"lognormal\", \"gamma\", \"weibull\", \"uniform\", \"triangular\", \"empirical\""
            ));
            return fallback;
        }
    };
    let mut ok = true;
    for name in &given {
        if !required.contains(name) {
            ck.fail(
                path.key(name),
                format!(
                    "`{name}` does not apply to a {} distribution (it takes {})",
                    table.dist,
                    required.join(", ")
                ),
            );
            ok = false;
        }
    }
    for name in required {
        if !given.contains(name) {
            ck.fail(
                path.clone(),
                format!(
                    "a {} distribution needs `{name}` (it takes {})",
                    table.dist,
                    required.join(", ")
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return fallback;
    }
    let spec = build(table);
    match spec.validate() {
        Ok(()) => spec,
        Err(e) => {
            ck.fail(path.clone(), e.to_string());
            fallback
        }
    }
}

fn h(d: Option<super::units::Duration>) -> f64 {
    d.map_or(0.0, |d| d.hours())
}

fn given_params(t: &RawDistTable) -> Vec<&'static str> {
    let flags = [
        ("value", t.value.is_some()),
        ("mean", t.mean.is_some()),
        ("cv", t.cv.is_some()),
        ("shape", t.shape.is_some()),
        ("min", t.min.is_some()),
        ("mode", t.mode.is_some()),
        ("max", t.max.is_some()),
        ("values", t.values.is_some()),
    ];
    flags
        .iter()
        .filter(|(_, set)| *set)
        .map(|(n, _)| *n)
        .collect()
}

/// Checks a `[circuit.separation]` table with the chemistry core, and that the circuit's stage
/// chain has one stage per extraction, scrub and strip stage.
fn separation(
    raw: &RawSeparation,
    spec: &CircuitSpec,
    path: &FieldPath,
    ck: &mut Checker,
) -> Option<SeparationSpec> {
    const PHASES: &[(&str, FeedPhase)] = &[
        ("aqueous", FeedPhase::Aqueous),
        ("organic", FeedPhase::Organic),
    ];
    const MODELS: &[(&str, ModelKind)] =
        &[("loaded", ModelKind::Loaded), ("linear", ModelKind::Linear)];
    let stages = [
        ("extraction_stages", raw.extraction_stages),
        ("scrub_stages", raw.scrub_stages),
        ("strip_stages", raw.strip_stages.unwrap_or(0)),
    ];
    let mut counts = [0usize; 3];
    for (i, (key, value)) in stages.iter().enumerate() {
        counts[i] = ck.int(path.key(key), Some(*value), 0, 0, 2000) as usize;
    }
    let input = SeparationInput {
        elements: raw.elements.clone(),
        feed_composition: raw.feed_composition.clone(),
        separation_factors: raw.separation_factors.clone(),
        extractant: raw.extractant.clone(),
        split_after: raw.split_after.clone(),
        feed_phase: ck.choice(
            path.key("feed_phase"),
            raw.feed_phase.as_deref(),
            FeedPhase::Aqueous,
            PHASES,
        ),
        extraction_stages: counts[0],
        scrub_stages: counts[1],
        extraction_amount: raw.extraction_amount,
        scrub_amount: raw.scrub_amount,
        model: ck.choice(
            path.key("model"),
            raw.model.as_deref(),
            ModelKind::Loaded,
            MODELS,
        ),
        distribution_ratios: raw.distribution_ratios.clone(),
        phase_ratio: raw.phase_ratio,
    };
    let chain: u32 = spec.stages.iter().map(|g| g.count).sum();
    let needed = counts.iter().sum::<usize>();
    if chain as usize != needed {
        ck.fail(path.clone(), format!(
            "the stage chain has {chain} stages but the separation needs {needed} (extraction {} + scrub {} + strip {}): make circuit.stages counts add up to {needed}",
            counts[0], counts[1], counts[2]
        ));
    }
    match SeparationSpec::from_input(&input) {
        Ok(s) => Some(s),
        Err(e) => {
            let message = e.to_string();
            let field = message
                .split(':')
                .next()
                .unwrap_or_default()
                .split(['[', ' '])
                .next()
                .unwrap_or_default();
            let at = if schema::find(&format!("circuit[].separation.{field}")).is_some() {
                path.key(field)
            } else {
                path.clone()
            };
            ck.fail(at, message);
            None
        }
    }
}

/// Largest allowed difference between the first circuit's `feed_composition` (mole fractions)
/// and `feed.composition` converted to mole fractions: hand-converted compositions round.
const COMPOSITION_TOLERANCE: f64 = 0.01;

/// `feed.composition` (REO mass fractions) and the first circuit's `feed_composition` (mole
/// fractions) describe the same liquor: same elements, and equal mole fractions within
/// [`COMPOSITION_TOLERANCE`].
fn feed_matches_separation(
    composition: &[(String, f64)],
    sep: &SeparationSpec,
    root: &FieldPath,
    ck: &mut Checker,
) {
    let sep_path = root.key("circuit").index(0).key("separation");
    let mut mass = vec![0.0; sep.elements().len()];
    for (symbol, fraction) in composition {
        let element = symbol.parse::<crate::chem::Element>().ok();
        match element.and_then(|e| sep.elements().iter().position(|x| *x == e)) {
            Some(i) => mass[i] = *fraction,
            None if *fraction > 0.0 => ck.fail(
                root.key("feed").key("composition").key(symbol),
                format!("the feed carries {symbol} but the first circuit's separation.elements does not list it; every element must go somewhere"),
            ),
            None => {}
        }
    }
    let moles = crate::chem::elements::reo_mass_to_mole_fractions(sep.elements(), &mass);
    let worst = moles
        .iter()
        .zip(sep.feed_composition())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    if worst > COMPOSITION_TOLERANCE {
        let shown: Vec<String> = moles.iter().map(|m| format!("{m:.4}")).collect();
        ck.fail(
            sep_path.key("feed_composition"),
            format!(
                "does not match feed.composition: as mole fractions the feed is [{}] (off by {worst:.4}); they must agree within {COMPOSITION_TOLERANCE}",
                shown.join(", ")
            ),
        );
    }
}

/// Default `restart_tolerance`: products are back on-spec once their impurity is within 10 %
/// of its steady-state value.
const RESTART_TOLERANCE: f64 = 0.1;

/// The restart off-spec duration, hours: as given, or with `"dynamic"` the time the circuit's
/// cascade needs to bring both products back on-spec after a stop as long as the mean repair
/// (dynamic equilibrium-stage model at the mean stage residence time).
fn restart_hours(
    raw: &RawFailures,
    stages: &[StageGroupSpec],
    separation: Option<&SeparationSpec>,
    path: &FieldPath,
    ck: &mut Checker,
) -> f64 {
    let tolerance = raw.restart_tolerance.unwrap_or(RESTART_TOLERANCE);
    if !(tolerance.is_finite() && tolerance >= 0.0) {
        ck.fail(
            path.key("restart_tolerance"),
            format!("{tolerance} is out of range: allowed a finite number >= 0"),
        );
        return 0.0;
    }
    match raw.restart_off_spec {
        None => 0.0,
        Some(RawRestart::Fixed(d)) => d.hours(),
        Some(RawRestart::Dynamic) => {
            let at = path.key("restart_off_spec");
            let Some(sep) = separation else {
                ck.fail(at, "\"dynamic\" needs the circuit's [circuit.separation] to model the cascade; give a duration instead".into());
                return 0.0;
            };
            let stop_h = dist(&raw.time_to_repair, &path.key("time_to_repair"), ck).mean();
            match dynamic_restart(sep, stages, stop_h, tolerance) {
                Ok(h) => h,
                Err(e) => {
                    ck.fail(at, e);
                    0.0
                }
            }
        }
    }
}

fn dynamic_restart(
    sep: &SeparationSpec,
    stages: &[StageGroupSpec],
    stop_h: f64,
    tolerance: f64,
) -> Result<f64, String> {
    use crate::chem::dynamic::{DynamicModel, DynamicOptions, Target};
    let count: u32 = stages.iter().map(|g| g.count).sum();
    let residence_h = stages
        .iter()
        .map(|g| g.residence.mean() * f64::from(g.count))
        .sum::<f64>()
        / f64::from(count.max(1));
    let options = DynamicOptions {
        residence_h,
        target_a: Target::SteadyImpurity(tolerance),
        target_b: Target::SteadyImpurity(tolerance),
        until_steady: false,
        ..DynamicOptions::default()
    };
    let model = DynamicModel::from_spec(sep, options)
        .map_err(|e| format!("the cascade dynamics cannot be set up: {e}"))?;
    let transient = model
        .after_stop(stop_h)
        .map_err(|e| format!("the restart transient cannot be computed: {e}"))?;
    transient.on_spec_h().ok_or_else(|| {
        format!("after a {stop_h:.1} h stop the products do not come back within {tolerance} of their steady impurity in the simulated time; raise restart_tolerance or give a duration")
    })
}
