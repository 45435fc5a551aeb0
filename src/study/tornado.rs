//! Which uncertain input moves the decision: each input alone swung between its 10th and 90th
//! percentile, every other input at its median, and the headline difference recomputed with
//! common random numbers.
//!
//! The headline is the NPV of the best variant minus the base's (mean over the paired
//! replications), the best variant being the one with the highest mean NPV with every input at
//! its median; without `[economics]` it is the difference in on-spec value (tonnes at their
//! prices); without variants, the base's own NPV (or on-spec value).

use super::{RunOptions, StudyResult};
use crate::Result;
use crate::scenario::Scenario;

/// Lower and upper percentile of a swing.
pub const PERCENTILES: (f64, f64) = (0.10, 0.90);

/// One input's swing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Swing {
    /// Dotted key of the input.
    pub key: String,
    /// Its unit ("" for plain numbers).
    pub unit: String,
    /// Its 10th and 90th percentile.
    pub low: f64,
    pub high: f64,
    /// Headline at `low` and at `high` minus the headline with every input at its median.
    pub swing_low: f64,
    pub swing_high: f64,
}

impl Swing {
    /// Width of the swing (|high - low| of the headline).
    pub fn width(&self) -> f64 {
        (self.swing_high - self.swing_low).abs()
    }
}

/// A tornado: the headline at the medians and every input's swing, widest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tornado {
    /// Scenario name.
    pub scenario: String,
    /// What the headline is, e.g. "NPV of 2 trains minus the base".
    pub headline: String,
    /// Its unit.
    pub unit: String,
    /// The headline with every input at its median.
    pub at_medians: f64,
    /// Seed and replications of every study.
    pub seed: u64,
    pub replications: u32,
    /// The inputs, widest swing first.
    pub inputs: Vec<Swing>,
}

/// Swings every uncertain input of `base` (and its variants, which share the inputs).
pub fn tornado(base: &Scenario, variants: &[Scenario], options: RunOptions) -> Result<Tornado> {
    let inputs = &base.uncertainty;
    let medians = base.medians();
    let at = |values: &[f64]| -> Result<StudyResult> {
        let b = base.with_inputs(values)?;
        let v = (variants.iter())
            .map(|s| s.with_inputs(values))
            .collect::<Result<Vec<_>>>()?;
        super::run(&b, &v, options)
    };
    let middle = at(&medians)?;
    let pick = Headline::of(&middle);
    let at_medians = pick.value(&middle);
    let mut swings = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let (low, high) = (input.quantile(PERCENTILES.0), input.quantile(PERCENTILES.1));
        let mut values = medians.clone();
        values[k] = low;
        let swing_low = pick.value(&at(&values)?) - at_medians;
        values[k] = high;
        let swing_high = pick.value(&at(&values)?) - at_medians;
        swings.push(Swing {
            key: input.key.clone(),
            unit: input.unit.clone(),
            low,
            high,
            swing_low,
            swing_high,
        });
    }
    swings.sort_by(|a, b| b.width().total_cmp(&a.width()));
    Ok(Tornado {
        scenario: base.name.clone(),
        headline: pick.label,
        unit: pick.unit,
        at_medians,
        seed: middle.seed,
        replications: middle.replications,
        inputs: swings,
    })
}

/// Which figure and which layout the headline is.
struct Headline {
    figure: &'static str,
    /// Variant index into the comparisons (`None`: the base's own figure).
    variant: Option<usize>,
    label: String,
    unit: String,
}

impl Headline {
    /// NPV with `[economics]`, else on-spec value; the best variant at the medians.
    fn of(study: &StudyResult) -> Headline {
        let figure = if study.layouts[0].money.is_some() {
            "npv"
        } else {
            "sales_value"
        };
        let mean = |l: usize| {
            (study.layouts[l].summaries.iter())
                .find(|s| s.name == figure)
                .map_or(f64::NEG_INFINITY, |s| s.stats.mean)
        };
        let best = (1..study.layouts.len()).max_by(|&a, &b| mean(a).total_cmp(&mean(b)));
        let unit = (study.layouts[0].summaries.iter())
            .find(|s| s.name == figure)
            .map_or_else(String::new, |s| s.unit.clone());
        let what = if figure == "npv" {
            "NPV"
        } else {
            "on-spec value"
        };
        let label = match best {
            Some(v) => format!("{what} of {} minus the base", study.layouts[v].name),
            None => format!("{what} of the base"),
        };
        Headline {
            figure,
            variant: best.map(|v| v - 1),
            label,
            unit,
        }
    }

    /// The headline of `study`: the paired mean difference, or the base's mean.
    fn value(&self, study: &StudyResult) -> f64 {
        match self.variant {
            Some(v) => (study.comparisons[v].iter())
                .find(|c| c.name == self.figure)
                .map_or(f64::NAN, |c| c.paired.difference.estimate),
            None => (study.layouts[0].summaries.iter())
                .find(|s| s.name == self.figure)
                .map_or(f64::NAN, |s| s.stats.mean),
        }
    }
}
