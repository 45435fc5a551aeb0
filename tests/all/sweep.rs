//! Integration tests: provenance, locking and refusals of sweep outputs (`sweep --out`,
//! `--resume`, `--shard`, `merge`), in the library and through the `reesim` binary.

use crate::{DEFAULT_SCENARIO, reesim};
use reesim::Error;
use reesim::experiment::provenance::{digest, sidecar_path};
use reesim::experiment::*;
use std::path::{Path, PathBuf};

/// A synthetic row: one figure that depends on the point only.
fn row(p: &GridPoint) -> SweepRow {
    SweepRow {
        point: p.index,
        replications: 3,
        params: p.assignments.clone(),
        figures: vec![RowFigure {
            name: "x".into(),
            unit: "t".into(),
            mean: p.index as f64 * 1.5,
            ci95: 0.25,
        }],
    }
}

/// The provenance of a synthetic sweep of `grid` (or its `shard`) at `seed`.
fn prov(grid: &Grid, seed: u64, shard: Shard) -> Provenance {
    Provenance::new(b"[simulation]\nseed = 1\n", grid, seed, 3, shard)
}

/// Runs the points of `provenance`'s shard into `path`.
fn sweep(path: &Path, provenance: &Provenance, resume: bool) -> reesim::Result<Output> {
    let grid = provenance.grid()?;
    let out = SweepOutput {
        path,
        format: OutputFormat::from_path(path)?,
        resume,
        chunk: 2,
        provenance,
    };
    run_points(&grid.shard_points(provenance.shard), Some(2), out, |p| {
        Ok(row(p))
    })
}

/// The message of an input error; panics on success or another kind of error.
fn input_message<T: std::fmt::Debug>(result: reesim::Result<T>) -> String {
    match result {
        Err(Error::Input(message)) => message,
        other => panic!("expected an input error, got {other:?}"),
    }
}

fn grid() -> Grid {
    Grid::parse(&["circuit.PrNd.trains=1,2,4", "feed.tank_capacity=4,8"]).unwrap()
}

/// Names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn digest_is_fnv1a_64_of_the_bytes() {
    // Published FNV-1a 64 test vectors.
    assert_eq!(digest(b""), "fnv1a64:cbf29ce484222325");
    assert_eq!(digest(b"a"), "fnv1a64:af63dc4c8601ec8c");
    assert_eq!(digest(b"foobar"), "fnv1a64:85944171f73967e8");
}

#[test]
fn provenance_round_trips_and_names_the_first_differing_field() {
    let grid = grid();
    let p = prov(&grid, 42, Shard { k: 2, n: 4 });
    let text = p.to_json();
    let back = Provenance::parse(&text, Path::new("x.provenance.json")).unwrap();
    assert_eq!(back, p);
    for key in [
        "\"reesim_version\": \"",
        "\"scenario_digest\": \"fnv1a64:",
        "\"circuit.PrNd.trains\"",
        "\"seed\": 42",
        "\"replications\": 3",
        "\"shard\": \"2/4\"",
    ] {
        assert!(text.contains(key), "{key} in {text}");
    }
    assert_eq!(p.with_shard(Shard { k: 1, n: 1 }).shard, Shard::ALL);
    assert!(
        p.with_shard(Shard::ALL)
            .to_json()
            .contains("\"shard\": \"all\"")
    );
    let changed = [
        (
            "reesim_version",
            Provenance {
                reesim_version: "0.0.0".into(),
                ..p.clone()
            },
        ),
        (
            "scenario_digest",
            Provenance::new(b"other", &grid, 42, 3, p.shard),
        ),
        (
            "grid",
            Provenance {
                grid: Grid::parse(&["circuit.PrNd.trains=1,2"])
                    .unwrap()
                    .specs()
                    .to_vec(),
                ..p.clone()
            },
        ),
        ("seed", prov(&grid, 7, p.shard)),
        (
            "replications",
            Provenance {
                replications: 4,
                ..p.clone()
            },
        ),
        ("shard", p.with_shard(Shard { k: 3, n: 4 })),
    ];
    for (field, q) in &changed {
        assert_eq!(p.difference(q, true).map(|d| d.field), Some(*field));
    }
    assert_eq!(p.difference(&changed[5].1, false), None, "shard ignored");
    assert_eq!(p.difference(&p.clone(), true), None);
    let bad = input_message(Provenance::parse("{\"seed\": 1}", Path::new("bad.json")));
    assert!(bad.contains("bad.json"), "{bad}");
}

