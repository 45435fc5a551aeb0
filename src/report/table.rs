//! The terminal table: headline figures per layout with 95 % CIs, gains against the base, and
//! one sentence with the answer.

use super::{Exporter, num};
use crate::Result;
use crate::experiment::{FigureComparison, FigureSummary};
use crate::study::products::ProductFlows;
use crate::study::{LayoutResult, StudyResult, economics};
use std::fmt::Write;

/// Aligned text for a terminal.
pub struct TableExporter;

impl Exporter for TableExporter {
    fn export(&self, study: &StudyResult) -> Result<String> {
        let mut out = String::new();
        header(&mut out, study);
        figures_table(&mut out, study);
        losses_table(&mut out, study);
        bottlenecks(&mut out, study);
        drifts(&mut out, study);
        economics_table(&mut out, study);
        gains(&mut out, study);
        answer(&mut out, study);
        Ok(out)
    }
}

fn header(out: &mut String, study: &StudyResult) {
    let base = &study.layouts[0];
    let _ = writeln!(
        out,
        "reesim {}: {}",
        env!("CARGO_PKG_VERSION"),
        study.scenario
    );
    let _ = writeln!(
        out,
        "{} replications x {} d, seed {}, statistics after a {} h warm-up; ± is the 95 % CI half-width",
        study.replications,
        num(study.horizon_h / 24.0, 4),
        study.seed,
        num(base.warmup_h, 3)
    );
    let window_h = base.first.window_h;
    if (study.horizon_h - base.warmup_h - window_h).abs() > 1e-6 {
        let _ = writeln!(
            out,
            "statistics window {} d: whole campaign cycles only (the horizon's last partial cycle is left out)",
            num(window_h / 24.0, 4)
        );
    }
    let _ = writeln!(
        out,
        "{} events simulated; element mass balance closed to {:.1e} of the feed",
        study.layouts.iter().map(|l| l.events).sum::<u64>(),
        study
            .layouts
            .iter()
            .map(|l| l.mass_balance_error)
            .fold(0.0, f64::max)
    );
    if let Some(p) = &study.precision {
        let worst = p.relative_half_widths.iter().copied().fold(0.0, f64::max);
        let how = match p.stop {
            crate::experiment::StopReason::PrecisionReached => "reached",
            crate::experiment::StopReason::CapReached => "NOT reached: replication cap hit",
        };
        let _ = writeln!(
            out,
            "precision target ±{} % {how} after {} replications (worst headline ±{} %)",
            num(p.target * 100.0, 3),
            study.replications,
            num(worst * 100.0, 3)
        );
    }
    for p in &base.flows.products {
        let _ = writeln!(
            out,
            "product {:<8} from circuit {} ({} outlet): purity {} mol % (steady-state cascade)",
            p.label,
            base.flows.circuit_names[p.circuit],
            p.outlet,
            purity_percent(p.purity)
        );
    }
    let _ = writeln!(out);
}

/// Which figures the table shows, in order: products, totals, reliability, flow.
fn shown(summary: &FigureSummary) -> bool {
    let n = summary.name.as_str();
    n.starts_with("on_spec_")
        || n.starts_with("purity_")
        || n.ends_with("_inventory")
        || n.ends_with("_residence")
        || matches!(
            n,
            "throughput"
                | "sales_value"
                | "availability"
                | "held_back"
                | "lost_feed"
                | "off_spec"
                | "stock_change"
        )
}

/// Capital, operating cost, revenue and the decision figures per layout, with the
/// probability of the highest NPV (only with `[economics]`).
fn economics_table(out: &mut String, study: &StudyResult) {
    let Some(money) = &study.layouts[0].money else {
        return;
    };
    let s = &money.settings;
    let _ = writeln!(
        out,
        "Economics ({} of {}; {} %/yr real over {} yr; {} start; defaults and sources: docs/sources.md section 6):",
        s.currency,
        s.cost_year,
        num(s.discount_rate * 100.0, 3),
        s.life_yr,
        match s.startup {
            crate::money::Startup::Preloaded => "pre-loaded",
            crate::money::Startup::Naive => "naive",
        }
    );
    let find = |l: &LayoutResult, name: &str| l.summaries.iter().find(|f| f.name == name).cloned();
    let mut labels = Vec::new();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); study.layouts.len()];
    // The money figures in the order the study reports them, with the operating categories.
    let names = (study.layouts[0].summaries.iter())
        .map(|s| s.name.as_str())
        .filter(|n| economics::FIGURES.contains(n) || n.starts_with("operating_"));
    for name in names {
        let Some(first) = find(&study.layouts[0], name) else {
            continue;
        };
        labels.push(label(study, &first));
        for (l, layout) in study.layouts.iter().enumerate() {
            cells[l].push(find(layout, name).map_or("-".into(), |f| cell(&f)));
        }
    }
    labels.push("probability of the highest NPV".into());
    for (l, layout) in study.layouts.iter().enumerate() {
        cells[l].push(
            layout
                .p_best
                .map_or("-".into(), |p| cell_of(p.mean, p.ci95, "fraction")),
        );
    }
    aligned(out, study, "money", &labels, &cells);
}

