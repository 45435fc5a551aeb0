//! Criterion bench of the parallel replication runner: 32 replications with 1 and 2 threads.
//!
//! For now each replication is a synthetic CPU-bound model (an M/M/1 queue by Lindley's
//! recursion, ρ = 0.8, its own ChaCha stream per replication) so the runner is measured without
//! the plant; swap `mm1_replication` for the plant's replication function later.
//!
//! Run: `cargo bench --bench replications`. The speed-up is time(1 thread) / time(2 threads).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp};
use reesim::experiment::{Figure, run_replications, summarize_figures};
use std::hint::black_box;
use std::time::Duration;

/// Customers per replication.
const CUSTOMERS: u32 = 100_000;
/// Replications per measured iteration.
const REPS: u64 = 32;

/// One replication of an M/M/1 queue (arrival rate 0.8, service rate 1): mean waiting time in
/// queue and fraction of customers who wait, from replication `r`'s own stream.
fn mm1_replication(r: u64) -> Vec<Figure> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EED);
    rng.set_stream(r);
    let (arrive, serve) = (Exp::new(0.8).unwrap(), Exp::new(1.0).unwrap());
    let (mut wait, mut total, mut waited) = (0.0f64, 0.0, 0u32);
    for _ in 0..CUSTOMERS {
        total += wait;
        waited += u32::from(wait > 0.0);
        wait = (wait + serve.sample(&mut rng) - arrive.sample(&mut rng)).max(0.0);
    }
    vec![
        Figure::new("wait_h", "h", total / f64::from(CUSTOMERS)),
        Figure::new("waited", "1", f64::from(waited) / f64::from(CUSTOMERS)),
    ]
}

fn replications(c: &mut Criterion) {
    let mut group = c.benchmark_group("replications_32_mm1");
    for threads in [1usize, 2] {
        group.bench_with_input(BenchmarkId::from_parameter(threads), &threads, |b, &t| {
            b.iter(|| {
                let reps = run_replications(0..REPS, Some(t), mm1_replication).unwrap();
                black_box(summarize_figures(&reps).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = replications
}
criterion_main!(benches);
