//! Integration tests of flowsheets (issue 6): element mass conservation across the DAG on every
//! run, tandem circuits against standalone ones, a campaign line against dedicated circuits,
//! the ready scenarios, and bad flowsheets rejected with file, line and field.

use std::process::Command;

use reesim::engine::DistSpec;
use reesim::plant::{
    CircuitSpec, CrewPoolSpec, Dispatch, FailureSpec, FeedSpec, FinishingSpec, FlowsheetSpec,
    LineSpec, OffSpecPolicy, Outlet, PlantSpec, ReplicationResult, RouteSpec, Source,
    StageGroupSpec, SwitchRule, TankSpec, simulate,
};
use reesim::scenario::ScenarioSource;
use reesim::study::{self, RunOptions, products::ProductFlows};

const BASTNAESITE: &str = include_str!("../../scenarios/bastnaesite-lree.toml");
const CAMPAIGN: &str = include_str!("../../scenarios/campaign-vs-dedicated.toml");

fn exp(mean: f64) -> DistSpec {
    DistSpec::exponential(mean).unwrap()
}

fn fixed(value: f64) -> DistSpec {
    DistSpec::fixed(value).unwrap()
}

/// A circuit of `trains` trains of `stages` single-place stages with residence `residence`.
fn circuit(name: &str, trains: u32, stages: u32, residence: DistSpec) -> CircuitSpec {
    CircuitSpec {
        name: name.into(),
        trains,
        dispatch: Dispatch::SharedQueue,
        skip_down_trains: true,
        stages: vec![StageGroupSpec {
            count: stages,
            capacity: 1,
            residence,
            buffer: Some(1),
        }],
        failures: None,
    }
}

fn route(source: Source, a: Outlet, b: Outlet, split_to_a: Vec<f64>) -> RouteSpec {
    RouteSpec {
        source,
        a,
        b,
        split_to_a,
    }
}

/// X (feed) -> A part to tank 0 -> Y; X's B and Y's outlets to sinks. Two elements: element 0
/// goes 0.7 to A in X, element 1 0.2; Y splits 0.5 / 0.9.
fn tandem(tank: Option<u32>, x: CircuitSpec, y: CircuitSpec, interarrival: DistSpec) -> PlantSpec {
    PlantSpec {
        horizon_h: 5_000.0,
        warmup_h: 500.0,
        feed: FeedSpec {
            interarrival,
            tank_capacity: Some(20),
        },
        circuits: vec![x, y],
        flowsheet: FlowsheetSpec {
            lot_mass: vec![0.6, 0.4],
            elements: vec!["Pr".into(), "Nd".into()],
            tanks: vec![TankSpec {
                name: "T".into(),
                capacity: tank,
            }],
            sinks: vec!["x_b".into(), "y_a".into(), "y_b".into()],
            routes: vec![
                route(
                    Source::Feed,
                    Outlet::Tank(0),
                    Outlet::Sink(0),
                    vec![0.7, 0.2],
                ),
                route(
                    Source::Tank(0),
                    Outlet::Sink(1),
                    Outlet::Sink(2),
                    vec![0.5, 0.9],
                ),
            ],
            ..Default::default()
        },
    }
}

/// Asserts both conservation laws and returns the result.
fn conserved(spec: &PlantSpec, rep: u64) -> ReplicationResult {
    let r = simulate(spec, 3, rep);
    assert!(r.lots.is_conserved(), "lots: {:?}", r.lots);
    assert!(
        r.mass.is_conserved(),
        "mass: {:?} (rel {})",
        r.mass,
        r.mass.relative_error()
    );
    r
}

