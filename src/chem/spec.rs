//! The validated description of one separation (one circuit's `[circuit.separation]` table).
//!
//! [`SeparationInput`] mirrors the scenario keys one to one (it deserialises from the TOML
//! table); [`SeparationSpec::from_input`] checks it and returns a [`ChemError`] naming the key,
//! the bad value and the allowed range.

use serde::Deserialize;

use super::extractant::{Extractant, Sourced};
use super::{ChemError, Element, theory};

/// Largest number of stages allowed per section.
pub const MAX_STAGES: usize = 10_000;

/// Largest separation factor relative to the first element. Real systems stay far below:
/// the built-in P507-HCl factors span about 2e3 from La to Ho (docs/sources.md s1); at 1e308
/// the solver's Newton blocks become singular.
pub const MAX_SEPARATION_FACTOR: f64 = 1e6;
/// Most components a separation may have (all 16 naturally occurring rare earths).
pub const MAX_COMPONENTS: usize = 16;
/// Tolerance on the sum of `feed_composition` before it is normalised.
pub const FEED_SUM_TOLERANCE: f64 = 1e-6;

/// The phase the feed enters in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedPhase {
    /// Aqueous feed liquor, entering the last extraction stage n (the `Default`, for struct
    /// literals only: the scenario key is required).
    #[default]
    Aqueous,
    /// Loaded organic feed, entering the first scrub stage n + 1.
    Organic,
}

impl FeedPhase {
    /// `"aqueous"` or `"organic"`.
    pub fn name(self) -> &'static str {
        match self {
            FeedPhase::Aqueous => "aqueous",
            FeedPhase::Organic => "organic",
        }
    }
}

/// Which equilibrium model a separation uses, as the `model` key names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Loaded organic with constant separation factors (default).
    #[default]
    Loaded,
    /// Constant distribution ratios, dilute solutes.
    Linear,
}

/// The `[circuit.separation]` table as written (keys are the scenario contract).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeparationInput {
    /// Element symbols, least extracted first.
    pub elements: Vec<String>,
    /// Feed mole fractions of total REE, same order; must sum to 1 within 1e-6.
    pub feed_composition: Vec<f64>,
    /// Separation factors relative to the first element (first = 1, increasing).
    #[serde(default)]
    pub separation_factors: Option<Vec<f64>>,
    /// Name of a built-in extractant system (alternative to `separation_factors`).
    #[serde(default)]
    pub extractant: Option<String>,
    /// Symbol of the last element of the B (raffinate) product.
    pub split_after: String,
    /// Phase of the feed.
    pub feed_phase: FeedPhase,
    /// Number of extraction stages n (>= 1).
    pub extraction_stages: usize,
    /// Number of scrub stages m (>= 0; >= 1 for organic feed).
    pub scrub_stages: usize,
    /// Extraction amount S: organic REE flow, mol per mol feed (linear model: organic volume
    /// per feed volume).
    pub extraction_amount: f64,
    /// Scrub amount W: aqueous REE flow of the scrub section, mol per mol feed. Optional.
    #[serde(default)]
    pub scrub_amount: Option<f64>,
    /// Equilibrium model, `"loaded"` (default) or `"linear"`.
    #[serde(default)]
    pub model: ModelKind,
    /// Linear model: distribution ratio D (organic/aqueous concentration) per element.
    #[serde(default)]
    pub distribution_ratios: Option<Vec<f64>>,
    /// Linear model: organic/aqueous volume ratio of the extraction section.
    #[serde(default)]
    pub phase_ratio: Option<f64>,
}

/// The validated equilibrium model.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Loaded organic, y_i = beta_i x_i / sum_k beta_k x_k (mole fractions), constant total REE
    /// flows per phase per section.
    Loaded,
    /// Constant distribution ratios: y_i = D_i x_i (concentrations), constant phase volume
    /// flows per section; the extraction section runs at O/A = `phase_ratio`.
    Linear {
        /// Distribution ratio per element (organic/aqueous concentration), > 0.
        distribution_ratios: Vec<f64>,
        /// O/A volume ratio of the extraction section, > 0.
        phase_ratio: f64,
    },
}

