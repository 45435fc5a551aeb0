//! Integration tests: the plant model against queueing theory, exact deterministic cases,
//! conservation, Little's law, determinism and the train decomposition.
//!
//! Statistical tolerances: each stochastic test runs R independent replications and compares
//! the mean over replications with theory using the standard error from the replications
//! (SE = sd / sqrt(R)). The bound is 4 SE (a false alarm under a correct model has probability
//! < 1e-3 with t(9..19) tails) and additionally a relative bound that states the precision we
//! claim. The seeds are fixed, so a run is reproducible; the measured errors are printed
//! (`cargo test --release -- --nocapture plant`).

use reesim::engine::DistSpec;
use reesim::plant::{
    CircuitSpec, Dispatch, Execution, FailureSpec, FeedSpec, OffSpecPolicy, PlantSpec,
    ReplicationResult, SERIES_BINS, StageGroupSpec, simulate, simulate_auto,
    simulate_trains_parallel, trains_independent,
};

fn exp(mean: f64) -> DistSpec {
    DistSpec::exponential(mean).unwrap()
}

fn fixed(value: f64) -> DistSpec {
    DistSpec::fixed(value).unwrap()
}

fn group(count: u32, capacity: u32, residence: DistSpec, buffer: Option<u32>) -> StageGroupSpec {
    StageGroupSpec {
        count,
        capacity,
        residence,
        buffer,
    }
}

fn circuit(trains: u32, dispatch: Dispatch, stages: Vec<StageGroupSpec>) -> CircuitSpec {
    CircuitSpec {
        name: "C".into(),
        trains,
        dispatch,
        skip_down_trains: true,
        stages,
        failures: None,
    }
}

fn plant(
    interarrival: DistSpec,
    warmup_h: f64,
    horizon_h: f64,
    circuits: Vec<CircuitSpec>,
) -> PlantSpec {
    PlantSpec {
        horizon_h,
        warmup_h,
        feed: FeedSpec {
            interarrival,
            tank_capacity: None,
        },
        circuits,
        flowsheet: Default::default(),
    }
}

fn failures(ttf: DistSpec, ttr: DistSpec, crews: Option<u32>) -> FailureSpec {
    FailureSpec {
        time_to_failure: ttf,
        time_to_repair: ttr,
        repair_crews: crews,
        restart_off_spec_h: 0.0,
        off_spec: OffSpecPolicy::Scrap,
    }
}

/// Simulates and checks the laws every run must obey: exact conservation; the output series
/// adds up to the departures; Little's law L = lambda W over the window when no lot is
/// scrapped and at least 1000 lots left in the window, so that the law holds up to edge
/// effects (tolerance 2 % of L plus an edge term: lots present at the window's ends carry
/// sojourn time not matched by departures, about (lots in system + 1) x p99 / window).
fn checked(spec: &PlantSpec, seed: u64, rep: u64) -> ReplicationResult {
    let r = simulate(spec, seed, rep);
    assert!(r.lots.is_conserved(), "conservation: {:?}", r.lots);
    let bin_h = spec.horizon_h / SERIES_BINS as f64;
    let series_lots: f64 = r.series.iter().map(|x| x * bin_h).sum();
    assert!(
        (series_lots - r.lots.departed as f64).abs() < 1e-6 * (1.0 + series_lots),
        "series"
    );
    let departed_in_window = r.throughput_lots_per_h * (spec.horizon_h - spec.warmup_h);
    if r.lots.scrapped == 0 && departed_in_window >= 1000.0 {
        let span = spec.horizon_h - spec.warmup_h;
        let little = r.throughput_lots_per_h * r.lead_time_h.mean;
        let edge = 2.0 * (r.lots.in_system as f64 + 1.0) * r.lead_time_h.p99 / span;
        let tol = 0.02 * r.wip_lots + edge + 1e-9;
        assert!(
            (r.wip_lots - little).abs() <= tol,
            "Little: L {} vs lambda W {little} (tol {tol})",
            r.wip_lots
        );
    }
    r
}

