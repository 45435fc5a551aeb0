//! Flowsheet keys (`[[tank]]`, `circuit.feed_from`, `circuit.products`, `[[line]]`,
//! `[[crew_pool]]`, `[finishing]`): validated into a [`Flowsheet`] (names resolved, cycles,
//! dangling names and elements that go nowhere rejected), then built into the plant's
//! [`FlowsheetSpec`] once the chemistry has supplied each circuit's split fractions.
//!
//! Defaults keep series scenarios working: the first circuit takes the feed; a circuit without
//! `feed_from` takes the previous circuit's *continuing* outlet (the one whose key group holds
//! most of its `separation.feed_composition`) through an unbounded implicit tank; a circuit
//! without `products` sends its other outlets to product sinks named by their key group
//! (e.g. `Nd`, `Ce-Pr-Nd`; `product` for a circuit without a separation).

use super::error::FieldPath;
use super::raw::{RawCircuit, RawFinishing, RawScenario};
use super::units::Amount;
use super::validate::{Checker, time_dist};
use super::{Circuit, Feed};
use crate::chem::Element;
use crate::flow::{ChangeoverStart, CrewPoolSpec, FinishingSpec};

/// Where a circuit's feed comes from, as the scenario says.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedFrom {
    /// The plant feed tank.
    Feed,
    /// `[[tank]]` number t.
    Tank(usize),
    /// The previous circuit's continuing outlet (the series default).
    Previous,
}

/// Where an outlet goes, as the scenario says.
#[derive(Debug, Clone, PartialEq)]
pub enum Dest {
    /// `[[tank]]` number t.
    Tank(usize),
    /// A product sink by name.
    Sink(String),
}

/// One circuit's place in the flowsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Its source.
    pub feed_from: FeedFrom,
    /// Explicit A and B destinations, if given.
    pub products: Option<[Dest; 2]>,
    /// With default products and a next circuit fed by `Previous`: whether the A outlet (else
    /// B) continues to it.
    pub continues_a: bool,
}

/// An intermediate tank as the scenario gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tank {
    /// Name.
    pub name: String,
    /// Capacity: t REO, or hours of its design inflow; `None` unbounded.
    pub capacity: Option<Amount>,
}

/// A campaign line as the scenario gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Name.
    pub name: String,
    /// Circuit indices in campaign order.
    pub circuits: Vec<usize>,
    /// Campaign length, hours, or the level (t REO, or hours of the running circuit's design
    /// feed) below which the line switches.
    pub rule: LineRule,
    /// Changeover, hours.
    pub changeover_h: f64,
    /// How the next circuit starts.
    pub start: ChangeoverStart,
}

/// When a line switches, as the scenario gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LineRule {
    /// Campaigns of this many hours.
    Length(f64),
    /// When the running circuit's source holds less than this.
    Below(Amount),
}

/// The validated flowsheet of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flowsheet {
    /// `[[tank]]` entries, in file order.
    pub tanks: Vec<Tank>,
    /// One route per circuit.
    pub routes: Vec<Route>,
    /// Enabled `[[line]]` entries.
    pub lines: Vec<Line>,
    /// `[[crew_pool]]` entries.
    pub crew_pools: Vec<CrewPoolSpec>,
    /// Per circuit, the crew pool it uses (by `repair_crews_pool`).
    pub pool_of: Vec<Option<usize>>,
    /// `[finishing]`.
    pub finishing: Option<FinishingSpec>,
}

/// Validates the flowsheet keys of `raw` against the validated `circuits` and `feed`.
pub(super) fn flowsheet(
    raw: &RawScenario,
    circuits: &[Circuit],
    feed: &Feed,
    ck: &mut Checker,
) -> Flowsheet {
    let tanks = tanks(raw, ck);
    let names: Vec<&str> = raw.tank.iter().map(|t| t.name.as_str()).collect();
    let mut routes: Vec<Route> = raw
        .circuit
        .iter()
        .enumerate()
        .map(|(i, c)| route(c, i, &names, ck))
        .collect();
    let before = ck.errors.len();
    check_sources(raw, &routes, ck);
    if ck.errors.len() == before {
        if let Some(order) = topological(raw, &routes, ck) {
            continuing(circuits, &mut routes, ck);
            elements_go_somewhere(circuits, feed, &routes, &order, ck);
        }
    }
    let (crew_pools, pool_of) = crew_pools(raw, ck);
    Flowsheet {
        tanks,
        lines: lines(raw, ck),
        crew_pools,
        pool_of,
        finishing: raw.finishing.as_ref().map(|f| finishing(f, ck)),
        routes,
    }
}

