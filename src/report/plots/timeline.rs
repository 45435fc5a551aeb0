//! The timeline of one replication: each train's state over time as a horizontal band (up,
//! down awaiting a crew, down under repair, restarting off-spec), and below it the plant's
//! work in process and feed-tank level, on the same time axis (days).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

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
    let band_h = 150 + 30 * shown as u32;
    let title = title(layout);
    style::render((1100, band_h + 400), |root| {
        let root = root.titled(&title, style::title())?;
        let (top, bottom) = root.split_vertically(band_h);
        bands(&top, trace, &rows[..shown], rows.len())?;
        wip(&bottom, trace)
    })
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

/// Left margin shared by both charts so their time axes line up, pixels.
const Y_AREA: u32 = 150;

fn days(trace: &Trace) -> f64 {
    (trace.span_h / 24.0).max(1e-9)
}

fn bands(area: &Area, trace: &Trace, rows: &[(usize, u32, String)], all: usize) -> Draw {
    let n = rows.len().max(1);
    let keys: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    let caption = if all > rows.len() {
        format!(
            "train states (first {} of {all} trains; availability over these {:.0} d: {:.2} %)",
            rows.len(),
            days(trace),
            trace.availability() * 100.0
        )
    } else {
        format!(
            "train states (all trains together available {:.2} % of these {:.0} d)",
            trace.availability() * 100.0,
            days(trace)
        )
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, style::caption())
        .margin(12)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(0.0..days(trace), style::Keyed::new(0.0..n as f64, keys))?;
    let name_of = |y: &f64| {
        let i = n.saturating_sub(1).saturating_sub(y.floor().max(0.0) as usize);
        rows.get(i).map_or_else(String::new, |r| r.2.clone())
    };
    let x_fmt = |x: &f64| style::tick(*x, days(trace));
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("time since start (d)")
        .axis_desc_style(style::axis())
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
        chart
            .draw_series(rects)?
            .label(state.label())
            .legend(move |(x, y)| Rectangle::new([(x - 8, y - 6), (x + 8, y + 6)], color.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
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

fn wip(area: &Area, trace: &Trace) -> Draw {
    let top = trace.wip.iter().map(|w| w.lots).max().unwrap_or(0).max(1) as f64;
    let (_, hi) = style::padded(0.0, top, 0.0, 0.35);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!(
                "work in process, sampled every {} h",
                style::tick(trace.wip_interval_h, trace.wip_interval_h * 10.0)
            ),
            style::caption(),
        )
        .margin(12)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(0.0..days(trace), 0.0..hi)?;
    let x_fmt = |x: &f64| style::tick(*x, days(trace));
    let y_fmt = |y: &f64| style::tick(*y, hi);
    chart
        .configure_mesh()
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("time since start (d)")
        .y_desc("lots")
        .axis_desc_style(style::axis())
        .label_style(style::small())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(13)
        .draw()?;
    let series: [(&str, RGBColor, fn(&crate::plant::WipSample) -> f64); 2] = [
        ("lots in the plant (tank, queues, stages)", style::color(0), |w| w.lots as f64),
        ("lots waiting in the feed tank", style::color(1), |w| f64::from(w.feed_tank)),
    ];
    for (label, color, value) in series {
        let points = trace.wip.iter().map(|w| (w.time_h / 24.0, value(w)));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x - 10, y), (x + 10, y)], color.stroke_width(3)));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
