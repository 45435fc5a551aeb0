//! Chemistry meets the plant: how the REO mass of one on-spec lot leaving each circuit splits
//! into products, with their purities, and each circuit's in-circuit REE inventory.
//!
//! Each circuit's steady-state cascade is solved once per layout. A lot entering circuit c
//! carries a mass of each element (t REO); leaving on-spec, each element splits to the A
//! (organic) and B (raffinate) outlets by the solved fraction. With circuits in series, the
//! outlet that holds the next circuit's elements continues; the other outlet is a product.

use crate::Result;
use crate::chem::{self, CascadeSolution, Element};
use crate::scenario::Scenario;

/// One product stream of the plant.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Stable key fragment, e.g. `nd` or `ce_pr_nd`.
    pub key: String,
    /// Name for people, e.g. `Nd2O3` or `Ce-Pr-Nd REO`.
    pub label: String,
    /// Index of the circuit it leaves.
    pub circuit: usize,
    /// `"A"` (loaded organic, more extractable group) or `"B"` (raffinate).
    pub outlet: &'static str,
    /// Element symbols of the product's key group.
    pub elements: Vec<String>,
    /// Key-group share of total REE in the product, mole fraction (steady-state cascade).
    pub purity: f64,
    /// REO mass of the product per on-spec lot leaving the circuit, tonnes.
    pub t_reo_per_lot: f64,
}

/// Products, purities and inventories of one layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductFlows {
    /// Product streams, in circuit order (B before A within a circuit).
    pub products: Vec<Product>,
    /// Circuit names, in flow order.
    pub circuit_names: Vec<String>,
    /// REO mass of one feed lot, tonnes.
    pub feed_t_reo_per_lot: f64,
    /// In-circuit REE inventory of each circuit at the design feed rate, t REO (None without a
    /// separation).
    pub inventory_t: Vec<Option<f64>>,
    /// Each circuit's solved cascade (None without a separation).
    pub solutions: Vec<Option<CascadeSolution>>,
}

impl ProductFlows {
    /// Solves every circuit's separation and traces the REO mass of one lot through the plant.
    pub fn of(scenario: &Scenario) -> Result<Self> {
        let lot_t = scenario.feed.lot_reo_t();
        let lots_per_h = 1.0 / scenario.feed.interarrival.mean();
        let mut inlet = feed_masses(scenario, lot_t)?;
        let mut flows = ProductFlows {
            circuit_names: scenario
                .circuits
                .iter()
                .map(|c| c.spec.name.clone())
                .collect(),
            feed_t_reo_per_lot: lot_t,
            ..Default::default()
        };
        for (c, circuit) in scenario.circuits.iter().enumerate() {
            let Some(sep) = &circuit.separation else {
                flows.inventory_t.push(None);
                flows.solutions.push(None);
                continue;
            };
            let solution = sep.solve().map_err(|e| {
                crate::Error::Input(format!(
                    "circuit \"{}\": the cascade cannot be solved: {e}",
                    circuit.spec.name
                ))
            })?;
            check_inlet(&inlet, sep.elements(), &circuit.spec.name)?;
            let inlet_t: f64 = inlet.iter().map(|(_, m)| m).sum();
            let residence_h = mean_residence(&circuit.spec);
            let inventory = solution.inventory_factor_reo() * inlet_t * lots_per_h * residence_h;
            flows.inventory_t.push(Some(inventory));
            let (a, b) = split(&inlet, sep.elements(), &solution);
            let next = scenario
                .circuits
                .get(c + 1)
                .and_then(|n| n.separation.as_ref());
            let continues_a = match next {
                None => None,
                Some(n) => Some(continuing_outlet(n.elements(), &a, &b, &circuit.spec.name)?),
            };
            let (purity_a, purity_b) = (solution.purity_a, solution.purity_b);
            let groups = groups(sep);
            if continues_a != Some(false) {
                flows
                    .products
                    .push(product(c, "B", &groups.1, purity_b, &b));
            }
            if continues_a != Some(true) {
                flows
                    .products
                    .push(product(c, "A", &groups.0, purity_a, &a));
            }
            inlet = match continues_a {
                Some(true) => a,
                Some(false) => b,
                None => inlet,
            };
            flows.solutions.push(Some(solution));
        }
        Ok(flows)
    }
}

