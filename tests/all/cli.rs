//! Integration tests: the `reesim` binary end to end (JSON contract, determinism across thread
//! counts, conservation, exit codes).

use crate::{reesim, reesim_json};

const DEFAULT: &str = super::DEFAULT_SCENARIO;

#[test]
fn run_json_is_identical_at_any_thread_count_and_keeps_the_contract() {
    let one = reesim(&[
        "run",
        DEFAULT,
        "--reps",
        "2",
        "--threads",
        "1",
        "--format",
        "json",
    ]);
    let two = reesim(&[
        "run",
        DEFAULT,
        "--reps",
        "2",
        "--threads",
        "2",
        "--format",
        "json",
    ]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(
        one.stdout, two.stdout,
        "JSON differs between 1 and 2 threads"
    );
    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(doc["seed"], 42);
    assert_eq!(doc["replications"], 2);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "base and two variants");
    let mean = |v: &serde_json::Value| v["mean"].as_f64().unwrap();
    for (r, trains) in results.iter().zip([1, 2, 4]) {
        for key in [
            "throughput",
            "availability",
            "held_back",
            "off_spec",
            "on_spec_nd2o3",
        ] {
            let m = &r["metrics"][key];
            assert!(
                m["mean"].is_f64() && m["ci95"].is_f64() && m["unit"].is_string(),
                "{key}: {m}"
            );
        }
        assert_eq!(r["metrics"]["throughput"]["unit"], "t REO/yr");
        assert!(r["name"].is_string());
        assert!(r["mass_balance_error"]["value"].as_f64().unwrap() <= 1e-9);
        // All on-spec product is the sum of the products.
        let m = &r["metrics"];
        let sum = mean(&m["on_spec_nd2o3"]) + mean(&m["on_spec_pr6o11"]);
        assert!((mean(&m["throughput"]) - sum).abs() < 1e-9 * sum);
        // The circuit contract: k = 0..K trains running, fractions summing to 1, whose mean
        // over k / K is the availability and whose k = 0 entry is P(all down).
        let c = &r["circuits"][0];
        assert_eq!(c["name"], "PrNd");
        let running = c["trains_running"].as_array().unwrap();
        assert_eq!(running.len(), trains + 1);
        let total: f64 = running.iter().map(mean).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        let avail: f64 = running
            .iter()
            .enumerate()
            .map(|(k, p)| k as f64 / trains as f64 * mean(p))
            .sum();
        assert!((avail - mean(&c["availability"])).abs() < 1e-12);
        assert!((mean(&running[0]) - mean(&c["all_down"])).abs() < 1e-15);
        assert!(running.iter().all(|p| p["ci95"].is_f64()));
    }
    assert!(results[2]["vs_base"]["throughput"]["difference"]["estimate"].is_f64());
}

