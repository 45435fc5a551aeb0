//! Plant benchmark (`reesim::flow`, the discrete-rate plant model): one simulated year
//! (8,760 h) on one thread, group `flow_year`.
//!
//! * `1000_trains`: 10 circuits x 100 trains in series, joined by tanks of ~8 h of flow, two
//!   elements; each circuit sends 90 % of element 0 and 10 % of element 1 to outlet A (the next
//!   tank; the last circuit's A is a product) and the rest to outlet B (a product). Trains run
//!   at most 5 % above design, so five trains down make a circuit fall behind its feed and the
//!   tanks fill and drain. Failure modes per train: a "stop" (exponential TTF mean 2,000 h,
//!   lognormal TTR mean 8 h cv 0.5) and a per-stage "bypass" over 20 stages (TTF mean 50,000 h
//!   per stage, same repair); 3 repair crews per circuit; staggered annual maintenance of 3 days;
//!   restart transients from a curve. Acceptance (the issue): <= 20 ms per simulated year.
//! * `4_trains`: 1 circuit x 4 trains with the same modes, one year.
//!
//! The time per iteration is the time per simulated year; criterion's throughput is in events
//! (the elements/s figure is events per second). The event count per year (stale level and
//! batch events included, as the engine counts them) is printed once before each bench.
//!
//! Run: `cargo bench --bench plant`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reesim::flow;

/// The discrete-rate bench plants.
mod rate {
    use reesim::engine::DistSpec;
    use reesim::flow::{
        CircuitSpec, Crews, Dispatch, Effect, FailureModeSpec, FeedSpec, MaintenanceSpec,
        OffSpecPolicy, Outlet, Per, PlantParts, PlantSpec, ProductSpec, PuritySpec, RestartCurve,
        RestartSpec, Sections, Source, TankSpec, WhenFull,
    };

    /// One simulated year, hours.
    pub const YEAR_H: f64 = 8760.0;

    /// Fraction of each element's circuit feed sent to outlet A.
    const SPLIT_TO_A: [f64; 2] = [0.9, 0.1];

    /// The two failure modes of every train.
    fn failure_modes() -> Vec<FailureModeSpec> {
        let repair = DistSpec::Lognormal { mean: 8.0, cv: 0.5 };
        vec![
            FailureModeSpec {
                name: "stop".into(),
                per: Per::Train,
                effect: Effect::Stop,
                time_to_failure: DistSpec::Exponential { mean: 2_000.0 },
                time_to_repair: repair.clone(),
            },
            FailureModeSpec {
                name: "bypass".into(),
                per: Per::Stage,
                effect: Effect::Bypass,
                time_to_failure: DistSpec::Exponential { mean: 50_000.0 },
                time_to_repair: repair,
            },
        ]
    }

    /// A circuit of `trains` trains sized for `flow` t/h of feed of composition `comp`.
    fn circuit(
        name: String,
        trains: u32,
        flow: f64,
        comp: &[f64],
        source: Source,
        outlets: [Outlet; 2],
    ) -> CircuitSpec {
        let design_rate = flow / f64::from(trains);
        CircuitSpec {
            name,
            trains,
            design_rate,
            max_rate: 1.05,
            min_rate: 0.3,
            dispatch: Dispatch::Even,
            source,
            outlets,
            split_to_a: SPLIT_TO_A.to_vec(),
            design_composition: comp.to_vec(),
            // 8 extraction, 8 scrub, 4 strip: 20 stages.
            sections: Sections {
                extraction: 8,
                scrub: 8,
                strip: 4,
            },
            inventory_t: 24.0 * design_rate,
            purity: PuritySpec {
                design: [0.9995, 0.999],
                bypass: [
                    vec![[0.9990, 0.9985], [0.9980, 0.9975], [0.9950, 0.9950]],
                    vec![[0.9985, 0.9988], [0.9970, 0.9980], [0.9940, 0.9960]],
                ],
            },
            failures: failure_modes(),
            crews: Crews::Own(Some(3)),
            maintenance: vec![MaintenanceSpec {
                interval_h: YEAR_H,
                duration_h: 72.0,
                stagger: true,
            }],
            restart: RestartSpec::Curve(RestartCurve {
                stops_h: vec![0.0, 8.0, 24.0, 72.0, 168.0],
                off_h: vec![[0.5, 0.5], [2.0, 1.5], [4.0, 3.0], [8.0, 6.0], [12.0, 9.0]],
                purity: vec![
                    [0.9990, 0.9985],
                    [0.9980, 0.9975],
                    [0.9970, 0.9960],
                    [0.9960, 0.9950],
                    [0.9950, 0.9940],
                ],
                naive: None,
            }),
            off_spec: OffSpecPolicy::Scrap,
        }
    }

