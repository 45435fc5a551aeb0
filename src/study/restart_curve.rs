//! A circuit's restart curve from its dynamic stage model: off-spec hours and mean purity of
//! each outlet's liquor after stops of every length on a grid covering the scenario's repair,
//! maintenance and parking times, judged against the sales specs of the products the outlets
//! feed.

use crate::Result;
use crate::chem::dynamic::{DynamicModel, DynamicOptions, RestartPoint, stop_grid};
use crate::flow::{ChangeoverStart, RestartCurve, RestartSpec};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::collections::HashMap;

/// Longest stop the grid covers when nothing longer is configured, hours.
const MIN_GRID_H: f64 = 24.0;

/// Curves computed in this process, by everything they depend on (the chemistry, the stage
/// residence, the specs, the stop grid and the naive start): the layouts of a study, the
/// replications of one draw and the studies of a tornado share them. A pure function of its
/// key, so results do not depend on what the cache holds; cleared when it grows past
/// [`CACHE_LIMIT`] entries.
static CACHE: std::sync::Mutex<Option<HashMap<String, RestartSpec>>> = std::sync::Mutex::new(None);

/// Most curves the cache keeps.
const CACHE_LIMIT: usize = 256;

/// The restart curve of circuit `c` whose outlets feed products with sales specs `specs`.
pub fn curve(scenario: &Scenario, c: usize, specs: [Option<f64>; 2]) -> Result<RestartSpec> {
    let circuit = &scenario.circuits[c];
    let Some(sep) = &circuit.separation else {
        return Ok(RestartSpec::None);
    };
    if specs.iter().all(Option::is_none) {
        return Ok(RestartSpec::None);
    }
    let key = format!(
        "{sep:?}|{}|{specs:?}|{}|{}",
        circuit.stage_residence_h.to_bits(),
        longest_stop(scenario, c).to_bits(),
        starts_naive(scenario, c)
    );
    let cached = CACHE
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(&key).cloned()));
    if let Some(hit) = cached {
        return Ok(hit);
    }
    let curve = compute(scenario, c, specs)?;
    if let Ok(mut m) = CACHE.lock() {
        let m = m.get_or_insert_with(HashMap::new);
        if m.len() >= CACHE_LIMIT {
            m.clear();
        }
        m.insert(key, curve.clone());
    }
    Ok(curve)
}

/// [`curve`] without the cache.
fn compute(scenario: &Scenario, c: usize, specs: [Option<f64>; 2]) -> Result<RestartSpec> {
    let circuit = &scenario.circuits[c];
    let Some(sep) = &circuit.separation else {
        return Ok(RestartSpec::None);
    };
    let steady = sep.solve().map_err(|e| input(&circuit.name, e))?;
    let options = DynamicOptions {
        residence_h: circuit.stage_residence_h,
        ..DynamicOptions::default()
    };
    let model = DynamicModel::new(sep, &steady, options).map_err(|e| input(&circuit.name, e))?;
    let stops = stop_grid(longest_stop(scenario, c));
    // One run of the dynamic model per stop length, independent of each other: in parallel
    // (the same points at any thread count).
    let points: Vec<RestartPoint> = stops
        .par_iter()
        .map(|d| model.restart_points(std::slice::from_ref(d), specs[0], specs[1]))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| input(&circuit.name, e))?
        .into_iter()
        .flatten()
        .collect();
    let naive = if starts_naive(scenario, c) {
        let p = model
            .naive_start_point(specs[0], specs[1])
            .map_err(|e| input(&circuit.name, e))?;
        Some(figures(&p))
    } else {
        None
    };
    let (off_h, purity) = points.iter().map(figures).unzip();
    Ok(RestartSpec::Curve(RestartCurve {
        stops_h: stops,
        off_h,
        purity,
        naive,
    }))
}

/// A point's off-spec hours and mean purities, (A, B) each.
fn figures(p: &RestartPoint) -> ([f64; 2], [f64; 2]) {
    ([p.off_a_h, p.off_b_h], [p.mean_purity_a, p.mean_purity_b])
}

/// Whether circuit `c` is on a campaign line that changes over from a naive start.
fn starts_naive(scenario: &Scenario, c: usize) -> bool {
    scenario
        .flowsheet
        .lines
        .iter()
        .any(|l| l.circuits.contains(&c) && l.start == ChangeoverStart::Naive)
}

fn input(name: &str, e: crate::chem::ChemError) -> crate::Error {
    crate::Error::Input(format!(
        "circuit \"{name}\": the restart transient cannot be computed: {e}"
    ))
}

/// The longest stop circuit `c` is likely to see: the largest of its repair times (mean plus
/// three standard deviations), maintenance durations and parking on a campaign line, and at
/// most the horizon (no stop in a run lasts longer; a repair mean of 1e300 h asked for a grid
/// of 903 stop lengths up to 4e300 h: hours of dynamic runs).
fn longest_stop(scenario: &Scenario, c: usize) -> f64 {
    let circuit = &scenario.circuits[c];
    let mut longest = MIN_GRID_H;
    for f in &circuit.failures {
        longest = longest.max(f.time_to_repair.mean() * 4.0);
    }
    for m in &circuit.maintenance {
        longest = longest.max(m.duration_h);
    }
    for l in &scenario.flowsheet.lines {
        if l.circuits.contains(&c) {
            if let crate::scenario::flowsheet::LineRule::Length(h) = l.rule {
                longest = longest.max(h * l.circuits.len() as f64 + l.changeover_h * 2.0);
            }
        }
    }
    longest.min(scenario.horizon_h.max(MIN_GRID_H))
}

/// Hours from a naive start (barren cascade) until each of circuit `c`'s outlets (A, B) is
/// on-spec, from the dynamic stage model (0 for an outlet without a spec); `None` without a
/// separation or specs.
pub fn naive_start_h(
    scenario: &Scenario,
    c: usize,
    specs: [Option<f64>; 2],
) -> Result<Option<[f64; 2]>> {
    let circuit = &scenario.circuits[c];
    let Some(sep) = &circuit.separation else {
        return Ok(None);
    };
    if specs.iter().all(Option::is_none) {
        return Ok(None);
    }
    let steady = sep.solve().map_err(|e| input(&circuit.name, e))?;
    let options = DynamicOptions {
        residence_h: circuit.stage_residence_h,
        ..DynamicOptions::default()
    };
    let model = DynamicModel::new(sep, &steady, options).map_err(|e| input(&circuit.name, e))?;
    let p = model
        .naive_start_point(specs[0], specs[1])
        .map_err(|e| input(&circuit.name, e))?;
    Ok(Some([p.off_a_h, p.off_b_h]))
}
