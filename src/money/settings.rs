//! The economic assumptions of a study: finance, prices, labour, utilities, reagents and the
//! physical data that turns chemistry into volumes. Built-in defaults carry their source here
//! and in `docs/sources.md` section 6; those without a public source say ASSUMPTION.

/// How the first year starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// Every train is loaded with its steady-state profile before start (bought-in inventory,
    /// as Mountain Pass loaded its line): on-spec from day one.
    Preloaded,
    /// Trains start from barren liquor: the first year loses the dynamic model's time from a
    /// naive start to on-spec product.
    Naive,
}

/// The base that saponifies the organic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Sodium hydroxide, 40.00 g/mol.
    NaOH,
    /// Ammonia, 17.03 g/mol.
    NH3,
}

impl Base {
    /// Molar mass, g/mol.
    pub fn molar_mass(self) -> f64 {
        match self {
            Base::NaOH => 39.997,
            Base::NH3 => 17.031,
        }
    }
}

/// Molar mass of HCl, g/mol.
pub const HCL_MOLAR_MASS: f64 = 36.461;

/// Validated economic settings. Money in `currency` of `cost_year`; rates per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Currency label of every amount (the built-in cost data is in USD).
    pub currency: String,
    /// Year every cost is escalated to (must have a built-in cost index).
    pub cost_year: u16,
    /// Real discount rate, fraction per year.
    pub discount_rate: f64,
    /// Operating years after the build year.
    pub life_yr: u32,
    /// Tax on positive taxable income (revenue - operating cost - straight-line depreciation).
    pub tax_rate: f64,
    /// First-year start.
    pub startup: Startup,
    /// Price paid for feed REO, per kg REO (`None`: `feed_payability` x contained value).
    pub feed_price: Option<f64>,
    /// Share of the feed's contained value (at built-in oxide prices) a separator pays.
    pub feed_payability: f64,
    /// Price of scrapped off-spec REO, per kg.
    pub scrap_price: f64,
    /// Installed cost / bare equipment cost.
    pub installation_factor: f64,
    /// Operator positions per installed train and per circuit (staffed around the clock).
    pub operators_per_train: f64,
    pub operators_per_circuit: f64,
    /// People per around-the-clock position (shift crews incl. leave).
    pub shift_crews: f64,
    /// Cost of one operator, per year (loaded).
    pub operator_cost: f64,
    /// Mixing power per m^3 of installed stage volume, kW (while a train runs).
    pub power_per_volume: f64,
    /// Electricity, per kWh.
    pub power_price: f64,
    /// Maintenance materials and labour, fraction of installed capital per year.
    pub maintenance_fraction: f64,
    /// Cost of one repair of a failure, besides the yearly fraction.
    pub repair_cost: f64,
    /// Saponification base and its price per kg (100 %).
    pub base: Base,
    pub base_price: f64,
    /// HCl price per kg (100 % basis), and excess acid over 3 mol per mol REE back-extracted.
    pub acid_price: f64,
    pub acid_excess: f64,
    /// Extractant price per kg, diluent price per L.
    pub extractant_price: f64,
    pub diluent_price: f64,
    /// Organic lost by entrainment, L per m^3 of aqueous leaving (= ppm by volume / 1000).
    pub entrainment: f64,
    /// REE in the aqueous feed, mol/L.
    pub feed_concentration: f64,
    /// REE loaded in the organic, mol/L.
    pub organic_loading: f64,
    /// HCl in scrub and strip acid, mol/L.
    pub acid_concentration: f64,
    /// Extractant in the organic, mol/L, and its molar mass g/mol and density kg/L.
    pub extractant_concentration: f64,
    pub extractant_molar_mass: f64,
    pub extractant_density: f64,
}

impl Settings {
    /// The built-in assumptions. Sources: docs/sources.md section 6 ("reesim's economic
    /// defaults"); ASSUMPTION where no public source was found.
    pub fn defaults() -> Settings {
        Settings {
            currency: "USD".into(),
            // Latest year with a confirmed CEPCI annual average (797.9).
            cost_year: 2023,
            discount_rate: 0.08,
            life_yr: 15,
            tax_rate: 0.0,
            startup: Startup::Preloaded,
            // None: `feed_payability` x the feed's contained value at built-in prices.
            feed_price: None,
            // MP Materials 2024: 4,717 USD/t REO realised for concentrate, ~51 % of contained.
            feed_payability: 0.5,
            scrap_price: 0.0,
            // PrOMMiS: total plant cost = 2.97 x bare erected cost.
            installation_factor: 2.97,
            // ASSUMPTION: one field operator per train, one control/lab position per circuit.
            operators_per_train: 1.0,
            operators_per_circuit: 1.0,
            // Turton et al., 3rd ed., s8.2: 4.5 operators per position staffed around the clock.
            shift_crews: 4.5,
            // BLS OES 2020 chemical plant operators 31.47 USD/h, ~36 USD/h in 2023-24, x 2,080 h
            // x 1.25 burden (PrOMMiS labour burden 25 %).
            operator_cost: 36.0 * 2080.0 * 1.25,
            // ASSUMPTION: 0.3 kW per m^3 of mixer, mixers ~1/3 of a stage's volume.
            power_per_volume: 0.1,
            // EIA: US industrial average 2023, 8.06 cents/kWh.
            power_price: 0.08,
            // PrOMMiS: maintenance 2 % of total plant cost per year.
            maintenance_fraction: 0.02,
            // ASSUMPTION: parts and call-out of one repair.
            repair_cost: 5_000.0,
            base: Base::NaOH,
            // ChemAnalyst / price-watch 2024: NaOH 50 % FOB US Gulf 415-485 USD per dry t.
            base_price: 0.45,
            // PrOMMiS / ChemAnalyst 2025: 250 USD/t of 35 % HCl = ~715 USD/t as 100 %.
            acid_price: 0.715,
            // ASSUMPTION: 10 % excess acid over the stoichiometric 3 mol per mol REE.
            acid_excess: 0.1,
            // ASSUMPTION: P507 priced as D2EHPA in PrOMMiS, 15 USD/kg.
            extractant_price: 15.0,
            // PrOMMiS kerosene 400 USD/t at 0.8 kg/L.
            diluent_price: 0.32,
            // ASSUMPTION: 50 ppm (v/v) of the aqueous leaving (10-100 ppm in copper SX).
            entrainment: 0.05,
            // docs/sources.md s3: RECl3 feed 1-2 M for P507 group separations.
            feed_concentration: 1.5,
            // Li et al. 2020 (CRE Society): saponified P507 loads 0.16-0.24 mol/L.
            organic_loading: 0.2,
            // ASSUMPTION: scrub and strip acid 4 M HCl (3-6 M in practice).
            acid_concentration: 4.0,
            // docs/sources.md s3: P507 1.5 M in kerosene; P507 (C16H35O3P) 306.42 g/mol,
            // density ~0.95 kg/L.
            extractant_concentration: 1.5,
            extractant_molar_mass: 306.42,
            extractant_density: 0.95,
        }
    }
}