/// Money in millions: the display scale and unit of a figure's unit ("USD/yr" -> "M USD/yr").
pub(crate) fn display_unit(unit: &str) -> (f64, String) {
    let currency = crate::scenario::price::CURRENCIES
        .iter()
        .any(|c| unit == *c || unit.strip_prefix(c).is_some_and(|r| r == "/yr"));
    if currency {
        (1e-6, format!("M {unit}"))
    } else {
        (1.0, unit.to_string())
    }
}

/// The headline figures of every layout: row labels, and per layout one cell per row
/// ("mean ± ci95", fractions in %). Shared by the terminal table and the HTML report.
pub(crate) struct FigureTable {
    /// Row labels with units, e.g. "on-spec Nd2O3 (t REO/yr)".
    pub labels: Vec<String>,
    /// `cells[layout][row]`.
    pub cells: Vec<Vec<String>>,
}

/// The rows [`shown`] in the headline table, labelled, for every layout: every figure any
/// layout reports (layouts of different plants differ), matched by name; "-" where a layout
/// lacks it.
pub(crate) fn figure_table(study: &StudyResult) -> FigureTable {
    let mut rows: Vec<&FigureSummary> = Vec::new();
    let mut labels = Vec::new();
    for layout in &study.layouts {
        for s in layout.summaries.iter().filter(|s| shown(s)) {
            if !rows.iter().any(|r| r.name == s.name) {
                rows.push(s);
                labels.push(figure_label(&layout.flows, &s.name, &s.unit));
            }
        }
    }
    let cells = study
        .layouts
        .iter()
        .map(|l| {
            rows.iter()
                .map(|r| {
                    (l.summaries.iter())
                        .find(|s| s.name == r.name)
                        .map_or("-".into(), cell)
                })
                .collect()
        })
        .collect();
    FigureTable { labels, cells }
}

fn figures_table(out: &mut String, study: &StudyResult) {
    let FigureTable { labels, cells } = figure_table(study);
    aligned(out, study, "figure", &labels, &cells);
}

/// The loss attribution (Pareto, largest base loss first) of every layout.
fn losses_table(out: &mut String, study: &StudyResult) {
    let rows = crate::study::losses::pareto(study);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Losses against design by cause, t REO/yr (largest in the base first; catch-up above \
         design after a stop is negative):"
    );
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let cells: Vec<Vec<String>> = (0..study.layouts.len())
        .map(|j| {
            rows.iter()
                .map(|r| cell_of(r.mean[j], r.ci95[j], "t REO/yr"))
                .collect()
        })
        .collect();
    aligned(out, study, "cause", &labels, &cells);
}

/// Rows of labelled cells, one column per layout (`cells[layout][row]`), aligned, then a blank
/// line.
fn aligned(
    out: &mut String,
    study: &StudyResult,
    corner: &str,
    labels: &[String],
    cells: &[Vec<String>],
) {
    let mut header = vec![corner.to_string()];
    header.extend(study.layouts.iter().map(|l| l.name.clone()));
    let rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(row, label)| {
            let mut line = vec![label.clone()];
            line.extend(cells.iter().map(|layout| layout[row].clone()));
            line
        })
        .collect();
    out.push_str(&super::grid::columns(&header, &rows));
    out.push('\n');
}