#[test]
fn element_mass_is_conserved_with_tight_tanks_campaigns_pools_and_finishing() {
    let failures = FailureSpec {
        time_to_failure: exp(40.0),
        time_to_repair: exp(5.0),
        repair_crews: None,
        restart_off_spec_h: 2.0,
        off_spec: OffSpecPolicy::Scrap,
    };
    let mut x = circuit("X", 2, 4, exp(0.4));
    x.failures = Some(failures.clone());
    let mut y = circuit("Y", 1, 3, exp(0.5));
    y.failures = Some(FailureSpec {
        off_spec: OffSpecPolicy::Recycle,
        ..failures
    });
    let mut spec = tandem(Some(2), x, y, exp(0.3));
    spec.flowsheet.crew_pools = vec![CrewPoolSpec {
        name: "crew".into(),
        crews: 1,
        circuits: vec![0, 1],
    }];
    spec.flowsheet.finishing = Some(FinishingSpec {
        capacity: 1,
        residence: exp(0.4),
        buffer: Some(3),
    });
    let mut blocked = 0.0;
    for rep in 0..4 {
        let r = conserved(&spec, rep);
        blocked += r.circuits[0].stages[0].blocked;
        assert!(r.lots.formed > 0 && r.lots.absorbed > 0, "{:?}", r.lots);
        let m = &r.mass;
        assert!(m.products.iter().sum::<f64>() > 100.0 && m.lost.iter().sum::<f64>() > 0.0);
        assert!(r.finishing.as_ref().unwrap().utilisation > 0.5);
    }
    assert!(blocked > 0.0, "tight tanks must block upstream");
    // The same plant as one campaign line.
    spec.flowsheet.lines = vec![LineSpec {
        name: "L".into(),
        circuits: vec![0, 1],
        rule: SwitchRule::Length(30.0),
        changeover_h: 3.0,
    }];
    for rep in 0..4 {
        let r = conserved(&spec, rep);
        assert!(r.lines[0].switches > 100 && r.lines[0].changeover > 0.05);
    }
}

#[test]
fn element_mass_is_conserved_across_the_bastnaesite_flowsheet() {
    let text = BASTNAESITE.replacen("horizon = \"365 d\"", "horizon = \"90 d\"", 1);
    let source = ScenarioSource::from_text("bastnaesite.toml", text).unwrap();
    let scenarios = std::iter::once(source.base().unwrap()).chain(source.variants().unwrap());
    for scenario in scenarios {
        let flows = ProductFlows::of(&scenario).unwrap();
        let spec = flows.plant_spec(&scenario, 0.0);
        for rep in 0..3 {
            let r = conserved(&spec, rep);
            let m = &r.mass;
            assert_eq!(m.elements, ["La", "Ce", "Pr", "Nd", "Sm"]);
            let feed: f64 = m.feed.iter().sum();
            assert!(
                (feed - r.lots.arrived as f64).abs() < 1e-6 * feed,
                "1 t REO per lot"
            );
            assert!(m.in_process.iter().sum::<f64>() > 0.0 && r.lots.formed > 0);
            // Each sink's mass is mostly its own element (La sink: La, ...).
            for (s, sink) in r.sinks.iter().enumerate() {
                let own = sink.mass_per_h[[0, 1, 2, 3, 4][s]];
                assert!(own > 0.98 * sink.total_per_h, "{}: {:?}", sink.name, sink);
            }
        }
    }
}

#[test]
fn tandem_circuits_with_unlimited_tanks_reproduce_standalone_throughput() {
    let (x, y) = (circuit("X", 1, 5, exp(0.3)), circuit("Y", 1, 5, exp(0.3)));
    let lambda = 1.0;
    let tandem = tandem(None, x.clone(), y.clone(), exp(1.0 / lambda));
    // A lot leaving X sends 0.6 x 0.7 + 0.4 x 0.2 = 0.5 of its mass on to Y.
    let a_share = 0.5;
    let alone = |c: CircuitSpec, mean: f64| PlantSpec {
        circuits: vec![c],
        flowsheet: FlowsheetSpec::default(),
        feed: FeedSpec {
            interarrival: exp(mean),
            tank_capacity: Some(20),
        },
        ..tandem.clone()
    };
    let (x_alone, y_alone) = (alone(x, 1.0 / lambda), alone(y, 1.0 / (lambda * a_share)));
    let (mut tx, mut ty, mut sx, mut sy) = (vec![], vec![], vec![], vec![]);
    for rep in 0..10 {
        let t = conserved(&tandem, rep);
        let alone_x = conserved(&x_alone, rep);
        // X is upstream of an unbounded tank: it runs exactly as it does alone.
        assert_eq!(
            t.circuits[0].throughput_lots_per_h,
            alone_x.throughput_lots_per_h
        );
        tx.push(t.circuits[0].throughput_lots_per_h);
        ty.push(t.circuits[1].throughput_lots_per_h);
        sx.push(alone_x.throughput_lots_per_h);
        sy.push(conserved(&y_alone, rep).throughput_lots_per_h);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "tandem X {} Y {}; standalone X {} Y {}",
        mean(&tx),
        mean(&ty),
        mean(&sx),
        mean(&sy)
    );
    // Both see Poisson-like input at their rate: throughput = input rate within 2 %.
    assert!((mean(&ty) / mean(&sy) - 1.0).abs() < 0.02);
    assert!((mean(&ty) / (a_share * mean(&tx)) - 1.0).abs() < 0.01);
}

