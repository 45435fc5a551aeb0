//! Integration tests: the work estimate before simulating (events, memory, time), the refusal
//! of huge studies unless `--force`, and the progress bar that stays off pipes.

use crate::{DEFAULT_SCENARIO, default_edited, reesim};
use reesim::scenario::ScenarioSource;
use reesim::study::estimate::{self, LIMITS, Limits, PILOT, Pilot, Work};
use reesim::study::{self, RunOptions};

/// The issue's case: 1,024 trains of 100,000 stages, each stage's drive failing on its own.
const HUGE: &str = r#"
name = "huge"
[simulation]
horizon = "365 d"
warmup = "14 d"
replications = 10
seed = 7
[feed]
rate = "5000 t/yr"
tank_capacity = "8 h"
[[circuit]]
name = "X"
trains = 1024
stages = 100000
[[circuit.failure]]
name = "pump"
time_to_failure = { dist = "exponential", mean = "400 h" }
time_to_repair = { dist = "lognormal", mean = "8 h", cv = 0.5 }
[[circuit.failure]]
name = "mixer drive"
per = "stage"
effect = "bypass"
time_to_failure = { dist = "exponential", mean = "20000 h" }
time_to_repair = { dist = "lognormal", mean = "12 h", cv = 0.5 }
"#;

/// The command line's pilot without its wall-time cap, so the estimate does not depend on the
/// machine's speed.
const UNHURRIED: Pilot = Pilot {
    max_wall_s: f64::INFINITY,
    ..PILOT
};

/// Events per replication estimated and simulated, layout by layout, of a shipped scenario.
fn estimated_and_simulated(file: &str) -> Vec<(f64, f64)> {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = ScenarioSource::read(std::path::Path::new(&path)).unwrap();
    let (base, variants) = (source.base().unwrap(), source.variants().unwrap());
    let options = RunOptions::default();
    let work = Work::run(&base, &variants, &options);
    let e = estimate::estimate(&work, &LIMITS, &UNHURRIED).unwrap();
    let result = study::run(&base, &variants, options).unwrap();
    let reps = f64::from(result.replications);
    (e.events_per_replication.iter())
        .zip(&result.layouts)
        .map(|(est, l)| (*est, l.events as f64 / reps))
        .collect()
}

#[test]
fn the_events_estimated_are_within_twice_those_simulated() {
    for file in [
        "ndpr-parallel-trains.toml",
        "bastnaesite-lree.toml",
        "ndpr-capacity-planning.toml",
    ] {
        let pairs = estimated_and_simulated(file);
        assert!(pairs.len() >= 3, "{file}: every layout estimated");
        for (estimated, simulated) in pairs {
            let ratio = estimated / simulated;
            assert!(
                (0.5..=2.0).contains(&ratio),
                "{file}: {estimated} events estimated per replication, {simulated} simulated"
            );
        }
    }
}

