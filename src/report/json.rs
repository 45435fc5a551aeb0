//! The JSON report: the machine contract. Every figure has a unit; summary figures are objects
//! `{ "mean", "ci95", "unit", ... }`; keys are stable snake_case.

use super::Exporter;
use crate::Result;
use crate::experiment::{FigureComparison, FigureSummary};
use crate::study::{LayoutResult, StudyResult};
use serde_json::{Map, Value, json};

/// Writes the study as pretty-printed JSON.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, study: &StudyResult) -> Result<String> {
        let mut text = serde_json::to_string_pretty(&to_value(study))
            .map_err(|e| crate::Error::Internal(format!("JSON encoding failed: {e}")))?;
        text.push('\n');
        Ok(text)
    }
}

/// The study as a JSON value.
pub fn to_value(study: &StudyResult) -> Value {
    let results: Vec<Value> = study
        .layouts
        .iter()
        .enumerate()
        .map(|(i, layout)| {
            let comparison = i.checked_sub(1).and_then(|v| study.comparisons.get(v));
            layout_value(layout, comparison, study.horizon_h)
        })
        .collect();
    json!({
        "reesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": study.scenario,
        "seed": study.seed,
        "replications": study.replications,
        "horizon": { "value": study.horizon_h, "unit": "h" },
        "precision": study.precision.as_ref().map(precision),
        "results": results,
    })
}

fn layout_value(
    layout: &LayoutResult,
    comparison: Option<&Vec<FigureComparison>>,
    horizon_h: f64,
) -> Value {
    let mut value = json!({
        "name": layout.name,
        "warmup": { "value": layout.warmup_h, "unit": "h" },
        "metrics": metrics(&layout.summaries),
        "circuits": circuits(layout),
        "products": products(layout),
        "events": layout.events,
        "mass_balance_error": { "value": layout.mass_balance_error, "unit": "fraction of feed" },
    });
    if let Some(b) = &layout.bottleneck {
        value["bottleneck"] = json!({
            "name": b.name,
            "utilisation": { "value": b.utilisation, "unit": "fraction" },
            "blocked": { "value": b.blocked, "unit": "fraction" },
            "starved": { "value": b.starved, "unit": "fraction" },
        });
    }
    if let Some(auto) = &layout.warmup_auto {
        value["warmup_auto"] = json!({
            "method": "MSER-5",
            "overall_batches": auto.overall.batches,
            "per_replication_h": auto
                .per_replication
                .iter()
                .map(|t| crate::study::truncation_hours(t, horizon_h))
                .collect::<Vec<_>>(),
        });
    }
    if layout.money.is_some() {
        value["economics"] = economics(&layout.summaries);
    }
    if let Some(p) = &layout.p_best {
        value["p_best"] = json!({ "mean": finite(p.mean), "ci95": finite(p.ci95) });
    }
    if let Some(comparison) = comparison {
        value["vs_base"] = vs_base(comparison);
    }
    value
}

/// `{ capital_cost: { mean, ci95, unit }, ... }` (a figure undefined in some replication,
/// such as an IRR without a root, has a null mean).
fn economics(summaries: &[FigureSummary]) -> Value {
    let mut map = Map::new();
    for name in crate::study::economics::FIGURES {
        if let Some(s) = summaries.iter().find(|s| s.name == *name) {
            map.insert(
                (*name).to_string(),
                json!({ "mean": finite(s.stats.mean), "ci95": finite(s.stats.ci95), "unit": s.unit }),
            );
        }
    }
    Value::Object(map)
}

/// `{ name: { mean, ci95, sd, min, max, n, unit } }` in figure order.
fn metrics(summaries: &[FigureSummary]) -> Value {
    let mut map = Map::new();
    for s in summaries {
        map.insert(
            s.name.clone(),
            json!({
                "mean": finite(s.stats.mean),
                "ci95": finite(s.stats.ci95),
                "sd": finite(s.stats.sd),
                "min": finite(s.stats.min),
                "max": finite(s.stats.max),
                "n": s.stats.n,
                "unit": s.unit,
            }),
        );
    }
    Value::Object(map)
}

/// `[{ name, availability, all_down, trains_running: [{mean, ci95}, ...] }]` per circuit.
fn circuits(layout: &LayoutResult) -> Value {
    let find = |name: &str| layout.summaries.iter().find(|s| s.name == name);
    let summary = |name: &str| {
        find(name).map_or(Value::Null, |s| {
            json!({ "mean": finite(s.stats.mean), "ci95": finite(s.stats.ci95), "unit": s.unit })
        })
    };
    layout
        .flows
        .circuit_names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let key = crate::study::figures::snake(name);
            let running: Vec<Value> = layout.trains_running[c]
                .iter()
                .map(|s| json!({ "mean": finite(s.mean), "ci95": finite(s.ci95) }))
                .collect();
            json!({
                "name": name,
                "availability": summary(&format!("{key}_availability")),
                "all_down": summary(&format!("{key}_all_down")),
                "trains_running": running,
                "inventory": summary(&format!("{key}_inventory")),
                "residence": summary(&format!("{key}_residence")),
                "drift": layout.drift[c].as_ref().map_or(Value::Null, |d| json!({
                    "largest": { "value": finite(d.largest), "unit": "REO mass fraction" },
                    "replication": d.replication,
                    "design_purity": purity_pair(&d.design_purity),
                    "drifted_purity": purity_pair(&d.drifted_purity),
                })),
            })
        })
        .collect()
}

/// `[A, B]` purities, or `{ "error": why }` when the cascade has no solution.
fn purity_pair(p: &std::result::Result<[f64; 2], String>) -> Value {
    match p {
        Ok(p) => json!([finite(p[0]), finite(p[1])]),
        Err(e) => json!({ "error": e }),
    }
}

fn products(layout: &LayoutResult) -> Value {
    layout
        .flows
        .products
        .iter()
        .map(|p| {
            json!({
                "key": p.key,
                "name": p.label,
                "circuit": layout.flows.circuit_names[p.circuit],
                "outlet": p.outlet,
                "elements": p.elements,
                "purity": { "value": finite(p.purity), "unit": "mol fraction" },
                "min_purity": p.min_purity.map(|m| json!({ "value": m, "unit": "mol fraction" })),
                "design_output": { "value": p.design_t_per_h * crate::study::figures::HOURS_PER_YEAR, "unit": "t REO/yr" },
            })
        })
        .collect()
}

fn vs_base(comparison: &[FigureComparison]) -> Value {
    let mut map = Map::new();
    for c in comparison {
        let ratio = c.paired.ratio.map(
            |r| json!({ "estimate": finite(r.estimate), "ci95": finite(r.ci95), "unit": "1" }),
        );
        map.insert(
            c.name.clone(),
            json!({
                "difference": { "estimate": finite(c.paired.difference.estimate), "ci95": finite(c.paired.difference.ci95), "unit": c.unit },
                "ratio": ratio,
                "significant": c.paired.significant,
            }),
        );
    }
    Value::Object(map)
}

/// A finite number, or null (JSON has no NaN or infinity).
fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn precision(p: &crate::study::PrecisionReport) -> Value {
    let widths: Map<String, Value> = p
        .figures
        .iter()
        .zip(&p.relative_half_widths)
        .map(|(f, w)| (f.clone(), finite(*w)))
        .collect();
    json!({
        "target_relative_half_width": p.target,
        "stop": p.stop,
        "batch_ends": p.batch_ends,
        "relative_half_widths": widths,
    })
}
