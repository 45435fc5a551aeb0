//! One integration-test binary with a module per topic.

mod chem;
mod cli;
mod experiment;
mod flowsheet;
mod plant;
mod scenario;
