//! The crate's error type and its mapping to process exit codes.

use std::path::PathBuf;

/// Everything that can go wrong in reesim, split by who must act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's input is wrong (scenario file, flag value): exit code 2.
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written (missing, a directory, not UTF-8, no permission, a
    /// read-only destination): the user can fix it, exit code 2.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A bug or an impossible state in reesim itself: exit code 1.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The process exit code for this error: 2 for what the user can fix (input, files), 1 for
    /// reesim's own faults.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Io { .. } => 2,
            Error::Internal(_) => 1,
        }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
