//! Money on a layout: its capital cost from the physical design, and per replication its
//! yearly operating cost, revenue and the decision figures (NPV, IRR, levelised cost, payback)
//! from the simulated flows.
//!
//! Design (once per layout, from the chemistry): per circuit and train, the volumetric flows
//! at the design rate: aqueous feed F / c_feed, organic S F / loading, scrub acid
//! 3 W F (1 + excess) / c_acid and strip acid 3 (S - W) F (1 + excess) / c_acid (F in mol REE/h;
//! S and W the cascade's extraction and scrub amounts). A stage holds both phases for the stage
//! residence: extraction stages (organic + feed + scrub acid), scrub stages (organic + scrub
//! acid), strip stages (organic + strip acid). Each stage is one mixer-settler costed by the
//! cost law; tanks hold the REE at the feed concentration. Installed capital = bare cost x
//! escalation to the cost year x installation factor, plus the first fill of organic.
//!
//! Per replication (no per-event work: everything follows from the streamed totals): reagents
//! from the REE each circuit actually fed (3 S mol base per mol fed, 3 S (1 + excess) mol HCl),
//! organic lost by entrainment with the aqueous leaving, labour, power while trains run,
//! maintenance, feed bought; revenue from on-spec product at its price. Working capital is the
//! installed REE inventory at the plant's average product value, recovered at the end of life.

use super::figures::HOURS_PER_YEAR;
use super::products::ProductFlows;
use crate::experiment::Figure;
use crate::flow::FlowResult;
use crate::money::{self, Settings};
use crate::scenario::{Contactor, Scenario};

/// One circuit as costed.
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitDesign {
    /// Circuit name.
    pub name: String,
    /// Installed trains.
    pub trains: u32,
    /// Per section (extraction, scrub, strip): stages of one train and the volume of one, m^3.
    pub sections: [(u32, f64); 3],
    /// Organic held by one train, m^3.
    pub organic_m3: f64,
    /// Aqueous leaving per t REO fed, m^3/t.
    pub aqueous_m3_per_t: f64,
    /// mol REE per t REO fed.
    pub mol_per_t: f64,
    /// Extraction amount S, mol organic REE per mol fed.
    pub extraction_amount: f64,
    /// Bare equipment cost of all its trains, in the cost year's money.
    pub bare_cost: f64,
    /// The campaign line whose equipment it runs on (shared with the line's other circuits).
    pub line: Option<usize>,
}

impl CircuitDesign {
    /// Installed stage volume of all trains, m^3.
    pub fn volume_m3(&self) -> f64 {
        let one: f64 = self.sections.iter().map(|(n, v)| f64::from(*n) * v).sum();
        one * f64::from(self.trains)
    }
}

/// A layout's physical design and capital cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Circuits with a separation (generic units carry no SX equipment).
    pub circuits: Vec<CircuitDesign>,
    /// Tanks (feed tank first): name, volume m^3, bare cost in the cost year's money.
    pub tanks: Vec<(String, f64, f64)>,
    /// Installed equipment cost in the cost year (bare x escalation x installation factor).
    pub equipment: f64,
    /// First fill of organic for every installed stage.
    pub solvent_fill: f64,
    /// What the products are worth.
    pub value: Valuation,
    /// Average value of the plant's design output, per kg REO (for working capital).
    pub product_value: f64,
    /// Price of feed REO, per kg.
    pub feed_price: f64,
}

impl Design {
    /// Capital cost: installed equipment plus the solvent's first fill.
    pub fn capital(&self) -> f64 {
        self.equipment + self.solvent_fill
    }
}

/// Cost of one litre of organic: extractant at its concentration plus diluent for the rest.
pub fn organic_cost_per_l(s: &Settings) -> f64 {
    let extractant_kg = s.extractant_concentration * s.extractant_molar_mass / 1000.0;
    let extractant_l = extractant_kg / s.extractant_density;
    extractant_kg * s.extractant_price + (1.0 - extractant_l).max(0.0) * s.diluent_price
}

