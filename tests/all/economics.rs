//! Money, against hand calculations: the capital of K trains scales as K^(1 - exponent), the
//! reagents follow 3 S mol base and 3 S (1 + excess) mol acid per mol REE fed, working capital
//! is the installed inventory at product value, the cash-flow series of a plant is the one
//! computed by hand, and the probability of the highest NPV sums to 1 over layouts.

use reesim::chem::Element;
use reesim::money::{self, Settings};
use reesim::scenario::{Scenario, ScenarioSource};
use reesim::study::economics::{self, CashFlows, Design, Stream};
use reesim::study::products::ProductFlows;
use reesim::study::{self, RunOptions};

/// The README default with its `[economics]` table replaced by `extra` (built-in defaults
/// for everything else).
fn default_with_economics(extra: &str) -> ScenarioSource {
    let path = super::DEFAULT_SCENARIO;
    let text = std::fs::read_to_string(path).expect("default scenario");
    let start = text
        .find("[economics]")
        .expect("the default has [economics]");
    let end = start + text[start..].find("[[variant]]").expect("variants follow");
    let text = format!("{}[economics]\n{extra}\n\n{}", &text[..start], &text[end..]);
    ScenarioSource::from_text("economics.toml", text).expect("valid scenario")
}

fn design_of(scenario: &Scenario) -> Design {
    let flows = ProductFlows::of(scenario).expect("builds");
    economics::design(
        scenario,
        &flows,
        scenario.economics.as_ref().expect("economics"),
    )
}

/// K trains of 1/K the design rate have stages of 1/K the volume (same stages, same residence):
/// their mixer-settlers cost K^(1 - 0.45) = K^0.55 x those of one train, the tank is the same.
#[test]
fn k_parallel_trains_cost_k_to_the_power_0_55() {
    let source = default_with_economics("");
    let base = source.base().unwrap();
    let one = design_of(&base);
    let c1 = &one.circuits[0];
    for k in [2u32, 4] {
        let mut s = base.clone();
        s.circuits[0].trains = k;
        let d = design_of(&s);
        let ck = &d.circuits[0];
        let hand = f64::from(k).powf(0.55);
        assert!(
            (ck.bare_cost / c1.bare_cost - hand).abs() < 1e-9,
            "{k} trains: {} vs {hand}",
            ck.bare_cost / c1.bare_cost
        );
        // Each stage holds 1/K the volume; the installed volume is the same.
        for (a, b) in c1.sections.iter().zip(&ck.sections) {
            assert_eq!(a.0, b.0);
            assert!((a.1 / f64::from(k) - b.1).abs() < 1e-9 * a.1);
        }
        assert!((ck.volume_m3() - c1.volume_m3()).abs() < 1e-9 * c1.volume_m3());
        assert_eq!(d.tanks, one.tanks);
    }
}

