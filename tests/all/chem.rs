//! Integration tests: chem.
use reesim::chem::*;

fn input(
    el: &[&str],
    z: &[f64],
    betas: &[f64],
    split: &str,
    phase: FeedPhase,
    n: usize,
    m: usize,
    s: f64,
) -> SeparationInput {
    SeparationInput {
        elements: el.iter().map(|e| e.to_string()).collect(),
        feed_composition: z.to_vec(),
        separation_factors: Some(betas.to_vec()),
        split_after: split.into(),
        feed_phase: phase,
        extraction_stages: n,
        scrub_stages: m,
        extraction_amount: s,
        ..Default::default()
    }
}

#[test]
fn explore() {
    let i = input(
        &["Ce", "Pr", "Nd"],
        &[0.4445, 0.1842, 0.3713],
        &[1.0, 2.03, 2.03 * 1.55],
        "Pr",
        FeedPhase::Organic,
        26,
        34,
        0.99,
    );
    let spec = SeparationSpec::from_input(&i).unwrap();
    let t = std::time::Instant::now();
    let sol = spec.solve().unwrap();
    println!(
        "{:?} it {} mbe {:e} pa {} pb {} ya {} yb {} smin {:?} {:?}",
        t.elapsed(),
        sol.iterations,
        sol.mass_balance_error,
        sol.purity_a,
        sol.purity_b,
        sol.yield_a,
        sol.yield_b,
        sol.min_extraction_amount,
        sol.warnings
    );
    let i = input(
        &["Pr", "Nd"],
        &[0.25, 0.75],
        &[1.0, 1.55],
        "Pr",
        FeedPhase::Aqueous,
        30,
        30,
        3.0,
    );
    let sol = SeparationSpec::from_input(&i).unwrap().solve().unwrap();
    println!(
        "it {} mbe {:e} pa {} pb {} smin {:?}",
        sol.iterations,
        sol.mass_balance_error,
        sol.purity_a,
        sol.purity_b,
        sol.min_extraction_amount
    );
}
