//! Input uncertainty: each replication draws one value per input, the same in every layout;
//! the chemistry and money follow the draw; the tornado swings one input at a time.

use super::{reesim, reesim_json};
use reesim::chem::{FeedPhase, ModelKind, SeparationInput, SeparationSpec};
use reesim::scenario::ScenarioSource;
use reesim::study::{self, RunOptions, tornado};

/// The README default with explicit separation factors (so one can be uncertain), a short
/// horizon and `uncertainty` as its `[uncertainty]` table.
fn default_with(uncertainty: &str) -> String {
    let path = super::DEFAULT_SCENARIO;
    let text = std::fs::read_to_string(path).expect("default scenario");
    let text = text
        .replace(
            "extractant = \"P507-HCl\"",
            "separation_factors = [1.0, 1.55]",
        )
        .replace("horizon = \"365 d\"", "horizon = \"120 d\"");
    format!("{text}\n[uncertainty]\n{uncertainty}\n")
}

fn options(reps: u32) -> RunOptions {
    RunOptions {
        replications: Some(reps),
        ..Default::default()
    }
}

/// A price drawn per replication: every layout sells replication r's on-spec Nd2O3 at the
/// same drawn price (the input's own stream), so revenue = on-spec t x price exactly.
#[test]
fn a_drawn_price_is_the_same_in_every_layout_and_sets_revenue() {
    let text = default_with(
        r#""product.Nd2O3.price" = { dist = "uniform", min = "40 USD/kg", max = "120 USD/kg" }"#,
    );
    let source = ScenarioSource::from_text("u.toml", text).unwrap();
    let base = source.base().unwrap();
    let variants = source.variants().unwrap();
    assert_eq!(base.uncertainty.len(), 1);
    let result = study::run(&base, &variants, options(3)).unwrap();
    let input = &base.uncertainty[0];
    for layout in &result.layouts {
        for (r, figures) in layout.replications.iter().enumerate() {
            let price = input.draw(base.seed, r as u64);
            assert!((40.0..=120.0).contains(&price));
            let get = |name: &str| figures.iter().find(|f| f.name == name).unwrap().value;
            // Pr6O11 keeps its own price in the file (60.5 USD/kg).
            let hand = (get("on_spec_nd2o3") * price + get("on_spec_pr6o11") * 60.5) * 1e3;
            let value = get("sales_value");
            assert!(
                (value - hand).abs() < 1e-9 * hand,
                "{} r{r}: {value} vs {hand}",
                layout.name
            );
        }
    }
}

/// A drawn separation factor goes through the cascade solver: the replication's blended
/// purity equals the steady-state solve at that factor (no stop reaches past the blending).
#[test]
fn a_drawn_separation_factor_sets_the_purity_through_the_solver() {
    let text = default_with(
        r#""circuit.PrNd.separation.separation_factors.1" = { dist = "triangular", min = 1.5, mode = 1.55, max = 1.6 }"#,
    );
    let source = ScenarioSource::from_text("u.toml", text).unwrap();
    let base = source.base().unwrap();
    let input = &base.uncertainty[0];
    for r in 0..3u64 {
        let beta = input.draw(base.seed, r);
        let drawn = base.drawn(base.seed, r).unwrap();
        let sep = drawn.circuits[0].separation.as_ref().unwrap();
        assert_eq!(sep.separation_factors(), &[1.0, beta]);
        let solved = SeparationSpec::from_input(&SeparationInput {
            elements: vec!["Pr".into(), "Nd".into()],
            feed_composition: vec![0.25, 0.75],
            separation_factors: Some(vec![1.0, beta]),
            extractant: None,
            split_after: "Pr".into(),
            feed_phase: FeedPhase::Aqueous,
            extraction_stages: 25,
            scrub_stages: 29,
            extraction_amount: 4.09,
            scrub_amount: None,
            model: ModelKind::Loaded,
            distribution_ratios: None,
            phase_ratio: None,
        })
        .unwrap()
        .solve()
        .unwrap();
        let built = sep.solve().unwrap();
        assert!((built.purity_a - solved.purity_a).abs() < 1e-12);
        assert!((built.purity_b - solved.purity_b).abs() < 1e-12);
    }
    // Lower beta, lower purity: the draw moves the chemistry.
    let lo = base.with_inputs(&[1.5]).unwrap();
    let hi = base.with_inputs(&[1.6]).unwrap();
    let p = |s: &reesim::scenario::Scenario| {
        s.circuits[0]
            .separation
            .as_ref()
            .unwrap()
            .solve()
            .unwrap()
            .purity_a
    };
    assert!(p(&lo) < p(&hi));
}

