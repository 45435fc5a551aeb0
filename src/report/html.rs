//! `report.html`: one self-contained page (inline CSS, inline SVG, no scripts, no network) with
//! the scenario, the answer in one sentence, the products, the figures of every layout with
//! 95 % CIs, the paired changes against the base, and every plot.
//!
//! The tables reuse the terminal table's rows and cells ([`super::table`]), so the page and the
//! terminal always show the same numbers.

use std::fmt::Write;

use super::num;
use super::plots::Plot;
use super::table::{self, pct};
use crate::experiment::FigureComparison;
use crate::study::StudyResult;

const CSS: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1150px;padding:0 1em;\
color:#222;line-height:1.4}h1{margin-bottom:.2em}.meta{color:#555}\
.answer{background:#eef5fb;border-left:5px solid #0072b2;padding:.8em 1em;font-size:1.15em}\
table{border-collapse:collapse;margin:.6em 0 1.4em}th,td{border:1px solid #ccc;padding:.3em .7em}\
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
td.sig{text-align:center}figure{margin:1.2em 0 2em}figcaption{color:#444;margin-top:.3em}\
svg{max-width:100%;height:auto;border:1px solid #ddd}";

/// The whole page for `study` with its `plots` inline.
pub fn to_html(study: &StudyResult, plots: &[Plot]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>reesim: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&study.scenario)
    );
    header(&mut h, study);
    products(&mut h, study);
    figures(&mut h, study);
    changes(&mut h, study);
    plots_section(&mut h, plots);
    reading(&mut h);
    h.push_str("</body>\n</html>\n");
    h
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn header(h: &mut String, study: &StudyResult) {
    let base = &study.layouts[0];
    let _ = writeln!(
        h,
        "<h1>{}</h1>\n<p class=\"meta\">reesim {}: {} replications x {} d per layout, seed {}, \
         statistics after a {} h warm-up; &plusmn; is the 95 % CI half-width (Student t).</p>",
        esc(&study.scenario),
        env!("CARGO_PKG_VERSION"),
        study.replications,
        num(study.horizon_h / 24.0, 4),
        study.seed,
        num(base.warmup_h, 3)
    );
    let _ = writeln!(
        h,
        "<p class=\"answer\"><strong>Answer:</strong> {}</p>",
        esc(&table::answer_sentence(study))
    );
}

fn products(h: &mut String, study: &StudyResult) {
    let flows = &study.layouts[0].flows;
    if flows.products.is_empty() {
        return;
    }
    h.push_str(
        "<h2>Products</h2>\n<table id=\"products\">\n<tr><th>product</th><th>circuit</th>\
         <th>outlet</th><th>purity (mol %, steady-state cascade)</th>\
         <th>design output (t REO/yr)</th></tr>\n",
    );
    for p in &flows.products {
        let outlet = if p.outlet == "A" {
            "A (loaded organic)"
        } else {
            "B (raffinate)"
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{outlet}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&p.label),
            esc(&flows.circuit_names[p.circuit]),
            num(p.purity * 100.0, 5),
            num(p.design_t_per_h * crate::study::figures::HOURS_PER_YEAR, 5)
        );
    }
    h.push_str("</table>\n");
}

fn figures(h: &mut String, study: &StudyResult) {
    let t = table::figure_table(study);
    h.push_str("<h2>Figures per layout</h2>\n<table id=\"figures\">\n<tr><th>figure</th>");
    for l in &study.layouts {
        let _ = write!(h, "<th>{}</th>", esc(&l.name));
    }
    h.push_str("</tr>\n");
    for (row, label) in t.labels.iter().enumerate() {
        let _ = write!(h, "<tr><td>{}</td>", esc(label));
        for cells in &t.cells {
            let _ = write!(h, "<td class=\"num\">{}</td>", esc(&cells[row]));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// Which comparisons the page lists: output, availability, losses and flow.
fn compared(name: &str) -> bool {
    name.starts_with("on_spec_")
        || matches!(
            name,
            "throughput" | "availability" | "held_back" | "lost_feed" | "off_spec"
        )
}

fn changes(h: &mut String, study: &StudyResult) {
    if study.comparisons.is_empty() {
        return;
    }
    h.push_str(
        "<h2>Change against the base</h2>\n<p>Paired over replications with common random \
         numbers: replication r of a layout against replication r of the base.</p>\n\
         <table id=\"changes\">\n<tr><th>layout</th><th>figure</th><th>change</th>\
         <th>95 % CI</th><th>significant at 95 %</th></tr>\n",
    );
    for (layout, comparison) in study.layouts[1..].iter().zip(&study.comparisons) {
        for c in comparison.iter().filter(|c| compared(&c.name)) {
            let (change, ci) = change_cells(c);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{change}</td>\
                 <td class=\"num\">{ci}</td><td class=\"sig\">{}</td></tr>",
                esc(&layout.name),
                esc(&table::short_name(study, &c.name)),
                if significant(c) { "yes" } else { "no" }
            );
        }
    }
    h.push_str("</table>\n");
}

/// Whether the printed interval excludes 0 (the relative change's log-scale interval, or the
/// difference's for fractions and figures without a ratio).
fn significant(c: &FigureComparison) -> bool {
    match c.paired.ratio.as_ref().and_then(table::relative) {
        Some(r) if c.unit != "fraction" => r.significant,
        _ => c.paired.significant,
    }
}

/// Relative change with its CI, or the difference in points for fractions.
fn change_cells(c: &FigureComparison) -> (String, String) {
    match c.paired.ratio.as_ref().and_then(table::relative) {
        Some(r) if c.unit != "fraction" => {
            (pct(r.change), format!("{} to {}", pct(r.lo), pct(r.hi)))
        }
        _ => {
            let d = c.paired.difference;
            let pts = |x: f64| {
                if x.is_finite() {
                    format!("{:+.2} pts", x * 100.0)
                } else {
                    "n/a".into()
                }
            };
            (
                pts(d.estimate),
                format!("{} to {}", pts(d.lo()), pts(d.hi())),
            )
        }
    }
}

fn plots_section(h: &mut String, plots: &[Plot]) {
    if plots.is_empty() {
        return;
    }
    h.push_str("<h2>Plots</h2>\n");
    for p in plots {
        let svg = p.svg.trim_start_matches(|c: char| c != '<');
        let svg = match svg.strip_prefix("<?xml") {
            Some(rest) => rest.split_once("?>").map_or(rest, |x| x.1).trim_start(),
            None => svg,
        };
        // Inline SVG in HTML needs no namespace; leaving it out keeps the page free of URLs.
        let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
        let _ = writeln!(
            h,
            "<figure id=\"{}\">\n{svg}\n<figcaption>{} (<code>plots/{}</code>)</figcaption>\n</figure>",
            esc(p.file.trim_end_matches(".svg")),
            esc(&p.note),
            esc(&p.file)
        );
    }
}

fn reading(h: &mut String) {
    h.push_str(
        "<h2>How to read this</h2>\n<p>Each layout is simulated over the same replications; a \
         cell is the mean over replications &plusmn; the 95 % Student-t half-width. Changes \
         pair replication r of each layout with replication r of the base (the same feed \
         arrivals and, train by train, the same failures), so small gains are measurable; \
         \"significant\" means the printed 95 % interval excludes 0 (relative changes take \
         their interval on the log scale, so it never reaches -100 %). Purities come \
         from the steady-state cascade solution; the timeline shows replication 0 only.</p>\n\
         <p>Files next to this page: <code>summary.json</code> (every figure with its unit), \
         <code>replications.csv</code> (one row per layout and replication) and \
         <code>plots/*.svg</code>.</p>\n",
    );
}
