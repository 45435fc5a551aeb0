//! Separation sequencing: every order of binary SX splits that turns a feed into its target
//! products, each split designed with the chemistry core, verified with a multicomponent solve,
//! and the sequences ranked by total stages, in-circuit inventory and organic flow.
//!
//! A product is a contiguous group of elements in extractability order; a circuit splits a
//! contiguous run of products into a B group (less extracted, raffinate) and an A group (more
//! extracted, loaded organic). With p products there are Catalan(p - 1) split trees.
//!
//! Basis and assumptions:
//! - purities are mole fractions of the key groups (the `design` command's basis);
//! - every circuit takes an aqueous feed and runs at the design command's sqrt(beta) S;
//! - a circuit's feed is the upstream product taken as the ideal group (each element of the
//!   group at its plant-feed ratio, full recovery): at a 0.999 target the impurities and losses
//!   carried downstream are 0.1 % and are reported by the verification, not propagated;
//! - in-circuit inventory = circuit feed rate (t REO/h) x stage residence (h) x the solved
//!   cascade's REO inventory factor (`CascadeSolution::inventory_factor_reo`);
//! - organic flow = S (mol REE per mol fed) x circuit feed (kmol REE/h).

use std::collections::HashMap;
use std::fmt;

use crate::chem::{
    self, Design, DesignInput, Element, Extractant, FeedPhase, SeparationInput, SeparationSpec,
};
use crate::{Error, Result};

/// Hours per year used to turn t REO/yr into t REO/h.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Largest number of products (Catalan(7) = 429 sequences).
pub const MAX_PRODUCTS: usize = 8;
/// Tolerance on the sum of the feed's REO mass fractions (without normalising).
pub const FEED_SUM_TOLERANCE: f64 = 1e-6;

/// What to sequence, as the command line gives it (symbols and numbers, not yet checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Feed elements with their REO mass fractions, any order.
    pub feed: Vec<(String, f64)>,
    /// Rescale the feed fractions to sum 1 instead of requiring it.
    pub normalise: bool,
    /// Extractant system; gives the extractability order and (without `betas`) the factors.
    pub extractant: Extractant,
    /// Neighbour separation factors between consecutive feed elements in extractability
    /// order (each > 1, dimensionless); `None` takes them from the extractant.
    pub betas: Option<Vec<f64>>,
    /// Products as groups of element symbols; `None`: every element its own product.
    pub products: Option<Vec<Vec<String>>>,
    /// Design purity of every product, mole fraction of its key group, in (0, 1).
    pub purity: f64,
    /// Plant feed rate, t REO per year (> 0).
    pub feed_t_per_yr: f64,
    /// Residence time per stage (both phases), minutes (> 0).
    pub residence_min: f64,
}

/// One target product: a contiguous run of elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Name: element symbols joined by `-` (e.g. `"Pr-Nd"`).
    pub name: String,
    /// First element index (into [`Problem::elements`]).
    pub start: usize,
    /// One past the last element index.
    pub end: usize,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Feed elements, least extracted first.
    pub elements: Vec<Element>,
    /// REO mass fraction of each element (sum 1).
    pub feed_reo_fractions: Vec<f64>,
    /// Feed of each element, kmol REE per hour.
    pub feed_kmol_per_h: Vec<f64>,
    /// Separation factor of each element relative to the first (first = 1).
    pub factors: Vec<f64>,
    /// Where the factors come from.
    pub factor_source: String,
    /// The products, in extractability order.
    pub products: Vec<Product>,
    /// Design purity, mole fraction.
    pub purity: f64,
    /// Plant feed, t REO per year.
    pub feed_t_per_yr: f64,
    /// Stage residence time, hours.
    pub residence_h: f64,
    /// Sum of the feed fractions as given (1 unless normalised).
    pub feed_sum_given: f64,
}

fn input(flag: &str, message: impl fmt::Display) -> Error {
    Error::Input(format!("{flag}: {message}"))
}