/// One line per layout and circuit whose feed drifted from its design composition: how far,
/// and the purities of the cascade re-solved at that feed.
fn drifts(out: &mut String, study: &StudyResult) {
    let mut any = false;
    for l in &study.layouts {
        for (c, d) in l.drift.iter().enumerate() {
            let Some(d) = d else { continue };
            any = true;
            let pair = |p: &std::result::Result<[f64; 2], String>| match p {
                Ok(p) => format!("A {} %, B {} %", purity_percent(p[0]), purity_percent(p[1])),
                Err(e) => format!("no solution ({e})"),
            };
            let _ = writeln!(
                out,
                "feed drift ({}) {}: up to {} REO mass fraction (replication {}); its cascade \
                 re-solved there: {} (at the design feed: {})",
                l.name,
                l.flows.circuit_names[c],
                num(d.largest, 3),
                d.replication,
                pair(&d.drifted_purity),
                pair(&d.design_purity),
            );
        }
    }
    if any {
        let _ = writeln!(
            out,
            "(the simulation keeps the design purity; these re-solves bound that choice)\n"
        );
    }
}

/// One line per layout naming its bottleneck (issue 6), for plants of several circuits or
/// with a finishing unit.
fn bottlenecks(out: &mut String, study: &StudyResult) {
    let base = &study.layouts[0];
    if base.flows.circuit_names.len() < 2
        && base
            .bottleneck
            .as_ref()
            .is_none_or(|b| b.name != "finishing")
    {
        return;
    }
    for l in &study.layouts {
        if let Some(b) = &l.bottleneck {
            let _ = writeln!(
                out,
                "bottleneck ({}): {} - utilisation {} %, blocked {} %, starved {} %",
                l.name,
                b.name,
                num(b.utilisation * 100.0, 3),
                num(b.blocked * 100.0, 3),
                num(b.starved * 100.0, 3)
            );
        }
    }
    let _ = writeln!(out);
}

/// "on-spec Nd2O3 (t REO/yr)" and the like.
pub(crate) fn label(study: &StudyResult, s: &FigureSummary) -> String {
    figure_label(&study.layouts[0].flows, &s.name, &s.unit)
}

/// A figure's name for people, with its unit, e.g. "on-spec Nd2O3 (t REO/yr)".
pub(crate) fn figure_label(flows: &ProductFlows, name: &str, unit: &str) -> String {
    let unit = display_unit(unit).1;
    let circuit = |key: &str| -> String {
        flows
            .circuit_names
            .iter()
            .find(|n| crate::study::figures::snake(n) == key)
            .map_or(key.to_string(), String::clone)
    };
    if let Some(key) = name.strip_suffix("_inventory") {
        return format!("installed inventory {} ({unit})", circuit(key));
    }
    if let Some(key) = name.strip_suffix("_residence") {
        return format!("mean REE residence {} ({unit})", circuit(key));
    }
    if let Some(key) = name.strip_prefix("purity_") {
        if let Some(p) = flows.products.iter().find(|p| p.key == key) {
            return format!("purity {}, blended batches (mol fraction)", p.label);
        }
    }
    let text = match name {
        "throughput" => "on-spec REO, all products".to_string(),
        "availability" => "availability".to_string(),
        "lost_feed" => "feed lost at full tank".to_string(),
        "held_back" => "feed held back at full tank".to_string(),
        "off_spec" => "off-spec product (batches below spec)".to_string(),
        "stock_change" => "stock change over the window".to_string(),
        "sales_value" => "on-spec product at its price".to_string(),
        "capital_cost" => "capital cost (installed + solvent fill)".to_string(),
        "working_capital" => "working capital (REE inventory)".to_string(),
        "operating_cost" => "operating cost".to_string(),
        "value_added" => "value added over feed".to_string(),
        "npv" => "NPV".to_string(),
        "irr" => "IRR".to_string(),
        "levelised_cost" => "levelised cost of on-spec product".to_string(),
        "payback" => "simple payback".to_string(),
        n if n.starts_with("operating_") => format!("  {}", n.replace('_', " ")),
        n => match flows
            .products
            .iter()
            .find(|p| n == format!("on_spec_{}", p.key))
        {
            Some(p) => format!("on-spec {}", p.label),
            None => n.replace('_', " "),
        },
    };
    format!("{text} ({unit})")
}

/// "mean ± ci95" of a summary, fractions in %.
pub(crate) fn cell(s: &FigureSummary) -> String {
    cell_of(s.stats.mean, s.stats.ci95, &s.unit)
}

