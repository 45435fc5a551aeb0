//! The plant's tanks and which circuit each one feeds: tank 0 is the feed tank, tank t + 1
//! intermediate tank t. A tank's empty and pipe levels follow from its consumer's installed
//! maximum, so they are set here, where the consumer is known.

use std::ops::{Deref, DerefMut};

use super::model::tank_of;
use super::spec::PlantParts;
use super::tank::{MIX_HOURS, PIPE_HOURS, Tank};

/// Every tank of the plant (a slice of [`Tank`]: their number is fixed) and its consumer.
#[derive(Debug, Clone)]
pub struct Tanks {
    /// The feed tank, then the intermediate tanks.
    tanks: Vec<Tank>,
    /// Per tank: the circuit it feeds, if any.
    consumer: Vec<Option<usize>>,
}

impl Tanks {
    /// The tanks of `p`, empty.
    pub fn new(p: &PlantParts, elements: usize) -> Tanks {
        let mut tanks = vec![Tank::new(p.feed.tank_capacity, elements)];
        tanks.extend(p.tanks.iter().map(|t| Tank::new(t.capacity, elements)));
        let mut consumer = vec![None; tanks.len()];
        for (c, cs) in p.circuits.iter().enumerate() {
            consumer[tank_of(cs.source)] = Some(c);
            let most = f64::from(cs.trains) * cs.design_rate * cs.max_rate;
            let tank = &mut tanks[tank_of(cs.source)];
            tank.set_empty_level(MIX_HOURS * most);
            tank.set_pipe_level(PIPE_HOURS * most);
        }
        Tanks { tanks, consumer }
    }

    /// The circuit tank `t` feeds, if any.
    pub fn consumer(&self, t: usize) -> Option<usize> {
        self.consumer[t]
    }
}

impl Deref for Tanks {
    type Target = [Tank];

    fn deref(&self) -> &[Tank] {
        &self.tanks
    }
}

impl DerefMut for Tanks {
    fn deref_mut(&mut self) -> &mut [Tank] {
        &mut self.tanks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::testing::one_circuit;

    #[test]
    fn the_feed_tank_feeds_its_circuit_and_empties_at_its_mix_level() {
        let parts = one_circuit(2, 1.0, 1.0, vec![]);
        let tanks = Tanks::new(&parts, 1);
        assert_eq!(tanks.len(), 1);
        assert_eq!(tanks.consumer(0), Some(0));
        let most = 2.0 * 1.0 * 1.2;
        let want = (MIX_HOURS * most).max(crate::flow::tank::LEVEL_TOLERANCE_T);
        assert_eq!(tanks[0].empty_level(), want);
    }
}
