//! Money: capital cost from equipment sizes, cash flows and the figures decisions are made on
//! (NPV, IRR, payback, levelised cost), and the economic settings with their sourced defaults.
//!
//! Knows nothing of plants, scenarios or reports: the study layer turns a plant's design and
//! its simulated flows into the sizes and yearly amounts these functions take.

pub mod capital;
pub mod cashflow;
pub mod prices;
pub mod settings;

pub use capital::{CENTRIFUGAL_CONTACTOR, CostLaw, MIXER_SETTLER, STEEL_TANK, cepci, escalation};
pub use cashflow::{capital_recovery_factor, irr, levelised, npv, payback_years};
pub use settings::{Base, HCL_MOLAR_MASS, Settings, Startup};
