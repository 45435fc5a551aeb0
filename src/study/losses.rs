//! The loss attribution of a study as a Pareto table, per layout, largest base loss first:
//! each circuit's feed lost against its installed design rate, by cause (each failure mode,
//! maintenance, parking on a line, starvation, blocking, turndown; catch-up above design after
//! a stop counts as a negative loss), and the product sold off-spec, by cause (restart
//! transients, bypassed stages).

use super::StudyResult;
use super::figures::snake;

/// One cause of one circuit, across layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    /// Figure name, e.g. `prnd_lost_feed_pump`.
    pub name: String,
    /// For people, e.g. `PrNd: feed pump`.
    pub label: String,
    /// Mean over replications per layout (base first), t REO/yr.
    pub mean: Vec<f64>,
    /// 95 % CI half-width per layout, t REO/yr.
    pub ci95: Vec<f64>,
}

/// Every cause that loses anything in some layout, largest base mean first (ties in figure
/// order).
pub fn pareto(study: &StudyResult) -> Vec<Loss> {
    let Some(base) = study.layouts.first() else {
        return Vec::new();
    };
    let mut causes: Vec<(String, String)> = Vec::new();
    for circuit in &base.flows.circuit_names {
        let prefix = format!("{}_lost_", snake(circuit));
        for s in &base.summaries {
            if let Some(cause) = s.name.strip_prefix(&prefix) {
                let label = format!("{circuit}: {}", cause.replace('_', " "));
                causes.push((s.name.clone(), label));
            }
        }
    }
    causes.push(("off_spec_restart".into(), "off-spec after restarts".into()));
    causes.push(("off_spec_bypass".into(), "off-spec, stages bypassed".into()));
    let mut rows: Vec<Loss> = causes
        .into_iter()
        .filter_map(|(name, label)| row(study, name, label))
        .collect();
    rows.sort_by(|a, b| b.mean[0].total_cmp(&a.mean[0]));
    rows
}

/// The figure `name` across layouts; `None` if it is 0 in every layout.
fn row(study: &StudyResult, name: String, label: String) -> Option<Loss> {
    let stats: Vec<(f64, f64)> = study
        .layouts
        .iter()
        .map(|l| {
            l.summaries
                .iter()
                .find(|x| x.name == name)
                .map_or((0.0, 0.0), |x| (x.stats.mean, x.stats.ci95))
        })
        .collect();
    if stats.iter().all(|(m, _)| m.abs() < 1e-9) {
        return None;
    }
    Some(Loss {
        name,
        label,
        mean: stats.iter().map(|x| x.0).collect(),
        ci95: stats.iter().map(|x| x.1).collect(),
    })
}
