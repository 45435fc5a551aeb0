//! Dynamic equilibrium-stage model of the counter-current cascade: start-up and restart
//! transients, the time until each product is back on-spec, and the in-circuit inventory.
//!
//! # Model
//! The cascade, flows and equilibrium law are those of the steady-state solver
//! ([`SeparationSpec::solve`]): stages 1..N (N = n + m), fresh organic into stage 1, scrub
//! liquor (REE-free) into stage N, feed into stage n (aqueous) or n + 1 (organic), the A product
//! leaving stage N in the organic and the B product leaving stage 1 in the aqueous. Each stage
//! is a well-mixed mixer-settler whose two phases leave at equilibrium (loaded model:
//! y_i = beta_i x_i / sum_k beta_k x_k on mole fractions; linear model: y_i = D_i x_i on
//! concentrations relative to the feed). A stage holds each phase for the stage residence
//! time tau, so its holdup of element i is
//!
//! H_ji = tau (A_j x_ji + O_j y_ji),
//!
//! with A_j, O_j the aqueous and organic flows leaving stage j (loaded model: REE flows, mol per
//! mol fed, constant per section as in the steady model, so each stage's total REE holdup is
//! constant and only its composition moves; linear model: phase volumes per feed volume).
//! The balances are
//!
//! dH_ji/dt = O_{j-1} y_{j-1,i} + A_{j+1} x_{j+1,i} + F_ji - O_j y_ji - A_j x_ji,
//!
//! whose steady state is exactly the steady solver's. Time t is in units of tau (hours =
//! t x [`DynamicOptions::residence_h`]); amounts are per unit feed rate: holdups in mol per
//! (mol fed per tau), inventories reported in hours of feed (mol in circuit per mol/h fed).
//!
//! # Starts
//! * [`Start::Feed`], the naive start-up: every stage's aqueous phase has the feed composition
//!   (linear model: the feed concentration) and its organic is in equilibrium with it; then
//!   feed, organic and scrub flow at their design rates.
//! * [`Start::AfterStop`], the restart after a stop of given length from the steady state.
//!   During the stop every pump and mixer stands still (feed held in the feed tank, no organic,
//!   scrub or product flow), so no stage exchanges anything through the designed flows; but the
//!   aqueous phase of neighbouring mixer-settlers stays hydraulically connected through the open
//!   interstage ports, and concentration (density) differences drive an exchange between them.
//!   That is modelled as an equal, counter-directed exchange flow between the aqueous phases of
//!   stages j and j+1 of [`DynamicOptions::stop_exchange`] x the running aqueous flow between
//!   them (REE-equimolar, phases at equilibrium within each stage). It smears the composition
//!   profile along the bank: a short stop barely moves it, a very long stop approaches a
//!   well-mixed bank (the naive start). The exchange fraction is an ASSUMPTION (no public data);
//!   0 gives the ideal stop, which freezes the profile and restarts on-spec at once.
//! * [`Start::State`], any given aqueous state.
//!
//! # On-spec
//! A product is on-spec from the last time its instantaneous purity (mole basis, the product
//! stream leaving the cascade) rises through its [`Target`] threshold; by default the impurity
//! must be within 1 % of the steady-state impurity, 1 - P <= 1.01 (1 - P_ss).
//!
//! # Integrator
//! Implicit Euler in conservation form, H(x_{k+1}) - H(x_k) = h R(x_{k+1}), solved by Newton's
//! method with the block-tridiagonal Jacobian (C x C blocks, block Thomas, O(N C^3)), with step
//! doubling: one step of h and two of h/2 give the local error estimate, and the extrapolated
//! holdups 2 H(two halves) - H(one step) (second order, L-stable) are mapped back to the stage
//! state by the exact per-stage equilibrium inversion. Every update is a combination of balance
//! steps, so the discrete mass balance (inventory change = fed - products) closes to the Newton
//! tolerance. All buffers are allocated once per run, none per step.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

mod cascade;
mod newton;
mod restart;
mod run;

pub use restart::{RestartPoint, stop_grid};

use super::{CascadeSolution, ChemError, SeparationSpec};
use cascade::Cascade;
use run::Run;

