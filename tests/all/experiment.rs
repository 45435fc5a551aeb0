//! Integration tests: experiment layer (generic over the replication function; synthetic
//! replications with known statistics stand in for the plant).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use reesim::Error;
use reesim::experiment::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Replication r of a synthetic model: its own seeded stream, two named figures.
fn synthetic(r: u64, level: f64) -> Vec<Figure> {
    let mut rng = ChaCha8Rng::seed_from_u64(r);
    let x = Normal::new(level, 1.0).unwrap().sample(&mut rng);
    // Some CPU work so threads interleave.
    let busy: f64 = (0..2_000).map(|_| rng.random::<f64>()).sum::<f64>() / 2_000.0;
    vec![
        Figure::new("throughput_lots_per_h", "lots/h", x),
        Figure::new("availability", "1", busy),
    ]
}

fn summary_json(threads: Option<usize>) -> String {
    let reps = run_replications(0..64, threads, |r| synthetic(r, 10.0)).unwrap();
    serde_json::to_string(&summarize_figures(&reps).unwrap()).unwrap()
}

#[test]
fn results_identical_for_1_and_2_threads() {
    let one = summary_json(Some(1));
    assert_eq!(one, summary_json(Some(2)));
    assert_eq!(one, summary_json(Some(3)));
    assert_eq!(one, summary_json(None));
}

#[test]
fn replications_come_back_in_order() {
    let reps = run_replications(5..105, Some(2), |r| r * r).unwrap();
    assert_eq!(reps, (5..105u64).map(|r| r * r).collect::<Vec<_>>());
}

#[test]
fn zero_threads_is_a_usage_error() {
    let err = run_replications(0..4, Some(0), |r| r).unwrap_err();
    assert!(matches!(err, Error::Input(_)), "{err}");
}

#[test]
fn t_quantiles_match_published_values() {
    // (p, df, t) from standard tables (R: qt(p, df)); tolerance 1e-6.
    let known = [
        (0.975, 1.0, 12.706205),
        (0.975, 2.0, 4.302653),
        (0.975, 4.0, 2.776445),
        (0.975, 9.0, 2.262157),
        (0.975, 19.0, 2.093024),
        (0.975, 30.0, 2.042272),
        (0.975, 100.0, 1.983972),
        (0.975, 1000.0, 1.962339),
        (0.95, 10.0, 1.812461),
        (0.995, 5.0, 4.032143),
    ];
    for (p, df, t) in known {
        let q = student_t_quantile(p, df);
        assert!((q - t).abs() < 1e-6, "t_{{{p},{df}}} = {q}, expected {t}");
        assert!((student_t_quantile(1.0 - p, df) + t).abs() < 1e-6);
    }
    assert_eq!(student_t_quantile(0.5, 7.0), 0.0);
    assert!((student_t_cdf(2.093024, 19.0) - 0.975).abs() < 1e-7);
}

#[test]
fn summary_half_width_uses_t_quantile() {
    let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!((s.n, s.mean, s.min, s.max), (5, 3.0, 1.0, 5.0));
    assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
    assert!((s.ci95 - 2.776445 * 2.5f64.sqrt() / 5f64.sqrt()).abs() < 1e-6);
    let twenty: Vec<f64> = (0..20).map(f64::from).collect();
    let s = Summary::of(&twenty);
    assert!((s.ci95 - 2.093024 * s.sd / 20f64.sqrt()).abs() < 1e-6);
    assert!(Summary::of(&[4.0]).ci95.is_nan());
}

#[test]
fn summarize_figures_rejects_misaligned_replications() {
    let reps = vec![
        vec![Figure::new("a", "1", 1.0)],
        vec![Figure::new("b", "1", 1.0)],
    ];
    assert!(summarize_figures(&reps).is_err());
}

#[test]
fn paired_ci_is_exactly_zero_for_identical_series() {
    let x: Vec<f64> = (0..20).map(|r| synthetic(r, 50.0)[0].value).collect();
    let p = paired(&x, &x).unwrap();
    assert_eq!(p.difference.estimate, 0.0);
    assert_eq!(p.difference.ci95, 0.0);
    let ratio = p.ratio.unwrap();
    assert_eq!((ratio.estimate, ratio.ci95), (1.0, 0.0));
    assert!(!p.significant);
}

