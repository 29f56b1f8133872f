//! The tail pane's data: a bounded buffer of records and how they are shown.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use super::ring::Ring;
use super::Scroll;
use crate::find::jq::{Jq, JqError};
use crate::find::Query;
use crate::model::recycle;
use crate::model::Record;
use crate::model::{StartFrom, TopicSet};
use crate::text::Format;

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

/// How long the UI waits for a jq program over a batch before switching it off.
pub const JQ_DEADLINE: Duration = Duration::from_secs(2);

/// What a filter does to the records it does not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindMode {
    /// Only matching records are listed.
    #[default]
    Hide,
    /// Every record is listed, matches stand out, `n`/`N` jump between them.
    Highlight,
}

/// The `/` filter and the `:jq` program over the held records, and which of them match.
#[derive(Debug, Default)]
pub struct Finder {
    pub query: Option<Query>,
    pub jq: Option<Jq>,
    pub mode: FindMode,
    /// Sequence numbers of the held records that match, oldest first.
    matches: VecDeque<u64>,
    /// The match number of `matches[0]`: it only grows, so a parked scroll stays put when
    /// old matches leave the buffer (as `Ring` numbers its items).
    match_first: u64,
    /// What the jq program made of each matching record, shown in place of its value.
    shown: HashMap<u64, String>,
    /// Records the jq program failed on, and the last such error.
    pub jq_errors: u64,
    pub jq_last_error: Option<String>,
    /// Why the filter is not what was typed (a bad regex while typing, a jq switched off).
    pub problem: Option<String>,
}

impl Finder {
    pub fn active(&self) -> bool {
        self.query.is_some() || self.jq.is_some()
    }

    pub fn matched(&self) -> usize {
        self.matches.len()
    }

    fn clear_matches(&mut self) {
        self.match_first += self.matches.len() as u64;
        self.matches.clear();
        self.shown.clear();
        self.jq_errors = 0;
        self.jq_last_error = None;
    }

    /// Forgets matches that left the buffer.
    fn evict_before(&mut self, first_seq: u64) {
        while self.matches.front().is_some_and(|&s| s < first_seq) {
            if let Some(s) = self.matches.pop_front() {
                self.shown.remove(&s);
            }
            self.match_first += 1;
        }
    }

    /// Filters `records` (sequence number, record) and appends the matches.
    fn scan<'a>(&mut self, records: impl Iterator<Item = (u64, &'a Record)>) {
        let passed: Vec<(u64, &Record)> = records
            .filter(|(_, r)| self.query.as_ref().map_or(true, |q| q.matches(r)))
            .collect();
        let Some(jq) = &self.jq else {
            self.matches.extend(passed.iter().map(|(s, _)| *s));
            return;
        };
        let values = passed.iter().map(|(_, r)| r.value.clone()).collect();
        match jq.eval(values, JQ_DEADLINE) {
            Ok(outcomes) => {
                for ((seq, _), outcome) in passed.iter().zip(outcomes) {
                    if let crate::find::jq::Outcome::Error(e) = &outcome {
                        self.jq_errors += 1;
                        self.jq_last_error = Some(e.clone());
                    }
                    if let Some(text) = outcome.shown() {
                        self.matches.push_back(*seq);
                        self.shown.insert(*seq, text);
                    }
                }
            }
            Err(e) => {
                // Switched off: the text filter alone goes on.
                self.problem = Some(e.to_string());
                self.jq = None;
                self.matches.extend(passed.iter().map(|(s, _)| *s));
            }
        }
    }

    /// Whether the record with this sequence number matches.
    pub fn is_match(&self, seq: u64) -> bool {
        self.matches.binary_search(&seq).is_ok()
    }

    /// What the jq program shows for this record, if one is set.
    pub fn shown(&self, seq: u64) -> Option<&str> {
        self.shown.get(&seq).map(String::as_str)
    }
}

#[derive(Debug)]
pub struct TailState {
    pub records: Ring<Record>,
    /// What the tail reads (`None`: no tail yet).
    pub topics: Option<TopicSet>,
    /// The topics it reads so far, as the tail's thread last said (a pattern's grow).
    pub joined: Vec<String>,
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
    /// Records received per second (the Topics pane's sparkline).
    pub rate: super::rate::Rate,
    /// Partitions the tail is assigned.
    pub partitions: usize,
    pub find: Finder,
    /// Only these partitions are tailed (`:tail orders#0,2`).
    pub only: Option<Vec<i32>>,
    /// Where the tail stops (`--until`, `:until`).
    pub until: Option<crate::model::Until>,
    /// The records `c` cleared, until `u` brings them back or the tail restarts.
    cleared: Option<Ring<Record>>,
    /// Where the rows are on screen (the mouse's rows).
    pub window: super::window::Window,
}

impl TailState {
    pub fn new(max_records: usize, max_bytes: usize) -> Self {
        Self {
            records: Ring::new(max_records, max_bytes),
            topics: None,
            joined: Vec::new(),
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
            rate: Default::default(),
            partitions: 0,
            find: Finder::default(),
            only: None,
            until: None,
            cleared: None,
            window: Default::default(),
        }
    }

