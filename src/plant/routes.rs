//! The flowsheet resolved for the runtime: per circuit, its source tank's capacity, encoded
//! outlets, split fractions, line and crew pool; the series default expanded.
//!
//! Tanks are numbered by the circuit they feed (a tank feeds exactly one circuit), so the
//! runtime keeps a tank's queue and residual in that circuit's record.

use super::layout::outlet;
use super::{FlowsheetSpec, Outlet, PlantSpec, RouteSpec, Source};

/// One circuit's resolved routing.
#[derive(Debug, Clone)]
pub(crate) struct CircuitRoute {
    /// Its source tank's capacity in lots; `None` unbounded.
    pub tank_cap: Option<u32>,
    /// Encoded A and B destinations (see `layout::outlet`).
    pub outlets: [u32; 2],
    /// Whether A (B) takes every element's whole mass.
    pub whole: [bool; 2],
    /// Whether an outlet can block.
    pub finite_out: bool,
    /// Campaign line index.
    pub line: Option<usize>,
    /// Runtime crew pool index, if it uses a shared pool.
    pub pool: Option<usize>,
}

/// A shared crew pool at runtime.
#[derive(Debug, Clone)]
pub(crate) struct PoolRoute {
    pub crews: u32,
    /// Trains of its member circuits (queue capacity).
    pub trains: u32,
}

/// The resolved flowsheet.
#[derive(Debug, Clone)]
pub(crate) struct Routes {
    pub circuits: Vec<CircuitRoute>,
    /// Split fractions to A, circuit-major, `elements` per circuit.
    pub splits: Vec<f64>,
    /// The circuit the plant feed goes to.
    pub feed_circuit: usize,
    /// Mass of each element in one feed lot.
    pub lot_mass: Vec<f64>,
    /// Sink names.
    pub sinks: Vec<String>,
    /// Shared pools.
    pub pools: Vec<PoolRoute>,
    /// Runtime index of the first shared pool (circuits' own pools come first).
    pub pool_base: usize,
}

impl Routes {
    /// Resolves `spec`'s flowsheet.
    ///
    /// # Panics
    /// If the flowsheet is inconsistent (the scenario layer rejects such input): a tank that
    /// feeds no circuit or several, a circuit count mismatch, split vectors of the wrong length.
    pub fn of(spec: &PlantSpec) -> Routes {
        let fs = &spec.flowsheet;
        let n = spec.circuits.len();
        let lot_mass = if fs.lot_mass.is_empty() {
            vec![1.0]
        } else {
            fs.lot_mass.clone()
        };
        let routes = if fs.routes.is_empty() {
            series(n, lot_mass.len())
        } else {
            assert_eq!(fs.routes.len(), n, "one route per circuit");
            fs.routes.clone()
        };
        let sinks = if fs.sinks.is_empty() {
            vec!["product".to_string()]
        } else {
            fs.sinks.clone()
        };
        let consumer = consumers(&routes, fs.tanks.len().max(n));
        let feed_circuit = routes
            .iter()
            .position(|r| r.source == Source::Feed)
            .expect("one circuit takes the feed");
        let encode = |o: Outlet| match o {
            Outlet::Tank(t) => consumer[t].expect("every tank feeds a circuit") as u32,
            Outlet::Sink(s) => outlet::SINK | s as u32,
        };
        let mut out = Routes {
            circuits: Vec::with_capacity(n),
            splits: Vec::with_capacity(n * lot_mass.len()),
            feed_circuit,
            lot_mass,
            sinks,
            pools: Vec::new(),
            pool_base: 0,
        };
        for (c, r) in routes.iter().enumerate() {
            assert_eq!(
                r.split_to_a.len(),
                out.lot_mass.len(),
                "one split per element"
            );
            out.splits.extend(&r.split_to_a);
            let tank_cap = match r.source {
                Source::Feed => spec.feed.tank_capacity,
                Source::Tank(t) => fs.tanks.get(t).and_then(|t| t.capacity),
            };
            let outlets = [encode(r.a), encode(r.b)];
            let finite = |o: Outlet| match o {
                Outlet::Tank(t) => fs.tanks.get(t).is_some_and(|t| t.capacity.is_some()),
                Outlet::Sink(_) => fs.finishing.as_ref().is_some_and(|f| f.buffer.is_some()),
            };
            out.circuits.push(CircuitRoute {
                tank_cap,
                outlets,
                whole: [
                    r.split_to_a.iter().all(|&s| s == 1.0),
                    r.split_to_a.iter().all(|&s| s == 0.0),
                ],
                finite_out: finite(r.a) || finite(r.b),
                line: fs.lines.iter().position(|l| l.circuits.contains(&c)),
                pool: None,
            });
        }
        out.link_pools(spec, fs);
        out
    }

    /// Numbers the pools: each circuit with failures outside a shared pool has its own first.
    fn link_pools(&mut self, spec: &PlantSpec, fs: &FlowsheetSpec) {
        let shared = |c: usize| fs.crew_pools.iter().position(|p| p.circuits.contains(&c));
        self.pool_base = spec
            .circuits
            .iter()
            .enumerate()
            .filter(|(c, cs)| cs.failures.is_some() && shared(*c).is_none())
            .count();
        for (c, route) in self.circuits.iter_mut().enumerate() {
            route.pool = shared(c).map(|p| self.pool_base + p);
        }
        self.pools = fs
            .crew_pools
            .iter()
            .map(|p| PoolRoute {
                crews: p.crews,
                trains: p.circuits.iter().map(|&c| spec.circuits[c].trains).sum(),
            })
            .collect();
    }
}

/// The series default: circuit 0 takes the feed; circuit c's whole output enters circuit c+1
/// through unbounded tank c (numbered by the circuit before it); the last feeds sink 0.
fn series(n: usize, elements: usize) -> Vec<RouteSpec> {
    (0..n)
        .map(|c| RouteSpec {
            source: if c == 0 {
                Source::Feed
            } else {
                Source::Tank(c - 1)
            },
            a: if c + 1 < n {
                Outlet::Tank(c)
            } else {
                Outlet::Sink(0)
            },
            b: Outlet::Sink(0),
            split_to_a: vec![1.0; elements],
        })
        .collect()
}

/// For each tank index, the circuit it feeds.
fn consumers(routes: &[RouteSpec], tanks: usize) -> Vec<Option<usize>> {
    let mut consumer = vec![None; tanks];
    for (c, r) in routes.iter().enumerate() {
        if let Source::Tank(t) = r.source {
            assert!(
                consumer[t].replace(c).is_none(),
                "tank {t} feeds several circuits"
            );
        }
    }
    consumer
}