#[test]
fn every_output_gets_a_sidecar_and_an_empty_shard_still_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    // 6 points in 8 shards: shards 7/8 and 8/8 are empty.
    let empty = Shard { k: 8, n: 8 };
    for ext in ["csv", "jsonl"] {
        let path = dir.path().join(format!("empty.{ext}"));
        let p = prov(&grid, 42, empty);
        let out = sweep(&path, &p, false).unwrap();
        assert!(out.is_empty());
        let text = std::fs::read_to_string(&path).unwrap();
        if ext == "csv" {
            assert_eq!(
                text,
                "point,replications,circuit.PrNd.trains,feed.tank_capacity\n"
            );
        } else {
            assert_eq!(text, "", "JSON lines: no row, provenance in the sidecar");
        }
        assert_eq!(Provenance::read(&path).unwrap(), Some(p));
    }
    assert_eq!(
        names(dir.path()),
        [
            "empty.csv",
            "empty.csv.provenance.json",
            "empty.jsonl",
            "empty.jsonl.provenance.json"
        ],
        "no lock or temporary file left behind"
    );
}

#[test]
fn resume_refuses_a_file_of_another_sweep_naming_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let path = dir.path().join("out.csv");
    let p = prov(&grid, 42, Shard::ALL);
    sweep(&path, &p, false).unwrap();
    let before = std::fs::read(&path).unwrap();
    let others = [
        ("grid", {
            let g = Grid::parse(&["circuit.PrNd.trains=1,2"]).unwrap();
            prov(&g, 42, Shard::ALL)
        }),
        ("seed", prov(&grid, 43, Shard::ALL)),
        (
            "replications",
            Provenance::new(b"[simulation]\nseed = 1\n", &grid, 42, 5, Shard::ALL),
        ),
        (
            "scenario_digest",
            Provenance::new(b"edited", &grid, 42, 3, Shard::ALL),
        ),
        (
            "reesim_version",
            Provenance {
                reesim_version: "0.0.1".into(),
                ..p.clone()
            },
        ),
        ("shard", p.with_shard(Shard { k: 1, n: 2 })),
    ];
    for (field, other) in &others {
        let message = input_message(sweep(&path, other, true));
        assert!(
            message.contains(&path.display().to_string())
                && message.contains(&format!("{field} differs")),
            "{field}: {message}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "{field}: file kept");
        assert_eq!(Provenance::read(&path).unwrap().as_ref(), Some(&p));
    }
    // The same sweep resumes (nothing left to run) and keeps the file as it was.
    sweep(&path, &p, true).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn resume_refuses_a_file_without_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let path = dir.path().join("legacy.jsonl");
    let p = prov(&grid, 42, Shard::ALL);
    sweep(&path, &p, false).unwrap();
    std::fs::remove_file(sidecar_path(&path)).unwrap();
    let message = input_message(sweep(&path, &p, true));
    assert!(
        message.contains("legacy.jsonl")
            && message.contains("no provenance")
            && message.contains("legacy.jsonl.provenance.json is missing"),
        "{message}"
    );
    // A run without --resume replaces it and writes the sidecar.
    sweep(&path, &p, false).unwrap();
    assert_eq!(Provenance::read(&path).unwrap(), Some(p));
}

#[test]
fn a_fresh_run_replaces_another_sweeps_file_and_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let big = grid();
    sweep(&path, &prov(&big, 42, Shard::ALL), false).unwrap();
    let small = Grid::parse(&["circuit.PrNd.trains=1,2"]).unwrap();
    let p = prov(&small, 42, Shard::ALL);
    let out = sweep(&path, &p, false).unwrap();
    assert_eq!(out.points().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(Output::read(&path, OutputFormat::Csv).unwrap(), out);
    assert_eq!(Provenance::read(&path).unwrap(), Some(p));
}