/// The design and capital cost of `flows`' plant under `settings`.
pub fn design(scenario: &Scenario, flows: &ProductFlows, settings: &Settings) -> Design {
    let parts = flows.built.spec.parts();
    let circuits: Vec<CircuitDesign> = parts
        .circuits
        .iter()
        .zip(&flows.solutions)
        .zip(&scenario.circuits)
        .enumerate()
        .filter_map(|(i, ((c, sol), sc))| {
            let sol = sol.as_ref()?;
            let mut d = circuit_design(c, sol, sc, settings);
            d.line = scenario
                .flowsheet
                .lines
                .iter()
                .position(|l| l.circuits.contains(&i));
            Some(d)
        })
        .collect();
    let tank_m3 = |t: f64| t * 1e6 / mean_reo_g_per_mol(flows) / settings.feed_concentration / 1e3;
    let mut tanks = Vec::new();
    if let Some(cap) = parts.feed.tank_capacity {
        tanks.push(("feed".to_string(), tank_m3(cap)));
    }
    for t in &parts.tanks {
        if let Some(cap) = t.capacity {
            tanks.push((t.name.clone(), tank_m3(cap)));
        }
    }
    let tanks: Vec<(String, f64, f64)> = tanks
        .into_iter()
        .map(|(n, v)| {
            let c = escalated(&money::STEEL_TANK, v, settings);
            (n, v, c)
        })
        .collect();
    let bare = physical(&circuits, |c| c.bare_cost) + tanks.iter().map(|t| t.2).sum::<f64>();
    let organic_m3 = physical(&circuits, |c| c.organic_m3 * f64::from(c.trains));
    let value = Valuation::of(scenario, flows);
    let product_value = design_value(flows, &value);
    let contained: f64 = (parts.feed.composition.iter())
        .zip(&value.element_price)
        .map(|(f, p)| f * p)
        .sum();
    Design {
        circuits,
        tanks,
        feed_price: settings
            .feed_price
            .unwrap_or(settings.feed_payability * contained),
        equipment: bare * settings.installation_factor,
        solvent_fill: organic_m3 * 1000.0 * organic_cost_per_l(settings),
        value,
        product_value,
    }
}

/// Mean REO mass per mol REE of the plant feed, g/mol.
fn mean_reo_g_per_mol(flows: &ProductFlows) -> f64 {
    let parts = flows.built.spec.parts();
    let mut mass = 0.0;
    let mut mol = 0.0;
    for (symbol, f) in parts.elements.iter().zip(&parts.feed.composition) {
        let g = symbol
            .parse::<crate::chem::Element>()
            .map_or(REO_G_PER_MOL, |e| e.oxide_mass_per_mol());
        mass += f;
        mol += f / g;
    }
    if mol > 0.0 { mass / mol } else { REO_G_PER_MOL }
}

/// Sum of `f` over the plant's physical equipment: circuits of a campaign line run on one set
/// of equipment, sized for the most demanding of them (the largest `f` of the line).
fn physical(circuits: &[CircuitDesign], f: impl Fn(&CircuitDesign) -> f64) -> f64 {
    let own: f64 = circuits.iter().filter(|c| c.line.is_none()).map(&f).sum();
    let lines = circuits
        .iter()
        .filter_map(|c| c.line)
        .max()
        .map_or(0, |l| l + 1);
    let shared: f64 = (0..lines)
        .map(|l| {
            (circuits.iter())
                .filter(|c| c.line == Some(l))
                .map(&f)
                .fold(0.0, f64::max)
        })
        .sum();
    own + shared
}

/// Bare cost of one unit of `size` under `law`, escalated to the settings' cost year.
fn escalated(law: &money::CostLaw, size: f64, s: &Settings) -> f64 {
    let factor = money::escalation(law.reference_year, s.cost_year)
        .expect("the scenario validates the cost year and the laws' years are built in");
    law.bare_cost(size) * factor
}

/// REO mass per mol REE of a feed without chemistry, g/mol (a light-REE mix, ~Nd2O3 / 2).
const REO_G_PER_MOL: f64 = 168.0;

