//! The plant model: SX stage chains as pipelines, parallel trains, breakdowns, feed tank.

mod result;
mod spec;

pub use result::*;
pub use spec::*;
