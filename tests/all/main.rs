//! One integration-test binary with a module per topic.

mod allocate;
mod analytic;
mod chem;
mod cli;
mod dynamic;
mod economics;
mod experiment;
mod flow;
mod flow_stochastic;
mod flowsheet;
mod report;
mod restart;
mod scenario;
mod scenarios;
mod sequence;
mod uncertainty;

use std::process::{Command, Output};

/// Runs the `reesim` binary with `args`.
pub fn reesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reesim"))
        .args(args)
        .output()
        .expect("reesim runs")
}

/// Runs the `reesim` binary, asserts it succeeded and parses its standard output as JSON.
pub fn reesim_json(args: &[&str]) -> serde_json::Value {
    let out = reesim(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("standard output is JSON")
}
