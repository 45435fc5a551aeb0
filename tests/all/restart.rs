//! Integration tests: restart curves (off-spec time and mean purity after stops of given
//! lengths) of the Pr/Nd circuit of scenarios/ndpr-parallel-trains.toml, against full runs of
//! the dynamic model to steady state.
//!
//! The circuit's steady purities are A (Nd) 0.9998027 and B (Pr) 0.9994082. With the default
//! stop exchange the lowest purities after a restart (printed by
//! `off_times_match_full_runs`) are, for stops of 0.25 / 2.5 / 11.8 / 120 h:
//! A 0.999798 / 0.999762 / 0.999668 / 0.998653, B 0.999396 / 0.999296 / 0.998991 / 0.993338.
//! The spec pairs below sit between the steady purities and those dips, so the products do go
//! off-spec after the longer stops (and the test checks that they do).
//!
//! Tolerances are stated at each assertion with the reason for their size.

use crate::dynamic::ndpr;
use reesim::chem::dynamic::{DynamicModel, DynamicOptions, RestartPoint, Target, stop_grid};
use reesim::chem::*;

/// Plant-like specs: both products off-spec after stops from ~12 h.
const LOOSE: (f64, f64) = (0.9997, 0.9991);
/// Tight specs: A off-spec after every stop, B from the 2.5 h stop on.
const TIGHT: (f64, f64) = (0.9998, 0.9993);

fn circuit() -> (SeparationSpec, CascadeSolution) {
    let spec = SeparationSpec::from_input(&ndpr()).unwrap();
    let steady = spec.solve().unwrap();
    (spec, steady)
}

/// The model with both targets at the given purities, integrating to steady state.
fn full_model(
    spec: &SeparationSpec,
    steady: &CascadeSolution,
    (a, b): (f64, f64),
    rtol: f64,
) -> DynamicModel {
    let opts = DynamicOptions {
        target_a: Target::Purity(a),
        target_b: Target::Purity(b),
        until_steady: true,
        rtol,
        ..Default::default()
    };
    DynamicModel::new(spec, steady, opts).unwrap()
}

/// Lowest purity (A, B) among the samples at or before `until` tau.
fn lowest(samples: &[Sample], until: (f64, f64)) -> (f64, f64) {
    samples.iter().fold((1.0f64, 1.0f64), |(a, b), s| {
        (
            if s.t <= until.0 { a.min(s.purity_a) } else { a },
            if s.t <= until.1 { b.min(s.purity_b) } else { b },
        )
    })
}

/// Flow-weighted mean purity of a product over [0, `until`] tau by the trapezoid rule on the
/// sampled flows (the last partial interval interpolated linearly): an estimate independent of
/// the integrator's accumulated outflows that `restart_points` uses.
fn trapezoid_mean(samples: &[Sample], until: f64, a: bool) -> f64 {
    let flows = |s: &Sample| {
        if a {
            (s.flow_a * (1.0 - s.purity_a), s.flow_a)
        } else {
            (s.flow_b * (1.0 - s.purity_b), s.flow_b)
        }
    };
    let (mut impurity, mut total) = (0.0, 0.0);
    for w in samples.windows(2).take_while(|w| w[0].t < until) {
        let ((i0, q0), (i1, q1)) = (flows(&w[0]), flows(&w[1]));
        let end = w[1].t.min(until);
        let u = (end - w[0].t) / (w[1].t - w[0].t);
        let (i1, q1) = (i0 + u * (i1 - i0), q0 + u * (q1 - q0));
        impurity += 0.5 * (end - w[0].t) * (i0 + i1);
        total += 0.5 * (end - w[0].t) * (q0 + q1);
    }
    1.0 - impurity / total
}

/// Mean purity over a window below the steady purity and above the lowest sampled purity
/// in it (strict: the purity is below the spec for part of the window and back at the spec
/// at its end); the steady purity itself for an empty window.
fn check_mean(what: &str, off: f64, mean: f64, steady: f64, lowest: f64) {
    if off == 0.0 {
        assert_eq!(mean, steady, "{what}");
    } else {
        assert!(
            mean < steady && mean > lowest,
            "{what}: {lowest} < {mean} < {steady}?"
        );
    }
}