/// The mixer-settler bill of the default train by hand: volumetric flows from S, W, the feed
/// concentration, organic loading and acid strength; one PrOMMiS-law unit per stage; CEPCI
/// 797.9 / 541.7; installation factor 2.97.
#[test]
fn capital_cost_of_the_default_train_by_hand() {
    let source = default_with_economics("");
    let base = source.base().unwrap();
    let settings = base.economics.clone().unwrap();
    let d = design_of(&base);
    let flows = ProductFlows::of(&base).unwrap();
    let sol = flows.solutions[0].as_ref().unwrap();
    // Feed: 5000 t/yr of Pr/Nd at 25/75 mol %: g REO per mol REE.
    let g_per_mol =
        0.25 * Element::Pr.oxide_mass_per_mol() + 0.75 * Element::Nd.oxide_mass_per_mol();
    let f = 5000.0 / 8760.0 * 1e6 / g_per_mol; // mol/h
    let (s, w) = (sol.extraction_amount, sol.scrub_amount);
    let organic = s * f / 0.2 / 1e3; // m^3/h at 0.2 mol/L
    let feed = f / 1.5 / 1e3;
    let scrub = 3.0 * w * f * 1.1 / 4.0 / 1e3;
    let tau = 25.0 / 60.0;
    let v_ext = (organic + feed + scrub) * tau;
    let v_scrub = (organic + scrub) * tau;
    let law = |v: f64| 1_285_343.0 * (v / (61_107.0 / 264.172_052)).powf(0.45) * 797.9 / 541.7;
    let hand = 25.0 * law(v_ext) + 29.0 * law(v_scrub);
    let c = &d.circuits[0];
    assert!(
        (c.bare_cost - hand).abs() < 1e-6 * hand,
        "{} vs {hand}",
        c.bare_cost
    );
    // The feed tank: 8 h of feed at 1.5 mol/L, steel-tank law; the plant feed is given as REO
    // mass fractions (25/75 by mass), so its mol per t differs slightly from the cascade's.
    let g_mass =
        1.0 / (0.25 / Element::Pr.oxide_mass_per_mol() + 0.75 / Element::Nd.oxide_mass_per_mol());
    let tank_m3 = 8.0 * 5000.0 / 8760.0 * 1e6 / g_mass / 1.5 / 1e3;
    let tank = 117_750.75 * (tank_m3 / (49_950.0 / 264.172_052)).powf(0.5624) * 797.9 / 541.7;
    assert!((d.tanks[0].1 - tank_m3).abs() < 1e-9 * tank_m3);
    assert!((d.tanks[0].2 - tank).abs() < 1e-6 * tank);
    let installed = (hand + tank) * settings.installation_factor;
    assert!((d.equipment - installed).abs() < 1e-6 * installed);
    // First fill: organic of 54 stages x organic flow x tau, at 1.5 M P507 + kerosene.
    let organic_l = 54.0 * organic * tau * 1e3;
    let per_l = 1.5 * 0.306_42 * 15.0 + (1.0 - 1.5 * 0.306_42 / 0.95) * 0.32;
    assert!((d.solvent_fill - organic_l * per_l).abs() < 1e-6 * d.solvent_fill);
    // Sanity against public costs (README): 100-300 M USD for a 5,000 t/yr Pr/Nd split.
    assert!(d.capital() > 1e8 && d.capital() < 3e8, "{}", d.capital());
}

