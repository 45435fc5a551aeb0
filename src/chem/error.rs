//! Errors of the chemistry layer: bad input (naming the field and the allowed range) and the
//! reasons a cascade cannot be solved.

/// Everything that can go wrong in `chem`. Field names are the scenario keys of
/// `[circuit.separation]` (or the `design` flags), so messages can be shown to the user as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChemError {
    /// A value is outside its allowed range, or inconsistent with another value.
    #[error("{field}: {message}")]
    InvalidField {
        /// The offending key, e.g. `feed_composition[2]` or `--purity-a`.
        field: String,
        /// The bad value and the allowed range or choices.
        message: String,
    },
    /// An element symbol is not one of the rare earths.
    #[error(
        "{field}: unknown element `{value}`; expected one of {}",
        super::elements::all_symbols()
    )]
    UnknownElement {
        /// The key that held the symbol.
        field: String,
        /// The symbol as given.
        value: String,
    },
    /// The built-in extractant table has no separation factor for this element.
    #[error(
        "extractant: {extractant} has no built-in separation factor for {element}; \
         give `separation_factors` instead"
    )]
    MissingData {
        /// Extractant name.
        extractant: String,
        /// Element symbol.
        element: String,
    },
    /// The extraction section cannot extract the heavy key out of the raffinate:
    /// beta * E_M <= 1 (beta of the heavy key over the raffinate's mean extractability).
    #[error(
        "infeasible extraction section: beta*E_M = {beta:.4} x {e_m:.4} = {:.4} <= 1; \
         the raffinate cannot be cleaned of the A group (raise extraction_amount or lower \
         scrub_amount)",
        beta * e_m
    )]
    ExtractionInfeasible {
        /// Effective separation factor of the extraction section (dimensionless).
        beta: f64,
        /// Mixed extraction ratio E_M of the extraction section (organic/aqueous REE flow).
        e_m: f64,
    },
    /// The scrub section cannot scrub the light key out of the loaded organic: E'_M >= beta.
    #[error(
        "infeasible scrub section: E'_M = {e_m_scrub:.4} >= beta = {beta:.4}; the organic \
         product cannot be cleaned of the B group (raise scrub_amount or lower extraction_amount)"
    )]
    ScrubInfeasible {
        /// Effective separation factor of the scrub section (dimensionless).
        beta: f64,
        /// Mixed extraction ratio E'_M of the scrub section (organic/aqueous REE flow).
        e_m_scrub: f64,
    },
    /// The extraction amount S is at or below the minimum for a sharp split, so no number of
    /// stages makes both products pure.
    #[error(
        "{field} {s:.4} is at or below the minimum {s_min:.4} mol REE per mol feed for a sharp \
         split: no number of stages makes both products pure"
    )]
    BelowMinimum {
        /// The key or flag that set S.
        field: String,
        /// Extraction amount S, mol REE in the organic per mol feed.
        s: f64,
        /// Minimum extraction amount, same unit.
        s_min: f64,
    },
    /// The nonlinear solver did not close the mass balance.
    #[error(
        "cascade solver did not converge in {iterations} iterations (mass balance error \
         {residual:.3e} mol per mol feed, tolerance {tolerance:.1e})"
    )]
    NoConvergence {
        /// Iterations done.
        iterations: usize,
        /// Mass balance error reached, mol per mol feed.
        residual: f64,
        /// Tolerance asked for, mol per mol feed.
        tolerance: f64,
    },
    /// The design search reached its stage limit without meeting the target purities.
    #[error(
        "no design with at most {limit} stages per section reaches purity_a {purity_a} and \
         purity_b {purity_b}; raise extraction_amount"
    )]
    DesignUnreachable {
        /// Stage limit per section.
        limit: usize,
        /// Target A-product purity (mole fraction).
        purity_a: f64,
        /// Target B-product purity (mole fraction).
        purity_b: f64,
    },
    /// A computation produced a non-finite number (a bug or an extreme input).
    #[error("numerical failure: {0}")]
    Numerical(String),
}

impl ChemError {
    /// `true` when the user's input is at fault (exit code 2), `false` for solver failures.
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            ChemError::NoConvergence { .. } | ChemError::Numerical(_)
        )
    }

    /// Shorthand for [`ChemError::InvalidField`].
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ChemError::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<ChemError> for crate::Error {
    fn from(e: ChemError) -> Self {
        if e.is_input_error() {
            crate::Error::Input(e.to_string())
        } else {
            crate::Error::Internal(e.to_string())
        }
    }
}
