//! Integration tests: scenario loading, validation errors (file, path, line, range), variants,
//! and a property test that no input makes the loader panic.

use proptest::prelude::*;
use reesim::scenario::{ScenarioErrors, ScenarioSource};

const DEFAULT: &str = include_str!("../../scenarios/ndpr-parallel-trains.toml");

/// Loads `text` as a scenario named `test.toml`: base, variants and sweep axes.
fn load(text: &str) -> Result<(), ScenarioErrors> {
    let source = ScenarioSource::from_text("test.toml", text.to_string())?;
    source.base()?;
    source.variants()?;
    source.sweep_axes()?;
    Ok(())
}

/// The default scenario with the first occurrence of `from` replaced by `to`; the one error.
fn error_after(from: &str, to: &str) -> reesim::scenario::ScenarioError {
    assert!(
        DEFAULT.contains(from),
        "test setup: `{from}` not in the default scenario"
    );
    let text = DEFAULT.replacen(from, to, 1);
    let errors = load(&text).expect_err("the edit must be rejected");
    errors.0[0].clone()
}

/// 1-based line of the first occurrence of `needle` in the default scenario.
fn line_of(needle: &str) -> usize {
    DEFAULT
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn default_scenario_loads_with_its_variants() {
    let source = ScenarioSource::from_text("ndpr.toml", DEFAULT.to_string()).unwrap();
    let base = source.base().unwrap();
    let variants = source.variants().unwrap();
    assert_eq!(base.circuits[0].spec.trains, 1);
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1].name, "4 trains");
    assert_eq!(variants[1].circuits[0].spec.trains, 4);
    assert_eq!(variants[1].circuits[0].spec.stages[0].capacity, 1);
    assert_eq!(base.horizon_h, 8760.0);
}

#[test]
fn unknown_key_names_line_and_suggests() {
    let e = error_after("trains = 1 ", "tranis = 1 ");
    assert_eq!(e.path.to_string(), "circuit[0].tranis");
    assert_eq!(e.position.map(|p| p.0), Some(line_of("trains = 1 ")));
    assert!(e.message.contains("did you mean `trains`"), "{}", e.message);
    assert!(e.to_string().starts_with("test.toml:"), "{e}");
}

#[test]
fn out_of_range_names_value_and_range() {
    let e = error_after("trains = 1 ", "trains = 0 ");
    assert_eq!(e.path.to_string(), "circuit[0].trains");
    assert!(
        e.message.contains('0') && e.message.contains("1 ..= 1024"),
        "{}",
        e.message
    );
}

#[test]
fn wrong_type_names_expected_kind() {
    let e = error_after("replications = 10", "replications = \"ten\"");
    assert_eq!(e.path.to_string(), "simulation.replications");
    assert_eq!(e.position.map(|p| p.0), Some(line_of("replications = 10")));
    assert!(
        e.message.contains("integer") && e.message.contains("1 ..= 10000"),
        "{}",
        e.message
    );
}

#[test]
fn bad_duration_unit_lists_units() {
    let e = error_after("\"25 min\"", "\"25 mins\"");
    assert_eq!(e.path.to_string(), "circuit[0].stages[0].residence.mean");
    assert!(
        e.message.contains("mins") && e.message.contains("min, h, hr, d"),
        "{}",
        e.message
    );
}

#[test]
fn distribution_parameters_are_checked() {
    let e = error_after("cv = 0.1 }", " }");
    assert!(
        e.message.contains("lognormal distribution needs `cv`"),
        "{}",
        e.message
    );
    let e = error_after("cv = 0.1 }", "sd = 0.1 }");
    assert!(e.message.contains("did you mean `cv`"), "{}", e.message);
    let e = error_after(
        "\"exponential\", mean = \"400 h\"",
        "\"exponental\", mean = \"400 h\"",
    );
    assert!(e.message.contains("\"exponential\""), "{}", e.message);
}

#[test]
fn composition_must_sum_to_one_and_name_elements() {
    let e = error_after("Pr = 0.25, Nd = 0.75 }", "Pr = 0.25, Nd = 0.70 }");
    assert_eq!(e.path.to_string(), "feed.composition");
    assert!(e.message.contains("0.95"), "{}", e.message);
    let e = error_after("Pr = 0.25, Nd = 0.75 }", "Pr = 0.25, Xx = 0.75 }");
    assert_eq!(e.path.to_string(), "feed.composition.Xx");
}

#[test]
fn non_finite_numbers_are_rejected() {
    let e = error_after("lot_volume_m3 = 0.53", "lot_volume_m3 = nan");
    assert_eq!(e.path.to_string(), "feed.lot_volume_m3");
    let e = error_after("lot_volume_m3 = 0.53", "lot_volume_m3 = inf");
    assert!(e.message.contains("finite"), "{}", e.message);
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = error_after("seed = 42", "seed = = 42");
    assert_eq!(e.position.map(|p| p.0), Some(line_of("seed = 42")));
    assert!(e.message.starts_with("invalid TOML"), "{}", e.message);
}

#[test]
fn variant_errors_point_at_the_override() {
    let override_line = line_of("\"circuit.PrNd.trains\" = 4");
    let e = error_after(
        "\"circuit.PrNd.trains\" = 4",
        "\"circuit.PrNd.trains\" = -4",
    );
    assert_eq!(e.position.map(|p| p.0), Some(override_line));
    assert!(
        e.message.contains("in \"4 trains\"") && e.message.contains("1 ..= 1024"),
        "{}",
        e.message
    );
    let e = error_after("\"circuit.PrNd.trains\" = 4", "\"circuit.NdPr.trains\" = 4");
    assert!(
        e.message
            .contains("no `circuit` named or numbered \"NdPr\""),
        "{}",
        e.message
    );
    let e = error_after("\"circuit.PrNd.trains\" = 4", "\"circuit.PrNd.trainz\" = 4");
    assert!(e.message.contains("did you mean `trains`"), "{}", e.message);
}

