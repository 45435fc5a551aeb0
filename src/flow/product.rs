//! Product sinks: liquor collects in batches whose blended purity decides whether they sell.
//!
//! A product's liquor arrives at constant element rates between events, each with an impurity
//! (1 - purity, mole basis) split into what the design cascade leaves, what restart transients
//! add and what bypassed stages add. A batch closes when it holds the product's batch mass; its
//! blended purity is 1 - (impurity mass / batch mass), weighting each stream's purity by its
//! REO mass (molar masses of neighbouring REO differ by ~1 %, so this is the mole-basis blend to
//! that accuracy). An on-spec batch sells (through the finishing unit if there is one); an
//! off-spec one is recycled or scrapped, and its mass is attributed to the impurity source
//! that contributed most.

use super::network::Deadline;

/// Index of the impurity sources in [`Product::impurity`].
pub const DESIGN: usize = 0;
/// Impurity added by restart transients.
pub const RESTART: usize = 1;
/// Impurity added by bypassed stages.
pub const BYPASS: usize = 2;

/// State of one product sink.
#[derive(Debug, Clone)]
pub struct Product {
    /// Batch mass, t REO.
    pub batch_t: f64,
    /// Minimum blended purity, if any.
    pub min_purity: Option<f64>,
    /// Element masses of the open batch, t REO.
    pub mass: Vec<f64>,
    /// Impurity mass of the open batch by source, t.
    pub impurity: [f64; 3],
    /// Element inflow rates, t/h.
    pub in_rate: Vec<f64>,
    /// Impurity inflow rates by source, t/h.
    pub impurity_rate: [f64; 3],
    /// Last update, hours.
    pub last_h: f64,
    /// Its next batch event.
    pub deadline: Deadline,
    /// Element masses of the batch closed last, t REO.
    pub closed: Vec<f64>,
    /// Totals since time 0.
    pub totals: ProductTotals,
}

/// What a product sink has received and judged since time 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductTotals {
    /// On-spec REO sold (after finishing, if any), t, per element.
    pub on_spec: Vec<f64>,
    /// Off-spec REO (batches below spec), t, per element.
    pub off_spec: Vec<f64>,
    /// Off-spec mass attributed to restart transients, t.
    pub off_spec_restart_t: f64,
    /// Off-spec mass attributed to bypassed stages, t.
    pub off_spec_bypass_t: f64,
    /// Batches judged, and of them on-spec.
    pub batches: u64,
    /// On-spec batches.
    pub on_spec_batches: u64,
    /// Sum over judged batches of (batch mass x blended purity), t (mean purity = this /
    /// [`judged_t`](Self::judged_t)).
    pub purity_mass_t: f64,
    /// Mass of the judged batches, t (judged when closed; on-spec mass counts when sold, which
    /// a finishing unit delays).
    pub judged_t: f64,
}

/// A closed batch: its element masses and whether it sells.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Element masses, t REO.
    pub mass: Vec<f64>,
    /// Whether its blended purity meets the spec.
    pub on_spec: bool,
}

impl Product {
    /// An empty sink.
    pub fn new(batch_t: f64, min_purity: Option<f64>, elements: usize) -> Product {
        Product {
            batch_t,
            min_purity,
            mass: vec![0.0; elements],
            impurity: [0.0; 3],
            in_rate: vec![0.0; elements],
            impurity_rate: [0.0; 3],
            last_h: 0.0,
            deadline: Deadline::default(),
            closed: vec![0.0; elements],
            totals: ProductTotals {
                on_spec: vec![0.0; elements],
                off_spec: vec![0.0; elements],
                ..ProductTotals::default()
            },
        }
    }

    /// Mass in the open batch, t.
    #[inline]
    pub fn open_t(&self) -> f64 {
        self.mass.iter().sum()
    }

    /// Total inflow, t/h.
    #[inline]
    pub fn inflow(&self) -> f64 {
        self.in_rate.iter().sum()
    }

