//! A progress bar on stderr that exists only when stderr is a terminal, so logs and pipes stay
//! clean. Safe to advance from many threads.
//!
//! A command that simulates may [`show`] one bar for its whole run (the *command bar*): the
//! replication runners advance it with [`tick`] as each replication finishes, so the study code
//! between the command and the runners need not pass it along. The bar only ever writes to a
//! terminal's stderr: standard output and files are the same with or without it.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// The command bar, while one is shown.
static COMMAND_BAR: Mutex<Option<Progress>> = Mutex::new(None);

/// Counts finished items of a long job; draws an indicatif bar on stderr only on a terminal.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` items labelled `what` (e.g. "points"), hidden unless stderr is a
    /// terminal.
    pub fn new(total: u64, what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::new(total);
        let template = format!("{{bar:40}} {{pos}}/{{len}} {what} [{{elapsed}} < {{eta}}]");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// A progress that never draws.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Whether a bar is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// One more item finished.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Shows `progress` as the command bar until the returned guard is dropped (which clears it).
/// Nothing is installed for a hidden progress; a bar already shown is replaced.
pub fn show(progress: Progress) -> Shown {
    if progress.is_visible() {
        if let Ok(mut bar) = COMMAND_BAR.lock() {
            *bar = Some(progress);
        }
    }
    Shown { _private: () }
}

/// One more replication finished: advances the command bar, if one is shown.
pub fn tick() {
    if let Ok(bar) = COMMAND_BAR.lock() {
        if let Some(p) = bar.as_ref() {
            p.inc();
        }
    }
}

/// Keeps the command bar on the terminal; dropping it clears the bar.
#[derive(Debug)]
#[must_use = "the bar is cleared when this guard is dropped"]
pub struct Shown {
    _private: (),
}

impl Drop for Shown {
    fn drop(&mut self) {
        if let Ok(mut bar) = COMMAND_BAR.lock() {
            if let Some(p) = bar.take() {
                p.finish();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_command_bar_is_not_installed_and_ticks_are_harmless() {
        let shown = show(Progress::hidden());
        tick();
        assert!(COMMAND_BAR.lock().map(|b| b.is_none()).unwrap_or(false));
        drop(shown);
        tick();
    }
}