/// Mean and standard error over replications of `f(result)`.
fn over_reps(spec: &PlantSpec, reps: u64, f: impl Fn(&ReplicationResult) -> f64) -> (f64, f64) {
    let xs: Vec<f64> = (0..reps).map(|r| f(&checked(spec, 7, r))).collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts |mean - theory| <= 4 SE and <= `rel` x theory; prints the measured error.
fn assert_close(what: &str, (mean, se): (f64, f64), theory: f64, rel: f64) {
    let err = mean - theory;
    println!(
        "{what}: sim {mean:.5} +- {se:.5} (SE), theory {theory:.5}, rel err {:.3} %",
        100.0 * err / theory
    );
    assert!(
        err.abs() <= 4.0 * se,
        "{what}: |{err}| > 4 SE = {}",
        4.0 * se
    );
    assert!(
        err.abs() <= rel * theory,
        "{what}: relative error {} > {rel}",
        err / theory
    );
}

#[test]
fn mm1_at_rho_08_matches_l4_w5() {
    // lambda = 0.8/h, mu = 1/h. 20 replications of 1e5 h after 1e3 h warm-up; the asymptotic
    // variance of the M/M/1 time-average L is 2 rho (1 + rho) / (1 - rho)^4 = 1800, so the SE of
    // L is ~ sqrt(1800 / 1e5 / 20) = 0.03 (0.75 %): 3 % is > 4 SE.
    let spec = plant(
        exp(1.25),
        1e3,
        101e3,
        vec![circuit(
            1,
            Dispatch::RoundRobin,
            vec![group(1, 1, exp(1.0), None)],
        )],
    );
    assert_close("M/M/1 L", over_reps(&spec, 20, |r| r.wip_lots), 4.0, 0.03);
    assert_close(
        "M/M/1 W",
        over_reps(&spec, 20, |r| r.lead_time_h.mean),
        5.0,
        0.03,
    );
    assert_close(
        "M/M/1 throughput",
        over_reps(&spec, 20, |r| r.throughput_lots_per_h),
        0.8,
        0.01,
    );
    assert_close(
        "M/M/1 utilisation",
        over_reps(&spec, 20, |r| r.circuits[0].stages[0].utilisation),
        0.8,
        0.01,
    );
    // Sojourn time is exponential with mean 5: p50 = 5 ln 2, p90 = 5 ln 10, p99 = 5 ln 100.
    // Histogram error <= 0.58 %, sampling error of tail quantiles is larger: 4 %.
    assert_close(
        "M/M/1 p50",
        over_reps(&spec, 20, |r| r.lead_time_h.p50),
        5.0 * 2f64.ln(),
        0.04,
    );
    assert_close(
        "M/M/1 p90",
        over_reps(&spec, 20, |r| r.lead_time_h.p90),
        5.0 * 10f64.ln(),
        0.04,
    );
    assert_close(
        "M/M/1 p99",
        over_reps(&spec, 20, |r| r.lead_time_h.p99),
        5.0 * 100f64.ln(),
        0.04,
    );
}

#[test]
fn jackson_tandem_of_five_exponential_stages() {
    // lambda = 1/h through stages with mu = 2, 1.6, 1.8, 1.5, 2.5 /h, unbounded buffers: by
    // Jackson's theorem each stage is an independent M/M/1, W = sum 1/(mu_i - lambda).
    let mus = [2.0, 1.6, 1.8, 1.5, 2.5];
    let stages = mus
        .iter()
        .map(|mu| group(1, 1, exp(1.0 / mu), None))
        .collect();
    let spec = plant(
        exp(1.0),
        1e3,
        41e3,
        vec![circuit(1, Dispatch::RoundRobin, stages)],
    );
    let w: f64 = mus.iter().map(|mu| 1.0 / (mu - 1.0)).sum();
    assert_close(
        "Jackson W",
        over_reps(&spec, 12, |r| r.lead_time_h.mean),
        w,
        0.03,
    );
    assert_close("Jackson L", over_reps(&spec, 12, |r| r.wip_lots), w, 0.03);
    for (i, mu) in mus.iter().enumerate() {
        let util = over_reps(&spec, 12, |r| r.circuits[0].stages[i].utilisation);
        assert_close(&format!("Jackson utilisation {i}"), util, 1.0 / mu, 0.02);
    }
}

/// 50 stages of 0.125 h each; binary-exact times so every figure is exact.
fn pipeline(trains: u32, dispatch: Dispatch, buffer: Option<u32>) -> PlantSpec {
    let mut stages = vec![group(1, 1, fixed(0.125), buffer)];
    stages.push(group(49, 1, fixed(0.125), None));
    let interarrival = fixed(0.25 / f64::from(trains));
    plant(
        interarrival,
        100.1,
        1000.1,
        vec![circuit(trains, dispatch, stages)],
    )
}

fn assert_pipeline(r: &ReplicationResult, trains: f64) {
    // Lots arrive every 0.25/K h and leave 6.25 h later; departures in [100.1, 1000.1] number
    // 3600 K, so throughput = 4 K /h and WIP = 4 K x 6.25 = 25 K at every instant.
    assert_eq!(r.lead_time_h.mean, 6.25);
    assert_eq!((r.lead_time_h.p50, r.lead_time_h.p99), (6.25, 6.25));
    assert_eq!(r.throughput_lots_per_h, 4.0 * trains);
    assert!(
        (r.wip_lots - 25.0 * trains).abs() < 1e-9 * trains,
        "wip {}",
        r.wip_lots
    );
    assert!(r.circuits[0].stages.iter().all(|g| g.blocked == 0.0));
}

#[test]
fn deterministic_pipeline_is_exact() {
    let one = checked(&pipeline(1, Dispatch::RoundRobin, None), 1, 0);
    assert_pipeline(&one, 1.0);
    assert!((one.circuits[0].stages[1].utilisation - 0.5).abs() < 1e-9);
    let four = checked(&pipeline(4, Dispatch::RoundRobin, None), 1, 0);
    assert_pipeline(&four, 4.0);
    assert!((four.circuits[0].stages[1].utilisation - 0.5).abs() < 1e-9);
    // Shared queue with no waiting place at the first stage: lots alternate between trains 0
    // and 1 (a completion at t was scheduled before the arrival at t, so FIFO frees the stage
    // first); the figures are the same.
    let shared = checked(&pipeline(4, Dispatch::SharedQueue, Some(0)), 1, 0);
    assert_pipeline(&shared, 4.0);
    assert!((shared.circuits[0].starved - 0.5).abs() < 1e-9);
}

#[test]
fn breakdown_availability_is_mtbf_over_mtbf_plus_mttr() {
    // One train, TTF ~ exp(100 h), TTR ~ exp(10 h): A = 100 / 110. The up/down process is a
    // two-state Markov chain, so the variance of A over T hours is 2 A (1 - A) / ((1/100 +
    // 1/10) T): with 20 replications of 1e5 h the SE is ~0.0009 (0.1 %); 1 % is > 10 SE.
    let mut c = circuit(
        1,
        Dispatch::RoundRobin,
        vec![group(3, 1, exp(0.5), Some(2))],
    );
    c.failures = Some(failures(exp(100.0), exp(10.0), None));
    let spec = plant(exp(2.0), 1e3, 101e3, vec![c]);
    assert_close(
        "availability",
        over_reps(&spec, 20, |r| r.availability),
        100.0 / 110.0,
        0.01,
    );
}

#[test]
fn shared_repair_crew_matches_the_machine_repairman_model() {
    // 3 trains, 1 crew, failure rate 1/50 per up train, repair rate 1/10: the number down is a
    // birth-death chain with p_n ~ 3!/(3-n)! (10/50)^n; A = 1 - E[n]/3.
    let mut c = circuit(
        3,
        Dispatch::ShortestQueue,
        vec![group(2, 1, exp(0.2), None)],
    );
    c.failures = Some(failures(exp(50.0), exp(10.0), Some(1)));
    let spec = plant(exp(1.0), 1e3, 51e3, vec![c]);
    let p: Vec<f64> = [1.0, 3.0, 6.0, 6.0]
        .iter()
        .enumerate()
        .map(|(n, f)| f * 0.2f64.powi(n as i32))
        .collect();
    let total: f64 = p.iter().sum();
    let down: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum::<f64>() / total;
    assert_close(
        "crew availability",
        over_reps(&spec, 20, |r| r.availability),
        1.0 - down / 3.0,
        0.01,
    );
}

/// Stationary distribution of a CTMC given its transitions (from, to, rate) on `n` states:
/// solves pi Q = 0, sum pi = 1 by Gaussian elimination with partial pivoting.
fn stationary(n: usize, transitions: &[(usize, usize, f64)]) -> Vec<f64> {
    let mut a = vec![vec![0.0; n + 1]; n]; // row i: equation for state i (transposed Q), + rhs
    for &(from, to, rate) in transitions {
        a[to][from] += rate;
        a[from][from] -= rate;
    }
    for (i, row) in a.iter_mut().enumerate() {
        if row[i] == 0.0 {
            row[i] = 1.0; // a state nothing enters or leaves (not a valid state): pi = 0
        }
    }
    a[n - 1] = vec![1.0; n + 1]; // replace one balance equation by normalisation
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (_, row) in a.iter_mut().enumerate().filter(|(r, _)| *r != col) {
            let f = row[col] / pivot_row[col];
            for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
        }
    }
    (0..n).map(|i| a[i][n] / a[i][i]).collect()
}

