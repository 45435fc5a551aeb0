//! Chemistry meets the plant: each circuit's solved split fractions for the plant model, the
//! steady-state REO mass of each product per feed lot with its purity, and each circuit's
//! in-circuit REE inventory.
//!
//! Each circuit's steady-state cascade is solved once per layout. The plant tracks the REO
//! mass of every element of the feed (t REO per lot); a lot leaving circuit c on-spec sends
//! `split_to_a[e]` of element e's mass to the A outlet (loaded organic) and the rest to B, as
//! the solved cascade says; outlets go to tanks (the next circuits) or product sinks, as the
//! scenario's flowsheet says. The steady-state trace below follows one feed lot's masses
//! through that DAG; the simulation reports what the sinks actually received.

use crate::Result;
use crate::chem::{self, CascadeSolution, Element};
use crate::plant::{FlowsheetSpec, Outlet, PlantSpec, Source};
use crate::scenario::Scenario;
use crate::scenario::flowsheet::Splits;

/// One product stream of the plant: a product sink fed by at least one circuit with a
/// separation.
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
    /// Element symbols of the product's key group (all outlets feeding the sink).
    pub elements: Vec<String>,
    /// Key-group share of total REE in the product, mole fraction (steady state: the cascade's
    /// purity for a sink fed by one outlet, else from the traced masses).
    pub purity: f64,
    /// REO mass of the product per feed lot at steady state, tonnes.
    pub t_reo_per_lot: f64,
    /// Index of the plant's product sink (`ReplicationResult::sinks`).
    pub sink: usize,
}

/// Products, purities and inventories of one layout, and the plant's element masses and splits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductFlows {
    /// Product streams, in sink order (B before A within a circuit).
    pub products: Vec<Product>,
    /// Circuit names, in file order.
    pub circuit_names: Vec<String>,
    /// REO mass of one feed lot, tonnes.
    pub feed_t_reo_per_lot: f64,
    /// Tonnes REO per unit of the plant's mass (1 when elements are tracked in t REO; the lot
    /// mass when the plant counts lots).
    pub t_per_mass_unit: f64,
    /// In-circuit REE inventory of each circuit at the design feed rate, t REO (None without a
    /// separation).
    pub inventory_t: Vec<Option<f64>>,
    /// Each circuit's solved cascade (None without a separation).
    pub solutions: Vec<Option<CascadeSolution>>,
    /// Element masses and split fractions the plant model needs.
    pub splits: Splits,
}

type Masses = Vec<f64>;

impl ProductFlows {
    /// Solves every circuit's separation and traces one feed lot's REO mass through the plant.
    pub fn of(scenario: &Scenario) -> Result<Self> {
        let lot_t = scenario.feed.lot_reo_t();
        let tracked = feed_masses(scenario, lot_t);
        let elements: Vec<Element> = tracked.iter().map(|(e, _)| *e).collect();
        let solutions = solve_all(scenario)?;
        let splits = Splits {
            elements: elements.iter().map(|e| e.symbol().to_string()).collect(),
            lot_mass: tracked.iter().map(|(_, m)| *m).collect(),
            per_circuit: solutions
                .iter()
                .map(|s| s.as_ref().map(|s| split_over(&elements, s)))
                .collect(),
        };
        let spec = scenario.plant_spec_with(0.0, &splits);
        let trace = Trace::of(&spec.flowsheet, spec.circuits.len());
        for (c, inlet) in trace.inlets.iter().enumerate() {
            check_inlet(inlet, &elements, scenario, c)?;
        }
        let t_per_mass_unit = if elements.is_empty() { lot_t } else { 1.0 };
        let lots_per_h = 1.0 / scenario.feed.interarrival.mean();
        let inventory_t = solutions
            .iter()
            .enumerate()
            .map(|(c, s)| {
                s.as_ref().map(|s| {
                    let inlet_t: f64 = trace.inlets[c].iter().sum::<f64>() * t_per_mass_unit;
                    let residence = mean_residence(&scenario.circuits[c].spec);
                    s.inventory_factor_reo() * inlet_t * lots_per_h * residence
                })
            })
            .collect();
        let products = products(
            &spec.flowsheet,
            &solutions,
            &elements,
            &trace,
            t_per_mass_unit,
        );
        Ok(ProductFlows {
            products,
            circuit_names: scenario
                .circuits
                .iter()
                .map(|c| c.spec.name.clone())
                .collect(),
            feed_t_reo_per_lot: lot_t,
            t_per_mass_unit,
            inventory_t,
            solutions,
            splits,
        })
    }