impl Request {
    /// Checks every value; errors name the flag (`--feed`, `--products`, ...).
    pub fn validate(&self) -> Result<Problem> {
        check_scalars(self)?;
        let (elements, fractions, sum) = feed_elements(self)?;
        let (factors, factor_source) = factors(self, &elements)?;
        let products = products(self.products.as_deref(), &elements)?;
        let feed_kmol_per_h = elements
            .iter()
            .zip(&fractions)
            .map(|(e, w)| w * self.feed_t_per_yr * 1e3 / e.oxide_mass_per_mol() / HOURS_PER_YEAR)
            .collect();
        Ok(Problem {
            elements,
            feed_reo_fractions: fractions,
            feed_kmol_per_h,
            factors,
            factor_source,
            products,
            purity: self.purity,
            feed_t_per_yr: self.feed_t_per_yr,
            residence_h: self.residence_min / 60.0,
            feed_sum_given: sum,
        })
    }
}

fn check_scalars(r: &Request) -> Result<()> {
    if !(r.purity.is_finite() && r.purity > 0.5 && r.purity < 1.0) {
        return Err(input(
            "--purity",
            format!("{} is outside (0.5, 1)", r.purity),
        ));
    }
    for (flag, v, unit) in [
        ("--feed-t-per-yr", r.feed_t_per_yr, "t REO/yr"),
        ("--residence-min", r.residence_min, "min"),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(input(
                flag,
                format!("{v} must be a finite number > 0 ({unit})"),
            ));
        }
    }
    Ok(())
}

/// The extractant's order of extractability, least extracted first.
fn extractability_order(ex: Extractant) -> Vec<Element> {
    let chain = ex.neighbour_factors();
    std::iter::once(chain[0].0)
        .chain(chain.iter().map(|p| p.1))
        .collect()
}

fn feed_elements(r: &Request) -> Result<(Vec<Element>, Vec<f64>, f64)> {
    let order = extractability_order(r.extractant);
    let mut rows: Vec<(usize, Element, f64)> = Vec::new();
    for (symbol, w) in &r.feed {
        let e: Element = symbol
            .parse()
            .map_err(|_| input("--feed", format!("unknown element `{symbol}`")))?;
        let pos = order.iter().position(|&o| o == e).ok_or_else(|| {
            input(
                "--feed",
                format!("{e} has no separation factor with {}", r.extractant),
            )
        })?;
        if !(w.is_finite() && *w > 0.0 && *w <= 1.0) {
            return Err(input(
                "--feed",
                format!(
                    "{e}={w} must be an REO mass fraction in (0, 1]; leave absent elements out"
                ),
            ));
        }
        if rows.iter().any(|row| row.1 == e) {
            return Err(input("--feed", format!("{e} appears twice")));
        }
        rows.push((pos, e, *w));
    }
    if rows.len() < 2 {
        return Err(input("--feed", "give at least two elements"));
    }
    rows.sort_by_key(|row| row.0);
    let sum: f64 = rows.iter().map(|row| row.2).sum();
    if !r.normalise && (sum - 1.0).abs() > FEED_SUM_TOLERANCE {
        return Err(input(
            "--feed",
            format!(
                "REO mass fractions sum to {sum}; they must sum to 1 within \
                 {FEED_SUM_TOLERANCE:e} (or pass --normalise to rescale them)"
            ),
        ));
    }
    let elements = rows.iter().map(|row| row.1).collect();
    let fractions = rows.iter().map(|row| row.2 / sum).collect();
    Ok((elements, fractions, sum))
}

fn factors(r: &Request, elements: &[Element]) -> Result<(Vec<f64>, String)> {
    let Some(betas) = &r.betas else {
        let f = r.extractant.separation_factors(elements)?;
        let source = format!("{}: {}", r.extractant, f.last().map_or("", |s| &s.source));
        return Ok((f.iter().map(|s| s.value).collect(), source));
    };
    if betas.len() + 1 != elements.len() {
        return Err(input(
            "--betas",
            format!(
                "{} values for {} feed elements; give one per neighbour pair",
                betas.len(),
                elements.len()
            ),
        ));
    }
    let mut out = vec![1.0];
    for (i, &b) in betas.iter().enumerate() {
        if !(b.is_finite() && b > 1.0) {
            return Err(input(
                "--betas",
                format!("{b} ({}/{}) must be > 1", elements[i + 1], elements[i]),
            ));
        }
        out.push(out[i] * b);
    }
    Ok((out, "--betas (given)".into()))
}

fn products(groups: Option<&[Vec<String>]>, elements: &[Element]) -> Result<Vec<Product>> {
    let Some(groups) = groups else {
        return Ok((0..elements.len())
            .map(|i| Product {
                name: elements[i].symbol().into(),
                start: i,
                end: i + 1,
            })
            .collect());
    };
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        out.push(group(g, elements)?);
    }
    out.sort_by_key(|p| p.start);
    check_cover(&out, elements)?;
    Ok(out)
}