    /// A product taking `flow` t/h, in batches of about a day's flow.
    fn product(name: String, flow: f64) -> ProductSpec {
        ProductSpec {
            name,
            min_purity: Some(0.9985),
            batch_t: (24.0 * flow).round().max(1.0),
        }
    }

    /// `circuits` circuits of `trains` trains in series; 100 t/h of feed (50/50).
    pub fn series_plant(circuits: usize, trains: u32) -> PlantSpec {
        let feed_rate = 100.0;
        let mut comp = vec![0.5, 0.5];
        let mut flow = feed_rate;
        let mut tanks = Vec::new();
        let mut specs = Vec::new();
        let mut products = Vec::new();
        for c in 0..circuits {
            let source = if c == 0 {
                Source::Feed
            } else {
                tanks.push(TankSpec {
                    name: format!("T{c}"),
                    capacity: Some(8.0 * flow),
                });
                Source::Tank(c - 1)
            };
            let share_a: f64 = comp.iter().zip(SPLIT_TO_A).map(|(x, a)| x * a).sum();
            let a = if c + 1 < circuits {
                Outlet::Tank(c)
            } else {
                products.push(product(format!("A{c}"), flow * share_a));
                Outlet::Product(products.len() - 1)
            };
            products.push(product(format!("B{c}"), flow * (1.0 - share_a)));
            let b = Outlet::Product(products.len() - 1);
            specs.push(circuit(
                format!("C{c}"),
                trains,
                flow,
                &comp,
                source,
                [a, b],
            ));
            comp = comp
                .iter()
                .zip(SPLIT_TO_A)
                .map(|(x, a)| x * a / share_a)
                .collect();
            flow *= share_a;
        }
        PlantSpec::new(PlantParts {
            horizon_h: YEAR_H,
            warmup_h: 0.0,
            elements: vec!["Pr".into(), "Nd".into()],
            feed: FeedSpec {
                rate: feed_rate,
                composition: vec![0.5, 0.5],
                tank_capacity: Some(8.0 * feed_rate),
                when_full: WhenFull::Hold,
                outage: None,
            },
            tanks,
            circuits: specs,
            products,
            lines: vec![],
            crew_pools: vec![],
            finishing: None,
        })
        .expect("valid bench plant")
    }

    /// The 1,000-train plant: 10 circuits x 100 trains.
    pub fn big_plant() -> PlantSpec {
        series_plant(10, 100)
    }

    /// The small plant: 1 circuit x 4 trains.
    pub fn small_plant() -> PlantSpec {
        series_plant(1, 4)
    }
}

fn flow_year(c: &mut Criterion) {
    let mut group = c.benchmark_group("flow_year");
    for (name, spec) in [
        ("1000_trains", rate::big_plant()),
        ("4_trains", rate::small_plant()),
    ] {
        let events = flow::simulate(&spec, 42, 0).events;
        eprintln!("flow_year/{name}: {events} events per simulated year (seed 42, replication 0)");
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| {
            b.iter(|| black_box(flow::simulate(black_box(&spec), 42, 0)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(10);
    targets = flow_year
}
criterion_main!(benches);