/// An input without spread swings nothing; a price that only the base's and the variants'
/// revenue share swings the NPV difference by the output difference x the price change.
#[test]
fn tornado_swings_are_zero_without_spread_and_follow_the_price() {
    let text = default_with(
        r#""economics.discount_rate" = { dist = "triangular", min = 0.08, mode = 0.08, max = 0.08 }
"product.Nd2O3.price" = { dist = "uniform", min = "40 USD/kg", max = "120 USD/kg" }"#,
    );
    let source = ScenarioSource::from_text("u.toml", text).unwrap();
    let base = source.base().unwrap();
    let variants = source.variants().unwrap();
    let t = tornado::tornado(&base, &variants, options(2)).unwrap();
    assert_eq!(t.inputs.len(), 2);
    let flat = t
        .inputs
        .iter()
        .find(|i| i.key == "economics.discount_rate")
        .unwrap();
    assert_eq!((flat.swing_low, flat.swing_high), (0.0, 0.0));
    let price = t
        .inputs
        .iter()
        .find(|i| i.key == "product.Nd2O3.price")
        .unwrap();
    assert!((price.low - 48.0).abs() < 1e-9 && (price.high - 112.0).abs() < 1e-9);
    // The widest swing is listed first.
    assert_eq!(t.inputs[0].key, "product.Nd2O3.price");
    // By hand: revenue moves with the price, so the NPV difference moves by the paired Nd2O3
    // output difference x the price change x the 15-year annuity at 8 %.
    let medians = base.medians();
    let b = base.with_inputs(&medians).unwrap();
    let v: Vec<_> = variants
        .iter()
        .map(|s| s.with_inputs(&medians).unwrap())
        .collect();
    let middle = study::run(&b, &v, options(2)).unwrap();
    let npv = |l: usize| {
        let s = middle.layouts[l]
            .summaries
            .iter()
            .find(|s| s.name == "npv")
            .unwrap();
        s.stats.mean
    };
    let best = (1..middle.layouts.len())
        .max_by(|&a, &b| npv(a).total_cmp(&npv(b)))
        .unwrap();
    assert!(
        t.headline.contains(&middle.layouts[best].name),
        "{}",
        t.headline
    );
    let d_nd = middle.comparisons[best - 1]
        .iter()
        .find(|c| c.name == "on_spec_nd2o3")
        .unwrap()
        .paired
        .difference
        .estimate;
    // The working capital (REE stock x the design-weighted product value) moves too: by the
    // paired stock difference x the value change, invested in year 0 and recovered in year 15.
    let d_wc = middle.comparisons[best - 1]
        .iter()
        .find(|c| c.name == "working_capital")
        .unwrap()
        .paired
        .difference
        .estimate;
    let flows = &middle.layouts[0].flows;
    let design = |key: &str| {
        flows
            .products
            .iter()
            .find(|p| p.key == key)
            .unwrap()
            .design_t_per_h
    };
    let nd_share = design("nd2o3") / (design("nd2o3") + design("pr6o11"));
    let value_mid = nd_share * 80.0 + (1.0 - nd_share) * 60.5;
    let annuity: f64 = (1..=15).map(|y| 1.08_f64.powi(-y)).sum();
    for (swing, x) in [(price.swing_low, price.low), (price.swing_high, price.high)] {
        let wc_change = d_wc * nd_share * (x - 80.0) / value_mid;
        let hand = d_nd * 1e3 * (x - 80.0) * annuity - wc_change * (1.0 - 1.08_f64.powi(-15));
        assert!(
            (swing - hand).abs() < 1e-6 * hand.abs().max(1.0),
            "{swing} vs {hand}"
        );
    }
}

/// `reesim tornado --format json` keeps the contract: inputs[k] with key, low, high,
/// swing_low, swing_high; without [uncertainty] it is an input error (exit 2).
#[test]
fn tornado_json_contract_and_missing_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("u.toml");
    std::fs::write(
        &file,
        default_with(
            r#""product.Nd2O3.price" = { dist = "uniform", min = "40 USD/kg", max = "120 USD/kg" }"#,
        ),
    )
    .unwrap();
    let v = reesim_json(&[
        "tornado",
        file.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
    ]);
    let input = &v["inputs"][0];
    for key in ["key", "low", "high", "swing_low", "swing_high"] {
        assert!(!input[key].is_null(), "inputs[0].{key} missing: {v}");
    }
    assert_eq!(input["key"], "product.Nd2O3.price");
    let out = reesim(&["tornado", super::DEFAULT_SCENARIO]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [uncertainty]"));
}

