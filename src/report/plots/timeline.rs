//! The timeline of one replication: each train's state over time as a horizontal band (up,
//! down awaiting a crew, down under repair, restarting off-spec), and below it the plant's
//! work in process and feed-tank level, on the same time axis (days).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, Area, Draw};
use crate::Result;
use crate::plant::{Trace, TrainState};

/// Most train bands drawn (the rest are left out, and the caption says so).
pub const MAX_TRAINS: usize = 24;

const STATES: [TrainState; 4] = [
    TrainState::Up,
    TrainState::Restarting,
    TrainState::UnderRepair,
    TrainState::AwaitingCrew,
];

/// Band colour of a state.
fn state_color(state: TrainState) -> RGBColor {
    match state {
        TrainState::Up => RGBColor(150, 200, 150),
        TrainState::Restarting => RGBColor(240, 190, 40),
        TrainState::UnderRepair => RGBColor(213, 94, 0),
        TrainState::AwaitingCrew => RGBColor(120, 30, 110),
    }
}

/// The figure's title for layout `layout`.
pub fn title(layout: &str) -> String {
    format!("Timeline of replication 0, layout \"{layout}\": train states and work in process")
}

/// The SVG of `trace` (replication 0 of layout `layout`).
pub fn svg(layout: &str, trace: &Trace) -> Result<String> {
    let rows = rows(trace);
    let shown = rows.len().min(MAX_TRAINS);
    let band_h = 70 + 34 * shown as u32;
    let title = title(layout);
    let y_area = rows[..shown]
        .iter()
        .map(|r| style::small_text_width(&r.2) + 24)
        .max()
        .unwrap_or(0)
        .max(90) as u32;
    style::render((1100, band_h + 470), |root| {
        let root = root.titled(&title, style::title())?;
        let (head, rest) = root.split_vertically(64);
        let (top, bottom) = rest.split_vertically(band_h);
        let centre = head.dim_in_pixel().0 as i32 / 2;
        head.draw(&Text::new(
            band_caption(trace, shown, rows.len()),
            (centre, 12),
            style::caption().pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        let items: Vec<(&str, RGBColor)> = STATES
            .iter()
            .map(|&s| (s.label(), state_color(s)))
            .collect();
        style::legend_row(&head, 48, &items)?;
        bands(&top, trace, &rows[..shown], y_area)?;
        wip(&bottom, trace, y_area)
    })
}

fn band_caption(trace: &Trace, shown: usize, all: usize) -> String {
    let avail = trace.availability() * 100.0;
    let days = days(trace);
    if all > shown {
        format!(
            "Train states, first {shown} of {all} trains (all trains available {avail:.2} % of these {days:.0} d)"
        )
    } else {
        format!("Train states (all trains together available {avail:.2} % of these {days:.0} d)")
    }
}

/// Every train as (circuit, train in circuit, label), flow order.
fn rows(trace: &Trace) -> Vec<(usize, u32, String)> {
    trace
        .circuits
        .iter()
        .enumerate()
        .flat_map(|(c, (name, k))| (0..*k).map(move |t| (c, t, format!("{name} train {}", t + 1))))
        .collect()
}

fn days(trace: &Trace) -> f64 {
    (trace.span_h / 24.0).max(1e-9)
}

fn bands(area: &Area, trace: &Trace, rows: &[(usize, u32, String)], y_area: u32) -> Draw {
    let n = rows.len().max(1);
    let keys: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(30)
        .y_label_area_size(y_area)
        .build_cartesian_2d(0.0..days(trace), style::Keyed::new(0.0..n as f64, keys))?;
    let name_of = |y: &f64| {
        let i = n
            .saturating_sub(1)
            .saturating_sub(y.floor().max(0.0) as usize);
        rows.get(i).map_or_else(String::new, |r| r.2.clone())
    };
    let x_fmt = |x: &f64| style::tick(*x, days(trace));
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .label_style(style::small())
        .y_label_formatter(&name_of)
        .x_label_formatter(&x_fmt)
        .x_labels(13)
        .draw()?;
    for state in STATES {
        let color = state_color(state);
        let rects = rows.iter().enumerate().flat_map(|(i, (c, t, _))| {
            let y = (n - 1 - i) as f64;
            trace
                .intervals(*c, *t)
                .into_iter()
                .filter(move |iv| iv.2 == state)
                .map(move |(a, b, _)| {
                    Rectangle::new([(a / 24.0, y + 0.15), (b / 24.0, y + 0.85)], color.filled())
                })
        });
        chart.draw_series(rects)?;
    }
    Ok(())
}

fn legend<'a, 'b: 'a, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, Y>>,
    position: SeriesLabelPosition,
) -> Draw {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(style::GRID_BOLD)
        .label_font(style::small())
        .draw()?;
    Ok(())
}

/// One level of a WIP sample, lots.
type Level = fn(&crate::plant::WipSample) -> f64;

fn wip(area: &Area, trace: &Trace, y_area: u32) -> Draw {
    let capacity = trace.feed_tank_capacity.map_or(0.0, f64::from);
    let top = trace.wip.iter().map(|w| w.lots).max().unwrap_or(0).max(1) as f64;
    let top = top.max(capacity);
    let (_, hi) = style::padded(0.0, top, 0.0, 0.35);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!(
                "Work in process, sampled every {} h",
                style::tick(trace.wip_interval_h, trace.wip_interval_h * 10.0)
            ),
            style::caption(),
        )
        .margin(12)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(y_area)
        .build_cartesian_2d(0.0..days(trace), 0.0..hi)?;
    let x_fmt = |x: &f64| style::tick(*x, days(trace));
    let y_fmt = |y: &f64| style::tick(*y, hi);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("time since start (d)")
        .y_desc("work in process (lots)")
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(13)
        .draw()?;
    let series: [(&str, RGBColor, Level); 2] = [
        (
            "lots in the plant (tank, queues, stages)",
            style::color(0),
            |w| w.lots as f64,
        ),
        ("fresh feed lots in the feed tank", style::color(1), |w| {
            f64::from(w.feed_tank)
        }),
    ];
    for (label, color, value) in series {
        let points = trace.wip.iter().map(|w| (w.time_h / 24.0, value(w)));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x - 10, y), (x + 10, y)], color.stroke_width(3))
            });
    }
    if let Some(cap) = trace.feed_tank_capacity {
        let cap = f64::from(cap);
        let grey = RGBColor(90, 90, 90);
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, cap), (days(trace), cap)],
                8,
                5,
                grey.stroke_width(2),
            ))?
            .label("feed tank capacity (arrivals beyond it are lost)")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x - 10, y), (x + 10, y)], grey.stroke_width(2))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
