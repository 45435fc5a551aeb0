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

use super::{CascadeSolution, ChemError, FeedPhase, Model, SeparationSpec, theory};

/// Default stage residence time tau, hours (both phases).
pub const DEFAULT_RESIDENCE_H: f64 = 0.4;
/// Default on-spec tolerance: impurity within this fraction of the steady-state impurity.
pub const DEFAULT_IMPURITY_TOLERANCE: f64 = 0.01;
/// Default aqueous exchange between neighbouring stages during a stop, as a fraction of the
/// running aqueous flow between them (ASSUMPTION, no public data).
pub const DEFAULT_STOP_EXCHANGE: f64 = 0.1;

/// Newton iterations per implicit step before the step is retried smaller.
const MAX_NEWTON: usize = 12;
/// Newton has converged when its update is below this fraction of the step error weight.
const NEWTON_FRACTION: f64 = 1e-3;
/// First step, in tau.
const FIRST_STEP: f64 = 1e-3;
/// Smallest step before the integration gives up, in tau.
const MIN_STEP: f64 = 1e-12;
/// Step-size controller: safety factor, largest growth and largest shrink per step.
const SAFETY: f64 = 0.9;
const MAX_GROWTH: f64 = 4.0;
const MAX_SHRINK: f64 = 0.2;
/// Early exit (`until_steady = false`): deviation below this fraction of the on-spec margin.
const EARLY_EXIT_FRACTION: f64 = 0.1;
/// Absolute error weight relative to the relative one (holdups in mol per mol fed per tau).
const ATOL_FACTOR: f64 = 1e-6;

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
    /// Relative local error tolerance per step on the stage holdups.
    pub rtol: f64,
    /// Longest integration after the (re)start, in tau.
    pub max_time: f64,
    /// The run ends when every stage balance's rate is below this, mol per mol fed per tau.
    pub settle_rate: f64,
    /// Most accepted plus rejected steps.
    pub max_steps: usize,
    /// `true`: integrate until the stage rates are below `settle_rate` (the steady state).
    /// `false`: stop as soon as both products are on-spec and every stage composition is
    /// within a tenth of the smaller on-spec margin (steady purity minus threshold) of the
    /// steady profile, from where only the slow decay toward steady state remains; much
    /// cheaper for repeated restart calls, same on-spec times in practice.
    pub until_steady: bool,
}

impl Default for DynamicOptions {
    fn default() -> Self {
        DynamicOptions {
            residence_h: DEFAULT_RESIDENCE_H,
            target_a: Target::SteadyImpurity(DEFAULT_IMPURITY_TOLERANCE),
            target_b: Target::SteadyImpurity(DEFAULT_IMPURITY_TOLERANCE),
            stop_exchange: DEFAULT_STOP_EXCHANGE,
            rtol: 1e-6,
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
        let ok = match t {
            Target::SteadyImpurity(v) => v.is_finite() && v >= 0.0,
            Target::Purity(p) => p > 0.0 && p < 1.0,
        };
        if !ok {
            return Err(ChemError::field(
                name,
                format!("{t:?}: a tolerance >= 0 or a purity in (0, 1)"),
            ));
        }
    }
    Ok(())
}

/// Equilibrium law of one stage.
#[derive(Debug, Clone)]
enum Equilibrium {
    /// Separation factors, y_i = beta_i x_i / sum beta_k x_k.
    Loaded(Vec<f64>),
    /// Distribution ratios, y_i = D_i x_i.
    Linear(Vec<f64>),
}

impl Equilibrium {
    /// Organic `y` in equilibrium with aqueous `x` (one stage).
    fn organic(&self, x: &[f64], y: &mut [f64]) {
        match self {
            Equilibrium::Loaded(b) => {
                let s: f64 = b.iter().zip(x).map(|(b, x)| b * x).sum();
                for ((y, b), x) in y.iter_mut().zip(b).zip(x) {
                    *y = b * x / s;
                }
            }
            Equilibrium::Linear(d) => {
                for ((y, d), x) in y.iter_mut().zip(d).zip(x) {
                    *y = d * x;
                }
            }
        }
    }