#[test]
fn two_stage_line_with_blocking_matches_its_markov_chain() {
    // Feed tank of 2 lots (shared queue) -> stage 1 (no waiting place) -> stage 2 (one waiting
    // place). Exponential: lambda = 0.9, mu1 = 1.25, mu2 = 1.0 per hour. Stage 1 blocks after
    // service while stage 2 holds 2 lots. State (n0 in tank, s1 idle/busy/blocked, n2 in 0..=2).
    let (lam, mu1, mu2, cap) = (0.9, 1.25, 1.0, 2usize);
    let idx = |n0: usize, s1: usize, n2: usize| (n0 * 3 + s1) * 3 + n2;
    let mut tr = Vec::new();
    for n0 in 0..=cap {
        for s1 in 0..3 {
            for n2 in 0..3 {
                // Stage 1 is idle only with an empty tank; it is blocked only with stage 2 full.
                if (s1 == 0 && n0 > 0) || (s1 == 2 && n2 < 2) {
                    continue;
                }
                let here = idx(n0, s1, n2);
                // Stage 1 freed: take the next lot from the tank, if any.
                let freed = |n2: usize| {
                    if n0 > 0 {
                        idx(n0 - 1, 1, n2)
                    } else {
                        idx(0, 0, n2)
                    }
                };
                if s1 == 0 {
                    tr.push((here, idx(n0, 1, n2), lam));
                } else if n0 < cap {
                    tr.push((here, idx(n0 + 1, s1, n2), lam));
                }
                if s1 == 1 {
                    tr.push((
                        here,
                        if n2 < 2 {
                            freed(n2 + 1)
                        } else {
                            idx(n0, 2, n2)
                        },
                        mu1,
                    ));
                }
                if n2 > 0 {
                    tr.push((
                        here,
                        if s1 == 2 {
                            freed(n2)
                        } else {
                            idx(n0, s1, n2 - 1)
                        },
                        mu2,
                    ));
                }
            }
        }
    }
    let pi = stationary(3 * 3 * (cap + 1), &tr);
    let prob = |f: &dyn Fn(usize, usize, usize) -> bool| -> f64 {
        let mut p = 0.0;
        for n0 in 0..=cap {
            for s1 in 0..3 {
                for n2 in 0..3 {
                    if f(n0, s1, n2) {
                        p += pi[idx(n0, s1, n2)];
                    }
                }
            }
        }
        p
    };
    let throughput = mu2 * prob(&|_, _, n2| n2 > 0);
    let blocked = prob(&|_, s1, _| s1 == 2);
    let busy1 = prob(&|_, s1, _| s1 == 1);
    let mut wip = 0.0;
    for n0 in 0..=cap {
        for s1 in 0..3 {
            for n2 in 0..3 {
                wip += (n0 + usize::from(s1 > 0) + n2) as f64 * pi[idx(n0, s1, n2)];
            }
        }
    }
    let loss = prob(&|n0, s1, _| n0 == cap && s1 != 0);

    let c = circuit(
        1,
        Dispatch::SharedQueue,
        vec![
            group(1, 1, exp(1.0 / mu1), Some(0)),
            group(1, 1, exp(1.0 / mu2), Some(1)),
        ],
    );
    let mut spec = plant(exp(1.0 / lam), 1e3, 51e3, vec![c]);
    spec.feed.tank_capacity = Some(cap as u32);
    // 10 replications of 5e4 h; relative bounds 2-3 % are > 4 SE for every figure.
    assert_close(
        "blocking throughput",
        over_reps(&spec, 10, |r| r.throughput_lots_per_h),
        throughput,
        0.02,
    );
    assert_close(
        "blocking stage-1 blocked",
        over_reps(&spec, 10, |r| r.circuits[0].stages[0].blocked),
        blocked,
        0.03,
    );
    assert_close(
        "blocking stage-1 busy",
        over_reps(&spec, 10, |r| r.circuits[0].stages[0].utilisation),
        busy1,
        0.02,
    );
    assert_close(
        "blocking WIP",
        over_reps(&spec, 10, |r| r.wip_lots),
        wip,
        0.02,
    );
    let lost = over_reps(&spec, 10, |r| r.lots.lost as f64 / r.lots.arrived as f64);
    assert_close("blocking loss probability (PASTA)", lost, loss, 0.03);
}