/// Reagents: 3 S mol NaOH per mol REE fed and 3 S (1 + excess) mol HCl, at their prices, from
/// the REE each replication actually fed; working capital = (installed inventory + mean tank
/// stock) x the average product value; feed bought = accepted feed x payability x contained value.
#[test]
fn reagents_working_capital_and_feed_follow_the_flows() {
    let source = default_with_economics("");
    let base = source.base().unwrap();
    let options = RunOptions {
        replications: Some(2),
        ..Default::default()
    };
    let result = study::run(&base, &[], options).unwrap();
    let layout = &result.layouts[0];
    let money = layout.money.as_ref().unwrap();
    let s = Settings::defaults();
    let r = &layout.first;
    let years = r.window_h / 8760.0;
    let sol = layout.flows.solutions[0].as_ref().unwrap();
    let g_per_mol =
        0.25 * Element::Pr.oxide_mass_per_mol() + 0.75 * Element::Nd.oxide_mass_per_mol();
    let mol_fed = r.circuits[0].fed_t / years * 1e6 / g_per_mol;
    let loaded = 3.0 * sol.extraction_amount * mol_fed;
    let hand = loaded * 39.997 / 1e3 * 0.45 + loaded * 1.1 * 36.461 / 1e3 * 0.715;
    let o = economics::outcome(&money.design, &money.settings, r, &[0.0, 0.0]);
    let reagents = o
        .operating
        .iter()
        .find(|(n, _)| *n == "reagents")
        .unwrap()
        .1;
    assert!(
        (reagents - hand).abs() < 1e-9 * hand,
        "{reagents} vs {hand}"
    );
    // Working capital: ~100 t of Pr/Nd at the design-weighted product price.
    let price = (1230.0 * 60.5 + 3690.0 * 56.0) / 4920.0; // USD/kg, within rounding of design
    // ... held in the installed trains and, on average, in the feed tank.
    let stock_t = r.circuits[0].inventory_t + r.tanks[0].mean_level_t;
    let hand_wc = stock_t * 1e3 * price;
    assert!(
        (o.working_capital - hand_wc).abs() < 1e-3 * hand_wc,
        "{} vs {hand_wc}",
        o.working_capital
    );
    // Feed: accepted t/yr x 0.5 x (0.25 x 60.5 + 0.75 x 56 USD/kg by REO mass fraction).
    let accepted = (r.offered_t - r.held_back_t - r.lost_t) / years;
    let feed = o.operating.iter().find(|(n, _)| *n == "feed").unwrap().1;
    let hand_feed = accepted * 1e3 * s.feed_payability * (0.25 * 60.5 + 0.75 * 56.0);
    assert!(
        (feed - hand_feed).abs() < 1e-9 * hand_feed,
        "{feed} vs {hand_feed}"
    );
    // Maintenance: 2 % of installed equipment + 5,000 USD per repair in the window, per year.
    let maintenance = o
        .operating
        .iter()
        .find(|(n, _)| *n == "maintenance")
        .unwrap()
        .1;
    let repairs = r.circuits[0].repairs as f64;
    assert!(repairs > 10.0, "{repairs}");
    let hand_m = 0.02 * money.design.equipment + repairs / years * 5000.0;
    assert!((maintenance - hand_m).abs() < 1e-9 * hand_m);
    // Revenue = on-spec t x price, both products (no product price given: built-in oxides).
    let revenue: f64 = r
        .products
        .iter()
        .map(|p| {
            let e = &p.on_spec_by_element;
            (e[0] * 60.5 + e[1] * 56.0) * 1e3
        })
        .sum::<f64>()
        / years;
    assert!((o.revenue - revenue).abs() < 1e-9 * revenue);
}

/// A 3-year plant by hand: 100 invested + 10 working capital; product A earns 60 a year but
/// starts selling only after half a year, product B earns 20 from the start; cost 30 a year;
/// 25 % tax after straight-line depreciation of 100/3.
#[test]
fn cash_flows_by_hand() {
    let mut s = Settings::defaults();
    s.life_yr = 3;
    s.tax_rate = 0.25;
    let streams = [
        Stream {
            revenue: 60.0,
            kg: 600.0,
            startup_h: 4380.0,
        },
        Stream {
            revenue: 20.0,
            kg: 400.0,
            startup_h: 0.0,
        },
    ];
    let cf = CashFlows::new(100.0, 10.0, &streams, 30.0, &s);
    let dep = 100.0 / 3.0;
    let y1_income: f64 = 60.0 * 0.5 + 20.0 - 30.0;
    let y1 = y1_income - 0.25 * (y1_income - dep).max(0.0);
    let y = 50.0 - 0.25 * (50.0 - dep);
    assert_eq!(cf.net.len(), 4);
    let hand = [-110.0, y1, y, y + 10.0];
    for (a, b) in cf.net.iter().zip(hand) {
        assert!((a - b).abs() < 1e-12, "{:?} vs {hand:?}", cf.net);
    }
    assert_eq!(cf.output, vec![0.0, 700.0, 1000.0, 1000.0]);
    let npv = money::npv(0.08, &cf.net);
    let npv_hand = -110.0 + y1 / 1.08 + y / 1.08f64.powi(2) + (y + 10.0) / 1.08f64.powi(3);
    assert!((npv - npv_hand).abs() < 1e-9);
    let irr = money::irr(&cf.net).unwrap();
    assert!(money::npv(irr, &cf.net).abs() < 1e-9);
}