    /// dy/dx (C x C, row-major) at aqueous `x` with organic `y` (one stage).
    fn jacobian(&self, x: &[f64], y: &[f64], jac: &mut [f64]) {
        let c = x.len();
        jac.fill(0.0);
        match self {
            Equilibrium::Loaded(b) => {
                let s: f64 = b.iter().zip(x).map(|(b, x)| b * x).sum();
                for p in 0..c {
                    for q in 0..c {
                        jac[p * c + q] = -y[p] * b[q] / s;
                    }
                    jac[p * c + p] += b[p] / s;
                }
            }
            Equilibrium::Linear(d) => {
                for p in 0..c {
                    jac[p * c + p] = d[p];
                }
            }
        }
    }

    /// The aqueous `x` of a stage holding `hold` = a x + o y(x); `false` if no physical state
    /// holds it (a negative amount). `x` holds a guess on entry (loaded model).
    fn invert(&self, hold: &[f64], a: f64, o: f64, x: &mut [f64]) -> bool {
        if hold.iter().any(|&v| !(v >= 0.0)) {
            return false;
        }
        match self {
            Equilibrium::Linear(d) => {
                for ((x, h), d) in x.iter_mut().zip(hold).zip(d) {
                    *x = h / (a + o * d);
                }
                true
            }
            Equilibrium::Loaded(b) => {
                if hold.iter().sum::<f64>() <= o {
                    return false;
                }
                let guess: f64 = b.iter().zip(x.iter()).map(|(b, x)| b * x).sum();
                let s = loaded_sigma(b, hold, a, o, guess);
                for ((x, h), b) in x.iter_mut().zip(hold).zip(b) {
                    *x = h * s / (a * s + o * b);
                }
                s.is_finite() && s > 0.0
            }
        }
    }
}

/// Root sigma > 0 of sum_i beta_i h_i / (a sigma + o beta_i) = 1 (convex, decreasing): Newton,
/// monotone once left of the root; a step to sigma <= 0 divides sigma by 10 instead.
fn loaded_sigma(b: &[f64], hold: &[f64], a: f64, o: f64, guess: f64) -> f64 {
    let mut s = if guess.is_finite() && guess > 0.0 {
        guess
    } else {
        1.0
    };
    for _ in 0..200 {
        let (mut phi, mut dphi) = (-1.0, 0.0);
        for (b, h) in b.iter().zip(hold) {
            let den = a * s + o * b;
            phi += b * h / den;
            dphi -= a * b * h / (den * den);
        }
        if phi == 0.0 || dphi == 0.0 {
            return s;
        }
        let next = s - phi / dphi;
        let next = if next > 0.0 { next } else { 0.1 * s };
        if (next - s).abs() <= 4.0 * f64::EPSILON * next {
            return next;
        }
        s = next;
    }
    s
}

/// The hydraulics and equilibrium of the cascade (same flows as the steady solver).
#[derive(Debug, Clone)]
struct Cascade {
    /// Components (all elements of the spec).
    c: usize,
    /// Organic flow leaving stage j (loaded: REE mol per mol fed; linear: volume per feed).
    organic: Vec<f64>,
    /// Aqueous flow leaving stage j.
    aqueous: Vec<f64>,
    /// Index of the feed stage.
    feed_stage: usize,
    /// Feed composition (sum 1).
    feed: Vec<f64>,
    eq: Equilibrium,
    split_after: usize,
    /// Oxide mass per mole of each element, g REO per mol.
    oxide: Vec<f64>,
}

/// What drives the stage balances.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Design flows.
    Running,
    /// Stopped, aqueous exchange between neighbours of this fraction of the running flow.
    Stopped(f64),
}

impl Cascade {
    fn new(spec: &SeparationSpec) -> Self {
        let (n, m) = (spec.extraction_stages(), spec.scrub_stages());
        let (s, w, phase) = (
            spec.extraction_amount(),
            spec.scrub_amount(),
            spec.feed_phase(),
        );
        let (o_ext, o_scrub, a_ext, a_scrub, feed_stage) = match phase {
            FeedPhase::Aqueous => (s, s, w + 1.0, w, n - 1),
            FeedPhase::Organic => (s, s + 1.0, w, w, n),
        };
        let big_n = n + m;
        let section = |j: usize, e: f64, sc: f64| if j < n { e } else { sc };
        let mut organic: Vec<f64> = (0..big_n).map(|j| section(j, o_ext, o_scrub)).collect();
        let mut aqueous: Vec<f64> = (0..big_n).map(|j| section(j, a_ext, a_scrub)).collect();
        let eq = match spec.model() {
            Model::Loaded => {
                let fa = theory::product_fraction_from_flows(phase, s, w);
                organic[big_n - 1] = fa;
                aqueous[0] = 1.0 - fa;
                Equilibrium::Loaded(spec.separation_factors().to_vec())
            }
            Model::Linear {
                distribution_ratios,
                ..
            } => Equilibrium::Linear(distribution_ratios.clone()),
        };
        Cascade {
            c: spec.elements().len(),
            organic,
            aqueous,
            feed_stage,
            feed: spec.feed_composition().to_vec(),
            eq,
            split_after: spec.split_after(),
            oxide: spec
                .elements()
                .iter()
                .map(|e| e.oxide_mass_per_mol())
                .collect(),
        }
    }

