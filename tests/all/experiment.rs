//! Integration tests: experiment.
