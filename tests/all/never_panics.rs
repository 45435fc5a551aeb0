//! The "never panics" property on the simulator, not only the loader: every shipped scenario,
//! mutated at random (adversarial numbers and strings, numbers scaled by 1e-9 .. 1e9, deleted
//! keys, duplicated circuits, 0/1/1000 trains, adversarial time distributions, added failure
//! modes), with a short horizon (1e-6 h .. 10 d), 2 replications and a warm-up of 0, 10 h or
//! "auto". What `check` accepts must run through the same library path as `reesim run`
//! (`study::run`, then the table and JSON reports) to finite figures (but those documented as
//! n/a when they do not exist), or stop with an input error (exit code 2); nothing may panic,
//! hang (no result within [`HANG`]) or end in an internal error (exit code 1). Every error
//! `check` gives names the file.
//!
//! Deterministic: a fixed proptest seed per scenario file, no failure-persistence files. For
//! exploration: `REESIM_MUTATION_CASES` (cases per file), `REESIM_MUTATION_SEED`,
//! `REESIM_MUTATION_FILE` (a part of a file name), `REESIM_MUTATION_SHRINK` (shrink steps;
//! 0 reports the first failing input as found) and `REESIM_MUTATION_VERBOSE` (print every
//! refusal and run-time stop), e.g.
//! `REESIM_MUTATION_CASES=1000 REESIM_MUTATION_VERBOSE=1 cargo test --release never_panics -- --nocapture`.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use reesim::Error;
use reesim::scenario::ScenarioSource;
use reesim::study::{self, RunOptions, products::ProductFlows};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use toml::Value;

/// Cases per scenario file in `cargo test` (8 shipped files: 256 cases, about a quarter of
/// them accepted and simulated; about 20 s on 2 cores).
const CASES: u32 = 32;

/// A case that has not finished after this long is a hang.
const HANG: Duration = Duration::from_secs(60);

/// One step of a path into a TOML document.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// What a leaf or node is, for picking mutation targets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Text,
    Other,
}

/// One random edit of a scenario. `pick` selects the target among the candidates (modulo their
/// count), `value` the replacement among a fixed adversarial list.
#[derive(Debug, Clone)]
enum Mutation {
    /// A numeric leaf replaced by an adversarial value.
    Number { pick: usize, value: usize },
    /// A numeric leaf, or the number in a "25 min"-like string, scaled by a factor.
    Scale { pick: usize, factor: usize },
    /// A string leaf replaced by an adversarial string (or a number).
    Text { pick: usize, value: usize },
    /// A key (or array element) removed.
    Delete { pick: usize },
    /// A `[[circuit]]` appended again, under its own name or a new one.
    DuplicateCircuit { pick: usize, rename: bool },
    /// A circuit's `trains` set to 0, 1 or 1000.
    Trains { pick: usize, value: usize },
    /// A time distribution (`time_to_failure`, `time_to_repair`, `residence`) replaced by an
    /// adversarial one: zero draws, heavy tails, seconds or millennia.
    Dist { pick: usize, value: usize },
    /// A failure mode added to a circuit: per stage or train, stop, derate or bypass, fast.
    AddFailure { pick: usize, value: usize },
}

/// Adversarial time distributions (inline TOML tables).
const DISTS: [&str; 14] = [
    r#"{ dist = "fixed", value = 0 }"#,
    r#"{ dist = "fixed", value = "1e-9 h" }"#,
    r#"{ dist = "exponential", mean = "1 s" }"#,
    r#"{ dist = "exponential", mean = "1e5 yr" }"#,
    r#"{ dist = "weibull", shape = 0.05, mean = "8 h" }"#,
    r#"{ dist = "weibull", shape = 50, mean = "8 h" }"#,
    r#"{ dist = "lognormal", mean = "8 h", cv = 100 }"#,
    r#"{ dist = "gamma", mean = "8 h", cv = 100 }"#,
    r#"{ dist = "gamma", mean = "1e-6 h", cv = 0.01 }"#,
    r#"{ dist = "empirical", values = [0, 0, "1 h"] }"#,
    r#"{ dist = "empirical", values = [0] }"#,
    r#"{ dist = "uniform", min = 0, max = "1e-9 h" }"#,
    r#"{ dist = "triangular", min = 0, mode = 0, max = "1 s" }"#,
    r#"{ dist = "triangular", min = "1 h", mode = "1 h", max = "1 h" }"#,
];

