//! What the plant model needs from a circuit's chemistry: the REE hold-up of one train, the
//! outlet purities with bypassed stages, and the restart curve from the stage dynamics.
//!
//! Each figure comes from the chemistry core: hold-up from the solved steady-state profile
//! (organic plus aqueous REE leaving every stage) x the design feed rate of one train x the
//! stage residence; bypass purities from steady-state solves of the shortened cascade (one or
//! two stages fewer in extraction or in scrub: equilibrium stages are identical, so which stage
//! of a section is bypassed does not matter); the restart curve from the dynamic stage model
//! after stops of every length on a grid, judged against the products' sales specs.

use crate::chem::{CascadeSolution, ChemError, SeparationSpec};

/// Most stages of one section bypassed at once that get their own purity; more use the last.
pub const MAX_BYPASSED: usize = 2;

/// REE hold-up of one train, t REO: the profile's REO hold-up factor x design feed (t REO/h)
/// x stage residence (h).
pub fn train_inventory_t(solution: &CascadeSolution, design_rate: f64, residence_h: f64) -> f64 {
    solution.inventory_factor_reo() * design_rate * residence_h
}

/// Outlet purities (A, B) with k = 1..=[`MAX_BYPASSED`] stages of extraction (`[0]`) and of
/// scrub (`[1]`) bypassed. A shortened cascade that is not a valid cascade (no extraction stage
/// left, an organic feed with no scrub stage) or does not solve gets purity 0: a train in that
/// state makes nothing sellable.
pub fn bypass_purities(sep: &SeparationSpec) -> [Vec<[f64; 2]>; 2] {
    let (n, m) = (sep.extraction_stages(), sep.scrub_stages());
    let solve = |n: usize, m: usize| -> Result<[f64; 2], ChemError> {
        let s = sep.with_stages(n, m)?.solve()?;
        Ok([s.purity_a, s.purity_b])
    };
    let shortened = |extraction: bool| -> Vec<[f64; 2]> {
        (1..=MAX_BYPASSED)
            .map(|k| {
                let (nn, mm) = if extraction {
                    (n.checked_sub(k), Some(m))
                } else {
                    (Some(n), m.checked_sub(k))
                };
                match (nn, mm) {
                    (Some(nn), Some(mm)) => solve(nn, mm).unwrap_or([0.0, 0.0]),
                    _ => [0.0, 0.0],
                }
            })
            .collect()
    };
    [shortened(true), shortened(false)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chem::{FeedPhase, ModelKind, SeparationInput};

    fn prnd() -> SeparationSpec {
        SeparationSpec::from_input(&SeparationInput {
            elements: vec!["Pr".into(), "Nd".into()],
            feed_composition: vec![0.25, 0.75],
            separation_factors: None,
            extractant: Some("P507-HCl".into()),
            split_after: "Pr".into(),
            feed_phase: FeedPhase::Aqueous,
            extraction_stages: 25,
            scrub_stages: 29,
            extraction_amount: 4.09,
            scrub_amount: None,
            model: ModelKind::Loaded,
            distribution_ratios: None,
            phase_ratio: None,
        })
        .expect("valid")
    }

    /// Bypass purities are the steady solves of the shortened cascades, and fewer scrub stages
    /// lower the A (scrubbed) product's purity, fewer extraction stages the B product's.
    #[test]
    fn bypass_purities_are_shortened_cascade_solves() {
        let sep = prnd();
        let full = sep.solve().unwrap();
        let table = bypass_purities(&sep);
        let n24 = sep.with_stages(24, 29).unwrap().solve().unwrap();
        let m27 = sep.with_stages(25, 27).unwrap().solve().unwrap();
        assert_eq!(table[0][0], [n24.purity_a, n24.purity_b]);
        assert_eq!(table[1][1], [m27.purity_a, m27.purity_b]);
        assert!(table[1][0][0] < full.purity_a && table[1][1][0] < table[1][0][0]);
        assert!(table[0][0][1] < full.purity_b && table[0][1][1] < table[0][0][1]);
    }
}
