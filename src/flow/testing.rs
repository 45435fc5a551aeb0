//! Small plants for the unit tests of the flow parts.

use super::spec::*;

/// One element, one circuit of `trains` trains of `design` t/h each (max 1.2 x design) with
/// `failures`, fed `feed` t/h from an unbounded feed tank, both outlets to one product of
/// 1 t batches; 1,000 h, no warm-up.
pub fn one_circuit(
    trains: u32,
    design: f64,
    feed: f64,
    failures: Vec<FailureModeSpec>,
) -> PlantParts {
    PlantParts {
        horizon_h: 1000.0,
        warmup_h: 0.0,
        elements: vec!["REO".into()],
        feed: FeedSpec {
            rate: feed,
            composition: vec![1.0],
            tank_capacity: None,
            when_full: WhenFull::Hold,
            outage: None,
        },
        tanks: vec![],
        circuits: vec![CircuitSpec {
            name: "C".into(),
            trains,
            design_rate: design,
            max_rate: 1.2,
            min_rate: 0.0,
            dispatch: Dispatch::Even,
            source: Source::Feed,
            outlets: [Outlet::Product(0), Outlet::Product(0)],
            split_to_a: vec![1.0],
            design_composition: vec![1.0],
            sections: Sections::default(),
            inventory_t: 10.0,
            purity: PuritySpec {
                design: [1.0, 1.0],
                bypass: [vec![], vec![]],
            },
            failures,
            crews: Crews::Own(None),
            maintenance: vec![],
            restart: RestartSpec::None,
            off_spec: OffSpecPolicy::Recycle,
        }],
        products: vec![ProductSpec {
            name: "P".into(),
            min_purity: None,
            batch_t: 1.0,
        }],
        lines: vec![],
        crew_pools: vec![],
        finishing: None,
    }
}

/// A stop failure of each train with fixed times to failure and to repair, hours.
pub fn fixed_stop(ttf: f64, ttr: f64) -> FailureModeSpec {
    FailureModeSpec {
        name: "stop".into(),
        per: Per::Train,
        effect: Effect::Stop,
        time_to_failure: crate::engine::DistSpec::Fixed { value: ttf },
        time_to_repair: crate::engine::DistSpec::Fixed { value: ttr },
    }
}
