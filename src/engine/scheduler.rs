//! The simulation loop: a model handles events and schedules new ones through a [`Scheduler`].

use super::{EventQueue, SimTime};

/// A discrete-event model, generic over its own (small, `Copy`) event type.
///
/// Dispatch is static: the engine is monomorphised for each model.
pub trait Model {
    /// The model's event type; keep it small (it is stored inline in the queue).
    type Event: Copy;

    /// Reacts to `event` at time `sched.now()`, scheduling further events on `sched`.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// Watches a run of model `M` step by step (see [`Scheduler::run_until_observed`]): for
/// tracing, plots and checks that stay out of the model's own code.
///
/// Dispatch is static: the loop is monomorphised for each observer.
pub trait Observer<M> {
    /// Called after each event is handled, with the model as the event left it and the
    /// event's time `now`. The model stays in this state until the next event (its continuous
    /// quantities follow the rates it set).
    fn observe(&mut self, model: &M, now: SimTime);
}

/// Why a bounded run ([`Scheduler::run_until_bounded`]) stopped before its horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It handled its event budget.
    Budget,
    /// Its clock stopped advancing: too many events in a row at one time.
    Stalled,
}

/// The simulated clock and the pending events of one run.
#[derive(Debug, Clone)]
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
    handled: u64,
}