    fn len(&self) -> usize {
        self.organic.len()
    }

    /// The aqueous state of a steady solution (fractions, or concentrations for linear).
    fn state_from_solution(&self, sol: &CascadeSolution) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.len() * self.c);
        for (j, st) in sol.stages.iter().enumerate() {
            let scale = match self.eq {
                Equilibrium::Loaded(_) => 1.0 / st.aqueous.iter().sum::<f64>(),
                Equilibrium::Linear(_) => st.aqueous_flow / self.aqueous[j],
            };
            x.extend(st.aqueous.iter().map(|v| v * scale));
        }
        x
    }

    /// Organic of every stage.
    fn organic_all(&self, x: &[f64], y: &mut [f64]) {
        let c = self.c;
        for (xs, ys) in x.chunks_exact(c).zip(y.chunks_exact_mut(c)) {
            self.eq.organic(xs, ys);
        }
    }

    /// Holdups H_j = A_j x_j + O_j y_j, mol per mol fed per tau.
    fn holdup(&self, x: &[f64], y: &[f64], hold: &mut [f64]) {
        let c = self.c;
        for j in 0..self.len() {
            for i in 0..c {
                let k = j * c + i;
                hold[k] = self.aqueous[j] * x[k] + self.organic[j] * y[k];
            }
        }
    }

    /// Coupling of stage j to stage j + 1's aqueous in the balance of j.
    fn upper(&self, mode: Mode, j: usize) -> f64 {
        match mode {
            Mode::Running => self.aqueous[j + 1],
            Mode::Stopped(eps) => eps * self.aqueous[j + 1],
        }
    }

    /// Rates dH/dt of every stage and element, mol per mol fed per tau.
    fn rates(&self, mode: Mode, x: &[f64], y: &[f64], r: &mut [f64]) {
        let (c, big_n) = (self.c, self.len());
        for j in 0..big_n {
            for i in 0..c {
                let k = j * c + i;
                r[k] = match mode {
                    Mode::Running => self.running_rate(j, i, x, y),
                    Mode::Stopped(_) => {
                        let mut v = 0.0;
                        if j + 1 < big_n {
                            v += self.upper(mode, j) * (x[k + c] - x[k]);
                        }
                        if j > 0 {
                            v += self.upper(mode, j - 1) * (x[k - c] - x[k]);
                        }
                        v
                    }
                };
            }
        }
    }

    /// In minus out of element i at stage j with the design flows.
    fn running_rate(&self, j: usize, i: usize, x: &[f64], y: &[f64]) -> f64 {
        let (c, k) = (self.c, j * self.c + i);
        let mut v = -(self.organic[j] * y[k] + self.aqueous[j] * x[k]);
        if j > 0 {
            v += self.organic[j - 1] * y[k - c];
        }
        if j + 1 < self.len() {
            v += self.aqueous[j + 1] * x[k + c];
        }
        if j == self.feed_stage {
            v += self.feed[i];
        }
        v
    }

    /// Each element's A and B product flows at state (x, y), mol per mol fed.
    fn products(&self, x: &[f64], y: &[f64], a: &mut [f64], b: &mut [f64]) {
        let (c, last) = (self.c, self.len() - 1);
        for i in 0..c {
            a[i] = self.organic[last] * y[last * c + i];
            b[i] = self.aqueous[0] * x[i];
        }
    }

    /// Purity of a product with element amounts `amounts`: the group's share.
    fn purity(&self, amounts: &[f64], group_a: bool) -> f64 {
        let k = self.split_after;
        let total: f64 = amounts.iter().sum();
        let part: f64 = if group_a {
            amounts[k + 1..].iter().sum()
        } else {
            amounts[..=k].iter().sum()
        };
        part / total
    }
}

