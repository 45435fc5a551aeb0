//! One integration-test binary with a module per topic.

mod allocate;
mod analytic;
mod chem;
mod cli;
mod contracts;
mod dynamic;
mod economics;
mod estimate;
mod experiment;
mod flow;
mod flow_stochastic;
mod flowsheet;
mod grammar;
mod moments;
mod never_panics;
mod readme;
mod report;
mod restart;
mod scenario;
mod scenarios;
mod sequence;
mod sweep;
mod uncertainty;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The README's default scenario file.
pub const DEFAULT_SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/ndpr-parallel-trains.toml"
);

/// The default scenario with the first `from` replaced by `to`, written to a temporary
/// directory (kept alive by the returned guard) as `name`.
pub fn default_edited(from: &str, to: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(DEFAULT_SCENARIO).expect("default scenario");
    assert!(
        text.contains(from),
        "test setup: `{from}` not in the default scenario"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, text.replacen(from, to, 1)).expect("scenario written");
    (dir, file)
}

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
