//! Scenario + chemistry -> the plant the flow model simulates.
//!
//! Every circuit's cascade is solved once; its split fractions route each element between the
//! A and B outlets; the design feed of every circuit follows from a steady-state trace of the
//! plant feed through the flowsheet (in t REO/h per element); each product's batch defaults to
//! 24 h of its design output; a product spec above the steady-state purity of what feeds it is
//! an input error saying by how much.

use super::circuit_data::{bypass_purities, train_inventory_t};
use crate::Result;
use crate::chem::{self, CascadeSolution, Element};
use crate::flow::*;
use crate::scenario::flowsheet::{Dest, FeedFrom, LineRule, default_sink};
use crate::scenario::{CrewChoice, Restart, Scenario};

/// The plant of a scenario and what reports need to read it.
#[derive(Debug, Clone)]
pub struct Built {
    /// The validated plant.
    pub spec: PlantSpec,
    /// Each circuit's solved cascade (None without a separation).
    pub solutions: Vec<Option<CascadeSolution>>,
    /// Design feed of each circuit (all trains), t REO/h.
    pub circuit_feed: Vec<f64>,
    /// The scenario's horizon, hours (the plant's may end earlier, at a whole campaign cycle).
    pub horizon_h: f64,
    /// The longest campaign cycle of its lines, hours (0 without lines switching by length).
    pub cycle_h: f64,
    /// Design output of each product, t REO/h.
    pub product_design: Vec<f64>,
    /// Design output of each product per element, t REO/h.
    pub product_elements: Vec<Vec<f64>>,
    /// Steady-state purity of each product (mole fraction of its key group).
    pub product_purity: Vec<f64>,
}

/// The longest campaign cycle of the scenario's lines that switch by length (every circuit of
/// the line once, with its changeover), hours; 0 without such lines.
pub fn campaign_cycle_h(scenario: &Scenario) -> f64 {
    scenario
        .flowsheet
        .lines
        .iter()
        .filter_map(|l| match l.rule {
            LineRule::Length(h) => Some(l.circuits.len() as f64 * (h + l.changeover_h)),
            LineRule::Below(_) => None,
        })
        .fold(0.0, f64::max)
}

/// The end of the statistics window, hours: `horizon_h`, or with a campaign cycle the end of
/// the last whole cycle after the warm-up (when at least one fits), so every circuit of a line
/// runs its full share of the window: over a partial cycle the circuit running at the end is
/// credited with stock drawn from its tank.
pub fn window_end(horizon_h: f64, cycle_h: f64, warmup_h: f64) -> f64 {
    let cycles = ((horizon_h - warmup_h) / cycle_h).floor();
    if cycle_h > 0.0 && cycles >= 1.0 {
        warmup_h + cycles * cycle_h
    } else {
        horizon_h
    }
}

/// Builds the plant of `scenario` with statistics from `warmup_h`.
pub fn build(scenario: &Scenario, warmup_h: f64) -> Result<Built> {
    let (elements, composition) = feed_elements(scenario);
    let solutions = solve_all(scenario)?;
    let routes = Routes::of(scenario);
    let splits: Vec<Vec<f64>> = solutions
        .iter()
        .map(|s| match s {
            Some(s) => split_over(&elements, s),
            None => vec![1.0; elements.len()],
        })
        .collect();
    let trace = trace(scenario, &routes, &splits, &composition);
    let mut circuits = Vec::new();
    for (c, circuit) in scenario.circuits.iter().enumerate() {
        circuits.push(circuit_spec(
            scenario, c, &routes, &splits, &trace, &solutions, &elements,
        )?);
        let _ = circuit;
    }
    let products = product_specs(scenario, &routes, &trace, &solutions, &circuits)?;
    let tanks = routes
        .tanks
        .iter()
        .enumerate()
        .map(|(t, (name, cap))| TankSpec {
            name: name.clone(),
            capacity: cap.map(|a| a.tonnes(trace.tank_in[t])),
        })
        .collect();
    let fs = &scenario.flowsheet;
    let lines = fs
        .lines
        .iter()
        .map(|l| LineSpec {
            name: l.name.clone(),
            circuits: l.circuits.clone(),
            rule: match l.rule {
                LineRule::Length(h) => SwitchRule::Length(h),
                LineRule::Below(a) => SwitchRule::Below(a.tonnes(trace.circuit_in[l.circuits[0]])),
            },
            changeover_h: l.changeover_h,
            start: l.start,
        })
        .collect();
    let parts = PlantParts {
        horizon_h: window_end(scenario.horizon_h, campaign_cycle_h(scenario), warmup_h),
        warmup_h,
        elements: elements
            .iter()
            .map(|e| e.map_or("REO".into(), |e| e.symbol().to_string()))
            .collect(),
        feed: FeedSpec {
            rate: scenario.feed.rate,
            composition: composition.clone(),
            tank_capacity: scenario.feed.tank_capacity,
            when_full: scenario.feed.when_full,
            outage: scenario.feed.outage.clone(),
        },
        tanks,
        circuits,
        products: products.iter().map(|p| p.0.clone()).collect(),
        lines,
        crew_pools: fs.crew_pools.clone(),
        finishing: fs.finishing.clone(),
    };
    let spec = PlantSpec::new(parts).map_err(|e| crate::Error::Internal(e.to_string()))?;
    Ok(Built {
        spec,
        horizon_h: scenario.horizon_h,
        cycle_h: campaign_cycle_h(scenario),
        solutions,
        circuit_feed: trace.circuit_in.clone(),
        product_design: products.iter().map(|p| p.1).collect(),
        product_elements: trace.sink_in.clone(),
        product_purity: products.iter().map(|p| p.2).collect(),
    })
}