/// Buffers of the implicit solves.
struct Newton<'a> {
    cas: &'a Cascade,
    y: Vec<f64>,
    jac: Vec<f64>,
    pinv: Vec<f64>,
    g: Vec<f64>,
    r: Vec<f64>,
    hold0: Vec<f64>,
    hold: Vec<f64>,
    blk: Vec<f64>,
    kblk: Vec<f64>,
    lblk: Vec<f64>,
    v: Vec<f64>,
    iterations: usize,
}

/// The local error weights: relative tolerance and absolute floor.
#[derive(Debug, Clone, Copy)]
struct Tol {
    rtol: f64,
    atol: f64,
}

impl Tol {
    fn weight(self, v: f64) -> f64 {
        self.atol + self.rtol * v.abs()
    }
}

impl<'a> Newton<'a> {
    fn new(cas: &'a Cascade) -> Self {
        let (c, big_n) = (cas.c, cas.len());
        let (nc, ncc, cc) = (big_n * c, big_n * c * c, c * c);
        Newton {
            cas,
            y: vec![0.0; nc],
            jac: vec![0.0; ncc],
            pinv: vec![0.0; ncc],
            g: vec![0.0; nc],
            r: vec![0.0; nc],
            hold0: vec![0.0; nc],
            hold: vec![0.0; nc],
            blk: vec![0.0; cc],
            kblk: vec![0.0; cc],
            lblk: vec![0.0; cc],
            v: vec![0.0; c],
            iterations: 0,
        }
    }

    /// One implicit Euler step of size `h` (tau) from `x`, in place; `false` if Newton fails.
    fn implicit_euler(&mut self, mode: Mode, x: &mut [f64], h: f64, tol: Tol) -> bool {
        let cas = self.cas;
        cas.organic_all(x, &mut self.y);
        cas.holdup(x, &self.y, &mut self.hold0);
        for _ in 0..MAX_NEWTON {
            self.iterations += 1;
            self.linearise(x);
            cas.holdup(x, &self.y, &mut self.hold);
            cas.rates(mode, x, &self.y, &mut self.r);
            for k in 0..x.len() {
                self.g[k] = -(self.hold[k] - self.hold0[k] - h * self.r[k]);
            }
            if !self.solve_block(mode, h) {
                return false;
            }
            let mut converged = true;
            for (xk, dk) in x.iter_mut().zip(&self.g) {
                *xk += dk;
                if !(dk.abs() <= NEWTON_FRACTION * tol.weight(*xk)) {
                    converged = false;
                }
            }
            if converged {
                return x.iter().all(|v| v.is_finite());
            }
        }
        false
    }

    /// Organic and equilibrium Jacobians of every stage at `x`.
    fn linearise(&mut self, x: &[f64]) {
        let c = self.cas.c;
        let cc = c * c;
        for j in 0..self.cas.len() {
            let (xs, ys) = (&x[j * c..(j + 1) * c], &mut self.y[j * c..(j + 1) * c]);
            self.cas.eq.organic(xs, ys);
            self.cas
                .eq
                .jacobian(xs, ys, &mut self.jac[j * cc..(j + 1) * cc]);
        }
    }

    /// Solves the step's block-tridiagonal Newton system for the right-hand side in `g`,
    /// leaving the update there (block Thomas: the upper blocks are multiples of I).
    fn solve_block(&mut self, mode: Mode, h: f64) -> bool {
        let (c, big_n) = (self.cas.c, self.cas.len());
        let cc = c * c;
        for j in 0..big_n {
            self.diagonal_block(mode, j, h);
            if j > 0 {
                self.eliminate_lower(mode, j, h);
            }
            if !invert(&mut self.blk, &mut self.pinv[j * cc..(j + 1) * cc], c) {
                return false;
            }
        }
        for j in (0..big_n).rev() {
            for i in 0..c {
                let up = if j + 1 < big_n {
                    h * self.cas.upper(mode, j) * self.g[(j + 1) * c + i]
                } else {
                    0.0
                };
                self.v[i] = self.g[j * c + i] + up;
            }
            let p = &self.pinv[j * cc..(j + 1) * cc];
            for a in 0..c {
                self.g[j * c + a] = (0..c).map(|b| p[a * c + b] * self.v[b]).sum();
            }
        }
        true
    }

