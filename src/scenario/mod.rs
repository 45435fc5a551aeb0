//! Scenario files: TOML parsed once into a validated [`Scenario`] that owns every check.
//!
//! Errors name the file, the field path, the line and column, the bad value and what is
//! allowed; unknown keys get a "did you mean". Variants and sweep points are the base file with
//! dotted-path overrides applied, validated the same way.

mod economics;
mod error;
pub mod flowsheet;
mod locate;
mod overrides;
pub mod price;
pub mod uncertainty;
pub use overrides::{Override, SweepAxis, Variant};
pub use uncertainty::{InputDist, UncertainInput};
mod raw;
pub mod schema;
mod units;
mod unknown;
mod validate;

pub use error::{FieldPath, ScenarioError, ScenarioErrors, Segment};
pub use units::{Amount, Duration, Rate};

use std::path::Path;

/// Where the statistics window starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Warmup {
    /// A fixed time, hours.
    Fixed(f64),
    /// Chosen per run by MSER-5 on the output series.
    Auto,
}

/// The feed source as the scenario describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// Feed rate, t REO/h.
    pub rate: f64,
    /// REO mass fractions by element symbol, if given.
    pub composition: Option<Vec<(String, f64)>>,
    /// Feed tank capacity, t REO; `None` unbounded.
    pub tank_capacity: Option<f64>,
    /// Held back or lost when the tank is full.
    pub when_full: crate::flow::WhenFull,
    /// Upstream outages.
    pub outage: Option<crate::flow::OutageSpec>,
}

/// How a circuit's off-spec transient after a restart is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Restart {
    /// From the cascade dynamics, judged against the products' specs.
    Dynamic,
    /// Liquor leaving within this many hours of a restart is diverted as off-spec.
    Fixed(f64),
    /// No transient.
    None,
}

/// Who repairs a circuit, as the scenario says.
#[derive(Debug, Clone, PartialEq)]
pub enum CrewChoice {
    /// Its own crews (`None`: one per failure).
    Own(Option<u32>),
    /// A `[[crew_pool]]` by index.
    Pool(usize),
}

/// One circuit as the scenario describes it.
#[derive(Debug, Clone)]
pub struct Circuit {
    /// Name.
    pub name: String,
    /// Installed trains.
    pub trains: u32,
    /// Design feed per train, t REO/h; `None`: the feed reaching the circuit / trains.
    pub design_rate: Option<f64>,
    /// Hydraulic maximum, multiple of design.
    pub max_rate: f64,
    /// Turndown, multiple of design.
    pub min_rate: f64,
    /// How flow is shared among trains.
    pub dispatch: crate::flow::Dispatch,
    /// Residence of each phase in one stage, hours.
    pub stage_residence_h: f64,
    /// Stages of one train (extraction + scrub + strip with a separation, else `stages`).
    pub stages: crate::flow::Sections,
    /// Who repairs.
    pub crews: CrewChoice,
    /// Restart transient.
    pub restart: Restart,
    /// Fate of off-spec liquor.
    pub off_spec: crate::flow::OffSpecPolicy,
    /// Failure modes.
    pub failures: Vec<crate::flow::FailureModeSpec>,
    /// Planned maintenance.
    pub maintenance: Vec<crate::flow::MaintenanceSpec>,
    /// The SX split, if the scenario describes it.
    pub separation: Option<crate::chem::SeparationSpec>,
    /// The contactors its stages are (for the capital cost).
    pub contactor: Contactor,
}

/// The kind of contactor a circuit's stages are built as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contactor {
    /// Gravity mixer-settlers (costed by volume).
    MixerSettler,
    /// Centrifugal contactors (costed by throughput).
    Centrifugal,
}

/// A product's sales spec (`[product.NAME]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductSale {
    /// Sink name.
    pub name: String,
    /// Minimum blended purity of a batch, mole fraction.
    pub min_purity: Option<f64>,
    /// Price per kg of on-spec product REO, in the economics currency (USD without
    /// `[economics]`).
    pub price: Option<f64>,
    /// Batch size; `None`: 24 h of design output.
    pub batch: Option<units::Amount>,
}

/// A validated scenario (the base, one variant or one sweep point).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name shown in reports (the variant name for a variant).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Simulated time per replication, hours.
    pub horizon_h: f64,
    /// Start of the statistics window.
    pub warmup: Warmup,
    /// Replications to run.
    pub replications: u32,
    /// Root seed of every random stream.
    pub seed: u64,
    /// The feed.
    pub feed: Feed,
    /// Circuits in file order.
    pub circuits: Vec<Circuit>,
    /// Sales specs by product name.
    pub products: Vec<ProductSale>,
    /// Tanks, routes, lines and shared resources.
    pub flowsheet: flowsheet::Flowsheet,
    /// Economic assumptions (`[economics]`), if given.
    pub economics: Option<crate::money::Settings>,
    /// Uncertain inputs (`[uncertainty]`), drawn per replication.
    pub uncertainty: Vec<UncertainInput>,
    /// A realisation of the uncertain inputs: a product that misses its spec at the drawn
    /// values is off-spec, not an input error.
    pub drawn: bool,
    /// The file and overrides this scenario came from, to rebuild it at drawn values.
    pub origin: Option<std::sync::Arc<Origin>>,
}