/// One circuit's volumes and bare cost.
fn circuit_design(
    c: &crate::flow::CircuitSpec,
    sol: &crate::chem::CascadeSolution,
    scenario: &crate::scenario::Circuit,
    s: &Settings,
) -> CircuitDesign {
    let residence_h = scenario.stage_residence_h;
    let g_per_mol: f64 = sol
        .elements
        .iter()
        .zip(&sol.feed_composition)
        .map(|(e, x)| x * e.oxide_mass_per_mol())
        .sum();
    let mol_per_t = 1e6 / g_per_mol;
    let f = c.design_rate * mol_per_t; // mol REE/h per train
    let (sa, wa) = (sol.extraction_amount, sol.scrub_amount);
    let acid = 3.0 * (1.0 + s.acid_excess) / s.acid_concentration;
    // Volumetric flows of one train, m^3/h.
    let feed = f / s.feed_concentration / 1e3;
    let organic = sa * f / s.organic_loading / 1e3;
    let scrub = wa * f * acid / 1e3;
    let strip = (sa - wa).max(0.0) * f * acid / 1e3;
    // Liquid throughput of one stage per section, m^3/h.
    let throughput = [organic + feed + scrub, organic + scrub, organic + strip];
    let counts = [c.sections.extraction, c.sections.scrub, c.sections.strip];
    let sections: [(u32, f64); 3] =
        std::array::from_fn(|i| (counts[i], throughput[i] * residence_h));
    let stages: u32 = counts.iter().sum();
    let unit_cost = |i: usize| match scenario.contactor {
        Contactor::MixerSettler => escalated(&money::MIXER_SETTLER, sections[i].1, s),
        Contactor::Centrifugal => escalated(&money::CENTRIFUGAL_CONTACTOR, throughput[i], s),
    };
    let one_train: f64 = (0..3).map(|i| f64::from(counts[i]) * unit_cost(i)).sum();
    CircuitDesign {
        name: c.name.clone(),
        trains: c.trains,
        sections,
        organic_m3: organic * residence_h * f64::from(stages),
        aqueous_m3_per_t: (feed + scrub + strip) / c.design_rate,
        mol_per_t,
        extraction_amount: sa,
        bare_cost: one_train * f64::from(c.trains),
        line: None,
    }
}

/// Share of its design output one element must have for a product without a price to sell as
/// that separated oxide; below it, the product is a mixed concentrate.
pub const SEPARATED: f64 = 0.9;

/// What on-spec product is worth: each product's own price, else its elements' built-in
/// oxide prices (per kg, in the scenario's currency; USD without `[economics]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Valuation {
    /// Price of each product sink per kg on-spec REO (`None`: valued by element).
    pub product_price: Vec<Option<f64>>,
    /// Built-in price of each tracked element's oxide, per kg (0 when unknown).
    pub element_price: Vec<f64>,
    /// Per product sink without its own price, the share of its contained value it sells at:
    /// 1 for a separated oxide (one element at least [`SEPARATED`] of its design output), the
    /// feed payability for a mixed concentrate (a buyer still has to separate it, as this
    /// plant's feed supplier is paid).
    pub realisation: Vec<f64>,
}

impl Valuation {
    /// The prices of `flows`' products under `scenario`.
    pub fn of(scenario: &Scenario, flows: &ProductFlows) -> Valuation {
        let (product_price, element_price) = prices(scenario, flows);
        let payability = scenario
            .economics
            .as_ref()
            .map_or(Settings::defaults().feed_payability, |e| e.feed_payability);
        let realisation = (flows.built.product_elements.iter())
            .map(|e| {
                let total: f64 = e.iter().sum();
                let top = e.iter().copied().fold(0.0, f64::max);
                if total > 0.0 && top < SEPARATED * total {
                    payability
                } else {
                    1.0
                }
            })
            .collect();
        Valuation {
            product_price,
            element_price,
            realisation,
        }
    }

    /// Value of product sink `s`'s on-spec output: at its price, or each element's REO at its
    /// oxide price when the product has none.
    pub fn product_value(&self, s: usize, p: &crate::flow::ProductResult) -> f64 {
        match self.product_price[s] {
            Some(price) => p.on_spec_t * 1000.0 * price,
            None => {
                let contained: f64 = (p.on_spec_by_element.iter())
                    .zip(&self.element_price)
                    .map(|(t, price)| t * 1000.0 * price)
                    .sum();
                contained * self.realisation[s]
            }
        }
    }

    /// Yearly value of all on-spec product of one replication.
    pub fn on_spec_value(&self, result: &FlowResult) -> f64 {
        let years = result.window_h / HOURS_PER_YEAR;
        let total: f64 = (result.products.iter().enumerate())
            .map(|(s, p)| self.product_value(s, p))
            .sum();
        total / years
    }
}

/// Each product's own price (per kg) and each element's built-in oxide price (per kg).
fn prices(scenario: &Scenario, flows: &ProductFlows) -> (Vec<Option<f64>>, Vec<f64>) {
    let parts = flows.built.spec.parts();
    let product = parts
        .products
        .iter()
        .map(|p| {
            scenario
                .products
                .iter()
                .find(|s| s.name == p.name)
                .and_then(|s| s.price)
        })
        .collect();
    let element = parts
        .elements
        .iter()
        .map(|e| money::prices::oxide_price(e).map_or(0.0, |p| p.usd_per_kg))
        .collect();
    (product, element)
}