#[test]
fn breakdown_freezes_service_and_resumes_with_remaining_time() {
    // One lot arrives at t = 1 into a 10 h service; the train fails at 3, 8, 13, ... (TTF 3 h of
    // up time) and is repaired after 2 h each time. Up intervals from t = 1: [1,3] [5,8]
    // [10,13] [15,17]: service ends at 17, lead time 16 h.
    let mut c = circuit(
        1,
        Dispatch::RoundRobin,
        vec![group(1, 1, fixed(10.0), None)],
    );
    c.failures = Some(failures(fixed(3.0), fixed(2.0), None));
    let spec = plant(fixed(1.0), 0.0, 17.5, vec![c.clone()]);
    let mut once = spec.clone();
    once.feed.interarrival = fixed(1.0);
    once.horizon_h = 17.5;
    // Only the first lot can finish by 17.5 h (the second starts at 17).
    let r = checked(&once, 1, 0);
    assert_eq!(r.lots.departed, 1);
    assert_eq!(r.lead_time_h.mean, 16.0);
    assert!((r.availability - (17.5 - 3.0 * 2.0) / 17.5).abs() < 1e-12);
    // Restart transient of 3 h after each repair: the lot leaves at 17 < 15 + 3, off-spec.
    let mut c2 = c.clone();
    c2.failures.as_mut().unwrap().restart_off_spec_h = 3.0;
    let scrap = checked(&plant(fixed(1.0), 0.0, 17.5, vec![c2.clone()]), 1, 0);
    assert_eq!(
        (
            scrap.lots.departed,
            scrap.lots.scrapped,
            scrap.lots.off_spec
        ),
        (0, 1, 1)
    );
    // Recycled instead: it re-enters the same train's queue behind the other lots.
    c2.failures.as_mut().unwrap().off_spec = OffSpecPolicy::Recycle;
    let recycle = checked(&plant(fixed(1.0), 0.0, 17.5, vec![c2]), 1, 0);
    assert_eq!(
        (
            recycle.lots.departed,
            recycle.lots.scrapped,
            recycle.lots.off_spec
        ),
        (0, 0, 1)
    );
    assert_eq!(recycle.lots.in_system, recycle.lots.arrived);
}

