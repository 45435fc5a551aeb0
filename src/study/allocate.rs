//! Where should the next trains go? Greedy allocation with common random numbers: at each step
//! every circuit gets one more train in turn, and the one whose paired gain in plant on-spec
//! output is largest keeps it.

use super::{LayoutResult, layout};
use crate::Result;
use crate::experiment::{self, Paired};
use crate::scenario::{FieldPath, Override, Scenario, ScenarioSource};

/// The figure allocation maximises: plant on-spec REO output, t REO/yr.
pub const OBJECTIVE: &str = "throughput";

/// One step of the greedy allocation.
#[derive(Debug, Clone)]
pub struct Step {
    /// The circuit that got the train.
    pub circuit: String,
    /// Trains per circuit after the step, in flow order.
    pub trains: Vec<u32>,
    /// Mean on-spec output after the step, t REO/yr.
    pub output: f64,
    /// Paired change of on-spec output against the previous step.
    pub gain: Paired,
    /// Every candidate's paired change at this step (circuit name, change), flow order.
    pub candidates: Vec<(String, Paired)>,
}

/// The allocation: the starting layout and the steps taken.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// Trains per circuit at the start.
    pub start_trains: Vec<u32>,
    /// On-spec output at the start, t REO/yr.
    pub start_output: f64,
    /// Circuit names, flow order.
    pub circuits: Vec<String>,
    /// Greedy steps, one per extra train.
    pub steps: Vec<Step>,
}

/// Adds `budget` trains one at a time where each adds the most on-spec output (paired over
/// `reps` replications with common random numbers).
pub fn allocate(
    source: &ScenarioSource,
    budget: u32,
    seed: Option<u64>,
    reps: Option<u32>,
    threads: Option<usize>,
) -> Result<Allocation> {
    let base = source.base()?;
    let seed = seed.unwrap_or(base.seed);
    let reps = reps.unwrap_or(base.replications).max(2);
    let circuits: Vec<String> = base.circuits.iter().map(|c| c.name.clone()).collect();
    let mut trains: Vec<u32> = base.circuits.iter().map(|c| c.trains).collect();
    let mut current = layout("start", &base, seed, reps, threads)?;
    let start_output = mean(&current);
    let mut steps = Vec::new();
    for _ in 0..budget {
        let mut best: Option<(usize, LayoutResult, Paired)> = None;
        let mut candidates = Vec::new();
        for (c, name) in circuits.iter().enumerate() {
            let mut next = trains.clone();
            next[c] += 1;
            let scenario = with_trains(source, &circuits, &next)?;
            let result = layout(name, &scenario, seed, reps, threads)?;
            let gain = experiment::paired(&column(&current), &column(&result))?;
            candidates.push((name.clone(), gain));
            if best
                .as_ref()
                .is_none_or(|(_, _, g)| gain.difference.estimate > g.difference.estimate)
            {
                best = Some((c, result, gain));
            }
        }
        let Some((c, result, gain)) = best else { break };
        trains[c] += 1;
        steps.push(Step {
            circuit: circuits[c].clone(),
            trains: trains.clone(),
            output: mean(&result),
            gain,
            candidates,
        });
        current = result;
    }
    Ok(Allocation {
        start_trains: base.circuits.iter().map(|c| c.trains).collect(),
        start_output,
        circuits,
        steps,
    })
}

/// The scenario with the given trains per circuit.
fn with_trains(source: &ScenarioSource, circuits: &[String], trains: &[u32]) -> Result<Scenario> {
    let overrides: Vec<Override> = circuits
        .iter()
        .zip(trains)
        .map(|(name, t)| Override {
            key: format!("circuit.{name}.trains"),
            value: toml::Value::Integer(i64::from(*t)),
            origin: FieldPath::default(),
        })
        .collect();
    Ok(source.with_overrides(None, &overrides)?)
}

/// The objective of every replication, in replication order.
fn column(layout: &LayoutResult) -> Vec<f64> {
    layout
        .replications
        .iter()
        .map(|figs| {
            figs.iter()
                .find(|f| f.name == OBJECTIVE)
                .map_or(f64::NAN, |f| f.value)
        })
        .collect()
}

fn mean(layout: &LayoutResult) -> f64 {
    layout
        .summaries
        .iter()
        .find(|s| s.name == OBJECTIVE)
        .map_or(f64::NAN, |s| s.stats.mean)
}
