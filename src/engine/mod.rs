//! Generic discrete-event core: simulated clock, event queue with FIFO tie-break, run-until,
//! RNG streams, distribution specs and samplers. Knows nothing of plants or chemistry.

mod dist;
mod queue;
mod rng;
mod sampler;
mod scheduler;
mod time;

pub use dist::{DistError, DistSpec};
pub use queue::EventQueue;
pub use rng::{StreamRng, mix64, stream};
pub use sampler::Sampler;
pub use scheduler::{Model, Observer, Scheduler, Stop};
pub use time::SimTime;