#[test]
fn bad_scenario_exits_2_with_file_line_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(DEFAULT)
        .unwrap()
        .replacen("trains = 1 ", "trains = 0 ", 1);
    std::fs::write(&path, text).unwrap();
    for command in ["check", "run"] {
        let out = reesim(&[command, path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("bad.toml:")
                && err.contains("circuit[0].trains")
                && err.contains("1 ..= 1024"),
            "{err}"
        );
    }
    let missing = reesim(&["run", "no-such-file.toml"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn cascade_json_has_the_contract_keys() {
    let doc = reesim_json(&["cascade", DEFAULT, "--format", "json"]);
    let c = &doc["circuits"][0];
    for key in [
        "name",
        "purity_a",
        "purity_b",
        "yield_a",
        "yield_b",
        "split_to_a",
        "stages",
        "mass_balance_error",
        "iterations",
    ] {
        assert!(!c[key].is_null(), "missing {key}");
    }
    assert_eq!(c["stages"].as_array().unwrap().len(), 54);
    assert!(c["mass_balance_error"].as_f64().unwrap() <= 1e-9);
}

#[test]
fn sweep_shards_merge_into_the_single_run_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            DEFAULT,
            "--set",
            "circuit.PrNd.trains=1,2,4",
            "--reps",
            "2",
        ];
        args.extend_from_slice(extra);
        let out = reesim(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    sweep(&["--out", &p("full.jsonl")]);
    sweep(&["--shard", "1/2", "--out", &p("s1.jsonl")]);
    sweep(&["--shard", "2/2", "--out", &p("s2.jsonl")]);
    let merge = reesim(&["merge", &p("merged.jsonl"), &p("s2.jsonl"), &p("s1.jsonl")]);
    assert!(
        merge.status.success(),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    let full = std::fs::read(p("full.jsonl")).unwrap();
    assert_eq!(full, std::fs::read(p("merged.jsonl")).unwrap());
    assert_eq!(
        full.iter().filter(|b| **b == b'\n').count(),
        3,
        "one row per grid point"
    );
}

#[test]
fn sweep_rejects_bad_values_with_exit_2() {
    let out = reesim(&[
        "sweep",
        DEFAULT,
        "--set",
        "circuit.PrNd.trains=1,zero",
        "--reps",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 ..= 1024"));
}

#[test]
fn compare_of_a_file_with_itself_is_exactly_zero() {
    let doc = reesim_json(&[
        "compare", DEFAULT, DEFAULT, "--reps", "2", "--format", "json",
    ]);
    let vs = &doc["results"][1]["vs_base"];
    for key in ["throughput", "availability", "held_back"] {
        assert_eq!(vs[key]["difference"]["estimate"], 0.0, "{key}");
        assert_eq!(
            vs[key]["difference"]["ci95"], 0.0,
            "{key}: common random numbers make the pairs identical"
        );
    }
}

#[test]
fn precision_loop_reports_how_it_stopped() {
    // A cap of 4 replications cannot reach +-0.01 % on a year of a stochastic plant.
    let doc = reesim_json(&[
        "run",
        DEFAULT,
        "--reps",
        "2",
        "--precision",
        "0.0001",
        "--max-reps",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(doc["precision"]["stop"], "cap_reached");
    assert_eq!(doc["replications"], 4);
    assert_eq!(
        doc["results"][2]["metrics"]["throughput"]["n"], 4,
        "variants run as many replications as the base"
    );
}

#[test]
fn sweep_plots_one_svg_per_headline_figure() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let out = reesim(&[
        "sweep",
        DEFAULT,
        "--set",
        "circuit.PrNd.trains=1,2",
        "--reps",
        "2",
        "--plots",
        plots.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(plots.join("throughput.svg")).unwrap();
    assert!(
        svg.contains("on-spec REO, all products (t REO/yr)") && svg.contains("circuit.PrNd.trains"),
        "axis labels"
    );
    assert!(plots.join("availability.svg").exists() && plots.join("on_spec_nd2o3.svg").exists());
    let two_keys = reesim(&[
        "sweep",
        DEFAULT,
        "--set",
        "circuit.PrNd.trains=1,2",
        "--set",
        "feed.tank_capacity=10,20",
        "--reps",
        "2",
        "--plots",
        plots.to_str().unwrap(),
    ]);
    assert_eq!(
        two_keys.status.code(),
        Some(2),
        "plots need one numeric key"
    );
}

/// File problems the user can fix exit with 2 and name the file: a directory as the scenario,
/// a file that is not UTF-8, a missing file.
#[test]
fn file_problems_exit_with_2_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let missing = dir.path().join("missing.toml");
    for path in [dir.path(), binary.as_path(), missing.as_path()] {
        let out = super::reesim(&["check", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&path.display().to_string()), "{err}");
    }
}

/// An output directory that cannot be written is refused before any simulation, with exit 2.
#[test]
fn unwritable_out_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let path = super::DEFAULT_SCENARIO;
    let out = super::reesim(&["run", path, "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a-file"));
    // Nothing was simulated: the report never started.
    assert!(out.stdout.is_empty());
}

/// `compare` of two different plants aligns figures by name: a figure one side lacks prints
/// "-" (the table) or an empty cell (replications.csv), never another figure's number.
#[test]
fn compare_aligns_figures_by_name() {
    let root = env!("CARGO_MANIFEST_DIR");
    let a = format!("{root}/scenarios/ndpr-parallel-trains.toml");
    let b = format!("{root}/scenarios/bastnaesite-lree.toml");
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = super::reesim(&[
        "compare",
        &a,
        &b,
        "--reps",
        "2",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let la = table
        .lines()
        .find(|l| l.starts_with("on-spec La2O3"))
        .expect("a row for B's La2O3");
    let cells: Vec<&str> = la
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells[1], "-", "{la}");
    assert!(cells[2].contains('±'), "{la}");
    let csv = std::fs::read_to_string(out_dir.join("replications.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let la_col = header
        .iter()
        .position(|h| h.starts_with("on_spec_la "))
        .unwrap();
    let first_a = csv.lines().nth(1).unwrap().split(',').collect::<Vec<_>>();
    assert_eq!(first_a[la_col], "", "A has no La2O3: an empty cell");
}

/// Standard output closed early (`reesim run ... | head -1`) is not an error: exit 0.
#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::process::{Command, Stdio};
    let path = super::DEFAULT_SCENARIO;
    let mut child = Command::new(env!("CARGO_BIN_EXE_reesim"))
        .args(["run", path, "--reps", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reesim starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("reesim ends");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `warmup = "auto"` end to end: MSER-5 picks a truncation inside the horizon and the JSON
/// reports it with its method.
#[test]
fn automatic_warmup_end_to_end() {
    let (_dir, file) = super::default_edited("warmup = \"14 d\"", "warmup = \"auto\"", "auto.toml");
    let v = super::reesim_json(&[
        "run",
        file.to_str().unwrap(),
        "--reps",
        "3",
        "--format",
        "json",
    ]);
    let base = &v["results"][0];
    assert_eq!(base["warmup_auto"]["method"], "MSER-5");
    let w = base["warmup"]["value"].as_f64().unwrap();
    assert!((0.0..8760.0 / 2.0).contains(&w), "{w}");
    assert_eq!(
        base["warmup_auto"]["per_replication_h"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}