    /// Integrates the inflow up to `now_h`.
    #[inline]
    pub fn advance(&mut self, now_h: f64) {
        let dt = now_h - self.last_h;
        if dt <= 0.0 {
            return;
        }
        for (m, r) in self.mass.iter_mut().zip(&self.in_rate) {
            *m += r * dt;
        }
        for (i, r) in self.impurity.iter_mut().zip(&self.impurity_rate) {
            *i += r * dt;
        }
        self.last_h = now_h;
    }

    /// Hours from its last update until the open batch is full, if liquor flows in.
    #[inline]
    pub fn next_batch_in(&self) -> Option<f64> {
        let r = self.inflow();
        (r > 0.0).then(|| ((self.batch_t - self.open_t()) / r).max(0.0))
    }

    /// Closes the open batch (call when it is full), judges it and starts a new one.
    pub fn close(&mut self) -> Batch {
        let on_spec = self.close_in_place();
        Batch {
            mass: self.closed.clone(),
            on_spec,
        }
    }

    /// [`close`](Self::close) without allocating: the closed batch's masses are left in
    /// [`closed`](Self::closed); returns whether it is on spec.
    pub fn close_in_place(&mut self) -> bool {
        let total = self.open_t();
        let impurity: f64 = self.impurity.iter().sum();
        let purity = if total > 0.0 {
            1.0 - impurity / total
        } else {
            1.0
        };
        let on_spec = self.min_purity.is_none_or(|m| purity >= m);
        let t = &mut self.totals;
        t.batches += 1;
        t.purity_mass_t += total * purity;
        t.judged_t += total;
        if on_spec {
            t.on_spec_batches += 1;
        } else {
            let to = &mut t.off_spec;
            to.iter_mut().zip(&self.mass).for_each(|(o, m)| *o += m);
            if self.impurity[RESTART] >= self.impurity[BYPASS] {
                t.off_spec_restart_t += total;
            } else {
                t.off_spec_bypass_t += total;
            }
        }
        std::mem::swap(&mut self.mass, &mut self.closed);
        self.mass.iter_mut().for_each(|m| *m = 0.0);
        self.impurity = [0.0; 3];
        on_spec
    }

    /// Counts the batch closed last as sold (no finishing unit).
    pub fn sell_closed(&mut self) {
        let on = &mut self.totals.on_spec;
        on.iter_mut().zip(&self.closed).for_each(|(o, m)| *o += m);
    }

    /// Counts a sold batch (after finishing, if any).
    pub fn sell(&mut self, mass: &[f64]) {
        let on = &mut self.totals.on_spec;
        on.iter_mut().zip(mass).for_each(|(o, m)| *o += m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blended_purity_decides_the_batch() {
        let mut p = Product::new(24.0, Some(0.999), 1);
        p.in_rate = vec![1.0];
        // 20 h at 99.98 % and 4 h at 99.7 %: blend = 1 - (20 x 2e-4 + 4 x 3e-3) / 24 = 99.9333 %.
        p.impurity_rate = [2e-4, 0.0, 0.0];
        p.advance(20.0);
        p.impurity_rate = [2e-4, 2.8e-3, 0.0];
        assert!((p.next_batch_in().unwrap() - 4.0).abs() < 1e-12);
        p.advance(24.0);
        let b = p.close();
        assert!(b.on_spec);
        assert!((p.totals.purity_mass_t - 24.0 * (1.0 - 0.016 / 24.0)).abs() < 1e-12);
        // A batch with 8 h at 99.7 % fails: 1 - (24 x 2e-4 + 8 x 2.8e-3) / 24 = 99.887 %.
        p.impurity_rate = [2e-4, 2.8e-3, 0.0];
        p.advance(32.0);
        p.impurity_rate = [2e-4, 0.0, 0.0];
        p.advance(48.0);
        assert!(!p.close().on_spec);
        assert_eq!(p.totals.off_spec_restart_t, 24.0);
    }
}
