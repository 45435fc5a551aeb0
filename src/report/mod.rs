//! report (being built).

pub mod cascade;
pub mod design;