/// Default stage residence time tau, hours (both phases).
pub const DEFAULT_RESIDENCE_H: f64 = 0.4;
/// Default on-spec tolerance: impurity within this fraction of the steady-state impurity.
pub const DEFAULT_IMPURITY_TOLERANCE: f64 = 0.01;
/// Default aqueous exchange between neighbouring stages during a stop, as a fraction of the
/// running aqueous flow between them (ASSUMPTION, no public data).
pub const DEFAULT_STOP_EXCHANGE: f64 = 0.1;

/// When a product counts as on-spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Impurity (1 - purity, mole basis) at most (1 + tolerance) x the steady-state impurity.
    SteadyImpurity(f64),
    /// Purity (mole fraction of the product's group) at least this value.
    Purity(f64),
}

impl Target {
    /// The purity threshold (mole fraction) given the steady-state purity `steady`.
    pub fn threshold(self, steady: f64) -> f64 {
        match self {
            Target::SteadyImpurity(tol) => 1.0 - (1.0 - steady) * (1.0 + tol),
            Target::Purity(p) => p,
        }
    }
}

/// Settings of a dynamic run.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicOptions {
    /// Stage residence time tau, hours (both phases), > 0. Only converts tau to hours.
    pub residence_h: f64,
    /// On-spec rule of the A product (organic, stage N).
    pub target_a: Target,
    /// On-spec rule of the B product (raffinate, stage 1).
    pub target_b: Target,
    /// Aqueous exchange between neighbouring stages during a stop, fraction of the running
    /// aqueous flow between them (per tau), >= 0. See the module docs.
    pub stop_exchange: f64,
    /// Relative local error tolerance per step on the stage holdups (default 1e-5: on-spec
    /// times within ~0.03 % of a 100x tighter run).
    pub rtol: f64,
    /// Longest integration after the (re)start, in tau.
    pub max_time: f64,
    /// The run ends when every stage balance's rate is below this, mol per mol fed per tau.
    pub settle_rate: f64,
    /// Most accepted plus rejected steps.
    pub max_steps: usize,
    /// `true`: integrate until the stage rates are below `settle_rate` (the steady state).
    /// `false`: stop once both products have stayed on-spec and converging (each within a
    /// tenth of its on-spec margin of the steady purity, or moving toward it) from some time
    /// t0 until 2 t0 + 10 tau. A heuristic (the slow modes could in principle still carry a
    /// product off-spec later), much cheaper for repeated restart calls; the tests check it
    /// against full runs.
    pub until_steady: bool,
}

impl Default for DynamicOptions {
    fn default() -> Self {
        DynamicOptions {
            residence_h: DEFAULT_RESIDENCE_H,
            target_a: Target::SteadyImpurity(DEFAULT_IMPURITY_TOLERANCE),
            target_b: Target::SteadyImpurity(DEFAULT_IMPURITY_TOLERANCE),
            stop_exchange: DEFAULT_STOP_EXCHANGE,
            rtol: 1e-5,
            max_time: 1e9,
            settle_rate: 1e-11,
            max_steps: 1_000_000,
            until_steady: true,
        }
    }
}

/// The initial state of a dynamic run.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// Naive start-up: aqueous at the feed composition in every stage, organic in equilibrium.
    Feed,
    /// Restart from the steady state after a stop of `hours` (see the module docs).
    AfterStop {
        /// Length of the stop, hours (>= 0).
        hours: f64,
    },
    /// A given aqueous state, stage-major (N x C): mole fractions (loaded model, each stage
    /// summing to 1) or concentrations relative to the feed (linear model).
    State(Vec<f64>),
}

