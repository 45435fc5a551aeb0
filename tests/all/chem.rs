//! Integration tests: chem.