    /// Begins a new tail: forgets the old records and returns the new generation.
    pub fn restart(&mut self, topics: TopicSet, start: StartFrom) -> u64 {
        self.generation += 1;
        self.topics = Some(topics);
        self.joined.clear();
        self.start = start;
        self.records.clear();
        self.find.clear_matches();
        self.cleared = None;
        self.status = TailStatus::Starting;
        self.notice = None;
        self.scroll = Scroll::default();
        self.detail = false;
        self.received = 0;
        self.rate = Default::default();
        self.generation
    }

    /// The topic when the tail reads exactly one named topic.
    pub fn single_topic(&self) -> Option<&str> {
        self.topics.as_ref().and_then(TopicSet::single)
    }

    /// Whether records of `topic` show in this tail (once it exists, for a pattern).
    pub fn covers(&self, topic: &str) -> bool {
        self.topics.as_ref().is_some_and(|t| t.covers(topic))
    }

    /// Whether rows need a topic column: the tail reads (or may read) several topics.
    pub fn several(&self) -> bool {
        self.topics.as_ref().is_some_and(TopicSet::several)
    }

    pub fn push_batch(&mut self, generation: u64, mut records: Vec<Record>) -> bool {
        if generation != self.generation {
            return false;
        }
        self.received += records.len() as u64;
        let first_new = self.records.end_seq();
        // Evicted records go back to the tail thread to be filled again (see `recycle`).
        let mut evicted = Vec::with_capacity(records.len());
        for r in records.drain(..) {
            let size = r.approx_size();
            self.records.push_evicting(r, size, |old| evicted.push(old));
        }
        recycle::give_back(evicted, records);
        if self.find.active() {
            self.find.evict_before(self.records.first_seq());
            let end = self.records.end_seq();
            self.find.scan(self.records.range(first_new, end));
        }
        true
    }

    /// Sets the `/` filter as typed; a bad regex keeps the previous filter and says why.
    pub fn set_query(&mut self, text: &str) -> Result<(), crate::find::FindError> {
        match Query::parse(text) {
            Ok(q) => {
                // The selection as listed before the change: once the query is set, the old
                // matches no longer say which record it is.
                let keep = self.kept_selection();
                self.find.query = q;
                self.find.problem = None;
                self.refilter_keeping(keep);
                Ok(())
            }
            Err(e) => {
                self.find.problem = Some(e.to_string());
                Err(e)
            }
        }
    }

    /// Sets (or, with an empty program, removes) the `:jq` program.
    pub fn set_jq(&mut self, code: &str) -> Result<(), JqError> {
        let keep = self.kept_selection();
        if code.trim().is_empty() {
            self.find.jq = None;
        } else {
            self.find.jq = Some(Jq::start(code.trim())?);
        }
        self.find.problem = None;
        self.refilter_keeping(keep);
        Ok(())
    }

    /// What a change of filter keeps: nothing when following; when paused, the selected
    /// record (none when nothing is listed).
    fn kept_selection(&self) -> Option<Option<u64>> {
        (!self.scroll.follow).then(|| self.selected_seq())
    }

    /// Filters every held record again, keeping the selected record selected if it still shows.
    pub fn refilter(&mut self) {
        let keep = self.kept_selection();
        self.refilter_keeping(keep);
    }

    /// Filters every held record again; a paused tail stays paused, on `keep` or the nearest
    /// listed record.
    fn refilter_keeping(&mut self, keep: Option<Option<u64>>) {
        self.find.clear_matches();
        if self.find.active() {
            let (first, end) = (self.records.first_seq(), self.records.end_seq());
            self.find.scan(self.records.range(first, end));
        }
        match keep {
            Some(Some(seq)) => self.select_record(seq),
            // Paused on an empty list: still paused, on the newest row listed or to come.
            Some(None) => {
                let (_, end) = self.view_bounds();
                self.scroll = Scroll {
                    follow: false,
                    selected: end.saturating_sub(1),
                };
            }
            None => self.scroll = Scroll::default(),
        }
    }

    /// Whether only matching records are listed.
    fn hiding(&self) -> bool {
        self.find.active() && self.find.mode == FindMode::Hide
    }

    /// The rows listed: `[first, end)` in the numbering `scroll` uses (records, or matches
    /// when a filter hides the rest).
    pub fn view_bounds(&self) -> (u64, u64) {
        if self.hiding() {
            let f = self.find.match_first;
            (f, f + self.find.matches.len() as u64)
        } else {
            (self.records.first_seq(), self.records.end_seq())
        }
    }

    /// The record at row `row` of the view, with its sequence number.
    pub fn view_get(&self, row: u64) -> Option<(u64, &Record)> {
        let seq = if self.hiding() {
            let i = row.checked_sub(self.find.match_first)?;
            *self.find.matches.get(usize::try_from(i).ok()?)?
        } else {
            row
        };
        self.records.get_seq(seq).map(|r| (seq, r))
    }