fn order_text(elements: &[Element]) -> String {
    let s: Vec<&str> = elements.iter().map(|e| e.symbol()).collect();
    s.join(" < ")
}

fn group(g: &[String], elements: &[Element]) -> Result<Product> {
    let mut idx = Vec::with_capacity(g.len());
    for s in g {
        let e: Element = s
            .parse()
            .map_err(|_| input("--products", format!("unknown element `{s}`")))?;
        let i = elements
            .iter()
            .position(|&x| x == e)
            .ok_or_else(|| input("--products", format!("{e} is not in the feed")))?;
        idx.push(i);
    }
    idx.sort_unstable();
    let name = g.join("-");
    if idx.is_empty() || idx.windows(2).any(|w| w[1] != w[0] + 1) {
        return Err(input(
            "--products",
            format!(
                "group `{name}` is not contiguous in extractability order ({})",
                order_text(elements)
            ),
        ));
    }
    let start = idx[0];
    let end = idx[idx.len() - 1] + 1;
    let name = elements[start..end]
        .iter()
        .map(|e| e.symbol())
        .collect::<Vec<_>>()
        .join("-");
    Ok(Product { name, start, end })
}

fn check_cover(products: &[Product], elements: &[Element]) -> Result<()> {
    let mut next = 0;
    for p in products {
        if p.start != next {
            let what = if p.start < next {
                format!("{} is in two products", elements[p.start])
            } else {
                format!("{} is in no product", elements[next])
            };
            return Err(input("--products", what));
        }
        next = p.end;
    }
    if next != elements.len() {
        return Err(input(
            "--products",
            format!("{} is in no product", elements[next]),
        ));
    }
    if !(2..=MAX_PRODUCTS).contains(&products.len()) {
        return Err(input(
            "--products",
            format!("{} products; allowed 2..={MAX_PRODUCTS}", products.len()),
        ));
    }
    Ok(())
}

/// A split tree over products `lo..hi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// A finished product (index into [`Problem::products`]).
    Product(usize),
    /// A circuit splitting products `lo..hi` into `lo..cut` (B) and `cut..hi` (A).
    Split {
        /// The circuit.
        key: CircuitKey,
        /// The B (raffinate) side.
        b: Box<Tree>,
        /// The A (loaded organic) side.
        a: Box<Tree>,
    },
}

/// Identifies a circuit: it is fed products `lo..hi` and cuts before product `cut`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CircuitKey {
    /// First product fed.
    pub lo: usize,
    /// First product of the A group.
    pub cut: usize,
    /// One past the last product fed.
    pub hi: usize,
}

/// Every split tree of products `lo..hi` (Catalan(hi - lo - 1) of them).
pub fn trees(lo: usize, hi: usize) -> Vec<Tree> {
    if hi - lo == 1 {
        return vec![Tree::Product(lo)];
    }
    let mut out = Vec::new();
    for cut in lo + 1..hi {
        let bs = trees(lo, cut);
        let as_ = trees(cut, hi);
        for b in &bs {
            for a in &as_ {
                out.push(Tree::Split {
                    key: CircuitKey { lo, cut, hi },
                    b: Box::new(b.clone()),
                    a: Box::new(a.clone()),
                });
            }
        }
    }
    out
}

impl Tree {
    /// The circuits, upstream first (pre-order).
    pub fn circuits(&self) -> Vec<CircuitKey> {
        match self {
            Tree::Product(_) => Vec::new(),
            Tree::Split { key, b, a } => {
                let mut out = vec![*key];
                out.extend(b.circuits());
                out.extend(a.circuits());
                out
            }
        }
    }

    /// Nested notation, e.g. `(La | (Ce | Pr-Nd))`.
    pub fn notation(&self, products: &[Product]) -> String {
        match self {
            Tree::Product(i) => products[*i].name.clone(),
            Tree::Split { b, a, .. } => {
                format!("({} | {})", b.notation(products), a.notation(products))
            }
        }
    }
}

