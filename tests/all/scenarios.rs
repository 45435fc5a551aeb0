//! Every scenario shipped in `scenarios/` (the directory is enumerated, so new files are
//! covered): it loads with its variants and runs through the library with 2 replications; each
//! layout closes its element mass balance, sells something, reports finite figures, purities in
//! (0, 1] that meet their own specs, and non-negative inventories.

use reesim::scenario::ScenarioSource;
use reesim::study::{self, RunOptions};
use std::path::{Path, PathBuf};

/// The `.toml` files in `scenarios/`, sorted by name.
fn shipped_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn scenario_library_includes_the_readme_default() {
    let names: Vec<String> = shipped_scenarios()
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect();
    assert!(
        names.iter().any(|n| n == "ndpr-parallel-trains.toml"),
        "{names:?}"
    );
}

#[test]
fn every_shipped_scenario_runs_and_closes_its_mass_balance() {
    let files = shipped_scenarios();
    assert!(!files.is_empty(), "no scenarios found");
    for path in files {
        let file = path.display().to_string();
        let source = ScenarioSource::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let base = source.base().unwrap_or_else(|e| panic!("{file}: {e}"));
        let variants = source.variants().unwrap_or_else(|e| panic!("{file}: {e}"));
        let options = RunOptions {
            replications: Some(2),
            ..Default::default()
        };
        let result =
            study::run(&base, &variants, options).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(result.layouts.len(), 1 + variants.len(), "{file}");
        assert_eq!(result.comparisons.len(), variants.len(), "{file}");
        for layout in &result.layouts {
            let at = format!("{file}, layout \"{}\"", layout.name);
            // Feed in = products + scrap + tanks + held back or lost + in-process change, per
            // element, to 1e-9 of the feed (the model's own books; exact but for rounding).
            assert!(
                layout.mass_balance_error <= 1e-9,
                "{at}: mass balance error {}",
                layout.mass_balance_error
            );
            assert!(layout.events > 0, "{at}: no events");
            let sold: f64 = layout.first.mass.sold.iter().sum();
            assert!(sold > 0.0, "{at}: nothing sold");
            assert_eq!(layout.replications.len(), 2, "{at}");
            for (r, figures) in layout.replications.iter().enumerate() {
                for f in figures {
                    // IRR and payback are undefined (NaN, "n/a") for a plant that never pays
                    // back its investment.
                    if matches!(f.name.as_str(), "irr" | "payback") {
                        continue;
                    }
                    // A blended purity is a mole fraction (it once exceeded 1 where a finishing
                    // unit delayed sales behind the judged batches).
                    if f.name.starts_with("purity_") && f.value.is_finite() {
                        assert!(
                            f.value > 0.0 && f.value <= 1.0 + 1e-12,
                            "{at}, replication {r}: {} = {}",
                            f.name,
                            f.value
                        );
                    }
                    assert!(
                        f.value.is_finite(),
                        "{at}, replication {r}: {} = {} {}",
                        f.name,
                        f.value,
                        f.unit
                    );
                }
            }
            for s in &layout.summaries {
                if matches!(s.name.as_str(), "irr" | "payback") {
                    continue;
                }
                let st = &s.stats;
                assert!(
                    st.mean.is_finite() && st.sd.is_finite() && st.ci95.is_finite(),
                    "{at}: {} summary {st:?}",
                    s.name
                );
            }
            for p in &layout.flows.products {
                if p.purity.is_nan() {
                    continue; // several outlets feed it: no single steady purity
                }
                assert!(
                    p.purity > 0.0 && p.purity <= 1.0,
                    "{at}: product {} purity {}",
                    p.label,
                    p.purity
                );
                if let Some(spec) = p.min_purity {
                    assert!(
                        p.purity >= spec,
                        "{at}: {} {} < spec {spec}",
                        p.label,
                        p.purity
                    );
                }
            }
            for inventory in layout.flows.inventory_t.iter().flatten() {
                assert!(
                    inventory.is_finite() && *inventory >= 0.0,
                    "{at}: in-circuit inventory {inventory} t"
                );
            }
        }
    }
}
