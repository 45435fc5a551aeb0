//! Snapshots (insta) of every command's JSON contract: the keys, their order and nesting, the
//! units and the type of every value. Values are replaced by their type (units keep their
//! text) and arrays by the union of their elements, so a snapshot changes exactly when the
//! contract does (a key added, renamed, moved or retyped, a unit changed), not when a model
//! refinement moves a figure.
//! Update after an intended change with `INSTA_UPDATE=always cargo test --release contracts`
//! and review the diff of `tests/all/snapshots/`.

use super::{DEFAULT_SCENARIO, reesim_json};
use serde_json::Value;
use std::fmt::Write;

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");

/// The contract of a JSON value: one line per key path with its type; units keep their text.
/// An array contributes the union of its elements' lines, in first-seen order.
fn shape(v: &Value) -> String {
    let mut lines = Vec::new();
    walk(v, "", &mut lines);
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn walk(v: &Value, path: &str, lines: &mut Vec<String>) {
    let mut add = |line: String| {
        if !lines.contains(&line) {
            lines.push(line);
        }
    };
    match v {
        Value::Object(map) if map.is_empty() => add(format!("{path}: {{}}")),
        Value::Object(map) => {
            for (k, x) in map {
                walk(x, &format!("{path}.{k}"), lines);
            }
        }
        Value::Array(items) if items.is_empty() => add(format!("{path}: []")),
        Value::Array(items) => {
            for x in items {
                walk(x, &format!("{path}[]"), lines);
            }
        }
        Value::Number(_) => add(format!("{path}: number")),
        Value::Bool(_) => add(format!("{path}: bool")),
        Value::Null => add(format!("{path}: null")),
        Value::String(s) if path.ends_with(".unit") => add(format!("{path}: {s:?}")),
        Value::String(_) => add(format!("{path}: string")),
    }
}

fn scenario(name: &str) -> String {
    format!("{SCENARIOS}{name}")
}

#[test]
fn run_json() {
    let v = reesim_json(&["run", DEFAULT_SCENARIO, "--reps", "3", "--format", "json"]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn compare_json() {
    let v = reesim_json(&[
        "compare",
        DEFAULT_SCENARIO,
        &scenario("ndpr-uncertainty.toml"),
        "--reps",
        "3",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn allocate_json() {
    let v = reesim_json(&[
        "allocate",
        DEFAULT_SCENARIO,
        "--budget",
        "1",
        "--reps",
        "3",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn cascade_json() {
    let v = reesim_json(&["cascade", DEFAULT_SCENARIO, "--format", "json"]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn cascade_dynamic_json() {
    let v = reesim_json(&[
        "cascade",
        DEFAULT_SCENARIO,
        "--dynamic",
        "--stop",
        "8 h",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn design_json() {
    let v = reesim_json(&[
        "design",
        "--beta",
        "1.5",
        "--feed-fraction",
        "0.75",
        "--feed-phase",
        "aqueous",
        "--purity-a",
        "0.999",
        "--purity-b",
        "0.99",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn sequence_json() {
    let v = reesim_json(&[
        "sequence",
        "--feed",
        "La=0.4,Ce=0.4,Pr=0.05,Nd=0.15",
        "--products",
        "La,Ce,Pr-Nd",
        "--feed-t-per-yr",
        "5000",
        "--simulate",
        "--reps",
        "2",
        "--horizon-d",
        "30 d",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn tornado_json() {
    let v = reesim_json(&[
        "tornado",
        &scenario("ndpr-uncertainty.toml"),
        "--reps",
        "3",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn check_json() {
    let v = reesim_json(&["check", DEFAULT_SCENARIO, "--format", "json"]);
    insta::assert_snapshot!(shape(&v));
}

#[test]
fn the_shape_replaces_numbers_and_keeps_keys_in_order() {
    let v: Value =
        serde_json::from_str(r#"{"b":[{"x":1.5,"unit":"h"},{"x":2,"y":"s"}],"a":null}"#).unwrap();
    assert_eq!(
        shape(&v),
        ".b[].x: number\n.b[].unit: \"h\"\n.b[].y: string\n.a: null\n"
    );
}

#[test]
fn sweep_row_and_provenance_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid.jsonl");
    let run = super::reesim(&[
        "sweep",
        DEFAULT_SCENARIO,
        "--set",
        "circuit.PrNd.trains=1,2",
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "one row per grid point");
    insta::assert_snapshot!("sweep_row", shape(&Value::Array(rows)));
    let sidecar = std::fs::read_to_string(dir.path().join("grid.jsonl.provenance.json")).unwrap();
    insta::assert_snapshot!(
        "sweep_provenance",
        shape(&serde_json::from_str(&sidecar).unwrap())
    );
}
