//! The batch finishing unit (precipitation, calcination): each on-spec batch spends a random
//! residence time in one of its slots before it is sold; with every slot busy, batches wait
//! first come first served.

use std::collections::VecDeque;

use super::event::Ev;
use super::spec::FinishingSpec;
use crate::engine::{Sampler, Scheduler, StreamRng};

/// A batch in the unit: its product and its REO mass per element, t.
type Batch = (usize, Vec<f64>);

/// The finishing unit during one replication.
#[derive(Debug, Clone)]
pub struct Finishing {
    /// Per slot: the batch in process, if any.
    busy: Vec<Option<Batch>>,
    /// Batches waiting for a slot, in order of arrival.
    queue: VecDeque<Batch>,
    /// Residence time of a batch, hours.
    sampler: Sampler,
    /// The residence times' random stream.
    rng: StreamRng,
}

impl Finishing {
    /// The unit of `spec`, empty; residence times drawn from `rng`.
    pub fn new(spec: &FinishingSpec, rng: StreamRng) -> Finishing {
        Finishing {
            busy: vec![None; spec.capacity as usize],
            queue: VecDeque::new(),
            sampler: Sampler::new(&spec.residence).expect("validated"),
            rng,
        }
    }

    /// An on-spec batch of `product` (`mass` t per element) arrives: it takes a free slot
    /// (its [`Ev::Finished`] is scheduled) or waits.
    pub fn start(&mut self, product: usize, mass: Vec<f64>, sched: &mut Scheduler<Ev>) {
        match self.busy.iter().position(Option::is_none) {
            Some(slot) => self.occupy(slot, (product, mass), sched),
            None => self.queue.push_back((product, mass)),
        }
    }

    /// Slot `slot` is done: returns its batch (product, t per element) to be sold; the next
    /// waiting batch takes the slot.
    pub fn finish(&mut self, slot: usize, sched: &mut Scheduler<Ev>) -> Batch {
        let done = self.busy[slot].take().expect("busy slot");
        if let Some(next) = self.queue.pop_front() {
            self.occupy(slot, next, sched);
        }
        done
    }

    /// Puts `batch` in `slot` and schedules its end.
    fn occupy(&mut self, slot: usize, batch: Batch, sched: &mut Scheduler<Ev>) {
        let t = self.sampler.sample(&mut self.rng).max(0.0);
        self.busy[slot] = Some(batch);
        sched.schedule_in(t, Ev::Finished { slot: slot as u32 });
    }

    /// The REO of every batch in the unit (in process, then waiting), t per element.
    pub fn masses(&self) -> impl Iterator<Item = &[f64]> {
        let busy = self.busy.iter().flatten();
        busy.chain(&self.queue).map(|(_, m)| m.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DistSpec, stream};

    #[test]
    fn a_full_unit_queues_batches_in_order() {
        let spec = FinishingSpec {
            capacity: 1,
            residence: DistSpec::Fixed { value: 2.0 },
        };
        let mut f = Finishing::new(&spec, stream(1, 0, 3));
        let mut sched = Scheduler::with_capacity(4);
        f.start(0, vec![1.0], &mut sched);
        f.start(1, vec![2.0], &mut sched);
        f.start(0, vec![3.0], &mut sched);
        assert_eq!(sched.pending(), 1, "one slot busy, two batches waiting");
        assert_eq!(
            f.masses().map(|m| m[0]).collect::<Vec<_>>(),
            [1.0, 2.0, 3.0]
        );
        assert_eq!(f.finish(0, &mut sched), (0, vec![1.0]));
        assert_eq!(f.finish(0, &mut sched), (1, vec![2.0]));
        assert_eq!(sched.pending(), 3, "each finish started the next batch");
    }
}