/// The multicomponent check of a designed circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Solved A-group share of the A product, mole fraction.
    pub purity_a: f64,
    /// Solved B-group share of the B product, mole fraction.
    pub purity_b: f64,
    /// Both purities reach the target (to 1e-9).
    pub meets_target: bool,
    /// REO held per (t REO/h fed x h per stage), dimensionless (t per t).
    pub inventory_factor_reo: f64,
}

/// One designed circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitDesign {
    /// Which products it is fed and where it cuts.
    pub key: CircuitKey,
    /// Label: B-group element symbols `|` A-group symbols, e.g. `"La|CePrNd"`.
    pub label: String,
    /// Key pair: last B element, first A element.
    pub key_pair: (Element, Element),
    /// Separation factor of the key pair (dimensionless).
    pub beta: f64,
    /// Feed elements (the products fed).
    pub elements: Vec<Element>,
    /// Feed mole fractions of those elements.
    pub feed_composition: Vec<f64>,
    /// A group's mole share of the circuit feed.
    pub feed_fraction_a: f64,
    /// Circuit feed, t REO per year.
    pub feed_t_per_yr: f64,
    /// Circuit feed, kmol REE per hour.
    pub feed_kmol_per_h: f64,
    /// The binary key-group design (simplified and exact n, m; S; W).
    pub design: Design,
    /// The multicomponent solve at the designed n, m, S, W.
    pub verification: Verification,
    /// In-circuit inventory, t REO.
    pub inventory_t: f64,
    /// Loaded-organic REE flow, kmol REE per hour (S x circuit feed).
    pub organic_kmol_per_h: f64,
}

impl CircuitDesign {
    /// Exact stages n + m.
    pub fn stages(&self) -> usize {
        self.design.exact.n + self.design.exact.m
    }
}

/// One sequence of circuits with its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequence {
    /// Nested notation.
    pub notation: String,
    /// Its circuits, upstream first.
    pub circuits: Vec<CircuitKey>,
    /// `Ok` totals, or why a circuit could not be designed.
    pub totals: std::result::Result<Totals, String>,
}

/// Totals over a sequence's circuits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Sum of exact n + m.
    pub stages: usize,
    /// Sum of in-circuit inventories, t REO.
    pub inventory_t: f64,
    /// Sum of loaded-organic flows, kmol REE per hour.
    pub organic_kmol_per_h: f64,
    /// Circuits whose multicomponent solve misses the target.
    pub circuits_missing_target: usize,
}

/// Ranking criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankBy {
    /// Total stages, then inventory, then organic flow.
    #[default]
    Stages,
    /// Total inventory, then stages, then organic flow.
    Inventory,
    /// Total organic flow, then stages, then inventory.
    OrganicFlow,
    /// Simulated on-spec output, highest first: [`sequence`] orders by stages, then
    /// [`rank_by_throughput`] re-orders after [`simulate`].
    Throughput,
}

impl RankBy {
    /// snake_case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            RankBy::Stages => "total_stages",
            RankBy::Inventory => "inventory",
            RankBy::OrganicFlow => "organic_flow",
            RankBy::Throughput => "simulated_on_spec_reo",
        }
    }
}

/// The result: every distinct circuit designed once, and the ranked sequences.
#[derive(Debug, Clone)]
pub struct SequenceStudy {
    /// The checked request.
    pub problem: Problem,
    /// Ranking criterion used.
    pub rank_by: RankBy,
    /// Designed circuits by key; a value is `Err` when the circuit cannot be designed.
    pub circuits: HashMap<CircuitKey, std::result::Result<CircuitDesign, String>>,
    /// Feasible sequences first, in rank order; then infeasible ones.
    pub sequences: Vec<Sequence>,
}

/// Enumerates, designs, verifies and ranks every split sequence of the problem.
pub fn sequence(problem: Problem, rank_by: RankBy) -> SequenceStudy {
    let all = trees(0, problem.products.len());
    let mut circuits = HashMap::new();
    for t in &all {
        for key in t.circuits() {
            circuits
                .entry(key)
                .or_insert_with(|| design_circuit(&problem, key));
        }
    }
    let mut sequences: Vec<Sequence> = all
        .iter()
        .map(|t| {
            let keys = t.circuits();
            Sequence {
                notation: t.notation(&problem.products),
                totals: totals(&keys, &circuits),
                circuits: keys,
            }
        })
        .collect();
    sequences.sort_by(|x, y| compare(x, y, rank_by));
    SequenceStudy {
        problem,
        rank_by,
        circuits,
        sequences,
    }
}

