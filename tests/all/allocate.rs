//! Integration tests: `allocate` puts the next train at the obvious bottleneck.

use reesim::scenario::ScenarioSource;
use reesim::study::allocate::allocate;

/// Two circuits in series: "Fast" serves ~5 lots/h per train, "Slow" ~1 lot/h, feed 2 lots/h.
const TWO_CIRCUITS: &str = r#"
name = "bottleneck"
[simulation]
horizon = "2000 h"
warmup = "200 h"
replications = 4
seed = 7
[feed]
interarrival = { dist = "exponential", mean = "30 min" }
tank_capacity = 10
[[circuit]]
name = "Fast"
[[circuit.stages]]
count = 5
residence = { dist = "exponential", mean = "12 min" }
[[circuit]]
name = "Slow"
[[circuit.stages]]
count = 5
residence = { dist = "exponential", mean = "1 h" }
"#;

#[test]
fn the_first_extra_train_goes_to_the_bottleneck() {
    let source = ScenarioSource::from_text("two.toml", TWO_CIRCUITS.to_string()).unwrap();
    let a = allocate(&source, 2, None, None, Some(2)).unwrap();
    assert_eq!(a.steps[0].circuit, "Slow");
    assert!(a.steps[0].gain.significant, "{:?}", a.steps[0].gain);
    // Slow at 2 trains (~2 lots/h) now matches the feed; nothing is a clear bottleneck any
    // more, so the second step's gain is small next to the first's.
    assert_eq!(a.steps[0].trains, vec![1, 2]);
    let first = a.steps[0].gain.difference.estimate;
    let fast_first = &a.steps[0].candidates[0];
    assert_eq!(fast_first.0, "Fast");
    assert!(
        fast_first.1.difference.estimate.abs() < 0.1 * first,
        "a train on the non-bottleneck adds ~nothing"
    );
}
