//! The topics pane's data: the listing, the filter and the selection.

use crate::model::TopicInfo;
use crate::model::TopicWatermarks;

pub use crate::model::topic_set::{validate_topic_name, MAX_TOPIC_NAME};

#[derive(Debug, Clone, Default)]
pub struct TopicsState {
    topics: Vec<TopicInfo>,
    /// Indices into `topics` that pass the filter, kept up to date so drawing is cheap.
    visible: Vec<usize>,
    pub filter: String,
    pub show_internal: bool,
    /// Index into the visible list.
    pub selected: usize,
    /// True once the first listing arrived.
    pub loaded: bool,
    /// Where the list is on screen (the mouse's rows).
    pub window: super::window::Window,
    /// Bytes on disk per topic, as the brokers last said, or why they cannot say.
    pub disk: Option<Result<crate::model::DiskUsage, crate::model::error::KafkaError>>,
}

impl TopicsState {
    /// Bytes on disk of `topic` over all replicas, where the brokers said (`disk`).
    pub fn size_of(&self, topic: &str) -> Option<u64> {
        match &self.disk {
            Some(Ok(d)) => d.bytes.get(topic).copied(),
            _ => None,
        }
    }

    pub fn set_topics(&mut self, mut topics: Vec<TopicInfo>) {
        let keep = self.selected_name().map(str::to_string);
        // A refresh lists names and partitions only: keep the watermarks already known, so
        // record counts do not blink to "?" every few seconds.
        let old: std::collections::HashMap<&str, &TopicInfo> =
            self.topics.iter().map(|t| (t.name.as_str(), t)).collect();
        for t in &mut topics {
            if let Some(prev) = old.get(t.name.as_str()) {
                for p in &mut t.partitions {
                    if p.watermarks.is_none() {
                        p.watermarks = prev
                            .partitions
                            .iter()
                            .find(|q| q.id == p.id)
                            .and_then(|q| q.watermarks);
                    }
                }
            }
        }
        self.topics = topics;
        self.loaded = true;
        self.refilter();
        if let Some(name) = keep {
            self.select_name(&name);
        }
    }

    /// Merges fetched watermarks: (topic, [(partition, low, high)]).
    pub fn set_watermarks(&mut self, marks: TopicWatermarks) {
        for (name, parts) in marks {
            // Sorted by name (see `fetch_topics`): binary search keeps 10,000 topics cheap.
            let Ok(i) = self.topics.binary_search_by(|t| t.name.as_str().cmp(&name)) else {
                continue;
            };
            for (id, lo, hi) in parts {
                if let Some(p) = self.topics[i].partitions.iter_mut().find(|p| p.id == id) {
                    p.watermarks = Some((lo, hi));
                }
            }
        }
    }

    pub fn all(&self) -> &[TopicInfo] {
        &self.topics
    }

    /// The partitions a listed topic has (`None`: not listed, or listed without any).
    pub fn partition_count(&self, name: &str) -> Option<usize> {
        let t = self.topics.iter().find(|t| t.name == name)?;
        (!t.partitions.is_empty()).then_some(t.partitions.len())
    }

    pub fn visible(&self) -> impl ExactSizeIterator<Item = &TopicInfo> + '_ {
        self.visible.iter().map(|&i| &self.topics[i])
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn set_filter(&mut self, filter: String) {
        let keep = self.selected_name().map(str::to_string);
        self.filter = filter;
        self.refilter();
        match keep {
            Some(name) if self.select_name(&name) => {}
            _ => self.selected = 0,
        }
    }

    pub fn toggle_internal(&mut self) {
        self.show_internal = !self.show_internal;
        let keep = self.selected_name().map(str::to_string);
        self.refilter();
        if let Some(name) = keep {
            self.select_name(&name);
        }
    }

    fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.visible = self
            .topics
            .iter()
            .enumerate()
            .filter(|(_, t)| self.show_internal || !t.is_internal())
            .filter(|(_, t)| needle.is_empty() || t.name.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn selected_topic(&self) -> Option<&TopicInfo> {
        self.visible.get(self.selected).map(|&i| &self.topics[i])
    }

    pub fn selected_name(&self) -> Option<&str> {
        self.selected_topic().map(|t| t.name.as_str())
    }

    /// Whether the cluster lists `name` (shown or not).
    pub fn has(&self, name: &str) -> bool {
        self.topics.iter().any(|t| t.name == name)
    }

    /// Selects the `row`th visible topic (a click); false when there is no such row.
    pub fn select_row(&mut self, row: u64) -> bool {
        match usize::try_from(row) {
            Ok(i) if i < self.visible.len() => {
                self.selected = i;
                true
            }
            _ => false,
        }
    }

    /// Selects `name` if it is visible; returns whether it was.
    pub fn select_name(&mut self, name: &str) -> bool {
        match self
            .visible
            .iter()
            .position(|&i| self.topics[i].name == name)
        {
            Some(pos) => {
                self.selected = pos;
                true
            }
            None => false,
        }
    }

    pub fn move_by(&mut self, delta: i64) {
        if self.visible.is_empty() {
            return;
        }
        let max = self.visible.len() as i64 - 1;
        self.selected = (self.selected as i64 + delta).clamp(0, max) as usize;
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: &str) -> TopicInfo {
        TopicInfo {
            name: name.into(),
            partitions: vec![],
            error: None,
        }
    }

    fn state() -> TopicsState {
        let mut s = TopicsState::default();
        s.set_topics(vec![
            topic("orders"),
            topic("__consumer_offsets"),
            topic("payments"),
            topic("Orders-DLQ"),
        ]);
        s
    }

    fn names(s: &TopicsState) -> Vec<&str> {
        s.visible().map(|t| t.name.as_str()).collect()
    }

    #[test]
    fn hides_internal_topics_until_toggled() {
        let mut s = state();
        assert_eq!(names(&s), vec!["orders", "payments", "Orders-DLQ"]);
        s.toggle_internal();
        assert_eq!(names(&s).len(), 4);
    }

    #[test]
    fn filter_is_case_insensitive_substring() {
        let mut s = state();
        s.set_filter("order".into());
        assert_eq!(names(&s), vec!["orders", "Orders-DLQ"]);
        s.set_filter("zzz".into());
        assert!(names(&s).is_empty());
        assert_eq!(s.selected_name(), None);
    }

    #[test]
    fn selection_survives_refresh_and_filter() {
        let mut s = state();
        s.select_name("payments");
        s.set_topics(vec![topic("a"), topic("payments"), topic("z")]);
        assert_eq!(s.selected_name(), Some("payments"));
        s.set_filter("pay".into());
        assert_eq!(s.selected_name(), Some("payments"));
    }

    #[test]
    fn watermarks_merge_and_survive_refresh() {
        let mut s = TopicsState::default();
        let t = |n: &str| TopicInfo {
            name: n.into(),
            partitions: vec![crate::model::PartitionInfo {
                id: 0,
                leader: 1,
                watermarks: None,
                under_replicated: false,
            }],
            error: None,
        };
        s.set_topics(vec![t("a"), t("b")]);
        s.set_watermarks(vec![
            ("b".into(), vec![(0, 2, 7)]),
            ("zzz".into(), vec![(0, 0, 1)]),
        ]);
        assert_eq!(s.all()[1].record_count(), Some(5));
        s.set_topics(vec![t("a"), t("b"), t("c")]);
        assert_eq!(s.all()[1].record_count(), Some(5), "kept across a refresh");
        assert_eq!(s.all()[0].record_count(), None);
    }

    #[test]
    fn moves_are_clamped() {
        let mut s = state();
        s.move_by(-5);
        assert_eq!(s.selected, 0);
        s.move_by(50);
        assert_eq!(s.selected_name(), Some("Orders-DLQ"));
    }
}
