//! Chemistry meets the plant, as reports read it: each product stream with its key group,
//! steady-state purity and design output, each circuit's solved cascade and installed
//! inventory, and the plant the flow model simulates.

use super::build::{Built, build};
use crate::Result;
use crate::chem::{CascadeSolution, Element};
use crate::flow::{Outlet, PlantSpec};
use crate::scenario::Scenario;

/// One product stream of the plant: a product sink.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Stable key fragment: the sink name in snake_case, e.g. `nd` or `ce_pr_nd`.
    pub key: String,
    /// Name for people, e.g. `Nd2O3`, `Ce-Pr-Nd REO`, or the sink name the scenario gives.
    pub label: String,
    /// Index of the (first) circuit it leaves.
    pub circuit: usize,
    /// `"A"` (loaded organic, more extractable group) or `"B"` (raffinate) of that circuit.
    pub outlet: &'static str,
    /// Element symbols of the product's key group.
    pub elements: Vec<String>,
    /// Steady-state purity, mole fraction of the key group (NaN when several outlets feed it
    /// or without chemistry).
    pub purity: f64,
    /// Sales spec, if any (mole fraction).
    pub min_purity: Option<f64>,
    /// Design output, t REO/h.
    pub design_t_per_h: f64,
    /// Index of the plant's product sink.
    pub sink: usize,
}

/// Products, purities and inventories of one layout, and its plant.
#[derive(Debug, Clone)]
pub struct ProductFlows {
    /// Product streams, in sink order.
    pub products: Vec<Product>,
    /// Circuit names, in file order.
    pub circuit_names: Vec<String>,
    /// Installed in-circuit REE inventory of each circuit, t REO (None without a separation).
    pub inventory_t: Vec<Option<f64>>,
    /// Each circuit's solved cascade (None without a separation).
    pub solutions: Vec<Option<CascadeSolution>>,
    /// The plant, statistics from time 0 (the study sets the warm-up).
    pub built: Built,
}

impl ProductFlows {
    /// Solves every circuit and builds the plant of `scenario`.
    pub fn of(scenario: &Scenario) -> Result<Self> {
        let built = build(scenario, 0.0)?;
        let parts = built.spec.parts();
        let products = parts
            .products
            .iter()
            .enumerate()
            .map(|(s, p)| product(&built, s, &p.name, p.min_purity))
            .collect();
        let inventory_t = parts
            .circuits
            .iter()
            .zip(&built.solutions)
            .map(|(c, s)| s.as_ref().map(|_| c.inventory_t * f64::from(c.trains)))
            .collect();
        Ok(ProductFlows {
            products,
            circuit_names: parts.circuits.iter().map(|c| c.name.clone()).collect(),
            inventory_t,
            solutions: built.solutions.clone(),
            built,
        })
    }

    /// The plant with statistics from `warmup_h`.
    pub fn plant_spec(&self, warmup_h: f64) -> PlantSpec {
        let mut parts = self.built.spec.parts().clone();
        let horizon = self.built.horizon_h;
        parts.warmup_h = warmup_h.min(horizon * 0.999_999);
        parts.horizon_h = super::build::window_end(horizon, self.built.cycle_h, parts.warmup_h);
        PlantSpec::new(parts).expect("only the warm-up changed")
    }
}

fn product(built: &Built, s: usize, name: &str, min_purity: Option<f64>) -> Product {
    let parts = built.spec.parts();
    let (circuit, o) = parts
        .circuits
        .iter()
        .enumerate()
        .flat_map(|(c, spec)| (0..2).map(move |o| (c, o, spec.outlets[o])))
        .find(|(_, _, out)| *out == Outlet::Product(s))
        .map(|(c, o, _)| (c, o))
        .unwrap_or((0, 0));
    let elements = built.solutions[circuit]
        .as_ref()
        .map(|sol| {
            let (b, a) = sol.elements.split_at(sol.split_after + 1);
            let group: &[Element] = if o == 0 { a } else { b };
            group.iter().map(|e| e.symbol().to_string()).collect()
        })
        .unwrap_or_default();
    Product {
        key: super::figures::snake(name),
        label: label(name),
        circuit,
        outlet: if o == 0 { "A" } else { "B" },
        elements,
        purity: built.product_purity[s],
        min_purity,
        design_t_per_h: built.product_design[s],
        sink: s,
    }
}

/// `Nd` -> `Nd2O3`, `Ce-Pr-Nd` -> `Ce-Pr-Nd REO`, `Ce-Pr-Nd-Sm-Eu` -> `Ce..Eu REO`, any other
/// sink name as given.
fn label(name: &str) -> String {
    let parts: Vec<Option<Element>> = name.split('-').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(single)] => single.oxide_formula(),
        [Some(first), .., Some(last)] if parts.len() > 3 && parts.iter().all(Option::is_some) => {
            format!("{first}..{last} REO")
        }
        many if many.len() > 1 && many.iter().all(Option::is_some) => format!("{name} REO"),
        _ => name.to_string(),
    }
}