#[test]
fn campaign_line_with_zero_changeover_matches_dedicated_capacity() {
    // Saturated feed; X passes half its mass on to Y through a 10-lot tank. Dedicated: X has 2
    // trains, Y 1 (1 lot/h per train): X makes 2 lots/h, Y gets and makes 1. One campaign line
    // of 3 trains running X or Y, switching when the running circuit's source is empty or a
    // full tank blocks it, with no changeover, should make the same.
    let stage = fixed(1.0);
    let make = |x_trains, y_trains| {
        let mut spec = tandem(
            Some(10),
            circuit("X", x_trains, 1, stage.clone()),
            circuit("Y", y_trains, 1, stage.clone()),
            fixed(0.1),
        );
        spec.flowsheet.routes[0].split_to_a = vec![0.5, 0.5];
        spec.horizon_h = 2_000.0;
        spec.warmup_h = 200.0;
        spec
    };
    let dedicated = conserved(&make(2, 1), 0);
    let mut line = make(3, 3);
    line.flowsheet.lines = vec![LineSpec {
        name: "L".into(),
        circuits: vec![0, 1],
        rule: SwitchRule::Below(1),
        changeover_h: 0.0,
    }];
    let campaign = conserved(&line, 0);
    println!(
        "dedicated {} (X {} Y {}), campaign {} (X {} Y {}), switches {}",
        dedicated.throughput_lots_per_h,
        dedicated.circuits[0].throughput_lots_per_h,
        dedicated.circuits[1].throughput_lots_per_h,
        campaign.throughput_lots_per_h,
        campaign.circuits[0].throughput_lots_per_h,
        campaign.circuits[1].throughput_lots_per_h,
        campaign.lines[0].switches
    );
    let close = |a: f64, b: f64| (a / b - 1.0).abs() < 0.02;
    assert!(close(dedicated.throughput_lots_per_h, 2.0));
    assert!(close(
        campaign.throughput_lots_per_h,
        dedicated.throughput_lots_per_h
    ));
    for c in 0..2 {
        assert!(close(
            campaign.circuits[c].throughput_lots_per_h,
            dedicated.circuits[c].throughput_lots_per_h
        ));
    }
}

#[test]
fn ready_flowsheet_scenarios_load_and_run() {
    for (name, text) in [("bastnaesite", BASTNAESITE), ("campaign", CAMPAIGN)] {
        let source = ScenarioSource::from_text(name, text.to_string()).unwrap();
        let base = source.base().unwrap();
        let variants = source.variants().unwrap();
        let options = RunOptions {
            replications: Some(2),
            ..Default::default()
        };
        let result = study::run(&base, &variants, options).unwrap();
        for layout in &result.layouts {
            assert!(layout.lots.is_conserved());
            assert!(layout.bottleneck.is_some(), "{name}: a bottleneck is named");
            let reo = layout.summaries.iter().find(|s| s.name == "on_spec_reo");
            assert!(reo.unwrap().stats.mean > 1000.0, "{name}: t REO/yr");
        }
    }
}

