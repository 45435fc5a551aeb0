//! The discrete-rate plant model against exact stochastic references (the on-off fluid queue,
//! the machine-repairman chain), its determinism and common random numbers, and its element
//! mass balance on random plants.
//!
//! Statistical tolerances. Each figure is estimated by R independent replications (the same
//! seed, replications 0..R) of a long run after a warm-up; the replication means are i.i.d.
//! and, over runs of hundreds to thousands of regeneration cycles, close to normal, so the
//! Student-t interval with R - 1 degrees of freedom applies. A test comparing m figures uses
//! the two-sided level 1 - 0.05 / m for each (Bonferroni), so that a correct model fails the
//! whole test with probability at most 5 % under a fresh seed (the seeds are fixed, so the
//! tests are deterministic). Each test also bounds the half-widths it obtains, so that a pass
//! cannot come from a wide interval: the bounds are a few per cent of the figure, well below
//! the effect of the errors these tests guard against (clocks running while a train is
//! stopped, feed lost instead of held back, crews not shared).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reesim::engine::{DistSpec, Scheduler, SimTime};
use reesim::experiment::student_t_quantile;
use reesim::flow::*;

use super::analytic::{OnOff, availability, p_all_down, repairman_up};
use super::flow::simple;

fn exp(mean: f64) -> DistSpec {
    DistSpec::Exponential { mean }
}

/// A per-train stop with exponential times to failure and repair.
fn stop_mode(mttf: f64, mttr: f64) -> FailureModeSpec {
    FailureModeSpec {
        name: "stop".into(),
        per: Per::Train,
        effect: Effect::Stop,
        time_to_failure: exp(mttf),
        time_to_repair: exp(mttr),
    }
}

/// Mean of `xs` and the half-width of its two-sided Student-t interval at level 1 - `alpha`.
fn interval(xs: &[f64], alpha: f64) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = student_t_quantile(1.0 - alpha / 2.0, n - 1.0);
    (mean, t * (var / n).sqrt())
}

/// Asserts that `exact` lies in the interval of `xs` at level 1 - `alpha`, widened to `floor`,
/// and that the half-width is at most `max_half`; prints the agreement.
fn assert_covers(what: &str, xs: &[f64], exact: f64, alpha: f64, floor: f64, max_half: f64) {
    let (mean, half) = interval(xs, alpha);
    println!(
        "{what}: model {mean:.6} +- {half:.2e} (n {}, level {:.4}), exact {exact:.6}, \
         off by {:.2} half-widths",
        xs.len(),
        1.0 - alpha,
        (mean - exact).abs() / half
    );
    assert!(
        (mean - exact).abs() <= half.max(floor),
        "{what}: model {mean} +- {half} does not cover the exact {exact}"
    );
    assert!(
        half <= max_half,
        "{what}: half-width {half} above {max_half}: the test would not discriminate"
    );
}