#[test]
fn paired_ci_is_narrower_than_unpaired_for_correlated_series() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let common = Normal::new(100.0, 10.0).unwrap();
    let small = Normal::new(0.0, 1.0).unwrap();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let c = common.sample(&mut rng);
        x.push(c + small.sample(&mut rng));
        y.push(c + 2.0 + small.sample(&mut rng));
    }
    let p = paired(&x, &y).unwrap();
    let u = unpaired_difference(&x, &y);
    assert!(
        p.difference.ci95 < u.ci95 / 3.0,
        "paired {} vs unpaired {}",
        p.difference.ci95,
        u.ci95
    );
    assert!(p.significant && !u.excludes(0.0));
    assert!((p.difference.estimate - u.estimate).abs() < 1e-9);
}

#[test]
fn paired_intervals_cover_the_truth_95_percent() {
    // 2000 experiments of 20 correlated pairs, true difference 3, true ratio 1.03:
    // coverage must lie within 0.95 +- 0.02 (about 4.5 binomial standard errors).
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let common = Normal::new(100.0, 10.0).unwrap();
    let noise = Normal::new(0.0, 2.0).unwrap();
    let (mut diff_hits, mut ratio_hits) = (0, 0);
    for _ in 0..2000 {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..20 {
            let c = common.sample(&mut rng);
            x.push(c + noise.sample(&mut rng));
            y.push(1.03 * c + noise.sample(&mut rng));
        }
        let p = paired(&x, &y).unwrap();
        diff_hits += usize::from(!p.difference.excludes(3.0));
        ratio_hits += usize::from(!p.ratio.unwrap().excludes(1.03));
    }
    for hits in [diff_hits, ratio_hits] {
        let coverage = hits as f64 / 2000.0;
        assert!((coverage - 0.95).abs() < 0.02, "coverage {coverage}");
    }
}

#[test]
fn compare_figures_matches_by_name() {
    let base: Vec<Vec<Figure>> = (0..10).map(|r| synthetic(r, 10.0)).collect();
    let variant: Vec<Vec<Figure>> = (0..10)
        .map(|r| synthetic(r, 12.0).into_iter().rev().collect())
        .collect();
    let cmp = compare_figures(&base, &variant).unwrap();
    assert_eq!(cmp[0].name, "throughput_lots_per_h");
    // Same streams: the throughput difference is exactly the shift of 2.
    assert!((cmp[0].paired.difference.estimate - 2.0).abs() < 1e-12);
    assert!(cmp[0].paired.difference.ci95 < 1e-12);
    assert_eq!(cmp[1].paired.difference.ci95, 0.0);
}

/// A series of `n` points: level 10 plus an exponential-decay transient that ends exactly at
/// `end` (10 + 5 (e^{-t/τ} - e^{-end/τ}) / (1 - e^{-end/τ}) for t < end), plus N(0, sd) noise.
fn transient_series(n: usize, end: usize, sd: f64, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, sd).unwrap();
    let tau = end as f64 / 2.0;
    let tail = (-(end as f64) / tau).exp();
    (0..n)
        .map(|t| {
            let bias = if t < end {
                5.0 * ((-(t as f64) / tau).exp() - tail) / (1.0 - tail)
            } else {
                0.0
            };
            10.0 + bias + noise.sample(&mut rng)
        })
        .collect()
}

#[test]
fn mser5_finds_the_end_of_a_known_transient() {
    // One seeded series: the truncation lies within +-10 % of the transient's end.
    let end = 300;
    let t = mser5(&transient_series(2000, end, 0.1, 0));
    assert!(t.index % 5 == 0 && t.batches == 400);
    assert!((270..=330).contains(&t.index), "truncation {}", t.index);
    // Over 200 seeds: MSER-5 is a statistic, and on a long stationary tail it sometimes
    // over-truncates (random dips of the suffix variance). Require the median within +-5 %
    // and at least 90 % of the seeds within +-10 % (measured: about 95 %).
    let mut picks: Vec<usize> = (0..200)
        .map(|s| mser5(&transient_series(2000, end, 0.1, s)).index)
        .collect();
    picks.sort_unstable();
    assert!((285..=315).contains(&picks[100]), "median {}", picks[100]);
    let inside = picks.iter().filter(|&&i| (270..=330).contains(&i)).count();
    assert!(inside >= 180, "{inside}/200 within +-10 %");
}

