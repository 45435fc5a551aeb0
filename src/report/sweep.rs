//! The table of `reesim sweep --format table`: one line per grid point, its swept values and
//! the headline figures as mean +- 95 % half-width.

use super::{half_width, num};
use crate::experiment::SweepRow;

/// Whether a figure is a headline of the sweep table (on-spec output per product, throughput,
/// availability).
fn headline(name: &str) -> bool {
    name.starts_with("on_spec_") || matches!(name, "throughput" | "availability")
}

/// Aligned text: `point`, the swept keys, then each headline figure with its unit.
pub fn table(rows: &[SweepRow]) -> String {
    let Some(first) = rows.first() else {
        return "(no grid points in this shard)\n".into();
    };
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(first.params.iter().map(|(k, _)| k.clone()));
    let figures: Vec<usize> = (0..first.figures.len())
        .filter(|&f| headline(&first.figures[f].name))
        .collect();
    header.extend(figures.iter().map(|&f| {
        let fig = &first.figures[f];
        format!("{} [{}]", fig.name, fig.unit)
    }));
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut line = vec![r.point.to_string()];
            line.extend(r.params.iter().map(|(_, v)| v.clone()));
            line.extend(figures.iter().map(|&f| {
                let fig = &r.figures[f];
                format!(
                    "{} +- {}",
                    num(fig.mean, 5),
                    half_width(fig.ci95, fig.mean, 2)
                )
            }));
            line
        })
        .collect();
    super::grid::columns(&header, &lines)
}
