//! Lots in a flat slab indexed by `u32`, and intrusive FIFO lists threaded through them.
//!
//! A lot is in at most one list at a time (a feed queue, a stage's waiting line, a stage's
//! blocked line, or the slab's free list), so one `next` link per lot suffices: queues never
//! allocate, and freed slots are reused.

/// "No lot": the end of a list.
pub(crate) const NIL: u32 = u32::MAX;

/// Lots the plant can hold at once (lot ids are packed into 30 bits of an event).
pub(crate) const MAX_LOTS: u32 = 1 << 30;

/// Where a lot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LotState {
    /// Slot unused.
    Free,
    /// Waiting in a circuit's feed queue (the plant feed tank for the first circuit).
    InFeed,
    /// Waiting in front of a stage.
    Waiting,
    /// In service at a stage (possibly frozen by a breakdown).
    InService,
    /// Finished at a stage, waiting for room downstream.
    Blocked,
}

/// One lot of feed liquor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lot {
    /// Arrival at the plant, hours.
    pub arrived: f64,
    /// In service: the scheduled end, hours; frozen: the remaining service time, hours.
    pub end: f64,
    /// Service-start sequence number within its train (orders frozen lots on restart).
    pub order: u64,
    /// Next lot in whatever list holds this one.
    pub next: u32,
    /// Matches the token of the one valid completion event of this lot.
    pub token: u32,
    /// Global train index (valid while in a train).
    pub train: u32,
    /// Global stage index (valid while in a train).
    pub stage: u32,
    /// Where the lot is.
    pub state: LotState,
    /// Counted against its source tank's capacity (recycled lots are not).
    pub in_tank: bool,
}

/// The slab of lots, with each lot's mass per tracked element in a parallel flat array (only
/// touched when a lot enters or leaves a circuit, so the hot `Lot` records stay small).
#[derive(Debug, Clone)]
pub(crate) struct Lots {
    pub slots: Vec<Lot>,
    /// Lot i's masses are `mass[i * elements..(i + 1) * elements]`.
    pub mass: Vec<f64>,
    elements: usize,
    free: u32,
    live: u64,
}

impl Lots {
    /// An empty slab for lots of `elements` tracked elements, with room for `capacity` lots
    /// before it grows.
    pub fn with_capacity(capacity: usize, elements: usize) -> Self {
        Lots {
            slots: Vec::with_capacity(capacity),
            mass: Vec::with_capacity(capacity * elements),
            elements,
            free: NIL,
            live: 0,
        }
    }

    /// Lot `id`'s mass per element.
    #[inline]
    pub fn mass(&self, id: u32) -> &[f64] {
        let i = id as usize * self.elements;
        &self.mass[i..i + self.elements]
    }

    /// Lot `id`'s mass per element, to set.
    #[inline]
    pub fn mass_mut(&mut self, id: u32) -> &mut [f64] {
        let i = id as usize * self.elements;
        &mut self.mass[i..i + self.elements]
    }

    /// Lots currently in the plant.
    pub fn live(&self) -> u64 {
        self.live
    }

    /// A new lot that arrived at `arrived` hours.
    #[inline]
    pub fn alloc(&mut self, arrived: f64) -> u32 {
        self.live += 1;
        if self.free != NIL {
            let id = self.free;
            let lot = &mut self.slots[id as usize];
            self.free = lot.next;
            lot.arrived = arrived;
            lot.next = NIL;
            lot.state = LotState::InFeed;
            lot.in_tank = false;
            return id;
        }
        let id = u32::try_from(self.slots.len())
            .ok()
            .filter(|&id| id < MAX_LOTS)
            .expect("more than 2^30 lots in the plant at once");
        self.slots.push(Lot {
            arrived,
            end: 0.0,
            order: 0,
            next: NIL,
            token: 0,
            train: NIL,
            stage: NIL,
            state: LotState::InFeed,
            in_tank: false,
        });
        self.mass.resize(self.slots.len() * self.elements, 0.0);
        id
    }

    /// Returns lot `id`'s slot to the free list (its token is kept so stale events stay stale).
    #[inline]
    pub fn free(&mut self, id: u32) {
        self.live -= 1;
        let lot = &mut self.slots[id as usize];
        lot.state = LotState::Free;
        lot.next = self.free;
        self.free = id;
    }
}

/// An intrusive FIFO list of lots.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LotList {
    head: u32,
    tail: u32,
    /// Number of lots in the list.
    pub len: u32,
}

impl Default for LotList {
    fn default() -> Self {
        LotList {
            head: NIL,
            tail: NIL,
            len: 0,
        }
    }
}

impl LotList {
    /// Appends lot `id`.
    #[inline]
    pub fn push(&mut self, slots: &mut [Lot], id: u32) {
        slots[id as usize].next = NIL;
        if self.tail == NIL {
            self.head = id;
        } else {
            slots[self.tail as usize].next = id;
        }
        self.tail = id;
        self.len += 1;
    }

    /// Removes and returns the first lot.
    #[inline]
    pub fn pop(&mut self, slots: &[Lot]) -> Option<u32> {
        if self.head == NIL {
            return None;
        }
        let id = self.head;
        self.head = slots[id as usize].next;
        if self.head == NIL {
            self.tail = NIL;
        }
        self.len -= 1;
        Some(id)
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first lot, without removing it.
    #[inline]
    pub fn head(&self) -> Option<u32> {
        (self.head != NIL).then_some(self.head)
    }
}
