//! The scenario file as written: serde structs mirroring the TOML, before any checks.
//!
//! Every table denies unknown keys; optional keys are `Option`s so that defaults live in one
//! place ([`super::validate`]).

use super::units::{Amount, Duration, Rate};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub simulation: Option<RawSimulation>,
    pub feed: RawFeed,
    #[serde(default)]
    pub circuit: Vec<RawCircuit>,
    #[serde(default)]
    pub tank: Vec<RawTank>,
    #[serde(default)]
    pub line: Vec<RawLine>,
    #[serde(default)]
    pub crew_pool: Vec<RawCrewPool>,
    pub finishing: Option<RawFinishing>,
    pub economics: Option<super::economics::RawEconomics>,
    #[serde(default)]
    pub product: BTreeMap<String, RawProduct>,
    /// Read from the TOML table by [`super::overrides`]; listed here so serde accepts the key.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "variants are read from the TOML table by overrides.rs"
    )]
    pub variant: Vec<toml::Table>,
    /// Read from the TOML table by [`super::overrides`].
    #[expect(
        dead_code,
        reason = "sweep axes are read from the TOML table by overrides.rs"
    )]
    pub sweep: Option<toml::Table>,
    /// Read from the TOML table by [`super::uncertainty`].
    #[expect(
        dead_code,
        reason = "uncertain inputs are read from the TOML table by uncertainty.rs"
    )]
    pub uncertainty: Option<toml::Table>,
}

/// `[simulation]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub horizon: Option<Duration>,
    pub warmup: Option<RawWarmup>,
    pub replications: Option<i64>,
    pub seed: Option<i64>,
}

/// `warmup`: a duration or the word "auto".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawWarmup {
    Fixed(Duration),
    Auto,
}

/// `[feed]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFeed {
    pub rate: Rate,
    pub composition: Option<BTreeMap<String, f64>>,
    pub tank_capacity: Option<Amount>,
    pub when_full: Option<String>,
    pub failure: Option<RawOutage>,
}

/// `[feed.failure]`: upstream outages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutage {
    pub time_to_failure: RawDist,
    pub time_to_repair: RawDist,
}

/// A distribution: `{ dist = "lognormal", mean = "25 min", cv = 0.1 }`, or a bare duration
/// meaning a fixed value.
#[derive(Debug, Clone)]
pub enum RawDist {
    Fixed(Duration),
    Table(RawDistTable),
}

/// The table form of a distribution; which keys are required depends on `dist`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistTable {
    pub dist: String,
    pub value: Option<Duration>,
    pub mean: Option<Duration>,
    pub cv: Option<f64>,
    pub shape: Option<f64>,
    pub min: Option<Duration>,
    pub mode: Option<Duration>,
    pub max: Option<Duration>,
    pub values: Option<Vec<Duration>>,
}

/// `[[circuit]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCircuit {
    pub name: String,
    pub trains: Option<i64>,
    pub design_rate: Option<Rate>,
    pub max_rate: Option<f64>,
    pub min_rate: Option<f64>,
    pub dispatch: Option<String>,
    pub stage_residence: Option<Duration>,
    pub stages: Option<i64>,
    pub repair_crews: Option<i64>,
    pub repair_crews_pool: Option<String>,
    pub restart: Option<RawRestart>,
    pub off_spec: Option<String>,
    #[serde(default)]
    pub failure: Vec<RawFailureMode>,
    #[serde(default)]
    pub maintenance: Vec<RawMaintenance>,
    pub separation: Option<RawSeparation>,
    pub contactor: Option<String>,
    pub feed_from: Option<String>,
    pub products: Option<RawProducts>,
}

/// `[[circuit.failure]]`: one failure mode.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFailureMode {
    pub name: String,
    pub per: Option<String>,
    pub effect: Option<String>,
    pub derate_to: Option<f64>,
    pub time_to_failure: RawDist,
    pub time_to_repair: RawDist,
}

/// `[[circuit.maintenance]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaintenance {
    pub interval: Duration,
    pub duration: Duration,
    pub stagger: Option<bool>,
}

/// `[product.NAME]`: a product sink's sales spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProduct {
    pub min_purity: Option<f64>,
    pub price: Option<toml::Value>,
    pub batch: Option<Amount>,
}

