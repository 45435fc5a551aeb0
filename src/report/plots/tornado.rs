//! The tornado chart: per uncertain input (widest on top), a bar from the headline's swing at
//! the input's 10th percentile to its swing at the 90th, around the headline at the medians.

use plotters::prelude::*;

use super::style::{self, Area, Draw};
use crate::Result;
use crate::study::tornado::Tornado;

/// The SVG of a tornado.
pub fn svg(t: &Tornado) -> Result<String> {
    let n = t.inputs.len().max(1);
    let height = 170 + 46 * n as u32;
    let title = format!("Tornado: {}", t.headline);
    style::render((1000, height), |root| {
        let root = root.titled(&title, style::title())?;
        chart(&root, t)
    })
}

fn chart(area: &Area, t: &Tornado) -> Draw {
    let (scale, unit) = crate::report::table::display_unit(&t.unit);
    let n = t.inputs.len().max(1);
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for i in &t.inputs {
        lo = lo.min(i.swing_low * scale).min(i.swing_high * scale);
        hi = hi.max(i.swing_low * scale).max(i.swing_high * scale);
    }
    let pad = if hi - lo > 0.0 { 0.08 * (hi - lo) } else { 1.0 };
    let labels: Vec<String> = t.inputs.iter().map(|i| i.key.clone()).collect();
    let label_of = |y: &f64| {
        let i = n as i64 - 1 - y.round() as i64;
        usize::try_from(i)
            .ok()
            .and_then(|i| labels.get(i).cloned())
            .unwrap_or_default()
    };
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(64)
        .y_label_area_size(330)
        .build_cartesian_2d(
            (lo - pad)..(hi + pad),
            style::Keyed::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        )?;
    let x_fmt = |x: &f64| style::tick(*x, hi - lo);
    let desc = format!(
        "change of the headline from {} {unit} at the medians ({unit})",
        crate::report::num(t.at_medians * scale, 4)
    );
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc(desc)
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .y_label_formatter(&label_of)
        .x_label_formatter(&x_fmt)
        .draw()?;
    let (low_color, high_color) = (style::color(0), style::color(1));
    for (idx, (color, label)) in [
        (low_color, "input at its 10th percentile"),
        (high_color, "input at its 90th percentile"),
    ]
    .into_iter()
    .enumerate()
    {
        let bars = t.inputs.iter().enumerate().map(move |(i, s)| {
            let y = (n - 1 - i) as f64;
            let x = if idx == 0 { s.swing_low } else { s.swing_high } * scale;
            // P10 in the upper half of the row, P90 in the lower: both stay visible when they
            // swing the same way.
            let (a, b) = if idx == 0 {
                (0.02, 0.34)
            } else {
                (-0.34, -0.02)
            };
            Rectangle::new([(0.0, y + a), (x, y + b)], color.filled())
        });
        chart
            .draw_series(bars)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        BLACK.stroke_width(1),
    )))?;
    style::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}