    /// The plant of `scenario` with these element masses and splits, statistics after
    /// `warmup_h` hours.
    pub fn plant_spec(&self, scenario: &Scenario, warmup_h: f64) -> PlantSpec {
        scenario.plant_spec_with(warmup_h, &self.splits)
    }
}

/// Each circuit's solved cascade (None without a separation).
fn solve_all(scenario: &Scenario) -> Result<Vec<Option<CascadeSolution>>> {
    scenario
        .circuits
        .iter()
        .map(|circuit| {
            circuit
                .separation
                .as_ref()
                .map(|sep| {
                    sep.solve().map_err(|e| {
                        crate::Error::Input(format!(
                            "circuit \"{}\": the cascade cannot be solved: {e}",
                            circuit.spec.name
                        ))
                    })
                })
                .transpose()
        })
        .collect()
}

/// The split to A of each tracked element (an element the separation does not list cannot
/// reach it: validation rejects that; it is given 1).
fn split_over(tracked: &[Element], solution: &CascadeSolution) -> Vec<f64> {
    tracked
        .iter()
        .map(|e| {
            solution
                .elements
                .iter()
                .position(|x| x == e)
                .map_or(1.0, |i| solution.split_to_a[i])
        })
        .collect()
}

/// REO mass per feed lot of each tracked element (in element order), tonnes:
/// `feed.composition`, else the feed circuit's separation feed; empty when neither says (the
/// plant then counts lots).
fn feed_masses(scenario: &Scenario, lot_t: f64) -> Vec<(Element, f64)> {
    if let Some(composition) = &scenario.feed.composition {
        let mut masses: Vec<(Element, f64)> = composition
            .iter()
            .filter_map(|(symbol, f)| symbol.parse::<Element>().ok().map(|e| (e, f * lot_t)))
            .collect();
        masses.sort_by_key(|(e, _)| *e);
        return masses;
    }
    let feed_circuit = scenario
        .flowsheet
        .routes
        .iter()
        .position(|r| r.feed_from == crate::scenario::flowsheet::FeedFrom::Feed);
    let Some(sep) = feed_circuit.and_then(|c| scenario.circuits[c].separation.as_ref()) else {
        return Vec::new();
    };
    let mass = chem::elements::mole_to_reo_mass_fractions(sep.elements(), sep.feed_composition());
    sep.elements()
        .iter()
        .copied()
        .zip(mass.into_iter().map(|f| f * lot_t))
        .collect()
}

/// Every element with mass in a circuit's inlet must be one its separation handles.
fn check_inlet(inlet: &[f64], tracked: &[Element], scenario: &Scenario, c: usize) -> Result<()> {
    let circuit = &scenario.circuits[c];
    let Some(sep) = &circuit.separation else {
        return Ok(());
    };
    for (element, mass) in tracked.iter().zip(inlet) {
        if *mass > 0.0 && !sep.elements().contains(element) {
            return Err(crate::Error::Input(format!(
                "circuit \"{}\": its feed carries {} but circuit.separation.elements does not list it; every element must go somewhere",
                circuit.spec.name,
                element.symbol()
            )));
        }
    }
    Ok(())
}

/// Steady-state masses per feed lot: each circuit's inlet and each sink's intake.
struct Trace {
    inlets: Vec<Masses>,
    sinks: Vec<Masses>,
}

