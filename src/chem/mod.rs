//! chem (being built).
