//! Solving a [`SeparationSpec`]: feasibility checks, dispatch to the model's solver, and the
//! [`CascadeSolution`].

use super::solution::{CascadeSolution, Section, StageProfile};
use super::stages::{Flows, Profile};
use super::{ChemError, Model, SeparationSpec, linear, loaded, theory};

/// Tolerance on the mass balance, mol per mol feed (relative to the feed).
pub const MASS_BALANCE_TOLERANCE: f64 = 1e-9;

/// How hard the solver tries and what it rejects.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOptions {
    /// Iterations of the nonlinear solver before giving up (default 2000).
    pub max_iterations: usize,
    /// Largest accepted mass balance error, mol per mol feed (default 1e-9).
    pub tolerance: f64,
    /// Reject S at or below the (Underwood) minimum for a sharp split with
    /// [`ChemError::BelowMinimum`] instead of solving it (default `false`: the cascade is
    /// solved and the solution carries a warning, since such a cascade still runs, only with
    /// limited purities).
    pub reject_below_minimum: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            max_iterations: 2000,
            tolerance: MASS_BALANCE_TOLERANCE,
            reject_below_minimum: false,
        }
    }
}

impl SeparationSpec {
    /// Solves the steady state with default [`SolveOptions`].
    pub fn solve(&self) -> Result<CascadeSolution, ChemError> {
        self.solve_with(&SolveOptions::default())
    }

    /// Solves the steady state.
    ///
    /// Loaded model errors: [`ChemError::ExtractionInfeasible`] when beta*E_M <= 1,
    /// [`ChemError::ScrubInfeasible`] when E'_M >= beta (beta: the key element's separation
    /// factor over the product end's mean extractability, i.e. the key pair's for a binary),
    /// [`ChemError::BelowMinimum`] if asked, [`ChemError::NoConvergence`] when the mass
    /// balance does not close to `opts.tolerance`.
    pub fn solve_with(&self, opts: &SolveOptions) -> Result<CascadeSolution, ChemError> {
        let (n, m) = (self.extraction_stages, self.scrub_stages);
        let (s, w) = (self.extraction_amount, self.scrub_amount);
        let mut warnings = Vec::new();
        let (profile, s_min) = match &self.model {
            Model::Loaded => {
                self.check_feasible()?;
                let s_min = self.min_extraction_amount()?;
                if s <= s_min {
                    let below = ChemError::BelowMinimum {
                        field: "extraction_amount".into(),
                        s,
                        s_min,
                    };
                    if opts.reject_below_minimum {
                        return Err(below);
                    }
                    warnings.push(below.to_string());
                }
                let flows = Flows::loaded(self.feed_phase, n, m, s, w);
                let p = loaded::solve(
                    &self.separation_factors,
                    &self.feed_composition,
                    self.split_after,
                    &flows,
                    opts,
                )?;
                (p, Some(s_min))
            }
            Model::Linear {
                distribution_ratios,
                ..
            } => {
                let flows = Flows::linear(self.feed_phase, n, m, s, w);
                (
                    linear::solve(distribution_ratios, &self.feed_composition, &flows)?,
                    None,
                )
            }
        };
        if self.scrub_amount_defaulted {
            warnings.push(format!(
                "scrub_amount not given; used W = {w:.6} ({})",
                self.default_rule()
            ));
        }
        Ok(self.solution(profile, s_min, warnings))
    }

    fn default_rule(&self) -> &'static str {
        match self.model {
            Model::Loaded => "so that the A product takes the A group's share of the feed",
            Model::Linear { .. } => "from extraction_amount and phase_ratio",
        }
    }

    /// Effective separation factors at the two product ends for a sharp split:
    /// (heavy key over the raffinate's mean beta, A product's aqueous mean beta over the light
    /// key). For a binary both equal the key pair's beta.
    pub fn effective_betas(&self) -> (f64, f64) {
        let (b, z, k) = (
            &self.separation_factors,
            &self.feed_composition,
            self.split_after,
        );
        let lk = (0..=k).rev().find(|&i| z[i] > 0.0).unwrap_or(k);
        let hk = (k + 1..z.len()).find(|&i| z[i] > 0.0).unwrap_or(k + 1);
        let wb: f64 = z[..=k].iter().sum();
        let mean_b = z[..=k]
            .iter()
            .zip(b.iter())
            .map(|(zi, bi)| zi * bi)
            .sum::<f64>()
            / wb;
        let wa: f64 = z[k + 1..].iter().sum();
        let harmonic_a = wa
            / z[k + 1..]
                .iter()
                .zip(&b[k + 1..])
                .map(|(zi, bi)| zi / bi)
                .sum::<f64>();
        (b[hk] / mean_b, harmonic_a / b[lk])
    }

    /// Mixed extraction ratios (E_M, E'_M) of the two sections (organic/aqueous REE flow).
    pub fn extraction_ratios(&self) -> (f64, f64) {
        theory::extraction_ratios(self.feed_phase, self.extraction_amount, self.scrub_amount)
    }

    fn check_feasible(&self) -> Result<(), ChemError> {
        let (e_m, e_ms) = self.extraction_ratios();
        let (beta_ext, beta_scrub) = self.effective_betas();
        if beta_ext * e_m <= 1.0 {
            return Err(ChemError::ExtractionInfeasible {
                beta: beta_ext,
                e_m,
            });
        }
        if self.scrub_stages > 0 && e_ms >= beta_scrub {
            return Err(ChemError::ScrubInfeasible {
                beta: beta_scrub,
                e_m_scrub: e_ms,
            });
        }
        Ok(())
    }

    /// Minimum extraction amount S for a sharp split at this split point, by Underwood's
    /// method (equal to the binary closed form for two elements), mol REE per mol feed.
    pub fn min_extraction_amount(&self) -> Result<f64, ChemError> {
        theory::underwood_min_extraction(
            self.feed_phase,
            &self.separation_factors,
            &self.feed_composition,
            self.split_after,
        )
    }

    fn solution(&self, p: Profile, s_min: Option<f64>, warnings: Vec<String>) -> CascadeSolution {
        let c = self.elements.len();
        let (purity_a, purity_b) = p.purities(self.split_after);
        let (yield_a, yield_b) = p.yields(self.split_after, &self.feed_composition);
        let stages = (0..p.aqueous_flow.len())
            .map(|j| StageProfile {
                number: j + 1,
                section: if j < self.extraction_stages {
                    Section::Extraction
                } else {
                    Section::Scrub
                },
                aqueous: p.x[j * c..(j + 1) * c].to_vec(),
                organic: p.y[j * c..(j + 1) * c].to_vec(),
                aqueous_flow: p.aqueous_flow[j],
                organic_flow: p.organic_flow[j],
            })
            .collect();
        CascadeSolution {
            elements: self.elements.clone(),
            split_after: self.split_after,
            feed_phase: self.feed_phase,
            feed_composition: self.feed_composition.clone(),
            extraction_stages: self.extraction_stages,
            scrub_stages: self.scrub_stages,
            extraction_amount: self.extraction_amount,
            scrub_amount: self.scrub_amount,
            product_fraction_a: p.product_a.iter().sum(),
            stages,
            // Fractions: the balance closes to the solver's tolerance, so a split computed as
            // product / feed can round past 1 (1.0000000000000002 with one scrub stage).
            split_to_a: p.split_to_a.iter().map(|a| a.clamp(0.0, 1.0)).collect(),
            purity_a,
            purity_b,
            yield_a,
            yield_b,
            mass_balance_error: p.mass_balance_error,
            iterations: p.iterations,
            min_extraction_amount: s_min,
            warnings,
        }
    }
}