/// Value per kg of the plant's design output (its products at their prices).
fn design_value(flows: &ProductFlows, v: &Valuation) -> f64 {
    let mut value = 0.0;
    let mut mass = 0.0;
    for p in &flows.products {
        let price = v.product_price[p.sink]
            .unwrap_or_else(|| key_group_price(flows, p, &v.element_price) * v.realisation[p.sink]);
        value += price * p.design_t_per_h;
        mass += p.design_t_per_h;
    }
    if mass > 0.0 { value / mass } else { 0.0 }
}

/// Built-in value per kg of a product without its own price: the mean oxide price of its key
/// group's elements (impurities are worth nothing).
fn key_group_price(flows: &ProductFlows, p: &super::products::Product, element: &[f64]) -> f64 {
    let parts = flows.built.spec.parts();
    let prices: Vec<f64> = p
        .elements
        .iter()
        .filter_map(|s| parts.elements.iter().position(|e| e == s))
        .map(|i| element[i])
        .collect();
    if prices.is_empty() {
        0.0
    } else {
        prices.iter().sum::<f64>() / prices.len() as f64
    }
}

/// One replication's money, per year of the statistics window (cost-year currency).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Capital cost (installed equipment + solvent first fill).
    pub capital: f64,
    /// REE inventory at product value, invested in year 0 and recovered at the end.
    pub working_capital: f64,
    /// Yearly operating cost by category (feed, reagents, solvent, labour, power, maintenance).
    pub operating: [(&'static str, f64); 6],
    /// Yearly revenue: on-spec product plus scrap.
    pub revenue: f64,
    /// Yearly on-spec product, kg REO.
    pub output_kg: f64,
    /// Net present value, internal rate of return (fraction/yr), levelised cost per kg
    /// on-spec, simple payback (yr; `None`: never).
    pub npv: f64,
    pub irr: Option<f64>,
    pub levelised: Option<f64>,
    pub payback: Option<f64>,
}

impl Outcome {
    /// Total yearly operating cost.
    pub fn operating_total(&self) -> f64 {
        self.operating.iter().map(|(_, v)| v).sum()
    }
}

/// The money of one replication of a layout with `design`.
pub fn outcome(
    design: &Design,
    settings: &Settings,
    result: &FlowResult,
    startup_h: &[f64],
) -> Outcome {
    let years = result.window_h / HOURS_PER_YEAR;
    let per_year = |x: f64| x / years;
    let operating = operating_cost(design, settings, result, years);
    let mut streams: Vec<Stream> = (result.products.iter().enumerate())
        .map(|(s, p)| Stream {
            revenue: per_year(design.value.product_value(s, p)),
            kg: per_year(p.on_spec_t * 1000.0),
            startup_h: startup_h.get(s).copied().unwrap_or(0.0),
        })
        .collect();
    streams.push(Stream {
        revenue: per_year(result.scrapped_t * 1000.0 * settings.scrap_price),
        kg: 0.0,
        startup_h: 0.0,
    });
    let revenue: f64 = streams.iter().map(|s| s.revenue).sum();
    let output_kg: f64 = streams.iter().map(|s| s.kg).sum();
    let working_capital = stock_t(design, result) * 1000.0 * design.product_value;
    let opex: f64 = operating.iter().map(|(_, v)| v).sum();
    let flows = CashFlows::new(design.capital(), working_capital, &streams, opex, settings);
    Outcome {
        capital: design.capital(),
        working_capital,
        operating,
        revenue,
        output_kg,
        npv: money::npv(settings.discount_rate, &flows.net),
        irr: money::irr(&flows.net),
        levelised: money::levelised(settings.discount_rate, &flows.costs, &flows.output),
        payback: money::payback_years(0.0, &flows.net),
    }
}

/// REE held for the plant's life, t REO: the installed inventory of every train (a campaign
/// line's equipment holds one of its circuits' inventories at a time: the largest) plus the
/// mean stock of the tanks.
fn stock_t(design: &Design, result: &FlowResult) -> f64 {
    let inventory = |name: &str| {
        (result.circuits.iter())
            .find(|c| c.name == name)
            .map_or(0.0, |c| c.inventory_t)
    };
    let trains = physical(&design.circuits, |d| inventory(&d.name));
    let without_chemistry: f64 = (result.circuits.iter())
        .filter(|c| design.circuits.iter().all(|d| d.name != c.name))
        .map(|c| c.inventory_t)
        .sum();
    let tanks: f64 = result.tanks.iter().map(|t| t.mean_level_t).sum();
    trains + without_chemistry + tanks
}

/// One revenue stream of the cash flows: a product (or scrap), per year once it sells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stream {
    /// Revenue per year.
    pub revenue: f64,
    /// On-spec output per year, kg.
    pub kg: f64,
    /// Hours from the start before it sells (start-up).
    pub startup_h: f64,
}

