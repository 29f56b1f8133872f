//! Records per second, second by second, over the last half minute: the tailed topic's
//! sparkline in the Topics pane.

use std::collections::VecDeque;
use std::time::SystemTime;

/// Seconds kept.
pub const SECONDS: usize = 30;

#[derive(Debug, Clone, Default)]
pub struct Rate {
    /// When counting began: second 0.
    epoch: Option<SystemTime>,
    /// The second the last bucket counts.
    last: u64,
    /// Records per second, oldest first; the last bucket is the second still counting.
    buckets: VecDeque<u64>,
}

impl Rate {
    pub fn add(&mut self, at: SystemTime, records: u64) {
        let epoch = *self.epoch.get_or_insert(at);
        let sec = at.duration_since(epoch).map_or(0, |d| d.as_secs());
        self.advance(sec);
        if let Some(b) = self.buckets.back_mut() {
            *b = b.saturating_add(records);
        }
    }

    fn advance(&mut self, sec: u64) {
        if self.buckets.is_empty() {
            self.buckets.push_back(0);
            self.last = sec;
        }
        // A clock that went back counts into the current second.
        let gap = sec.saturating_sub(self.last).min(SECONDS as u64 + 1);
        for _ in 0..gap {
            self.buckets.push_back(0);
        }
        self.last = self.last.max(sec);
        while self.buckets.len() > SECONDS + 1 {
            self.buckets.pop_front();
        }
    }

    /// The whole seconds up to `now`, oldest first (the second still counting is left out,
    /// so the newest bar never looks like a drop); empty before the first record.
    pub fn per_second(&self, now: SystemTime) -> VecDeque<Option<i64>> {
        let Some(epoch) = self.epoch else {
            return VecDeque::new();
        };
        let sec = now.duration_since(epoch).map_or(0, |d| d.as_secs());
        let idle = sec.saturating_sub(self.last) as usize;
        let mut out: VecDeque<Option<i64>> = self
            .buckets
            .iter()
            .map(|&n| Some(i64::try_from(n).unwrap_or(i64::MAX)))
            .chain(std::iter::repeat(Some(0)).take(idle.min(SECONDS + 1)))
            .collect();
        out.pop_back();
        while out.len() > SECONDS {
            out.pop_front();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn counts_per_whole_second_and_idle_seconds_are_zero() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut r = Rate::default();
        assert!(r.per_second(at(5000)).is_empty());
        r.add(at(0), 3);
        r.add(at(900), 2);
        r.add(at(1100), 7);
        // During second 1 only second 0 is whole.
        assert_eq!(r.per_second(at(1500)), VecDeque::from([Some(5)]));
        assert_eq!(
            r.per_second(at(4200)),
            VecDeque::from([Some(5), Some(7), Some(0), Some(0)])
        );
        // An hour later: half a minute of zeros, no more.
        let later = r.per_second(at(3_600_000));
        assert_eq!(later.len(), SECONDS);
        assert!(later.iter().all(|v| *v == Some(0)));
        r.add(at(3_600_000), 1);
        assert_eq!(r.per_second(at(3_601_000)).back(), Some(&Some(1)));
        assert!(r.per_second(at(3_601_000)).len() <= SECONDS);
    }
}
