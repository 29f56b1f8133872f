//! How far a scrolling text reaches (its last row at the bottom of what shows), as the last
//! frame measured it. Only drawing knows how many rows a text wraps to, so drawing records the
//! reach (through a `Cell`: the screen is drawn from `&App`, as ratatui's `ListState` records
//! its offset) and input bounds its scrolling by it, so that Page Up after overscrolling comes
//! straight back. Each reach is stamped with what it measured (`key_of` the view, the record),
//! so that a key read before a new text's first frame is not bounded by the old text's reach;
//! drawing clamps too, so an overshoot then is never seen.

use std::cell::Cell;
use std::hash::{DefaultHasher, Hash, Hasher};

#[derive(Debug, Default, Clone)]
pub struct Reach(Cell<Option<(u64, usize)>>);

/// What a reach is for: a hash of whatever tells the texts apart.
pub fn key_of(what: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    what.hash(&mut h);
    h.finish()
}

impl Reach {
    /// Set by drawing: the furthest the text `key` can scroll in the rows it had.
    pub fn measured(&self, key: u64, max: usize) {
        self.0.set(Some((key, max)));
    }

    /// `from` moved by `delta`, within `0..=` the reach of text `key` (unbounded before its
    /// first frame).
    pub fn step(&self, key: u64, from: usize, delta: i64) -> usize {
        let max = match self.0.get() {
            Some((k, max)) if k == key => max,
            _ => usize::MAX,
        };
        let max = max.min(i64::MAX as usize) as i64;
        (from.min(i64::MAX as usize) as i64)
            .saturating_add(delta)
            .clamp(0, max) as usize
    }
}

/// The scrolling texts input bounds: the `?` help, the record detail, the top view.
#[derive(Debug, Default, Clone)]
pub struct Reaches {
    pub help: Reach,
    pub record: Reach,
    pub view: Reach,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_stays_between_the_top_and_the_measured_reach() {
        let r = Reach::default();
        assert_eq!(r.step(1, 0, 1_000), 1_000, "unbounded before a frame");
        r.measured(1, 12);
        assert_eq!(r.step(1, 10, 10), 12);
        assert_eq!(r.step(1, 3, -10), 0);
        assert_eq!(
            r.step(1, 40, -10),
            12,
            "a stale place comes back within the reach"
        );
        assert_eq!(r.step(1, 5, 1), 6);
        assert_eq!(
            r.step(2, 0, 30),
            30,
            "another text's reach does not bound this one"
        );
    }
}