/// `circuit.products`: where the A and B outlets go (a tank name or a product sink name).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProducts {
    pub a: String,
    pub b: String,
}

/// `[[tank]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTank {
    pub name: String,
    pub capacity: Option<Amount>,
}

/// `[[line]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    pub name: String,
    pub circuits: Vec<String>,
    pub campaign_length: Option<Duration>,
    pub switch_below: Option<Amount>,
    pub changeover: Option<Duration>,
    pub changeover_start: Option<String>,
}

/// `[[crew_pool]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCrewPool {
    pub name: String,
    pub crews: Option<i64>,
}

/// `[finishing]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFinishing {
    pub capacity: Option<i64>,
    pub residence: RawDist,
}

/// `[circuit.separation]`: the SX split the circuit makes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeparation {
    pub elements: Vec<String>,
    pub feed_composition: Vec<f64>,
    pub separation_factors: Option<Vec<f64>>,
    pub extractant: Option<String>,
    pub split_after: String,
    pub feed_phase: Option<String>,
    pub extraction_stages: i64,
    pub scrub_stages: i64,
    pub strip_stages: Option<i64>,
    pub extraction_amount: f64,
    pub scrub_amount: Option<f64>,
    pub model: Option<String>,
    pub distribution_ratios: Option<Vec<f64>>,
    pub phase_ratio: Option<f64>,
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawDistVisitor)
    }
}

struct RawDistVisitor;

impl<'de> Visitor<'de> for RawDistVisitor {
    type Value = RawDist;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a distribution table such as { dist = \"exponential\", mean = \"30 min\" } or a fixed duration")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
        Duration::from_hours(v as f64)
            .map(RawDist::Fixed)
            .map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
        Duration::from_hours(v as f64)
            .map(RawDist::Fixed)
            .map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
        Duration::from_hours(v)
            .map(RawDist::Fixed)
            .map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDist, E> {
        Duration::parse(v).map(RawDist::Fixed).map_err(E::custom)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
        RawDistTable::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawDist::Table)
    }
}

impl<'de> Deserialize<'de> for RawWarmup {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawWarmup::deserialize_word(deserializer, "auto")
    }
}

impl RawWarmup {
    /// A duration, or `word` (read as [`RawWarmup::Auto`]).
    fn deserialize_word<'de, D: Deserializer<'de>>(
        d: D,
        word: &'static str,
    ) -> Result<Self, D::Error> {
        d.deserialize_any(RawWarmupVisitor { word })
    }
}

struct RawWarmupVisitor {
    word: &'static str,
}

impl Visitor<'_> for RawWarmupVisitor {
    type Value = RawWarmup;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "\"{}\" or a duration such as \"3 d\"", self.word)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawWarmup, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawWarmup, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawWarmup, E> {
        Duration::from_hours(v)
            .map(RawWarmup::Fixed)
            .map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawWarmup, E> {
        if v.trim() == self.word {
            return Ok(RawWarmup::Auto);
        }
        Duration::parse(v)
            .map(RawWarmup::Fixed)
            .map_err(|e| E::custom(format!("expected \"{}\" or a duration: {e}", self.word)))
    }
}

/// `restart`: a duration, "dynamic" (from the cascade dynamics) or "none".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawRestart {
    Fixed(Duration),
    Dynamic,
    None,
}

impl<'de> Deserialize<'de> for RawRestart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        match &value {
            toml::Value::String(s) if s.trim() == "dynamic" => Ok(RawRestart::Dynamic),
            toml::Value::String(s) if s.trim() == "none" => Ok(RawRestart::None),
            toml::Value::String(s) => Duration::parse(s).map(RawRestart::Fixed).map_err(|e| {
                de::Error::custom(format!("expected \"dynamic\", \"none\" or a duration: {e}"))
            }),
            toml::Value::Integer(i) => Duration::from_hours(*i as f64)
                .map(RawRestart::Fixed)
                .map_err(de::Error::custom),
            toml::Value::Float(f) => Duration::from_hours(*f)
                .map(RawRestart::Fixed)
                .map_err(de::Error::custom),
            _ => Err(de::Error::custom(
                "expected \"dynamic\", \"none\" or a duration",
            )),
        }
    }
}
