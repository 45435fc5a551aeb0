//! What one replication looked like over time: per layout, each circuit's trains up (as a
//! share of its installed trains) and each tank's level (as a share of its capacity, or of its
//! highest level when unbounded), sampled on a fixed grid by an observer of the engine's steps
//! ([`crate::flow::simulate_traced`]).

use plotters::prelude::*;

use super::style::{self, Area, Draw};
use crate::Result;
use crate::flow::{self, Trace};
use crate::study::{LayoutResult, StudyResult};

/// The figure's title.
pub const TITLE: &str = "One replication over time: trains up and tank levels";

/// Grid points per replication (memory is points x (tanks + circuits), not events).
pub const POINTS: usize = 1200;

/// One panel's data: the layout name, its curves (label, (day, share) points).
struct Panel {
    name: String,
    curves: Vec<(String, Vec<(f64, f64)>)>,
}

/// The SVG of replication 0 of every layout of `study`, one panel per layout.
pub fn svg(study: &StudyResult) -> Result<String> {
    let panels: Vec<Panel> = study.layouts.iter().map(|l| panel(l, study.seed)).collect();
    let height = 90 + 300 * panels.len() as u32;
    style::render((1000, height), |root| {
        let root = root.titled(TITLE, style::title())?;
        let areas = root.split_evenly((panels.len(), 1));
        for (area, p) in areas.iter().zip(&panels) {
            draw(area, p)?;
        }
        Ok(())
    })
}

/// Replication 0 of `layout`, traced, as shares of installed trains and tank capacities.
fn panel(layout: &LayoutResult, seed: u64) -> Panel {
    let spec = layout.flows.plant_spec(layout.warmup_h);
    let (_, trace) = flow::simulate_traced(&spec, seed, 0, POINTS);
    let parts = spec.parts();
    let days: Vec<f64> = trace.times().iter().map(|t| t / 24.0).collect();
    let mut curves = Vec::new();
    for (c, circuit) in parts.circuits.iter().enumerate() {
        let k = f64::from(circuit.trains);
        let up = trace.trains_up(c).iter().map(|&n| f64::from(n) / k);
        let label = format!("trains up, {} (of {})", circuit.name, circuit.trains);
        curves.push((label, days.iter().copied().zip(up).collect()));
    }
    for t in 0..trace.tanks() {
        curves.push(tank_curve(&trace, t, parts, &days));
    }
    Panel {
        name: layout.name.clone(),
        curves,
    }
}

/// Tank `t`'s level as a share of its capacity (feed tank first), or of its highest level.
fn tank_curve(
    trace: &Trace,
    t: usize,
    parts: &flow::PlantParts,
    days: &[f64],
) -> (String, Vec<(f64, f64)>) {
    let (name, capacity) = if t == 0 {
        ("feed".to_string(), parts.feed.tank_capacity)
    } else {
        let tank = &parts.tanks[t - 1];
        (tank.name.clone(), tank.capacity)
    };
    let levels = trace.tank_levels(t);
    let (scale, label) = match capacity {
        Some(cap) => (cap, format!("tank {name} level (of {} t)", num(cap))),
        None => {
            let top = levels.iter().copied().fold(0.0, f64::max).max(1e-9);
            (
                top,
                format!("tank {name} level (of its top, {} t)", num(top)),
            )
        }
    };
    let points = days
        .iter()
        .zip(levels)
        .map(|(d, l)| (*d, (l / scale).clamp(0.0, 1.0)))
        .collect();
    (label, points)
}

fn num(x: f64) -> String {
    crate::report::num(x, 3)
}

fn draw(area: &Area, p: &Panel) -> Draw {
    let end = p
        .curves
        .iter()
        .flat_map(|c| c.1.last())
        .map(|pt| pt.0)
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.name, style::caption())
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..end, -0.02..1.05)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID)
        .bold_line_style(style::GRID_BOLD)
        .x_desc("time (d), replication 0")
        .y_desc("share")
        .axis_desc_style(style::small())
        .label_style(style::small())
        .x_label_formatter(&|v: &f64| format!("{v:.0}"))
        .y_label_formatter(&|v: &f64| format!("{:.0} %", v * 100.0))
        .draw()?;
    for (i, (label, points)) in p.curves.iter().enumerate() {
        let color = style::color(i);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(1),
            ))?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x - 10, y), (x + 10, y)], color.stroke_width(2))
            });
    }
    style::legend(&mut chart, SeriesLabelPosition::MiddleLeft)?;
    Ok(())
}