/// Failure modes a [`Mutation::AddFailure`] adds (inline TOML tables).
const FAILURES: [&str; 6] = [
    r#"{ name = "x", per = "stage", effect = "bypass", time_to_failure = { dist = "exponential", mean = "1 h" }, time_to_repair = { dist = "exponential", mean = "10 h" } }"#,
    r#"{ name = "x", per = "stage", effect = "stop", time_to_failure = { dist = "exponential", mean = "30 min" }, time_to_repair = "1 min" }"#,
    r#"{ name = "x", effect = "derate", derate_to = 0.01, time_to_failure = { dist = "exponential", mean = "1 h" }, time_to_repair = { dist = "exponential", mean = "1 h" } }"#,
    r#"{ name = "x", effect = "derate", derate_to = 1.0, time_to_failure = "1 s", time_to_repair = "1 s" }"#,
    r#"{ name = "x", effect = "stop", time_to_failure = { dist = "empirical", values = [0, "1 h"] }, time_to_repair = { dist = "empirical", values = [0, "2 h"] } }"#,
    r#"{ name = "x", per = "stage", effect = "bypass", time_to_failure = { dist = "weibull", shape = 0.05, mean = "100 h" }, time_to_repair = { dist = "gamma", mean = "1 h", cv = 100 } }"#,
];

/// An inline TOML table as a value.
fn inline(text: &str) -> Value {
    let t: toml::Table = format!("v = {text}").parse().expect("a test table");
    t["v"].clone()
}

/// Adversarial replacements of a number.
fn numbers() -> Vec<Value> {
    vec![
        Value::Integer(0),
        Value::Integer(-1),
        Value::Integer(1),
        Value::Integer(2),
        Value::Integer(1000),
        Value::Integer(2_000_000_000),
        Value::Integer(i64::MAX),
        Value::Integer(i64::MIN),
        Value::Float(-0.0),
        Value::Float(1e-300),
        Value::Float(5e-324),
        Value::Float(1e-9),
        Value::Float(0.5),
        Value::Float(0.999_999),
        Value::Float(1.000_001),
        Value::Float(1e300),
        Value::Float(f64::MAX),
        Value::Float(f64::NAN),
        Value::Float(f64::INFINITY),
        Value::Float(f64::NEG_INFINITY),
        Value::String("NaN".into()),
        Value::String("nan h".into()),
        Value::String("inf".into()),
        Value::String("1e999".into()),
        Value::String("0 s".into()),
        Value::Boolean(true),
    ]
}

/// Adversarial replacements of a string.
fn texts() -> Vec<Value> {
    [
        "",
        " ",
        "0 s",
        "0",
        "1e-9 h",
        "1e-300 h",
        "5e-324 h",
        "1 s",
        "1e300 h",
        "1e9 yr",
        "2e5 yr",
        "1e15 s",
        "-0 h",
        "-1 h",
        "NaN h",
        "inf h",
        "1e999 h",
        "3 fortnights",
        "25 MIN",
        "25min",
        "1e300 t/yr",
        "1e-300 t/h",
        "0 t/yr",
        "0.001 kg/d",
        "1e300 USD/kg",
        "-5 USD/kg",
        "0 USD/kg",
        "auto",
        "dynamic",
        "none",
        "stage",
        "train",
        "bypass",
        "derate",
        "scrap",
        "lose",
        "fill",
        "centrifugal",
        "naive",
        "weibull",
        "triangular",
        "empirical",
        "Nd",
        "Xx",
        "Pr6O11",
        "名前",
        "a\u{0}b",
    ]
    .into_iter()
    .map(|s| Value::String(s.to_string()))
    .chain([Value::Integer(0), Value::Float(f64::NAN)])
    .collect()
}

/// Factors of a [`Mutation::Scale`].
const FACTORS: [f64; 8] = [1e-9, 1e-3, 0.1, 0.5, 2.0, 10.0, 1e3, 1e9];

