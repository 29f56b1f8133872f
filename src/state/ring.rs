//! A ring buffer bounded by item count and by bytes, that numbers its items so views can hold
//! a position across evictions.

use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    sizes: VecDeque<usize>,
    max_items: usize,
    max_bytes: usize,
    bytes: usize,
    /// Sequence number of `items[0]`.
    first_seq: u64,
    /// Items evicted so far.
    evicted: u64,
}

impl<T> Ring<T> {
    pub fn new(max_items: usize, max_bytes: usize) -> Self {
        Self {
            items: VecDeque::new(),
            sizes: VecDeque::new(),
            max_items: max_items.max(1),
            max_bytes: max_bytes.max(1),
            bytes: 0,
            first_seq: 0,
            evicted: 0,
        }
    }

    pub fn push(&mut self, item: T, size: usize) {
        self.push_evicting(item, size, drop);
    }

    /// Like `push`, but hands each evicted item to `evicted` instead of dropping it, so its
    /// buffers can be reused.
    pub fn push_evicting(&mut self, item: T, size: usize, mut evicted: impl FnMut(T)) {
        self.items.push_back(item);
        self.sizes.push_back(size);
        self.bytes += size;
        // Always keep the newest item, even if it alone exceeds the byte budget.
        while self.items.len() > 1
            && (self.items.len() > self.max_items || self.bytes > self.max_bytes)
        {
            if let Some(old) = self.items.pop_front() {
                evicted(old);
            }
            self.bytes -= self.sizes.pop_front().unwrap_or(0);
            self.first_seq += 1;
            self.evicted += 1;
        }
    }

    pub fn clear(&mut self) {
        self.first_seq += self.items.len() as u64;
        self.items.clear();
        self.sizes.clear();
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    pub fn max_items(&self) -> usize {
        self.max_items
    }

    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// On an empty ring: continue the numbering (and the eviction count) of another.
    pub fn skip_to(&mut self, first_seq: u64, evicted: u64) {
        if self.items.is_empty() {
            self.first_seq = first_seq;
            self.evicted = evicted;
        }
    }

    /// Sequence number of the oldest item held.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the newest item's sequence number.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.items.len() as u64
    }

    pub fn get_seq(&self, seq: u64) -> Option<&T> {
        let idx = seq.checked_sub(self.first_seq)?;
        self.items.get(usize::try_from(idx).ok()?)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    /// Items with sequence numbers in `[from, to)`, clamped to what is held.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = (u64, &T)> {
        let from = from.max(self.first_seq).min(self.end_seq());
        let to = to.min(self.end_seq()).max(from);
        let start = (from - self.first_seq) as usize;
        let end = (to - self.first_seq) as usize;
        self.items
            .range(start..end)
            .enumerate()
            .map(move |(i, t)| (from + i as u64, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_count() {
        let mut r = Ring::new(3, usize::MAX);
        for i in 0..5 {
            r.push(i, 1);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(r.first_seq(), 2);
        assert_eq!(r.end_seq(), 5);
        assert_eq!(r.evicted(), 2);
        assert_eq!(r.get_seq(3), Some(&3));
        assert_eq!(r.get_seq(1), None);
    }

    #[test]
    fn bounded_by_bytes_but_keeps_newest() {
        let mut r = Ring::new(100, 10);
        r.push("a", 4);
        r.push("b", 4);
        r.push("c", 4);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec!["b", "c"]);
        assert_eq!(r.bytes(), 8);
        r.push("huge", 50);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec!["huge"]);
    }

    #[test]
    fn push_evicting_hands_back_what_it_evicts() {
        let mut r = Ring::new(2, 10);
        let mut out = Vec::new();
        for i in 0..4 {
            r.push_evicting(i, 3, |old| out.push(old));
        }
        assert_eq!(out, vec![0, 1]);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(r.evicted(), 2);
        // By bytes as well, keeping the newest even when it alone is too big.
        r.push_evicting(9, 50, |old| out.push(old));
        assert_eq!(out, vec![0, 1, 2, 3]);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![9]);
        assert_eq!(r.bytes(), 50);
    }

    #[test]
    fn range_is_clamped() {
        let mut r = Ring::new(3, usize::MAX);
        for i in 0..6 {
            r.push(i, 1);
        }
        let got: Vec<_> = r.range(0, 100).map(|(s, v)| (s, *v)).collect();
        assert_eq!(got, vec![(3, 3), (4, 4), (5, 5)]);
        assert_eq!(r.range(4, 5).count(), 1);
        assert_eq!(r.range(9, 2).count(), 0);
    }

    #[test]
    fn clear_keeps_numbering_monotonic() {
        let mut r = Ring::new(3, usize::MAX);
        r.push(1, 1);
        r.push(2, 1);
        r.clear();
        assert!(r.is_empty());
        assert_eq!(r.first_seq(), 2);
        r.push(3, 1);
        assert_eq!(r.get_seq(2), Some(&3));
    }
}