fn tanks(raw: &RawScenario, ck: &mut Checker) -> Vec<Tank> {
    let mut out: Vec<Tank> = Vec::new();
    for (i, t) in raw.tank.iter().enumerate() {
        let p = FieldPath::default().key("tank").index(i);
        if t.name == "feed" || out.iter().any(|o| o.name == t.name) {
            ck.fail(
                p.key("name"),
                format!(
                    "tank name \"{}\" is taken: tank names are unique and not \"feed\"",
                    t.name
                ),
            );
        }
        out.push(Tank {
            name: t.name.clone(),
            capacity: t.capacity,
        });
    }
    out
}

fn route(raw: &RawCircuit, i: usize, tanks: &[&str], ck: &mut Checker) -> Route {
    let p = FieldPath::default().key("circuit").index(i);
    let feed_from = match raw.feed_from.as_deref() {
        None if i == 0 => FeedFrom::Feed,
        None => FeedFrom::Previous,
        Some("feed") => FeedFrom::Feed,
        Some(name) => match tanks.iter().position(|t| *t == name) {
            Some(t) => FeedFrom::Tank(t),
            None => {
                let hint = super::schema::did_you_mean(name, tanks)
                    .map_or(String::new(), |b| format!("; did you mean \"{b}\"?"));
                ck.fail(
                    p.key("feed_from"),
                    format!(
                        "unknown tank \"{name}\": feed_from is \"feed\" or a [[tank]] name (tanks: {}){hint}",
                        list(tanks)
                    ),
                );
                FeedFrom::Feed
            }
        },
    };
    let products = raw.products.as_ref().map(|pr| {
        let dest = |name: &str, key: &str, ck: &mut Checker| {
            if name == "feed" {
                ck.fail(
                    p.key("products").key(key),
                    "\"feed\" is the plant feed, not a destination: name a [[tank]] or a product sink".into(),
                );
            }
            match tanks.iter().position(|t| *t == name) {
                Some(t) => Dest::Tank(t),
                None => Dest::Sink(name.to_string()),
            }
        };
        [dest(&pr.a, "a", ck), dest(&pr.b, "b", ck)]
    });
    Route {
        feed_from,
        products,
        continues_a: true,
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Each source (the feed, each tank) feeds exactly one circuit; each tank receives from a
/// circuit's products; a circuit without feed_from needs a previous circuit with default
/// products.
fn check_sources(raw: &RawScenario, routes: &[Route], ck: &mut Checker) {
    let circuit = |i: usize| FieldPath::default().key("circuit").index(i);
    let feeders: Vec<usize> = (0..routes.len())
        .filter(|&i| routes[i].feed_from == FeedFrom::Feed)
        .collect();
    match feeders.as_slice() {
        [] if !routes.is_empty() => ck.fail(
            FieldPath::default().key("circuit"),
            "no circuit takes the plant feed: set feed_from = \"feed\" on the first circuit of the flowsheet".into(),
        ),
        [_, second, ..] => ck.fail(
            circuit(*second).key("feed_from"),
            format!(
                "the plant feed already feeds circuit \"{}\": each source feeds one circuit (add trains to that circuit instead)",
                raw.circuit[feeders[0]].name
            ),
        ),
        _ => {}
    }
    for (t, tank) in raw.tank.iter().enumerate() {
        let path = FieldPath::default().key("tank").index(t).key("name");
        let takers: Vec<usize> = (0..routes.len())
            .filter(|&i| routes[i].feed_from == FeedFrom::Tank(t))
            .collect();
        match takers.as_slice() {
            [] => ck.fail(path.clone(), format!(
                "tank \"{}\" feeds no circuit: set feed_from = \"{}\" on the circuit it feeds, or remove it",
                tank.name, tank.name
            )),
            [_, second, ..] => ck.fail(circuit(*second).key("feed_from"), format!(
                "tank \"{}\" already feeds circuit \"{}\": each source feeds one circuit",
                tank.name, raw.circuit[takers[0]].name
            )),
            _ => {}
        }
        let fed = routes.iter().any(|r| {
            r.products
                .as_ref()
                .is_some_and(|p| p.contains(&Dest::Tank(t)))
        });
        if !fed {
            ck.fail(path, format!(
                "tank \"{}\" receives nothing: no circuit's products name it (a misspelt name in products is a product sink)",
                tank.name
            ));
        }
    }
    for i in 1..routes.len() {
        if routes[i].feed_from == FeedFrom::Previous && routes[i - 1].products.is_some() {
            ck.fail(circuit(i), format!(
                "circuit \"{}\" has no feed_from, but the circuit before it (\"{}\") routes its products explicitly: set feed_from",
                raw.circuit[i].name,
                raw.circuit[i - 1].name
            ));
        }
    }
}

/// The circuits that receive circuit `c`'s outlets, with the field that routes them there.
fn successors(routes: &[Route], c: usize) -> Vec<(usize, FieldPath)> {
    let path = FieldPath::default().key("circuit");
    let mut out = Vec::new();
    if let Some(products) = &routes[c].products {
        for (dest, key) in products.iter().zip(["a", "b"]) {
            if let Dest::Tank(t) = dest {
                let takers =
                    (0..routes.len()).filter(|&d| routes[d].feed_from == FeedFrom::Tank(*t));
                for d in takers {
                    out.push((d, path.index(c).key("products").key(key)));
                }
            }
        }
    } else if c + 1 < routes.len() && routes[c + 1].feed_from == FeedFrom::Previous {
        out.push((c + 1, path.index(c + 1)));
    }
    out
}

/// A topological order of the circuits, or a cycle error (at the field closing the cycle).
fn topological(raw: &RawScenario, routes: &[Route], ck: &mut Checker) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        c: usize,
        routes: &[Route],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
        order: &mut Vec<usize>,
    ) -> Option<(Vec<usize>, FieldPath)> {
        marks[c] = Mark::Open;
        path.push(c);
        for (d, field) in successors(routes, c) {
            match marks[d] {
                Mark::Open => {
                    let start = path.iter().position(|&x| x == d).unwrap_or(0);
                    return Some((path[start..].to_vec(), field));
                }
                Mark::New => {
                    if let Some(cycle) = visit(d, routes, marks, path, order) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[c] = Mark::Done;
        order.push(c);
        None
    }
    let mut marks = vec![Mark::New; routes.len()];
    let mut order = Vec::new();
    for c in 0..routes.len() {
        if marks[c] == Mark::New {
            if let Some((cycle, field)) = visit(c, routes, &mut marks, &mut Vec::new(), &mut order)
            {
                let mut names: Vec<&str> = cycle
                    .iter()
                    .map(|&i| raw.circuit[i].name.as_str())
                    .collect();
                names.push(names[0]);
                ck.fail(field, format!(
                    "the flowsheet has a cycle: {}; circuits joined by tanks must form a DAG (no path may lead back to a circuit)",
                    names.join(" -> ")
                ));
                return None;
            }
        }
    }
    order.reverse();
    Some(order)
}

/// For circuits followed by a `Previous` circuit: which outlet continues (the key group that
/// holds most of the next circuit's design feed).
fn continuing(circuits: &[Circuit], routes: &mut [Route], ck: &mut Checker) {
    for c in 0..routes.len().saturating_sub(1) {
        if routes[c + 1].feed_from != FeedFrom::Previous || routes[c].products.is_some() {
            continue;
        }
        let (Some(sep), Some(next)) = (&circuits[c].separation, &circuits[c + 1].separation) else {
            continue;
        };
        let a_group = &sep.elements()[sep.split_after() + 1..];
        let share = |in_a: bool| -> f64 {
            next.elements()
                .iter()
                .zip(next.feed_composition())
                .filter(|(e, _)| a_group.contains(e) == in_a)
                .map(|(_, x)| x)
                .sum()
        };
        let (a, b) = (share(true), share(false));
        if a.max(b) < 0.5 {
            ck.fail(
                FieldPath::default().key("circuit").index(c + 1),
                format!(
                    "neither product of circuit \"{}\" is mostly this circuit's feed (A holds {:.0} %, B {:.0} % of separation.feed_composition): set feed_from and that circuit's products",
                    circuits[c].name,
                    100.0 * a,
                    100.0 * b
                ),
            );
        }
        routes[c].continues_a = a >= b;
    }
}

/// Every element reaching a circuit with a separation must be one of its elements.
fn elements_go_somewhere(
    circuits: &[Circuit],
    feed: &Feed,
    routes: &[Route],
    order: &[usize],
    ck: &mut Checker,
) {
    let Some(feed_elements) = feed_elements(circuits, feed, routes) else {
        return;
    };
    let mut reach: Vec<Vec<(Element, Option<usize>)>> = vec![Vec::new(); routes.len()];
    for &c in order {
        if routes[c].feed_from == FeedFrom::Feed {
            reach[c].extend(feed_elements.iter().map(|&e| (e, None)));
        }
        if let Some(sep) = &circuits[c].separation {
            for &(e, from) in &reach[c] {
                if !sep.elements().contains(&e) {
                    let source = from.map_or("the plant feed".to_string(), |f| {
                        format!("circuit \"{}\"", circuits[f].name)
                    });
                    ck.fail(
                        FieldPath::default().key("circuit").index(c).key("separation").key("elements"),
                        format!(
                            "circuit \"{}\" receives {} (from {source}) but its separation does not list it: every element must go somewhere; add it (with a small feed_composition)",
                            circuits[c].name,
                            e.symbol()
                        ),
                    );
                }
            }
        }
        let out: Vec<Element> = reach[c].iter().map(|&(e, _)| e).collect();
        for (d, _) in successors(routes, c) {
            for &e in &out {
                if !reach[d].iter().any(|&(x, _)| x == e) {
                    reach[d].push((e, Some(c)));
                }
            }
        }
    }
}

/// Elements of the feed with positive fractions: from `feed.composition`, else from the feed
/// circuit's separation; `None` when neither says.
fn feed_elements(circuits: &[Circuit], feed: &Feed, routes: &[Route]) -> Option<Vec<Element>> {
    if let Some(composition) = &feed.composition {
        return Some(
            composition
                .iter()
                .filter(|(_, f)| *f > 0.0)
                .filter_map(|(s, _)| s.parse().ok())
                .collect(),
        );
    }
    let c = routes.iter().position(|r| r.feed_from == FeedFrom::Feed)?;
    let sep = circuits[c].separation.as_ref()?;
    Some(
        sep.elements()
            .iter()
            .zip(sep.feed_composition())
            .filter(|(_, f)| **f > 0.0)
            .map(|(e, _)| *e)
            .collect(),
    )
}

fn lines(raw: &RawScenario, ck: &mut Checker) -> Vec<Line> {
    let names: Vec<&str> = raw.circuit.iter().map(|c| c.name.as_str()).collect();
    let mut used: Vec<usize> = Vec::new();
    let mut out: Vec<Line> = Vec::new();
    for (i, l) in raw.line.iter().enumerate() {
        let p = FieldPath::default().key("line").index(i);
        if raw.line[..i].iter().any(|o| o.name == l.name) {
            ck.fail(
                p.key("name"),
                format!("duplicate line name \"{}\": names must be unique", l.name),
            );
        }
        let mut circuits = Vec::new();
        for (j, name) in l.circuits.iter().enumerate() {
            let at = p.key("circuits").index(j);
            match names.iter().position(|n| n == name) {
                Some(c) if used.contains(&c) => ck.fail(
                    at,
                    format!("circuit \"{name}\" is already on a line: a circuit runs on at most one line"),
                ),
                Some(c) => {
                    used.push(c);
                    circuits.push(c);
                }
                None => {
                    let hint = super::schema::did_you_mean(name, &names)
                        .map_or(String::new(), |b| format!("; did you mean \"{b}\"?"));
                    ck.fail(
                        at,
                        format!("unknown circuit \"{name}\" (circuits: {}){hint}", list(&names)),
                    );
                }
            }
        }
        let rule = match (l.campaign_length, l.switch_below) {
            (Some(d), None) if d.hours() > 0.0 => LineRule::Length(d.hours()),
            (Some(d), None) => {
                ck.fail(
                    p.key("campaign_length"),
                    format!("{} h is out of range: allowed > 0", d.hours()),
                );
                LineRule::Length(1.0)
            }
            (None, Some(a)) => LineRule::Below(a),
            _ => {
                ck.fail(
                    p.clone(),
                    "a line needs exactly one switch rule: campaign_length (a duration) or switch_below (t REO, or hours of feed)".into(),
                );
                LineRule::Length(1.0)
            }
        };
        if !circuits.is_empty() {
            const STARTS: &[(&str, ChangeoverStart)] = &[
                ("stored", ChangeoverStart::Stored),
                ("naive", ChangeoverStart::Naive),
            ];
            out.push(Line {
                name: l.name.clone(),
                circuits,
                rule,
                changeover_h: l.changeover.map_or(0.0, |d| d.hours()),
                start: ck.choice(
                    p.key("changeover_start"),
                    l.changeover_start.as_deref(),
                    ChangeoverStart::Stored,
                    STARTS,
                ),
            });
        }
    }
    out
}

fn crew_pools(raw: &RawScenario, ck: &mut Checker) -> (Vec<CrewPoolSpec>, Vec<Option<usize>>) {
    let mut pools: Vec<CrewPoolSpec> = Vec::new();
    for (i, p) in raw.crew_pool.iter().enumerate() {
        let path = FieldPath::default().key("crew_pool").index(i);
        if pools.iter().any(|o| o.name == p.name) {
            ck.fail(
                path.key("name"),
                format!(
                    "duplicate crew pool name \"{}\": names must be unique",
                    p.name
                ),
            );
        }
        pools.push(CrewPoolSpec {
            name: p.name.clone(),
            crews: ck.int(path.key("crews"), p.crews, 1, 1, 1024) as u32,
        });
    }
    let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
    let pool_of = raw
        .circuit
        .iter()
        .enumerate()
        .map(|(c, circuit)| {
            let name = circuit.repair_crews_pool.as_ref()?;
            let found = names.iter().position(|n| n == name);
            if found.is_none() {
                ck.fail(
                    FieldPath::default()
                        .key("circuit")
                        .index(c)
                        .key("repair_crews_pool"),
                    format!("unknown crew pool \"{name}\" (pools: {})", list(&names)),
                );
            }
            found
        })
        .collect();
    (pools, pool_of)
}

fn finishing(raw: &RawFinishing, ck: &mut Checker) -> FinishingSpec {
    let p = FieldPath::default().key("finishing");
    FinishingSpec {
        capacity: ck.int(p.key("capacity"), raw.capacity, 1, 1, 1_000_000) as u32,
        residence: time_dist(&raw.residence, &p.key("residence"), ck),
    }
}

/// The default sink of outlet A (`a`) or B of a circuit: its key group's symbols joined by
/// "-", or `product` without a separation.
pub fn default_sink(circuit: &Circuit, a: bool) -> String {
    let Some(sep) = &circuit.separation else {
        return "product".into();
    };
    let (b_group, a_group) = sep.elements().split_at(sep.split_after() + 1);
    let group = if a { a_group } else { b_group };
    group
        .iter()
        .map(|e| e.symbol())
        .collect::<Vec<_>>()
        .join("-")
}
