//! Plain data for each pane: what is shown and where the cursor is. No drawing, no I/O.

pub mod connect;
pub mod groups;
pub mod logs;
pub mod palette;
pub mod producer;
pub mod producer_history;
pub mod rate;
pub mod reach;
pub mod record;
pub mod ring;
pub mod schemas;
pub mod streams;
pub mod tail;
pub mod topics;
pub mod views;
pub mod window;

/// The four panes, in focus order (`1`-`4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Topics,
    Tail,
    Producer,
    Logs,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Topics, Pane::Tail, Pane::Producer, Pane::Logs];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % 4]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + 3) % 4]
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Topics => "Topics",
            Pane::Tail => "Tail",
            Pane::Producer => "Producer",
            Pane::Logs => "Logs",
        }
    }
}

/// A scrollable view over a growing list: following the end, or parked at an absolute
/// sequence number so that new items and evictions do not move what the person looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub follow: bool,
    /// Sequence number of the selected item when not following.
    pub selected: u64,
}

impl Default for Scroll {
    fn default() -> Self {
        Self {
            follow: true,
            selected: 0,
        }
    }
}

impl Scroll {
    /// The selected sequence number given the live range `[first, end)`.
    pub fn current(&self, first: u64, end: u64) -> Option<u64> {
        if end == first {
            return None;
        }
        if self.follow {
            Some(end - 1)
        } else {
            Some(self.selected.clamp(first, end - 1))
        }
    }

    /// Moves by `delta` items; moving past the end resumes following.
    pub fn move_by(&mut self, delta: i64, first: u64, end: u64) {
        let Some(cur) = self.current(first, end) else {
            return;
        };
        let target = (cur as i64 + delta).max(first as i64) as u64;
        if target >= end - 1 && delta > 0 {
            self.follow = true;
        } else {
            self.follow = false;
            self.selected = target.min(end - 1);
        }
    }

    pub fn top(&mut self, first: u64) {
        self.follow = false;
        self.selected = first;
    }

    pub fn bottom(&mut self) {
        self.follow = true;
    }

    /// Pauses on the newest item of `[first, end)`, or follows again.
    pub fn toggle_follow(&mut self, first: u64, end: u64) {
        if self.follow {
            self.selected = end.saturating_sub(1).max(first);
            self.follow = false;
        } else {
            self.follow = true;
        }
    }
}