    /// dG_j/dx_j = A_j I + O_j J_j - h dR_j/dx_j into `blk`.
    fn diagonal_block(&mut self, mode: Mode, j: usize, h: f64) {
        let (c, cas) = (self.cas.c, self.cas);
        let cc = c * c;
        let jac = &self.jac[j * cc..(j + 1) * cc];
        for p in 0..cc {
            self.blk[p] = cas.organic[j] * jac[p];
        }
        for p in 0..c {
            self.blk[p * c + p] += cas.aqueous[j];
        }
        match mode {
            Mode::Running => self.blk.iter_mut().for_each(|v| *v *= 1.0 + h),
            Mode::Stopped(_) => {
                let mut q = 0.0;
                if j > 0 {
                    q += cas.upper(mode, j - 1);
                }
                if j + 1 < cas.len() {
                    q += cas.upper(mode, j);
                }
                for p in 0..c {
                    self.blk[p * c + p] += h * q;
                }
            }
        }
    }

    /// Eliminates the lower block L_j = dG_j/dx_{j-1}: K = L_j P_{j-1}^{-1},
    /// P_j = D_j + h u_{j-1} K, g_j -= K g_{j-1}.
    fn eliminate_lower(&mut self, mode: Mode, j: usize, h: f64) {
        let (c, cas) = (self.cas.c, self.cas);
        let cc = c * c;
        match mode {
            Mode::Running => {
                let f = -h * cas.organic[j - 1];
                let jp = &self.jac[(j - 1) * cc..j * cc];
                for p in 0..cc {
                    self.lblk[p] = f * jp[p];
                }
            }
            Mode::Stopped(_) => {
                self.lblk.fill(0.0);
                let f = -h * cas.upper(mode, j - 1);
                for p in 0..c {
                    self.lblk[p * c + p] = f;
                }
            }
        }
        let pp = &self.pinv[(j - 1) * cc..j * cc];
        for p in 0..c {
            for q in 0..c {
                self.kblk[p * c + q] = (0..c).map(|s| self.lblk[p * c + s] * pp[s * c + q]).sum();
            }
        }
        let hu = h * cas.upper(mode, j - 1);
        for p in 0..cc {
            self.blk[p] += hu * self.kblk[p];
        }
        for p in 0..c {
            let kg: f64 = (0..c)
                .map(|q| self.kblk[p * c + q] * self.g[(j - 1) * c + q])
                .sum();
            self.g[j * c + p] -= kg;
        }
    }
}

/// Gauss-Jordan inverse with partial pivoting of the c x c matrix `m` (destroyed) into `inv`;
/// `false` when singular.
fn invert(m: &mut [f64], inv: &mut [f64], c: usize) -> bool {
    inv.fill(0.0);
    for i in 0..c {
        inv[i * c + i] = 1.0;
    }
    for col in 0..c {
        let piv = (col..c)
            .max_by(|&a, &b| m[a * c + col].abs().total_cmp(&m[b * c + col].abs()))
            .unwrap_or(col);
        let pv = m[piv * c + col];
        if !(pv.abs() > 0.0 && pv.is_finite()) {
            return false;
        }
        if piv != col {
            for q in 0..c {
                m.swap(piv * c + q, col * c + q);
                inv.swap(piv * c + q, col * c + q);
            }
        }
        let ip = 1.0 / pv;
        for q in 0..c {
            m[col * c + q] *= ip;
            inv[col * c + q] *= ip;
        }
        for row in 0..c {
            let f = m[row * c + col];
            if row != col && f != 0.0 {
                for q in 0..c {
                    m[row * c + q] -= f * m[col * c + q];
                    inv[row * c + q] -= f * inv[col * c + q];
                }
            }
        }
    }
    true
}