fn totals(
    keys: &[CircuitKey],
    circuits: &HashMap<CircuitKey, std::result::Result<CircuitDesign, String>>,
) -> std::result::Result<Totals, String> {
    let mut t = Totals {
        stages: 0,
        inventory_t: 0.0,
        organic_kmol_per_h: 0.0,
        circuits_missing_target: 0,
    };
    for k in keys {
        let c = circuits[k].as_ref().map_err(Clone::clone)?;
        t.stages += c.stages();
        t.inventory_t += c.inventory_t;
        t.organic_kmol_per_h += c.organic_kmol_per_h;
        t.circuits_missing_target += usize::from(!c.verification.meets_target);
    }
    Ok(t)
}

fn compare(x: &Sequence, y: &Sequence, by: RankBy) -> std::cmp::Ordering {
    match (&x.totals, &y.totals) {
        (Ok(a), Ok(b)) => {
            let st = a.stages.cmp(&b.stages);
            let inv = a.inventory_t.total_cmp(&b.inventory_t);
            let org = a.organic_kmol_per_h.total_cmp(&b.organic_kmol_per_h);
            let order = match by {
                RankBy::Stages | RankBy::Throughput => st.then(inv).then(org),
                RankBy::Inventory => inv.then(st).then(org),
                RankBy::OrganicFlow => org.then(st).then(inv),
            };
            order.then_with(|| x.notation.cmp(&y.notation))
        }
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => x.notation.cmp(&y.notation),
    }
}

/// The feed of products `lo..hi`: element index range, mole fractions, kmol/h, t REO/yr.
fn circuit_feed(p: &Problem, key: CircuitKey) -> (usize, usize, Vec<f64>, f64, f64) {
    let (s, e) = (p.products[key.lo].start, p.products[key.hi - 1].end);
    let kmol: f64 = p.feed_kmol_per_h[s..e].iter().sum();
    let z = p.feed_kmol_per_h[s..e].iter().map(|v| v / kmol).collect();
    let t: f64 = p.feed_reo_fractions[s..e].iter().sum::<f64>() * p.feed_t_per_yr;
    (s, e, z, kmol, t)
}

fn label(elements: &[Element], split: usize) -> String {
    let join = |es: &[Element]| es.iter().map(|e| e.symbol()).collect::<String>();
    format!("{}|{}", join(&elements[..split]), join(&elements[split..]))
}

/// Designs one circuit as a binary of its key groups and verifies it multicomponent.
pub fn design_circuit(p: &Problem, key: CircuitKey) -> std::result::Result<CircuitDesign, String> {
    let (s, e, z, kmol, t) = circuit_feed(p, key);
    let split = p.products[key.cut].start - s;
    let elements = p.elements[s..e].to_vec();
    let beta = p.factors[s + split] / p.factors[s + split - 1];
    let feed_fraction_a: f64 = z[split..].iter().sum();
    let input = DesignInput {
        beta,
        feed_fraction: feed_fraction_a,
        feed_phase: FeedPhase::Aqueous,
        purity_a: p.purity,
        purity_b: p.purity,
        extraction_amount: None,
    };
    let name = label(&elements, split);
    let design = chem::design(&input).map_err(|err| format!("{name}: {err}"))?;
    let factors: Vec<f64> = p.factors[s..e].iter().map(|f| f / p.factors[s]).collect();
    let verification = verify(&elements, &z, &factors, split, &design, p.purity)
        .map_err(|err| format!("{name}: multicomponent solve: {err}"))?;
    Ok(CircuitDesign {
        key,
        label: name,
        key_pair: (elements[split - 1], elements[split]),
        beta,
        feed_fraction_a,
        feed_t_per_yr: t,
        feed_kmol_per_h: kmol,
        inventory_t: t / HOURS_PER_YEAR * p.residence_h * verification.inventory_factor_reo,
        organic_kmol_per_h: design.extraction_amount * kmol,
        elements,
        feed_composition: z,
        design,
        verification,
    })
}