#[test]
fn a_locked_output_is_refused_and_the_lock_released_on_success_and_error() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let path = dir.path().join("out.csv");
    let p = prov(&grid, 42, Shard::ALL);
    let lock = OutputLock::acquire(&path).unwrap();
    assert_eq!(lock.path(), lock::lock_path(&path));
    let message = input_message(OutputLock::acquire(&path));
    assert!(
        message.contains("out.csv: another reesim is writing this file")
            && message.contains(&format!("pid {}", std::process::id()))
            && message.contains(&format!("remove {}", lock.path().display())),
        "{message}"
    );
    let message = input_message(sweep(&path, &p, false));
    assert!(message.contains("another reesim is writing"), "{message}");
    assert!(!path.exists(), "a refused run writes nothing");
    let message = input_message(merge_files(&path, &[dir.path().join("s.csv")]));
    assert!(message.contains("another reesim is writing"), "{message}");
    drop(lock);
    assert!(!lock::lock_path(&path).exists());
    sweep(&path, &p, false).unwrap();
    assert!(!lock::lock_path(&path).exists(), "released after success");
    // A failing point: the error comes back, the lock goes away.
    let out = SweepOutput {
        path: &path,
        format: OutputFormat::Csv,
        resume: false,
        chunk: 2,
        provenance: &p,
    };
    let failed = run_points(&grid.points(), Some(2), out, |q| {
        if q.index == 3 {
            Err(Error::Input("point 3 is bad".into()))
        } else {
            Ok(row(q))
        }
    });
    assert_eq!(input_message(failed), "point 3 is bad");
    assert!(!lock::lock_path(&path).exists(), "released after an error");
    assert_eq!(
        Output::read(&path, OutputFormat::Csv)
            .unwrap()
            .points()
            .collect::<Vec<_>>(),
        [0, 1],
        "the checkpointed chunk stays"
    );
}

#[test]
fn a_stale_lock_is_named_with_how_to_remove_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "elsewhere".into());
    // A pid above Linux's maximum (2^22) never runs.
    std::fs::write(
        lock::lock_path(&path),
        format!("pid: 999999999\nhost: {host}\n"),
    )
    .unwrap();
    let message = input_message(OutputLock::acquire(&path));
    assert!(
        message.contains(&format!("remove {}", lock::lock_path(&path).display()))
            && message.contains("kill -9"),
        "{message}"
    );
    if Path::new("/proc/self").exists() {
        assert!(message.contains("the lock is stale"), "{message}");
    }
    assert!(lock::lock_path(&path).exists(), "never removed by reesim");
}

/// Shard files of `grid` at `seed` for the shards `ks` of `n`, in `dir`.
fn shards(dir: &Path, grid: &Grid, seed: u64, n: u64, ks: &[u64], ext: &str) -> Vec<PathBuf> {
    ks.iter()
        .map(|&k| {
            let path = dir.join(format!("s{seed}-{k}of{n}.{ext}"));
            sweep(&path, &prov(grid, seed, Shard { k, n }), false).unwrap();
            path
        })
        .collect()
}

#[test]
fn merge_refuses_shards_of_different_sweeps_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let a = shards(dir.path(), &grid, 42, 2, &[1], "csv");
    let b = shards(dir.path(), &grid, 7, 2, &[2], "csv");
    let out = dir.path().join("merged.csv");
    let message = input_message(merge_files(&out, &[&a[0], &b[0]]));
    assert!(
        message.contains("s42-1of2.csv")
            && message.contains("s7-2of2.csv")
            && message.contains("seed differs (42 vs 7)"),
        "{message}"
    );
    assert!(!out.exists() && !sidecar_path(&out).exists());
}

#[test]
fn merge_refuses_a_shard_given_twice_or_overlapping() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let two = shards(dir.path(), &grid, 42, 2, &[1, 2], "csv");
    let out = dir.path().join("merged.csv");
    let message = input_message(merge_files(&out, &[&two[0], &two[1], &two[0]]));
    assert!(
        message.contains("both shard 1/2") && message.contains("s42-1of2.csv"),
        "{message}"
    );
    // A copy under another name is the same shard too.
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&two[1], &copy).unwrap();
    std::fs::copy(sidecar_path(&two[1]), sidecar_path(&copy)).unwrap();
    let message = input_message(merge_files(&out, &[&two[0], &two[1], &copy]));
    assert!(message.contains("both shard 2/2"), "{message}");
    // 1/2 and 1/4 share points 0 and 4.
    let quarter = shards(dir.path(), &grid, 42, 4, &[1], "csv");
    let message = input_message(merge_files(&out, &[&two[0], &two[1], &quarter[0]]));
    assert!(message.contains("overlap (both hold point 0)"), "{message}");
    assert!(!out.exists());
    // 1/2 + 2/4 + 4/4 is a complete, disjoint set.
    let rest = shards(dir.path(), &grid, 42, 4, &[2, 4], "csv");
    merge_files(&out, &[&two[0], &rest[0], &rest[1]]).unwrap();
    assert_eq!(Output::read(&out, OutputFormat::Csv).unwrap().len(), 6);
}

