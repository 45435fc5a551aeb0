//! Repair crews: a circuit's own crews or a plant-wide pool (or unlimited). A failed clock
//! asks its circuit's crews for a repair; with none free it waits, first come first served,
//! and a crew finishing a repair takes the longest-waiting clock of its pool next.

use std::collections::VecDeque;

use super::spec::{Crews as CrewChoice, PlantParts};

/// One pool of crews.
#[derive(Debug, Clone)]
struct Pool {
    /// Crews not repairing anything.
    free: u32,
    /// Failed clocks waiting for a crew, in order of failure.
    queue: VecDeque<u32>,
}

/// Every crew pool of the plant and which pool serves each circuit.
#[derive(Debug, Clone)]
pub struct Crews {
    /// Per circuit: its pool, `None` = unlimited crews.
    of: Vec<Option<usize>>,
    pools: Vec<Pool>,
}

impl Crews {
    /// The plant's pools: its `[[crew_pool]]`s, then one per circuit with its own crews.
    pub fn new(p: &PlantParts) -> Crews {
        let pool = |free| Pool {
            free,
            queue: VecDeque::new(),
        };
        let mut pools: Vec<Pool> = p.crew_pools.iter().map(|c| pool(c.crews)).collect();
        let of = p
            .circuits
            .iter()
            .map(|c| match c.crews {
                CrewChoice::Pool(i) => Some(i),
                CrewChoice::Own(None) => None,
                CrewChoice::Own(Some(n)) => {
                    pools.push(pool(n));
                    Some(pools.len() - 1)
                }
            })
            .collect();
        Crews { of, pools }
    }

    /// Clock `clock` of circuit `c` failed: whether a crew starts its repair now (one was
    /// free, or crews are unlimited); otherwise it waits its turn.
    pub fn request(&mut self, c: usize, clock: u32) -> bool {
        let Some(i) = self.of[c] else {
            return true;
        };
        let pool = &mut self.pools[i];
        if pool.free == 0 {
            pool.queue.push_back(clock);
            return false;
        }
        pool.free -= 1;
        true
    }

    /// A repair on circuit `c` ended: the waiting clock its crew repairs next, if any (else the
    /// crew is free again).
    pub fn release(&mut self, c: usize) -> Option<u32> {
        let pool = &mut self.pools[self.of[c]?];
        let next = pool.queue.pop_front();
        if next.is_none() {
            pool.free += 1;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two circuits sharing one pool of one crew, a third with unlimited crews.
    fn crews() -> Crews {
        Crews {
            of: vec![Some(0), Some(0), None],
            pools: vec![Pool {
                free: 1,
                queue: VecDeque::new(),
            }],
        }
    }

    #[test]
    fn a_shared_crew_repairs_in_order_of_failure() {
        let mut c = crews();
        assert!(c.request(0, 10));
        assert!(!c.request(1, 11));
        assert!(!c.request(0, 12));
        assert!(c.request(2, 13), "unlimited crews never wait");
        assert_eq!(c.release(0), Some(11));
        assert_eq!(c.release(1), Some(12));
        assert_eq!(c.release(0), None);
        assert!(c.request(1, 14), "the crew is free again");
        assert_eq!(c.release(2), None);
    }
}
