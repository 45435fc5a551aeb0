//! `[economics]`: the raw table and its validation into [`money::Settings`] (every default
//! lives in [`money::Settings::defaults`], every check here).

use super::error::FieldPath;
use super::price::{self, Per};
use super::validate::Checker;
use crate::money::{self, Base, Settings, Startup};
use serde::Deserialize;

/// `[economics]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEconomics {
    pub currency: Option<String>,
    pub cost_year: Option<i64>,
    pub discount_rate: Option<f64>,
    pub life: Option<i64>,
    pub tax_rate: Option<f64>,
    pub startup: Option<String>,
    pub feed_price: Option<toml::Value>,
    pub feed_payability: Option<f64>,
    pub scrap_price: Option<toml::Value>,
    pub installation_factor: Option<f64>,
    pub operators_per_train: Option<f64>,
    pub operators_per_circuit: Option<f64>,
    pub shift_crews: Option<f64>,
    pub operator_cost: Option<toml::Value>,
    pub power_per_volume: Option<f64>,
    pub power_price: Option<toml::Value>,
    pub maintenance_fraction: Option<f64>,
    pub repair_cost: Option<toml::Value>,
    pub base: Option<String>,
    pub base_price: Option<toml::Value>,
    pub acid_price: Option<toml::Value>,
    pub acid_excess: Option<f64>,
    pub extractant_price: Option<toml::Value>,
    pub diluent_price: Option<toml::Value>,
    pub entrainment: Option<f64>,
    pub feed_concentration: Option<f64>,
    pub organic_loading: Option<f64>,
    pub acid_concentration: Option<f64>,
    pub extractant_concentration: Option<f64>,
}

/// A money amount as written: a string with units or a bare number in the canonical unit.
fn money_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses an optional money amount at `path`, or keeps `default`.
pub fn amount(
    value: Option<&toml::Value>,
    per: Per,
    currency: &str,
    path: FieldPath,
    ck: &mut Checker,
    default: f64,
) -> f64 {
    let Some(v) = value else { return default };
    match price::parse(&money_text(v), per, currency) {
        Ok(x) => x,
        Err(e) => {
            ck.fail(path, e);
            default
        }
    }
}

/// A number in `[lo, hi]` (`hi_open`: `< hi`), or `default` when absent.
fn number(
    ck: &mut Checker,
    path: FieldPath,
    value: Option<f64>,
    default: f64,
    (lo, hi): (f64, f64),
) -> f64 {
    let v = value.unwrap_or(default);
    if v.is_finite() && v >= lo && v <= hi {
        v
    } else {
        let shown = crate::shown::shown;
        let message = format!(
            "{} is out of range: allowed {} ..= {}",
            shown(v),
            shown(lo),
            shown(hi)
        );
        ck.fail(path, message);
        default
    }
}