/// The cascade at one instant of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Time since the (re)start, tau.
    pub t: f64,
    /// Time since the (re)start, hours.
    pub t_h: f64,
    /// Purity of the A product stream (A group's mole fraction in the organic leaving stage N).
    pub purity_a: f64,
    /// Purity of the B product stream (B group's mole fraction in the aqueous leaving stage 1).
    pub purity_b: f64,
    /// A product flow, mol per mol fed.
    pub flow_a: f64,
    /// B product flow, mol per mol fed.
    pub flow_b: f64,
    /// A product that left since the (re)start, mol per mol fed per tau (the integral of
    /// `flow_a` over time in tau), as the integrator's balance steps move it: exactly the sum
    /// of the steps' outflows in [`Transient::out_a`], so it closes the mass balance.
    pub out_a: f64,
    /// Of `out_a`, the B-group elements (the A product's impurity), same unit.
    pub impurity_out_a: f64,
    /// B product that left since the (re)start, same unit (integral of `flow_b`).
    pub out_b: f64,
    /// Of `out_b`, the A-group elements (the B product's impurity), same unit.
    pub impurity_out_b: f64,
    /// REE in the circuit, hours of feed (mol per mol/h fed).
    pub inventory_h: f64,
    /// REO in the circuit, hours of feed on the REO mass basis (t per t REO/h fed).
    pub inventory_reo_h: f64,
    /// Largest difference of any stage's aqueous mole fraction from the steady profile.
    pub deviation: f64,
}

/// Result of a dynamic run.
#[derive(Debug, Clone, PartialEq)]
pub struct Transient {
    /// Stage residence time used, hours.
    pub residence_h: f64,
    /// Length of the stop before the restart, hours (0 for other starts).
    pub stop_h: f64,
    /// Trajectory from the (re)start, one sample per accepted step (plain data for plots).
    pub samples: Vec<Sample>,
    /// Steady-state purities (A, B) from the steady solver, mole basis.
    pub steady_purity: (f64, f64),
    /// On-spec purity thresholds (A, B), mole basis.
    pub threshold: (f64, f64),
    /// Time from the (re)start until the A product is on-spec for good, tau (`None`: not
    /// within the run).
    pub on_spec_a: Option<f64>,
    /// Same for the B product, tau.
    pub on_spec_b: Option<f64>,
    /// `true` when the run ended at steady state (rates below `settle_rate`).
    pub settled: bool,
    /// Final aqueous state, stage-major (N x C), as [`Start::State`].
    pub state: Vec<f64>,
    /// Each element's holdup at the restart and at the end, mol per mol fed per tau.
    pub holdup: (Vec<f64>, Vec<f64>),
    /// Each element fed, to the A product and to the B product since the restart, mol per mol
    /// fed per tau (same unit as `holdup`).
    pub fed: Vec<f64>,
    /// Each element leaving in the A product since the restart.
    pub out_a: Vec<f64>,
    /// Each element leaving in the B product since the restart.
    pub out_b: Vec<f64>,
    /// Accepted steps, rejected steps and Newton iterations (all phases).
    pub steps: (usize, usize, usize),
}

impl Transient {
    /// Hours until the A product is on-spec.
    pub fn on_spec_a_h(&self) -> Option<f64> {
        self.on_spec_a.map(|t| t * self.residence_h)
    }
    /// Hours until the B product is on-spec.
    pub fn on_spec_b_h(&self) -> Option<f64> {
        self.on_spec_b.map(|t| t * self.residence_h)
    }
    /// Hours until both products are on-spec: the circuit's restart off-spec duration.
    pub fn on_spec_h(&self) -> Option<f64> {
        Some(self.on_spec_a_h()?.max(self.on_spec_b_h()?))
    }
    /// Largest per-element mass balance error over the run, holdup change minus (fed - out),
    /// relative to the total fed (or to the initial holdup when nothing was fed).
    pub fn mass_balance_error(&self) -> f64 {
        let scale = self
            .fed
            .iter()
            .sum::<f64>()
            .max(self.holdup.0.iter().sum::<f64>());
        (0..self.fed.len())
            .map(|i| {
                let change = self.holdup.1[i] - self.holdup.0[i];
                (change - (self.fed[i] - self.out_a[i] - self.out_b[i])).abs()
            })
            .fold(0.0, f64::max)
            / scale
    }
}

/// The dynamic model of one circuit: its cascade, steady state and options.
#[derive(Debug, Clone)]
pub struct DynamicModel {
    cascade: Cascade,
    steady: Vec<f64>,
    steady_purity: (f64, f64),
    opts: DynamicOptions,
}