/// Where a scenario came from: its file, its name override and its overrides.
#[derive(Debug, Clone)]
pub struct Origin {
    source: ScenarioSource,
    name: Option<String>,
    overrides: Vec<Override>,
}

impl Scenario {
    /// The file the scenario was read from, when it came from one.
    pub fn file(&self) -> Option<&str> {
        self.origin.as_ref().map(|o| o.source.file())
    }

    /// The scenario with uncertain input k set to `values[k]` (in its unit): a realisation,
    /// with no uncertainty left.
    pub fn with_inputs(&self, values: &[f64]) -> crate::Result<Scenario> {
        let origin = self.origin.as_ref().ok_or_else(|| {
            crate::Error::Internal("a scenario without its source cannot be redrawn".into())
        })?;
        let mut overrides = origin.overrides.clone();
        for (input, x) in self.uncertainty.iter().zip(values) {
            overrides.push(Override {
                key: input.key.clone(),
                value: input.value(*x),
                origin: input.origin.clone(),
            });
        }
        let mut s = origin
            .source
            .build(origin.name.as_deref(), &overrides)
            .map_err(|e| {
                let drawn: Vec<String> = (self.uncertainty.iter())
                    .zip(values)
                    .map(|(i, x)| format!("{} = {x} {}", i.key, i.unit))
                    .collect();
                crate::Error::Input(format!("at the drawn values {}: {e}", drawn.join(", ")))
            })?;
        s.drawn = true;
        Ok(s)
    }

    /// The scenario at replication `replication`'s draw of every uncertain input (itself when
    /// it has none).
    pub fn drawn(&self, seed: u64, replication: u64) -> crate::Result<Scenario> {
        if self.uncertainty.is_empty() {
            return Ok(self.clone());
        }
        let values: Vec<f64> = (self.uncertainty.iter())
            .map(|i| i.draw(seed, replication))
            .collect();
        self.with_inputs(&values)
    }

    /// Each uncertain input's median.
    pub fn medians(&self) -> Vec<f64> {
        self.uncertainty.iter().map(|i| i.quantile(0.5)).collect()
    }
}

/// A scenario file read and checked for syntax and unknown keys, ready to be validated as the
/// base or with overrides (variants, sweep points).
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    file: String,
    text: String,
    table: toml::Table,
}

