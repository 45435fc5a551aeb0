//! Chemistry of rare-earth solvent extraction: element and extractant data, stage equilibrium,
//! the steady-state counter-current cascade solver, and design formulas.
//!
//! No notion of time, randomness, plants or scenarios lives here. Everything is per mole of
//! REE fed: flows are mol REE per mol feed, fractions are mole fractions of total REE (the REO
//! mass basis is available through [`CascadeSolution::purities_reo`] and the element data).
//!
//! Typical use:
//! ```
//! use reesim::chem::{SeparationInput, SeparationSpec, FeedPhase};
//! let input = SeparationInput {
//!     elements: vec!["Pr".into(), "Nd".into()],
//!     feed_composition: vec![0.25, 0.75],
//!     extractant: Some("P507-HCl".into()),
//!     split_after: "Pr".into(),
//!     feed_phase: FeedPhase::Aqueous,
//!     extraction_stages: 25,
//!     scrub_stages: 29,
//!     extraction_amount: 4.09,
//!     ..Default::default()
//! };
//! let solution = SeparationSpec::from_input(&input)?.solve()?;
//! assert!(solution.purity_a > 0.99 && solution.mass_balance_error <= 1e-9);
//! # Ok::<(), reesim::chem::ChemError>(())
//! ```

pub mod design;
pub mod dynamic;
pub mod elements;
mod error;
pub mod extractant;
mod linear;
mod loaded;
pub mod monotone;
mod solution;
mod solve;
mod spec;
pub mod stages;
pub mod theory;

pub use design::{Design, DesignInput, ExactDesign, design};
pub use dynamic::{DynamicModel, DynamicOptions, Sample, Start, Target, Transient};
pub use elements::Element;
pub use error::ChemError;
pub use extractant::{Confidence, Extractant, Sourced};
pub use solution::{CascadeSolution, ProductMasses, Section, StageProfile};
pub use solve::{MASS_BALANCE_TOLERANCE, SolveOptions};
pub use spec::{FeedPhase, Model, ModelKind, SeparationInput, SeparationSpec};