impl Trace {
    /// Follows one feed lot through the flowsheet's DAG in topological order.
    fn of(fs: &FlowsheetSpec, circuits: usize) -> Trace {
        let e = fs.lot_mass.len().max(1);
        let lot: Masses = if fs.lot_mass.is_empty() {
            vec![1.0]
        } else {
            fs.lot_mass.clone()
        };
        let mut tanks = vec![vec![0.0; e]; fs.tanks.len()];
        let mut trace = Trace {
            inlets: vec![vec![0.0; e]; circuits],
            sinks: vec![vec![0.0; e]; fs.sinks.len()],
        };
        for c in topological(fs, circuits) {
            let route = &fs.routes[c];
            let inlet = match route.source {
                Source::Feed => lot.clone(),
                Source::Tank(t) => tanks[t].clone(),
            };
            for (outlet, share) in [(route.a, true), (route.b, false)] {
                let target = match outlet {
                    Outlet::Tank(t) => &mut tanks[t],
                    Outlet::Sink(s) => &mut trace.sinks[s],
                };
                for ((x, m), s) in target.iter_mut().zip(&inlet).zip(&route.split_to_a) {
                    *x += if share { m * s } else { m - m * s };
                }
            }
            trace.inlets[c] = inlet;
        }
        trace
    }
}

/// Circuits in an order where each comes after every circuit feeding its source tank.
fn topological(fs: &FlowsheetSpec, circuits: usize) -> Vec<usize> {
    let feeds = |c: usize, d: usize| {
        let r = &fs.routes[c];
        matches!(fs.routes[d].source, Source::Tank(t) if r.a == Outlet::Tank(t) || r.b == Outlet::Tank(t))
    };
    let mut order = Vec::with_capacity(circuits);
    let mut placed = vec![false; circuits];
    while order.len() < circuits {
        let before = order.len();
        for d in 0..circuits {
            if !placed[d] && (0..circuits).all(|c| placed[c] || !feeds(c, d)) {
                placed[d] = true;
                order.push(d);
            }
        }
        assert!(order.len() > before, "validated flowsheets are acyclic");
    }
    order
}

/// One product per sink fed by a circuit with a separation.
fn products(
    fs: &FlowsheetSpec,
    solutions: &[Option<CascadeSolution>],
    tracked: &[Element],
    trace: &Trace,
    t_per_mass_unit: f64,
) -> Vec<Product> {
    let mut out = Vec::new();
    for (s, name) in fs.sinks.iter().enumerate() {
        let producers: Vec<(usize, bool)> = fs
            .routes
            .iter()
            .enumerate()
            .flat_map(|(c, r)| [(c, r.b, false), (c, r.a, true)])
            .filter(|(c, o, _)| *o == Outlet::Sink(s) && solutions[*c].is_some())
            .map(|(c, _, a)| (c, a))
            .collect();
        let Some(&(circuit, first_a)) = producers.first() else {
            continue;
        };
        let mut group: Vec<Element> = Vec::new();
        for &(c, a) in &producers {
            let sol = solutions[c].as_ref().expect("producer has a solution");
            let (b_group, a_group) = sol.elements.split_at(sol.split_after + 1);
            for e in if a { a_group } else { b_group } {
                if !group.contains(e) {
                    group.push(*e);
                }
            }
        }
        let purity = match producers.as_slice() {
            [(c, a)] => {
                let sol = solutions[*c].as_ref().expect("solution");
                if *a { sol.purity_a } else { sol.purity_b }
            }
            _ => mole_purity(tracked, &trace.sinks[s], &group),
        };
        out.push(Product {
            key: super::figures::snake(name),
            label: label(name),
            circuit,
            outlet: if first_a { "A" } else { "B" },
            elements: group.iter().map(|e| e.symbol().to_string()).collect(),
            purity,
            t_reo_per_lot: trace.sinks[s].iter().sum::<f64>() * t_per_mass_unit,
            sink: s,
        });
    }
    out
}

/// Key-group mole fraction of traced REO masses.
fn mole_purity(tracked: &[Element], masses: &[f64], group: &[Element]) -> f64 {
    if tracked.is_empty() {
        return f64::NAN;
    }
    let moles = chem::elements::reo_mass_to_moles(tracked, masses);
    let total: f64 = moles.iter().sum();
    let key: f64 = tracked
        .iter()
        .zip(&moles)
        .filter(|(e, _)| group.contains(e))
        .map(|(_, n)| n)
        .sum();
    if total > 0.0 { key / total } else { f64::NAN }
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