impl<E: Copy> Scheduler<E> {
    /// A scheduler at time 0 with room for `capacity` pending events before reallocating.
    pub fn with_capacity(capacity: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::with_capacity(capacity),
            handled: 0,
        }
    }

    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events handled so far.
    #[inline]
    pub fn handled(&self) -> u64 {
        self.handled
    }

    /// Pending events.
    #[inline]
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Schedules `event` at absolute time `at`. Panics if `at` is before `now` (a model bug).
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        assert!(
            at >= self.now,
            "event scheduled in the past: {at} < {}",
            self.now
        );
        self.queue.push(at, event);
    }

    /// Schedules `event` `delay_h` hours from now (`delay_h` >= 0, not NaN).
    #[inline]
    pub fn schedule_in(&mut self, delay_h: f64, event: E) {
        assert!(delay_h >= 0.0, "negative or NaN delay: {delay_h}");
        self.queue
            .push(SimTime::from_hours(self.now.hours() + delay_h), event);
    }

    /// Takes the place in the FIFO order among simultaneous events that an event scheduled now
    /// would get, for [`schedule_reserved`](Self::schedule_reserved): a model can keep an event
    /// it may never need out of the queue and still have it leave, if it is scheduled later,
    /// exactly where it would have.
    #[inline]
    pub fn reserve(&mut self) -> u64 {
        self.queue.reserve()
    }

    /// Schedules `event` at absolute time `at` with the place `seq` from
    /// [`reserve`](Self::reserve) (each used at most once). Panics if `at` is before `now`.
    /// The (time, place) must come after the event being handled, else it leaves out of order.
    #[inline]
    pub fn schedule_reserved(&mut self, at: SimTime, seq: u64, event: E) {
        assert!(
            at >= self.now,
            "event scheduled in the past: {at} < {}",
            self.now
        );
        self.queue.push_reserved(at, seq, event);
    }

    /// Handles the next event if it is at or before `horizon`; returns whether it did.
    #[inline]
    pub fn step<M: Model<Event = E>>(&mut self, model: &mut M, horizon: SimTime) -> bool {
        let Some((time, event)) = self.queue.pop_until(horizon) else {
            return false;
        };
        self.now = time;
        self.handled += 1;
        model.handle(event, self);
        true
    }

    /// As [`run_until`](Self::run_until), but stops early, saying why, after `budget` events
    /// in this call or `same_instant` events in a row at one time (a clock that no longer
    /// advances). Returns the events handled and the reason it stopped early, if it did.
    pub fn run_until_bounded<M: Model<Event = E>>(
        &mut self,
        model: &mut M,
        horizon: SimTime,
        budget: u64,
        same_instant: u64,
    ) -> (u64, Option<Stop>) {
        let start = self.handled;
        let mut same = 0u64;
        while let Some((time, event)) = self.queue.pop_until(horizon) {
            same = if time == self.now { same + 1 } else { 0 };
            self.now = time;
            self.handled += 1;
            model.handle(event, self);
            if self.handled - start >= budget {
                return (self.handled - start, Some(Stop::Budget));
            }
            if same >= same_instant {
                return (self.handled - start, Some(Stop::Stalled));
            }
        }
        if horizon > self.now {
            self.now = horizon;
        }
        (self.handled - start, None)
    }

    /// Handles events in (time, FIFO) order while their time is at or before `horizon`, then
    /// sets the clock to `horizon` (if later than now). Events after the horizon stay pending.
    /// Returns the number of events handled in this call.
    pub fn run_until<M: Model<Event = E>>(&mut self, model: &mut M, horizon: SimTime) -> u64 {
        let start = self.handled;
        while let Some((time, event)) = self.queue.pop_until(horizon) {
            self.now = time;
            self.handled += 1;
            model.handle(event, self);
        }
        if horizon > self.now {
            self.now = horizon;
        }
        self.handled - start
    }

    /// As [`run_until`](Self::run_until), and `observer` sees the model after each event.
    pub fn run_until_observed<M: Model<Event = E>, O: Observer<M>>(
        &mut self,
        model: &mut M,
        horizon: SimTime,
        observer: &mut O,
    ) -> u64 {
        let start = self.handled;
        while let Some((time, event)) = self.queue.pop_until(horizon) {
            self.now = time;
            self.handled += 1;
            model.handle(event, self);
            observer.observe(model, time);
        }
        if horizon > self.now {
            self.now = horizon;
        }
        self.handled - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts its events; each event `n > 0` schedules event `n - 1` one hour later.
    struct Countdown {
        handled: u32,
    }

    impl Model for Countdown {
        type Event = u32;

        fn handle(&mut self, event: u32, sched: &mut Scheduler<u32>) {
            self.handled += 1;
            if event > 0 {
                sched.schedule_in(1.0, event - 1);
            }
        }
    }

    /// Records (time, events the model had handled) at each observation.
    struct Log(Vec<(f64, u32)>);

    impl Observer<Countdown> for Log {
        fn observe(&mut self, model: &Countdown, now: SimTime) {
            self.0.push((now.hours(), model.handled));
        }
    }

    #[test]
    fn the_observer_sees_the_model_after_each_event() {
        let mut sched = Scheduler::with_capacity(4);
        sched.schedule_at(SimTime::from_hours(0.5), 5);
        let mut model = Countdown { handled: 0 };
        let mut log = Log(Vec::new());
        let horizon = SimTime::from_hours(3.5);
        let n = sched.run_until_observed(&mut model, horizon, &mut log);
        assert_eq!(n, 4);
        assert_eq!(log.0, [(0.5, 1), (1.5, 2), (2.5, 3), (3.5, 4)]);
        assert_eq!(
            sched.pending(),
            1,
            "the event after the horizon stays pending"
        );

        let mut plain = Scheduler::with_capacity(4);
        plain.schedule_at(SimTime::from_hours(0.5), 5);
        let mut same = Countdown { handled: 0 };
        assert_eq!(plain.run_until(&mut same, horizon), n);
        assert_eq!(same.handled, model.handled);
    }

    /// Schedules its next event `step_h` after each one, forever.
    struct Repeat {
        step_h: f64,
    }

    impl Model for Repeat {
        type Event = u8;

        fn handle(&mut self, _: u8, sched: &mut Scheduler<u8>) {
            sched.schedule_in(self.step_h, 0);
        }
    }

    #[test]
    fn a_bounded_run_stops_at_its_budget_or_a_stalled_clock() {
        let horizon = SimTime::from_hours(10.0);
        let mut sched = Scheduler::with_capacity(2);
        sched.schedule_at(SimTime::ZERO, 0);
        let (n, stop) = sched.run_until_bounded(&mut Repeat { step_h: 1e-6 }, horizon, 500, 10);
        assert_eq!((n, stop), (500, Some(Stop::Budget)));
        let mut sched = Scheduler::with_capacity(2);
        sched.schedule_at(SimTime::from_hours(1.0), 0);
        let (n, stop) = sched.run_until_bounded(&mut Repeat { step_h: 0.0 }, horizon, 500, 10);
        // The first event at 1 h, then 10 more at the same time.
        assert_eq!((n, stop), (11, Some(Stop::Stalled)));
        let mut sched = Scheduler::with_capacity(2);
        sched.schedule_at(SimTime::ZERO, 0);
        let (n, stop) = sched.run_until_bounded(&mut Repeat { step_h: 1.0 }, horizon, 500, 10);
        assert_eq!((n, stop), (11, None));
        assert_eq!(sched.now(), horizon);
    }
}