impl DynamicModel {
    /// Builds the model of `spec`, whose steady state `steady` was solved from the same spec
    /// (it gives the restart profile, the steady purities and the deviation reference).
    pub fn new(
        spec: &SeparationSpec,
        steady: &CascadeSolution,
        opts: DynamicOptions,
    ) -> Result<Self, ChemError> {
        check_options(&opts)?;
        let cascade = Cascade::new(spec);
        if steady.stages.len() != cascade.len() || steady.elements.len() != cascade.c {
            return Err(ChemError::field(
                "steady",
                "the steady solution was not solved from this separation",
            ));
        }
        let steady_x = cascade.state_from_solution(steady);
        Ok(DynamicModel {
            cascade,
            steady: steady_x,
            steady_purity: (steady.purity_a, steady.purity_b),
            opts,
        })
    }

    /// Solves the steady state of `spec` and builds the model.
    pub fn from_spec(spec: &SeparationSpec, opts: DynamicOptions) -> Result<Self, ChemError> {
        let steady = spec.solve()?;
        Self::new(spec, &steady, opts)
    }

    /// The options.
    pub fn options(&self) -> &DynamicOptions {
        &self.opts
    }

    /// The steady aqueous state, stage-major (N x C), as [`Start::State`].
    pub fn steady_state(&self) -> &[f64] {
        &self.steady
    }

    /// Start-up from a cascade filled with feed-composition liquor.
    pub fn start_up(&self) -> Result<Transient, ChemError> {
        self.run(&Start::Feed)
    }

    /// Restart after a stop of `stop_h` hours from the steady state.
    pub fn after_stop(&self, stop_h: f64) -> Result<Transient, ChemError> {
        self.run(&Start::AfterStop { hours: stop_h })
    }

    /// Integrates from `start` until the cascade settles (or `max_time`).
    pub fn run(&self, start: &Start) -> Result<Transient, ChemError> {
        let (x0, stop_h) = self.initial_state(start)?;
        let mut run = Run::new(self, x0);
        if stop_h > 0.0 && self.opts.stop_exchange > 0.0 {
            run.stop_phase(stop_h / self.opts.residence_h)?;
        }
        run.running_phase()?;
        Ok(run.finish(stop_h))
    }

    fn initial_state(&self, start: &Start) -> Result<(Vec<f64>, f64), ChemError> {
        let cas = &self.cascade;
        match start {
            Start::Feed => Ok((cas.feed.repeat(cas.len()), 0.0)),
            Start::AfterStop { hours } if hours.is_finite() && *hours >= 0.0 => {
                Ok((self.steady.clone(), *hours))
            }
            Start::AfterStop { hours } => Err(ChemError::field(
                "stop",
                format!("{hours} must be a finite number of hours >= 0"),
            )),
            Start::State(x) if x.len() == self.steady.len() && x.iter().all(|v| v.is_finite()) => {
                Ok((x.clone(), 0.0))
            }
            Start::State(x) => Err(ChemError::field(
                "state",
                format!(
                    "{} finite values expected (stages x elements), {} given",
                    self.steady.len(),
                    x.len()
                ),
            )),
        }
    }
}

fn check_options(o: &DynamicOptions) -> Result<(), ChemError> {
    let bad = |field: &str, v: f64, range: &str| {
        Err(ChemError::field(field, format!("{v} must be {range}")))
    };
    if !(o.residence_h.is_finite() && o.residence_h > 0.0) {
        return bad("residence", o.residence_h, "a finite number of hours > 0");
    }
    if !(o.stop_exchange.is_finite() && o.stop_exchange >= 0.0) {
        return bad("stop_exchange", o.stop_exchange, "a finite fraction >= 0");
    }
    if !(o.rtol > 0.0 && o.rtol <= 1e-2) {
        return bad("rtol", o.rtol, "in (0, 1e-2]");
    }
    for (name, t) in [("target_a", o.target_a), ("target_b", o.target_b)] {
        let problem = match t {
            Target::SteadyImpurity(v) if !(v.is_finite() && v >= 0.0) => {
                Some(format!("impurity tolerance {v} must be finite and >= 0"))
            }
            Target::Purity(p) if !(p > 0.0 && p < 1.0) => {
                Some(format!("purity {p} must be in (0, 1)"))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(ChemError::field(name, problem));
        }
    }
    Ok(())
}