fn verify(
    elements: &[Element],
    z: &[f64],
    factors: &[f64],
    split: usize,
    d: &Design,
    target: f64,
) -> std::result::Result<Verification, chem::ChemError> {
    let input = SeparationInput {
        elements: elements.iter().map(|e| e.symbol().to_string()).collect(),
        feed_composition: z.to_vec(),
        separation_factors: Some(factors.to_vec()),
        split_after: elements[split - 1].symbol().into(),
        feed_phase: FeedPhase::Aqueous,
        extraction_stages: d.exact.n,
        scrub_stages: d.exact.m,
        extraction_amount: d.extraction_amount,
        scrub_amount: Some(d.scrub_amount),
        ..Default::default()
    };
    let sol = SeparationSpec::from_input(&input)?.solve()?;
    Ok(Verification {
        purity_a: sol.purity_a,
        purity_b: sol.purity_b,
        meets_target: sol.purity_a >= target - 1e-9 && sol.purity_b >= target - 1e-9,
        inventory_factor_reo: sol.inventory_factor_reo(),
    })
}

/// Catalan number C(k): the number of split trees of k + 1 products.
pub fn catalan(k: usize) -> usize {
    (0..k).fold(1, |c, i| c * 2 * (2 * i + 1) / (i + 2))
}

/// Settings of the optional simulated-throughput ranking (`--simulate`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulateOptions {
    /// Replications per sequence (>= 2).
    pub replications: u32,
    /// Root seed; every sequence uses the same one (common random numbers).
    pub seed: u64,
    /// Simulated time per replication, days.
    pub horizon_d: f64,
    /// Mean time between failures of one stage, hours; any stage's failure stops its train,
    /// so a train of n + m stages stops every `stage_hours_per_failure / (n + m)` hours on
    /// average (ASSUMPTION: no public SX MTBF).
    pub stage_hours_per_failure: f64,
    /// Worker threads (default: all cores); results are identical at any count.
    pub threads: Option<usize>,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            replications: 3,
            seed: 42,
            horizon_d: 365.0,
            stage_hours_per_failure: 12_000.0,
            threads: None,
        }
    }
}

/// Simulated on-spec REO output of one sequence, t REO per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    /// Mean over replications, t REO/yr.
    pub mean: f64,
    /// 95 % CI half-width, t REO/yr.
    pub ci95: f64,
}

/// Tank or sink name of products `lo..hi`: their element symbols joined, e.g. `"PrNd"`.
fn stream_name(p: &Problem, lo: usize, hi: usize) -> String {
    let (s, e) = (p.products[lo].start, p.products[hi - 1].end);
    p.elements[s..e].iter().map(|x| x.symbol()).collect()
}

fn list(values: &[f64]) -> String {
    let v: Vec<String> = values.iter().map(|x| format!("{x:.9}")).collect();
    format!("[{}]", v.join(", "))
}

/// A circuit's feed over all plant elements: its group at design ratio, 1e-4 traces elsewhere.
fn trace_feed(p: &Problem, c: &CircuitDesign) -> Vec<f64> {
    let start = p.products[c.key.lo].start;
    let mut z = vec![1e-4; p.elements.len()];
    for (i, x) in c.feed_composition.iter().enumerate() {
        z[start + i] = *x;
    }
    let sum: f64 = z.iter().sum();
    let mut z: Vec<f64> = z.iter().map(|x| (x / sum * 1e9).round() / 1e9).collect();
    let last = z.len() - 1;
    z[last] = 1.0 - z[..last].iter().sum::<f64>();
    z
}

fn circuit_text(p: &Problem, c: &CircuitDesign, o: &SimulateOptions) -> String {
    let k = c.key;
    let feed_from = if k.lo == 0 && k.hi == p.products.len() {
        "feed".to_string()
    } else {
        stream_name(p, k.lo, k.hi)
    };
    let symbols: Vec<String> = p.elements.iter().map(|e| format!("\"{e}\"")).collect();
    let split_after = p.elements[p.products[k.cut].start - 1];
    let (n, m) = (c.design.exact.n, c.design.exact.m);
    let mtbf = o.stage_hours_per_failure;
    format!(
        "[[circuit]]\nname = \"{label}\"\ntrains = 1\nmax_rate = 1.1\n\
         stage_residence = \"{res} min\"\n\
         feed_from = \"{feed_from}\"\nproducts = {{ a = \"{a}\", b = \"{b}\" }}\n\n\
         [circuit.separation]\nelements = [{elements}]\nfeed_composition = {z}\n\
         separation_factors = {f}\nsplit_after = \"{split_after}\"\nfeed_phase = \"aqueous\"\n\
         extraction_stages = {n}\nscrub_stages = {m}\nextraction_amount = {s:.9}\n\
         scrub_amount = {w:.9}\n\n\
         [[circuit.failure]]\nname = \"stage\"\nper = \"stage\"\neffect = \"stop\"\n\
         time_to_failure = {{ dist = \"exponential\", mean = \"{mtbf} h\" }}\n\
         time_to_repair = {{ dist = \"lognormal\", mean = \"8 h\", cv = 0.5 }}\n\n",
        label = c.label.replace('|', "_"),
        a = stream_name(p, k.cut, k.hi),
        b = stream_name(p, k.lo, k.cut),
        elements = symbols.join(", "),
        z = list(&trace_feed(p, c)),
        f = list(&p.factors),
        s = c.design.extraction_amount,
        w = c.design.scrub_amount,
        res = p.residence_h * 60.0,
    )
}