#[test]
fn full_feed_tank_loses_lots_and_circuits_run_in_series() {
    // Two circuits in series, the first with a 3-lot tank and a slow shared-queue train.
    let first = circuit(
        1,
        Dispatch::SharedQueue,
        vec![group(2, 1, exp(1.0), Some(1))],
    );
    let mut second = circuit(
        2,
        Dispatch::ShortestQueue,
        vec![group(5, 2, DistSpec::lognormal(1.0, 0.5).unwrap(), Some(1))],
    );
    second.name = "D".into();
    let mut spec = plant(exp(0.8), 100.0, 5100.0, vec![first, second]);
    spec.feed.tank_capacity = Some(3);
    let r = checked(&spec, 3, 0);
    assert!(r.lots.lost > 0);
    // Everything the first circuit passes on reaches the second (up to lots in transit).
    let (a, b) = (
        r.circuits[0].throughput_lots_per_h,
        r.circuits[1].throughput_lots_per_h,
    );
    assert!((a - b).abs() < 0.01 * a, "{a} vs {b}");
    assert_eq!(r.throughput_lots_per_h, b);
    assert!(r.circuits[0].stages[0].blocked > 0.0);
}

/// A plant whose trains do not interact: round robin, failures, scrap, unlimited crews.
fn independent(residence: DistSpec) -> PlantSpec {
    let mut c = circuit(
        4,
        Dispatch::RoundRobin,
        vec![
            group(20, 1, residence.clone(), Some(2)),
            group(10, 2, residence, None),
        ],
    );
    c.skip_down_trains = false;
    let mut f = failures(exp(40.0), DistSpec::lognormal(4.0, 0.5).unwrap(), None);
    f.restart_off_spec_h = 2.0;
    c.failures = Some(f);
    plant(exp(0.15), 200.0, 3000.0, vec![c])
}