/// Every path below the root with its kind, in document order.
fn paths(value: &Value, at: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, Kind)>) {
    let kind = match value {
        Value::Integer(_) | Value::Float(_) => Kind::Number,
        Value::String(_) => Kind::Text,
        _ => Kind::Other,
    };
    if !at.is_empty() {
        out.push((at.clone(), kind));
    }
    match value {
        Value::Table(t) => {
            for (k, v) in t {
                at.push(Seg::Key(k.clone()));
                paths(v, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                at.push(Seg::Index(i));
                paths(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(mut value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    for seg in path {
        value = match (seg, value) {
            (Seg::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

fn remove(root: &mut Value, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match (last, get_mut(root, parent)) {
        (Seg::Key(k), Some(Value::Table(t))) => {
            t.remove(k);
        }
        (Seg::Index(i), Some(Value::Array(a))) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// The candidates of `kind` (every path for `None`).
fn candidates(root: &Value, kind: Option<Kind>) -> Vec<Vec<Seg>> {
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    all.into_iter()
        .filter(|(_, k)| kind.is_none_or(|kind| *k == kind))
        .map(|(p, _)| p)
        .collect()
}

/// `text` with its leading number multiplied by `factor` ("25 min" -> "250 min").
fn scale_text(text: &str, factor: f64) -> Option<String> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic() || c == '/')
        .unwrap_or(text.len());
    let number: f64 = text[..split].trim().parse().ok()?;
    Some(format!("{} {}", number * factor, text[split..].trim()))
}

/// A path as dotted text: `circuit[0].failure[1].time_to_repair`.
fn shown(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out += k,
            Seg::Key(k) => out += &format!(".{k}"),
            Seg::Index(i) => out += &format!("[{i}]"),
        }
    }
    out
}

/// Sets the value at `path` to `to`; says what changed.
fn set(root: &mut Value, path: &[Seg], to: Value) -> String {
    let v = get_mut(root, path).expect("candidate exists");
    let said = format!("{} = {v} -> {to}", shown(path));
    *v = to;
    said
}

/// Applies `m`; says what changed (empty when nothing could be).
fn apply(root: &mut Value, m: &Mutation) -> String {
    match m {
        Mutation::Number { pick, value } => {
            let c = candidates(root, Some(Kind::Number));
            if c.is_empty() {
                return String::new();
            }
            let all = numbers();
            set(root, &c[pick % c.len()], all[value % all.len()].clone())
        }
        Mutation::Scale { pick, factor } => {
            let mut c = candidates(root, Some(Kind::Number));
            c.extend(candidates(root, Some(Kind::Text)));
            if c.is_empty() {
                return String::new();
            }
            let f = FACTORS[factor % FACTORS.len()];
            let path = &c[pick % c.len()];
            let to = match get_mut(root, path).expect("candidate exists") {
                Value::Integer(i) => Value::Integer((*i as f64 * f).round() as i64),
                Value::Float(x) => Value::Float(*x * f),
                Value::String(s) => match scale_text(s, f) {
                    Some(s) => Value::String(s),
                    None => return String::new(),
                },
                _ => return String::new(),
            };
            set(root, path, to)
        }
        Mutation::Text { pick, value } => {
            let c = candidates(root, Some(Kind::Text));
            if c.is_empty() {
                return String::new();
            }
            let all = texts();
            set(root, &c[pick % c.len()], all[value % all.len()].clone())
        }
        Mutation::Delete { pick } => {
            let c = candidates(root, None);
            if c.is_empty() {
                return String::new();
            }
            let path = &c[pick % c.len()];
            remove(root, path);
            format!("{} deleted", shown(path))
        }
        Mutation::DuplicateCircuit { pick, rename } => {
            let Some(Value::Array(a)) = get_mut(root, &[Seg::Key("circuit".into())]) else {
                return String::new();
            };
            if a.is_empty() {
                return String::new();
            }
            let mut copy = a[pick % a.len()].clone();
            if let (true, Value::Table(t)) = (rename, &mut copy) {
                let name = t.get("name").and_then(Value::as_str).unwrap_or("c");
                t.insert("name".into(), Value::String(format!("{name} copy")));
            }
            a.push(copy);
            format!(
                "circuit[{}] appended again (renamed: {rename})",
                pick % (a.len() - 1)
            )
        }
        Mutation::Dist { pick, value } => {
            let c: Vec<Vec<Seg>> = candidates(root, None)
                .into_iter()
                .filter(|p| {
                    matches!(p.last(), Some(Seg::Key(k))
                        if ["time_to_failure", "time_to_repair", "residence"].contains(&k.as_str()))
                })
                .collect();
            if c.is_empty() {
                return String::new();
            }
            set(root, &c[pick % c.len()], inline(DISTS[value % DISTS.len()]))
        }
        Mutation::AddFailure { pick, value } => {
            let Some(Value::Array(a)) = get_mut(root, &[Seg::Key("circuit".into())]) else {
                return String::new();
            };
            if a.is_empty() {
                return String::new();
            }
            let k = pick % a.len();
            let Value::Table(t) = &mut a[k] else {
                return String::new();
            };
            let failure = inline(FAILURES[value % FAILURES.len()]);
            match t
                .entry("failure")
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(f) => f.push(failure.clone()),
                _ => return String::new(),
            }
            format!("circuit[{k}].failure += {failure}")
        }
        Mutation::Trains { pick, value } => {
            let Some(Value::Array(a)) = get_mut(root, &[Seg::Key("circuit".into())]) else {
                return String::new();
            };
            if a.is_empty() {
                return String::new();
            }
            let k = pick % a.len();
            let trains = [0, 1, 1000][value % 3];
            match &mut a[k] {
                Value::Table(t) => {
                    t.insert("trains".into(), Value::Integer(trains));
                    format!("circuit[{k}].trains = {trains}")
                }
                _ => String::new(),
            }
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = any::<usize>();
    prop_oneof![
        2 => (n, n).prop_map(|(pick, value)| Mutation::Number { pick, value }),
        4 => (n, n).prop_map(|(pick, factor)| Mutation::Scale { pick, factor }),
        2 => (n, n).prop_map(|(pick, value)| Mutation::Text { pick, value }),
        2 => n.prop_map(|pick| Mutation::Delete { pick }),
        1 => (n, any::<bool>()).prop_map(|(pick, rename)| Mutation::DuplicateCircuit { pick, rename }),
        1 => (n, n).prop_map(|(pick, value)| Mutation::Trains { pick, value }),
        2 => (n, n).prop_map(|(pick, value)| Mutation::Dist { pick, value }),
        1 => (n, n).prop_map(|(pick, value)| Mutation::AddFailure { pick, value }),
    ]
}

/// Horizons and warm-ups the mutated scenarios run with (the horizon is always short).
const HORIZONS: [&str; 5] = ["300 h", "200 h", "1 h", "1e-6 h", "10 d"];
const WARMUPS: [&str; 3] = ["0 h", "auto", "10 h"];

/// A mutated scenario: the mutations, then the short run settings.
#[derive(Debug, Clone)]
struct Case {
    mutations: Vec<Mutation>,
    horizon: usize,
    warmup: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(mutation(), 1..=3),
        0..HORIZONS.len(),
        prop_oneof![4 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
    )
        .prop_map(|(mutations, horizon, warmup)| Case {
            mutations,
            horizon,
            warmup,
        })
}

/// Most stages per section of a circuit with the dynamic restart model in a mutated scenario.
/// That model integrates every stage through each restart of the curve, linear in the stages:
/// a 3-element cascade takes about 0.03 s per stage per curve (26 + 1000 stages: 66 s of
/// `check`), a 15-element one about 0.5 s (the shipped ion-clay cascade with
/// `restart = "dynamic"`: 48 s). Slow, not a hang (its steps are bounded), so the property keeps
/// those cascades short to stay fast; long cascades with other restarts stay in.
const DYNAMIC_SECTION: i64 = 120;

/// Clamps the sections of circuits with the dynamic restart model to [`DYNAMIC_SECTION`].
fn keep_dynamic_short(t: &mut toml::Table) {
    let Some(Value::Array(circuits)) = t.get_mut("circuit") else {
        return;
    };
    for c in circuits.iter_mut().filter_map(Value::as_table_mut) {
        if c.get("restart")
            .is_some_and(|r| r.as_str() != Some("dynamic"))
        {
            continue;
        }
        if let Some(Value::Table(sep)) = c.get_mut("separation") {
            for key in ["extraction_stages", "scrub_stages"] {
                if let Some(Value::Integer(n)) = sep.get_mut(key) {
                    *n = (*n).min(DYNAMIC_SECTION);
                }
            }
        }
    }
}

/// The scenario text of `case` applied to `table`, and what changed.
fn mutated(table: &toml::Table, case: &Case) -> (String, String) {
    let mut root = Value::Table(table.clone());
    let mut changes = String::new();
    for m in &case.mutations {
        changes += &apply(&mut root, m);
        changes += "\n";
    }
    let Value::Table(mut t) = root else {
        unreachable!("the root stays a table")
    };
    keep_dynamic_short(&mut t);
    let sim = t
        .entry("simulation")
        .or_insert_with(|| Value::Table(toml::Table::new()));
    if !sim.is_table() {
        *sim = Value::Table(toml::Table::new());
    }
    let sim = sim.as_table_mut().expect("a table");
    sim.insert("horizon".into(), HORIZONS[case.horizon].into());
    sim.insert("warmup".into(), WARMUPS[case.warmup].into());
    sim.insert("replications".into(), Value::Integer(2));
    let text = toml::to_string(&t).expect("a TOML table serialises");
    (text, changes)
}

/// Figures that are `n/a` when they do not exist (README: IRR and payback when a plant never
/// pays back; the levelised cost without on-spec product; a product's mean purity when no
/// batch was judged in the window; a circuit's mean residence, infinite when it was never
/// fed); every other figure is finite.
fn optional(figure: &str) -> bool {
    ["irr", "payback", "levelised_cost"].contains(&figure)
        || figure.starts_with("purity_")
        || figure.ends_with("_residence")
}

/// How a mutated scenario ended, when it ended well.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// A report with finite figures.
    Ran,
    /// `check` refused it (an input error: exit code 2).
    Refused(String),
    /// `check` accepted it and `run` stopped with an input error (exit code 2).
    Stopped(String),
}

/// What `reesim check` does, then what `reesim run` does.
fn check_then_run(file: &str, text: String) -> Result<Outcome, String> {
    let source = match ScenarioSource::from_text(file, text) {
        Ok(s) => s,
        Err(e) => return named(file, &e).map(|()| Outcome::Refused(e.to_string())),
    };
    let checked = (|| -> Result<_, reesim::scenario::ScenarioErrors> {
        let base = source.base()?;
        let variants = source.variants()?;
        source.sweep_axes()?;
        Ok((base, variants))
    })();
    let (base, variants) = match checked {
        Ok(ok) => ok,
        Err(e) => return named(file, &e).map(|()| Outcome::Refused(e.to_string())),
    };
    let built = std::iter::once(&base)
        .chain(&variants)
        .try_for_each(|s| ProductFlows::of(s).map(drop));
    match built {
        Ok(()) => {}
        Err(Error::Input(e)) => return Ok(Outcome::Refused(e)),
        Err(e) => return Err(format!("check: not an input error: {e}")),
    }
    let options = RunOptions {
        replications: Some(2),
        ..RunOptions::default()
    };
    let result = match study::run(&base, &variants, options) {
        Ok(r) => r,
        Err(Error::Input(e)) => return Ok(Outcome::Stopped(e)),
        Err(e) => return Err(format!("run: not an input error: {e}")),
    };
    for layout in &result.layouts {
        for s in &layout.summaries {
            let st = &s.stats;
            let finite = [st.mean, st.sd, st.ci95, st.min, st.max];
            if !optional(&s.name) && !finite.iter().all(|x| x.is_finite()) {
                return Err(format!(
                    "layout \"{}\": figure {} is not finite: {:?}",
                    layout.name, s.name, s.stats
                ));
            }
        }
    }
    for format in [reesim::cli::Format::Table, reesim::cli::Format::Json] {
        reesim::report::exporter(format)
            .export(&result)
            .map_err(|e| format!("report {format:?}: {e}"))?;
    }
    Ok(Outcome::Ran)
}

/// Every error names the file and says something.
fn named(file: &str, errors: &reesim::scenario::ScenarioErrors) -> Result<(), String> {
    match errors
        .0
        .iter()
        .find(|e| e.file != file || e.message.is_empty())
    {
        Some(bad) => Err(format!(
            "an error that does not name the file or says nothing: {bad:?}"
        )),
        None if errors.0.is_empty() => Err("an empty error list".into()),
        None => Ok(()),
    }
}

/// [`check_then_run`] on another thread: a panic or a hang is a failure naming the input.
fn property(file: &str, (text, changes): (String, String)) -> Result<Outcome, TestCaseError> {
    let (tx, rx) = mpsc::channel();
    let (name, shown) = (file.to_string(), text.clone());
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(move || check_then_run(&name, text));
        let _ = tx.send(outcome);
    });
    let fail = |why: String| {
        let message = format!("{why}\n--- changes ---\n{changes}--- input ---\n{shown}");
        if std::env::var_os("REESIM_MUTATION_VERBOSE").is_some() {
            eprintln!("FAILURE (before shrinking): {message}");
        }
        TestCaseError::fail(message)
    };
    match rx.recv_timeout(HANG) {
        Ok(Ok(Ok(outcome))) => {
            if std::env::var_os("REESIM_MUTATION_VERBOSE").is_some() {
                let first = |why: &str| why.lines().next().unwrap_or_default().to_string();
                match &outcome {
                    Outcome::Ran => {}
                    Outcome::Refused(why) => eprintln!("refused: {}", first(why)),
                    Outcome::Stopped(why) => {
                        eprintln!(
                            "stopped: {}\n  after: {}",
                            first(why),
                            changes.trim().replace('\n', "; ")
                        )
                    }
                }
            }
            Ok(outcome)
        }
        Ok(Ok(Err(e))) => Err(fail(e)),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(fail(format!("panic: {message}")))
        }
        Err(_) => Err(fail(format!("no result after {HANG:?}: a hang"))),
    }
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios/")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn mutated_scenarios_run_or_fail_cleanly() {
    let cases = std::env::var("REESIM_MUTATION_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let only = std::env::var("REESIM_MUTATION_FILE").ok();
    let seed = std::env::var("REESIM_MUTATION_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5EED_0000);
    let mut report = String::new();
    for (k, path) in scenario_files().iter().enumerate() {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !stem.contains(o.as_str())) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("scenario readable");
        let table: toml::Table = text.parse().expect("a shipped scenario is TOML");
        let config = Config {
            cases,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed + k as u64),
            max_shrink_iters: std::env::var("REESIM_MUTATION_SHRINK")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(200),
            ..Config::default()
        };
        let file = format!("{stem}.toml");
        let start = Instant::now();
        // Ran, refused by check, stopped at run time.
        let tally = std::cell::Cell::new([0u32; 3]);
        let outcome = TestRunner::new(config).run(&case(), |c| {
            let k = match property(&file, mutated(&table, &c))? {
                Outcome::Ran => 0,
                Outcome::Refused(_) => 1,
                Outcome::Stopped(_) => 2,
            };
            let mut t = tally.get();
            t[k] += 1;
            tally.set(t);
            Ok(())
        });
        match outcome {
            Ok(()) => {}
            Err(TestError::Fail(why, c)) => panic!("{file}: {c:?}\n{why}"),
            Err(e) => panic!("{file}: {e}"),
        }
        let [ran, refused, stopped] = tally.get();
        report += &format!(
            "{file}: {cases} cases: {ran} ran, {refused} refused by check, {stopped} stopped at \
             run time; {:.1} s\n",
            start.elapsed().as_secs_f64()
        );
    }
    eprint!("{report}");
}

/// A shipped scenario with the first `from` replaced by `to`, run as the property runs it
/// (300 h, no warm-up, 2 replications): whether it ran, and how long check and run took.
fn edited_run(stem: &str, from: &str, to: &str) -> (Result<Outcome, String>, Duration) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{stem}.toml"));
    let text = std::fs::read_to_string(path).expect("scenario readable");
    assert!(text.contains(from), "test setup: `{from}` not in {stem}");
    let table: toml::Table = text.replacen(from, to, 1).parse().expect("TOML");
    let case = Case {
        mutations: Vec::new(),
        horizon: 0,
        warmup: 0,
    };
    let start = Instant::now();
    let outcome = check_then_run(&format!("{stem}.toml"), mutated(&table, &case).0);
    (outcome, start.elapsed())
}

/// Regressions the property found, each as the input that triggered it (the fixes and their
/// unit tests: chem `splits_are_fractions_with_one_scrub_stage` and
/// `long_multi_element_cascades_solve_in_bounded_time`, scenario
/// `rates_and_money_have_upper_bounds`, units `scientific_notation_takes_a_unit`).
#[test]
fn inputs_the_property_found_run_to_a_report() {
    // An internal error (exit 1): a split of 1.0000000000000002 refused by the plant check.
    let (ran, _) = edited_run("ion-clay-yttrium", "scrub_stages = 33", "scrub_stages = 1");
    assert_eq!(ran, Ok(Outcome::Ran));
    // 56 s of `check`: dense elimination at every Newton step of a 20 + 1000-stage cascade.
    let (ran, took) = edited_run(
        "campaign-vs-dedicated",
        "scrub_stages = 19",
        "scrub_stages = 1000",
    );
    assert_eq!(ran, Ok(Outcome::Ran));
    assert!(took < Duration::from_secs(20), "{took:?}");
    // A hang: a repair mean of 1e300 h asked for a restart curve of 903 stop lengths up to
    // 4e300 h, each a run of the dynamic model (over 2 minutes, unfinished); now the curve
    // stops at the horizon.
    let (ran, took) = edited_run(
        "ndpr-parallel-trains",
        "time_to_repair = { dist = \"lognormal\", mean = \"8 h\", cv = 0.5 }",
        "time_to_repair = { dist = \"exponential\", mean = \"1e300 h\" }",
    );
    assert_eq!(ran, Ok(Outcome::Ran));
    assert!(took < Duration::from_secs(20), "{took:?}");
}
