//! Hold-model benchmark of the event queue: pop the earliest event, push one at a random later
//! time, with the queue holding 10, 1e3 or 1e5 events. The engine (Scheduler + Model) runs
//! beside a raw `std::collections::BinaryHeap` hold loop, the ceiling it is measured against.
//!
//! Run: `cargo bench --bench engine`. Increments come from a precomputed table of exponential
//! draws so that both loops measure queue work, not random-number generation.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reesim::engine::{Model, Scheduler, SimTime, mix64};

const OPS: u64 = 100_000;
const TABLE: usize = 4096;

fn increments() -> Vec<f64> {
    (0..TABLE as u64)
        .map(|i| -((mix64(i) >> 11) as f64 / (1u64 << 53) as f64 + 1e-12).ln())
        .collect()
}

struct Hold {
    incr: Vec<f64>,
    i: usize,
}

impl Model for Hold {
    type Event = u64;

    #[inline]
    fn handle(&mut self, event: u64, sched: &mut Scheduler<u64>) {
        self.i = (self.i + 1) & (TABLE - 1);
        sched.schedule_in(self.incr[self.i], event);
    }
}

fn engine_hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(OPS));
    for size in [10usize, 1_000, 100_000] {
        group.bench_with_input(BenchmarkId::new("engine", size), &size, |b, &size| {
            let mut model = Hold {
                incr: increments(),
                i: 0,
            };
            let mut sched = Scheduler::with_capacity(size + 1);
            for k in 0..size {
                sched.schedule_in(model.incr[k % TABLE] * size as f64, k as u64);
            }
            let end = SimTime::from_hours(f64::INFINITY);
            b.iter(|| {
                for _ in 0..OPS {
                    sched.step(&mut model, end);
                }
                black_box(sched.now())
            });
        });
        group.bench_with_input(
            BenchmarkId::new("std_binary_heap", size),
            &size,
            |b, &size| {
                let incr = increments();
                let mut heap = BinaryHeap::with_capacity(size + 1);
                let mut seq = 0u64;
                for k in 0..size {
                    heap.push(Reverse((
                        (incr[k % TABLE] * size as f64).to_bits(),
                        seq,
                        k as u64,
                    )));
                    seq += 1;
                }
                let mut i = 0;
                b.iter(|| {
                    for _ in 0..OPS {
                        let Reverse((t, _, ev)) = heap.pop().unwrap();
                        i = (i + 1) & (TABLE - 1);
                        heap.push(Reverse(((f64::from_bits(t) + incr[i]).to_bits(), seq, ev)));
                        seq += 1;
                    }
                    black_box(heap.len())
                });
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1)).sample_size(20);
    targets = engine_hold
}
criterion_main!(benches);
