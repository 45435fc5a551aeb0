//! Generic discrete-event core: simulated clock, event queue with FIFO tie-break, RNG streams,
//! distribution specs. Knows nothing of plants or chemistry.

/// A probability distribution of a duration or quantity (being built).
#[derive(Debug, Clone, PartialEq)]
pub enum DistSpec {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
}