/// State and bookkeeping of one run.
struct Run<'a> {
    model: &'a DynamicModel,
    newton: Newton<'a>,
    tol: Tol,
    x: Vec<f64>,
    full: Vec<f64>,
    half: Vec<f64>,
    next: Vec<f64>,
    hold_start: Vec<f64>,
    hold_full: Vec<f64>,
    hold_half: Vec<f64>,
    /// Product flows per element: after the full step, the first and second half steps, and
    /// this step's increments (A then B in each pair).
    prod: [Vec<f64>; 8],
    out_a: Vec<f64>,
    out_b: Vec<f64>,
    holdup0: Vec<f64>,
    t: f64,
    samples: Vec<Sample>,
    accepted: usize,
    rejected: usize,
    settled: bool,
}

impl<'a> Run<'a> {
    fn new(model: &'a DynamicModel, x: Vec<f64>) -> Self {
        let cas = &model.cascade;
        let (nc, c) = (x.len(), cas.c);
        let scale = cas
            .aqueous
            .iter()
            .chain(&cas.organic)
            .fold(0.0, |m: f64, &v| m.max(v));
        Run {
            model,
            newton: Newton::new(cas),
            tol: Tol {
                rtol: model.opts.rtol,
                atol: ATOL_FACTOR * model.opts.rtol * scale,
            },
            full: x.clone(),
            half: x.clone(),
            next: x.clone(),
            x,
            hold_start: vec![0.0; nc],
            hold_full: vec![0.0; nc],
            hold_half: vec![0.0; nc],
            prod: std::array::from_fn(|_| vec![0.0; c]),
            out_a: vec![0.0; c],
            out_b: vec![0.0; c],
            holdup0: vec![0.0; c],
            t: 0.0,
            samples: Vec::new(),
            accepted: 0,
            rejected: 0,
            settled: false,
        }
    }

    /// Holdup of `x` into `hold` (uses the Newton organic buffer).
    fn holdup_of(newton: &mut Newton, x: &[f64], hold: &mut [f64]) {
        newton.cas.organic_all(x, &mut newton.y);
        newton.cas.holdup(x, &newton.y, hold);
    }

    /// Product flows of `x` into `prod[slot]`, `prod[slot + 1]`.
    fn products_of(&mut self, which: usize) {
        let state = if which == 0 { &self.full } else { &self.half };
        let cas = self.newton.cas;
        cas.organic_all(state, &mut self.newton.y);
        let (a, rest) = self.prod.split_at_mut(2 * which + 1);
        cas.products(state, &self.newton.y, &mut a[2 * which], &mut rest[0]);
    }

    /// One step-doubling step of `h` from `x` into `next` and the output increments in
    /// `prod[6]`, `prod[7]`; returns the error norm (<= 1 accept), `None` if a solve failed.
    fn try_step(&mut self, mode: Mode, h: f64) -> Option<f64> {
        let tol = self.tol;
        self.full.copy_from_slice(&self.x);
        self.half.copy_from_slice(&self.x);
        if !self.newton.implicit_euler(mode, &mut self.full, h, tol) {
            return None;
        }
        self.products_of(0);
        if !self
            .newton
            .implicit_euler(mode, &mut self.half, 0.5 * h, tol)
        {
            return None;
        }
        self.products_of(1);
        if !self
            .newton
            .implicit_euler(mode, &mut self.half, 0.5 * h, tol)
        {
            return None;
        }
        self.products_of(2);
        Self::holdup_of(&mut self.newton, &self.x, &mut self.hold_start);
        Self::holdup_of(&mut self.newton, &self.full, &mut self.hold_full);
        Self::holdup_of(&mut self.newton, &self.half, &mut self.hold_half);
        let mut err = 0.0f64;
        for k in 0..self.x.len() {
            let w = tol.weight(self.hold_start[k].abs().max(self.hold_half[k].abs()));
            err = err.max((self.hold_half[k] - self.hold_full[k]).abs() / w);
        }
        self.extrapolate(mode, h);
        Some(err)
    }

