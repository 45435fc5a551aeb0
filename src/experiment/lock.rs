//! Exclusive write locks on output files: `FILE.lock`, created with `create_new` (atomic on
//! local file systems and NFS) before a sweep or merge touches `FILE`, and removed when the
//! writer finishes or fails. A second writer of the same file finds the lock and stops with an
//! input error (exit code 2) instead of racing the first and silently winning or losing.
//!
//! A process killed outright (`kill -9`, Ctrl-C, a cluster time limit) cannot remove its lock.
//! The lock file says which process on which host made it and when; the error message repeats
//! that, says whether that process still runs when it was made on this host, and how to remove
//! a stale lock. reesim never removes another process's lock by itself: on a shared file system
//! the owner may be alive on another machine.

use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Suffix of the lock file next to an output file.
pub const LOCK_SUFFIX: &str = ".lock";

/// `path` with `suffix` appended to its file name (`a/out.csv` -> `a/out.csv.lock`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock file of an output file: `FILE.lock`.
pub fn lock_path(file: &Path) -> PathBuf {
    with_suffix(file, LOCK_SUFFIX)
}

/// An exclusive lock on writing one output file; dropping it removes the lock file.
#[derive(Debug)]
pub struct OutputLock {
    lock: PathBuf,
}

impl OutputLock {
    /// Locks `file` for writing by creating `FILE.lock` exclusively. Errors (exit code 2) when
    /// the lock exists, naming `file`, the lock's owner and how to remove a stale lock.
    pub fn acquire(file: &Path) -> Result<OutputLock> {
        let lock = lock_path(file);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock);
        let mut handle = match created {
            Ok(h) => h,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::Input(held_message(file, &lock)));
            }
            Err(source) => return Err(Error::Io { path: lock, source }),
        };
        let guard = OutputLock { lock };
        // The owner's description is informative only: a lock whose text could not be written
        // still locks.
        let _ = handle.write_all(owner_text().as_bytes());
        Ok(guard)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.lock
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// This machine's host name (Linux: the kernel's; else `HOSTNAME`), or `unknown`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// What a lock file says about its owner: `key: value` lines.
fn owner_text() -> String {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let command: Vec<String> = std::env::args().collect();
    format!(
        "pid: {}\nhost: {}\nstarted: {started} (seconds since 1970-01-01 UTC)\ncommand: {}\n",
        std::process::id(),
        host_name(),
        command.join(" ")
    )
}

/// The value of `key: value` in a lock file's text.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// Whether the lock's owner still runs: known only for a lock made on this host (Linux).
fn owner_running(text: &str) -> Option<bool> {
    let pid: u32 = field(text, "pid")?.parse().ok()?;
    let here = Path::new("/proc/self").exists() && field(text, "host")? == host_name();
    here.then(|| Path::new(&format!("/proc/{pid}")).exists())
}

/// The error text when `lock` (of `file`) exists.
fn held_message(file: &Path, lock: &Path) -> String {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let owner = match (field(&text, "pid"), field(&text, "host")) {
        (Some(pid), Some(host)) => format!("pid {pid} on host {host}"),
        _ => "an unknown process".into(),
    };
    let (file, lock) = (file.display(), lock.display());
    let killed = "a run killed by kill -9, Ctrl-C or a time limit leaves its lock behind";
    let again = "run again (sweep --resume keeps the points already written)";
    match owner_running(&text) {
        Some(false) => format!(
            "{file}: locked by {lock}, but its owner ({owner}) no longer runs: the lock is \
             stale ({killed}); remove {lock} and {again}"
        ),
        running => {
            let state = if running == Some(true) {
                format!("{owner}, still running")
            } else {
                format!("made by {owner}")
            };
            format!(
                "{file}: another reesim is writing this file ({lock}: {state}); two runs must \
                 not write one file. If none is ({killed}), remove {lock} and {again}"
            )
        }
    }
}
