//! Raw scenario -> validated [`Scenario`]: every check and every default lives here.

use super::error::FieldPath;
use super::raw::*;
use super::schema;
use super::{Circuit, CrewChoice, Feed, ProductSale, Restart, Scenario, Warmup};
use crate::chem::{FeedPhase, ModelKind, SeparationInput, SeparationSpec};
use crate::engine::DistSpec;
use crate::flow::{
    Dispatch, Effect, FailureModeSpec, MaintenanceSpec, OffSpecPolicy, OutageSpec, Per, Sections,
    WhenFull,
};

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
    pub(super) fn positive(&mut self, path: FieldPath, value: Option<f64>, default: f64) -> f64 {
        let v = value.unwrap_or(default);
        if v.is_finite() && v > 0.0 {
            v
        } else {
            self.fail(
                path,
                format!(
                    "{} is out of range: allowed a finite number > 0",
                    crate::shown::shown(v)
                ),
            );
            default
        }
    }

    /// One of `choices`, or `default` when absent.
    pub(super) fn choice<T: Copy>(
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

/// Longest simulated time per replication, hours (114 years): a plant's life is decades.
pub const MAX_HORIZON_H: f64 = 1e6;

/// Largest feed rate and train design rate, t REO/h (87.6 Mt/yr, about 200 times the world's
/// REO output): far beyond any plant, and within what the flow model's absolute level
/// tolerance and its statistics handle (a feed of 1e296 t/h gave infinite confidence
/// intervals).
pub const MAX_RATE_T_PER_H: f64 = 1e4;

/// Checks a rate (t REO/h) against 0 < rate <= [`MAX_RATE_T_PER_H`].
fn rate_in_range(path: FieldPath, rate: f64, ck: &mut Checker) {
    if !(rate > 0.0 && rate <= MAX_RATE_T_PER_H) {
        ck.fail(
            path,
            format!(
                "{} t/h is out of range: allowed > 0 and <= {MAX_RATE_T_PER_H:e} t/h (87.6 Mt/yr)",
                crate::shown::shown(rate)
            ),
        );
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
    if !(horizon_h > 0.0 && horizon_h <= MAX_HORIZON_H) {
        ck.fail(
            sim_path.key("horizon"),
            format!("{horizon_h:e} h is out of range: allowed > 0 and <= {MAX_HORIZON_H:e} h (114 years)"),
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
    let economics = super::economics::economics(raw.economics.as_ref(), ck);
    let currency = economics.as_ref().map_or("USD", |e| e.currency.as_str());
    let products = products(raw, currency, ck);
    Scenario {
        name: raw.name.clone().unwrap_or_else(|| default_name.to_string()),
        description: raw.description.clone(),
        horizon_h,
        warmup,
        replications,
        seed,
        feed,
        circuits,
        products,
        flowsheet,
        economics,
        uncertainty: Vec::new(),
        drawn: false,
        origin: None,
    }
}

fn feed(raw: &RawFeed, path: &FieldPath, ck: &mut Checker) -> Feed {
    let rate = raw.rate.t_per_h();
    rate_in_range(path.key("rate"), rate, ck);
    const WHEN_FULL: &[(&str, WhenFull)] = &[("hold", WhenFull::Hold), ("lose", WhenFull::Lose)];
    let composition = raw
        .composition
        .as_ref()
        .map(|c| composition(c, &path.key("composition"), ck));
    Feed {
        rate,
        composition,
        tank_capacity: raw.tank_capacity.map(|a| a.tonnes(rate)),
        when_full: ck.choice(
            path.key("when_full"),
            raw.when_full.as_deref(),
            WhenFull::Hold,
            WHEN_FULL,
        ),
        outage: raw.failure.as_ref().map(|f| {
            let p = path.key("failure");
            OutageSpec {
                time_to_failure: time_dist(&f.time_to_failure, &p.key("time_to_failure"), ck),
                time_to_repair: time_dist(&f.time_to_repair, &p.key("time_to_repair"), ck),
            }
        }),
    }
}

/// `[product.NAME]` tables.
fn products(raw: &RawScenario, currency: &str, ck: &mut Checker) -> Vec<ProductSale> {
    raw.product
        .iter()
        .map(|(name, p)| {
            let path = FieldPath::default().key("product").key(name);
            if let Some(m) = p.min_purity {
                if !(m > 0.0 && m < 1.0) {
                    ck.fail(
                        path.key("min_purity"),
                        format!("{m} is out of range: allowed a mole fraction in (0, 1)"),
                    );
                }
            }
            let price = p.price.as_ref().map(|v| {
                let per = super::price::Per::Mass;
                super::economics::amount(Some(v), per, currency, path.key("price"), ck, 0.0)
            });
            ProductSale {
                name: name.clone(),
                min_purity: p.min_purity,
                price,
                batch: p.batch,
            }
        })
        .collect()
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
    const DISPATCH: &[(&str, Dispatch)] = &[("even", Dispatch::Even), ("fill", Dispatch::Fill)];
    const OFF_SPEC: &[(&str, OffSpecPolicy)] = &[
        ("recycle", OffSpecPolicy::Recycle),
        ("scrap", OffSpecPolicy::Scrap),
    ];
    let separation = raw
        .separation
        .as_ref()
        .and_then(|s| separation(s, &path.key("separation"), ck));
    let stages = match (&separation, raw.stages) {
        (Some(sep), None) => Sections {
            extraction: sep.extraction_stages() as u32,
            scrub: sep.scrub_stages() as u32,
            strip: raw
                .separation
                .as_ref()
                .and_then(|s| s.strip_stages)
                .unwrap_or(0)
                .clamp(0, 2000) as u32,
        },
        (Some(_), Some(_)) => {
            ck.fail(path.key("stages"), "with a [circuit.separation] the stages are its extraction, scrub and strip stages: remove `stages`".into());
            Sections::default()
        }
        (None, n) => Sections {
            extraction: ck.int(path.key("stages"), n, 1, 1, 100_000) as u32,
            scrub: 0,
            strip: 0,
        },
    };
    let max_rate = ck.positive(path.key("max_rate"), raw.max_rate, 1.0);
    let min_rate = raw.min_rate.unwrap_or(0.3);
    if !(0.0..=1.0).contains(&min_rate) || min_rate > max_rate {
        ck.fail(
            path.key("min_rate"),
            format!("{min_rate} is out of range: allowed 0 ..= min(1, max_rate)"),
        );
    }
    let design_rate = raw.design_rate.map(|r| r.t_per_h());
    if let Some(r) = design_rate {
        rate_in_range(path.key("design_rate"), r, ck);
    }
    let residence = raw.stage_residence.map_or(25.0 / 60.0, |d| d.hours());
    if residence <= 0.0 {
        ck.fail(
            path.key("stage_residence"),
            "0 h is out of range: allowed > 0".into(),
        );
    }
    let restart = match raw.restart {
        None if separation.is_some() => Restart::Dynamic,
        None | Some(RawRestart::None) => Restart::None,
        Some(RawRestart::Fixed(d)) => Restart::Fixed(d.hours()),
        // A separation that failed its own checks already has an error; say nothing more.
        Some(RawRestart::Dynamic) if separation.is_none() && raw.separation.is_some() => {
            Restart::None
        }
        Some(RawRestart::Dynamic) if separation.is_none() => {
            ck.fail(path.key("restart"), "\"dynamic\" needs the circuit's [circuit.separation] to model the cascade; give a duration or \"none\"".into());
            Restart::None
        }
        Some(RawRestart::Dynamic) => Restart::Dynamic,
    };
    let crews = match (raw.repair_crews, &raw.repair_crews_pool) {
        (Some(_), Some(_)) => {
            ck.fail(path.key("repair_crews_pool"), "set repair_crews (the circuit's own crews) or repair_crews_pool (a shared pool), not both".into());
            CrewChoice::Own(None)
        }
        (Some(n), None) => {
            CrewChoice::Own(Some(
                ck.int(path.key("repair_crews"), Some(n), 1, 1, 1024) as u32
            ))
        }
        (None, Some(_)) => CrewChoice::Pool(0), // resolved by the flowsheet
        (None, None) => CrewChoice::Own(None),
    };
    let max_derate = max_rate;
    Circuit {
        name: raw.name.clone(),
        trains: ck.int(path.key("trains"), raw.trains, 1, 1, 1024) as u32,
        design_rate,
        max_rate,
        min_rate,
        dispatch: ck.choice(
            path.key("dispatch"),
            raw.dispatch.as_deref(),
            Dispatch::Even,
            DISPATCH,
        ),
        stage_residence_h: residence,
        stages,
        crews,
        restart,
        off_spec: ck.choice(
            path.key("off_spec"),
            raw.off_spec.as_deref(),
            OffSpecPolicy::Recycle,
            OFF_SPEC,
        ),
        failures: raw
            .failure
            .iter()
            .enumerate()
            .map(|(i, f)| failure_mode(f, &path.key("failure").index(i), stages, max_derate, ck))
            .collect(),
        maintenance: raw
            .maintenance
            .iter()
            .enumerate()
            .map(|(i, m)| maintenance(m, &path.key("maintenance").index(i), ck))
            .collect(),
        separation,
        contactor: ck.choice(
            path.key("contactor"),
            raw.contactor.as_deref(),
            super::Contactor::MixerSettler,
            &[
                ("mixer-settler", super::Contactor::MixerSettler),
                ("centrifugal", super::Contactor::Centrifugal),
            ],
        ),
    }
}

fn failure_mode(
    raw: &RawFailureMode,
    path: &FieldPath,
    stages: Sections,
    max_rate: f64,
    ck: &mut Checker,
) -> FailureModeSpec {
    const PER: &[(&str, Per)] = &[("train", Per::Train), ("stage", Per::Stage)];
    let per = ck.choice(path.key("per"), raw.per.as_deref(), Per::Train, PER);
    let effect = match raw.effect.as_deref().unwrap_or("stop") {
        "stop" => Effect::Stop,
        "bypass" => {
            if per != Per::Stage {
                ck.fail(
                    path.key("effect"),
                    "\"bypass\" takes one stage out of the train: it needs per = \"stage\"".into(),
                );
            }
            Effect::Bypass
        }
        "derate" => match raw.derate_to {
            Some(x) if x > 0.0 && x < max_rate => Effect::Derate(x),
            Some(x) => {
                ck.fail(
                    path.key("derate_to"),
                    format!("{x} is out of range: allowed 0 < derate_to < max_rate ({max_rate})"),
                );
                Effect::Derate(0.5)
            }
            None => {
                ck.fail(path.clone(), "effect = \"derate\" needs derate_to (the train's maximum while it lasts, a multiple of design)".into());
                Effect::Derate(0.5)
            }
        },
        other => {
            ck.fail(
                path.key("effect"),
                format!(
                    "\"{other}\" is not allowed: choose one of \"stop\", \"derate\", \"bypass\""
                ),
            );
            Effect::Stop
        }
    };
    if raw.derate_to.is_some() && !matches!(effect, Effect::Derate(_)) {
        ck.fail(
            path.key("derate_to"),
            "derate_to applies only to effect = \"derate\"".into(),
        );
    }
    if per == Per::Stage && stages.total() == 0 {
        ck.fail(
            path.key("per"),
            "per = \"stage\" needs the circuit's stages".into(),
        );
    }
    FailureModeSpec {
        name: raw.name.clone(),
        per,
        effect,
        time_to_failure: time_dist(&raw.time_to_failure, &path.key("time_to_failure"), ck),
        time_to_repair: time_dist(&raw.time_to_repair, &path.key("time_to_repair"), ck),
    }
}

fn maintenance(raw: &RawMaintenance, path: &FieldPath, ck: &mut Checker) -> MaintenanceSpec {
    let (interval, duration) = (raw.interval.hours(), raw.duration.hours());
    if interval <= 0.0 {
        ck.fail(
            path.key("interval"),
            "0 h is out of range: allowed > 0".into(),
        );
    }
    if !(duration > 0.0 && duration < interval) {
        ck.fail(
            path.key("duration"),
            format!("{duration} h is out of range: allowed 0 < duration < interval ({interval} h)"),
        );
    }
    MaintenanceSpec {
        interval_h: interval.max(1.0),
        duration_h: duration.clamp(0.5, interval.max(1.0) * 0.5),
        stagger: raw.stagger.unwrap_or(true),
    }
}

/// A distribution of a time between events (failures, repairs, outages): as [`dist`], and its
/// mean must be > 0 (a zero-time loop would stall the clock).
pub fn time_dist(raw: &RawDist, path: &FieldPath, ck: &mut Checker) -> DistSpec {
    let spec = dist(raw, path, ck);
    let mean = spec.mean();
    if mean.is_finite() && mean > 0.0 {
        spec
    } else {
        ck.fail(
            path.clone(),
            format!(
                "mean {} h is out of range: allowed a time > 0",
                crate::shown::shown(mean)
            ),
        );
        DistSpec::Fixed { value: 1.0 }
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
fn separation(raw: &RawSeparation, path: &FieldPath, ck: &mut Checker) -> Option<SeparationSpec> {
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