    /// next = the state holding 2 H(half) - H(full), or the two half steps if no physical
    /// state holds it; increments of the product outflows to match.
    fn extrapolate(&mut self, mode: Mode, h: f64) {
        let cas = self.newton.cas;
        let c = cas.c;
        let mut ok = true;
        self.next.copy_from_slice(&self.half);
        for j in 0..cas.len() {
            let r = j * c..(j + 1) * c;
            for k in r.clone() {
                self.hold_full[k] = 2.0 * self.hold_half[k] - self.hold_full[k];
            }
            ok &= cas.eq.invert(
                &self.hold_full[r.clone()],
                cas.aqueous[j],
                cas.organic[j],
                &mut self.next[r],
            );
        }
        if !ok {
            self.next.copy_from_slice(&self.half);
        }
        let running = f64::from(u8::from(mode == Mode::Running));
        for slot in 0..2 {
            for i in 0..c {
                let (f, h1, h2) = (
                    self.prod[slot][i],
                    self.prod[2 + slot][i],
                    self.prod[4 + slot][i],
                );
                let inc = if ok {
                    h * (h1 + h2 - f)
                } else {
                    0.5 * h * (h1 + h2)
                };
                self.prod[6 + slot][i] = running * inc;
            }
        }
    }

    /// Next step size after a step with error norm `err`.
    fn resize(h: f64, err: f64) -> f64 {
        let f = if err > 0.0 {
            SAFETY * err.powf(-0.5)
        } else {
            MAX_GROWTH
        };
        h * f.clamp(MAX_SHRINK, MAX_GROWTH)
    }

    /// Advances with `mode` from time `self.t` until `end` (or until settled when `None`).
    fn integrate(&mut self, mode: Mode, end: Option<f64>) -> Result<(), ChemError> {
        let opts = &self.model.opts;
        let mut h = FIRST_STEP;
        while self.accepted + self.rejected < opts.max_steps {
            if let Some(e) = end {
                if self.t >= e {
                    return Ok(());
                }
                h = h.min(e - self.t);
            } else if self.t >= opts.max_time {
                return Ok(());
            }
            // Resolution for plots and the on-spec interpolation: a step at most doubles t.
            h = h.min(self.t.abs().max(1.0));
            match self.try_step(mode, h) {
                Some(err) if err <= 1.0 => {
                    self.accept(mode, h);
                    h = Self::resize(h, err);
                    if end.is_none() && self.is_done() {
                        return Ok(());
                    }
                }
                Some(err) => {
                    self.rejected += 1;
                    h = Self::resize(h, err);
                }
                None => {
                    self.rejected += 1;
                    h *= 0.25;
                }
            }
            if h < MIN_STEP {
                return Err(ChemError::Numerical(format!(
                    "dynamic cascade: step size fell below {MIN_STEP} tau at t = {} tau",
                    self.t
                )));
            }
        }
        Ok(())
    }

    fn accept(&mut self, mode: Mode, h: f64) {
        std::mem::swap(&mut self.x, &mut self.next);
        self.t += h;
        self.accepted += 1;
        for i in 0..self.newton.cas.c {
            self.out_a[i] += self.prod[6][i];
            self.out_b[i] += self.prod[7][i];
        }
        if mode == Mode::Running {
            let s = self.sample();
            self.samples.push(s);
        }
    }

    /// Whether the running phase can end: settled, or on-spec and close (see
    /// [`DynamicOptions::until_steady`]).
    fn is_done(&mut self) -> bool {
        if self.is_settled() {
            self.settled = true;
            return true;
        }
        let (opts, s) = (&self.model.opts, self.samples.last());
        let (Some(s), false) = (s, opts.until_steady) else {
            return false;
        };
        let (pa, pb) = self.model.steady_purity;
        let (ta, tb) = (opts.target_a.threshold(pa), opts.target_b.threshold(pb));
        let margin = (pa - ta).min(pb - tb);
        s.purity_a >= ta && s.purity_b >= tb && s.deviation <= EARLY_EXIT_FRACTION * margin
    }

    fn is_settled(&mut self) -> bool {
        let cas = self.newton.cas;
        cas.organic_all(&self.x, &mut self.newton.y);
        cas.rates(Mode::Running, &self.x, &self.newton.y, &mut self.newton.r);
        self.newton
            .r
            .iter()
            .all(|r| r.abs() <= self.model.opts.settle_rate)
    }

    /// The stop: exchange-only dynamics for `length` tau, ending at t = 0.
    fn stop_phase(&mut self, length: f64) -> Result<(), ChemError> {
        self.t = -length;
        self.integrate(Mode::Stopped(self.model.opts.stop_exchange), Some(0.0))?;
        self.t = 0.0;
        Ok(())
    }

