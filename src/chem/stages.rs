//! Stage equilibrium and the per-element stage balances shared by both models.
//!
//! Stages are numbered 1..N (index 0..N-1 here), N = n + m: fresh organic enters stage 1 and
//! the raffinate (B product) leaves it in the aqueous; scrub liquor enters stage N and the A
//! product leaves it in the organic. For each element and stage j the balance is
//!
//! O_{j-1} y_{j-1} + A_{j+1} x_{j+1} + F_j = O_j y_j + A_j x_j,   y_j = d_j x_j,
//!
//! where O_j and A_j are the organic and aqueous flows *leaving* stage j and d_j the element's
//! distribution ratio at stage j: a tridiagonal system solved in O(N) without cancellation.

// Numerical kernels index several stage-aligned arrays with one stage index.
#![allow(clippy::needless_range_loop)]

use super::FeedPhase;

/// Equilibrium of the loaded model: y_i = beta_i x_i / sum_k beta_k x_k, for mole
/// fractions `x` of the aqueous; writes the organic mole fractions into `y`.
pub fn loaded_equilibrium(betas: &[f64], x: &[f64], y: &mut [f64]) {
    let s: f64 = betas.iter().zip(x).map(|(b, xi)| b * xi).sum();
    for ((yi, b), xi) in y.iter_mut().zip(betas).zip(x) {
        *yi = if s > 0.0 { b * xi / s } else { 0.0 };
    }
}

/// Flows leaving each stage and where the feed enters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Flows {
    /// Organic flow leaving stage j (to j+1, or the A product at N).
    pub organic: Vec<f64>,
    /// Aqueous flow leaving stage j (to j-1, or the B product at 1).
    pub aqueous: Vec<f64>,
    /// Index of the feed stage (n-1 for aqueous feed, n for organic feed).
    pub feed_stage: usize,
}

impl Flows {
    /// Loaded model: total REE flows, mol per mol feed, constant between stages within a
    /// section; the end stages carry the products f'_A (organic, stage N) and f'_B (aqueous,
    /// stage 1). Scrub liquor enters stage N free of REE.
    pub fn loaded(phase: FeedPhase, n: usize, m: usize, s: f64, w: f64) -> Self {
        let big_n = n + m;
        let (o_ext, o_scrub, a_ext, a_scrub, feed_stage) = match phase {
            FeedPhase::Aqueous => (s, s, w + 1.0, w, n - 1),
            FeedPhase::Organic => (s, s + 1.0, w, w, n),
        };
        let fa = super::theory::product_fraction_from_flows(phase, s, w);
        let mut organic: Vec<f64> = (0..big_n)
            .map(|j| if j < n { o_ext } else { o_scrub })
            .collect();
        let mut aqueous: Vec<f64> = (0..big_n)
            .map(|j| if j < n { a_ext } else { a_scrub })
            .collect();
        organic[big_n - 1] = fa;
        aqueous[0] = 1.0 - fa;
        Flows {
            organic,
            aqueous,
            feed_stage,
        }
    }

    /// Linear model: phase volume flows per unit feed volume. Organic S (plus the feed volume
    /// in the scrub section for organic feed); aqueous W (plus the feed volume in the
    /// extraction section for aqueous feed).
    pub fn linear(phase: FeedPhase, n: usize, m: usize, s: f64, w: f64) -> Self {
        let (o_ext, o_scrub, a_ext, a_scrub, feed_stage) = match phase {
            FeedPhase::Aqueous => (s, s, w + 1.0, w, n - 1),
            FeedPhase::Organic => (s, s + 1.0, w, w, n),
        };
        let organic = (0..n + m)
            .map(|j| if j < n { o_ext } else { o_scrub })
            .collect();
        let aqueous = (0..n + m)
            .map(|j| if j < n { a_ext } else { a_scrub })
            .collect();
        Flows {
            organic,
            aqueous,
            feed_stage,
        }
    }

    /// Number of stages N.
    pub fn len(&self) -> usize {
        self.organic.len()
    }
}

/// Solves one element's stage balances. `d(j)` is its distribution ratio at stage j (> 0),
/// `feed` the amount fed at the feed stage. Writes the aqueous amounts x_j into `x`;
/// `scratch` (length N) holds reciprocal pivots. All terms are positive (the matrix is a
/// column-diagonally-dominant M-matrix), so the recursion has no cancellation and keeps full
/// relative accuracy for trace elements.
pub(crate) fn solve_element(
    flows: &Flows,
    d: impl Fn(usize) -> f64,
    feed: f64,
    x: &mut [f64],
    scratch: &mut [f64],
) {
    let big_n = flows.len();
    let (o, a) = (&flows.organic, &flows.aqueous);
    let mut q = 1.0; // fraction of the previous pivot not taken by extraction
    let mut od_prev = 0.0;
    let mut dp_prev = 0.0;
    for j in 0..big_n {
        let od = o[j] * d(j);
        let inv = 1.0 / (od + a[j] * q);
        let r = if j == flows.feed_stage { feed } else { 0.0 };
        let dp = (r + od_prev * dp_prev) * inv;
        x[j] = dp;
        scratch[j] = inv;
        q = a[j] * q * inv;
        od_prev = od;
        dp_prev = dp;
    }
    for j in (0..big_n - 1).rev() {
        x[j] += flows.aqueous[j + 1] * x[j + 1] * scratch[j];
    }
}