impl Stream {
    /// The share of operating year `year` (1-based) in which it sells.
    fn share(&self, year: usize) -> f64 {
        let lost = (self.startup_h - (year - 1) as f64 * HOURS_PER_YEAR).clamp(0.0, HOURS_PER_YEAR);
        1.0 - lost / HOURS_PER_YEAR
    }
}

/// Yearly operating cost by category.
fn operating_cost(
    design: &Design,
    s: &Settings,
    result: &FlowResult,
    years: f64,
) -> [(&'static str, f64); 6] {
    let accepted_t = (result.offered_t - result.held_back_t - result.lost_t).max(0.0);
    let feed = accepted_t / years * 1000.0 * design.feed_price;
    let (mut reagents, mut solvent, mut power) = (0.0, 0.0, 0.0);
    let organic_l = organic_cost_per_l(s);
    for d in &design.circuits {
        let Some(r) = result.circuits.iter().find(|c| c.name == d.name) else {
            continue;
        };
        let fed_t = r.fed_t / years;
        let loaded_mol = 3.0 * d.extraction_amount * fed_t * d.mol_per_t;
        let base_kg = loaded_mol * s.base.molar_mass() / 1000.0;
        let acid_kg = loaded_mol * (1.0 + s.acid_excess) * money::HCL_MOLAR_MASS / 1000.0;
        reagents += base_kg * s.base_price + acid_kg * s.acid_price;
        solvent += fed_t * d.aqueous_m3_per_t * s.entrainment * organic_l;
        power +=
            d.volume_m3() * r.availability * s.power_per_volume * HOURS_PER_YEAR * s.power_price;
    }
    let positions = physical(&design.circuits, |d| {
        s.operators_per_train * f64::from(d.trains) + s.operators_per_circuit
    });
    let labour = positions * s.shift_crews * s.operator_cost;
    let repairs: u64 = result.circuits.iter().map(|c| c.repairs).sum();
    let maintenance =
        s.maintenance_fraction * design.equipment + repairs as f64 / years * s.repair_cost;
    [
        ("feed", feed),
        ("reagents", reagents),
        ("solvent", solvent),
        ("labour", labour),
        ("power", power),
        ("maintenance", maintenance),
    ]
}

/// The yearly series of a project: net cash flow, costs and output, years 0..=life.
#[derive(Debug, Clone, PartialEq)]
pub struct CashFlows {
    /// Net cash flow after tax.
    pub net: Vec<f64>,
    /// Costs (capital, working capital net of its recovery, operating cost, tax).
    pub costs: Vec<f64>,
    /// On-spec output, kg.
    pub output: Vec<f64>,
}

impl CashFlows {
    /// Year 0 invests capital and working capital; years 1..=life earn each stream's revenue
    /// once its start-up is over, less operating cost (paid from the start: the start-up loses
    /// output and revenue, not cost), less tax on positive income after straight-line
    /// depreciation; the last year recovers the working capital.
    pub fn new(
        capital: f64,
        working: f64,
        streams: &[Stream],
        opex: f64,
        s: &Settings,
    ) -> CashFlows {
        let life = s.life_yr as usize;
        let mut net = vec![-(capital + working)];
        let mut costs = vec![capital + working];
        let mut out = vec![0.0];
        let depreciation = capital / f64::from(s.life_yr);
        for year in 1..=life {
            let revenue: f64 = streams.iter().map(|p| p.revenue * p.share(year)).sum();
            let output: f64 = streams.iter().map(|p| p.kg * p.share(year)).sum();
            let income = revenue - opex;
            let tax = s.tax_rate * (income - depreciation).max(0.0);
            let recovered = if year == life { working } else { 0.0 };
            net.push(income - tax + recovered);
            costs.push(opex + tax - recovered);
            out.push(output);
        }
        CashFlows {
            net,
            costs,
            output: out,
        }
    }
}

/// The decision figures of a layout (the JSON contract `results[i].economics`), in report
/// order; `figures` adds the operating cost by category (`operating_*`) after
/// `operating_cost`.
pub const FIGURES: &[&str] = &[
    "capital_cost",
    "working_capital",
    "operating_cost",
    "revenue",
    "value_added",
    "npv",
    "irr",
    "levelised_cost",
    "payback",
];

/// The money figures of one replication (appended to the plant's figures).
pub fn figures(o: &Outcome, currency: &str) -> Vec<Figure> {
    let per_year = format!("{currency}/yr");
    let mut out = vec![
        Figure::new("capital_cost", currency, o.capital),
        Figure::new("working_capital", currency, o.working_capital),
        Figure::new("operating_cost", per_year.clone(), o.operating_total()),
    ];
    for (name, v) in &o.operating {
        out.push(Figure::new(
            format!("operating_{name}"),
            per_year.clone(),
            *v,
        ));
    }
    let feed = o.operating[0].1;
    out.extend([
        Figure::new("revenue", per_year.clone(), o.revenue),
        Figure::new("value_added", per_year, o.revenue - feed),
        Figure::new("npv", currency, o.npv),
        Figure::new("irr", "fraction/yr", o.irr.unwrap_or(f64::NAN)),
        Figure::new(
            "levelised_cost",
            format!("{currency}/kg"),
            o.levelised.unwrap_or(f64::NAN),
        ),
        Figure::new("payback", "yr", o.payback.unwrap_or(f64::NAN)),
    ]);
    out
}

/// A layout's economics: the settings, its design and the start-up time of its first year.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The scenario's economic settings.
    pub settings: Settings,
    /// The design and capital cost.
    pub design: Design,
    /// Per product sink, hours from the start without on-spec product (0 with a pre-loaded
    /// start; with a naive start the dynamic model's time to on-spec of the outlet feeding it).
    pub startup_h: Vec<f64>,
}