#[test]
fn mser5_overall_and_per_replication() {
    let series: Vec<Vec<f64>> = (0..8)
        .map(|s| transient_series(1000, 200, 0.3, 100 + s))
        .collect();
    let refs: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
    let report = mser5_replications(&refs);
    assert_eq!(report.per_replication.len(), 8);
    assert!(
        (180..=220).contains(&report.overall.index),
        "overall {}",
        report.overall.index
    );
    assert_eq!(report.overall.time(0.5), report.overall.index as f64 * 0.5);
    // Too short to batch: no truncation.
    assert_eq!(mser5(&[1.0, 2.0, 3.0]).index, 0);
}

fn precision_cfg(target: f64, cap: u64, threads: Option<usize>) -> PrecisionConfig {
    PrecisionConfig {
        target,
        initial: 10,
        cap,
        min_batch: 4,
        threads,
    }
}

/// Known variance: N(100, 10²), so the relative half-width is about 1.96 * 0.1 / sqrt(n).
fn normal_rep(r: u64) -> f64 {
    Normal::new(100.0, 10.0)
        .unwrap()
        .sample(&mut ChaCha8Rng::seed_from_u64(1_000 + r))
}

#[test]
fn precision_loop_stops_at_the_requested_precision() {
    let target = 0.02;
    let out = run_until_precision(
        &precision_cfg(target, 10_000, Some(2)),
        None,
        normal_rep,
        |x| vec![*x],
    )
    .unwrap();
    assert_eq!(out.stop, StopReason::PrecisionReached);
    assert!(out.relative_half_widths[0] <= target);
    let n = out.results.len();
    // Theory: n ≈ (1.96 * 0.1 / 0.02)² ≈ 96; the loop must not overshoot grossly.
    assert!((60..=160).contains(&n), "n = {n}");
    // It stopped at the first batch end where the target held.
    assert_eq!(*out.batch_ends.last().unwrap(), n as u64);
    for &end in &out.batch_ends[..out.batch_ends.len() - 1] {
        let s = Summary::of(&out.results[..end as usize]);
        assert!(
            s.relative_half_width() > target,
            "already precise after {end}"
        );
    }
    // Same at any thread count.
    let one = run_until_precision(
        &precision_cfg(target, 10_000, Some(1)),
        None,
        normal_rep,
        |x| vec![*x],
    )
    .unwrap();
    assert_eq!(one.results, out.results);
    assert_eq!(one.batch_ends, out.batch_ends);
}

#[test]
fn precision_loop_reports_when_the_cap_binds() {
    let out = run_until_precision(&precision_cfg(0.001, 50, Some(2)), None, normal_rep, |x| {
        vec![*x]
    })
    .unwrap();
    assert_eq!(out.stop, StopReason::CapReached);
    assert_eq!(out.results.len(), 50);
    assert!(out.relative_half_widths[0] > 0.001);
    // A figure with zero mean never reaches a relative target: the cap binds.
    let zero = run_until_precision(
        &precision_cfg(0.5, 30, None),
        None,
        |r| normal_rep(r) - 100.0,
        |x| vec![100.0, *x],
    )
    .unwrap();
    assert_eq!(
        (zero.stop, zero.results.len()),
        (StopReason::CapReached, 30)
    );
}

#[test]
fn precision_settings_are_validated() {
    let mut cfg = precision_cfg(0.01, 100, None);
    cfg.initial = 1;
    assert!(run_until_precision(&cfg, None, normal_rep, |x| vec![*x]).is_err());
    let cfg = precision_cfg(0.0, 100, None);
    assert!(run_until_precision(&cfg, None, normal_rep, |x| vec![*x]).is_err());
}

