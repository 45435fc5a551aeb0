//! The stage profile of one circuit's steady-state cascade: the aqueous composition leaving
//! each stage, one line per element, on a log scale (1e-8 to 1) so impurities show, with the
//! scrub section shaded and the feed stage marked.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, Draw};
use crate::Result;
use crate::chem::CascadeSolution;

/// Smallest mole fraction drawn; smaller values sit on the bottom axis.
pub const FLOOR: f64 = 1e-8;

/// Top of the y axis: the decade above 1 holds the section labels (no fraction exceeds 1).
const TOP: f64 = 10.0;

/// The figure's title for circuit `circuit`.
pub fn title(circuit: &str) -> String {
    format!("Stage profile of circuit {circuit}: aqueous composition at steady state")
}

/// The SVG of circuit `circuit`'s solved cascade `s`.
pub fn svg(circuit: &str, s: &CascadeSolution) -> Result<String> {
    let title = title(circuit);
    style::render((1100, 600), |root| {
        let root = root.titled(&title, style::title())?;
        let (plot, side) = root.split_horizontally(820);
        let items: Vec<(String, RGBColor)> = s
            .elements
            .iter()
            .enumerate()
            .map(|(e, el)| (legend_label(s, e, el.symbol()), style::color(e)))
            .collect();
        side.draw(&Text::new(
            "element (product)",
            (8, 40),
            style::small().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        style::legend_column(&side, (8, 66), &items)?;
        side.draw(&Text::new(
            "fractions below 1e-8 are drawn at 1e-8",
            (8, 66 + 24 * items.len() as i32 + 12),
            style::small().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        draw(&plot, s)
    })
}

fn draw(root: &style::Area, s: &CascadeSolution) -> Draw {
    let stages = s.stages.len().max(1);
    let n = s.extraction_stages;
    let x_range = 0.5..stages as f64 + 0.5;
    let decades: Vec<f64> = (-8..=0).map(|e| 10f64.powi(e)).collect();
    let mut chart = ChartBuilder::on(root)
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(80)
        .build_cartesian_2d(x_range, (FLOOR..TOP).log_scale().with_key_points(decades))?;
    let x_fmt = |x: &f64| format!("{x:.0}");
    let y_fmt = |y: &f64| match y.log10().round() as i32 {
        e @ -2..=0 => format!("{:.*}", (-e) as usize, y),
        e => format!("1e{e}"),
    };
    shade_scrub(&mut chart, n, stages)?;
    chart
        .configure_mesh()
        .x_max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc(format!(
            "stage (1 = raffinate end, {stages} = loaded-organic end)"
        ))
        .y_desc("aqueous mole fraction of total REE (log scale)")
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_labels(stages.min(14))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    sections(&mut chart, s, n)?;
    for e in 0..s.elements.len() {
        let color = style::color(e);
        let points: Vec<(f64, f64)> = s
            .stages
            .iter()
            .filter(|st| st.aqueous[e].is_finite())
            .map(|st| (st.number as f64, st.aqueous[e].clamp(FLOOR, 1.0)))
            .collect();
        chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?;
        if stages <= 80 {
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 2, color.filled())))?;
        }
    }
    Ok(())
}

/// "Pr (B: raffinate)" or "Nd (A: loaded organic)".
fn legend_label(s: &CascadeSolution, e: usize, symbol: &str) -> String {
    if e <= s.split_after {
        format!("{symbol} (B: raffinate)")
    } else {
        format!("{symbol} (A: loaded organic)")
    }
}

/// Shades the scrub section (stages n+1..) behind everything else.
fn shade_scrub<Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, Y>>,
    n: usize,
    stages: usize,
) -> Draw {
    chart.draw_series(std::iter::once(Rectangle::new(
        [(n as f64 + 0.5, FLOOR), (stages as f64 + 0.5, TOP)],
        RGBColor(238, 238, 248).filled(),
    )))?;
    Ok(())
}

/// Draws the extraction/scrub boundary and labels both sections and the feed stage in the
/// decade above a mole fraction of 1.
fn sections<Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, Y>>,
    s: &CascadeSolution,
    n: usize,
) -> Draw {
    let boundary = n as f64 + 0.5;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(boundary, FLOOR), (boundary, TOP)],
        BLACK.stroke_width(2),
    )))?;
    let label = |text: String, y: f64, left_of: bool| {
        let (x, h) = if left_of {
            (boundary - 0.4, HPos::Right)
        } else {
            (boundary + 0.4, HPos::Left)
        };
        Text::new(text, (x, y), style::small().pos(Pos::new(h, VPos::Center)))
    };
    let m = s.scrub_stages;
    let feed = match s.feed_phase {
        crate::chem::FeedPhase::Aqueous => format!("feed (aqueous) enters stage {n}"),
        crate::chem::FeedPhase::Organic => format!("feed (organic) enters stage {}", n + 1),
    };
    chart.draw_series([
        label(format!("extraction section: stages 1-{n}"), 5.0, true),
        label(
            format!("scrub section: stages {}-{}", n + 1, n + m),
            5.0,
            false,
        ),
        label(feed, 1.9, true),
    ])?;
    Ok(())
}