/// Tracked elements (None = one "REO" component without chemistry) and the feed's REO mass
/// fractions.
/// The plant's tracked elements, in the order of its flows (`None`: one "REO" component when
/// the plant has no chemistry).
pub fn plant_elements(scenario: &Scenario) -> Vec<Option<Element>> {
    feed_elements(scenario).0
}

fn feed_elements(scenario: &Scenario) -> (Vec<Option<Element>>, Vec<f64>) {
    if let Some(c) = &scenario.feed.composition {
        let mut pairs: Vec<(Element, f64)> = c
            .iter()
            .filter_map(|(s, f)| s.parse::<Element>().ok().map(|e| (e, *f)))
            .collect();
        pairs.sort_by_key(|(e, _)| *e);
        return (
            pairs.iter().map(|p| Some(p.0)).collect(),
            pairs.iter().map(|p| p.1).collect(),
        );
    }
    let first = scenario
        .flowsheet
        .routes
        .iter()
        .position(|r| r.feed_from == FeedFrom::Feed);
    match first.and_then(|c| scenario.circuits[c].separation.as_ref()) {
        Some(sep) => (
            sep.elements().iter().map(|e| Some(*e)).collect(),
            chem::elements::mole_to_reo_mass_fractions(sep.elements(), sep.feed_composition()),
        ),
        None => (vec![None], vec![1.0]),
    }
}

fn solve_all(scenario: &Scenario) -> Result<Vec<Option<CascadeSolution>>> {
    scenario
        .circuits
        .iter()
        .map(|c| {
            c.separation
                .as_ref()
                .map(|sep| {
                    sep.solve().map_err(|e| {
                        crate::Error::Input(format!(
                            "{}circuit.{}.separation: the cascade cannot be solved: {e}",
                            scenario.file().map_or(String::new(), |f| format!("{f}: ")),
                            c.name
                        ))
                    })
                })
                .transpose()
        })
        .collect()
}

fn split_over(tracked: &[Option<Element>], solution: &CascadeSolution) -> Vec<f64> {
    tracked
        .iter()
        .map(|e| {
            e.and_then(|e| solution.elements.iter().position(|x| *x == e))
                .map_or(1.0, |i| solution.split_to_a[i])
        })
        .collect()
}

/// Sources, outlets, tanks (with implicit series tanks) and product sink names.
struct Routes {
    sources: Vec<Source>,
    outlets: Vec<[Outlet; 2]>,
    tanks: Vec<(String, Option<crate::scenario::Amount>)>,
    sinks: Vec<String>,
}

impl Routes {
    fn of(scenario: &Scenario) -> Routes {
        let fs = &scenario.flowsheet;
        let n = fs.routes.len();
        let mut tanks: Vec<(String, Option<crate::scenario::Amount>)> = fs
            .tanks
            .iter()
            .map(|t| (t.name.clone(), t.capacity))
            .collect();
        let mut implicit = vec![None; n];
        for (c, slot) in implicit.iter_mut().enumerate().skip(1) {
            if fs.routes[c].feed_from == FeedFrom::Previous {
                *slot = Some(tanks.len());
                let name = format!(
                    "{} to {}",
                    scenario.circuits[c - 1].name,
                    scenario.circuits[c].name
                );
                tanks.push((name, None));
            }
        }
        let mut sinks: Vec<String> = Vec::new();
        let mut sink = |name: String| -> Outlet {
            let s = sinks.iter().position(|x| *x == name).unwrap_or_else(|| {
                sinks.push(name);
                sinks.len() - 1
            });
            Outlet::Product(s)
        };
        let mut sources = Vec::new();
        let mut outlets = Vec::new();
        for (c, r) in fs.routes.iter().enumerate() {
            sources.push(match r.feed_from {
                FeedFrom::Feed => Source::Feed,
                FeedFrom::Tank(t) => Source::Tank(t),
                FeedFrom::Previous => Source::Tank(implicit[c].expect("implicit tank")),
            });
            let next = implicit.get(c + 1).copied().flatten();
            let circuit = &scenario.circuits[c];
            let [b, a] = [1, 0].map(|i| match &r.products {
                Some(p) => match &p[i] {
                    Dest::Tank(t) => Outlet::Tank(*t),
                    Dest::Sink(name) => sink(name.clone()),
                },
                None if circuit.separation.is_none() => match next {
                    Some(t) => Outlet::Tank(t),
                    None => sink(default_sink(circuit, true)),
                },
                None => match next {
                    Some(t) if (i == 0) == r.continues_a => Outlet::Tank(t),
                    _ => sink(default_sink(circuit, i == 0)),
                },
            });
            outlets.push([a, b]);
        }
        Routes {
            sources,
            outlets,
            tanks,
            sinks,
        }
    }
}