/// "mean ± ci95" of a figure in `unit`, fractions in %.
fn cell_of(mean: f64, ci95: f64, unit: &str) -> String {
    if !mean.is_finite() {
        return "n/a".into();
    }
    let fraction = unit == "fraction" || unit == "fraction/yr";
    let scale = if fraction {
        100.0
    } else {
        display_unit(unit).0
    };
    // Rounding residue of a quantity that is zero (e.g. a stock change over whole cycles), in
    // the unit shown.
    let zero = |x: f64| if (x * scale).abs() < 1e-9 { 0.0 } else { x };
    let (mean, ci95) = (zero(mean), zero(ci95));
    let unit = if fraction { " %" } else { "" };
    if ci95.is_finite() {
        let mean = num(mean * scale, 4);
        let ci = ci95 * scale;
        let mean_decimals = mean.split_once('.').map_or(0, |(_, d)| d.len());
        let ci_decimals = num(ci, 2).split_once('.').map_or(0, |(_, d)| d.len());
        let decimals = if ci == 0.0 {
            mean_decimals
        } else {
            ci_decimals.min(mean_decimals.max(1))
        };
        format!("{mean} ± {ci:.decimals$}{unit}")
    } else {
        format!("{}{unit}", num(mean * scale, 4))
    }
}

fn gains(out: &mut String, study: &StudyResult) {
    if study.comparisons.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Change against the base (paired over replications with common random numbers; * = significant at 95 %):"
    );
    for (layout, parts) in gain_parts(study) {
        let _ = writeln!(out, "  {layout}: {}", parts.join("; "));
    }
    let _ = writeln!(out);
}

/// Per variant: its name and the headline changes against the base, e.g.
/// "Nd2O3 +1.3 %* [+1.0 %, +1.6 %]" (on-spec output, availability, held-back and lost feed,
/// off-spec product).
pub(crate) fn gain_parts(study: &StudyResult) -> Vec<(String, Vec<String>)> {
    study.layouts[1..]
        .iter()
        .zip(&study.comparisons)
        .map(|(layout, comparison)| {
            let parts = comparison
                .iter()
                .filter(|c| {
                    c.name.starts_with("on_spec_")
                        || matches!(
                            c.name.as_str(),
                            "sales_value" | "availability" | "held_back" | "off_spec" | "npv"
                        )
                        || (c.name == "lost_feed" && base_mean(study, &c.name) > 0.0)
                })
                .map(|c| gain_text(study, c))
                .collect();
            (layout.name.clone(), parts)
        })
        .collect()
}

/// The base layout's mean of figure `name` (0 if absent).
fn base_mean(study: &StudyResult, name: &str) -> f64 {
    study.layouts[0]
        .summaries
        .iter()
        .find(|s| s.name == name)
        .map_or(0.0, |s| s.stats.mean)
}

/// A relative change as printed: the ratio of means minus 1, with the 95 % interval taken on
/// the log scale (ln R +- h / R for the delta-method half-width h of R), so it never reaches
/// -100 %; significant exactly when that printed interval excludes 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Relative {
    pub change: f64,
    pub lo: f64,
    pub hi: f64,
    pub significant: bool,
}

/// The printed relative change of a ratio interval (`None` unless the ratio is positive).
pub(crate) fn relative(r: &crate::experiment::Interval) -> Option<Relative> {
    if !(r.estimate > 0.0 && r.estimate.is_finite() && r.ci95.is_finite()) {
        return None;
    }
    let half = r.ci95 / r.estimate;
    let (lo, hi) = (
        r.estimate * (-half).exp() - 1.0,
        r.estimate * half.exp() - 1.0,
    );
    Some(Relative {
        change: r.estimate - 1.0,
        lo,
        hi,
        significant: lo > 0.0 || hi < 0.0,
    })
}

