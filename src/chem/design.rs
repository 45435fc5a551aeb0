//! Design of a two-product (binary) circuit for target purities: cascade-theory quantities,
//! the simplified stage numbers, and an exact design found by solving the loaded model.
//!
//! Basis: mole fractions of total REE. A is the more extracted product.

use super::stages::Flows;
use super::{ChemError, FeedPhase, SolveOptions, loaded, theory};

/// Most stages per section the exact search will try.
pub const DESIGN_STAGE_LIMIT: usize = 500;

/// What to design for. Field names match the `design` flags (`beta` <-> `--beta`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignInput {
    /// Separation factor of A over B, > 1.
    pub beta: f64,
    /// Mole fraction of A in the feed, f_A, in (0, 1).
    pub feed_fraction: f64,
    /// Feed phase.
    pub feed_phase: FeedPhase,
    /// Target A-product purity (mole fraction of A), in (feed_fraction, 1).
    pub purity_a: f64,
    /// Target B-product purity (mole fraction of B), in (1 - feed_fraction, 1).
    pub purity_b: f64,
    /// Extraction amount S, mol REE per mol feed; `None` for the sqrt(beta) rule.
    pub extraction_amount: Option<f64>,
}

/// The solved stage numbers and what they achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactDesign {
    /// Extraction stages.
    pub n: usize,
    /// Scrub stages.
    pub m: usize,
    /// Solved A-product purity, mole fraction.
    pub purity_a: f64,
    /// Solved B-product purity, mole fraction.
    pub purity_b: f64,
    /// Solved A yield, mole fraction of the A fed.
    pub yield_a: f64,
    /// Solved B yield, mole fraction of the B fed.
    pub yield_b: f64,
}

/// A complete design.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The request.
    pub input: DesignInput,
    /// f'_A: fraction of the feed REE leaving in the A product (mol per mol).
    pub product_fraction_a: f64,
    /// Purification factor a of the A product (dimensionless).
    pub purification_a: f64,
    /// Purification factor b of the B product (dimensionless).
    pub purification_b: f64,
    /// Extraction amount S, mol REE per mol feed.
    pub extraction_amount: f64,
    /// `true` when S came from the sqrt(beta) rule rather than the request.
    pub extraction_amount_recommended: bool,
    /// Scrub amount W, mol REE per mol feed.
    pub scrub_amount: f64,
    /// E_M of the extraction section.
    pub extraction_ratio: f64,
    /// E'_M of the scrub section.
    pub scrub_ratio: f64,
    /// Minimum extraction amount for a sharp split, mol REE per mol feed.
    pub min_extraction_amount: f64,
    /// Minimum scrub amount for a sharp split, mol REE per mol feed.
    pub min_scrub_amount: f64,
    /// Simplified (n, m) of cascade theory, real numbers.
    pub simplified: (f64, f64),
    /// The smallest verified stage numbers.
    pub exact: ExactDesign,
}

impl DesignInput {
    /// Checks every value; errors name the field and the allowed range.
    pub fn validate(&self) -> Result<(), ChemError> {
        let open = |field: &str, v: f64, lo: f64, hi: f64, what: &str| {
            if v.is_finite() && v > lo && v < hi {
                Ok(())
            } else {
                Err(ChemError::field(
                    field,
                    format!("{v} is outside ({lo}, {hi}){what}"),
                ))
            }
        };
        if !(self.beta.is_finite() && self.beta > 1.0) {
            return Err(ChemError::field(
                "beta",
                format!("{} must be a finite number > 1", self.beta),
            ));
        }
        let f = self.feed_fraction;
        open("feed_fraction", f, 0.0, 1.0, "")?;
        open(
            "purity_a",
            self.purity_a,
            f,
            1.0,
            ": it must exceed the feed's A fraction",
        )?;
        open(
            "purity_b",
            self.purity_b,
            1.0 - f,
            1.0,
            ": it must exceed the feed's B fraction",
        )?;
        if let Some(s) = self.extraction_amount
            && !(s.is_finite() && s > 0.0)
        {
            return Err(ChemError::field(
                "extraction_amount",
                format!("{s} must be a finite number > 0"),
            ));
        }
        Ok(())
    }
}

/// Designs the circuit: formulas first, then the smallest (n, m), by total stages, whose
/// solved loaded cascade meets both purities; neither n - 1 nor m - 1 does.
pub fn design(input: &DesignInput) -> Result<Design, ChemError> {
    input.validate()?;
    let DesignInput {
        beta,
        feed_fraction: f,
        feed_phase: phase,
        ..
    } = *input;
    let fa = theory::product_fraction_a(f, input.purity_a, input.purity_b);
    let (a, b) = theory::purification_factors(f, input.purity_a, input.purity_b);
    let s_min = theory::min_extraction_amount(phase, beta, f);
    let s = input
        .extraction_amount
        .unwrap_or_else(|| theory::optimum_extraction_amount(phase, beta, fa));
    if s <= s_min {
        return Err(ChemError::BelowMinimum {
            field: "extraction_amount".into(),
            s,
            s_min,
        });
    }
    let w = theory::scrub_amount_for(phase, s, fa);
    let (e_m, e_ms) = theory::extraction_ratios(phase, s, w);
    if beta * e_m <= 1.0 {
        return Err(ChemError::ExtractionInfeasible { beta, e_m });
    }
    if e_ms >= beta {
        return Err(ChemError::ScrubInfeasible {
            beta,
            e_m_scrub: e_ms,
        });
    }
    let simplified = theory::simplified_stages(phase, beta, (a, b), (e_m, e_ms));
    let total = simplified.0 + simplified.1;
    if !(total.is_finite() && total <= crate::chem::spec::MAX_STAGES as f64) {
        return Err(ChemError::field(
            "beta",
            format!(
                "{beta} needs about {total:.3e} stages for these purities, more than the {} a \
                 cascade may have; give a larger separation factor or lower purities",
                crate::chem::spec::MAX_STAGES
            ),
        ));
    }
    let search = Search { input, s, w };
    let exact = search.run(simplified)?;
    Ok(Design {
        input: *input,
        product_fraction_a: fa,
        purification_a: a,
        purification_b: b,
        extraction_amount: s,
        extraction_amount_recommended: input.extraction_amount.is_none(),
        scrub_amount: w,
        extraction_ratio: e_m,
        scrub_ratio: e_ms,
        min_extraction_amount: s_min,
        min_scrub_amount: theory::min_scrub_amount(phase, beta, f),
        simplified,
        exact,
    })
}