/// The largest absolute imbalance, mol per mol feed, over every element of every stage, for
/// aqueous amounts `x` and organic amounts `y` (stage-major, `c` elements per stage) and feed
/// amounts `z`; the imbalance of each element over the whole circuit is included.
pub(crate) fn mass_balance_error(flows: &Flows, x: &[f64], y: &[f64], z: &[f64], c: usize) -> f64 {
    let big_n = flows.len();
    let (o, a) = (&flows.organic, &flows.aqueous);
    let mut worst = 0.0f64;
    for i in 0..c {
        for j in 0..big_n {
            let mut r = -(o[j] * y[j * c + i] + a[j] * x[j * c + i]);
            if j > 0 {
                r += o[j - 1] * y[(j - 1) * c + i];
            }
            if j + 1 < big_n {
                r += a[j + 1] * x[(j + 1) * c + i];
            }
            if j == flows.feed_stage {
                r += z[i];
            }
            worst = worst.max(r.abs());
        }
        let out = o[big_n - 1] * y[(big_n - 1) * c + i] + a[0] * x[i];
        worst = worst.max((z[i] - out).abs());
    }
    if worst.is_nan() { f64::INFINITY } else { worst }
}

/// A solved cascade in numbers: per-stage amounts and the products, no element identity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Profile {
    /// Aqueous mole fractions, stage-major (N x C).
    pub x: Vec<f64>,
    /// Organic mole fractions, stage-major (N x C).
    pub y: Vec<f64>,
    /// Aqueous REE flow leaving each stage, mol per mol feed.
    pub aqueous_flow: Vec<f64>,
    /// Organic REE flow leaving each stage, mol per mol feed.
    pub organic_flow: Vec<f64>,
    /// Each element's fraction of its feed leaving in the A product.
    pub split_to_a: Vec<f64>,
    /// Each element's A-product amount, mol per mol feed.
    pub product_a: Vec<f64>,
    /// Each element's B-product amount, mol per mol feed.
    pub product_b: Vec<f64>,
    /// Iterations of the nonlinear solver (1 for the linear model).
    pub iterations: usize,
    /// See [`mass_balance_error`].
    pub mass_balance_error: f64,
}

impl Profile {
    /// Builds a profile from stage amounts (stage-major) by normalising each stage's phases.
    pub fn from_amounts(flows: &Flows, x: &[f64], y: &[f64], c: usize) -> Self {
        let big_n = flows.len();
        let mut p = Profile {
            x: vec![0.0; big_n * c],
            y: vec![0.0; big_n * c],
            aqueous_flow: vec![0.0; big_n],
            organic_flow: vec![0.0; big_n],
            split_to_a: vec![0.0; c],
            product_a: (0..c)
                .map(|i| flows.organic[big_n - 1] * y[(big_n - 1) * c + i])
                .collect(),
            product_b: (0..c).map(|i| flows.aqueous[0] * x[i]).collect(),
            iterations: 0,
            mass_balance_error: 0.0,
        };
        for j in 0..big_n {
            let (xs, ys) = (&x[j * c..(j + 1) * c], &y[j * c..(j + 1) * c]);
            let (sx, sy): (f64, f64) = (xs.iter().sum(), ys.iter().sum());
            p.aqueous_flow[j] = flows.aqueous[j] * sx;
            p.organic_flow[j] = flows.organic[j] * sy;
            for i in 0..c {
                p.x[j * c + i] = if sx > 0.0 { xs[i] / sx } else { 0.0 };
                p.y[j * c + i] = if sy > 0.0 { ys[i] / sy } else { 0.0 };
            }
        }
        p
    }

    /// Sums of the A- and B-group amounts in the A and B products and in the feed:
    /// (A group in A, all in A, B group in B, all in B).
    fn group_sums(&self, split_after: usize) -> (f64, f64, f64, f64) {
        let a_in_a: f64 = self.product_a[split_after + 1..].iter().sum();
        let all_a: f64 = self.product_a.iter().sum();
        let b_in_b: f64 = self.product_b[..=split_after].iter().sum();
        let all_b: f64 = self.product_b.iter().sum();
        (a_in_a, all_a, b_in_b, all_b)
    }

    /// Purities (A group's share of the A product, B group's share of the B product), mole
    /// basis.
    pub fn purities(&self, split_after: usize) -> (f64, f64) {
        let (a_in_a, all_a, b_in_b, all_b) = self.group_sums(split_after);
        (
            (a_in_a / all_a).clamp(0.0, 1.0),
            (b_in_b / all_b).clamp(0.0, 1.0),
        )
    }

    /// Yields (share of the A group's feed in the A product, of the B group's in the B product).
    pub fn yields(&self, split_after: usize, z: &[f64]) -> (f64, f64) {
        let (a_in_a, _, b_in_b, _) = self.group_sums(split_after);
        let fa: f64 = z[split_after + 1..].iter().sum();
        // Clamped: rounding can put a full recovery a few ulps above 1.
        (
            (a_in_a / fa).clamp(0.0, 1.0),
            (b_in_b / (1.0 - fa)).clamp(0.0, 1.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thomas_matches_single_stage_and_balances() {
        // One stage, D = 2, O = 1, A = 1: fraction extracted 2/3 exactly (rounding only).
        let f = Flows {
            organic: vec![1.0],
            aqueous: vec![1.0],
            feed_stage: 0,
        };
        let (mut x, mut s) = (vec![0.0], vec![0.0]);
        solve_element(&f, |_| 2.0, 1.0, &mut x, &mut s);
        assert!((x[0] - 1.0 / 3.0).abs() < 1e-15);
        let f = Flows::loaded(FeedPhase::Aqueous, 5, 4, 1.2, 0.7);
        let (mut x, mut s) = (vec![0.0; 9], vec![0.0; 9]);
        solve_element(&f, |j| 0.5 + j as f64 * 0.3, 1.0, &mut x, &mut s);
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(j, v)| v * (0.5 + j as f64 * 0.3))
            .collect();
        assert!(mass_balance_error(&f, &x, &y, &[1.0], 1) < 1e-15);
    }
}