/// Every point of a 10-point grid up to 120 h against `after_stop(d)` run to steady state
/// with the same purity targets. Tolerance 1e-9 h: `restart_points` uses the early exit, which
/// takes the same steps as the full run up to its end, so the interpolated crossing is the
/// same number; any difference means the early exit cut a run before a product's last return
/// to its spec. The off times must not fall with the stop length on the grid (a longer stop
/// smears the profile further).
#[test]
fn off_times_match_full_runs() {
    let (spec, steady) = circuit();
    let dm = DynamicModel::new(&spec, &steady, DynamicOptions::default()).unwrap();
    let grid = stop_grid(120.0);
    assert_eq!(grid.len(), 10);
    for specs in [LOOSE, TIGHT] {
        let pts = dm
            .restart_points(&grid, Some(specs.0), Some(specs.1))
            .unwrap();
        let full = full_model(&spec, &steady, specs, DynamicOptions::default().rtol);
        assert_eq!(pts.len(), grid.len());
        for (p, &d) in pts.iter().zip(&grid) {
            let tr = full.after_stop(d).unwrap();
            assert!(tr.settled);
            let dip = lowest(&tr.samples, (f64::INFINITY, f64::INFINITY));
            let tau = tr.residence_h;
            println!(
                "specs {specs:?} stop {d:7.3} h: lowest purity A {:.7} B {:.7}; off A {:8.3} h \
                 B {:8.3} h; mean A {:.9} B {:.9}",
                dip.0, dip.1, p.off_a_h, p.off_b_h, p.mean_purity_a, p.mean_purity_b
            );
            assert_eq!(p.stop_h, d);
            let (fa, fb) = (tr.on_spec_a_h().unwrap(), tr.on_spec_b_h().unwrap());
            assert!(
                (p.off_a_h - fa).abs() < 1e-9,
                "{d} h: A {} vs {fa}",
                p.off_a_h
            );
            assert!(
                (p.off_b_h - fb).abs() < 1e-9,
                "{d} h: B {} vs {fb}",
                p.off_b_h
            );
            // Off-spec exactly when the run dips below the spec.
            assert_eq!(p.off_a_h > 0.0, dip.0 < specs.0, "{d} h");
            assert_eq!(p.off_b_h > 0.0, dip.1 < specs.1, "{d} h");
            let low = lowest(&tr.samples, (p.off_a_h / tau, p.off_b_h / tau));
            check_mean("A", p.off_a_h, p.mean_purity_a, steady.purity_a, low.0);
            check_mean("B", p.off_b_h, p.mean_purity_b, steady.purity_b, low.1);
            // An independent quadrature of the same trajectory. Tolerance 1e-7 absolute:
            // measured up to 1.5e-8 apart; both are second-order on the integrator's steps,
            // so they differ by about the integrator's error (see
            // `figures_converge_with_tolerance`), far below the ~1e-6 the curve needs.
            for (off, mean, a) in [
                (p.off_a_h, p.mean_purity_a, true),
                (p.off_b_h, p.mean_purity_b, false),
            ] {
                if off > 0.0 {
                    let trap = trapezoid_mean(&tr.samples, off / tau, a);
                    assert!((mean - trap).abs() < 1e-7, "{d} h: {mean} vs {trap}");
                }
            }
        }
        for w in pts.windows(2) {
            assert!(w[1].off_a_h >= w[0].off_a_h, "{specs:?}: {w:?}");
            assert!(w[1].off_b_h >= w[0].off_b_h, "{specs:?}: {w:?}");
        }
        // The specs do bite: the longest stop takes both products off-spec, the shortest
        // nonzero one leaves the loose specs met.
        let last = pts.last().unwrap();
        assert!(last.off_a_h > 1.0 && last.off_b_h > 1.0, "{last:?}");
        assert_eq!(pts[0].off_a_h + pts[0].off_b_h, 0.0);
    }
    let loose = dm.restart_points(&grid[..2], Some(LOOSE.0), Some(LOOSE.1));
    assert_eq!(loose.unwrap()[1].off_a_h, 0.0);
    let tight = dm.restart_points(&grid[..2], Some(TIGHT.0), Some(TIGHT.1));
    assert!(tight.unwrap()[1].off_a_h > 0.0);
}

