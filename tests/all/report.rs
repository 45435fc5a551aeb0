//! Reports: the SVG plots, `report.html`, and the `--out DIR` files (complete, finite, offline,
//! byte-identical for the same seed).

use std::path::Path;
use std::process::Command;

use reesim::report::{html, plots};
use reesim::scenario::{Scenario, ScenarioSource};
use reesim::study::{self, RunOptions, StudyResult};

const DEFAULT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/ndpr-parallel-trains.toml"
);

/// The default scenario with a short horizon (and optionally more failures) so tests run fast.
fn short_text(horizon: &str, warmup: &str, mtbf: &str) -> String {
    std::fs::read_to_string(DEFAULT)
        .expect("default scenario")
        .replace("horizon = \"365 d\"", &format!("horizon = \"{horizon}\""))
        .replace("warmup = \"14 d\"", &format!("warmup = {warmup}"))
        .replace("mean = \"400 h\"", &format!("mean = \"{mtbf}\""))
}

fn scenarios(text: String) -> (Scenario, Vec<Scenario>) {
    let source = ScenarioSource::from_text("short.toml", text).expect("scenario parses");
    (
        source.base().expect("base"),
        source.variants().expect("variants"),
    )
}

fn short_study(reps: u32) -> StudyResult {
    let (base, variants) = scenarios(short_text("40 d", "\"2 d\"", "150 h"));
    let options = RunOptions {
        replications: Some(reps),
        ..RunOptions::default()
    };
    study::run(&base, &variants, options).expect("study runs")
}

/// Every `<text>` element's content, unescaped enough for matching.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(content, _)| content.replace("&quot;", "\"").replace("&amp;", "&"))
        .collect()
}

/// Balanced tags, one `<svg>` root, no non-finite numbers.
fn assert_svg_ok(name: &str, svg: &str) {
    let body = svg.trim_start();
    assert!(
        body.starts_with("<svg") || body.starts_with("<?xml"),
        "{name}"
    );
    assert!(body.trim_end().ends_with("</svg>"), "{name}");
    assert_eq!(svg.matches("<svg").count(), 1, "{name}");
    assert_eq!(svg.matches('<').count(), svg.matches('>').count(), "{name}");
    assert_eq!(
        svg.matches("<text").count(),
        svg.matches("</text>").count(),
        "{name}"
    );
    for bad in ["NaN", "inf", "http://www.w3.org/1999/xhtml"] {
        assert!(!svg.contains(bad), "{name} contains {bad}");
    }
}

fn has(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

#[test]
fn plots_have_titles_axis_labels_with_units_and_legends() {
    let study = short_study(3);
    let all = plots::all(&study).expect("plots render");
    let files: Vec<&str> = all.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "throughput.svg",
            "losses.svg",
            "timeline.svg",
            "profile_prnd.svg"
        ]
    );
    for p in &all {
        assert_svg_ok(&p.file, &p.svg);
        let t = texts(&p.svg);
        assert!(has(&t, &p.title), "{}: title {:?}", p.file, p.title);
    }
    let t = texts(&all[0].svg);
    for label in [
        "on-spec Nd2O3 (t REO/yr)",
        "on-spec Pr6O11 (t REO/yr)",
        "layout",
        "95 % CI",
        "mean of 3 replications",
        "4 trains",
    ] {
        assert!(has(&t, label), "throughput: {label}");
    }
    let t = texts(&all[1].svg);
    for label in [
        "lost against design (t REO/yr): circuit feed, or product sold off-spec",
        "PrNd: feed pump",
        "PrNd: catch up",
        "4 trains",
    ] {
        assert!(has(&t, label), "losses: {label}");
    }
    let t = texts(&all[2].svg);
    for label in [
        "time (d), replication 0",
        "trains up, PrNd (of 1)",
        "trains up, PrNd (of 4)",
        "tank feed level (of",
        "4 trains",
    ] {
        assert!(has(&t, label), "timeline: {label}");
    }
    let t = texts(&all[3].svg);
    for label in [
        "aqueous mole fraction of total REE (log scale)",
        "stage (1 = raffinate end, 54 = loaded-organic end)",
        "Nd (A: loaded organic)",
        "extraction section: stages 1-25",
        "scrub section: stages 26-54",
        "1e-8",
    ] {
        assert!(has(&t, label), "profile: {label}");
    }
}

#[test]
fn sweep_plot_takes_plain_vectors() {
    let svg = plots::sweep::svg(
        &[1.0, 2.0, 4.0, 8.0],
        &[3712.0, 3756.0, 3759.0, 3761.0],
        &[10.0, 8.5, 7.9, f64::NAN],
        "parallel trains (count)",
        "on-spec Nd2O3 (t REO/yr)",
    )
    .expect("sweep plot");
    assert_svg_ok("sweep", &svg);
    let t = texts(&svg);
    for label in [
        "On-spec Nd2O3 against parallel trains",
        "parallel trains (count)",
        "on-spec Nd2O3 (t REO/yr)",
        "95 % CI",
        "mean",
    ] {
        assert!(has(&t, label), "sweep: {label}");
    }
    assert!(plots::sweep::svg(&[1.0], &[1.0, 2.0], &[0.1], "x", "y").is_err());
    assert!(plots::sweep::svg(&[f64::NAN], &[1.0], &[0.1], "x", "y").is_err());
}

#[test]
fn html_report_is_self_contained_with_tables_and_every_plot() {
    let study = short_study(2);
    let all = plots::all(&study).expect("plots");
    let page = html::to_html(&study, &all);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    assert_eq!(page.matches("<svg").count(), all.len());
    for p in &all {
        assert!(page.contains(&format!(
            "<figure id=\"{}\">",
            p.file.trim_end_matches(".svg")
        )));
    }
    for id in ["products", "figures", "changes"] {
        assert!(page.contains(&format!("<table id=\"{id}\">")), "table {id}");
    }
    for text in [
        "Answer:",
        "Nd2O3",
        "99.98",
        "on-spec Nd2O3 (t REO/yr)",
        "availability (fraction)",
        "4 trains",
        "significant at 95 %",
    ] {
        assert!(page.contains(text), "report.html lacks {text:?}");
    }
    assert!(!page.contains("<?xml"));
    for bad in ["http:", "https:", "<script", "<link", "src=", "NaN", "inf "] {
        assert!(!page.contains(bad), "report.html contains {bad:?}");
    }
}

fn run_out(scenario: &Path, dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_reesim"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--reps",
            "2",
            "--seed",
            "5",
        ])
        .arg("--out")
        .arg(dir)
        .output()
        .expect("reesim runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Relative path -> bytes of every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&path).expect("file")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn out_dir_twice_with_the_same_seed_is_byte_identical() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = tmp.path().join("short.toml");
    std::fs::write(&scenario, short_text("30 d", "\"2 d\"", "150 h")).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_out(&scenario, &a);
    run_out(&scenario, &b);
    let (fa, fb) = (files(&a), files(&b));
    let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
    for expected in [
        "plots/losses.svg",
        "plots/profile_prnd.svg",
        "plots/throughput.svg",
        "plots/timeline.svg",
        "replications.csv",
        "report.html",
        "summary.json",
    ] {
        assert!(
            names.contains(&expected),
            "--out lacks {expected}: {names:?}"
        );
    }
    assert_eq!(fa, fb, "same seed, same bytes");
    for (name, bytes) in &fa {
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        assert!(!text.contains("NaN"), "{name} has NaN");
        assert!(
            !text.to_lowercase().contains("infinity"),
            "{name} has infinity"
        );
    }
}