/// One figure's change against the base: a ratio in % with its CI, or points for fractions.
pub(crate) fn gain_text(study: &StudyResult, c: &FigureComparison) -> String {
    let star = if c.paired.significant { "*" } else { "" };
    let name = short_name(study, &c.name);
    if c.name == "npv" {
        let d = &c.paired.difference;
        let (scale, unit) = display_unit(&c.unit);
        let m = |x: f64| format!("{:+.1}", x * scale);
        if !d.ci95.is_finite() {
            return format!("{name} {} {unit} [n/a]", m(d.estimate));
        }
        return format!(
            "{name} {} {unit}{star} [{}, {}]",
            m(d.estimate),
            m(d.estimate - d.ci95),
            m(d.estimate + d.ci95)
        );
    }
    match c.paired.ratio.as_ref().and_then(relative) {
        Some(r) if c.unit != "fraction" => format!(
            "{name} {}{} [{}, {}]",
            pct(r.change),
            if r.significant { "*" } else { "" },
            pct(r.lo),
            pct(r.hi)
        ),
        _ if c.unit == "fraction" => format!(
            "{name} {:+.2} pts{star}",
            c.paired.difference.estimate * 100.0
        ),
        // No ratio (the base is 0): the difference in the figure's unit.
        _ => {
            let (scale, unit) = display_unit(&c.unit);
            let d = c.paired.difference.estimate * scale;
            let sign = if d > 0.0 { "+" } else { "" };
            format!("{name} {sign}{} {unit}{star}", num(d, 3))
        }
    }
}

/// A figure's short name: the product label, "REO", "lost feed", or the key in words.
pub(crate) fn short_name(study: &StudyResult, key: &str) -> String {
    let flows = &study.layouts[0].flows;
    match key {
        "throughput" => "REO".into(),
        "lost_feed" => "lost feed".into(),
        "held_back" => "held-back feed".into(),
        "off_spec" => "off-spec product".into(),
        "sales_value" => "on-spec value".into(),
        "npv" => "NPV".into(),
        k => flows
            .products
            .iter()
            .find(|p| k == format!("on_spec_{}", p.key))
            .map_or_else(|| k.replace('_', " "), |p| p.label.clone()),
    }
}

/// A signed percentage with one decimal, e.g. "+1.3 %" ("n/a" if not finite).
pub(crate) fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:+.1} %", x * 100.0)
    } else {
        "n/a".into()
    }
}

fn answer(out: &mut String, study: &StudyResult) {
    let _ = writeln!(out, "Answer: {}", answer_sentence(study));
}

/// One sentence: with `[economics]` the layout with the highest expected NPV; else the variant
/// with the largest gain in on-spec value (tonnes at their prices), or the base alone.
pub(crate) fn answer_sentence(study: &StudyResult) -> String {
    if study.layouts[0].money.is_some() {
        return npv_answer(study);
    }
    let headline = headline_key(&study.layouts[0]);
    let best = study.layouts[1..]
        .iter()
        .zip(&study.comparisons)
        .filter_map(|(l, c)| c.iter().find(|f| f.name == headline).map(|f| (l, f)))
        .max_by(|a, b| {
            a.1.paired
                .difference
                .estimate
                .total_cmp(&b.1.paired.difference.estimate)
        });
    let base = &study.layouts[0];
    let label = short_name(study, &headline);
    let (scale, unit) = display_unit(&unit_of(base, &headline));
    let amount = |l: &LayoutResult| num(mean_of(l, &headline) * scale, 4);
    match best {
        Some((layout, f)) => {
            let r = f
                .paired
                .ratio
                .as_ref()
                .and_then(relative)
                .unwrap_or(Relative {
                    change: f64::NAN,
                    lo: f64::NAN,
                    hi: f64::NAN,
                    significant: false,
                });
            let verdict = if r.significant {
                String::new()
            } else {
                format!("no variant changes {label} significantly; the best of them: ")
            };
            format!(
                "{verdict}{}: {} {label} per year (95 % CI {} to {}), {} vs {} {unit}; availability {} % vs {} %.",
                layout.name,
                pct(r.change),
                pct(r.lo),
                pct(r.hi),
                amount(layout),
                amount(base),
                num(mean_of(layout, "availability") * 100.0, 4),
                num(mean_of(base, "availability") * 100.0, 4),
            )
        }
        None => format!(
            "{} {unit} {label}, availability {} %.",
            amount(base),
            num(mean_of(base, "availability") * 100.0, 4)
        ),
    }
}

