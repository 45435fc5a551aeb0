//! Chemistry (placeholder until the chemistry core lands).

/// An element (placeholder).
pub struct Element;

impl Element {
    /// Placeholder.
    pub fn from_symbol(s: &str) -> Option<Self> {
        [
            "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
            "Y", "Sc", "Pm",
        ]
        .contains(&s)
        .then_some(Element)
    }
}