/// A spec below every purity the products reach gives 0 h and the steady purity (exactly: no
/// window to average over); so does no spec, and a product's spec does not change the other
/// product's figures.
#[test]
fn specs_below_every_purity_give_no_off_time() {
    let (spec, steady) = circuit();
    let dm = DynamicModel::new(&spec, &steady, DynamicOptions::default()).unwrap();
    let low = 0.99;
    let tr = dm.after_stop(120.0).unwrap();
    let dip = lowest(&tr.samples, (f64::INFINITY, f64::INFINITY));
    assert!(dip.0 > low && dip.1 > low, "{dip:?}");
    let on_spec = |p: &RestartPoint, a: bool, b: bool| {
        (!a || (p.off_a_h == 0.0 && p.mean_purity_a == steady.purity_a))
            && (!b || (p.off_b_h == 0.0 && p.mean_purity_b == steady.purity_b))
    };
    let grid = [0.0, 2.0, 24.0, 120.0];
    for (a, b) in [(Some(low), Some(low)), (None, None)] {
        let pts = dm.restart_points(&grid, a, b).unwrap();
        assert!(pts.iter().all(|p| on_spec(p, true, true)), "{pts:?}");
    }
    let both = dm
        .restart_points(&[120.0], Some(LOOSE.0), Some(LOOSE.1))
        .unwrap()[0];
    let only_a = dm.restart_points(&[120.0], Some(LOOSE.0), None).unwrap()[0];
    let only_b = dm.restart_points(&[120.0], None, Some(LOOSE.1)).unwrap()[0];
    assert!(on_spec(&only_a, false, true) && on_spec(&only_b, true, false));
    // Runs with one target end at different times but take the same steps up to the end of
    // either off-spec window, so the figures are the same numbers.
    assert_eq!(
        (only_a.off_a_h, only_a.mean_purity_a),
        (both.off_a_h, both.mean_purity_a)
    );
    assert_eq!(
        (only_b.off_b_h, only_b.mean_purity_b),
        (both.off_b_h, both.mean_purity_b)
    );
}

/// The naive start point has start_up()'s on-spec times with the same purity targets run to
/// steady state (1e-9 h: the same steps, as for the restarts), and a mean purity between the
/// lowest sampled purity and the steady purity.
#[test]
fn naive_start_point_matches_start_up() {
    let (spec, steady) = circuit();
    let dm = DynamicModel::new(&spec, &steady, DynamicOptions::default()).unwrap();
    let p = dm.naive_start_point(Some(LOOSE.0), Some(LOOSE.1)).unwrap();
    let tr = full_model(&spec, &steady, LOOSE, DynamicOptions::default().rtol)
        .start_up()
        .unwrap();
    println!("naive start: {p:?}");
    assert_eq!(p.stop_h, f64::INFINITY);
    let (fa, fb) = (tr.on_spec_a_h().unwrap(), tr.on_spec_b_h().unwrap());
    assert!((p.off_a_h - fa).abs() < 1e-9, "{} vs {fa}", p.off_a_h);
    assert!((p.off_b_h - fb).abs() < 1e-9, "{} vs {fb}", p.off_b_h);
    let tau = tr.residence_h;
    let low = lowest(&tr.samples, (p.off_a_h / tau, p.off_b_h / tau));
    check_mean("A", p.off_a_h, p.mean_purity_a, steady.purity_a, low.0);
    check_mean("B", p.off_b_h, p.mean_purity_b, steady.purity_b, low.1);
    // Independent quadrature (see `off_times_match_full_runs`); measured 8.7e-8 apart on this
    // coarser-sampled run (each ~4e-8 from a 1000x tighter run's figure), tolerance 3e-7.
    let trap_a = trapezoid_mean(&tr.samples, p.off_a_h / tau, true);
    let trap_b = trapezoid_mean(&tr.samples, p.off_b_h / tau, false);
    assert!((p.mean_purity_a - trap_a).abs() < 3e-7, "{p:?} {trap_a}");
    assert!((p.mean_purity_b - trap_b).abs() < 3e-7, "{p:?} {trap_b}");
    // Slower than any restart of the grid.
    let worst = dm.restart_points(&[120.0], Some(LOOSE.0), Some(LOOSE.1));
    let worst = worst.unwrap()[0];
    assert!(p.off_a_h > worst.off_a_h && p.off_b_h > worst.off_b_h);
}