/// Uncertain keys are checked when the file is: an unknown key, or a value at the end of its
/// range that the scenario rejects, is an input error naming the key.
#[test]
fn uncertain_inputs_are_validated_at_check_time() {
    for (u, says) in [
        (
            r#""circuit.PrNd.trainz" = { dist = "uniform", min = 1, max = 2 }"#,
            "did you mean",
        ),
        (
            r#""circuit.PrNd.max_rate" = { dist = "uniform", min = -1, max = 2 }"#,
            "max_rate",
        ),
    ] {
        let e = ScenarioSource::from_text("u.toml", default_with(u))
            .unwrap()
            .base()
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{u}: {e}");
    }
}

/// `run --set KEY=VALUE` equals the file with that value.
#[test]
fn run_set_overrides_the_file() {
    let path = super::DEFAULT_SCENARIO;
    let (_dir, file) =
        super::default_edited("rate = \"5000 t/yr\"", "rate = \"6000 t/yr\"", "f.toml");
    let a = reesim_json(&[
        "run",
        path,
        "--reps",
        "2",
        "--format",
        "json",
        "--set",
        "feed.rate=6000 t/yr",
    ]);
    let b = reesim_json(&[
        "run",
        file.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(a["results"], b["results"]);
}

/// One replication runs and reports (intervals n/a, JSON null), says so before simulating,
/// and a tornado of an input without spread swings nothing even then.
#[test]
fn one_replication_runs_without_intervals() {
    let path = super::DEFAULT_SCENARIO;
    let out = reesim(&["run", path, "--reps", "1", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 replication"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v["results"][0]["metrics"]["throughput"];
    assert!(
        t["mean"].as_f64().unwrap() > 0.0 && t["ci95"].is_null(),
        "{t}"
    );
    let d = &v["results"][1]["vs_base"]["throughput"];
    assert!(
        d["difference"]["ci95"].is_null() && d["significant"] == false,
        "{d}"
    );
    let text = default_with(
        r#""economics.discount_rate" = { dist = "triangular", min = 0.08, mode = 0.08, max = 0.08 }"#,
    );
    let source = ScenarioSource::from_text("u.toml", text).unwrap();
    let base = source.base().unwrap();
    let variants = source.variants().unwrap();
    let t = tornado::tornado(&base, &variants, options(1)).unwrap();
    assert_eq!((t.inputs[0].swing_low, t.inputs[0].swing_high), (0.0, 0.0));
    assert!(t.at_medians.is_finite());
}

/// A key a variant or `--set` sets is fixed there (no longer drawn); adding an input does not
/// change another input's draws (each draws from a stream named by its key).
#[test]
fn explicit_overrides_fix_an_input_and_inputs_draw_independently() {
    let price =
        r#""product.Nd2O3.price" = { dist = "uniform", min = "40 USD/kg", max = "120 USD/kg" }"#;
    let one = ScenarioSource::from_text("u.toml", default_with(price)).unwrap();
    let set = reesim::scenario::Override {
        key: "product.Nd2O3.price".into(),
        value: toml::Value::String("200 USD/kg".into()),
        origin: reesim::scenario::FieldPath::default().key("--set"),
    };
    let fixed = one.with_overrides(None, &[set]).unwrap();
    assert!(fixed.uncertainty.is_empty());
    let nd = fixed.products.iter().find(|p| p.name == "Nd2O3").unwrap();
    assert_eq!(nd.price, Some(200.0));
    let two_text = default_with(&format!(
        "{price}\n\"economics.acid_price\" = {{ dist = \"uniform\", min = \"0.5 USD/kg\", max = \"1 USD/kg\" }}"
    ));
    let two = ScenarioSource::from_text("u.toml", two_text)
        .unwrap()
        .base()
        .unwrap();
    let one = one.base().unwrap();
    let of = |s: &reesim::scenario::Scenario| {
        let i = s
            .uncertainty
            .iter()
            .find(|i| i.key == "product.Nd2O3.price")
            .unwrap();
        (0..5).map(|r| i.draw(s.seed, r)).collect::<Vec<_>>()
    };
    assert_eq!(of(&one), of(&two));
}