/// Runs replications 0..`reps` of `parts` with `seed`, checking each one's mass balance.
fn replicate(parts: &PlantParts, seed: u64, reps: u64) -> Vec<FlowResult> {
    let spec = PlantSpec::new(parts.clone()).expect("valid plant");
    (0..reps)
        .map(|rep| {
            let r = simulate(&spec, seed, rep);
            assert!(r.mass.relative_error() <= 1e-9, "{:?}", r.mass);
            r
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. One train, one finite feed tank: the on-off fluid queue
// ---------------------------------------------------------------------------------------------

/// One train of design rate mu (max_rate 1, no turndown) with exponential up and down times,
/// feed lambda < mu into an N t feed tank that holds back feed when full: processed rate,
/// held-back rate and mean level equal the exact on-off fluid queue ([`OnOff`]).
///
/// Three cases against lambda x MTTR, the feed arriving during a mean repair: a small tank
/// (N = 2 t against 8 t: mostly full during repairs), a large one (N = 40 t: rarely full)
/// and an overloaded train (mu P(up) = 0.67 < lambda = 0.9: the tank is mostly full and a
/// quarter of the feed is held back). 40 replications of 250,000 h after a 2,000 h warm-up
/// (the level forgets its empty start within a few hundred hours: 2,000 h covers tens of
/// up/down cycles and many tank turnovers), i.e. 4,200 to 8,300 cycles per replication.
/// Measured half-widths (level 1 - 0.05/12): throughput 0.1 % to 0.25 %, held back 7e-4 to
/// 1.6e-3 t/h, mean level 0.2 % to 1.6 %. Bounds: 2 % of the throughput, 10 % of the held-back
/// rate + 0.2 % of the feed, 3 % of the mean level, 1 % of the availability.
#[test]
fn one_train_and_a_finite_tank_match_the_on_off_fluid_queue() {
    let cases = [
        ("small tank", 0.8, 1.0, 50.0, 10.0, 2.0),
        ("large tank", 0.8, 1.0, 50.0, 10.0, 40.0),
        ("overloaded", 0.9, 1.0, 20.0, 10.0, 10.0),
    ];
    let alpha = 0.05 / (4.0 * cases.len() as f64);
    for (i, (name, lambda, mu, mttf, mttr, n)) in cases.into_iter().enumerate() {
        let exact = OnOff {
            feed: lambda,
            max_rate: mu,
            fail: 1.0 / mttf,
            repair: 1.0 / mttr,
            capacity: n,
        }
        .stationary();
        let mut parts = simple(1, mu, 1.0, lambda, Some(n));
        parts.horizon_h = 252_000.0;
        parts.warmup_h = 2_000.0;
        // One batch per run at most: no batch events.
        parts.products[0].batch_t = 1e12;
        parts.circuits[0].failures.push(stop_mode(mttf, mttr));
        let runs = replicate(&parts, 100 + i as u64, 40);
        let per_hour = |f: &dyn Fn(&FlowResult) -> f64| -> Vec<f64> {
            runs.iter().map(|r| f(r) / r.window_h).collect()
        };
        let throughput = per_hour(&|r| r.circuits[0].fed_t);
        let held_back = per_hour(&|r| r.held_back_t);
        let level: Vec<f64> = runs.iter().map(|r| r.tanks[0].mean_level_t).collect();
        let floor = 1e-12;
        assert_covers(
            &format!("{name}: throughput"),
            &throughput,
            exact.throughput,
            alpha,
            floor,
            0.02 * exact.throughput,
        );
        assert_covers(
            &format!("{name}: held back"),
            &held_back,
            exact.held_back,
            alpha,
            floor,
            0.1 * exact.held_back + 0.002 * lambda,
        );
        assert_covers(
            &format!("{name}: mean level"),
            &level,
            exact.mean_level,
            alpha,
            floor,
            0.03 * exact.mean_level,
        );
        // The train is up r / (p + r) of the time, whatever the level.
        let up: Vec<f64> = runs.iter().map(|r| r.circuits[0].availability).collect();
        let what = format!("{name}: availability");
        assert_covers(&what, &up, exact.p_up, alpha, floor, 0.01 * exact.p_up);
        // Nothing is lost with "hold".
        assert!(runs.iter().all(|r| r.lost_t == 0.0));
    }
}

// ---------------------------------------------------------------------------------------------
// 2. K trains, c crews: the machine-repairman chain
// ---------------------------------------------------------------------------------------------

/// Hypergeometric P(a group of `m` of `total` exchangeable machines has `u` up | `up` up).
fn hypergeometric(total: usize, m: usize, up: usize, u: usize) -> f64 {
    let ln_choose = |n: usize, k: usize| -> f64 {
        if k > n {
            return f64::NEG_INFINITY;
        }
        (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum()
    };
    if u > up || u > m || up - u > total - m {
        return 0.0;
    }
    (ln_choose(m, u) + ln_choose(total - m, up - u) - ln_choose(total, up)).exp()
}

/// K trains with exponential times to failure (mean 100 h) and repair (mean 20 h), c crews,
/// per-train stops: the distribution of the number of trains up is the machine-repairman
/// chain's ([`repairman_up`]), whatever the flow (a train runs, and wears, whether its tank is
/// empty or not). Cases K = 4 with 1 crew (crews busy 80 % of the time), K = 8 with 2, and
/// K = 4 with 6 crews and with a crew per failure (`Own(None)`): independent trains.
///
/// Checked per case: availability, P(all down) and P(k up) for every k (44 figures, level
/// 1 - 0.05/44 each). 40 replications of 200,000 h (about 1,700 up/down cycles per train)
/// after 1,000 h. Measured half-widths: 0.16 % to 0.4 % of the availability, 1 % to 3 % of
/// P(k up) for P(k up) > 0.05, up to 1e-4 absolute for the rare states (P(all down) is
/// 1.6e-4 to 1.5e-2); bounded at 1 % of the availability and 0.15 x P(k up) + 1e-3.
#[test]
fn trains_up_follow_the_machine_repairman_chain() {
    let (mttf, mttr) = (100.0, 20.0);
    let cases: [(u32, Crews, usize); 4] = [
        (4, Crews::Own(Some(1)), 1),
        (8, Crews::Own(Some(2)), 2),
        (4, Crews::Own(Some(6)), 6),
        (4, Crews::Own(None), 4),
    ];
    let figures: usize = cases.iter().map(|(k, _, _)| *k as usize + 3).sum();
    let alpha = 0.05 / figures as f64;
    for (i, (k, crews, c)) in cases.into_iter().enumerate() {
        let exact = repairman_up(k as usize, c, 1.0 / mttf, 1.0 / mttr);
        // Feed above the circuit's capacity into a 50 t tank: flows of every kind occur.
        let mut parts = simple(k, 1.0, 1.1, 0.9 * f64::from(k), Some(50.0));
        parts.horizon_h = 201_000.0;
        parts.warmup_h = 1_000.0;
        parts.products[0].batch_t = 1e12;
        parts.circuits[0].failures.push(stop_mode(mttf, mttr));
        parts.circuits[0].crews = crews;
        let runs = replicate(&parts, 200 + i as u64, 40);
        let name = format!("K {k} crews {crews:?}");
        let avail: Vec<f64> = runs.iter().map(|r| r.circuits[0].availability).collect();
        let a = availability(&exact);
        assert_covers(
            &format!("{name}: availability"),
            &avail,
            a,
            alpha,
            1e-12,
            0.01 * a,
        );
        let all_down: Vec<f64> = runs.iter().map(|r| r.circuits[0].trains_up[0]).collect();
        let p0 = p_all_down(&exact);
        let bound = 0.15 * p0 + 1e-3;
        assert_covers(
            &format!("{name}: P(all down)"),
            &all_down,
            p0,
            alpha,
            1e-12,
            bound,
        );
        for (u, &p) in exact.iter().enumerate() {
            let xs: Vec<f64> = runs.iter().map(|r| r.circuits[0].trains_up[u]).collect();
            let bound = 0.15 * p + 1e-3;
            assert_covers(&format!("{name}: P({u} up)"), &xs, p, alpha, 1e-12, bound);
        }
    }
}

/// Two circuits in series share one crew pool (1 crew for 3 + 3 trains; mean times 100 h and
/// 20 h: the crew is busy most of the time). The six trains are one repairman chain of 6
/// machines and 1 crew: the plant availability is its availability, and since the chain is
/// symmetric in the machines, given U trains up the up ones are a uniformly random U-subset,
/// so circuit j has u up with the hypergeometric mixture sum_U P(U) C(3,u) C(3,U-u) / C(6,U).
/// Own crews (1 per circuit) would give each circuit a 3-machine, 1-crew chain instead:
/// availability 0.784 against the pool's 0.673, far outside the intervals.
///
/// 40 replications of 200,000 h after 1,000 h; 2 x 4 + 1 figures (level 1 - 0.05/9 each);
/// measured half-widths 0.4 % of the availability and 1 % to 4 % of P(u up), bounded at
/// 1.5 % of the availability and 0.15 x P(u up) + 1e-3.
#[test]
fn a_crew_pool_shared_by_two_circuits_is_one_repairman_chain() {
    let (mttf, mttr) = (100.0, 20.0);
    let mut parts = simple(3, 1.0, 1.0, 2.0, Some(20.0));
    parts.horizon_h = 201_000.0;
    parts.warmup_h = 1_000.0;
    parts.products[0].batch_t = 1e12;
    parts.tanks.push(TankSpec {
        name: "mid".into(),
        capacity: Some(20.0),
    });
    parts.crew_pools.push(CrewPoolSpec {
        name: "pool".into(),
        crews: 1,
    });
    let c0 = &mut parts.circuits[0];
    c0.failures.push(stop_mode(mttf, mttr));
    c0.crews = Crews::Pool(0);
    c0.outlets = [Outlet::Tank(0), Outlet::Tank(0)];
    let mut c1 = parts.circuits[0].clone();
    c1.name = "C2".into();
    c1.source = Source::Tank(0);
    c1.outlets = [Outlet::Product(0), Outlet::Product(0)];
    parts.circuits.push(c1);
    let exact = repairman_up(6, 1, 1.0 / mttf, 1.0 / mttr);
    let runs = replicate(&parts, 300, 40);
    let alpha = 0.05 / 9.0;
    let a = availability(&exact);
    let plant: Vec<f64> = runs.iter().map(|r| r.availability).collect();
    assert_covers(
        "pool: plant availability",
        &plant,
        a,
        alpha,
        1e-12,
        0.015 * a,
    );
    for c in 0..2 {
        for u in 0..=3 {
            let want: f64 = (0..=6)
                .map(|up| exact[up] * hypergeometric(6, 3, up, u))
                .sum();
            let xs: Vec<f64> = runs.iter().map(|r| r.circuits[c].trains_up[u]).collect();
            let what = format!("pool: circuit {c} P({u} up)");
            assert_covers(&what, &xs, want, alpha, 1e-12, 0.15 * want + 1e-3);
        }
    }
}

/// Failure clocks count operating time: with two stop modes on a train, the clock of one
/// freezes while the other (or it) holds the train down. Exponential clocks restart afresh
/// after a freeze (memorylessness), so each train alternates between up, an exponential time
/// of rate p1 + p2, and down for mode i (probability p_i / (p1 + p2)) an exponential repair of
/// mean 1/r_i: availability a = 1 / (1 + p1/r1 + p2/r2). With a crew per failure the trains
/// are independent, so the number up is binomial(K, a). Clocks that kept running while the
/// train is down would let both modes be down at once: a = r1/(p1+r1) x r2/(p2+r2) instead,
/// 0.694 against 0.714 here, 10 half-widths away.
///
/// K = 3 trains; modes of mean 100 h / 20 h and 300 h / 60 h; 40 replications of 200,000 h
/// after 1,000 h; 5 figures (availability and P(k up), level 1 - 0.05/5 each); measured
/// half-widths 0.2 % of the availability, bounded at 1 % and 0.15 x P(k up) + 1e-3.
#[test]
fn failure_clocks_freeze_while_the_train_is_stopped() {
    let (p1, r1, p2, r2) = (1.0 / 100.0, 1.0 / 20.0, 1.0 / 300.0, 1.0 / 60.0);
    let mut parts = simple(3, 1.0, 1.0, 2.0, Some(20.0));
    parts.horizon_h = 201_000.0;
    parts.warmup_h = 1_000.0;
    parts.products[0].batch_t = 1e12;
    parts.circuits[0].failures = vec![stop_mode(1.0 / p1, 1.0 / r1), stop_mode(1.0 / p2, 1.0 / r2)];
    let a = 1.0 / (1.0 + p1 / r1 + p2 / r2);
    let runs = replicate(&parts, 400, 40);
    let alpha = 0.05 / 5.0;
    let avail: Vec<f64> = runs.iter().map(|r| r.circuits[0].availability).collect();
    assert_covers("two modes: availability", &avail, a, alpha, 1e-12, 0.01 * a);
    for (k, &choose) in [1.0, 3.0, 3.0, 1.0].iter().enumerate() {
        let want = choose * a.powi(k as i32) * (1.0 - a).powi(3 - k as i32);
        let xs: Vec<f64> = runs.iter().map(|r| r.circuits[0].trains_up[k]).collect();
        let what = format!("two modes: P({k} up)");
        assert_covers(&what, &xs, want, alpha, 1e-12, 0.15 * want + 1e-3);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Determinism and common random numbers
// ---------------------------------------------------------------------------------------------

/// The same plant, seed and replication give the same result, field for field; another
/// replication or seed gives another one (if the plant draws anything at random). Eight random
/// plants (see [`random_plant`]).
#[test]
fn the_same_seed_and_replication_give_the_same_result() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut compared = 0;
    for case in 0..8 {
        let parts = random_plant(&mut rng);
        let spec = PlantSpec::new(parts).expect("valid plant");
        // The bounded driver is `simulate`'s loop (checked by the random-plant tests) that
        // cannot hang; a stalled run (see `random_plants_never_stall`) compares by where it
        // stalled.
        let run = |seed, rep| match simulate_bounded(&spec, seed, rep) {
            Ok(r) => (Some(r.clone()), format!("{r:?}")),
            Err(why) => (None, why),
        };
        let ((a, a_text), (b, b_text)) = (run(7, 3), run(7, 3));
        // Field for field, to the bit: Debug prints every float exactly (shortest round-trip
        // form), and unlike `==` it also matches NaN with NaN (the mean purity of a product
        // that judged no batch).
        assert_eq!(a_text, b_text, "case {case}");
        if draws_at_random(spec.parts()) {
            assert_ne!(a_text, run(7, 4).1, "case {case}: another replication");
            assert_ne!(a_text, run(8, 3).1, "case {case}: another seed");
        }
        if let (Some(a), Some(b)) = (a, b) {
            assert!(a.events > 100, "case {case}: {} events", a.events);
            if !a.products.iter().any(|p| p.mean_purity.is_nan()) {
                assert_eq!(a, b, "case {case}");
            }
            compared += 1;
        }
    }
    assert!(
        compared >= 5,
        "only {compared} of 8 plants ran to the horizon"
    );
}

/// Whether a plant samples anything at random (a distribution other than a fixed value).
fn draws_at_random(p: &PlantParts) -> bool {
    let random = |d: &DistSpec| !matches!(d, DistSpec::Fixed { .. });
    let modes = p.circuits.iter().flat_map(|c| &c.failures);
    let mut dists: Vec<&DistSpec> = modes
        .flat_map(|f| [&f.time_to_failure, &f.time_to_repair])
        .collect();
    if let Some(o) = &p.feed.outage {
        dists.extend([&o.time_to_failure, &o.time_to_repair]);
    }
    dists.extend(p.finishing.as_ref().map(|f| &f.residence));
    dists.into_iter().any(random)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Common random numbers: a train's failure draws depend only on (circuit index, train index,
/// mode), not on how many trains the plant has.
///
/// (a) Train 0 alone is observable when it carries all the flow: per-stage bypass failures
/// (trains never stop), dispatch "fill" and a feed equal to one train's maximum put every
/// tonne through train 0, so the product's batches and purity record train 0's bypass
/// history only. They are the same (to rounding: the other trains' events split the
/// integration intervals) with 1, 2 or 3 trains and unlimited crews.
///
/// (b) Circuit 1's up/down pattern (1 train, per-train stops) is the same whether circuit 0
/// has 1 or 3 trains, and so are the feed outages.
#[test]
fn common_trains_see_the_same_failure_draws_in_every_layout() {
    let product = |k: u32| -> FlowResult {
        let (d, m) = (1.0, 1.2);
        let mut parts = simple(k, d, m, d * m, None);
        parts.horizon_h = 20_000.0;
        parts.products[0].batch_t = 5.0;
        parts.products[0].min_purity = Some(0.995);
        let c = &mut parts.circuits[0];
        c.dispatch = Dispatch::Fill;
        c.sections = Sections {
            extraction: 3,
            scrub: 2,
            strip: 1,
        };
        c.purity = PuritySpec {
            design: [0.999, 0.999],
            bypass: [
                vec![[0.99, 0.99], [0.98, 0.98]],
                vec![[0.996, 0.996], [0.97, 0.97]],
            ],
        };
        c.off_spec = OffSpecPolicy::Scrap;
        c.failures.push(FailureModeSpec {
            name: "mixer".into(),
            per: Per::Stage,
            effect: Effect::Bypass,
            time_to_failure: exp(400.0),
            time_to_repair: exp(30.0),
        });
        let r = simulate(&PlantSpec::new(parts).unwrap(), 11, 0);
        assert!(r.mass.relative_error() <= 1e-9);
        r
    };
    let one = product(1);
    let p1 = &one.products[0];
    // The test sees something: bypasses made off-spec batches, and not all of them.
    assert!(p1.batches > 3000 && p1.on_spec_batches < p1.batches && p1.off_spec_bypass_t > 50.0);
    for k in [2, 3] {
        let r = product(k);
        let p = &r.products[0];
        println!(
            "K {k}: batches {} / {}, on-spec {} / {}, purity {:.9} / {:.9}",
            p.batches,
            p1.batches,
            p.on_spec_batches,
            p1.on_spec_batches,
            p.mean_purity,
            p1.mean_purity
        );
        assert_eq!(
            (p.batches, p.on_spec_batches),
            (p1.batches, p1.on_spec_batches),
            "K {k}"
        );
        assert!(close(p.on_spec_t, p1.on_spec_t), "K {k}");
        assert!(close(p.off_spec_bypass_t, p1.off_spec_bypass_t), "K {k}");
        assert!(close(p.mean_purity, p1.mean_purity), "K {k}");
        // More trains did fail: the circuit saw more events.
        assert!(r.events > one.events, "K {k}");
    }

    let series = |k0: u32| -> FlowResult {
        let mut parts = simple(k0, 1.0, 1.0, 1.0, Some(10.0));
        parts.horizon_h = 20_000.0;
        parts.feed.outage = Some(OutageSpec {
            time_to_failure: exp(300.0),
            time_to_repair: exp(15.0),
        });
        parts.tanks.push(TankSpec {
            name: "mid".into(),
            capacity: Some(10.0),
        });
        let c0 = &mut parts.circuits[0];
        c0.failures.push(stop_mode(100.0, 20.0));
        c0.outlets = [Outlet::Tank(0), Outlet::Product(0)];
        c0.split_to_a = vec![0.5];
        let mut c1 = parts.circuits[0].clone();
        c1.name = "C2".into();
        c1.trains = 1;
        c1.source = Source::Tank(0);
        c1.outlets = [Outlet::Product(0), Outlet::Product(0)];
        c1.failures = vec![stop_mode(80.0, 25.0)];
        parts.circuits.push(c1);
        simulate(&PlantSpec::new(parts).unwrap(), 12, 0)
    };
    let small = series(1);
    let large = series(3);
    let (a, b) = (&small.circuits[1], &large.circuits[1]);
    println!(
        "circuit 1 availability {:.12} / {:.12}; outage {:.6} / {:.6} h",
        a.availability, b.availability, small.outage_h, large.outage_h
    );
    assert!(a.availability < 0.9, "circuit 1 fails: {}", a.availability);
    assert!(close(a.availability, b.availability));
    assert!(
        a.trains_up
            .iter()
            .zip(&b.trains_up)
            .all(|(x, y)| close(*x, *y))
    );
    assert!(small.outage_h > 500.0 && close(small.outage_h, large.outage_h));
    // The flows differ (circuit 0 has more capacity): only the draws are common.
    assert!(!close(a.fed_t, b.fed_t));
}

// ---------------------------------------------------------------------------------------------
// 4. Mass balance on random plants
// ---------------------------------------------------------------------------------------------

/// A random distribution of mean in `lo..hi`, of every kind the model samples.
fn random_dist(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> DistSpec {
    let mean = rng.random_range(lo..hi);
    match rng.random_range(0..7) {
        0 => DistSpec::Fixed { value: mean },
        1 | 2 => exp(mean),
        3 => DistSpec::Weibull {
            shape: rng.random_range(0.5..3.0),
            mean,
        },
        4 => DistSpec::Lognormal {
            mean,
            cv: rng.random_range(0.0..2.0),
        },
        5 => DistSpec::Uniform {
            min: 0.0,
            max: 2.0 * mean,
        },
        _ => DistSpec::Empirical {
            values: vec![0.5 * mean, mean, 1.5 * mean],
        },
    }
}

fn random_split(rng: &mut ChaCha8Rng) -> f64 {
    match rng.random_range(0..5) {
        0 => 0.0,
        1 => 1.0,
        _ => rng.random_range(0.0..1.0),
    }
}

fn pair(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> [f64; 2] {
    [rng.random_range(lo..hi), rng.random_range(lo..hi)]
}

fn random_capacity(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> Option<f64> {
    rng.random_bool(0.8).then(|| rng.random_range(lo..hi))
}

/// A random series plant of 1 to 3 circuits with 2 elements: every failure effect, crews own,
/// unlimited or pooled, maintenance, turndown, restart windows (fixed or curves) with recycle
/// or scrap, product specs, a finishing unit, feed outages, hold or lose, and sometimes a
/// campaign line over two or three of the circuits (switching by length or by level).
fn random_plant(rng: &mut ChaCha8Rng) -> PlantParts {
    let n = rng.random_range(1..=3usize);
    let x = rng.random_range(0.05..0.95);
    let feed_rate = rng.random_range(0.5..5.0);
    let horizon = rng.random_range(500.0..3000.0);
    let mut products = Vec::new();
    let mut new_product = |rng: &mut ChaCha8Rng| {
        products.push(ProductSpec {
            name: format!("P{}", products.len()),
            min_purity: rng.random_bool(0.7).then(|| rng.random_range(0.95..0.9995)),
            batch_t: rng.random_range(0.5..20.0),
        });
        products.len() - 1
    };
    let pools = if rng.random_bool(0.4) {
        vec![CrewPoolSpec {
            name: "pool".into(),
            crews: rng.random_range(1..=3),
        }]
    } else {
        vec![]
    };
    let mut circuits = Vec::new();
    for i in 0..n {
        let trains = rng.random_range(1..=4u32);
        let max_rate = rng.random_range(1.0..1.5);
        let sections = Sections {
            extraction: rng.random_range(1..=4),
            scrub: rng.random_range(0..=3),
            strip: rng.random_range(0..=2),
        };
        let outlets = if i + 1 < n {
            // At least one outlet feeds the next circuit's tank.
            match rng.random_range(0..3) {
                0 => [Outlet::Tank(i), Outlet::Product(new_product(rng))],
                1 => [Outlet::Product(new_product(rng)), Outlet::Tank(i)],
                _ => [Outlet::Tank(i), Outlet::Tank(i)],
            }
        } else if rng.random_bool(0.3) {
            let p = new_product(rng);
            [Outlet::Product(p), Outlet::Product(p)]
        } else {
            [
                Outlet::Product(new_product(rng)),
                Outlet::Product(new_product(rng)),
            ]
        };
        let mut failures = Vec::new();
        for m in 0..rng.random_range(0..=3) {
            let per = if rng.random_bool(0.5) {
                Per::Train
            } else {
                Per::Stage
            };
            let effect = match rng.random_range(0..3) {
                0 => Effect::Stop,
                1 => Effect::Derate(rng.random_range(0.1..0.95) * max_rate),
                _ => Effect::Bypass,
            };
            let per = if effect == Effect::Bypass {
                Per::Stage
            } else {
                per
            };
            let scale = if per == Per::Stage {
                f64::from(sections.total())
            } else {
                1.0
            };
            failures.push(FailureModeSpec {
                name: format!("mode {m}"),
                per,
                effect,
                time_to_failure: random_dist(rng, 20.0 * scale, 500.0 * scale),
                time_to_repair: random_dist(rng, 1.0, 50.0),
            });
        }
        let crews = match rng.random_range(0..4) {
            0 => Crews::Own(None),
            1 if !pools.is_empty() => Crews::Pool(0),
            _ => Crews::Own(Some(rng.random_range(1..=3))),
        };
        let maintenance = (0..rng.random_range(0..=2))
            .map(|_| {
                let interval_h = rng.random_range(100.0..1000.0);
                MaintenanceSpec {
                    interval_h,
                    duration_h: rng.random_range(0.01..0.4) * interval_h,
                    stagger: rng.random_bool(0.5),
                }
            })
            .collect();
        let restart = match rng.random_range(0..4) {
            0 => RestartSpec::None,
            1 | 2 => RestartSpec::Fixed(rng.random_range(0.0..12.0)),
            _ => {
                let mut stops_h = vec![0.0];
                for _ in 0..rng.random_range(0..4) {
                    let last = *stops_h.last().unwrap();
                    stops_h.push(last + rng.random_range(1.0..50.0));
                }
                let g = stops_h.len();
                let off_h = (0..g).map(|_| pair(rng, 0.0, 15.0)).collect();
                let purity = (0..g).map(|_| pair(rng, 0.9, 0.9999)).collect();
                let naive = if rng.random_bool(0.5) {
                    Some((pair(rng, 0.0, 30.0), pair(rng, 0.9, 0.999)))
                } else {
                    None
                };
                RestartSpec::Curve(RestartCurve {
                    stops_h,
                    off_h,
                    purity,
                    naive,
                })
            }
        };
        let design = pair(rng, 0.99, 0.9999);
        let bypass_table = |rng: &mut ChaCha8Rng| -> Vec<[f64; 2]> {
            (0..rng.random_range(0..=3))
                .map(|_| pair(rng, 0.9, 0.999))
                .collect()
        };
        let bypass = [bypass_table(rng), bypass_table(rng)];
        let y = rng.random_range(0.0..1.0);
        circuits.push(CircuitSpec {
            name: format!("C{i}"),
            trains,
            design_rate: feed_rate * rng.random_range(0.3..1.5) / f64::from(trains),
            max_rate,
            min_rate: if rng.random_bool(0.3) {
                rng.random_range(0.0..0.7)
            } else {
                0.0
            },
            dispatch: if rng.random_bool(0.5) {
                Dispatch::Even
            } else {
                Dispatch::Fill
            },
            source: if i == 0 {
                Source::Feed
            } else {
                Source::Tank(i - 1)
            },
            outlets,
            split_to_a: vec![random_split(rng), random_split(rng)],
            design_composition: vec![y, 1.0 - y],
            sections,
            inventory_t: rng.random_range(0.0..20.0),
            purity: PuritySpec { design, bypass },
            failures,
            crews,
            maintenance,
            restart,
            off_spec: if rng.random_bool(0.5) {
                OffSpecPolicy::Recycle
            } else {
                OffSpecPolicy::Scrap
            },
        });
    }
    let tanks = (0..n.saturating_sub(1))
        .map(|t| TankSpec {
            name: format!("T{t}"),
            capacity: random_capacity(rng, 0.5, 30.0),
        })
        .collect();
    let mut lines = Vec::new();
    if n >= 2 && rng.random_bool(0.3) {
        let circuits = if n == 3 && rng.random_bool(0.5) {
            vec![0, 1, 2]
        } else {
            vec![n - 2, n - 1]
        };
        lines.push(LineSpec {
            name: "line".into(),
            circuits,
            rule: if rng.random_bool(0.5) {
                SwitchRule::Length(rng.random_range(5.0..200.0))
            } else {
                SwitchRule::Below(rng.random_range(0.0..10.0))
            },
            changeover_h: rng.random_range(0.0..10.0),
            start: if rng.random_bool(0.5) {
                ChangeoverStart::Stored
            } else {
                ChangeoverStart::Naive
            },
        });
    }
    PlantParts {
        horizon_h: horizon,
        warmup_h: if rng.random_bool(0.5) {
            rng.random_range(0.0..0.5) * horizon
        } else {
            0.0
        },
        elements: vec!["Pr".into(), "Nd".into()],
        feed: FeedSpec {
            rate: feed_rate,
            composition: vec![x, 1.0 - x],
            tank_capacity: random_capacity(rng, 1.0, 50.0),
            when_full: if rng.random_bool(0.5) {
                WhenFull::Hold
            } else {
                WhenFull::Lose
            },
            outage: rng.random_bool(0.5).then(|| OutageSpec {
                time_to_failure: random_dist(rng, 50.0, 500.0),
                time_to_repair: random_dist(rng, 2.0, 50.0),
            }),
        },
        tanks,
        circuits,
        products,
        lines,
        crew_pools: pools,
        finishing: rng.random_bool(0.3).then(|| FinishingSpec {
            capacity: rng.random_range(1..=3),
            residence: random_dist(rng, 1.0, 20.0),
        }),
    }
}

/// Checks one random plant's result: the whole-run element balance to 1e-9 of the feed
/// offered (the model integrates piecewise-constant rates exactly, so only rounding is
/// left), the same balance over the statistics window, and that every fraction is a
/// fraction.
fn check_balances(case: usize, parts: &PlantParts, r: &FlowResult) {
    let ctx = || format!("case {case}: {parts:#?}");
    let err = r.mass.relative_error();
    assert!(
        err <= 1e-9,
        "mass balance off by {err:e}: {:?}\n{}",
        r.mass,
        ctx()
    );
    // Window: offered - held back - lost = sold + scrapped + stock change.
    let sold: f64 = r.products.iter().map(|p| p.on_spec_t).sum();
    let gap = r.offered_t - r.held_back_t - r.lost_t - sold - r.scrapped_t - r.stock_change_t;
    let total: f64 = r.mass.offered.iter().sum();
    assert!(
        gap.abs() <= 1e-9 * total.max(1.0),
        "window balance off by {gap:e}\n{}",
        ctx()
    );
    let frac = |x: f64| (-1e-9..=1.0 + 1e-9).contains(&x);
    assert!(
        frac(r.availability),
        "availability {}\n{}",
        r.availability,
        ctx()
    );
    for c in &r.circuits {
        let up: f64 = c.trains_up.iter().sum();
        assert!((up - 1.0).abs() <= 1e-9, "trains up sum to {up}\n{}", ctx());
        assert!(
            frac(c.availability) && frac(c.starved) && frac(c.blocked),
            "{c:?}\n{}",
            ctx()
        );
        assert!(c.fed_t >= -1e-9, "{c:?}\n{}", ctx());
    }
    for t in &r.tanks {
        assert!(
            frac(t.full) && frac(t.empty) && t.mean_level_t >= -1e-9,
            "{t:?}\n{}",
            ctx()
        );
    }
    for (e, s) in r.mass.stock.iter().enumerate() {
        assert!(
            *s >= -1e-9 * total.max(1.0),
            "element {e} stock {s}\n{}",
            ctx()
        );
    }
}

/// Drives the model like [`simulate`], but gives up (instead of looping for ever and filling
/// the memory with events) when the clock stops advancing for `STUCK` events in a row or
/// more than `MAX_EVENTS` events are handled.
fn simulate_bounded(spec: &PlantSpec, seed: u64, replication: u64) -> Result<FlowResult, String> {
    const STUCK: u64 = 100_000;
    const MAX_EVENTS: u64 = 5_000_000;
    let mut flow = Flow::new(spec, seed, replication);
    let mut sched = Scheduler::with_capacity(flow.queue_capacity());
    flow.start(&mut sched);
    let horizon = SimTime::from_hours(spec.parts().horizon_h);
    let (mut last, mut same) = (f64::NEG_INFINITY, 0);
    while sched.step(&mut flow, horizon) {
        let now = sched.now().hours();
        if now > last {
            (last, same) = (now, 0);
        } else {
            same += 1;
        }
        if same >= STUCK {
            return Err(format!(
                "clock stuck at {now} h ({} events pending)",
                sched.pending()
            ));
        }
        if sched.handled() > MAX_EVENTS {
            return Err(format!("over {MAX_EVENTS} events by {now} h"));
        }
    }
    Ok(flow.finish(replication, sched.handled()))
}

/// How the random plants went: the failures (case, seed, what), split into stalls (the clock
/// stopped advancing) and the rest, and totals over the plants that ran.
#[derive(Default)]
struct RandomRun {
    stalls: Vec<String>,
    failures: Vec<String>,
    events: u64,
    /// Feed held back, lost; off-spec recycled, scrapped; off-spec attributed to restarts and
    /// bypasses; capacity idled by turndown ("underfed"), starved, blocked, parked by a line.
    totals: [f64; 10],
}

/// Runs the 200 random plants (a fixed ChaCha stream) with [`simulate_bounded`] and checks
/// each result with [`check_balances`].
fn run_random_plants() -> RandomRun {
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let mut out = RandomRun::default();
    for case in 0..200 {
        let parts = random_plant(&mut rng);
        let spec = PlantSpec::new(parts.clone())
            .unwrap_or_else(|e| panic!("case {case}: {e}\n{parts:#?}"));
        let seed = rng.random_range(0..1000);
        let r = match std::panic::catch_unwind(|| simulate_bounded(&spec, seed, 0)) {
            Ok(Ok(r)) => r,
            Ok(Err(why)) => {
                out.stalls.push(format!("case {case} (seed {seed}): {why}"));
                continue;
            }
            Err(_) => {
                out.failures
                    .push(format!("case {case} (seed {seed}): panicked"));
                continue;
            }
        };
        if case < 5 {
            // The bounded driver is the model's own loop.
            let plain = simulate(&spec, seed, 0);
            assert_eq!(format!("{r:?}"), format!("{plain:?}"), "case {case}");
            // So is the traced run, observing every step.
            let (traced, trace) = simulate_traced(&spec, seed, 0, 50);
            assert_eq!(
                format!("{traced:?}"),
                format!("{plain:?}"),
                "case {case}, traced"
            );
            assert_eq!(trace.times().len(), 50);
        }
        if std::panic::catch_unwind(|| check_balances(case, &parts, &r)).is_err() {
            out.failures
                .push(format!("case {case} (seed {seed}): balance or range"));
            continue;
        }
        out.events += r.events;
        let lost = |name: &str| -> f64 {
            let of = |c: &CircuitResult| c.lost_t.iter().find(|(n, _)| n == name).unwrap().1;
            r.circuits.iter().map(of).sum()
        };
        let products =
            |f: &dyn Fn(&ProductResult) -> f64| -> f64 { r.products.iter().map(f).sum() };
        let add = [
            r.held_back_t,
            r.lost_t,
            r.recycled_t,
            r.scrapped_t,
            products(&|p| p.off_spec_restart_t),
            products(&|p| p.off_spec_bypass_t),
            lost("underfed"),
            lost("starved"),
            lost("blocked"),
            lost("parked"),
        ];
        out.totals.iter_mut().zip(add).for_each(|(t, x)| *t += x);
    }
    out
}

/// 200 random series plants (1 to 3 circuits, 2 elements; see [`random_plant`]): no panic,
/// and the element balance holds to 1e-9 of the feed over the whole run and over the window
/// (see [`check_balances`]). The plants do exercise what can break the balance: feed held
/// back and lost, off-spec recycled and scrapped (from restarts and bypasses), turndown,
/// starving, blocking and parking by a line all occur. Plants whose clock stalls are left to
/// [`random_plants_never_stall`]. All failing cases are reported together.
#[test]
fn random_plants_balance_every_element() {
    let run = run_random_plants();
    assert!(
        run.failures.is_empty(),
        "{} of 200 random plants failed:\n{}",
        run.failures.len(),
        run.failures.join("\n")
    );
    let names = [
        "held back",
        "lost",
        "recycled",
        "scrapped",
        "off-spec restart",
        "off-spec bypass",
        "underfed",
        "starved",
        "blocked",
        "parked",
    ];
    for (name, total) in names.iter().zip(run.totals) {
        assert!(total > 0.0, "no random plant had any {name}");
    }
    println!(
        "{} random plants balanced ({} events), {} stalled",
        200 - run.stalls.len(),
        run.events,
        run.stalls.len()
    );
}

/// The same 200 random plants: the clock never stops advancing. A stall is an event loop at
/// one instant (the model reschedules an event 0 h ahead for ever, and the stale events fill
/// the memory); it is detected after 100,000 events at one time.
#[test]
fn random_plants_never_stall() {
    let run = run_random_plants();
    assert!(
        run.stalls.is_empty(),
        "{} of 200 random plants stalled:\n{}",
        run.stalls.len(),
        run.stalls.join("\n")
    );
}