/// The probability of the highest NPV sums to 1 over layouts in every study; a layout beaten
/// in every replication gets 0; tied layouts share.
#[test]
fn probability_of_the_highest_npv() {
    let p = economics::p_best(&[
        vec![1.0, 5.0, 3.0],
        vec![2.0, 4.0, 3.0],
        vec![0.0, 0.0, 0.0],
    ]);
    assert!((p[0].mean - 1.5 / 3.0).abs() < 1e-12);
    assert!((p[1].mean - 1.5 / 3.0).abs() < 1e-12);
    assert_eq!(p[2].mean, 0.0);
    assert_eq!(p[2].ci95, 0.0);
    let source = default_with_economics("");
    let base = source.base().unwrap();
    let variants = source.variants().unwrap();
    let options = RunOptions {
        replications: Some(3),
        ..Default::default()
    };
    let result = study::run(&base, &variants, options).unwrap();
    let total: f64 = result.layouts.iter().map(|l| l.p_best.unwrap().mean).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
}

/// `[economics]` keys are validated with the field path and the allowed range or choices.
#[test]
fn bad_economics_values_name_the_field() {
    for (extra, field, says) in [
        ("cost_year = 1990", "economics.cost_year", "2016"),
        ("discount_rate = 2", "economics.discount_rate", "0 ..= 1"),
        ("feed_price = \"3 EUR/kg\"", "economics.feed_price", "USD"),
        (
            "power_price = \"3 USD/kg\"",
            "economics.power_price",
            "USD/kWh",
        ),
        ("startup = \"cold\"", "economics.startup", "\"naive\""),
        ("currency = \"EUR\"", "economics.currency", "USD"),
    ] {
        let err = default_with_economics(extra)
            .base()
            .unwrap_err()
            .to_string();
        assert!(err.contains(field) && err.contains(says), "{extra}: {err}");
    }
}

/// `startup = "naive"`: each product loses the dynamic model's time from a naive start to its
/// own spec, the times `reesim cascade --dynamic` prints (217 h for the default's Nd2O3, the
/// A outlet; 48,254 h for its Pr6O11 raffinate); the NPV loses exactly that revenue, product by
/// product, discounted year by year, while the operating cost is paid from the start.
#[test]
fn a_naive_start_loses_each_products_own_start_up() {
    let source = default_with_economics("startup = \"naive\"");
    let base = source.base().unwrap();
    let flows = ProductFlows::of(&base).unwrap();
    let money = economics::Money::of(&base, &flows).unwrap().unwrap();
    let path = super::DEFAULT_SCENARIO;
    let v = super::reesim_json(&["cascade", path, "--dynamic", "--format", "json"]);
    let run = &v["circuits"][0]["dynamic"]["runs"][0];
    assert_eq!(run["start"], "feed");
    let sink = |name: &str| {
        flows
            .products
            .iter()
            .find(|p| p.label == name)
            .unwrap()
            .sink
    };
    for (product, key) in [("Nd2O3", "on_spec_a"), ("Pr6O11", "on_spec_b")] {
        let hours = run[key]["value"].as_f64().unwrap();
        let got = money.startup_h[sink(product)];
        assert!((got - hours).abs() < 1e-6, "{product}: {got} vs {hours}");
    }
    let options = RunOptions {
        replications: Some(2),
        ..Default::default()
    };
    let result = study::run(&base, &[], options).unwrap();
    let r = &result.layouts[0].first;
    let s = &money.settings;
    let naive = economics::outcome(&money.design, s, r, &money.startup_h);
    let loaded = economics::outcome(&money.design, s, r, &[0.0, 0.0]);
    let years = r.window_h / 8760.0;
    let mut hand = 0.0;
    for (i, p) in r.products.iter().enumerate() {
        let revenue = money.design.value.product_value(i, p) / years;
        for year in 1..=15 {
            let lost_h = (money.startup_h[i] - f64::from(year - 1) * 8760.0).clamp(0.0, 8760.0);
            hand += revenue * lost_h / 8760.0 / 1.08_f64.powi(year);
        }
    }
    assert!(
        (loaded.npv - naive.npv - hand).abs() < 1e-6 * hand,
        "{} vs {hand}",
        loaded.npv - naive.npv
    );
}