impl ScenarioSource {
    /// Reads and pre-checks a scenario file. A missing file is an I/O error (exit code 2).
    pub fn read(path: &Path) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| crate::Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::from_text(&path.display().to_string(), text)?)
    }

    /// Pre-checks scenario text: TOML syntax and unknown keys. `file` names it in errors.
    pub fn from_text(file: &str, text: String) -> Result<Self, ScenarioErrors> {
        let doc = toml::de::DeTable::parse(&text).map_err(|e| {
            let position = e.span().map(|s| locate::line_column(&text, s.start));
            ScenarioErrors(vec![ScenarioError {
                file: file.to_string(),
                path: FieldPath::default(),
                position,
                message: format!("invalid TOML: {}", e.message().trim()),
            }])
        })?;
        let unknown = unknown::unknown_keys(doc.get_ref());
        if !unknown.is_empty() {
            let source = Self {
                file: file.to_string(),
                text: text.clone(),
                table: toml::Table::new(),
            };
            return Err(source.errors(unknown, &[], None));
        }
        drop(doc);
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let position = e.span().map(|s| locate::line_column(&text, s.start));
            ScenarioErrors(vec![ScenarioError {
                file: file.to_string(),
                path: FieldPath::default(),
                position,
                message: format!("invalid TOML: {}", e.message().trim()),
            }])
        })?;
        Ok(Self {
            file: file.to_string(),
            text,
            table,
        })
    }

    /// The file name as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The base scenario (no overrides).
    pub fn base(&self) -> Result<Scenario, ScenarioErrors> {
        self.with_overrides(None, &[])
    }

    /// Every `[[variant]]`, validated, in file order.
    pub fn variants(&self) -> Result<Vec<Scenario>, ScenarioErrors> {
        self.variants_with(&[])
    }

    /// Every `[[variant]]` on top of `set` (overrides of the base, e.g. from `--set`).
    pub fn variants_with(&self, set: &[Override]) -> Result<Vec<Scenario>, ScenarioErrors> {
        let variants = overrides::variants(&self.table).map_err(|e| self.errors(e, &[], None))?;
        variants
            .iter()
            .map(|v| {
                let all: Vec<Override> = set.iter().chain(&v.overrides).cloned().collect();
                self.with_overrides(Some(&v.name), &all)
            })
            .collect()
    }

    /// The `[sweep]` axes: dotted key and its values, in file order.
    pub fn sweep_axes(&self) -> Result<Vec<SweepAxis>, ScenarioErrors> {
        overrides::sweep_axes(&self.table).map_err(|e| self.errors(e, &[], None))
    }

    /// The scenario with `overrides` (dotted key path, value) applied; `name` replaces its name.
    /// Every uncertain input is checked at the ends of its range.
    pub fn with_overrides(
        &self,
        name: Option<&str>,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioErrors> {
        let mut scenario = self.build(name, overrides)?;
        // A key the caller sets (a variant, --set) is fixed there: it is no longer uncertain.
        let inputs: Vec<UncertainInput> = uncertainty::inputs(&self.table)
            .map_err(|e| self.errors(e, &[], name))?
            .into_iter()
            .filter(|i| overrides.iter().all(|o| o.key != i.key))
            .collect();
        for input in &inputs {
            let (lo, hi) = (
                input.quantile(uncertainty::VALIDATED.0),
                input.quantile(uncertainty::VALIDATED.1),
            );
            for x in [lo, hi] {
                let mut all = overrides.to_vec();
                all.push(Override {
                    key: input.key.clone(),
                    value: input.value(x),
                    origin: input.origin.clone(),
                });
                self.build(name, &all)?;
            }
        }
        scenario.uncertainty = inputs;
        scenario.origin = Some(std::sync::Arc::new(Origin {
            source: self.clone(),
            name: name.map(str::to_string),
            overrides: overrides.to_vec(),
        }));
        Ok(scenario)
    }

    /// The scenario with `overrides` applied and validated.
    fn build(
        &self,
        name: Option<&str>,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioErrors> {
        let mut table = self.table.clone();
        let mut resolved = Vec::new();
        for o in overrides {
            match overrides::apply(&mut table, o) {
                Ok(path) => resolved.push((path, o.origin.clone())),
                Err(e) => return Err(self.errors(vec![(o.origin.clone(), e)], &[], name)),
            }
        }
        let raw: raw::RawScenario = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| self.errors(vec![serde_error(&e)], &resolved, name))?;
        let default_name = Path::new(&self.file)
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().to_string());
        let mut ck = validate::Checker { errors: Vec::new() };
        let mut scenario = validate::scenario(&raw, &default_name, &mut ck);
        if !ck.errors.is_empty() {
            return Err(self.errors(ck.errors, &resolved, name));
        }
        if let Some(name) = name {
            scenario.name = name.to_string();
        }
        Ok(scenario)
    }

    /// Attaches file positions to problems. A problem at a path an override set points to the
    /// override's line; `variant` names the variant or sweep point the problem arose in.
    fn errors(
        &self,
        problems: Vec<(FieldPath, String)>,
        resolved: &[(FieldPath, FieldPath)],
        variant: Option<&str>,
    ) -> ScenarioErrors {
        let context = variant.map_or(String::new(), |v| format!("in \"{v}\": "));
        let doc = toml::de::DeTable::parse(&self.text).ok();
        let errors = problems
            .into_iter()
            .map(|(path, message)| {
                let origin = resolved
                    .iter()
                    .rev()
                    .find(|(p, _)| path.0.starts_with(&p.0))
                    .map(|(_, o)| o);
                let (shown, message) = match origin {
                    Some(o) => (o.clone(), format!("{message} (override of {path})")),
                    None => (path, message),
                };
                let position = doc
                    .as_ref()
                    .and_then(|d| locate::offset_of(d.get_ref(), &shown))
                    .map(|offset| locate::line_column(&self.text, offset));
                ScenarioError {
                    file: self.file.clone(),
                    path: shown,
                    position,
                    message: format!("{context}{message}"),
                }
            })
            .collect();
        ScenarioErrors(errors)
    }
}

/// A serde error as a (path, message) problem, with the schema's allowed range appended.
fn serde_error(e: &serde_path_to_error::Error<toml::de::Error>) -> (FieldPath, String) {
    let mut path = FieldPath::default();
    for segment in e.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => path = path.index(*index),
            serde_path_to_error::Segment::Map { key } => path = path.key(key),
            serde_path_to_error::Segment::Enum { variant } => path = path.key(variant),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let mut message = e.inner().message().trim().to_string();
    if let Some(doc) = schema::find(&path.pattern()) {
        message += &format!(
            " (expected {}; allowed {})",
            doc.kind,
            if doc.range.is_empty() {
                "see the README"
            } else {
                doc.range
            }
        );
    }
    (path, message)
}
