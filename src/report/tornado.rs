//! The tornado's table and JSON: each uncertain input's 10th and 90th percentile and the swing
//! of the headline difference they cause, widest first.

use crate::report::num;
use crate::study::tornado::Tornado;
use serde_json::json;
use std::fmt::Write;

/// Aligned text: one row per input.
pub fn table(t: &Tornado) -> String {
    let (scale, unit) = crate::report::table::display_unit(&t.unit);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "reesim {}: tornado of {}",
        env!("CARGO_PKG_VERSION"),
        t.scenario
    );
    let _ = writeln!(
        out,
        "headline: {} ({unit}), {} replications per study, seed {}; every other input at its median",
        t.headline, t.replications, t.seed
    );
    let _ = writeln!(
        out,
        "headline with every input at its median: {}",
        num(t.at_medians * scale, 4)
    );
    let _ = writeln!(out);
    let width = t
        .inputs
        .iter()
        .map(|i| i.key.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>14}  {:>14}  {:>14}  {:>14}",
        "input", "P10", "P90", "swing at P10", "swing at P90"
    );
    for i in &t.inputs {
        let v = |x: f64| format!("{} {}", num(x, 4), i.unit).trim().to_string();
        let s = |x: f64| format!("{:+.2}", x * scale);
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {:>14}  {:>14}  {:>14}",
            i.key,
            v(i.low),
            v(i.high),
            s(i.swing_low),
            s(i.swing_high)
        );
    }
    if t.inputs.is_empty() {
        let _ = writeln!(out, "(the scenario has no [uncertainty] inputs)");
    }
    out
}

/// The JSON contract: `inputs[k]` with `key`, `low`, `high`, `swing_low`, `swing_high`.
pub fn json(t: &Tornado) -> String {
    let inputs: Vec<_> = t
        .inputs
        .iter()
        .map(|i| {
            json!({
                "key": i.key,
                "low": i.low,
                "high": i.high,
                "unit": i.unit,
                "swing_low": i.swing_low,
                "swing_high": i.swing_high,
            })
        })
        .collect();
    let value = json!({
        "reesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": t.scenario,
        "seed": t.seed,
        "replications": t.replications,
        "headline": { "what": t.headline, "unit": t.unit, "at_medians": t.at_medians },
        "percentiles": [crate::study::tornado::PERCENTILES.0, crate::study::tornado::PERCENTILES.1],
        "inputs": inputs,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
