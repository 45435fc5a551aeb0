//! Feed queues and dispatch: how a circuit hands lots from its feed queue to its trains.

use super::Dispatch;
use super::event::Ev;
use super::lots::LotState;
use super::model::Plant;
use crate::engine::Scheduler;

impl Plant {
    /// Lot `lot` joins circuit `c`'s feed queue (`counted`: it takes a place of the source
    /// tank's capacity; recycled lots do not) and the circuit dispatches what it can.
    pub(crate) fn enter_circuit(
        &mut self,
        c: usize,
        lot: u32,
        counted: bool,
        sched: &mut Scheduler<Ev>,
    ) {
        let l = &mut self.lots.slots[lot as usize];
        l.state = LotState::InFeed;
        l.in_tank = counted;
        let circuit = &mut self.circuits[c];
        circuit.in_tank += u32::from(l.in_tank);
        circuit.feed.push(&mut self.lots.slots, lot);
        self.stats.circuits[c]
            .feed
            .add(self.now, 1.0, self.stats.warmup);
        self.dispatch(c, sched);
        self.line_changed(c, sched);
    }

    /// Sends waiting lots of circuit `c` to trains while the policy finds one (none while the
    /// circuit is parked by its campaign line).
    pub(crate) fn dispatch(&mut self, c: usize, sched: &mut Scheduler<Ev>) {
        if self.circuits[c].parked {
            return;
        }
        while !self.circuits[c].feed.is_empty() {
            let target = match self.circuits[c].dispatch {
                Dispatch::SharedQueue => self.first_with_room(c),
                Dispatch::RoundRobin => self.next_in_turn(c),
                Dispatch::ShortestQueue => self.shortest(c),
            };
            let Some(k) = target else { return };
            self.take_from_feed(c, k, sched);
        }
    }

    /// Whether a lot arriving now at circuit `c` would go straight into a train.
    pub(crate) fn can_place_now(&self, c: usize) -> bool {
        let circuit = &self.circuits[c];
        if !circuit.feed.is_empty() || circuit.parked {
            return false;
        }
        match circuit.dispatch {
            Dispatch::SharedQueue => self.first_with_room(c).is_some(),
            _ => !circuit.skip_down || self.trains_of(c).any(|k| self.trains[k as usize].up),
        }
    }

    /// Under the shared queue, train `k`'s first stage may have room: pull waiting lots.
    #[inline]
    pub(crate) fn pull_shared(&mut self, k: u32, sched: &mut Scheduler<Ev>) {
        let train = &self.trains[k as usize];
        let c = train.circuit as usize;
        if self.circuits[c].dispatch != Dispatch::SharedQueue {
            return;
        }
        while !self.circuits[c].feed.is_empty()
            && self.trains[k as usize].runs()
            && self.stages[self.trains[k as usize].first as usize].has_room()
        {
            self.take_from_feed(c, k, sched);
        }
    }

    /// Moves the first lot of circuit `c`'s feed queue into train `k`; the room this makes in
    /// the source tank may release lots blocked upstream.
    fn take_from_feed(&mut self, c: usize, k: u32, sched: &mut Scheduler<Ev>) {
        let circuit = &mut self.circuits[c];
        let lot = circuit
            .feed
            .pop(&self.lots.slots)
            .expect("feed queue not empty");
        circuit.in_tank -= u32::from(self.lots.slots[lot as usize].in_tank);
        self.lots.slots[lot as usize].in_tank = false;
        self.stats.circuits[c]
            .feed
            .add(self.now, -1.0, self.stats.warmup);
        self.enter_train(k, lot, sched);
        if self.blocked_total > 0 {
            self.unblock(sched);
        }
        self.line_changed(c, sched);
    }

    /// Global indices of circuit `c`'s trains.
    pub(crate) fn trains_of(&self, c: usize) -> std::ops::Range<u32> {
        let circuit = &self.circuits[c];
        circuit.first_train..circuit.first_train + circuit.trains
    }

    /// Shared queue: the lowest-index up train whose first stage can take a lot.
    fn first_with_room(&self, c: usize) -> Option<u32> {
        self.trains_of(c).find(|&k| {
            let train = &self.trains[k as usize];
            train.runs() && self.stages[train.first as usize].has_room()
        })
    }

    /// Round robin: the next train in turn (the next up train in turn with skipping).
    fn next_in_turn(&mut self, c: usize) -> Option<u32> {
        let circuit = &self.circuits[c];
        let n = circuit.trains;
        let offset = (0..n)
            .map(|i| (circuit.rr_next + i) % n)
            .find(|&i| !circuit.skip_down || self.trains[(circuit.first_train + i) as usize].up)?;
        let circuit = &mut self.circuits[c];
        circuit.rr_next = (offset + 1) % n;
        Some(circuit.first_train + offset)
    }

    /// Shortest queue: fewest lots in the train, ties to the lowest index (up trains only with
    /// skipping).
    fn shortest(&self, c: usize) -> Option<u32> {
        let skip = self.circuits[c].skip_down;
        self.trains_of(c)
            .filter(|&k| !skip || self.trains[k as usize].up)
            .min_by_key(|&k| self.trains[k as usize].lots)
    }
}
