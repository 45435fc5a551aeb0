//! The plant's product sinks and where each one's recycled off-spec goes: back to the source
//! tank of its first producing circuit, if that circuit recycles off-spec.

use std::ops::{Deref, DerefMut};

use super::model::tank_of;
use super::product::Product;
use super::spec::{OffSpecPolicy, Outlet, PlantParts};

/// Every product sink of the plant (a slice of [`Product`]: their number is fixed) and its
/// recycle target.
#[derive(Debug, Clone)]
pub struct Products {
    /// In spec order.
    products: Vec<Product>,
    /// Per product: the tank its off-spec batches go back to (`None`: scrapped).
    recycle_to: Vec<Option<usize>>,
}

impl Products {
    /// The products of `p`, with no batch open.
    pub fn new(p: &PlantParts, elements: usize) -> Products {
        let products = (p.products.iter())
            .map(|pr| Product::new(pr.batch_t, pr.min_purity, elements))
            .collect();
        let recycle_to = (0..p.products.len())
            .map(|s| {
                (p.circuits.iter())
                    .find(|c| c.outlets.contains(&Outlet::Product(s)))
                    .filter(|c| c.off_spec == OffSpecPolicy::Recycle)
                    .map(|c| tank_of(c.source))
            })
            .collect();
        Products {
            products,
            recycle_to,
        }
    }

    /// The tank product `s`'s off-spec batches go back to (`None`: they are scrapped).
    pub fn recycle_to(&self, s: usize) -> Option<usize> {
        self.recycle_to[s]
    }
}

impl Deref for Products {
    type Target = [Product];

    fn deref(&self) -> &[Product] {
        &self.products
    }
}

impl DerefMut for Products {
    fn deref_mut(&mut self) -> &mut [Product] {
        &mut self.products
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::testing::one_circuit;

    #[test]
    fn off_spec_goes_back_to_the_first_producers_source_if_it_recycles() {
        let mut parts = one_circuit(1, 1.0, 1.0, vec![]);
        assert_eq!(Products::new(&parts, 1).recycle_to(0), Some(0));
        parts.circuits[0].off_spec = OffSpecPolicy::Scrap;
        let products = Products::new(&parts, 1);
        assert_eq!((products.len(), products.recycle_to(0)), (1, None));
    }
}