/// Accuracy of the figures at the default local tolerance (1e-5) against a 100x tighter run
/// (1e-7). Measured: off times within 6e-5 relative, mean purities within 1.5e-8 (restarts)
/// and 4.6e-8 (naive start) absolute; the mean's error is the integrator's global error in the
/// holdups (the outflows are accumulated from the balance steps), linear in rtol. Tolerances:
/// 5e-4 relative on the times (0.2 h on a 120 h stop's recovery, with margin over the 6e-5
/// measured) and 2e-7 absolute on the mean purity (the restart curve needs ~1e-6; 4x margin
/// over the worst measured).
#[test]
fn figures_converge_with_tolerance() {
    let (spec, steady) = circuit();
    let at = |rtol: f64| {
        let opts = DynamicOptions {
            rtol,
            ..Default::default()
        };
        let dm = DynamicModel::new(&spec, &steady, opts).unwrap();
        let mut pts = dm
            .restart_points(&[25.0, 120.0], Some(LOOSE.0), Some(LOOSE.1))
            .unwrap();
        pts.push(dm.naive_start_point(Some(LOOSE.0), Some(LOOSE.1)).unwrap());
        pts
    };
    let (coarse, fine) = (at(DynamicOptions::default().rtol), at(1e-7));
    for (c, f) in coarse.iter().zip(&fine) {
        println!(
            "stop {} h: off A {:.2e} B {:.2e} relative, mean A {:.2e} B {:.2e}",
            c.stop_h,
            c.off_a_h / f.off_a_h - 1.0,
            c.off_b_h / f.off_b_h - 1.0,
            c.mean_purity_a - f.mean_purity_a,
            c.mean_purity_b - f.mean_purity_b
        );
        assert!(f.off_a_h > 0.0 && f.off_b_h > 0.0, "{f:?}");
        assert!((c.off_a_h / f.off_a_h - 1.0).abs() < 5e-4, "{c:?} {f:?}");
        assert!((c.off_b_h / f.off_b_h - 1.0).abs() < 5e-4, "{c:?} {f:?}");
        assert!(
            (c.mean_purity_a - f.mean_purity_a).abs() < 2e-7,
            "{c:?} {f:?}"
        );
        assert!(
            (c.mean_purity_b - f.mean_purity_b).abs() < 2e-7,
            "{c:?} {f:?}"
        );
    }
}

/// A spec at or above the steady purity (never met for good) or not a purity is an input
/// error naming the product; a run too short for a product to come back is a solver error
/// naming the stop length.
#[test]
fn bad_specs_and_unrecovered_runs_are_errors() {
    let (spec, steady) = circuit();
    let dm = DynamicModel::new(&spec, &steady, DynamicOptions::default()).unwrap();
    for (a, b, field) in [
        (Some(steady.purity_a), None, "spec_a"),
        (None, Some(1.0), "spec_b"),
        (Some(f64::NAN), None, "spec_a"),
        (None, Some(0.0), "spec_b"),
    ] {
        let err = dm.restart_points(&[8.0], a, b).unwrap_err();
        assert!(err.is_input_error(), "{err}");
        assert!(err.to_string().starts_with(field), "{err}");
        assert!(dm.naive_start_point(a, b).is_err());
    }
    for specs in [(Some(LOOSE.0), None), (None, None)] {
        let err = dm
            .restart_points(&[2.0, -1.0], specs.0, specs.1)
            .unwrap_err();
        assert!(err.to_string().starts_with("stop"), "{err}");
    }
    let short = DynamicOptions {
        max_time: 5.0,
        ..Default::default()
    };
    let dm = DynamicModel::new(&spec, &steady, short).unwrap();
    let err = dm
        .restart_points(&[2.0, 120.0], Some(LOOSE.0), Some(LOOSE.1))
        .unwrap_err();
    assert!(!err.is_input_error(), "{err}");
    assert!(err.to_string().contains("after a 120 h stop"), "{err}");
}

/// Regression (found by the never-panics property on mutated scenarios): a repair mean of
/// 1e300 h asked for a restart curve of 903 stop lengths up to 4e300 h, each a run of the
/// dynamic model (`check` had not finished after 2 minutes). No stop in a run outlasts the
/// horizon, so the curve ends there.
#[test]
fn restart_curve_ends_at_the_horizon() {
    let text = std::fs::read_to_string(crate::DEFAULT_SCENARIO)
        .unwrap()
        .replacen("horizon = \"365 d\"", "horizon = \"300 h\"", 1)
        .replacen("warmup = \"14 d\"", "warmup = 0", 1)
        .replacen(
            "time_to_repair = { dist = \"lognormal\", mean = \"8 h\", cv = 0.5 }",
            "time_to_repair = { dist = \"exponential\", mean = \"1e300 h\" }",
            1,
        );
    let scenario = reesim::scenario::ScenarioSource::from_text("t.toml", text)
        .unwrap()
        .base()
        .unwrap();
    let flows = reesim::study::products::ProductFlows::of(&scenario).unwrap();
    match &flows.built.spec.parts().circuits[0].restart {
        reesim::flow::RestartSpec::Curve(c) => {
            assert_eq!(c.stops_h.last(), Some(&300.0), "{:?}", c.stops_h);
            assert!(c.stops_h.len() <= 12, "{:?}", c.stops_h);
        }
        other => panic!("expected a dynamic restart curve, got {other:?}"),
    }
}