/// A checked separation: every field within range, fractions normalised, W resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct SeparationSpec {
    pub(crate) elements: Vec<Element>,
    pub(crate) feed_composition: Vec<f64>,
    pub(crate) separation_factors: Vec<f64>,
    pub(crate) factor_sources: Vec<String>,
    pub(crate) split_after: usize,
    pub(crate) feed_phase: FeedPhase,
    pub(crate) extraction_stages: usize,
    pub(crate) scrub_stages: usize,
    pub(crate) extraction_amount: f64,
    pub(crate) scrub_amount: f64,
    pub(crate) scrub_amount_defaulted: bool,
    pub(crate) model: Model,
}

impl SeparationSpec {
    /// Validates a `[circuit.separation]` table.
    ///
    /// Defaults: without `scrub_amount`, W is chosen so that the A product takes exactly the
    /// A group's share of the feed (f'_A = f_A): W = S - f_A (aqueous feed) or S + 1 - f_A
    /// (organic feed); with the linear model W follows from `phase_ratio` instead:
    /// W = S/phase_ratio - 1 (aqueous feed) or S/phase_ratio (organic feed).
    pub fn from_input(input: &SeparationInput) -> Result<Self, ChemError> {
        let elements = parse_elements(&input.elements)?;
        let feed_composition = check_feed(&input.feed_composition, elements.len())?;
        let (separation_factors, factor_sources) = resolve_factors(input, &elements)?;
        let split_after = parse_split(&input.split_after, &elements)?;
        let (n, m) = check_stages(input)?;
        let model = check_model(input, elements.len())?;
        let f_a: f64 = feed_composition[split_after + 1..].iter().sum();
        if f_a <= 0.0 || f_a >= 1.0 {
            return Err(ChemError::field(
                "feed_composition",
                format!("both products need feed: the A group (after split_after) holds {f_a}"),
            ));
        }
        let s = input.extraction_amount;
        if !(s.is_finite() && s > 0.0) {
            return Err(ChemError::field(
                "extraction_amount",
                format!("{s} must be a finite number > 0 (mol REE per mol feed)"),
            ));
        }
        let (w, defaulted) = resolve_scrub(input, &model, f_a)?;
        let spec = SeparationSpec {
            elements,
            feed_composition,
            separation_factors,
            factor_sources,
            split_after,
            feed_phase: input.feed_phase,
            extraction_stages: n,
            scrub_stages: m,
            extraction_amount: s,
            scrub_amount: w,
            scrub_amount_defaulted: defaulted,
            model,
        };
        spec.check_flows()?;
        Ok(spec)
    }

    /// Checks that W and the product flows are physical: W > 0 with scrub stages, and both
    /// products take a positive share of the feed.
    fn check_flows(&self) -> Result<(), ChemError> {
        let (s, w) = (self.extraction_amount, self.scrub_amount);
        if !(w.is_finite() && w >= 0.0) || (self.scrub_stages > 0 && w <= 0.0) {
            return Err(ChemError::field(
                "scrub_amount",
                format!("{w} must be > 0 (>= 0 without scrub stages), mol REE per mol feed"),
            ));
        }
        if matches!(self.model, Model::Linear { .. }) {
            return Ok(());
        }
        let fa = theory::product_fraction_from_flows(self.feed_phase, s, w);
        if !(fa > 0.0 && fa < 1.0) {
            let range = match self.feed_phase {
                FeedPhase::Aqueous => "0 < S - W < 1",
                FeedPhase::Organic => "0 < S + 1 - W < 1",
            };
            return Err(ChemError::field(
                "scrub_amount",
                format!(
                    "extraction_amount {s} and scrub_amount {w} send {fa} of the feed to the A \
                     product; {} feed needs {range}",
                    self.feed_phase.name()
                ),
            ));
        }
        Ok(())
    }

