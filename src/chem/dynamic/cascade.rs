//! The cascade of the dynamic model: flows, equilibrium law, holdups, stage rates.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use crate::chem::{CascadeSolution, FeedPhase, Model, SeparationSpec, theory};

/// Equilibrium law of one stage.
#[derive(Debug, Clone)]
pub(super) enum Equilibrium {
    /// Separation factors, y_i = beta_i x_i / sum beta_k x_k.
    Loaded(Vec<f64>),
    /// Distribution ratios, y_i = D_i x_i.
    Linear(Vec<f64>),
}

impl Equilibrium {
    /// Organic `y` in equilibrium with aqueous `x` (one stage).
    pub(super) fn organic(&self, x: &[f64], y: &mut [f64]) {
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
    pub(super) fn jacobian(&self, x: &[f64], y: &[f64], jac: &mut [f64]) {
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
    pub(super) fn invert(&self, hold: &[f64], a: f64, o: f64, x: &mut [f64]) -> bool {
        if hold.iter().any(|&v| v.is_nan() || v < 0.0) {
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
pub(super) fn loaded_sigma(b: &[f64], hold: &[f64], a: f64, o: f64, guess: f64) -> f64 {
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
pub(super) struct Cascade {
    /// Components (all elements of the spec).
    pub(super) c: usize,
    /// Organic flow leaving stage j (loaded: REE mol per mol fed; linear: volume per feed).
    pub(super) organic: Vec<f64>,
    /// Aqueous flow leaving stage j.
    pub(super) aqueous: Vec<f64>,
    /// Index of the feed stage.
    pub(super) feed_stage: usize,
    /// Feed composition (sum 1).
    pub(super) feed: Vec<f64>,
    pub(super) eq: Equilibrium,
    pub(super) split_after: usize,
    /// Oxide mass per mole of each element, g REO per mol.
    pub(super) oxide: Vec<f64>,
}

/// What drives the stage balances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Mode {
    /// Design flows.
    Running,
    /// Stopped, aqueous exchange between neighbours of this fraction of the running flow.
    Stopped(f64),
}

impl Cascade {
    pub(super) fn new(spec: &SeparationSpec) -> Self {
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

    pub(super) fn len(&self) -> usize {
        self.organic.len()
    }

    /// The aqueous state of a steady solution (fractions, or concentrations for linear).
    pub(super) fn state_from_solution(&self, sol: &CascadeSolution) -> Vec<f64> {
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
    pub(super) fn organic_all(&self, x: &[f64], y: &mut [f64]) {
        let c = self.c;
        for (xs, ys) in x.chunks_exact(c).zip(y.chunks_exact_mut(c)) {
            self.eq.organic(xs, ys);
        }
    }

    /// Holdups H_j = A_j x_j + O_j y_j, mol per mol fed per tau.
    pub(super) fn holdup(&self, x: &[f64], y: &[f64], hold: &mut [f64]) {
        let c = self.c;
        for j in 0..self.len() {
            for i in 0..c {
                let k = j * c + i;
                hold[k] = self.aqueous[j] * x[k] + self.organic[j] * y[k];
            }
        }
    }

    /// Coupling of stage j to stage j + 1's aqueous in the balance of j.
    pub(super) fn upper(&self, mode: Mode, j: usize) -> f64 {
        match mode {
            Mode::Running => self.aqueous[j + 1],
            Mode::Stopped(eps) => eps * self.aqueous[j + 1],
        }
    }

    /// Rates dH/dt of every stage and element, mol per mol fed per tau.
    pub(super) fn rates(&self, mode: Mode, x: &[f64], y: &[f64], r: &mut [f64]) {
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
    pub(super) fn running_rate(&self, j: usize, i: usize, x: &[f64], y: &[f64]) -> f64 {
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
    pub(super) fn products(&self, x: &[f64], y: &[f64], a: &mut [f64], b: &mut [f64]) {
        let (c, last) = (self.c, self.len() - 1);
        for i in 0..c {
            a[i] = self.organic[last] * y[last * c + i];
            b[i] = self.aqueous[0] * x[i];
        }
    }

    /// Purity of a product with element amounts `amounts`: the group's share.
    pub(super) fn purity(&self, amounts: &[f64], group_a: bool) -> f64 {
        let k = self.split_after;
        let total: f64 = amounts.iter().sum();
        let part: f64 = if group_a {
            amounts[k + 1..].iter().sum()
        } else {
            amounts[..=k].iter().sum()
        };
        part / total
    }

    /// The other group's amount in a product with element amounts `amounts`, and the total.
    pub(super) fn impurity(&self, amounts: &[f64], group_a: bool) -> (f64, f64) {
        let k = self.split_after;
        let total: f64 = amounts.iter().sum();
        let other: f64 = if group_a {
            amounts[..=k].iter().sum()
        } else {
            amounts[k + 1..].iter().sum()
        };
        (other, total)
    }
}