/// Runs `reesim check` on `text` written to `bad.toml`; returns the exit code and stderr.
fn check(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_reesim"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Line (1-based) of the first line containing `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_flowsheets_exit_2_naming_the_field_and_line() {
    // A cycle: the Pr/Nd circuit sends its A product back into its own feed tank.
    let cycle = CAMPAIGN.replacen(
        "products = { a = \"Nd\", b = \"Pr\" }",
        "products = { a = \"PrNd feed\", b = \"Pr\" }",
        1,
    );
    let (code, err) = check(&cycle);
    assert_eq!(code, Some(2), "{err}");
    let line = line_of(&cycle, "a = \"PrNd feed\", b = \"Pr\"");
    assert!(
        err.contains(&format!("bad.toml:{line}:")) && err.contains("circuit[1].products.a"),
        "{err}"
    );
    assert!(err.contains("cycle: PrNd -> PrNd"), "{err}");
    // A dangling name: feed_from names no tank.
    let dangling = CAMPAIGN.replacen("feed_from = \"PrNd feed\"", "feed_from = \"PrNd fed\"", 1);
    let (code, err) = check(&dangling);
    assert_eq!(code, Some(2), "{err}");
    let line = line_of(&dangling, "feed_from = \"PrNd fed\"");
    assert!(
        err.contains(&format!("bad.toml:{line}:"))
            && err.contains("circuit[1].feed_from")
            && err.contains("did you mean \"PrNd feed\""),
        "{err}"
    );
    // An element that goes nowhere: the Pr/Nd circuit does not list the Ce it receives.
    let nowhere = CAMPAIGN
        .replacen(
            "elements = [\"Ce\", \"Pr\", \"Nd\"]   # Ce is a trace",
            "elements = [\"Pr\", \"Nd\"]   # Ce is a trace",
            1,
        )
        .replacen("[0.005, 0.328, 0.667]", "[0.33, 0.67]", 1);
    let (code, err) = check(&nowhere);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("circuit[1].separation.elements") && err.contains("receives Ce"),
        "{err}"
    );
    // A tank nothing feeds, a line with an unknown circuit, a pool that does not exist.
    let orphan = format!("{CAMPAIGN}\n[[tank]]\nname = \"spare\"\n");
    let (code, err) = check(&orphan);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("tank[1].name") && err.contains("feeds no circuit"),
        "{err}"
    );
    let line = CAMPAIGN.replacen(
        "circuits = [\"CePr\", \"PrNd\"]",
        "circuits = [\"CePr\", \"PrNdd\"]",
        1,
    );
    let (code, err) = check(&line);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("line[0].circuits[1]") && err.contains("did you mean \"PrNd\""),
        "{err}"
    );
}

#[test]
fn series_default_without_flowsheet_keys_still_works() {
    // The bastnaesite file without tanks, feed_from, products, pools and finishing: circuits in
    // file order, each passing the outlet that holds most of the next circuit's feed.
    let text: String = BASTNAESITE.split("\n[[tank]]").next().unwrap().to_string()
        + &BASTNAESITE[BASTNAESITE.find("# ----").unwrap()..];
    let text: String = text
        .lines()
        .filter(|l| {
            !["feed_from", "products =", "repair_crews_pool", "\"tank."]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace(
            "[[variant]]\nname = \"small tanks\"",
            "[[variant]]\nname = \"no-op\"",
        );
    let source = ScenarioSource::from_text("series.toml", text).unwrap();
    let scenario = source.base().unwrap();
    let flows = ProductFlows::of(&scenario).unwrap();
    let spec = flows.plant_spec(&scenario, 0.0);
    assert_eq!(
        spec.flowsheet.sinks,
        ["La", "La-Ce", "La-Ce-Pr", "La-Ce-Pr-Nd", "Sm"]
    );
    let r = conserved(
        &PlantSpec {
            horizon_h: 2_000.0,
            ..spec
        },
        0,
    );
    assert!(r.lots.formed > 0 && r.sinks.iter().all(|s| s.total_per_h > 0.0));
}