    /// A copy with other stage numbers (validated: n >= 1, m >= 0, organic feed m >= 1).
    pub fn with_stages(&self, n: usize, m: usize) -> Result<Self, ChemError> {
        check_stage_pair(n, m, self.feed_phase)?;
        Ok(SeparationSpec {
            extraction_stages: n,
            scrub_stages: m,
            ..self.clone()
        })
    }

    /// A copy fed `composition` (mole fractions over [`elements`](Self::elements), each >= 0,
    /// summing to 1 within 1e-6) with the same stages and organic flow per unit of feed: the
    /// cascade as built, fed a drifted feed. A scrub flow W that was derived (not given) is
    /// derived again for the new feed, as an operator keeps the cut at the A group's share of
    /// the feed; a given W is kept.
    pub fn with_feed_composition(&self, composition: &[f64]) -> Result<Self, ChemError> {
        let sum: f64 = composition.iter().sum();
        let bad = composition.len() != self.elements.len()
            || composition.iter().any(|x| !(x.is_finite() && *x >= 0.0))
            || (sum - 1.0).abs() > 1e-6;
        if bad {
            return Err(ChemError::field(
                "feed_composition",
                format!(
                    "{composition:?} must be {} mole fractions >= 0 summing to 1",
                    self.elements.len()
                ),
            ));
        }
        let f_a: f64 = composition[self.split_after + 1..].iter().sum();
        let scrub_amount = match (&self.model, self.scrub_amount_defaulted) {
            (Model::Loaded, true) if f_a > 0.0 && f_a < 1.0 => {
                theory::scrub_amount_for(self.feed_phase, self.extraction_amount, f_a)
            }
            _ => self.scrub_amount,
        };
        Ok(SeparationSpec {
            feed_composition: composition.to_vec(),
            scrub_amount,
            ..self.clone()
        })
    }

    /// Elements, least extracted first.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }
    /// Feed mole fractions, normalised to sum 1.
    pub fn feed_composition(&self) -> &[f64] {
        &self.feed_composition
    }
    /// Separation factors relative to the first element (first = 1).
    pub fn separation_factors(&self) -> &[f64] {
        &self.separation_factors
    }
    /// Where each separation factor comes from (`"scenario"` when given in the file).
    pub fn factor_sources(&self) -> &[String] {
        &self.factor_sources
    }
    /// Index of the last element of the B product.
    pub fn split_after(&self) -> usize {
        self.split_after
    }
    /// Feed phase.
    pub fn feed_phase(&self) -> FeedPhase {
        self.feed_phase
    }
    /// Extraction stages n.
    pub fn extraction_stages(&self) -> usize {
        self.extraction_stages
    }
    /// Scrub stages m.
    pub fn scrub_stages(&self) -> usize {
        self.scrub_stages
    }
    /// Extraction amount S, mol REE per mol feed (linear model: volume per feed volume).
    pub fn extraction_amount(&self) -> f64 {
        self.extraction_amount
    }
    /// Scrub amount W, mol REE per mol feed (linear model: volume per feed volume).
    pub fn scrub_amount(&self) -> f64 {
        self.scrub_amount
    }
    /// `true` when W was not given and took its default.
    pub fn scrub_amount_defaulted(&self) -> bool {
        self.scrub_amount_defaulted
    }
    /// The equilibrium model.
    pub fn model(&self) -> &Model {
        &self.model
    }
    /// The A group's share of the feed, f_A (mole fraction).
    pub fn feed_fraction_a(&self) -> f64 {
        self.feed_composition[self.split_after + 1..].iter().sum()
    }
    /// Separation factor of the key pair: first A element over last B element.
    pub fn key_beta(&self) -> f64 {
        self.separation_factors[self.split_after + 1] / self.separation_factors[self.split_after]
    }
}