/// The exact search over (n, m) at fixed S and W.
struct Search<'a> {
    input: &'a DesignInput,
    s: f64,
    w: f64,
}

impl Search<'_> {
    fn min_m(&self) -> usize {
        usize::from(self.input.feed_phase == FeedPhase::Organic)
    }

    /// Solves the binary loaded cascade with n extraction and m scrub stages.
    fn eval(&mut self, n: usize, m: usize) -> Result<ExactDesign, ChemError> {
        let i = self.input;
        let flows = Flows::loaded(i.feed_phase, n, m, self.s, self.w);
        let z = [1.0 - i.feed_fraction, i.feed_fraction];
        let p = loaded::solve(&[1.0, i.beta], &z, 0, &flows, &SolveOptions::default())?;
        let (purity_a, purity_b) = p.purities(0);
        let (yield_a, yield_b) = p.yields(0, &z);
        Ok(ExactDesign {
            n,
            m,
            purity_a,
            purity_b,
            yield_a,
            yield_b,
        })
    }

    fn meets(&self, d: &ExactDesign) -> bool {
        d.purity_a >= self.input.purity_a && d.purity_b >= self.input.purity_b
    }

    fn unreachable(&self) -> ChemError {
        ChemError::DesignUnreachable {
            limit: DESIGN_STAGE_LIMIT,
            purity_a: self.input.purity_a,
            purity_b: self.input.purity_b,
        }
    }

    fn run(mut self, (sn, sm): (f64, f64)) -> Result<ExactDesign, ChemError> {
        let start_n = if sn.is_finite() {
            sn.floor().max(1.0) as usize
        } else {
            1
        };
        let start_m = if sm.is_finite() {
            sm.floor().max(0.0) as usize
        } else {
            0
        };
        let mut best = self.grow(
            start_n.min(DESIGN_STAGE_LIMIT),
            start_m.clamp(self.min_m(), DESIGN_STAGE_LIMIT),
        )?;
        best = self.shrink(best)?;
        best = self.walk_frontier(best)?;
        self.shrink(best)
    }

    /// Adds stages to whichever section misses its purity until both are met.
    fn grow(&mut self, mut n: usize, mut m: usize) -> Result<ExactDesign, ChemError> {
        loop {
            let d = self.eval(n, m)?;
            if self.meets(&d) {
                return Ok(d);
            }
            m += usize::from(d.purity_a < self.input.purity_a);
            n += usize::from(d.purity_b < self.input.purity_b);
            if n > DESIGN_STAGE_LIMIT || m > DESIGN_STAGE_LIMIT {
                return Err(self.unreachable());
            }
        }
    }

    /// Removes stages while the targets stay met.
    fn shrink(&mut self, mut d: ExactDesign) -> Result<ExactDesign, ChemError> {
        loop {
            let mut changed = false;
            if d.n > 1 {
                let t = self.eval(d.n - 1, d.m)?;
                if self.meets(&t) {
                    d = t;
                    changed = true;
                }
            }
            if d.m > self.min_m() {
                let t = self.eval(d.n, d.m - 1)?;
                if self.meets(&t) {
                    d = t;
                    changed = true;
                }
            }
            if !changed {
                return Ok(d);
            }
        }
    }

    /// Trades stages between the sections along the frontier of designs that meet the targets,
    /// keeping the smallest total n + m.
    fn walk_frontier(&mut self, start: ExactDesign) -> Result<ExactDesign, ChemError> {
        let mut best = start;
        for more_scrub in [true, false] {
            let mut cur = start;
            loop {
                let (n, m) = if more_scrub {
                    (cur.n, cur.m + 1)
                } else {
                    (cur.n + 1, cur.m)
                };
                if n > DESIGN_STAGE_LIMIT || m > DESIGN_STAGE_LIMIT {
                    break;
                }
                let mut next = self.eval(n, m)?;
                next = self.shrink_one(next, more_scrub)?;
                if next.n + next.m > cur.n + cur.m + 1 || (next.n, next.m) == (n, m) {
                    break;
                }
                if next.n + next.m < best.n + best.m {
                    best = next;
                }
                cur = next;
            }
        }
        Ok(best)
    }

    /// Removes stages from the other section than the one just grown, while targets hold.
    fn shrink_one(
        &mut self,
        mut d: ExactDesign,
        grew_scrub: bool,
    ) -> Result<ExactDesign, ChemError> {
        loop {
            let (n, m) = if grew_scrub {
                (d.n.wrapping_sub(1), d.m)
            } else {
                (d.n, d.m.wrapping_sub(1))
            };
            if n < 1 || m < self.min_m() || n > DESIGN_STAGE_LIMIT || m > DESIGN_STAGE_LIMIT {
                return Ok(d);
            }
            let t = self.eval(n, m)?;
            if !self.meets(&t) {
                return Ok(d);
            }
            d = t;
        }
    }
}
