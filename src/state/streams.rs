//! The `:streams` view's plain state: what the last discovery found, which application and
//! which of its topics are selected (Enter tails that topic), and where topologies came from.

use std::time::{Duration, Instant};

use crate::streams::{Discovery, InternalKind, StreamsApp, TopologySource};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamsView {
    /// `None` until the first answer.
    pub discovery: Option<Result<Discovery, String>>,
    pub topologies: Vec<TopologySource>,
    /// Whether any topology is configured at all (else the view says how to add one).
    pub topology_configured: bool,
    pub took: Option<Duration>,
    pub at: Option<Instant>,
    pub app: usize,
    /// The selected row of the app's topic list.
    pub topic: usize,
    /// Where the applications' rows are drawn, for the mouse (the topic list's are the view's
    /// `App::view_rows`).
    pub app_rows: crate::state::window::Window,
}

/// One row of an application's topic list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRow {
    /// `input`, `changelog`, `repartition`, `subscription`, `output`.
    pub role: &'static str,
    pub name: String,
    pub exists: bool,
    pub partitions: Option<usize>,
    pub records: Option<u64>,
    /// Sum of the lag over the partitions with a commit (inputs and repartition topics).
    pub lag: Option<i64>,
}

impl StreamsView {
    pub fn new(topology_configured: bool) -> StreamsView {
        StreamsView {
            discovery: None,
            topologies: Vec::new(),
            topology_configured,
            took: None,
            at: None,
            app: 0,
            topic: 0,
            app_rows: Default::default(),
        }
    }

    pub fn apps(&self) -> &[StreamsApp] {
        match &self.discovery {
            Some(Ok(d)) => &d.apps,
            _ => &[],
        }
    }

    pub fn selected_app(&self) -> Option<&StreamsApp> {
        self.apps().get(self.app)
    }

    /// Keeps the same application selected across refreshes, by id.
    pub fn set(
        &mut self,
        result: Result<Discovery, String>,
        topologies: Vec<TopologySource>,
        took: Duration,
        now: Instant,
    ) {
        let keep = self.selected_app().map(|a| a.application_id.clone());
        self.discovery = Some(result);
        self.topologies = topologies;
        self.took = Some(took);
        self.at = Some(now);
        if let Some(id) = keep {
            if let Some(i) = self.apps().iter().position(|a| a.application_id == id) {
                self.app = i;
            }
        }
        self.app = self.app.min(self.apps().len().saturating_sub(1));
        let n = self.selected_app().map_or(0, |a| topic_rows(a).len());
        self.topic = self.topic.min(n.saturating_sub(1));
    }

    pub fn move_topic(&mut self, delta: i64) {
        let n = self.selected_app().map_or(0, |a| topic_rows(a).len());
        self.topic = (self.topic as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
    }

    pub fn move_app(&mut self, delta: i64) {
        let n = self.apps().len();
        let to = (self.app as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
        if to != self.app {
            self.app = to;
            self.topic = 0;
        }
    }

    /// The topic Enter tails.
    pub fn selected_topic(&self) -> Option<String> {
        let app = self.selected_app()?;
        topic_rows(app).get(self.topic).map(|r| r.name.clone())
    }

    /// Where the selected application's topology came from, if one is configured for it.
    pub fn topology_of(&self, app: &str) -> Option<&TopologySource> {
        self.topologies.iter().find(|t| t.application_id == app)
    }
}

/// An application's topics in the order the detail lists them: inputs, internal, outputs.
pub fn topic_rows(app: &StreamsApp) -> Vec<TopicRow> {
    let lag_of = |lags: &[crate::streams::PartitionLag], topic: &str| {
        let mut any = false;
        let sum = lags
            .iter()
            .filter(|l| l.topic == topic)
            .filter_map(|l| l.lag)
            .inspect(|_| any = true)
            .fold(0i64, i64::saturating_add);
        any.then_some(sum)
    };
    let mut rows: Vec<TopicRow> = app
        .input_topics
        .iter()
        .map(|t| TopicRow {
            role: "input",
            name: t.name.clone(),
            exists: t.exists,
            partitions: t.partitions,
            records: t.records,
            lag: lag_of(&app.input_lag, &t.name),
        })
        .collect();
    rows.extend(app.internal_topics.iter().map(|t| TopicRow {
        role: match t.kind {
            InternalKind::Changelog => "changelog",
            InternalKind::Repartition => "repartition",
            InternalKind::Subscription => "subscription",
        },
        name: t.name.clone(),
        exists: true,
        partitions: Some(t.partitions),
        records: t.records,
        lag: lag_of(&app.repartition_lag, &t.name),
    }));
    if let Some(outs) = &app.output_topics {
        rows.extend(outs.iter().map(|t| TopicRow {
            role: "output",
            name: t.name.clone(),
            exists: t.exists,
            partitions: t.partitions,
            records: t.records,
            lag: None,
        }));
    }
    rows
}