fn parse_elements(symbols: &[String]) -> Result<Vec<Element>, ChemError> {
    if !(2..=MAX_COMPONENTS).contains(&symbols.len()) {
        return Err(ChemError::field(
            "elements",
            format!(
                "{} elements given; allowed 2..={MAX_COMPONENTS}",
                symbols.len()
            ),
        ));
    }
    let mut out: Vec<Element> = Vec::with_capacity(symbols.len());
    for (i, s) in symbols.iter().enumerate() {
        let e: Element = s.parse().map_err(|_| ChemError::UnknownElement {
            field: format!("elements[{i}]"),
            value: s.clone(),
        })?;
        if out.contains(&e) {
            return Err(ChemError::field("elements", format!("{e} appears twice")));
        }
        out.push(e);
    }
    Ok(out)
}

fn check_feed(z: &[f64], len: usize) -> Result<Vec<f64>, ChemError> {
    if z.len() != len {
        return Err(ChemError::field(
            "feed_composition",
            format!(
                "{} values for {len} elements; give one per element",
                z.len()
            ),
        ));
    }
    for (i, &v) in z.iter().enumerate() {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(ChemError::field(
                format!("feed_composition[{i}]"),
                format!("{v} must be a mole fraction in [0, 1]"),
            ));
        }
    }
    let sum: f64 = z.iter().sum();
    if (sum - 1.0).abs() > FEED_SUM_TOLERANCE {
        return Err(ChemError::field(
            "feed_composition",
            format!("sums to {sum}; must sum to 1 within {FEED_SUM_TOLERANCE:e}"),
        ));
    }
    Ok(z.iter().map(|v| v / sum).collect())
}

fn resolve_factors(
    input: &SeparationInput,
    elements: &[Element],
) -> Result<(Vec<f64>, Vec<String>), ChemError> {
    match (&input.separation_factors, &input.extractant) {
        (Some(_), Some(_)) => Err(ChemError::field(
            "separation_factors",
            "give either separation_factors or extractant, not both",
        )),
        (None, None) if input.model == ModelKind::Linear => {
            let n = elements.len();
            Ok((vec![1.0; n], vec!["not used by the linear model".into(); n]))
        }
        (None, None) => Err(ChemError::field(
            "separation_factors",
            "missing: give separation_factors (relative to the first element) or extractant",
        )),
        (Some(f), None) => check_factors(f, elements.len()),
        (None, Some(name)) => {
            let ex: Extractant = name.parse()?;
            let f = ex.separation_factors(elements)?;
            let sources = f.iter().map(source_line).collect();
            Ok((f.iter().map(|s| s.value).collect(), sources))
        }
    }
}

fn source_line(s: &Sourced) -> String {
    format!("{} ({})", s.source, s.confidence.code())
}

fn check_factors(f: &[f64], len: usize) -> Result<(Vec<f64>, Vec<String>), ChemError> {
    if f.len() != len {
        return Err(ChemError::field(
            "separation_factors",
            format!(
                "{} values for {len} elements; give one per element",
                f.len()
            ),
        ));
    }
    if (f[0] - 1.0).abs() > 1e-9 {
        return Err(ChemError::field(
            "separation_factors[0]",
            format!(
                "{} must be 1 (factors are relative to the first element)",
                f[0]
            ),
        ));
    }
    for i in 1..len {
        if !(f[i].is_finite() && f[i] > f[i - 1] && f[i] <= MAX_SEPARATION_FACTOR) {
            return Err(ChemError::field(
                format!("separation_factors[{i}]"),
                format!(
                    "{} is outside the allowed range ({}, {MAX_SEPARATION_FACTOR:e}] (elements \
                     are least extracted first; factors are relative to the first element)",
                    crate::shown::shown(f[i]),
                    crate::shown::shown(f[i - 1])
                ),
            ));
        }
    }
    Ok((f.to_vec(), vec!["scenario".into(); len]))
}