#[test]
fn warmup_must_be_inside_horizon() {
    let e = error_after("warmup = \"14 d\"", "warmup = \"400 d\"");
    assert_eq!(e.path.to_string(), "simulation.warmup");
    assert!(e.message.contains("< horizon"), "{}", e.message);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random bytes never make the loader panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = load(&text);
    }

    /// Mutating one line of the default scenario gives either a valid scenario or errors that
    /// name the file; never a panic.
    #[test]
    fn mutated_default_never_panics(line in 0usize..80, junk in "[ -~]{0,12}") {
        let mut lines: Vec<String> = DEFAULT.lines().map(String::from).collect();
        let i = line % lines.len();
        let cut = lines[i].len() / 2;
        lines[i] = format!("{}{}", &lines[i][..cut], junk);
        match load(&lines.join("\n")) {
            Ok(()) => {}
            Err(errors) => prop_assert!(errors.0.iter().all(|e| e.file == "test.toml")),
        }
    }
}

/// The README's scenario reference is the schema's, verbatim. Run with `REESIM_BLESS=1` to
/// rewrite the README section after changing the schema.
#[test]
fn readme_reference_matches_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- reference:start -->\n", "<!-- reference:end -->");
    let a = readme
        .find(start)
        .expect("README has the reference start marker")
        + start.len();
    let b = readme
        .find(end)
        .expect("README has the reference end marker");
    let expected = reesim::scenario::schema::reference_markdown();
    if std::env::var_os("REESIM_BLESS").is_some() {
        std::fs::write(path, format!("{}{expected}{}", &readme[..a], &readme[b..])).unwrap();
        return;
    }
    assert_eq!(
        readme[a..b],
        expected,
        "README reference is stale: rerun with REESIM_BLESS=1"
    );
}

#[test]
fn feed_and_separation_compositions_must_agree() {
    let e = error_after(
        "composition = { Pr = 0.25, Nd = 0.75 }",
        "composition = { Pr = 0.5, Nd = 0.5 }",
    );
    assert_eq!(e.path.to_string(), "circuit[0].separation.feed_composition");
    assert!(
        e.message.contains("does not match feed.composition"),
        "{}",
        e.message
    );
    let e = error_after(
        "composition = { Pr = 0.25, Nd = 0.75 }",
        "composition = { Pr = 0.25, Nd = 0.70, La = 0.05 }",
    );
    assert_eq!(e.path.to_string(), "feed.composition.La");
}

/// The restart off-spec time of circuit 0 with `restart_off_spec = "dynamic"` and the given
/// mean repair time.
fn dynamic_restart_h(repair: &str) -> f64 {
    let text = DEFAULT
        .replacen(
            "restart_off_spec = \"12 h\"",
            "restart_off_spec = \"dynamic\"",
            1,
        )
        .replacen(
            "mean = \"8 h\", cv = 0.5",
            &format!("mean = \"{repair}\", cv = 0.5"),
            1,
        );
    let source = ScenarioSource::from_text("dyn.toml", text).unwrap();
    let base = source.base().unwrap();
    base.circuits[0]
        .spec
        .failures
        .as_ref()
        .unwrap()
        .restart_off_spec_h
}

#[test]
fn dynamic_restart_grows_with_the_stop_and_is_bounded_by_a_naive_start() {
    let (short, long) = (dynamic_restart_h("2 h"), dynamic_restart_h("48 h"));
    assert!(
        short > 0.0 && long > short,
        "2 h stop: {short} h, 48 h stop: {long} h"
    );
    // A stop never disturbs the cascade more than refilling it with feed: the naive start-up
    // to the same tolerance bounds the restart (ree-data.md s3: start-up takes days to weeks).
    let sep = ScenarioSource::from_text("d.toml", DEFAULT.to_string())
        .unwrap()
        .base()
        .unwrap()
        .circuits[0]
        .separation
        .clone()
        .unwrap();
    let options = reesim::chem::DynamicOptions {
        residence_h: 25.0 / 60.0,
        target_a: reesim::chem::Target::SteadyImpurity(0.1),
        target_b: reesim::chem::Target::SteadyImpurity(0.1),
        ..Default::default()
    };
    let naive = reesim::chem::DynamicModel::from_spec(&sep, options)
        .unwrap()
        .start_up()
        .unwrap();
    assert!(
        long < naive.on_spec_h().unwrap(),
        "48 h stop {long} h vs naive start"
    );
}

#[test]
fn dynamic_restart_needs_a_separation() {
    let text = "[feed]\ninterarrival = 1\n[[circuit]]\nname = \"X\"\n[[circuit.stages]]\nresidence = 1\n[circuit.failures]\ntime_to_failure = 100\ntime_to_repair = 5\nrestart_off_spec = \"dynamic\"\n";
    let errors = load(text).expect_err("dynamic without separation");
    assert!(
        errors.0[0]
            .message
            .contains("needs the circuit's [circuit.separation]"),
        "{}",
        errors.0[0]
    );
    assert_eq!(errors.0[0].position.map(|p| p.0), Some(10));
}