#[test]
fn merge_names_the_missing_points_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let files = shards(dir.path(), &grid, 42, 3, &[1, 3], "jsonl");
    let out = dir.path().join("merged.jsonl");
    let message = input_message(merge_files(&out, &files));
    assert!(
        message.contains("4 of 6 grid points")
            && message.contains("point 1 (circuit.PrNd.trains=1, feed.tank_capacity=8)")
            && message.contains("point 4 (circuit.PrNd.trains=4, feed.tank_capacity=4)")
            && message.contains("missing shard(s): 2/3"),
        "{message}"
    );
    assert!(!out.exists() && !sidecar_path(&out).exists());
}

#[test]
fn merge_refuses_a_shard_without_provenance_or_with_foreign_rows() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    let files = shards(dir.path(), &grid, 42, 2, &[1, 2], "csv");
    let out = dir.path().join("merged.csv");
    let message = input_message(merge_files(&out, &[&files[0], &sidecar_path(&files[1])]));
    assert!(
        message.contains("a provenance sidecar, not a shard"),
        "{message}"
    );
    // Shard 2/2's sidecar put next to shard 1/2's rows: its rows are not in its shard.
    std::fs::copy(sidecar_path(&files[1]), sidecar_path(&files[0])).unwrap();
    let message = input_message(merge_files(&out, &files));
    assert!(
        message.contains("holds point 0, which is not in its shard 2/2"),
        "{message}"
    );
    std::fs::remove_file(sidecar_path(&files[0])).unwrap();
    let message = input_message(merge_files(&out, &files));
    assert!(message.contains("s42-1of2.csv: no provenance"), "{message}");
    assert!(!out.exists());
}

#[test]
fn merge_of_shards_with_empty_ones_equals_one_run_with_its_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let grid = grid();
    for ext in ["csv", "jsonl"] {
        let single = dir.path().join(format!("single.{ext}"));
        sweep(&single, &prov(&grid, 42, Shard::ALL), false).unwrap();
        // 6 points in 8 shards: two shards are empty; given in reverse order.
        let ks: Vec<u64> = (1..=8).rev().collect();
        let files = shards(dir.path(), &grid, 42, 8, &ks, ext);
        let merged = dir.path().join(format!("merged.{ext}"));
        merge_files(&merged, &files).unwrap();
        assert_eq!(
            std::fs::read(&merged).unwrap(),
            std::fs::read(&single).unwrap(),
            "{ext}"
        );
        assert_eq!(
            std::fs::read(sidecar_path(&merged)).unwrap(),
            std::fs::read(sidecar_path(&single)).unwrap(),
            "{ext}"
        );
        assert!(!lock::lock_path(&merged).exists());
    }
}

// --- through the binary --------------------------------------------------------------------

