//! One CLI grammar (issue 12): `--format table|json|csv` wherever output is tabular, durations
//! with units on flags, flags that would do nothing refused, seeds a scenario file can hold,
//! and input errors that name the file, line and field without Debug text.

use super::{DEFAULT_SCENARIO, default_edited, reesim};

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");

fn stdout(args: &[&str]) -> String {
    let out = reesim(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn refused(args: &[&str]) -> String {
    let out = reesim(args);
    assert_eq!(out.status.code(), Some(2), "{args:?} must exit 2");
    String::from_utf8(out.stderr).unwrap()
}

/// Parses CSV text into its header and records, asserting every record has the header's width.
fn csv_records(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    (header, rows)
}

#[test]
fn every_tabular_command_writes_csv() {
    let bastnaesite = format!("{SCENARIOS}bastnaesite-lree.toml");
    let uncertainty = format!("{SCENARIOS}ndpr-uncertainty.toml");
    let cases: [(Vec<&str>, &str, usize); 6] = [
        (vec!["check", &bastnaesite], "circuit", 4),
        (vec!["cascade", DEFAULT_SCENARIO], "circuit", 54 * 2),
        (
            vec!["allocate", DEFAULT_SCENARIO, "--budget", "2", "--reps", "3"],
            "step",
            3,
        ),
        (
            vec![
                "sequence",
                "--feed",
                "La=0.4,Ce=0.4,Pr=0.05,Nd=0.15",
                "--feed-t-per-yr",
                "5000",
            ],
            "rank",
            5,
        ),
        (vec!["tornado", &uncertainty, "--reps", "3"], "input", 10),
        (
            vec![
                "design",
                "--beta",
                "1.5",
                "--feed-fraction",
                "0.75",
                "--feed-phase",
                "aqueous",
                "--purity-a",
                "0.999",
                "--purity-b",
                "0.99",
            ],
            "beta",
            1,
        ),
    ];
    for (mut args, first, rows) in cases {
        args.extend(["--format", "csv"]);
        let (header, records) = csv_records(&stdout(&args));
        assert_eq!(header[0], first, "{args:?}");
        assert_eq!(records.len(), rows, "{args:?}: one record per row");
    }
}

#[test]
fn run_csv_carries_each_variants_paired_change() {
    let text = stdout(&["run", DEFAULT_SCENARIO, "--reps", "3", "--format", "csv"]);
    let (header, rows) = csv_records(&text);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (layout, figure, mean, diff) =
        (col("layout"), col("figure"), col("mean"), col("difference"));
    let value = |l: &str, f: &str, c: usize| -> String {
        rows.iter()
            .find(|r| r[layout] == l && r[figure] == f)
            .map(|r| r[c].clone())
            .unwrap()
    };
    assert_eq!(
        value("base", "throughput", diff),
        "",
        "the base has no change"
    );
    let base: f64 = value("base", "throughput", mean).parse().unwrap();
    let two: f64 = value("2 trains", "throughput", mean).parse().unwrap();
    let d: f64 = value("2 trains", "throughput", diff).parse().unwrap();
    // The paired mean difference is the difference of the means, to rounding.
    assert!(
        (d - (two - base)).abs() <= 1e-9 * base,
        "{d} vs {}",
        two - base
    );
}

#[test]
fn sweep_prints_csv_json_lines_or_a_table() {
    let args = |format: &'static str| {
        vec![
            "sweep",
            DEFAULT_SCENARIO,
            "--set",
            "circuit.PrNd.trains=1,2",
            "--reps",
            "2",
            "--format",
            format,
        ]
    };
    let (header, rows) = csv_records(&stdout(&args("csv")));
    assert_eq!((header[0].as_str(), rows.len()), ("point", 2));
    let json = stdout(&args("json"));
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["params"]["circuit.PrNd.trains"], 2);
    let table = stdout(&args("table"));
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.starts_with("point  circuit.PrNd.trains") && table.contains(" +- "));
}

#[test]
fn duration_flags_take_units_and_bare_numbers_keep_their_unit() {
    let run = |stop: &str| {
        stdout(&[
            "cascade",
            DEFAULT_SCENARIO,
            "--dynamic",
            "--stop",
            stop,
            "--residence",
            "25 min",
        ])
    };
    let bare = run("8");
    assert_eq!(bare, run("8 h"));
    assert_eq!(bare, run("480 min"));
    assert!(bare.contains("restart after 8 h stop"));
    let e = refused(&[
        "cascade",
        DEFAULT_SCENARIO,
        "--dynamic",
        "--stop",
        "8 parsec",
    ]);
    assert!(
        e.contains("unknown time unit `parsec`") && e.contains("a bare number is in h"),
        "{e}"
    );
}

#[test]
fn flags_that_would_do_nothing_are_refused() {
    let feed = ["--feed", "La=0.5,Ce=0.5", "--feed-t-per-yr", "1000"];
    for flag in [
        ["--reps", "4"],
        ["--seed", "7"],
        ["--horizon-d", "30"],
        ["--threads", "1"],
    ] {
        let mut args = vec!["sequence"];
        args.extend(feed);
        args.extend(flag);
        let e = refused(&args);
        assert!(e.contains("--simulate"), "{flag:?}: {e}");
    }
    let e = refused(&[
        "sweep",
        DEFAULT_SCENARIO,
        "--set",
        "circuit.PrNd.trains=1",
        "--format",
        "json",
        "--out",
        "x.csv",
    ]);
    assert!(e.contains("cannot be used with"), "{e}");
}

