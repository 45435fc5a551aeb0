//! Every scenario shipped in `scenarios/` (the directory is enumerated, so new files are
//! covered): it loads with its variants and runs through the library with 2 replications; each
//! layout conserves lots, reports finite figures and purities in (0, 1].

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
fn every_shipped_scenario_runs_and_conserves_lots() {
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
            // Lot counters are summed over replications; each replication conserves exactly,
            // so the sums do too.
            let l = &layout.lots;
            assert!(l.is_conserved(), "{at}: lots not conserved: {l:?}");
            assert_eq!(
                l.arrived + l.formed,
                l.departed + l.absorbed + l.in_system + l.lost + l.scrapped,
                "{at}: {l:?}"
            );
            assert!(
                l.arrived > 0 && l.departed > 0,
                "{at}: nothing flowed: {l:?}"
            );
            assert!(layout.events > 0, "{at}: no events");
            assert_eq!(layout.replications.len(), 2, "{at}");
            for (r, figures) in layout.replications.iter().enumerate() {
                for f in figures {
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
                let st = &s.stats;
                assert!(
                    st.mean.is_finite() && st.sd.is_finite() && st.ci95.is_finite(),
                    "{at}: {} summary {st:?}",
                    s.name
                );
            }
            for p in &layout.flows.products {
                assert!(
                    p.purity > 0.0 && p.purity <= 1.0,
                    "{at}: product {} purity {}",
                    p.label,
                    p.purity
                );
                assert!(
                    p.t_reo_per_lot.is_finite() && p.t_reo_per_lot >= 0.0,
                    "{at}: product {} {} t REO/lot",
                    p.label,
                    p.t_reo_per_lot
                );
            }
            for inventory in layout.flows.inventory_t.iter().flatten() {
                assert!(
                    inventory.is_finite() && *inventory >= 0.0,
                    "{at}: in-circuit inventory {inventory} t"
                );
            }
            // Products of one lot add up to the lot (no REO is created or lost in a split).
            if !layout.flows.products.is_empty() {
                let out: f64 = layout.flows.products.iter().map(|p| p.t_reo_per_lot).sum();
                let lot = layout.flows.feed_t_reo_per_lot;
                assert!(
                    (out - lot).abs() <= 1e-9 * lot.max(1.0),
                    "{at}: products {out} t vs lot {lot} t REO"
                );
            }
        }
    }
}
