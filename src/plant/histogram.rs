//! A streaming histogram with log-spaced bins for lead-time percentiles.
//!
//! Bins cover [1e-4 h, 1e6 h) with 200 bins per decade (ratio g = 10^(1/200) between bin
//! edges); values below or above go to an underflow or overflow bin. A percentile is reported
//! as the geometric midpoint of the bin holding the sample of rank ceil(q n), clamped to the
//! exact observed [min, max]. Within the covered range the relative error against the exact
//! sample percentile is at most sqrt(g) - 1 = 0.58 %. Memory is fixed (2002 counters): it does
//! not grow with the number of lots. Counts are integers, so merging histograms is exact and
//! order-independent.

const LO: f64 = 1e-4;
const PER_DECADE: f64 = 200.0;
const BINS: usize = 2000;

/// Fixed-size log-binned histogram of positive values.
#[derive(Debug, Clone)]
pub(crate) struct LogHistogram {
    counts: Vec<u64>,
    n: u64,
    min: f64,
    max: f64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        LogHistogram {
            counts: vec![0; BINS + 2],
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl LogHistogram {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let i = if x < LO {
            0
        } else {
            let b = ((x / LO).log10() * PER_DECADE) as usize;
            1 + b.min(BINS)
        };
        self.counts[i] += 1;
        self.n += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Adds every observation of `other`.
    pub fn merge(&mut self, other: &LogHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.n += other.n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The q-quantile (0 < q <= 1) estimate, or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = ((q * self.n as f64).ceil() as u64).clamp(1, self.n);
        let mut seen = 0;
        let mut bin = BINS + 1;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                bin = i;
                break;
            }
        }
        let estimate = match bin {
            0 => self.min,
            b if b > BINS => self.max,
            b => LO * 10f64.powf((b as f64 - 0.5) / PER_DECADE),
        };
        estimate.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_stated_error() {
        let mut h = LogHistogram::default();
        let xs: Vec<f64> = (1..=10_000).map(|i| f64::from(i) * 0.01).collect();
        xs.iter().for_each(|&x| h.add(x));
        for q in [0.5, 0.9, 0.99] {
            let exact = xs[(q * 10_000.0_f64).ceil() as usize - 1];
            let rel = (h.quantile(q) / exact - 1.0).abs();
            assert!(
                rel <= 10f64.powf(1.0 / 400.0) - 1.0 + 1e-12,
                "q {q}: rel {rel}"
            );
        }
        let mut one = LogHistogram::default();
        one.add(6.25);
        assert_eq!(one.quantile(0.99), 6.25);
    }
}
