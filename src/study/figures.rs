//! One replication's plant result as named figures with units: the rows every summary,
//! comparison, sweep and report is built from.

use super::products::ProductFlows;
use crate::experiment::{Figure, FigureSummary, Summary};
use crate::flow::{CircuitResult, CircuitSpec, FlowResult};

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

/// The figures of one replication, in a fixed order (headline first). Output figures are
/// rates over the statistics window, t REO/yr.
pub fn figures(result: &FlowResult, flows: &ProductFlows) -> Vec<Figure> {
    let mut out = Vec::new();
    let years = result.window_h / HOURS_PER_YEAR;
    let per_year = |t: f64| t / years;
    for p in &flows.products {
        let sold = result.products[p.sink].on_spec_t;
        out.push(Figure::new(
            format!("on_spec_{}", p.key),
            "t REO/yr",
            per_year(sold),
        ));
    }
    let sold: f64 = result.products.iter().map(|p| p.on_spec_t).sum();
    out.push(Figure::new("throughput", "t REO/yr", per_year(sold)));
    out.push(Figure::new("availability", "fraction", result.availability));
    out.push(Figure::new(
        "held_back",
        "t REO/yr",
        per_year(result.held_back_t),
    ));
    out.push(Figure::new(
        "lost_feed",
        "t REO/yr",
        per_year(result.lost_t),
    ));
    let off: f64 = result.products.iter().map(|p| p.off_spec_t).sum();
    out.push(Figure::new("off_spec", "t REO/yr", per_year(off)));
    let restart: f64 = result.products.iter().map(|p| p.off_spec_restart_t).sum();
    out.push(Figure::new(
        "off_spec_restart",
        "t REO/yr",
        per_year(restart),
    ));
    let bypass: f64 = result.products.iter().map(|p| p.off_spec_bypass_t).sum();
    out.push(Figure::new("off_spec_bypass", "t REO/yr", per_year(bypass)));
    out.push(Figure::new(
        "scrapped",
        "t REO/yr",
        per_year(result.scrapped_t),
    ));
    out.push(Figure::new("stock_change", "t REO", result.stock_change_t));
    for p in &flows.products {
        let r = &result.products[p.sink];
        out.push(Figure::new(
            format!("purity_{}", p.key),
            "mol fraction",
            r.mean_purity,
        ));
        let off = r.batches - r.on_spec_batches;
        out.push(Figure::new(
            format!("off_spec_batches_{}", p.key),
            "batches/yr",
            per_year(off as f64),
        ));
    }
    let parts = flows.built.spec.parts();
    for (c, circuit) in result.circuits.iter().enumerate() {
        circuit_figures(&mut out, circuit, &parts.circuits[c], years);
    }
    for t in &result.tanks {
        let key = format!("tank_{}", snake(&t.name));
        out.push(Figure::new(format!("{key}_level"), "t REO", t.mean_level_t));
        out.push(Figure::new(format!("{key}_full"), "fraction", t.full));
        out.push(Figure::new(format!("{key}_empty"), "fraction", t.empty));
    }
    for line in &result.lines {
        let key = snake(&line.name);
        out.push(Figure::new(
            format!("{key}_changeover"),
            "fraction",
            line.changeover,
        ));
        out.push(Figure::new(
            format!("{key}_switches"),
            "count/yr",
            per_year(line.switches as f64),
        ));
    }
    out
}

/// A circuit's figures: availability, P(all down), utilisation, starved and blocked time,
/// inventory, residence and its losses by cause. (The distribution of trains running has as
/// many entries as trains, so it is kept apart: [`trains_running`].)
fn circuit_figures(out: &mut Vec<Figure>, c: &CircuitResult, spec: &CircuitSpec, years: f64) {
    let key = snake(&c.name);
    out.push(Figure::new(
        format!("{key}_availability"),
        "fraction",
        c.availability,
    ));
    out.push(Figure::new(
        format!("{key}_all_down"),
        "fraction",
        c.trains_up[0],
    ));
    let window_h = years * HOURS_PER_YEAR;
    let max = f64::from(spec.trains) * spec.design_rate * spec.max_rate * window_h;
    out.push(Figure::new(
        format!("{key}_utilisation"),
        "fraction",
        c.fed_t / max,
    ));
    out.push(Figure::new(format!("{key}_starved"), "fraction", c.starved));
    out.push(Figure::new(format!("{key}_blocked"), "fraction", c.blocked));
    out.push(Figure::new(
        format!("{key}_fed"),
        "t REO/yr",
        c.fed_t / years,
    ));
    out.push(Figure::new(
        format!("{key}_inventory"),
        "t REO",
        c.inventory_t,
    ));
    out.push(Figure::new(format!("{key}_residence"), "h", c.residence_h));
    for (cause, t) in &c.lost_t {
        out.push(Figure::new(
            format!("{key}_lost_{}", snake(cause)),
            "t REO/yr",
            t / years,
        ));
    }
}

/// The plant's bottleneck over replications: the circuit (or the finishing unit) with the
/// highest mean utilisation, with its blocked and starved time.
#[derive(Debug, Clone, PartialEq)]
pub struct Bottleneck {
    /// Circuit name, or `finishing`.
    pub name: String,
    /// Mean utilisation: feed processed over its installed maximum, 0..1.
    pub utilisation: f64,
    /// Mean fraction of the time an outlet tank was full and limited it, 0..1.
    pub blocked: f64,
    /// Mean fraction of the time its source was empty and limited it, 0..1.
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
    let candidates: Vec<Bottleneck> = circuits
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
    candidates.into_iter().reduce(|best, c| {
        if c.utilisation > best.utilisation {
            c
        } else {
            best
        }
    })
}

/// Per circuit, the fraction of the window with k = 0..K trains running, summarised over
/// replications (mean, CI).
pub fn trains_running(results: &[FlowResult]) -> Vec<Vec<Summary>> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    (0..first.circuits.len())
        .map(|c| {
            (0..first.circuits[c].trains_up.len())
                .map(|k| {
                    let column: Vec<f64> =
                        results.iter().map(|r| r.circuits[c].trains_up[k]).collect();
                    Summary::of(&column)
                })
                .collect()
        })
        .collect()
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