#[test]
fn the_issues_huge_plant_is_refused_fast_with_its_memory_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.toml");
    std::fs::write(&file, HUGE).unwrap();
    let out = reesim(&["run", file.to_str().unwrap(), "--threads", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: too much to simulate: "), "{err}");
    // 102.4 M clocks of 40 bytes (a table grown to 2^27) and their queue slots, four
    // replications at a time: about 35 GB.
    assert!(
        err.contains("GB of memory with 4 replications at a time on 4 threads"),
        "{err}"
    );
    assert!(err.contains("the limit is 8.0 GB of memory"), "{err}");
    assert!(err.contains("pass --force to run anyway"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_memory_estimate_counts_a_clock_per_stage_and_train() {
    let huge = ScenarioSource::from_text("huge.toml", HUGE.to_string())
        .unwrap()
        .base()
        .unwrap();
    let bytes = estimate::model_bytes(&huge);
    // 102,400,000 stage clocks (+ 1,024 train clocks) of 40 bytes at least, and less than
    // 200 bytes each with the queue and the table's growth.
    assert!((4.1e9..2.05e10).contains(&bytes), "{bytes}");
    let work = Work::study(&huge, &[], 10, None, Some(4));
    let e = estimate::estimate(&work, &LIMITS, &PILOT).unwrap();
    assert_eq!(e.wall_s, None, "no pilot of a model too large to build");
    assert_eq!(e.in_flight, 4);
    assert!(e.bytes > 4.0 * bytes, "{e:?}");
    // One event per failure-and-repair cycle of every clock, at least.
    let cycles = 102_400_000.0 * 8760.0 / 20_012.0 + 1024.0 * 8760.0 / 408.0;
    assert!((e.events / 10.0 / cycles - 1.0).abs() < 1e-9, "{e:?}");
}

#[test]
fn force_skips_the_estimate_that_refuses_a_study_above_the_limits() {
    let source = ScenarioSource::read(std::path::Path::new(DEFAULT_SCENARIO)).unwrap();
    let (base, variants) = (source.base().unwrap(), source.variants().unwrap());
    let work = Work::study(&base, &variants, 10, None, Some(2));
    let tight = Limits {
        max_events: 1000.0,
        ..LIMITS
    };
    let refused = estimate::check_with(&work, false, &tight, &UNHURRIED).unwrap_err();
    assert_eq!(refused.exit_code(), 2);
    let text = refused.to_string();
    assert!(
        text.contains("over 30 replications (3 layouts)") && text.contains("estimated"),
        "{text}"
    );
    assert!(text.contains("the limit is 1000 events"), "{text}");
    assert_eq!(
        estimate::check_with(&work, true, &tight, &UNHURRIED).unwrap(),
        None
    );
    let e = estimate::check_with(&work, false, &LIMITS, &UNHURRIED)
        .unwrap()
        .expect("an estimate");
    assert!(
        e.wall_s.is_some() && e.exceeded(&LIMITS).is_empty(),
        "{e:?}"
    );
}

#[test]
fn a_long_run_of_large_layouts_is_refused() {
    // The default scenario over 1e6 h (the horizon's cap) with 10,000 replications and
    // 1,024-train layouts: tens of billions of events.
    let (_dir, file) = default_edited("trains = 1 ", "trains = 1024 ", "long.toml");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "horizon = \"365 d\"",
        "horizon = \"1000000 h\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();
    let out = reesim(&["run", path, "--reps", "10000"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: too much to simulate: about "),
        "{err}"
    );
    assert!(
        err.contains("events over 30000 replications (3 layouts)"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn every_simulating_command_takes_force() {
    for command in ["run", "compare", "allocate", "tornado", "sweep", "sequence"] {
        let out = reesim(&[command, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("--force"), "{command}: {help}");
    }
}

#[test]
fn without_a_terminal_no_bar_is_drawn_and_force_changes_no_output() {
    let out = reesim(&["run", DEFAULT_SCENARIO, "--reps", "4"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let forced = reesim(&["run", DEFAULT_SCENARIO, "--reps", "4", "--force"]);
    assert_eq!(forced.stdout, out.stdout);
    assert!(forced.stderr.is_empty());
}

#[test]
fn work_counts_replications_of_every_study() {
    let source = ScenarioSource::read(std::path::Path::new(DEFAULT_SCENARIO)).unwrap();
    let (base, variants) = (source.base().unwrap(), source.variants().unwrap());
    let run = Work::study(&base, &variants, 10, None, None);
    assert_eq!(run.replications(), 30);
    assert_eq!(run.times(7).replications(), 210);
    let allocate = Work::allocate(&source, 3, None, Some(4), None).unwrap();
    // The start and 3 steps of 1 candidate (one circuit), 4 replications each.
    assert_eq!(allocate.replications(), 16);
    let precise = RunOptions {
        precision: Some(0.01),
        max_replications: 500,
        ..RunOptions::default()
    };
    assert_eq!(Work::run(&base, &variants, &precise).replications(), 1500);
}
