//! A circuit's restart curve from its dynamic stage model: off-spec hours and mean purity of
//! each outlet's liquor after stops of every length on a grid covering the scenario's repair,
//! maintenance and parking times, judged against the sales specs of the products the outlets
//! feed.

use crate::Result;
use crate::chem::dynamic::{DynamicModel, DynamicOptions, Target};
use crate::flow::{RestartCurve, RestartSpec};
use crate::scenario::Scenario;

/// Longest stop the grid covers when nothing longer is configured, hours.
const MIN_GRID_H: f64 = 24.0;

/// The restart curve of circuit `c` whose outlets feed products with sales specs `specs`.
pub fn curve(scenario: &Scenario, c: usize, specs: [Option<f64>; 2]) -> Result<RestartSpec> {
    let circuit = &scenario.circuits[c];
    let Some(sep) = &circuit.separation else {
        return Ok(RestartSpec::None);
    };
    if specs.iter().all(Option::is_none) {
        return Ok(RestartSpec::None);
    }
    let steady = sep.solve().map_err(|e| input(&circuit.name, e))?;
    let target = |spec: Option<f64>, steady: f64| match spec {
        // A product without a spec never goes off-spec: a threshold below any purity.
        None => Target::Purity(1e-9_f64.min(steady * 0.5)),
        Some(p) => Target::Purity(p),
    };
    let options = DynamicOptions {
        residence_h: circuit.stage_residence_h,
        target_a: target(specs[0], steady.purity_a),
        target_b: target(specs[1], steady.purity_b),
        until_steady: false,
        ..DynamicOptions::default()
    };
    let model = DynamicModel::new(sep, &steady, options).map_err(|e| input(&circuit.name, e))?;
    let stops = grid(longest_stop(scenario, c));
    let mut off_h = Vec::new();
    let mut purity = Vec::new();
    for &d in &stops {
        let t = model.after_stop(d).map_err(|e| input(&circuit.name, e))?;
        let off = [
            t.on_spec_a_h().unwrap_or(0.0),
            t.on_spec_b_h().unwrap_or(0.0),
        ];
        let mean = [
            mean_purity(&t, off[0], true),
            mean_purity(&t, off[1], false),
        ];
        off_h.push(off);
        purity.push(mean);
    }
    Ok(RestartSpec::Curve(RestartCurve {
        stops_h: stops,
        off_h,
        purity,
        naive: None,
    }))
}

fn input(name: &str, e: crate::chem::ChemError) -> crate::Error {
    crate::Error::Input(format!(
        "circuit \"{name}\": the restart transient cannot be computed: {e}"
    ))
}

/// Flow-weighted mean purity of a product over [0, off] hours, by the trapezoid rule over
/// the run's samples (steady purity when off = 0).
fn mean_purity(t: &crate::chem::Transient, off_h: f64, a: bool) -> f64 {
    let steady = if a {
        t.steady_purity.0
    } else {
        t.steady_purity.1
    };
    if off_h <= 0.0 {
        return steady;
    }
    let (mut mass, mut pure) = (0.0, 0.0);
    let mut prev: Option<(f64, f64, f64)> = None;
    for s in &t.samples {
        let (p, f) = if a {
            (s.purity_a, s.flow_a)
        } else {
            (s.purity_b, s.flow_b)
        };
        let th = s.t_h.min(off_h);
        if let Some((t0, p0, f0)) = prev {
            let dt = th - t0;
            if dt > 0.0 {
                mass += 0.5 * (f0 + f) * dt;
                pure += 0.5 * (f0 * p0 + f * p) * dt;
            }
        }
        prev = Some((th, p, f));
        if s.t_h >= off_h {
            break;
        }
    }
    if mass > 0.0 { pure / mass } else { steady }
}

/// The longest stop circuit `c` is likely to see: the largest of its repair times (mean plus
/// three standard deviations), maintenance durations and parking on a campaign line.
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
    longest
}

/// 0, then about three points per decade from 0.25 h to `max_h`.
fn grid(max_h: f64) -> Vec<f64> {
    let mut out = vec![0.0];
    let mut x = 0.25;
    while x < max_h {
        out.push(x);
        x *= 10f64.powf(1.0 / 3.0);
    }
    out.push(max_h);
    out
}