#[test]
fn grid_is_cartesian_in_stable_order() {
    let grid = Grid::parse(&["circuit.PrNd.trains=1,2,4", "feed.tank_capacity=10,50"]).unwrap();
    assert_eq!(grid.len(), 6);
    let values: Vec<(String, String)> = grid
        .points()
        .iter()
        .map(|p| (p.assignments[0].1.clone(), p.assignments[1].1.clone()))
        .collect();
    let expect = [
        ("1", "10"),
        ("1", "50"),
        ("2", "10"),
        ("2", "50"),
        ("4", "10"),
        ("4", "50"),
    ];
    assert_eq!(values, expect.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(grid.keys(), ["circuit.PrNd.trains", "feed.tank_capacity"]);
    assert!(Grid::parse(&["a=1", "a=2"]).is_err());
    assert!(Grid::parse(&["a"]).is_err());
    assert!(Grid::parse(&["a=1,,2"]).is_err());
}

#[test]
fn shards_partition_the_grid() {
    let grid = Grid::parse(&["a=1,2,3", "b=x,y,z,w"]).unwrap();
    let shards: Vec<Shard> = (1..=4).map(|k| format!("{k}/4").parse().unwrap()).collect();
    let mut seen: Vec<u64> = shards
        .iter()
        .flat_map(|s| grid.shard_points(*s))
        .map(|p| p.index)
        .collect();
    assert_eq!(
        grid.shard_points(shards[1])
            .iter()
            .map(|p| p.index)
            .collect::<Vec<_>>(),
        [1, 5, 9]
    );
    seen.sort_unstable();
    assert_eq!(seen, (0..12).collect::<Vec<_>>());
    for bad in ["0/4", "5/4", "1/0", "a/b", "3"] {
        assert!(bad.parse::<Shard>().is_err(), "{bad}");
    }
}

/// One sweep point: 6 synthetic replications at level `a`, with the point index in the seeds.
fn point_row(p: &GridPoint) -> SweepRow {
    let level: f64 = p.assignments[0].1.parse().unwrap();
    let reps = run_replications(0..6, None, |r| synthetic(p.index * 1_000 + r, level)).unwrap();
    SweepRow::new(p, &summarize_figures(&reps).unwrap())
}

/// The provenance of a synthetic sweep of `grid` (or its `shard`).
fn synthetic_provenance(grid: &Grid, shard: Shard) -> Provenance {
    Provenance::new(b"synthetic scenario", grid, 0, 6, shard)
}

/// Runs `points` of the sweep `provenance` names into `path`.
fn sweep_to(path: &Path, points: &[GridPoint], provenance: &Provenance, resume: bool) -> Output {
    let format = OutputFormat::from_path(path).unwrap();
    let out = SweepOutput {
        path,
        format,
        resume,
        chunk: 3,
        provenance,
    };
    run_points(points, Some(2), out, |p| Ok(point_row(p))).unwrap()
}

#[test]
fn four_shards_merged_equal_one_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let grid = Grid::parse(&["a=1,2.5,3", "b=x,y z,\"q\",w"]).unwrap();
    for ext in ["csv", "jsonl"] {
        let single = dir.path().join(format!("one.{ext}"));
        sweep_to(
            &single,
            &grid.points(),
            &synthetic_provenance(&grid, Shard::ALL),
            false,
        );
        let shard_paths: Vec<_> = (1..=4)
            .map(|k| {
                let path = dir.path().join(format!("shard{k}.{ext}"));
                let shard = Shard { k, n: 4 };
                sweep_to(
                    &path,
                    &grid.shard_points(shard),
                    &synthetic_provenance(&grid, shard),
                    false,
                );
                path
            })
            .collect();
        let merged = dir.path().join(format!("merged.{ext}"));
        let reversed: Vec<_> = shard_paths.iter().rev().collect();
        merge_files(&merged, &reversed).unwrap();
        let expect = std::fs::read(&single).unwrap();
        assert_eq!(std::fs::read(&merged).unwrap(), expect, "{ext}");
        assert_eq!(
            std::fs::read(provenance::sidecar_path(&merged)).unwrap(),
            std::fs::read(provenance::sidecar_path(&single)).unwrap(),
            "{ext}: a merge has the provenance of one unsharded run"
        );
        assert_eq!(
            std::fs::read_to_string(&single).unwrap().lines().count(),
            12 + usize::from(ext == "csv")
        );
    }
}

#[test]
fn output_rows_have_the_documented_shape() {
    let grid = Grid::parse(&["a=2", "b=x"]).unwrap();
    let row = SweepRow {
        point: 0,
        replications: 3,
        params: grid.point(0).assignments,
        figures: vec![RowFigure {
            name: "thr".into(),
            unit: "lots/h".into(),
            mean: 1.5,
            ci95: f64::NAN,
        }],
    };
    let mut csv = Output::new(OutputFormat::Csv);
    csv.insert(&row).unwrap();
    assert_eq!(
        String::from_utf8(csv.to_bytes()).unwrap(),
        "point,replications,a,b,thr_mean,thr_ci95\n0,3,2,x,1.5,\n"
    );
    let mut json = Output::new(OutputFormat::JsonLines);
    json.insert(&row).unwrap();
    let line = String::from_utf8(json.to_bytes()).unwrap();
    assert_eq!(
        line,
        "{\"point\":0,\"replications\":3,\"params\":{\"a\":2,\"b\":\"x\"},\"figures\":{\"thr\":{\"mean\":1.5,\"ci95\":null,\"unit\":\"lots/h\"}}}\n"
    );
    serde_json::from_str::<serde_json::Value>(&line).unwrap();
}

