//! One replication's plant result as named figures with units: the rows every summary,
//! comparison, sweep and report is built from.

use super::products::ProductFlows;
use crate::experiment::Figure;
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
        let t = per_year(
            result.circuits[p.circuit].throughput_lots_per_h,
            p.t_reo_per_lot,
        );
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
    }
    out
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