impl Money {
    /// The economics of `flows`' plant, when the scenario has `[economics]`.
    pub fn of(scenario: &Scenario, flows: &ProductFlows) -> crate::Result<Option<Money>> {
        let Some(settings) = &scenario.economics else {
            return Ok(None);
        };
        let sinks = flows.built.spec.parts().products.len();
        let startup_h = match settings.startup {
            money::Startup::Preloaded => vec![0.0; sinks],
            money::Startup::Naive => naive_start_h(scenario, flows)?,
        };
        Ok(Some(Money {
            design: design(scenario, flows, settings),
            settings: settings.clone(),
            startup_h,
        }))
    }

    /// The money figures of one replication.
    pub fn figures(&self, result: &FlowResult) -> Vec<Figure> {
        let o = outcome(&self.design, &self.settings, result, &self.startup_h);
        figures(&o, &self.settings.currency)
    }
}

/// Per product sink, hours from a naive start until the outlet feeding it makes on-spec
/// product (each circuit started barren at once; a lower bound where circuits in series wait
/// for each other; 0 for a product without a spec or fed by no single outlet).
fn naive_start_h(scenario: &Scenario, flows: &ProductFlows) -> crate::Result<Vec<f64>> {
    let parts = flows.built.spec.parts();
    let mut out: Vec<f64> = vec![0.0; parts.products.len()];
    for (c, specs) in super::build::sales_specs(scenario).into_iter().enumerate() {
        let circuit = &parts.circuits[c];
        let specs = super::build::judged_specs(scenario, specs, circuit.purity.design);
        let Some(hours) = super::restart_curve::naive_start_h(scenario, c, specs)? else {
            continue;
        };
        for (outlet, h) in circuit.outlets.iter().zip(hours) {
            if let crate::flow::Outlet::Product(s) = outlet {
                out[*s] = out[*s].max(h);
            }
        }
    }
    Ok(out)
}

/// Per layout, the probability that it has the highest NPV: the share of replications in
/// which it does (ties share), with a 95 % Student-t half-width over replications. `npv[l][r]`
/// is layout l's NPV in replication r (the same random streams in every layout).
pub fn p_best(npv: &[Vec<f64>]) -> Vec<crate::experiment::Summary> {
    let reps = npv.first().map_or(0, Vec::len);
    let mut wins = vec![vec![0.0; reps]; npv.len()];
    for r in 0..reps {
        let best = npv.iter().map(|l| l[r]).fold(f64::NEG_INFINITY, f64::max);
        let tied: Vec<usize> = (0..npv.len()).filter(|&l| npv[l][r] == best).collect();
        for &l in &tied {
            wins[l][r] = 1.0 / tied.len() as f64;
        }
    }
    wins.iter()
        .map(|w| crate::experiment::Summary::of(w))
        .collect()
}
