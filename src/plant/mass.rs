//! Order-independent mass sums: masses are added as 2^-64 fixed-point integers, so a total
//! does not depend on the order of its terms (the train decomposition and the sequential run
//! agree bit for bit) and merging totals is exact.

/// Fixed-point scale: 2^64 units per plant mass unit (resolution 5.4e-20).
const SCALE: f64 = 18_446_744_073_709_551_616.0;

/// A sum of non-negative masses in 2^-64 fixed point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fixed(i128);

impl Fixed {
    /// Adds `x` (plant mass units; rounded toward zero to the fixed-point resolution).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.0 += (x * SCALE) as i128;
    }

    /// Adds another sum exactly.
    #[inline]
    pub fn merge(&mut self, other: Fixed) {
        self.0 += other.0;
    }

    /// The value in plant mass units.
    pub fn value(self) -> f64 {
        self.0 as f64 / SCALE
    }
}

/// Element-wise totals of a mass vector, one `Fixed` per element.
pub(crate) fn values(sums: &[Fixed]) -> Vec<f64> {
    sums.iter().map(|s| s.value()).collect()
}

#[cfg(test)]
mod tests {
    use super::Fixed;

    #[test]
    fn sums_do_not_depend_on_order() {
        let xs = [0.1, 1e-9, 3.7e5, 0.3, 2.0 / 3.0];
        let mut a = Fixed::default();
        let mut b = Fixed::default();
        xs.iter().for_each(|&x| a.add(x));
        xs.iter().rev().for_each(|&x| b.add(x));
        assert_eq!(a, b);
        assert!((a.value() - xs.iter().sum::<f64>()).abs() < 1e-9);
    }
}
