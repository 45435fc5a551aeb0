//! One integration-test binary with a module per topic.

mod allocate;
mod chem;
mod cli;
mod dynamic;
mod experiment;
mod flowsheet;
mod plant;
mod report;
mod scenario;
mod scenarios;
mod sequence;