fn parse_split(symbol: &str, elements: &[Element]) -> Result<usize, ChemError> {
    let e: Element = symbol.parse().map_err(|_| ChemError::UnknownElement {
        field: "split_after".into(),
        value: symbol.into(),
    })?;
    match elements.iter().position(|&x| x == e) {
        Some(i) if i + 1 < elements.len() => Ok(i),
        _ => Err(ChemError::field(
            "split_after",
            format!(
                "{e} must be one of the elements other than the last ({})",
                elements[..elements.len() - 1]
                    .iter()
                    .map(|e| e.symbol())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn check_stages(input: &SeparationInput) -> Result<(usize, usize), ChemError> {
    check_stage_pair(
        input.extraction_stages,
        input.scrub_stages,
        input.feed_phase,
    )?;
    Ok((input.extraction_stages, input.scrub_stages))
}

fn check_stage_pair(n: usize, m: usize, phase: FeedPhase) -> Result<(), ChemError> {
    if !(1..=MAX_STAGES).contains(&n) {
        return Err(ChemError::field(
            "extraction_stages",
            format!("{n} is outside the allowed range 1..={MAX_STAGES}"),
        ));
    }
    let low = usize::from(phase == FeedPhase::Organic);
    if !(low..=MAX_STAGES).contains(&m) {
        return Err(ChemError::field(
            "scrub_stages",
            format!(
                "{m} is outside the allowed range {low}..={MAX_STAGES} for {} feed",
                phase.name()
            ),
        ));
    }
    Ok(())
}

fn check_model(input: &SeparationInput, len: usize) -> Result<Model, ChemError> {
    match input.model {
        ModelKind::Loaded => {
            for key in [
                ("distribution_ratios", input.distribution_ratios.is_some()),
                ("phase_ratio", input.phase_ratio.is_some()),
            ] {
                if key.1 {
                    return Err(ChemError::field(key.0, "only used with model = \"linear\""));
                }
            }
            Ok(Model::Loaded)
        }
        ModelKind::Linear => linear_model(input, len),
    }
}

fn linear_model(input: &SeparationInput, len: usize) -> Result<Model, ChemError> {
    let Some(d) = &input.distribution_ratios else {
        return Err(ChemError::field(
            "distribution_ratios",
            "missing: required by model = \"linear\"",
        ));
    };
    if d.len() != len {
        return Err(ChemError::field(
            "distribution_ratios",
            format!(
                "{} values for {len} elements; give one per element",
                d.len()
            ),
        ));
    }
    if let Some(i) = d.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(ChemError::field(
            format!("distribution_ratios[{i}]"),
            format!("{} must be a finite number > 0", d[i]),
        ));
    }
    let Some(r) = input.phase_ratio else {
        return Err(ChemError::field(
            "phase_ratio",
            "missing: required by model = \"linear\"",
        ));
    };
    if !(r.is_finite() && r > 0.0) {
        return Err(ChemError::field(
            "phase_ratio",
            format!("{r} must be a finite number > 0 (O/A)"),
        ));
    }
    Ok(Model::Linear {
        distribution_ratios: d.clone(),
        phase_ratio: r,
    })
}

/// Resolves W: given, or the documented default (see [`SeparationSpec::from_input`]).
fn resolve_scrub(
    input: &SeparationInput,
    model: &Model,
    f_a: f64,
) -> Result<(f64, bool), ChemError> {
    let s = input.extraction_amount;
    let phase = input.feed_phase;
    let derived = match model {
        Model::Loaded => theory::scrub_amount_for(phase, s, f_a),
        Model::Linear { phase_ratio, .. } => match phase {
            FeedPhase::Aqueous => s / phase_ratio - 1.0,
            FeedPhase::Organic => s / phase_ratio,
        },
    };
    match (input.scrub_amount, model) {
        (Some(w), Model::Linear { .. }) if (w - derived).abs() > 1e-9 * derived.abs().max(1.0) => {
            Err(ChemError::field(
                "scrub_amount",
                format!(
                    "{w} disagrees with extraction_amount {s} and phase_ratio: the linear model \
                     needs W = {derived} (omit scrub_amount to use it)"
                ),
            ))
        }
        (Some(w), _) => Ok((w, false)),
        (None, _) => Ok((derived, true)),
    }
}
