//! Integration tests: plant.
