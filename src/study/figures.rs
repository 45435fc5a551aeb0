//! One replication's plant result as named figures with units: the rows every summary,
//! comparison, sweep and report is built from.

use super::products::ProductFlows;
use crate::experiment::{Figure, FigureSummary};
use crate::plant::ReplicationResult;

/// Hours in a year (365 d), for t/yr figures.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Turns a name into a stable snake_case key fragment: lowercase, other characters as `_`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// The figures of one replication, in a fixed order (headline first).
pub fn figures(result: &ReplicationResult, flows: &ProductFlows, horizon_h: f64) -> Vec<Figure> {
    let mut out = Vec::new();
    let per_year = |lots_per_h: f64, t_per_lot: f64| lots_per_h * HOURS_PER_YEAR * t_per_lot;
    let mut total = 0.0;
    for p in &flows.products {
        let t = result.sinks[p.sink].total_per_h * HOURS_PER_YEAR * flows.t_per_mass_unit;
        total += t;
        out.push(Figure::new(format!("on_spec_{}", p.key), "t REO/yr", t));
    }
    if flows.products.is_empty() {
        total = per_year(result.throughput_lots_per_h, flows.feed_t_reo_per_lot);
    }
    out.push(Figure::new("on_spec_reo", "t REO/yr", total));
    out.push(Figure::new(
        "throughput",
        "lots/h",
        result.throughput_lots_per_h,
    ));
    out.push(Figure::new("availability", "fraction", result.availability));
    out.push(Figure::new("lead_time", "h", result.lead_time_h.mean));
    out.push(Figure::new("lead_time_p90", "h", result.lead_time_h.p90));
    out.push(Figure::new("wip", "lots", result.wip_lots));
    let run_years = horizon_h / HOURS_PER_YEAR;
    let lost_t = result.lots.lost as f64 * flows.feed_t_reo_per_lot / run_years;
    out.push(Figure::new("lost_feed", "t REO/yr", lost_t));
    out.push(Figure::new(
        "off_spec",
        "lots/yr",
        result.lots.off_spec as f64 / run_years,
    ));
    for p in &flows.products {
        out.push(Figure::new(
            format!("purity_{}", p.key),
            "mol fraction",
            p.purity,
        ));
    }
    for (c, circuit) in result.circuits.iter().enumerate() {
        let key = snake(&circuit.name);
        out.push(Figure::new(
            format!("{key}_availability"),
            "fraction",
            circuit.availability,
        ));
        let (busy, blocked) = stage_means(circuit);
        out.push(Figure::new(format!("{key}_utilisation"), "fraction", busy));
        out.push(Figure::new(format!("{key}_blocked"), "fraction", blocked));
        out.push(Figure::new(
            format!("{key}_starved"),
            "fraction",
            circuit.starved,
        ));
        if let Some(inventory) = flows.inventory_t.get(c).copied().flatten() {
            out.push(Figure::new(format!("{key}_inventory"), "t REO", inventory));
        }
        out.push(Figure::new(
            format!("{key}_throughput"),
            "lots/h",
            circuit.throughput_lots_per_h,
        ));
        if !result.lines.is_empty() {
            out.push(Figure::new(
                format!("{key}_active"),
                "fraction",
                circuit.active,
            ));
        }
    }
    shared_figures(result, &mut out);
    out
}

/// Figures of campaign lines and of the finishing unit.
fn shared_figures(result: &ReplicationResult, out: &mut Vec<Figure>) {
    for line in &result.lines {
        let key = snake(&line.name);
        out.push(Figure::new(
            format!("{key}_changeover"),
            "fraction",
            line.changeover,
        ));
        out.push(Figure::new(
            format!("{key}_switches"),
            "count",
            line.switches as f64,
        ));
    }
    if let Some(f) = &result.finishing {
        out.push(Figure::new(
            "finishing_utilisation",
            "fraction",
            f.utilisation,
        ));
        out.push(Figure::new("finishing_waiting", "lots", f.waiting_lots));
    }
}

/// The plant's bottleneck over replications: the circuit (or the finishing unit) with the
/// highest mean utilisation, with its blocked and starved time.
#[derive(Debug, Clone, PartialEq)]
pub struct Bottleneck {
    /// Circuit name, or `finishing`.
    pub name: String,
    /// Mean utilisation of its stage places (batch places for finishing), 0..1.
    pub utilisation: f64,
    /// Mean fraction of its stage places holding a finished lot that cannot move on, 0..1.
    pub blocked: f64,
    /// Mean fraction of its trains holding no lot, 0..1.
    pub starved: f64,
}

/// Names the bottleneck from a layout's summaries: highest utilisation wins (a full tank
/// downstream shows as the upstream circuit's blocked time, an empty one upstream as the
/// downstream circuit's starved time, so neither is mistaken for the constraint).
pub fn bottleneck(summaries: &[FigureSummary], circuits: &[String]) -> Option<Bottleneck> {
    let mean = |name: &str| {
        summaries
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.stats.mean)
    };
    let mut candidates: Vec<Bottleneck> = circuits
        .iter()
        .filter_map(|c| {
            let key = snake(c);
            Some(Bottleneck {
                name: c.clone(),
                utilisation: mean(&format!("{key}_utilisation"))?,
                blocked: mean(&format!("{key}_blocked")).unwrap_or(0.0),
                starved: mean(&format!("{key}_starved")).unwrap_or(0.0),
            })
        })
        .collect();
    if let Some(u) = mean("finishing_utilisation") {
        candidates.push(Bottleneck {
            name: "finishing".into(),
            utilisation: u,
            blocked: 0.0,
            starved: 0.0,
        });
    }
    candidates.into_iter().reduce(|best, c| {
        if c.utilisation > best.utilisation {
            c
        } else {
            best
        }
    })
}

/// Mean utilisation and blocked fraction over a circuit's stage groups.
fn stage_means(circuit: &crate::plant::CircuitResult) -> (f64, f64) {
    let n = circuit.stages.len().max(1) as f64;
    let busy = circuit.stages.iter().map(|s| s.utilisation).sum::<f64>() / n;
    let blocked = circuit.stages.iter().map(|s| s.blocked).sum::<f64>() / n;
    (busy, blocked)
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn snake_case_keys() {
        assert_eq!(snake("PrNd"), "prnd");
        assert_eq!(snake("Pr/Nd split"), "pr_nd_split");
        assert_eq!(snake("  La--Ce "), "la_ce");
    }
}
