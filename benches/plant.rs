//! Plant benchmark: 8 trains x 100 stages, lognormal residence, buffers of 4, breakdowns,
//! shortest-queue dispatch; one replication on one thread. Criterion's throughput is in events
//! (the elements/s figure is events per second).
//!
//! Run: `cargo bench --bench plant`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
mod common;

use common::scenario;
use reesim::plant::{Dispatch, OffSpecPolicy, simulate, simulate_trains_parallel};

fn plant(c: &mut Criterion) {
    let spec = scenario(2_000.0);
    let events = simulate(&spec, 42, 0).events;
    let mut group = c.benchmark_group("plant");
    group.throughput(Throughput::Elements(events));
    group.bench_function("8x100_shortest_queue_lognormal_breakdowns", |b| {
        b.iter(|| black_box(simulate(black_box(&spec), 42, 0)))
    });
    // Issue 4 item 7: the same plant with non-interacting trains (round robin without skipping,
    // unlimited crews, scrap), sequential vs one sub-model per train on the rayon pool.
    let mut independent = spec.clone();
    let c = &mut independent.circuits[0];
    c.dispatch = Dispatch::RoundRobin;
    c.skip_down_trains = false;
    let f = c.failures.as_mut().unwrap();
    f.repair_crews = None;
    f.off_spec = OffSpecPolicy::Scrap;
    let events = simulate(&independent, 42, 0).events;
    group.throughput(Throughput::Elements(events));
    group.bench_function("8x100_round_robin_sequential", |b| {
        b.iter(|| black_box(simulate(black_box(&independent), 42, 0)))
    });
    group.bench_function("8x100_round_robin_train_parallel", |b| {
        b.iter(|| black_box(simulate_trains_parallel(black_box(&independent), 42, 0)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1)).sample_size(10);
    targets = plant
}
criterion_main!(benches);
