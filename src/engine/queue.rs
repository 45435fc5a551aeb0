//! The pending-event set: a 4-ary min-heap ordered by (time, insertion sequence).
//!
//! Simultaneous events therefore leave in the order they were scheduled (FIFO). Entries are
//! small `Copy` records stored inline in one preallocated `Vec`: pushing and popping never
//! allocate unless the queue outgrows its capacity (amortised doubling, as for `Vec`).
//!
//! Pop and push are fused: [`EventQueue::pop`] leaves the root slot empty ("taken") and a
//! following [`EventQueue::push`] fills that hole with one sift-down, so the common pattern of a
//! handler that schedules one event per event it handles costs one sift instead of two.

use super::SimTime;

/// One pending event. `key` is the time mapped to an order-preserving `u64`
/// ([`time_key`]), so (time, seq) compares as one `u128`, without branches.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    key: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// The (time, seq) order as one integer.
    #[inline(always)]
    fn rank(&self) -> u128 {
        (u128::from(self.key) << 64) | u128::from(self.seq)
    }

    /// Strictly earlier in (time, seq) order.
    #[inline(always)]
    fn before(&self, other: &Self) -> bool {
        self.rank() < other.rank()
    }
}

/// Maps a non-NaN `f64` to a `u64` with the same order (that of `f64::total_cmp`; -0 < +0).
#[inline(always)]
fn time_key(t: f64) -> u64 {
    let bits = t.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Inverse of [`time_key`].
#[inline(always)]
fn key_time(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

const ARITY: usize = 4;

/// A priority queue of events of type `E`, earliest time first, FIFO among equal times.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
    /// The root entry was handed out by `pop` and its slot is a hole to fill.
    root_taken: bool,
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue with room for `capacity` pending events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            next_seq: 0,
            root_taken: false,
        }
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.heap.len() - usize::from(self.root_taken)
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Insertion sequence numbers handed out so far, by pushes and reservations (the next one).
    #[inline]
    pub fn pushed(&self) -> u64 {
        self.next_seq
    }

    /// Schedules `event` at `time` (hours; must not be NaN, which `SimTime` guarantees).
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.reserve();
        self.push_reserved(time, seq, event);
    }

    /// Takes the next insertion sequence number without pushing anything: an event pushed
    /// later with it ([`push_reserved`](Self::push_reserved)) leaves among simultaneous events
    /// as if it had been pushed now.
    #[inline]
    pub fn reserve(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq - 1
    }

    /// Schedules `event` at `time` with the sequence number `seq` from
    /// [`reserve`](Self::reserve) (each used at most once).
    #[inline]
    pub fn push_reserved(&mut self, time: SimTime, seq: u64, event: E) {
        let entry = Entry {
            key: time_key(time.hours()),
            seq,
            event,
        };
        if self.root_taken {
            self.root_taken = false;
            self.sift_down(0, entry);
        } else {
            self.heap.push(entry);
            self.sift_up(self.heap.len() - 1);
        }
    }

    /// Removes and returns the earliest event, or `None` if the queue is empty.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.settle();
        let root = self.heap.first()?;
        self.root_taken = true;
        Some((SimTime::from_hours(key_time(root.key)), root.event))
    }

    /// Like [`pop`](Self::pop), but only if the earliest event is at or before `limit`.
    #[inline]
    pub fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        self.settle();
        let root = self.heap.first()?;
        if root.key > time_key(limit.hours()) {
            return None;
        }
        self.root_taken = true;
        Some((SimTime::from_hours(key_time(root.key)), root.event))
    }

    /// Time of the earliest pending event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.settle();
        self.heap
            .first()
            .map(|e| SimTime::from_hours(key_time(e.key)))
    }

    /// Removes every pending event (capacity is kept, the sequence counter is not reset).
    pub fn clear(&mut self) {
        self.heap.clear();
        self.root_taken = false;
    }

    /// Completes a pending pop: moves the last entry into the root hole.
    #[inline]
    fn settle(&mut self) {
        if self.root_taken {
            self.root_taken = false;
            let last = self
                .heap
                .pop()
                .expect("a taken root implies a non-empty heap");
            if !self.heap.is_empty() {
                self.sift_down(0, last);
            }
        }
    }

    /// Places `entry` at the hole `pos` and moves it down until the heap property holds.
    #[inline]
    fn sift_down(&mut self, mut pos: usize, entry: Entry<E>) {
        let heap = self.heap.as_mut_slice();
        let n = heap.len();
        loop {
            let first = ARITY * pos + 1;
            if first >= n {
                break;
            }
            let best = if first + ARITY <= n {
                // Full family: a branch-free tournament of the four children.
                let r = |i: usize| heap[i].rank();
                let a = if r(first + 1) < r(first) {
                    first + 1
                } else {
                    first
                };
                let b = if r(first + 3) < r(first + 2) {
                    first + 3
                } else {
                    first + 2
                };
                if r(b) < r(a) { b } else { a }
            } else {
                let mut best = first;
                for child in first + 1..n {
                    if heap[child].before(&heap[best]) {
                        best = child;
                    }
                }
                best
            };
            if heap[best].before(&entry) {
                heap[pos] = heap[best];
                pos = best;
            } else {
                break;
            }
        }
        heap[pos] = entry;
    }

    /// Moves the entry at `pos` up until the heap property holds.
    #[inline]
    fn sift_up(&mut self, mut pos: usize) {
        let heap = self.heap.as_mut_slice();
        let entry = heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if entry.before(&heap[parent]) {
                heap[pos] = heap[parent];
                pos = parent;
            } else {
                break;
            }
        }
        heap[pos] = entry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mix64;

    #[test]
    fn pops_in_time_then_fifo_order() {
        let mut q = EventQueue::with_capacity(4);
        let mut expected = Vec::new();
        // Interleave pushes and pops, with many equal times, against a sorted reference.
        let mut pending: Vec<(f64, usize, u32)> = Vec::new();
        for (seq, i) in (0..5000u32).enumerate() {
            let t = (mix64(u64::from(i)) % 50) as f64 * 0.5;
            let t = t.max(expected.last().map_or(0.0, |&(t, _)| t));
            q.push(SimTime::from_hours(t), i);
            pending.push((t, seq, i));
            if i % 3 == 0 {
                pending.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let (t, _, e) = pending.remove(0);
                assert_eq!(q.pop(), Some((SimTime::from_hours(t), e)));
                expected.push((t, e));
            }
        }
        pending.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (t, _, e) in pending {
            assert_eq!(q.pop(), Some((SimTime::from_hours(t), e)));
        }
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn a_reserved_place_leaves_as_if_pushed_when_reserved() {
        let mut q = EventQueue::with_capacity(4);
        let t = SimTime::from_hours(1.0);
        q.push(t, 'a');
        let place = q.reserve();
        q.push(t, 'c');
        q.push_reserved(t, place, 'b');
        q.push(SimTime::from_hours(0.5), 'z');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|p| p.1)).collect();
        assert_eq!(order, ['z', 'a', 'b', 'c']);
        assert_eq!(q.pushed(), 4);
    }

    #[test]
    fn pop_until_respects_the_limit() {
        let mut q = EventQueue::with_capacity(4);
        q.push(SimTime::from_hours(2.0), 'b');
        q.push(SimTime::from_hours(1.0), 'a');
        assert_eq!(
            q.pop_until(SimTime::from_hours(1.5)).map(|p| p.1),
            Some('a')
        );
        assert_eq!(q.pop_until(SimTime::from_hours(1.5)), None);
        assert_eq!(q.len(), 1);
        assert_eq!(q.peek_time(), Some(SimTime::from_hours(2.0)));
    }
}
