//! Integration tests: `allocate` puts the next train at the obvious bottleneck.

use reesim::scenario::ScenarioSource;
use reesim::study::allocate::allocate;

/// Two pass-through circuits in series: "Fast" takes 5 t/h per train, "Slow" 1 t/h, the feed
/// brings 2 t/h; trains fail now and then.
const TWO_CIRCUITS: &str = r#"
name = "bottleneck"
[simulation]
horizon = "2000 h"
warmup = "200 h"
replications = 4
seed = 7
[feed]
rate = 2
tank_capacity = "10 t"
[[circuit]]
name = "Fast"
design_rate = 5
stages = 5
[[circuit.failure]]
name = "stop"
time_to_failure = { dist = "exponential", mean = "100 h" }
time_to_repair = { dist = "exponential", mean = "5 h" }
[[circuit]]
name = "Slow"
design_rate = 1
stages = 5
[[circuit.failure]]
name = "stop"
time_to_failure = { dist = "exponential", mean = "100 h" }
time_to_repair = { dist = "exponential", mean = "5 h" }
"#;

#[test]
fn the_first_extra_train_goes_to_the_bottleneck() {
    let source = ScenarioSource::from_text("two.toml", TWO_CIRCUITS.to_string()).unwrap();
    let a = allocate(&source, 2, None, None, Some(2)).unwrap();
    assert_eq!(a.steps[0].circuit, "Slow");
    assert!(a.steps[0].gain.significant, "{:?}", a.steps[0].gain);
    // Slow at 2 trains (2 t/h) now matches the feed; a train on the non-bottleneck adds
    // next to nothing.
    assert_eq!(a.steps[0].trains, vec![1, 2]);
    let first = a.steps[0].gain.difference.estimate;
    let fast_first = &a.steps[0].candidates[0];
    assert_eq!(fast_first.0, "Fast");
    assert!(
        fast_first.1.difference.estimate.abs() < 0.1 * first,
        "a train on the non-bottleneck adds ~nothing"
    );
}
