//! Criterion bench of parallel replications: 32 replications of the plant bench scenario
//! (8 trains x 100 stages, 200 h each) with 1 and 2 threads, figures summarised as `run` does.
//!
//! Run: `cargo bench --bench replications`. The speed-up is time(1 thread) / time(2 threads).
//! Memory: each replication keeps only its `ReplicationResult` (fixed size: per-stage-group
//! figures and a 200-bin series), so memory grows with replications by those records only.

mod common;

use common::scenario;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use reesim::experiment::{Figure, run_replications, summarize_figures};
use reesim::plant::simulate;
use std::hint::black_box;
use std::time::Duration;

/// Replications per measured iteration.
const REPS: u64 = 32;

fn replications(c: &mut Criterion) {
    let spec = scenario(200.0);
    let mut group = c.benchmark_group("replications_32_plant");
    for threads in [1usize, 2] {
        group.bench_with_input(BenchmarkId::from_parameter(threads), &threads, |b, &t| {
            b.iter(|| {
                let reps = run_replications(0..REPS, Some(t), |r| {
                    let result = simulate(&spec, 42, r);
                    vec![
                        Figure::new("throughput", "lots/h", result.throughput_lots_per_h),
                        Figure::new("availability", "fraction", result.availability),
                    ]
                })
                .unwrap();
                black_box(summarize_figures(&reps).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    targets = replications
}
criterion_main!(benches);
