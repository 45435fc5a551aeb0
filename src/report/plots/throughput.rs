//! On-spec output per layout: one panel per product (and all products together), each layout's
//! mean with its 95 % CI bar, and each variant's paired change against the base.

use plotters::prelude::*;

use super::style::{self, Area, Draw};
use crate::Result;
use crate::report::table::{gain_text, pct};
use crate::study::StudyResult;

/// The figure's title.
pub const TITLE: &str = "On-spec output per layout (mean and 95 % CI over replications)";

/// The note under the panels.
const FOOTNOTE: &str = "Labels: paired change against the base (common random numbers); \
* = significant at 95 %. The y axes do not start at 0.";

/// One panel: a figure of every layout.
struct Panel {
    caption: String,
    y_label: String,
    mean: Vec<f64>,
    ci95: Vec<f64>,
    /// Per layout: the paired change against the base ("" for the base).
    gain: Vec<String>,
}

/// The SVG of on-spec output (t REO/yr) per layout, one panel per product.
pub fn svg(study: &StudyResult) -> Result<String> {
    let panels = panels(study);
    let names: Vec<String> = study.layouts.iter().map(|l| l.name.clone()).collect();
    let width = 80 + 380 * panels.len().max(1) as u32;
    style::render((width, 550), |root| {
        let root = root.titled(TITLE, style::title())?;
        let (charts, foot) = root.split_vertically(480);
        foot.draw(&Text::new(
            FOOTNOTE,
            (foot.dim_in_pixel().0 as i32 / 2, 14),
            style::small().pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            )),
        ))?;
        let areas = charts.split_evenly((1, panels.len().max(1)));
        let reps = study.replications;
        for (i, (area, p)) in areas.iter().zip(&panels).enumerate() {
            panel(area, p, &names, reps, i == 0)?;
        }
        Ok(())
    })
}

/// The on-spec figures: each product, then all products when there are several.
fn panels(study: &StudyResult) -> Vec<Panel> {
    let base = &study.layouts[0];
    let mut keys: Vec<(String, String)> = base
        .flows
        .products
        .iter()
        .map(|p| {
            let circuit = &base.flows.circuit_names[p.circuit];
            let caption = format!("{} ({} outlet of {circuit})", p.label, p.outlet);
            (format!("on_spec_{}", p.key), caption)
        })
        .collect();
    if keys.len() != 1 {
        keys.push(("throughput".into(), "all products (total REO)".into()));
    }
    keys.into_iter()
        .filter_map(|(key, caption)| panel_data(study, &key, caption))
        .collect()
}

fn panel_data(study: &StudyResult, key: &str, caption: String) -> Option<Panel> {
    let mut mean = Vec::new();
    let mut ci95 = Vec::new();
    for l in &study.layouts {
        let s = l.summaries.iter().find(|s| s.name == key)?;
        mean.push(s.stats.mean);
        ci95.push(s.stats.ci95);
    }
    let mut gain = vec![String::new()];
    gain.extend(study.comparisons.iter().map(|c| {
        c.iter()
            .find(|f| f.name == key)
            .map_or_else(String::new, |f| short_gain(study, f))
    }));
    let unit = &study.layouts[0]
        .summaries
        .iter()
        .find(|s| s.name == key)?
        .unit;
    let what = if key == "throughput" {
        "on-spec REO".to_string()
    } else {
        format!("on-spec {}", crate::report::table::short_name(study, key))
    };
    Some(Panel {
        caption,
        y_label: format!("{what} ({unit})"),
        mean,
        ci95,
        gain,
    })
}

/// "+1.3 %*" from the table's "Nd2O3 +1.3 %* [+1.0 %, +1.6 %]".
fn short_gain(study: &StudyResult, f: &crate::experiment::FigureComparison) -> String {
    match f
        .paired
        .ratio
        .as_ref()
        .and_then(crate::report::table::relative)
    {
        Some(r) => {
            let star = if r.significant { "*" } else { "" };
            format!("{}{star}", pct(r.change))
        }
        None => gain_text(study, f),
    }
}

fn panel(area: &Area, p: &Panel, names: &[String], reps: u32, legend: bool) -> Draw {
    let n = p.mean.len();
    let (lo, hi) = value_range(p);
    let span = hi - lo;
    let mut chart = ChartBuilder::on(area)
        .caption(&p.caption, style::caption())
        .margin(12)
        .x_label_area_size(46)
        .y_label_area_size(78)
        .build_cartesian_2d(
            style::Keyed::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
            lo..hi,
        )?;
    let name_of = |x: &f64| names.get(x.round() as usize).cloned().unwrap_or_default();
    let y_fmt = |y: &f64| style::tick(*y, span);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("layout")
        .y_desc(p.y_label.as_str())
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_label_formatter(&name_of)
        .y_label_formatter(&y_fmt)
        .y_labels(8)
        .draw()?;
    let color = style::color(0);
    let bars = (0..n)
        .filter(|&i| p.ci95[i].is_finite() && p.mean[i].is_finite())
        .map(|i| style::ci_bar(i as f64, p.mean[i], p.ci95[i], 0.08, color));
    chart
        .draw_series(bars)?
        .label("95 % CI (Student t)")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y - 7), (x, y + 7)], color.stroke_width(2))
        });
    chart
        .draw_series(
            (0..n)
                .filter(|&i| p.mean[i].is_finite())
                .map(|i| Circle::new((i as f64, p.mean[i]), 6, color.filled())),
        )?
        .label(format!(
            "mean of {reps} replication{}",
            if reps == 1 { "" } else { "s" }
        ))
        .legend(move |(x, y)| Circle::new((x, y), 6, color.filled()));
    let above = |i: usize| p.mean[i] + p.ci95[i].max(0.0);
    let text = style::small().pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Bottom,
    ));
    chart.draw_series(
        (1..n)
            .filter(|&i| !p.gain[i].is_empty() && above(i).is_finite())
            .map(|i| {
                Text::new(
                    p.gain[i].clone(),
                    (i as f64, above(i) + 0.04 * span),
                    text.clone(),
                )
            }),
    )?;
    if legend {
        style::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    }
    Ok(())
}

/// The y range: every CI bar, with room above for the gain labels and below for the legend.
fn value_range(p: &Panel) -> (f64, f64) {
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let lo = (0..p.mean.len())
        .map(|i| p.mean[i] - finite(p.ci95[i]))
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let hi = (0..p.mean.len())
        .map(|i| p.mean[i] + finite(p.ci95[i]))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    style::padded(lo, hi, 0.45, 0.3)
}