/// Steady-state flows at the design feed rate, t REO/h.
struct Trace {
    circuit_in: Vec<f64>,
    circuit_comp: Vec<Vec<f64>>,
    tank_in: Vec<f64>,
    sink_in: Vec<Vec<f64>>,
}

fn trace(scenario: &Scenario, routes: &Routes, splits: &[Vec<f64>], composition: &[f64]) -> Trace {
    let e = composition.len();
    let n = routes.sources.len();
    let feed: Vec<f64> = composition.iter().map(|f| f * scenario.feed.rate).collect();
    let mut tanks = vec![vec![0.0; e]; routes.tanks.len()];
    let mut sinks = vec![vec![0.0; e]; routes.sinks.len()];
    let mut circuit_in = vec![0.0; n];
    let mut circuit_comp = vec![vec![0.0; e]; n];
    let mut done = vec![false; n];
    // Flow order: a circuit goes once every circuit feeding its tank has gone (validated DAG).
    while done.iter().any(|d| !d) {
        for c in 0..n {
            if done[c] {
                continue;
            }
            let ready = match routes.sources[c] {
                Source::Feed => true,
                Source::Tank(t) => {
                    (0..n).all(|f| done[f] || !routes.outlets[f].contains(&Outlet::Tank(t)))
                }
            };
            if !ready {
                continue;
            }
            let inlet = match routes.sources[c] {
                Source::Feed => feed.clone(),
                Source::Tank(t) => tanks[t].clone(),
            };
            let total: f64 = inlet.iter().sum();
            circuit_in[c] = total;
            circuit_comp[c] = inlet
                .iter()
                .map(|m| if total > 0.0 { m / total } else { 0.0 })
                .collect();
            for (o, outlet) in routes.outlets[c].iter().enumerate() {
                let target = match *outlet {
                    Outlet::Tank(t) => &mut tanks[t],
                    Outlet::Product(s) => &mut sinks[s],
                };
                for ((x, m), a) in target.iter_mut().zip(&inlet).zip(&splits[c]) {
                    *x += if o == 0 { m * a } else { m * (1.0 - a) };
                }
            }
            done[c] = true;
        }
    }
    Trace {
        circuit_in,
        circuit_comp,
        tank_in: tanks.iter().map(|t| t.iter().sum()).collect(),
        sink_in: sinks,
    }
}

fn circuit_spec(
    scenario: &Scenario,
    c: usize,
    routes: &Routes,
    splits: &[Vec<f64>],
    trace: &Trace,
    solutions: &[Option<CascadeSolution>],
    elements: &[Option<Element>],
) -> Result<CircuitSpec> {
    let circuit = &scenario.circuits[c];
    let design_rate = circuit
        .design_rate
        .unwrap_or(trace.circuit_in[c] / f64::from(circuit.trains));
    if design_rate.is_nan() || design_rate <= 0.0 {
        return Err(crate::Error::Input(format!(
            "circuit \"{}\": no feed reaches it at steady state, so it has no default design_rate: give circuit.design_rate",
            circuit.name
        )));
    }
    let solution = solutions[c].as_ref();
    let (purity, inventory) = match (solution, &circuit.separation) {
        (Some(s), Some(sep)) => (
            PuritySpec {
                design: [s.purity_a, s.purity_b],
                bypass: bypass_purities(sep),
            },
            train_inventory_t(s, design_rate, circuit.stage_residence_h),
        ),
        _ => (
            PuritySpec {
                design: [1.0, 1.0],
                bypass: [vec![], vec![]],
            },
            design_rate * circuit.stage_residence_h * f64::from(circuit.stages.total()),
        ),
    };
    let specs = judged_specs(scenario, outlet_specs(scenario, routes, c), purity.design);
    let restart = match circuit.restart {
        Restart::None => RestartSpec::None,
        Restart::Fixed(h) => RestartSpec::Fixed(h),
        Restart::Dynamic => super::restart_curve::curve(scenario, c, specs)?,
    };
    let _ = elements;
    Ok(CircuitSpec {
        name: circuit.name.clone(),
        trains: circuit.trains,
        design_rate,
        max_rate: circuit.max_rate,
        min_rate: circuit.min_rate,
        dispatch: circuit.dispatch,
        source: routes.sources[c],
        outlets: routes.outlets[c],
        split_to_a: splits[c].clone(),
        design_composition: trace.circuit_comp[c].clone(),
        sections: circuit.stages,
        inventory_t: inventory,
        purity,
        failures: circuit.failures.clone(),
        crews: match (
            scenario.flowsheet.pool_of.get(c).copied().flatten(),
            &circuit.crews,
        ) {
            (Some(p), _) => Crews::Pool(p),
            (None, CrewChoice::Own(n)) => Crews::Own(*n),
            (None, CrewChoice::Pool(_)) => Crews::Own(None),
        },
        maintenance: circuit.maintenance.clone(),
        restart,
        off_spec: circuit.off_spec,
    })
}