/// The layout with the highest expected NPV, its probability of being best, and its NPV and
/// on-spec value against the base (or, when the base is best, the best variant's against it).
fn npv_answer(study: &StudyResult) -> String {
    let layouts = &study.layouts;
    let best = (0..layouts.len())
        .max_by(|&a, &b| mean_of(&layouts[a], "npv").total_cmp(&mean_of(&layouts[b], "npv")))
        .unwrap_or(0);
    let (scale, unit) = display_unit(&unit_of(&layouts[0], "npv"));
    let p = layouts[best].p_best.map_or(f64::NAN, |p| p.mean);
    let mut text = format!(
        "highest expected NPV: {}, {} {unit} (best in {} % of paired replications)",
        layouts[best].name,
        num(mean_of(&layouts[best], "npv") * scale, 4),
        num(p * 100.0, 3)
    );
    // The comparison to state: the best variant against the base.
    let variant = if best > 0 {
        Some(best)
    } else {
        (1..layouts.len())
            .max_by(|&a, &b| mean_of(&layouts[a], "npv").total_cmp(&mean_of(&layouts[b], "npv")))
    };
    if let Some(v) = variant {
        let compare = &study.comparisons[v - 1];
        let diff = |name: &str| {
            compare
                .iter()
                .find(|c| c.name == name)
                .map_or("n/a".into(), |c| {
                    let (scale, unit) = display_unit(&c.unit);
                    let d = &c.paired.difference;
                    let star = if c.paired.significant { "*" } else { "" };
                    if !d.ci95.is_finite() {
                        return format!(
                            "{:+.1} {unit} (no CI from one replication)",
                            d.estimate * scale
                        );
                    }
                    format!(
                        "{:+.1} {unit}{star} (95 % CI {:+.1} to {:+.1})",
                        d.estimate * scale,
                        (d.estimate - d.ci95) * scale,
                        (d.estimate + d.ci95) * scale
                    )
                })
        };
        let who = if best > 0 {
            "against the base".to_string()
        } else {
            format!("the best variant, {}, against it", layouts[v].name)
        };
        text += &format!(
            "; {who}: NPV {}, on-spec value {}",
            diff("npv"),
            diff("sales_value")
        );
    }
    text + "."
}

/// A layout's mean of figure `name` (NaN if absent).
fn mean_of(l: &LayoutResult, name: &str) -> f64 {
    l.summaries
        .iter()
        .find(|s| s.name == name)
        .map_or(f64::NAN, |s| s.stats.mean)
}

/// The unit of figure `name` in a layout ("" if absent).
fn unit_of(l: &LayoutResult, name: &str) -> String {
    l.summaries
        .iter()
        .find(|s| s.name == name)
        .map_or_else(String::new, |s| s.unit.clone())
}

/// The headline output figure: on-spec value at product prices, else total REO.
fn headline_key(base: &LayoutResult) -> String {
    if base.summaries.iter().any(|s| s.name == "sales_value") {
        "sales_value".into()
    } else {
        "throughput".into()
    }
}

/// A purity in percent with enough digits to show two significant digits of the impurity
/// (99.94, 99.99964), never rounding an impure product up to 100.
pub fn purity_percent(purity: f64) -> String {
    let impurity = (1.0 - purity).max(0.0) * 100.0;
    let decimals = if impurity > 0.0 {
        (1.0 - impurity.log10().floor()).clamp(2.0, 10.0) as usize
    } else {
        2
    };
    format!("{:.decimals$}", purity * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Interval;

    /// A wide interval around a large fall stays above -100 %, and the star follows the
    /// printed interval: "-92.5 % [-181 %, -4 %]" without a star cannot happen.
    #[test]
    fn relative_changes_never_reach_minus_100_percent_and_star_what_they_print() {
        let r = relative(&Interval {
            estimate: 0.075,
            ci95: 0.885,
        })
        .unwrap();
        assert!((r.change + 0.925).abs() < 1e-12);
        assert!(r.lo > -1.0 && r.lo < r.change && r.hi > r.change);
        assert_eq!(r.significant, r.lo > 0.0 || r.hi < 0.0);
        // ln-scale ends: R exp(-h/R) - 1 and R exp(h/R) - 1.
        let half: f64 = 0.885 / 0.075;
        assert!((r.lo - (0.075 * (-half).exp() - 1.0)).abs() < 1e-15);
        let tight = relative(&Interval {
            estimate: 1.013,
            ci95: 0.003,
        })
        .unwrap();
        assert!(tight.significant && tight.lo > 0.0);
        assert!((tight.lo - (1.013 * (-0.003 / 1.013_f64).exp() - 1.0)).abs() < 1e-15);
        assert_eq!(
            relative(&Interval {
                estimate: 0.0,
                ci95: 0.1
            }),
            None
        );
        assert_eq!(
            relative(&Interval {
                estimate: -2.0,
                ci95: 0.1
            }),
            None
        );
    }
}