/// The scenario text of one sequence as a series flowsheet: one train per circuit (10 %
/// hydraulic headroom), a tank of 24 h of flow per intermediate stream, product sinks named by element symbols.
/// Failure, repair, tank and stage-capacity figures are ASSUMPTIONS (no public data).
pub fn scenario_text(study: &SequenceStudy, seq: &Sequence, o: &SimulateOptions) -> String {
    let p = &study.problem;
    let composition: Vec<String> = p
        .elements
        .iter()
        .zip(&p.feed_reo_fractions)
        .map(|(e, w)| format!("{e} = {w:.9}"))
        .collect();
    let mut text = format!(
        "name = \"{}\"\n\n[simulation]\nhorizon = \"{} d\"\nwarmup = \"14 d\"\n\
         replications = {}\nseed = {}\n\n[feed]\n\
         rate = \"{} t/yr\"\ncomposition = {{ {} }}\n\n",
        seq.notation,
        o.horizon_d,
        o.replications,
        o.seed,
        p.feed_t_per_yr,
        composition.join(", ")
    );
    for k in &seq.circuits {
        if k.lo != 0 || k.hi != p.products.len() {
            let name = stream_name(p, k.lo, k.hi);
            text += &format!("[[tank]]\nname = \"{name}\"\ncapacity = \"24 h\"\n\n");
        }
    }
    for k in &seq.circuits {
        if let Ok(c) = &study.circuits[k] {
            text += &circuit_text(p, c, o);
        }
    }
    text
}

/// Simulates every feasible sequence (same seed: common random numbers) and returns its
/// on-spec REO output, in the order of `study.sequences` (`None` for infeasible ones).
pub fn simulate(study: &SequenceStudy, o: &SimulateOptions) -> Result<Vec<Option<Throughput>>> {
    let mut out = Vec::with_capacity(study.sequences.len());
    for seq in &study.sequences {
        if seq.totals.is_err() {
            out.push(None);
            continue;
        }
        let text = scenario_text(study, seq, o);
        let source = crate::scenario::ScenarioSource::from_text(&seq.notation, text)?;
        let scenario = source.base()?;
        let options = super::RunOptions {
            seed: Some(o.seed),
            replications: Some(o.replications),
            threads: o.threads,
            ..Default::default()
        };
        let result = super::run(&scenario, &[], options)?;
        let summary = result.layouts[0]
            .summaries
            .iter()
            .find(|s| s.name == "throughput")
            .ok_or_else(|| Error::Internal("no throughput figure".into()))?;
        out.push(Some(Throughput {
            mean: summary.stats.mean,
            ci95: summary.stats.ci95,
        }));
    }
    Ok(out)
}

/// With [`RankBy::Throughput`], re-orders the sequences (and `sim`, same order) by simulated
/// output, highest first, infeasible last; otherwise returns `sim` unchanged.
pub fn rank_by_throughput(
    study: &mut SequenceStudy,
    sim: Vec<Option<Throughput>>,
) -> Vec<Option<Throughput>> {
    if study.rank_by != RankBy::Throughput {
        return sim;
    }
    let mut pairs: Vec<_> = std::mem::take(&mut study.sequences)
        .into_iter()
        .zip(sim)
        .collect();
    pairs.sort_by(|x, y| match (&x.1, &y.1) {
        (Some(a), Some(b)) => b.mean.total_cmp(&a.mean),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let (sequences, sim) = pairs.into_iter().unzip();
    study.sequences = sequences;
    sim
}
