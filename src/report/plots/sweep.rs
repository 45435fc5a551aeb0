//! One figure against a swept numeric parameter: the mean at each point with its 95 % CI bar,
//! joined by a line. Takes plain vectors so it does not depend on the sweep code.

use plotters::prelude::*;

use super::style::{self, Draw};
use crate::Result;

/// The figure's title: "`Y` against `x`", each without its "(unit)" suffix, capitalised.
pub fn title(x_label: &str, y_label: &str) -> String {
    let bare = |l: &str| l.split(" (").next().unwrap_or(l).to_string();
    let y = bare(y_label);
    let mut chars = y.chars();
    let first = chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().collect());
    format!("{first}{} against {}", chars.as_str(), bare(x_label))
}

/// The SVG of `mean[i] ± ci95[i]` at `x[i]`. Labels should carry units, e.g. `"trains
/// (count)"` and `"on-spec Nd2O3 (t REO/yr)"`. Points are drawn in order of x. A
/// non-finite `ci95` draws no bar (single replication).
///
/// # Errors
/// If the slices differ in length, are empty, or an `x` or `mean` is not finite.
pub fn svg(x: &[f64], mean: &[f64], ci95: &[f64], x_label: &str, y_label: &str) -> Result<String> {
    if x.is_empty() || x.len() != mean.len() || x.len() != ci95.len() {
        return Err(crate::Error::Internal(format!(
            "sweep plot needs equal, non-empty x, mean and ci95 (got {}, {}, {})",
            x.len(),
            mean.len(),
            ci95.len()
        )));
    }
    if !style::all_finite(x) || !style::all_finite(mean) {
        return Err(crate::Error::Internal(
            "sweep plot: x and mean must be finite".into(),
        ));
    }
    let mut points: Vec<(f64, f64, f64)> = (0..x.len())
        .map(|i| {
            (
                x[i],
                mean[i],
                if ci95[i].is_finite() {
                    ci95[i].abs()
                } else {
                    f64::NAN
                },
            )
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let title = title(x_label, y_label);
    style::render((900, 560), |root| {
        draw(root, &title, &points, x_label, y_label)
    })
}

fn draw(
    root: &style::Area,
    title: &str,
    p: &[(f64, f64, f64)],
    x_label: &str,
    y_label: &str,
) -> Draw {
    let ci = |c: f64| if c.is_finite() { c } else { 0.0 };
    let (x_lo, x_hi) = style::padded(p[0].0, p[p.len() - 1].0, 0.06, 0.06);
    let lo = p
        .iter()
        .map(|q| q.1 - ci(q.2))
        .fold(f64::INFINITY, f64::min);
    let hi = p
        .iter()
        .map(|q| q.1 + ci(q.2))
        .fold(f64::NEG_INFINITY, f64::max);
    let (y_lo, y_hi) = style::padded(lo, hi, 0.1, 0.25);
    let mut chart = ChartBuilder::on(root)
        .caption(title, style::title())
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let x_fmt = |v: &f64| style::tick(*v, x_hi - x_lo);
    let y_fmt = |v: &f64| style::tick(*v, y_hi - y_lo);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    let color = style::color(0);
    chart
        .draw_series(LineSeries::new(
            p.iter().map(|q| (q.0, q.1)),
            color.stroke_width(2),
        ))?
        .label("mean")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x - 10, y), (x + 10, y)], color.stroke_width(2))
        });
    chart.draw_series(p.iter().map(|q| Circle::new((q.0, q.1), 5, color.filled())))?;
    let cap = (x_hi - x_lo) * 0.01;
    chart
        .draw_series(
            p.iter()
                .filter(|q| q.2.is_finite())
                .map(|&(x, m, c)| style::ci_bar(x, m, c, cap, color)),
        )?
        .label("95 % CI")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y - 7), (x, y + 7)], color.stroke_width(2))
        });
    style::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    Ok(())
}