    /// Rows `[from, to)` of the view.
    pub fn view_range(&self, from: u64, to: u64) -> impl Iterator<Item = (u64, &Record)> {
        (from..to).filter_map(move |row| self.view_get(row))
    }

    /// Rows listed.
    pub fn view_len(&self) -> usize {
        let (f, e) = self.view_bounds();
        (e - f) as usize
    }

    /// What `:export` writes: the matching records when a filter or jq program is set (hidden
    /// or highlighted), else every held record; each with what jq showed of it.
    pub fn exportable(&self) -> Vec<(Record, Option<String>)> {
        if self.find.active() {
            self.find
                .matches
                .iter()
                .filter_map(|&seq| {
                    let r = self.records.get_seq(seq)?;
                    Some((r.clone(), self.find.shown(seq).map(str::to_string)))
                })
                .collect()
        } else {
            let (first, end) = (self.records.first_seq(), self.records.end_seq());
            (first..end)
                .filter_map(|seq| self.records.get_seq(seq).map(|r| (r.clone(), None)))
                .collect()
        }
    }

    /// The sequence number of the selected record.
    pub fn selected_seq(&self) -> Option<u64> {
        let (first, end) = self.view_bounds();
        let row = self.scroll.current(first, end)?;
        self.view_get(row).map(|(s, _)| s)
    }

    pub fn selected(&self) -> Option<&Record> {
        self.records.get_seq(self.selected_seq()?)
    }

    /// Parks the selection on the record `seq`, or on the nearest listed one after it (before
    /// it when none is after). Selecting stops following.
    fn select_record(&mut self, seq: u64) {
        let row = if self.hiding() {
            // The first match from `seq` on, else the last one: a paused tail stays paused
            // (with no match at all, the selection waits at the first row to come).
            let i = self
                .find
                .matches
                .partition_point(|&s| s < seq)
                .min(self.find.matches.len().saturating_sub(1));
            self.find.match_first + i as u64
        } else {
            seq
        };
        self.scroll.follow = false;
        self.scroll.selected = row;
    }

    /// Selects row `row` of the view (a click) and stops following, as `↑` does; false when
    /// there is no such row.
    pub fn select_row(&mut self, row: u64) -> bool {
        let (first, end) = self.view_bounds();
        if !(first..end).contains(&row) {
            return false;
        }
        self.scroll.follow = false;
        self.scroll.selected = row;
        true
    }

    pub fn move_by(&mut self, delta: i64) {
        let (first, end) = self.view_bounds();
        self.scroll.move_by(delta, first, end);
    }

    /// Switches between hiding and highlighting, keeping the selected record.
    pub fn toggle_mode(&mut self) -> FindMode {
        let keep = self.kept_selection();
        self.find.mode = match self.find.mode {
            FindMode::Hide => FindMode::Highlight,
            FindMode::Highlight => FindMode::Hide,
        };
        if let Some(Some(seq)) = keep {
            self.select_record(seq);
        }
        self.find.mode
    }

    /// `n`/`N`: the next (or previous) match after the selected record; false when none.
    pub fn jump(&mut self, forward: bool) -> bool {
        if self.hiding() {
            let (first, end) = self.view_bounds();
            let before = self.scroll.current(first, end);
            self.move_by(if forward { 1 } else { -1 });
            return self.scroll.current(first, end) != before;
        }
        let Some(cur) = self.selected_seq() else {
            return false;
        };
        let m = &self.find.matches;
        let target = if forward {
            m.get(m.partition_point(|&s| s <= cur)).copied()
        } else {
            m.partition_point(|&s| s < cur)
                .checked_sub(1)
                .and_then(|i| m.get(i).copied())
        };
        match target {
            Some(seq) => {
                self.select_record(seq);
                true
            }
            None => false,
        }
    }

    /// `c`: empties the buffer, keeping what it held for `u`. Returns how many were cleared.
    pub fn clear(&mut self) -> usize {
        let n = self.records.len();
        let mut kept = Ring::new(self.records.max_items(), self.records.max_bytes());
        std::mem::swap(&mut kept, &mut self.records);
        // Numbering goes on from where it was, so stale positions never point at new records.
        self.records.skip_to(kept.end_seq(), kept.evicted());
        self.cleared = Some(kept);
        self.find.clear_matches();
        self.scroll = Scroll::default();
        n
    }

    /// `u`: brings back what `c` cleared, before whatever arrived since. False if nothing.
    pub fn undo_clear(&mut self) -> bool {
        let Some(mut old) = self.cleared.take() else {
            return false;
        };
        let (first, end) = (self.records.first_seq(), self.records.end_seq());
        let newer: Vec<Record> = self
            .records
            .range(first, end)
            .map(|(_, r)| r.clone())
            .collect();
        for r in newer {
            let size = r.approx_size();
            old.push(r, size);
        }
        self.records = old;
        self.refilter();
        self.scroll = Scroll::default();
        true
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
            leader_epoch: None,
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
