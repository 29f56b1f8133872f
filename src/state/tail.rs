//! The tail pane's data: a bounded buffer of records and how they are shown.

use super::ring::Ring;
use super::Scroll;
use crate::kafka::codec::Format;
use crate::model::recycle;
use crate::model::Record;
use crate::model::StartFrom;

pub const DEFAULT_MAX_RECORDS: usize = 10_000;
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailStatus {
    /// No topic chosen yet.
    Idle,
    Starting,
    Live {
        partitions: usize,
    },
    /// Waiting or failing: the text says why.
    Problem {
        text: String,
        error: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// "3s ago"
    #[default]
    Relative,
    /// RFC 3339
    Absolute,
}

#[derive(Debug, Clone)]
pub struct TailState {
    pub records: Ring<Record>,
    pub topic: Option<String>,
    pub start: StartFrom,
    /// Which tail the records belong to; batches from older tails are ignored.
    pub generation: u64,
    pub status: TailStatus,
    /// Something the tail could not do as asked (e.g. seek by time on the mock).
    pub notice: Option<String>,
    pub scroll: Scroll,
    pub format: Format,
    pub time_format: TimeFormat,
    /// The record detail view is open on the selected record.
    pub detail: bool,
    pub detail_scroll: u16,
    /// Records received since the tail started.
    pub received: u64,
    /// Partitions the tail is assigned.
    pub partitions: usize,
}

impl TailState {
    pub fn new(max_records: usize, max_bytes: usize) -> Self {
        Self {
            records: Ring::new(max_records, max_bytes),
            topic: None,
            start: StartFrom::End,
            generation: 0,
            status: TailStatus::Idle,
            notice: None,
            scroll: Scroll::default(),
            format: Format::Auto,
            time_format: TimeFormat::Relative,
            detail: false,
            detail_scroll: 0,
            received: 0,
            partitions: 0,
        }
    }

    /// Begins a new tail: forgets the old records and returns the new generation.
    pub fn restart(&mut self, topic: String, start: StartFrom) -> u64 {
        self.generation += 1;
        self.topic = Some(topic);
        self.start = start;
        self.records.clear();
        self.status = TailStatus::Starting;
        self.notice = None;
        self.scroll = Scroll::default();
        self.detail = false;
        self.received = 0;
        self.generation
    }

    pub fn push_batch(&mut self, generation: u64, mut records: Vec<Record>) -> bool {
        if generation != self.generation {
            return false;
        }
        self.received += records.len() as u64;
        // Evicted records go back to the tail thread to be filled again (see `recycle`).
        let mut evicted = Vec::with_capacity(records.len());
        for r in records.drain(..) {
            let size = r.approx_size();
            self.records.push_evicting(r, size, |old| evicted.push(old));
        }
        recycle::give_back(evicted, records);
        true
    }

    pub fn selected(&self) -> Option<&Record> {
        let seq = self
            .scroll
            .current(self.records.first_seq(), self.records.end_seq())?;
        self.records.get_seq(seq)
    }

    pub fn move_by(&mut self, delta: i64) {
        self.scroll
            .move_by(delta, self.records.first_seq(), self.records.end_seq());
    }

    pub fn paused(&self) -> bool {
        !self.scroll.follow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: i64) -> Record {
        Record {
            topic: "t".into(),
            partition: 0,
            offset: i,
            timestamp_ms: None,
            key: None,
            value: Some(format!("v{i}").into_bytes()),
            headers: Vec::new(),
        }
    }

    #[test]
    fn push_batch_keeps_the_newest_and_counts_all() {
        let mut t = TailState::new(3, usize::MAX);
        let g = t.restart("t".into(), StartFrom::Beginning);
        assert!(t.push_batch(g, (0..5).map(record).collect()));
        assert!(t.push_batch(g, (5..7).map(record).collect()));
        assert_eq!(t.received, 7);
        let offsets: Vec<i64> = t.records.iter().map(|r| r.offset).collect();
        assert_eq!(offsets, vec![4, 5, 6]);
        assert_eq!(t.records.evicted(), 4);
    }

    #[test]
    fn stale_batches_are_ignored() {
        let mut t = TailState::new(3, usize::MAX);
        let g = t.restart("t".into(), StartFrom::Beginning);
        assert!(!t.push_batch(g + 1, vec![record(0)]));
        assert_eq!(t.received, 0);
        assert!(t.records.is_empty());
    }
}
