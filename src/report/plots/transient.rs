//! The purity trajectory of a cascade after a (re)start: each product's impurity against time,
//! both on log scales, with the on-spec thresholds dashed.

use plotters::prelude::*;

use super::style::{self, Draw};
use crate::Result;
use crate::chem::Transient;

/// Lowest impurity drawn (mole fraction); smaller values are drawn at it.
const FLOOR: f64 = 1e-7;

/// One curve: a label ("start-up, Nd product") and its (hours, impurity) points.
struct Curve {
    label: String,
    points: Vec<(f64, f64)>,
    threshold: f64,
}

/// The SVG of every run of one circuit: `runs` are (run label, transient) pairs, `products`
/// the (A, B) product names.
pub fn svg(circuit: &str, runs: &[(&str, &Transient)], products: (&str, &str)) -> Result<String> {
    let mut curves = Vec::new();
    for (label, tr) in runs {
        for (product, pick, threshold) in [
            (products.0, true, tr.threshold.0),
            (products.1, false, tr.threshold.1),
        ] {
            let points: Vec<(f64, f64)> = tr
                .samples
                .iter()
                .filter(|s| s.t_h > 0.0)
                .map(|s| {
                    let purity = if pick { s.purity_a } else { s.purity_b };
                    (s.t_h, (1.0 - purity).max(FLOOR))
                })
                .filter(|(t, i)| t.is_finite() && i.is_finite())
                .collect();
            if !points.is_empty() {
                curves.push(Curve {
                    label: format!("{label}, {product}"),
                    points,
                    threshold: (1.0 - threshold).max(FLOOR),
                });
            }
        }
    }
    if curves.is_empty() {
        return Err(crate::Error::Internal(format!(
            "circuit {circuit}: no transient samples to plot"
        )));
    }
    let title = format!("Circuit {circuit}: product impurity after a (re)start");
    style::render((960, 580), |root| draw(root, &title, &curves))
}

fn draw(root: &style::Area, title: &str, curves: &[Curve]) -> Draw {
    let all = || curves.iter().flat_map(|c| c.points.iter());
    let t_lo = all().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let t_hi = all().map(|p| p.0).fold(0.0, f64::max).max(t_lo * 10.0);
    let i_hi = all().map(|p| p.1).fold(FLOOR, f64::max).max(1e-3) * 2.0;
    let i_lo = all()
        .map(|p| p.1)
        .chain(curves.iter().map(|c| c.threshold))
        .fold(1.0, f64::min)
        / 3.0;
    let i_lo = i_lo.max(FLOOR);
    let mut chart = ChartBuilder::on(root)
        .caption(title, style::title())
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d((t_lo..t_hi).log_scale(), (i_lo..i_hi).log_scale())?;
    let fmt = |v: &f64| style::tick(*v, *v);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("time since the (re)start (h, log scale)")
        .y_desc("impurity, 1 - purity (mole fraction, log scale)")
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_label_formatter(&fmt)
        .y_label_formatter(&|v: &f64| format!("{v:.0e}"))
        .draw()?;
    for (i, c) in curves.iter().enumerate() {
        let color = style::color(i);
        chart
            .draw_series(LineSeries::new(
                c.points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(c.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x - 10, y), (x + 10, y)], color.stroke_width(2))
            });
        chart.draw_series(DashedLineSeries::new(
            [(t_lo, c.threshold), (t_hi, c.threshold)],
            6,
            4,
            color.stroke_width(1),
        ))?;
    }
    style::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}