#[test]
fn seeds_above_the_largest_toml_integer_are_refused() {
    for cmd in ["run", "tornado"] {
        let e = refused(&[cmd, DEFAULT_SCENARIO, "--seed", "9223372036854775808"]);
        assert!(e.contains("0..=9223372036854775807"), "{e}");
    }
    let e = refused(&[
        "sequence",
        "--feed",
        "La=0.5,Ce=0.5",
        "--feed-t-per-yr",
        "1000",
        "--simulate",
        "--seed",
        "18446744073709551615",
    ]);
    assert!(e.contains("not a seed"), "{e}");
}

#[test]
fn sequence_horizon_is_bounded_before_simulating() {
    let e = refused(&[
        "sequence",
        "--feed",
        "La=0.5,Ce=0.5",
        "--feed-t-per-yr",
        "1000",
        "--simulate",
        "--horizon-d",
        "1e9",
    ]);
    assert!(
        e.contains("--horizon-d") && e.contains("allowed range"),
        "{e}"
    );
}

#[test]
fn design_refuses_a_beta_that_needs_too_many_stages() {
    let e = refused(&[
        "design",
        "--beta",
        "1.0000001",
        "--feed-fraction",
        "0.75",
        "--feed-phase",
        "aqueous",
        "--purity-a",
        "0.999",
        "--purity-b",
        "0.99",
    ]);
    assert!(e.contains("--beta") && e.contains("10000"), "{e}");
    assert!(!e.contains("internal"), "{e}");
}

#[test]
fn numbers_out_of_range_name_file_line_and_field() {
    let (_d, file) = default_edited("trains = 1 ", "trains = 9223372036854775808 ", "t.toml");
    let e = refused(&["check", file.to_str().unwrap()]);
    assert!(e.contains("t.toml:23:10") && e.contains("too large"), "{e}");
    let text = std::fs::read_to_string(format!("{SCENARIOS}ndpr-uncertainty.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.toml");
    std::fs::write(&file, text.replace("[1.0, 1.55]", "[1.0, 1e308]")).unwrap();
    let e = refused(&["check", file.to_str().unwrap()]);
    assert!(
        e.contains("f.toml:36:1")
            && e.contains("separation_factors[1]: 1e308 is outside the allowed range (1, 1e6]"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "no follow-on errors: {e}");
}

#[test]
fn messages_carry_no_debug_text() {
    let table = stdout(&["allocate", DEFAULT_SCENARIO, "--budget", "1", "--reps", "3"]);
    assert!(
        table.starts_with("start: trains [1] per circuit [PrNd]"),
        "{table}"
    );
    let e = refused(&[
        "cascade",
        DEFAULT_SCENARIO,
        "--dynamic",
        "--impurity-tolerance",
        "-1",
    ]);
    assert!(
        e.contains("not a number >= 0") && !e.contains("SteadyImpurity"),
        "{e}"
    );
}

#[test]
fn cascade_csv_holds_profiles_and_refuses_dynamic_runs() {
    let e = refused(&["cascade", DEFAULT_SCENARIO, "--dynamic", "--format", "csv"]);
    assert!(
        e.contains("--format csv holds the stage profiles only"),
        "{e}"
    );
}

#[test]
fn allocate_and_sequence_write_json_and_csv_with_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    let table = stdout(&[
        "allocate",
        DEFAULT_SCENARIO,
        "--budget",
        "1",
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("allocate.json")).unwrap()).unwrap();
    let (_, rows) = csv_records(&std::fs::read_to_string(out.join("allocate.csv")).unwrap());
    assert_eq!(json["steps"].as_array().unwrap().len(), 1);
    assert_eq!(rows.len(), 2, "the start and one step");
    assert!(
        table.starts_with("start:"),
        "standard output keeps the table"
    );
    let seq = dir.path().join("s");
    stdout(&[
        "sequence",
        "--feed",
        "La=0.5,Ce=0.5",
        "--feed-t-per-yr",
        "1000",
        "--out",
        seq.to_str().unwrap(),
    ]);
    assert!(seq.join("sequence.json").is_file() && seq.join("sequence.csv").is_file());
}

#[test]
fn output_directories_are_checked_before_simulating() {
    // /proc refuses new directories: every command must say so before any work.
    let cases: [&[&str]; 3] = [
        &[
            "sweep",
            DEFAULT_SCENARIO,
            "--set",
            "circuit.PrNd.trains=1,2",
            "--plots",
            "/proc/x",
        ],
        &[
            "allocate",
            DEFAULT_SCENARIO,
            "--budget",
            "1",
            "--out",
            "/proc/x",
        ],
        &[
            "cascade",
            DEFAULT_SCENARIO,
            "--dynamic",
            "--plots",
            "/proc/x",
        ],
    ];
    for args in cases {
        let e = refused(args);
        assert!(e.contains("/proc/x"), "{args:?}: {e}");
    }
}

#[test]
fn extreme_values_print_in_scientific_notation() {
    let (_d, file) = default_edited(
        "[economics]",
        "[economics]\nfeed_concentration = 1e-300",
        "e.toml",
    );
    let e = refused(&["check", file.to_str().unwrap()]);
    assert!(
        e.contains("economics.feed_concentration: 1e-300 is out of range: allowed 1e-9 ..= 1e9"),
        "{e}"
    );
}
