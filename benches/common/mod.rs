//! The plant bench scenario shared by `benches/plant.rs` and `benches/replications.rs`:
//! 8 trains x 100 stages, lognormal residence, buffers of 4, breakdowns, shortest queue.

use reesim::engine::DistSpec;
use reesim::plant::{
    CircuitSpec, Dispatch, FailureSpec, FeedSpec, OffSpecPolicy, PlantSpec, StageGroupSpec,
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
