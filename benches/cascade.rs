//! Cascade solver benchmarks: a 60-stage binary loaded cascade and a 100-stage 15-element
//! loaded cascade (targets: <= 50 us and <= 1 ms per solve).
//!
//! Run: `cargo bench --bench cascade`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use reesim::chem::{FeedPhase, SeparationInput, SeparationSpec};

fn binary() -> SeparationSpec {
    let input = SeparationInput {
        elements: vec!["Pr".into(), "Nd".into()],
        feed_composition: vec![0.25, 0.75],
        extractant: Some("P507-HCl".into()),
        split_after: "Pr".into(),
        feed_phase: FeedPhase::Aqueous,
        extraction_stages: 28,
        scrub_stages: 32,
        extraction_amount: 4.09,
        ..Default::default()
    };
    SeparationSpec::from_input(&input).expect("valid binary spec")
}

fn fifteen() -> SeparationSpec {
    let names = [
        "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Y", "Er", "Tm", "Yb", "Lu",
    ];
    // Bayan Obo-like light feed with heavy traces (mole fractions, normalised).
    let z = [
        0.23, 0.50, 0.062, 0.185, 0.008, 0.002, 0.007, 0.001, 0.001, 0.0004, 0.0012, 0.0006,
        0.0002, 0.0004, 0.0002,
    ];
    let total: f64 = z.iter().sum();
    let input = SeparationInput {
        elements: names.iter().map(|s| s.to_string()).collect(),
        feed_composition: z.iter().map(|v| v / total).collect(),
        extractant: Some("P507-HCl".into()),
        split_after: "Nd".into(),
        feed_phase: FeedPhase::Aqueous,
        extraction_stages: 50,
        scrub_stages: 50,
        extraction_amount: 0.6,
        ..Default::default()
    };
    SeparationSpec::from_input(&input).expect("valid 15-element spec")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("cascade");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    let b = binary();
    let f = fifteen();
    let (sb, sf) = (
        b.solve().expect("binary solves"),
        f.solve().expect("15-element solves"),
    );
    eprintln!(
        "binary: {} steps, purity {:.6}/{:.6}; 15-element: {} steps, purity {:.6}/{:.6}",
        sb.iterations, sb.purity_a, sb.purity_b, sf.iterations, sf.purity_a, sf.purity_b
    );
    group.bench_function("binary_loaded_60_stages", |bench| bench.iter(|| b.solve()));
    group.bench_function("fifteen_elements_100_stages", |bench| {
        bench.iter(|| f.solve())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
