//! SVG plots of a study (plotters, SVG backend): on-spec output per layout with CI bars, the
//! loss attribution by cause, the stage profile of each circuit's cascade, and (for sweeps)
//! one figure against a swept parameter.
//!
//! Every plot has a title, axis labels with units and a legend; output bytes depend only on the
//! study (no clock, no randomness, no fonts).

pub mod losses;
pub mod profile;
mod style;
pub mod sweep;
pub mod throughput;
pub mod timeline;
pub mod tornado;
pub mod transient;

use crate::Result;
use crate::study::StudyResult;
use crate::study::figures::snake;

/// One rendered plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// File name inside `plots/`, e.g. `throughput.svg`.
    pub file: String,
    /// The plot's title (also in the SVG).
    pub title: String,
    /// How to read it, one or two sentences for people (the HTML caption).
    pub note: String,
    /// The SVG document.
    pub svg: String,
}

/// Every plot of `study`, in report order: output per layout, losses by cause (when anything
/// is lost), stage profiles (circuits with a solved cascade).
pub fn all(study: &StudyResult) -> Result<Vec<Plot>> {
    let mut plots = vec![Plot {
        file: "throughput.svg".into(),
        title: throughput::TITLE.into(),
        note: format!(
            "Each point is a layout's mean over {} replications, its bar the 95 % CI; the \
             label over a variant is its paired change against the base.",
            study.replications
        ),
        svg: throughput::svg(study)?,
    }];
    if !crate::study::losses::pareto(study).is_empty() {
        plots.push(Plot {
            file: "losses.svg".into(),
            title: losses::TITLE.into(),
            note: "Circuit feed lost against the installed design rate over the statistics \
                   window, by cause, largest base loss on top; whiskers are 95 % CIs. \
                   Catch-up above design after a stop counts as a negative loss."
                .into(),
            svg: losses::svg(study)?,
        });
    }
    plots.push(Plot {
        file: "timeline.svg".into(),
        title: timeline::TITLE.into(),
        note: "Replication 0 of each layout, sampled on a fixed grid by an observer of the \
               simulation: each circuit's trains up as a share of those installed, each tank's \
               level as a share of its capacity. Dips are failures and maintenance; a full \
               feed tank holds feed back upstream."
            .into(),
        svg: timeline::svg(study)?,
    });
    let flows = &study.layouts[0].flows;
    for (name, solution) in flows.circuit_names.iter().zip(&flows.solutions) {
        if let Some(s) = solution {
            plots.push(Plot {
                file: unique(&plots, &format!("profile_{}", snake(name))),
                title: profile::title(name),
                note: "Steady-state cascade: mole fraction of each element in the aqueous \
                       leaving each stage. The B product leaves as raffinate at stage 1, the \
                       A product with the loaded organic at the last stage."
                    .into(),
                svg: profile::svg(name, s)?,
            });
        }
    }
    Ok(plots)
}

/// `stem.svg`, or `stem_2.svg`, ... if an earlier plot took the name.
fn unique(plots: &[Plot], stem: &str) -> String {
    let taken = |f: &str| plots.iter().any(|p| p.file == f);
    let mut file = format!("{stem}.svg");
    let mut i = 2;
    while taken(&file) {
        file = format!("{stem}_{i}.svg");
        i += 1;
    }
    file
}