#[test]
fn merge_rejects_conflicting_shards() {
    let grid = Grid::parse(&["a=1,2"]).unwrap();
    let mut a = Output::new(OutputFormat::Csv);
    a.insert(&point_row(&grid.point(0))).unwrap();
    let mut other = point_row(&grid.point(0));
    other.figures[0].mean += 1.0;
    let mut b = Output::new(OutputFormat::Csv);
    b.insert(&other).unwrap();
    assert!(merge_outputs(vec![a.clone(), b], OutputFormat::Csv).is_err());
    // The same point twice with the same bytes is fine (idempotent).
    assert_eq!(
        merge_outputs(vec![a.clone(), a.clone()], OutputFormat::Csv).unwrap(),
        a
    );
}

#[test]
fn resume_skips_done_points_and_ends_with_the_single_run_file() {
    let dir = tempfile::tempdir().unwrap();
    let grid = Grid::parse(&["a=1,2,3", "b=u,v,w,x"]).unwrap();
    for ext in ["csv", "jsonl"] {
        let full = dir.path().join(format!("full.{ext}"));
        let all = synthetic_provenance(&grid, Shard::ALL);
        sweep_to(&full, &grid.points(), &all, false);
        // An "interrupted" sweep: only the points of shard 1/3 made it to the file.
        let partial = dir.path().join(format!("partial.{ext}"));
        sweep_to(
            &partial,
            &grid.shard_points(Shard { k: 1, n: 3 }),
            &all,
            false,
        );
        let format = OutputFormat::from_path(&partial).unwrap();
        let done = done_points(&partial, format).unwrap();
        assert_eq!(done, BTreeSet::from([0, 3, 6, 9]));
        let calls = AtomicUsize::new(0);
        let out = SweepOutput {
            path: &partial,
            format,
            resume: true,
            chunk: 5,
            provenance: &all,
        };
        run_points(&grid.points(), Some(2), out, |p| {
            assert!(!done.contains(&p.index), "point {} ran again", p.index);
            calls.fetch_add(1, Ordering::Relaxed);
            Ok(point_row(p))
        })
        .unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 8);
        assert_eq!(
            std::fs::read(&partial).unwrap(),
            std::fs::read(&full).unwrap(),
            "{ext}"
        );
    }
    assert!(
        done_points(&dir.path().join("missing.csv"), OutputFormat::Csv)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn atomic_write_leaves_no_partial_file_when_the_writer_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let failing = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
        w.write_all(&vec![b'x'; 100_000])?;
        Err(std::io::Error::other("simulated crash midway"))
    };
    // New file: nothing appears.
    assert!(write_atomic(&path, failing).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Existing file: keeps its old content, no temporary file left.
    write_atomic(&path, |w| w.write_all(b"old\n")).unwrap();
    assert!(write_atomic(&path, failing).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"old\n");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.csv"]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn shards_are_disjoint_and_cover(sizes in proptest::collection::vec(1usize..5, 1..4), n in 1u64..7) {
            let specs: Vec<String> = sizes.iter().enumerate()
                .map(|(i, s)| format!("k{i}={}", (0..*s).map(|v| v.to_string()).collect::<Vec<_>>().join(",")))
                .collect();
            let grid = Grid::parse(&specs).unwrap();
            let mut all: Vec<u64> = (1..=n).flat_map(|k| grid.shard_points(Shard { k, n })).map(|p| p.index).collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..grid.len()).collect::<Vec<_>>());
        }

        #[test]
        fn summary_is_invariant_to_thread_count(values in proptest::collection::vec(-1e6f64..1e6, 2..50)) {
            let one = run_replications(0..values.len() as u64, Some(1), |r| values[r as usize]).unwrap();
            let two = run_replications(0..values.len() as u64, Some(2), |r| values[r as usize]).unwrap();
            prop_assert_eq!(serde_json::to_string(&Summary::of(&one)).unwrap(), serde_json::to_string(&Summary::of(&two)).unwrap());
        }
    }
}
