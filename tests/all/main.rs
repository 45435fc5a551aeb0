//! One integration-test binary with a module per topic.

mod allocate;
mod chem;
mod cli;
mod experiment;
mod plant;
mod scenario;
mod scenarios;