#[test]
fn train_parallel_decomposition_equals_the_sequential_run() {
    for spec in [
        independent(DistSpec::lognormal(0.5, 0.3).unwrap()),
        independent(fixed(0.5)),
    ] {
        assert!(trains_independent(&spec));
        let seq = checked(&spec, 11, 2);
        let par = simulate_trains_parallel(&spec, 11, 2).unwrap();
        assert_eq!(seq, par);
        assert_eq!(format!("{seq:?}"), format!("{par:?}"));
        assert_eq!(simulate_auto(&spec, 11, 2), (seq, Execution::TrainParallel));
    }
    let mut shared = independent(fixed(0.5));
    shared.circuits[0].dispatch = Dispatch::ShortestQueue;
    assert!(!trains_independent(&shared));
    assert!(simulate_trains_parallel(&shared, 1, 0).is_none());
}

#[test]
fn same_seed_same_result_other_replication_differs() {
    let spec = independent(DistSpec::gamma(0.5, 0.4).unwrap());
    let a = checked(&spec, 5, 0);
    assert_eq!(a, checked(&spec, 5, 0));
    let b = checked(&spec, 5, 1);
    assert_ne!(a.lots, b.lots);
    assert_ne!(a.lead_time_h, b.lead_time_h);
    assert_ne!(a, checked(&spec, 6, 0));
}

#[test]
fn arrival_stream_is_common_to_layouts() {
    // The arrival process has its own stream: changing the number of trains (which adds
    // residence and failure streams) leaves the arrivals, hence the lot count, unchanged.
    let one = independent(DistSpec::lognormal(0.5, 0.3).unwrap());
    let mut six = one.clone();
    six.circuits[0].trains = 6;
    let (a, b) = (checked(&one, 9, 3), checked(&six, 9, 3));
    assert_eq!(a.lots.arrived, b.lots.arrived);
    assert_ne!(a.lots.departed, b.lots.departed);
}