/// The specs a circuit's transients are judged against: at drawn values an outlet below its
/// spec at steady state never comes back on-spec (its batches fail on purity), so no transient
/// is judged for it; elsewhere the specs as given (the build rejects a spec above the design).
pub fn judged_specs(
    scenario: &Scenario,
    mut specs: [Option<f64>; 2],
    steady: [f64; 2],
) -> [Option<f64>; 2] {
    if scenario.drawn {
        for (spec, p) in specs.iter_mut().zip(steady) {
            if spec.is_some_and(|m| p < m) {
                *spec = None;
            }
        }
    }
    specs
}

/// Per circuit, the sales spec (minimum purity) of the product each outlet (A, B) feeds: `None`
/// for an outlet into a tank or a product without a spec.
pub fn sales_specs(scenario: &Scenario) -> Vec<[Option<f64>; 2]> {
    let routes = Routes::of(scenario);
    (0..scenario.circuits.len())
        .map(|c| outlet_specs(scenario, &routes, c))
        .collect()
}

/// The sales spec of the product each outlet of circuit `c` feeds (None for tanks or
/// products without one).
fn outlet_specs(scenario: &Scenario, routes: &Routes, c: usize) -> [Option<f64>; 2] {
    routes.outlets[c].map(|o| match o {
        Outlet::Product(s) => scenario
            .products
            .iter()
            .find(|p| p.name == routes.sinks[s])
            .and_then(|p| p.min_purity),
        Outlet::Tank(_) => None,
    })
}

/// Product sinks with their specs and batch sizes, design output (t/h) and steady purity.
fn product_specs(
    scenario: &Scenario,
    routes: &Routes,
    trace: &Trace,
    solutions: &[Option<CascadeSolution>],
    circuits: &[CircuitSpec],
) -> Result<Vec<(ProductSpec, f64, f64)>> {
    let mut out = Vec::new();
    for (s, name) in routes.sinks.iter().enumerate() {
        let design: f64 = trace.sink_in[s].iter().sum();
        let sale = scenario.products.iter().find(|p| p.name == *name);
        let purity = steady_purity(s, routes, solutions, circuits);
        if let (Some(min), Some(p)) = (sale.and_then(|p| p.min_purity), purity) {
            // At drawn values a product below its spec is off-spec, not an input error.
            if p < min && !scenario.drawn {
                return Err(crate::Error::Input(format!(
                    "product \"{name}\": min_purity {min} is above the steady-state purity of the cascade feeding it, {p:.6} (short by {:.2e}): the design cannot meet its own spec; add stages, raise the extraction amount or lower min_purity",
                    min - p
                )));
            }
        }
        let batch = sale
            .and_then(|p| p.batch)
            .map_or(24.0 * design, |a| a.tonnes(design));
        out.push((
            ProductSpec {
                name: name.clone(),
                min_purity: sale.and_then(|p| p.min_purity),
                batch_t: if batch > 0.0 { batch } else { 1.0 },
            },
            design,
            purity.unwrap_or(f64::NAN),
        ));
    }
    Ok(out)
}

/// The steady purity of sink `s` when one circuit outlet feeds it.
fn steady_purity(
    s: usize,
    routes: &Routes,
    solutions: &[Option<CascadeSolution>],
    circuits: &[CircuitSpec],
) -> Option<f64> {
    let producers: Vec<(usize, usize)> = (0..routes.outlets.len())
        .flat_map(|c| (0..2).map(move |o| (c, o)))
        .filter(|&(c, o)| routes.outlets[c][o] == Outlet::Product(s))
        .collect();
    match producers.as_slice() {
        [(c, o)] if solutions[*c].is_some() => Some(circuits[*c].purity.design[*o]),
        _ => None,
    }
}
