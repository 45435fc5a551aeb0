//! Plant benchmark: 8 trains x 100 stages, lognormal residence, buffers of 4, breakdowns,
//! shortest-queue dispatch; one replication on one thread. Criterion's throughput is in events
//! (the elements/s figure is events per second).
//!
//! Run: `cargo bench --bench plant`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reesim::engine::DistSpec;
use reesim::plant::{
    CircuitSpec, Dispatch, FailureSpec, FeedSpec, OffSpecPolicy, PlantSpec, StageGroupSpec,
    simulate, simulate_trains_parallel,
};

/// The bench scenario; `horizon_h` sets the run length.
pub fn scenario(horizon_h: f64) -> PlantSpec {
    let stages = vec![StageGroupSpec {
        count: 100,
        capacity: 1,
        residence: DistSpec::lognormal(25.0 / 60.0, 0.3).unwrap(),
        buffer: Some(4),
    }];
    let failures = FailureSpec {
        time_to_failure: DistSpec::exponential(400.0).unwrap(),
        time_to_repair: DistSpec::lognormal(8.0, 0.5).unwrap(),
        repair_crews: Some(2),
        restart_off_spec_h: 2.0,
        off_spec: OffSpecPolicy::Recycle,
    };
    let circuit = CircuitSpec {
        name: "PrNd".into(),
        trains: 8,
        dispatch: Dispatch::ShortestQueue,
        skip_down_trains: true,
        stages,
        failures: Some(failures),
    };
    PlantSpec {
        horizon_h,
        warmup_h: 0.1 * horizon_h,
        // 8 trains of capacity 2.4 lots/h each at ~80 % load.
        feed: FeedSpec {
            interarrival: DistSpec::exponential(1.0 / 15.0).unwrap(),
            tank_capacity: Some(200),
        },
        circuits: vec![circuit],
        flowsheet: Default::default(),
    }
}

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