type Masses = Vec<(Element, f64)>;

/// REO mass per lot of each element entering the first circuit, tonnes.
fn feed_masses(scenario: &Scenario, lot_t: f64) -> Result<Masses> {
    if let Some(composition) = &scenario.feed.composition {
        return Ok(composition
            .iter()
            .filter_map(|(symbol, f)| symbol.parse::<Element>().ok().map(|e| (e, f * lot_t)))
            .collect());
    }
    let Some(sep) = scenario
        .circuits
        .first()
        .and_then(|c| c.separation.as_ref())
    else {
        return Ok(Vec::new());
    };
    let mass = chem::elements::mole_to_reo_mass_fractions(sep.elements(), sep.feed_composition());
    Ok(sep
        .elements()
        .iter()
        .copied()
        .zip(mass.into_iter().map(|f| f * lot_t))
        .collect())
}

/// Every element with mass in the inlet must be one the separation handles.
fn check_inlet(inlet: &Masses, elements: &[Element], circuit: &str) -> Result<()> {
    for (element, mass) in inlet {
        if *mass > 0.0 && !elements.contains(element) {
            return Err(crate::Error::Input(format!(
                "circuit \"{circuit}\": its feed carries {} but circuit.separation.elements does not list it; every element must go somewhere",
                element.symbol()
            )));
        }
    }
    Ok(())
}

/// The inlet masses split to the A and B outlets by the solved fractions.
fn split(inlet: &Masses, elements: &[Element], solution: &CascadeSolution) -> (Masses, Masses) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (element, mass) in inlet {
        let i = elements.iter().position(|e| e == element).unwrap_or(0);
        let to_a = solution.split_to_a[i];
        a.push((*element, mass * to_a));
        b.push((*element, mass * (1.0 - to_a)));
    }
    (a, b)
}

/// Whether the A outlet (true) or the B outlet (false) feeds the next circuit: the one whose
/// mass is mostly the next circuit's elements.
fn continuing_outlet(next: &[Element], a: &Masses, b: &Masses, circuit: &str) -> Result<bool> {
    let share = |m: &Masses| {
        let total: f64 = m.iter().map(|(_, x)| x).sum();
        let inside: f64 = m
            .iter()
            .filter(|(e, _)| next.contains(e))
            .map(|(_, x)| x)
            .sum();
        if total > 0.0 { inside / total } else { 0.0 }
    };
    let (sa, sb) = (share(a), share(b));
    if sa.max(sb) < 0.5 {
        return Err(crate::Error::Input(format!(
            "circuit \"{circuit}\": neither of its products is mostly the next circuit's elements; circuits in series must pass one product on"
        )));
    }
    Ok(sa >= sb)
}

/// The A (more extractable) and B key groups of a separation.
fn groups(sep: &chem::SeparationSpec) -> (Vec<Element>, Vec<Element>) {
    let (b, a) = sep.elements().split_at(sep.split_after() + 1);
    (a.to_vec(), b.to_vec())
}

fn product(
    circuit: usize,
    outlet: &'static str,
    group: &[Element],
    purity: f64,
    masses: &Masses,
) -> Product {
    let symbols: Vec<String> = group.iter().map(|e| e.symbol().to_string()).collect();
    let label = match group {
        [single] => single.oxide_formula(),
        [first, .., last] if group.len() > 3 => format!("{first}..{last} REO"),
        _ => format!("{} REO", symbols.join("-")),
    };
    Product {
        key: symbols
            .iter()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
        label,
        circuit,
        outlet,
        elements: symbols,
        purity,
        t_reo_per_lot: masses.iter().map(|(_, m)| m).sum(),
    }
}

/// Mean stage residence time along a train, hours (the stages of a circuit's chain).
fn mean_residence(spec: &crate::plant::CircuitSpec) -> f64 {
    let stages: u32 = spec.stages.iter().map(|g| g.count).sum();
    let total: f64 = spec
        .stages
        .iter()
        .map(|g| g.residence.mean() * f64::from(g.count))
        .sum();
    total / f64::from(stages.max(1))
}
