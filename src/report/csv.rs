//! CSV reports: the summary (one row per layout and figure) and the per-replication rows.

use super::Exporter;
use super::contract::{cell, csv_text};
use crate::Result;
use crate::study::StudyResult;

/// One row per layout and figure: mean, ci95, sd, min, max, n, and for a variant its paired
/// change against the base (difference, ratio, significance; empty cells for the base and for
/// a figure the base lacks).
pub struct SummaryCsvExporter;

impl Exporter for SummaryCsvExporter {
    fn export(&self, study: &StudyResult) -> Result<String> {
        let header = [
            "layout",
            "figure",
            "unit",
            "mean",
            "ci95",
            "sd",
            "min",
            "max",
            "n",
            "difference",
            "difference_ci95",
            "ratio",
            "ratio_ci95",
            "significant",
        ];
        let mut rows = Vec::new();
        for (i, layout) in study.layouts.iter().enumerate() {
            let comparison = i.checked_sub(1).and_then(|v| study.comparisons.get(v));
            for s in &layout.summaries {
                let st = s.stats;
                let mut row = vec![layout.name.clone(), s.name.clone(), s.unit.clone()];
                row.extend([st.mean, st.ci95, st.sd, st.min, st.max].map(cell));
                row.push(st.n.to_string());
                let change = comparison.and_then(|c| c.iter().find(|c| c.name == s.name));
                row.extend(match change {
                    Some(c) => {
                        let d = c.paired.difference;
                        let (r, rc) = c.paired.ratio.map_or((String::new(), String::new()), |r| {
                            (cell(r.estimate), cell(r.ci95))
                        });
                        [
                            cell(d.estimate),
                            cell(d.ci95),
                            r,
                            rc,
                            c.paired.significant.to_string(),
                        ]
                    }
                    None => Default::default(),
                });
                rows.push(row);
            }
        }
        csv_text(&header, &rows)
    }
}

/// One row per layout and replication, one column per figure.
pub fn replications_csv(study: &StudyResult) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let io = |e: ::csv::Error| crate::Error::Internal(format!("CSV encoding failed: {e}"));
    // Every figure any layout reports, in order of first appearance: layouts of different
    // plants (compare) report different figures; a figure a layout lacks is an empty cell.
    let mut columns: Vec<(&str, &str)> = Vec::new();
    for layout in &study.layouts {
        for f in layout.replications.first().into_iter().flatten() {
            if !columns.iter().any(|(n, _)| *n == f.name) {
                columns.push((&f.name, &f.unit));
            }
        }
    }
    let mut header = vec!["layout".to_string(), "replication".to_string()];
    header.extend(columns.iter().map(|(n, u)| format!("{n} [{u}]")));
    w.write_record(&header).map_err(io)?;
    for layout in &study.layouts {
        for (r, figs) in layout.replications.iter().enumerate() {
            let mut row = vec![layout.name.clone(), r.to_string()];
            row.extend(columns.iter().map(|(name, _)| {
                figs.iter()
                    .find(|f| f.name == *name)
                    .map_or(String::new(), |f| cell(f.value))
            }));
            w.write_record(&row).map_err(io)?;
        }
    }
    finish(w)
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::Internal(format!("CSV encoding failed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Internal(format!("CSV is not UTF-8: {e}")))
}
