//! Where the output goes (a Pareto chart): each circuit's feed lost against its installed
//! design rate by cause, and product off-spec by cause, largest first in the base, one bar
//! per layout.

use plotters::prelude::*;

use super::style::{self, Area};
use crate::Result;
use crate::study::StudyResult;
use crate::study::losses::{Loss, pareto};

/// The figure's title.
pub const TITLE: &str = "Loss attribution by cause (Pareto, largest base loss on top)";

/// Bars of one cause take this share of its row; the rest separates the rows.
const ROW_FILL: f64 = 0.8;

/// The SVG of the losses by cause (t REO/yr) per layout, largest base loss on top.
pub fn svg(study: &StudyResult) -> Result<String> {
    let rows = pareto(study);
    let names: Vec<String> = study.layouts.iter().map(|l| l.name.clone()).collect();
    let height = 160 + 34 * (rows.len().max(1) * names.len().max(1)).min(60) as u32;
    style::render((900, height), |root| {
        let root = root.titled(TITLE, style::title())?;
        chart(&root, &rows, &names)
    })
}

fn chart(area: &Area, rows: &[Loss], names: &[String]) -> super::style::Draw {
    let n = rows.len().max(1);
    let (lo, hi) = range(rows);
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    // Row i is drawn at y = n - 1 - i so the largest loss is on top.
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(46)
        .y_label_area_size(190)
        .build_cartesian_2d(
            lo..hi,
            style::Keyed::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        )?;
    let label_of = |y: &f64| {
        let i = n as i64 - 1 - y.round() as i64;
        usize::try_from(i)
            .ok()
            .and_then(|i| labels.get(i).cloned())
            .unwrap_or_default()
    };
    let x_fmt = |x: &f64| style::tick(*x, hi - lo);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("lost against design (t REO/yr): circuit feed, or product sold off-spec")
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .y_label_formatter(&label_of)
        .x_label_formatter(&x_fmt)
        .draw()?;
    let k = names.len().max(1) as f64;
    let band = ROW_FILL / k;
    for (j, name) in names.iter().enumerate() {
        let color = style::color(j);
        let bars = rows.iter().enumerate().map(move |(i, r)| {
            let y = (n - 1 - i) as f64 + ROW_FILL / 2.0 - band * (j as f64 + 0.5);
            Rectangle::new(
                [(0.0, y - band / 2.0), (r.mean[j], y + band / 2.0)],
                color.filled(),
            )
        });
        chart
            .draw_series(bars)?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
        let whiskers = rows.iter().enumerate().filter_map(move |(i, r)| {
            let y = (n - 1 - i) as f64 + ROW_FILL / 2.0 - band * (j as f64 + 0.5);
            let (m, c) = (r.mean[j], r.ci95[j]);
            (c.is_finite() && c > 0.0)
                .then(|| PathElement::new(vec![(m - c, y), (m + c, y)], BLACK.stroke_width(1)))
        });
        chart.draw_series(whiskers)?;
    }
    style::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// The x range: 0 and every bar with its CI, padded.
fn range(rows: &[Loss]) -> (f64, f64) {
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for r in rows {
        for (m, c) in r.mean.iter().zip(&r.ci95) {
            let c = if c.is_finite() { *c } else { 0.0 };
            if m.is_finite() {
                lo = lo.min(m - c);
                hi = hi.max(m + c);
            }
        }
    }
    if hi - lo <= 0.0 {
        return (0.0, 1.0);
    }
    let pad = 0.05 * (hi - lo);
    (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
}
