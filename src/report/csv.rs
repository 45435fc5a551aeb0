//! CSV reports: the summary (one row per layout and figure) and the per-replication rows.

use super::Exporter;
use crate::Result;
use crate::study::StudyResult;

/// One row per layout and figure: mean, ci95, sd, min, max, unit.
pub struct SummaryCsvExporter;

impl Exporter for SummaryCsvExporter {
    fn export(&self, study: &StudyResult) -> Result<String> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        let io = |e: ::csv::Error| crate::Error::Internal(format!("CSV encoding failed: {e}"));
        w.write_record([
            "layout", "figure", "unit", "mean", "ci95", "sd", "min", "max", "n",
        ])
        .map_err(io)?;
        for layout in &study.layouts {
            for s in &layout.summaries {
                let st = s.stats;
                let nums = [st.mean, st.ci95, st.sd, st.min, st.max].map(cell);
                w.write_record([
                    layout.name.as_str(),
                    &s.name,
                    &s.unit,
                    &nums[0],
                    &nums[1],
                    &nums[2],
                    &nums[3],
                    &nums[4],
                    &st.n.to_string(),
                ])
                .map_err(io)?;
            }
        }
        finish(w)
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

/// A number cell; empty when not finite (never "NaN").
fn cell(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::Internal(format!("CSV encoding failed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Internal(format!("CSV is not UTF-8: {e}")))
}