/// `reesim sweep` of the default scenario over `trains` with `extra` flags (2 replications
/// unless `extra` says `--reps`).
fn cli_sweep(trains: &str, extra: &[&str]) -> std::process::Output {
    let set = format!("circuit.PrNd.trains={trains}");
    let mut args = vec!["sweep", DEFAULT_SCENARIO, "--set", &set];
    if !extra.contains(&"--reps") {
        args.extend(["--reps", "2"]);
    }
    args.extend_from_slice(extra);
    reesim(&args)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

#[test]
fn cli_resume_with_another_grid_seed_or_reps_exits_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    let f = file.to_str().unwrap();
    assert_ok(&cli_sweep("1,2", &["--out", f]));
    let before = std::fs::read(&file).unwrap();
    for (trains, extra, field) in [
        ("1,2,4", vec![], "grid differs"),
        ("1,2", vec!["--seed", "7"], "seed differs"),
        ("1,2", vec!["--reps", "3"], "replications differs"),
        ("1,2", vec!["--shard", "1/2"], "shard differs"),
    ] {
        let mut args = vec!["--out", f, "--resume"];
        args.extend(extra);
        let out = cli_sweep(trains, &args);
        assert_eq!(out.status.code(), Some(2), "{field}: {}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains(f) && e.contains(field), "{field}: {e}");
        assert_eq!(std::fs::read(&file).unwrap(), before, "{field}: file kept");
    }
    // An edited scenario file: the digest differs.
    let (_guard, edited) = crate::default_edited("seed = 42", "seed = 42 # edited", "s.toml");
    let out = reesim(&[
        "sweep",
        edited.to_str().unwrap(),
        "--set",
        "circuit.PrNd.trains=1,2",
        "--reps",
        "2",
        "--out",
        f,
        "--resume",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("scenario_digest differs"),
        "{}",
        stderr(&out)
    );
    // The same sweep resumes.
    assert_ok(&cli_sweep("1,2", &["--out", f, "--resume"]));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn cli_merge_refuses_mixed_seeds_and_names_missing_points() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let trains = "1,2,4,8,16";
    for k in 1..=3 {
        assert_ok(&cli_sweep(
            trains,
            &[
                "--shard",
                &format!("{k}/3"),
                "--out",
                &p(&format!("s{k}.csv")),
            ],
        ));
    }
    assert_ok(&cli_sweep(
        trains,
        &["--shard", "2/3", "--seed", "7", "--out", &p("s2-seed7.csv")],
    ));
    let mixed = reesim(&[
        "merge",
        &p("m.csv"),
        &p("s1.csv"),
        &p("s2-seed7.csv"),
        &p("s3.csv"),
    ]);
    assert_eq!(mixed.status.code(), Some(2));
    let e = stderr(&mixed);
    assert!(
        e.contains("s1.csv") && e.contains("s2-seed7.csv") && e.contains("seed differs"),
        "{e}"
    );
    let partial = reesim(&["merge", &p("m.csv"), &p("s1.csv"), &p("s3.csv")]);
    assert_eq!(partial.status.code(), Some(2));
    let e = stderr(&partial);
    assert!(
        e.contains("3 of 5 grid points")
            && e.contains("point 1 (circuit.PrNd.trains=2)")
            && e.contains("point 4 (circuit.PrNd.trains=16)")
            && e.contains("missing shard(s): 2/3"),
        "{e}"
    );
    let twice = reesim(&[
        "merge",
        &p("m.csv"),
        &p("s1.csv"),
        &p("s2.csv"),
        &p("s2.csv"),
        &p("s3.csv"),
    ]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(
        stderr(&twice).contains("both shard 2/3"),
        "{}",
        stderr(&twice)
    );
    assert!(!Path::new(&p("m.csv")).exists());
    let ok = reesim(&[
        "merge",
        &p("m.csv"),
        &p("s3.csv"),
        &p("s1.csv"),
        &p("s2.csv"),
    ]);
    assert_ok(&ok);
    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("m.csv.provenance.json")).unwrap()).unwrap();
    assert_eq!(provenance["shard"], "all");
    assert_eq!(provenance["seed"], 42);
    assert_eq!(provenance["replications"], 2);
    assert_eq!(provenance["reesim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        provenance["scenario_digest"],
        digest(&std::fs::read(DEFAULT_SCENARIO).unwrap())
    );
    assert_eq!(
        provenance["grid"],
        serde_json::json!([{"key": "circuit.PrNd.trains", "values": ["1", "2", "4", "8", "16"]}])
    );
}

#[test]
fn cli_empty_shard_writes_its_header_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s16.csv");
    assert_ok(&cli_sweep(
        "1,2,4",
        &["--shard", "16/16", "--out", file.to_str().unwrap()],
    ));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "point,replications,circuit.PrNd.trains\n"
    );
    let provenance = Provenance::read(&file).unwrap().expect("sidecar");
    assert_eq!(provenance.shard, Shard { k: 16, n: 16 });
}

#[test]
fn cli_output_and_provenance_are_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.jsonl");
    let two = dir.path().join("two.jsonl");
    assert_ok(&cli_sweep(
        "1,2",
        &["--threads", "1", "--out", one.to_str().unwrap()],
    ));
    assert_ok(&cli_sweep(
        "1,2",
        &["--threads", "2", "--out", two.to_str().unwrap()],
    ));
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    assert_eq!(
        std::fs::read(sidecar_path(&one)).unwrap(),
        std::fs::read(sidecar_path(&two)).unwrap()
    );
}

#[test]
fn cli_two_sweeps_writing_one_file_cannot_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("race.csv");
    let lock = lock::lock_path(&file);
    let f = file.to_str().unwrap();
    // A first sweep long enough to be caught while it writes.
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_reesim"))
        .args([
            "sweep",
            DEFAULT_SCENARIO,
            "--set",
            "circuit.PrNd.trains=1,2,3,4,5,6,7,8",
            "--reps",
            "40",
            "--threads",
            "1",
            "--out",
            f,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = false;
    while !seen && first.try_wait().unwrap().is_none() {
        seen = lock.exists();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        seen,
        "the first sweep ended before its lock was seen: make it longer"
    );
    let second = cli_sweep("1,2", &["--out", f]);
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(second.status.code(), Some(2));
    let e = stderr(&second);
    assert!(
        e.contains(&format!("{f}: another reesim is writing this file"))
            && e.contains(&format!("remove {}", lock.display())),
        "{e}"
    );
    assert!(!lock.exists(), "the first sweep released its lock");
    assert_eq!(
        Output::read(&file, OutputFormat::Csv).unwrap().len(),
        8,
        "the first sweep's file, whole"
    );
}
