//! The crate's error type and its mapping to process exit codes.

use std::path::PathBuf;

/// Everything that can go wrong in reesim, split by who must act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's input is wrong (scenario file, flag value): exit code 2.
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written: exit code 2 when reading user input, 1 otherwise.
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
    /// The process exit code for this error: 2 for bad input, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 2,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => 2,
            Error::Io { .. } | Error::Internal(_) => 1,
        }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
