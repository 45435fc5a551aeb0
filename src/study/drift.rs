//! How far each circuit's feed drifted from the composition its cascade was designed for, and
//! what that does to its products: the cascade as built (same stages, same organic and scrub
//! flows per unit of feed) re-solved at the most-drifted feed of any replication, against the
//! same cascade at the design feed. The flow model itself keeps the design purity and splits;
//! this bounds the error of that choice.

use crate::chem::Element;
use crate::chem::elements::reo_mass_to_mole_fractions;
use crate::flow::{FlowResult, PlantSpec};
use crate::scenario::Scenario;

/// One circuit's largest feed drift and its effect on purity.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// Largest |actual - design| REO mass fraction of any element, over the statistics windows
    /// of all replications.
    pub largest: f64,
    /// Replication it happened in.
    pub replication: u64,
    /// Purity (mole fraction of the key group) of the A and B products of the cascade as built
    /// at the feed the flowsheet delivers at design (which may differ from the composition the
    /// scenario's `[circuit.separation]` states), or why it has no solution there.
    pub design_purity: std::result::Result<[f64; 2], String>,
    /// The same, with the cascade re-solved at the drifted feed.
    pub drifted_purity: std::result::Result<[f64; 2], String>,
}

/// Per circuit (in file order), its drift report; `None` without a separation or when the
/// feed never drifted by more than 1e-9. A cascade with no solution at a feed (a scrub
/// section infeasible there) is reported as such, not as an error of the run.
pub fn drifts(scenario: &Scenario, spec: &PlantSpec, results: &[FlowResult]) -> Vec<Option<Drift>> {
    (0..scenario.circuits.len())
        .map(|c| circuit_drift(scenario, spec, results, c))
        .collect()
}

fn circuit_drift(
    scenario: &Scenario,
    spec: &PlantSpec,
    results: &[FlowResult],
    c: usize,
) -> Option<Drift> {
    let sep = scenario.circuits[c].separation.as_ref()?;
    let worst = results
        .iter()
        .filter_map(|r| r.circuits.get(c).map(|x| (r, &x.drift)))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0));
    let (result, (largest, composition)) = worst?;
    if *largest <= 1e-9 {
        return None;
    }
    let design_feed = &spec.parts().circuits[c].design_composition;
    let solve_at = |plant: &[f64]| {
        let moles = circuit_mole_fractions(scenario, sep.elements(), plant);
        sep.with_feed_composition(&moles)
            .and_then(|s| s.solve())
            .map(|s| [s.purity_a, s.purity_b])
            .map_err(|e| e.to_string())
    };
    Some(Drift {
        largest: *largest,
        replication: result.replication,
        design_purity: solve_at(design_feed),
        drifted_purity: solve_at(composition),
    })
}

/// A plant composition (REO mass fractions over the plant's elements) as mole fractions over
/// a circuit's `elements` (renormalised over them).
pub fn circuit_mole_fractions(
    scenario: &Scenario,
    elements: &[Element],
    plant: &[f64],
) -> Vec<f64> {
    let plant_elements = super::build::plant_elements(scenario);
    let masses: Vec<f64> = elements
        .iter()
        .map(|e| {
            plant_elements
                .iter()
                .position(|p| *p == Some(*e))
                .map_or(0.0, |i| plant[i])
        })
        .collect();
    let total: f64 = masses.iter().sum();
    let fractions: Vec<f64> = masses.iter().map(|m| m / total).collect();
    reo_mass_to_mole_fractions(elements, &fractions)
}