    /// Design flows from t = 0 until settled.
    fn running_phase(&mut self) -> Result<(), ChemError> {
        self.t = 0.0;
        self.out_a.fill(0.0);
        self.out_b.fill(0.0);
        let x = std::mem::take(&mut self.x);
        self.holdup0 = self.element_holdups(&x);
        self.x = x;
        let s = self.sample();
        self.samples.push(s);
        self.integrate(Mode::Running, None)
    }

    /// Each element's holdup in the circuit, mol per mol fed per tau.
    fn element_holdups(&mut self, x: &[f64]) -> Vec<f64> {
        let c = self.newton.cas.c;
        let mut hold = std::mem::take(&mut self.hold_start);
        Self::holdup_of(&mut self.newton, x, &mut hold);
        let per: Vec<f64> = (0..c)
            .map(|i| hold.iter().skip(i).step_by(c).sum())
            .collect();
        self.hold_start = hold;
        per
    }

    fn sample(&mut self) -> Sample {
        let model = self.model;
        let cas = &model.cascade;
        let (tau, c) = (model.opts.residence_h, cas.c);
        cas.organic_all(&self.x, &mut self.newton.y);
        let [pa, pb, ..] = &mut self.prod;
        cas.products(&self.x, &self.newton.y, pa, pb);
        let (purity_a, purity_b) = (cas.purity(pa, true), cas.purity(pb, false));
        let (flow_a, flow_b) = (pa.iter().sum(), pb.iter().sum());
        cas.holdup(&self.x, &self.newton.y, &mut self.hold_start);
        let total: f64 = self.hold_start.iter().sum();
        let reo: f64 = (0..self.hold_start.len())
            .map(|k| self.hold_start[k] * cas.oxide[k % c])
            .sum();
        let feed_reo: f64 = cas.feed.iter().zip(&cas.oxide).map(|(z, m)| z * m).sum();
        Sample {
            t: self.t,
            t_h: self.t * tau,
            purity_a,
            purity_b,
            flow_a,
            flow_b,
            inventory_h: total * tau,
            inventory_reo_h: reo / feed_reo * tau,
            deviation: deviation(&self.x, &model.steady, c),
        }
    }

    fn finish(mut self, stop_h: f64) -> Transient {
        let model = self.model;
        let (pa, pb) = model.steady_purity;
        let threshold = (
            model.opts.target_a.threshold(pa),
            model.opts.target_b.threshold(pb),
        );
        let x = std::mem::take(&mut self.x);
        let holdup1 = self.element_holdups(&x);
        let c = model.cascade.c;
        Transient {
            residence_h: model.opts.residence_h,
            stop_h,
            on_spec_a: on_spec_time(&self.samples, threshold.0, |s| s.purity_a),
            on_spec_b: on_spec_time(&self.samples, threshold.1, |s| s.purity_b),
            samples: self.samples,
            steady_purity: (pa, pb),
            threshold,
            settled: self.settled,
            state: x,
            holdup: (self.holdup0, holdup1),
            fed: (0..c).map(|i| model.cascade.feed[i] * self.t).collect(),
            out_a: self.out_a,
            out_b: self.out_b,
            steps: (self.accepted, self.rejected, self.newton.iterations),
        }
    }
}

/// Largest difference between the normalised stage compositions of `x` and `steady`.
fn deviation(x: &[f64], steady: &[f64], c: usize) -> f64 {
    x.chunks_exact(c)
        .zip(steady.chunks_exact(c))
        .map(|(a, b)| {
            let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
            a.iter()
                .zip(b)
                .map(|(p, q)| (p / sa - q / sb).abs())
                .fold(0.0, f64::max)
        })
        .fold(0.0, f64::max)
}

/// The time from which `purity` stays at or above `threshold` to the end of the samples
/// (linear interpolation of the last upward crossing); 0 if never below, `None` if the last
/// sample is below.
fn on_spec_time(
    samples: &[Sample],
    threshold: f64,
    purity: impl Fn(&Sample) -> f64,
) -> Option<f64> {
    let last_below = samples.iter().rposition(|s| !(purity(s) >= threshold));
    match last_below {
        None => Some(0.0),
        Some(k) if k + 1 == samples.len() => None,
        Some(k) => {
            let (a, b) = (&samples[k], &samples[k + 1]);
            let (pa, pb) = (purity(a), purity(b));
            let f = if pb > pa {
                ((threshold - pa) / (pb - pa)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            Some(a.t + f * (b.t - a.t))
        }
    }
}