/// Validates `[economics]` (`None`: the table is absent).
pub fn economics(raw: Option<&RawEconomics>, ck: &mut Checker) -> Option<Settings> {
    let raw = raw?;
    let d = Settings::defaults();
    let path = FieldPath::default().key("economics");
    let currency = match raw.currency.as_deref() {
        None => d.currency.clone(),
        Some(c) if price::CURRENCIES.contains(&c) => c.to_string(),
        Some(c) => {
            ck.fail(
                path.key("currency"),
                format!(
                    "\"{c}\" is not supported: the built-in cost data is in {}",
                    price::CURRENCIES.join(", ")
                ),
            );
            d.currency.clone()
        }
    };
    let cost_year = match raw.cost_year {
        None => d.cost_year,
        Some(y) if u16::try_from(y).ok().and_then(money::cepci).is_some() => y as u16,
        Some(y) => {
            ck.fail(
                path.key("cost_year"),
                format!(
                    "{y} has no built-in cost index: allowed {}",
                    money::capital::index_years()
                ),
            );
            d.cost_year
        }
    };
    let cur = currency.as_str();
    let mut money = |key: &str, v: &Option<toml::Value>, per: Per, default: f64| {
        amount(v.as_ref(), per, cur, path.key(key), ck, default)
    };
    let feed_price = raw
        .feed_price
        .as_ref()
        .map(|v| money("feed_price", &Some(v.clone()), Per::Mass, 0.0));
    let scrap_price = money("scrap_price", &raw.scrap_price, Per::Mass, d.scrap_price);
    let operator_cost = money(
        "operator_cost",
        &raw.operator_cost,
        Per::Year,
        d.operator_cost,
    );
    let power_price = money("power_price", &raw.power_price, Per::Energy, d.power_price);
    let repair_cost = money("repair_cost", &raw.repair_cost, Per::Nothing, d.repair_cost);
    let base_price = money("base_price", &raw.base_price, Per::Mass, d.base_price);
    let acid_price = money("acid_price", &raw.acid_price, Per::Mass, d.acid_price);
    let extractant_price = money(
        "extractant_price",
        &raw.extractant_price,
        Per::Mass,
        d.extractant_price,
    );
    let diluent_price = money(
        "diluent_price",
        &raw.diluent_price,
        Per::Volume,
        d.diluent_price,
    );
    const STARTUP: &[(&str, Startup)] =
        &[("preloaded", Startup::Preloaded), ("naive", Startup::Naive)];
    const BASE: &[(&str, Base)] = &[("NaOH", Base::NaOH), ("NH3", Base::NH3)];
    const POSITIVE: (f64, f64) = (1e-9, 1e9);
    const FRACTION: (f64, f64) = (0.0, 1.0);
    Some(Settings {
        cost_year,
        discount_rate: number(
            ck,
            path.key("discount_rate"),
            raw.discount_rate,
            d.discount_rate,
            (0.0, 1.0),
        ),
        life_yr: ck.int(path.key("life"), raw.life, i64::from(d.life_yr), 1, 100) as u32,
        tax_rate: number(
            ck,
            path.key("tax_rate"),
            raw.tax_rate,
            d.tax_rate,
            (0.0, 0.99),
        ),
        startup: ck.choice(
            path.key("startup"),
            raw.startup.as_deref(),
            d.startup,
            STARTUP,
        ),
        feed_price,
        feed_payability: number(
            ck,
            path.key("feed_payability"),
            raw.feed_payability,
            d.feed_payability,
            FRACTION,
        ),
        scrap_price,
        installation_factor: number(
            ck,
            path.key("installation_factor"),
            raw.installation_factor,
            d.installation_factor,
            (1.0, 10.0),
        ),
        operators_per_train: number(
            ck,
            path.key("operators_per_train"),
            raw.operators_per_train,
            d.operators_per_train,
            (0.0, 100.0),
        ),
        operators_per_circuit: number(
            ck,
            path.key("operators_per_circuit"),
            raw.operators_per_circuit,
            d.operators_per_circuit,
            (0.0, 100.0),
        ),
        shift_crews: number(
            ck,
            path.key("shift_crews"),
            raw.shift_crews,
            d.shift_crews,
            (1.0, 10.0),
        ),
        operator_cost,
        power_per_volume: number(
            ck,
            path.key("power_per_volume"),
            raw.power_per_volume,
            d.power_per_volume,
            (0.0, 100.0),
        ),
        power_price,
        maintenance_fraction: number(
            ck,
            path.key("maintenance_fraction"),
            raw.maintenance_fraction,
            d.maintenance_fraction,
            (0.0, 1.0),
        ),
        repair_cost,
        base: ck.choice(path.key("base"), raw.base.as_deref(), d.base, BASE),
        base_price,
        acid_price,
        acid_excess: number(
            ck,
            path.key("acid_excess"),
            raw.acid_excess,
            d.acid_excess,
            (0.0, 10.0),
        ),
        extractant_price,
        diluent_price,
        entrainment: number(
            ck,
            path.key("entrainment"),
            raw.entrainment,
            d.entrainment,
            (0.0, 100.0),
        ),
        feed_concentration: number(
            ck,
            path.key("feed_concentration"),
            raw.feed_concentration,
            d.feed_concentration,
            POSITIVE,
        ),
        organic_loading: number(
            ck,
            path.key("organic_loading"),
            raw.organic_loading,
            d.organic_loading,
            POSITIVE,
        ),
        acid_concentration: number(
            ck,
            path.key("acid_concentration"),
            raw.acid_concentration,
            d.acid_concentration,
            POSITIVE,
        ),
        extractant_concentration: number(
            ck,
            path.key("extractant_concentration"),
            raw.extractant_concentration,
            d.extractant_concentration,
            (0.0, 3.2),
        ),
        currency,
        ..d
    })
}
