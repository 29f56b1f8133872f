//! The application state and `update`: keys become actions, actions and background events
//! change state and send commands to the Kafka task. Nothing here draws or waits on I/O.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::action::Action;
use crate::event::{Event, KafkaEvent, LogEvent};
use crate::kafka::api::TailRequest;
use crate::kafka::api::{KafkaCommand, KafkaHandle};
use crate::keymap::{self, Context};
use crate::layout;
use crate::model::Delivery;
use crate::model::ProduceRequest;
use crate::model::StartFrom;
use crate::model::TopicSet;
use crate::state::logs::LogsState;
use crate::state::producer::{Draft, Field, ProduceStatus, ProducerState};
use crate::state::tail::{FindMode, TailState, TailStatus, TimeFormat};
use crate::state::topics::TopicsState;
use crate::state::views::{Dialog, View};
use crate::state::Pane;
use crate::text::Format;
use crate::theme::Theme;

mod cluster;
pub mod command;
mod connect;
mod files;
mod history;
mod input;
mod layer;
mod options;
pub use cluster::{ClusterView, Connection};
pub use layer::Layer;
pub use options::AppOptions;
mod kafka_events;
mod palette;
mod panes;
mod producer;
mod record;
mod schemas;
mod views;

/// How long a status-line message stays.
const MESSAGE_TTL: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Topics filter or logs search, depending on the focused pane.
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Prompt { kind: PromptKind, input: String },
    Help { scroll: u16 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

pub struct App {
    pub focus: Pane,
    pub mode: Mode,
    pub topics: TopicsState,
    pub tail: TailState,
    pub producer: ProducerState,
    pub logs: LogsState,
    /// The schema registry: schemas records refer to, and the `:schemas` view.
    pub schemas: crate::state::schemas::SchemasState,
    /// The record detail view (wrap, scroll); which record is the tail's selection.
    pub record: crate::state::record::RecordView,
    /// A copy or a pager for the run loop, which owns the terminal.
    pub terminal: Option<crate::state::record::TermRequest>,
    pub cluster: ClusterView,
    pub theme: Theme,
    pub message: Option<StatusMessage>,
    /// The last left click (when and where), to tell a double click.
    pub last_click: Option<(Instant, Position)>,
    pub quit: bool,
    /// The clock relative timestamps are drawn against; the run loop advances it.
    pub now: SystemTime,
    /// The terminal size, for mouse hit-testing and page sizes.
    pub size: (u16, u16),
    /// The topic to tail as soon as it is listed (`-t`).
    pub pending_topic: Option<String>,
    /// Where tails stop (`--until`, `:until`); `None`: never.
    pub default_until: Option<crate::model::Until>,
    /// The start position for tails started from the topics pane (`--from`).
    pub default_start: StartFrom,
    /// A publish waiting for the tail on its topic to be in place, so the record shows up.
    pending_publish: Option<ProduceRequest>,
    /// The value that was sent, so a delivery clears the editor only if it still holds it.
    in_flight_value: Option<Vec<u8>>,
    /// Refuse writes (the Kafka task refuses them too).
    pub read_only: bool,
    /// The context (cluster) name, and the others `:ctx` can switch to.
    pub context: String,
    pub contexts: Vec<crate::model::ContextInfo>,
    /// Set by `:ctx NAME`: the run loop rebuilds the session for that cluster.
    pub switch_to: Option<String>,
    /// A colour for the header (per-cluster `color`).
    pub cluster_color: Option<String>,
    /// Full-width views over the top of the screen; Esc pops the last.
    pub views: Vec<View>,
    /// Zoom and where the panes split (`z`, `<`, `>`).
    pub layout: layout::Arrangement,
    /// A dialog confirming a write; it takes every key while open.
    pub dialog: Option<Dialog>,
    /// The `:` prompt's candidate list, while open (Tab opens it).
    pub palette: Option<crate::state::palette::Palette>,
    /// Command-line history, oldest first, and where Up/Down are in it.
    pub history: Vec<String>,
    /// The groups list's sort and lag trends, kept while it is closed.
    pub groups: crate::state::groups::GroupsState,
    /// The keys in force: the defaults with the config file's `[keys.*]`.
    pub keymap: keymap::Keymap,
    /// The config file `:layout save` writes to.
    pub config_path: Option<std::path::PathBuf>,
    /// Where the open view's list rows are drawn (the mouse's rows).
    pub view_rows: crate::state::window::Window,
    /// How far the help, the record detail and the top view scroll, as last drawn.
    pub reach: crate::state::reach::Reaches,
    history_pos: Option<usize>,
    /// When watermarks were last asked for, per topic: only rows on screen are fetched.
    watermarks_asked: HashMap<String, Instant>,
    kafka: KafkaHandle,
    /// The Connect and Streams tasks (`:connect`, `:streams`).
    pub connect: crate::connect::ConnectHandle,
    pub streams: crate::streams::StreamsHandle,
    /// Whether any Streams topology description is configured (`streams_topology`).
    pub streams_topology_configured: bool,
    /// `:export` and `:produce-file` (`None` in tests that build an App by hand).
    pub files: Option<crate::files::FilesHandle>,
    /// Where published records are appended for the history (`None`: not kept on disk).
    pub history_file: Option<crate::history_file::Writer>,
}

impl App {
    /// The panes' arrangement as drawn: a zoom shows whichever pane has the focus.
    pub fn arrangement(&self) -> layout::Arrangement {
        let mut a = self.layout;
        if a.zoomed.is_some() {
            a.zoomed = Some(self.focus);
        }
        // While Tail is empty, Topics widens to show its names whole (up to 60 %), unless the
        // person moved the split.
        if self.tail.records.is_empty() && a.auto_split {
            let want = layout::topics_width_wanted(&self.topics) as u32 * 100;
            let pct = want.div_ceil(u32::from(self.size.0.max(1))).min(55) as u16;
            a.wide_topics = (pct > a.split).then_some(pct);
        }
        // An empty Logs pane gives its room away (one line says how to fill it), and then a
        // Producer not in use needs only its own rows.
        a.logs_folded = self.logs.sources.is_empty() && self.focus != Pane::Logs;
        a.bottom_rows = (a.logs_folded && self.focus != Pane::Producer)
            .then(|| layout::producer_rows_wanted(&self.producer) + 1);
        // With Logs in its place, a Producer not in use tucks under Topics (issue 13.3).
        a.producer_rows = (!a.logs_folded && self.focus != Pane::Producer)
            .then(|| layout::producer_rows_wanted(&self.producer));
        // A focused Producer grows its row to show the value and a long report together.
        a.producer_focused =
            (self.focus == Pane::Producer).then(|| layout::producer_focused_wants(&self.producer));
        a
    }

    /// What the top view's reach is stamped with (see `state::reach`).
    pub fn view_reach_key(&self) -> u64 {
        crate::state::reach::key_of((self.views.len(), self.views.last().map(View::title)))
    }

    /// What the record detail's reach is stamped with.
    pub fn record_reach_key(&self, r: &crate::model::Record) -> u64 {
        crate::state::reach::key_of((&r.topic, r.partition, r.offset, self.record.wrap))
    }

    /// The person's arrangement with the split moved from where it is drawn.
    fn arrangement_moved(&self, delta: i16) -> layout::Arrangement {
        let mut a = self.layout;
        a.wide_topics = self.arrangement().wide_topics;
        a.move_split(delta);
        a
    }

    /// An app with no cluster behind it (its Kafka handle goes nowhere), for unit tests.
    #[cfg(test)]
    pub(crate) fn detached_for_tests() -> App {
        let cluster = ClusterView {
            label: "test".into(),
            address: "127.0.0.1:1".into(),
            embedded: None,
            connection: Connection::Connecting,
            last_error: None,
        };
        App::new(
            KafkaHandle::detached().0,
            cluster,
            LogsState::new(Vec::new(), 10),
            TailState::new(10, 1 << 20),
            Theme::builtin("dark"),
        )
    }

    /// An app with the defaults for everything a session chooses (tests start here).
    pub fn new(
        kafka: KafkaHandle,
        cluster: ClusterView,
        logs: LogsState,
        tail: TailState,
        theme: Theme,
    ) -> Self {
        Self::with_options(kafka, cluster, logs, tail, theme, AppOptions::default())
    }

    /// An app as a session builds it: its clients' handles and the run's choices in `options`,
    /// each in its field from the start.
    pub fn with_options(
        kafka: KafkaHandle,
        cluster: ClusterView,
        logs: LogsState,
        tail: TailState,
        theme: Theme,
        options: AppOptions,
    ) -> Self {
        let AppOptions {
            focus,
            pending_topic,
            default_start,
            default_until,
            keymap,
            layout,
            config_path,
            read_only,
            context,
            contexts,
            cluster_color,
            connect,
            streams,
            streams_topology_configured,
            files,
        } = options;
        Self {
            focus,
            mode: Mode::Normal,
            topics: TopicsState::default(),
            tail,
            producer: ProducerState::default(),
            logs,
            schemas: Default::default(),
            record: Default::default(),
            terminal: None,
            cluster,
            theme,
            message: None,
            last_click: None,
            quit: false,
            now: SystemTime::now(),
            size: (80, 24),
            pending_topic,
            default_until,
            default_start,
            pending_publish: None,
            in_flight_value: None,
            read_only,
            context,
            contexts,
            switch_to: None,
            cluster_color,
            views: Vec::new(),
            layout,
            dialog: None,
            palette: None,
            history: Vec::new(),
            groups: Default::default(),
            keymap,
            config_path,
            view_rows: Default::default(),
            reach: Default::default(),
            history_pos: None,
            watermarks_asked: HashMap::new(),
            kafka,
            connect,
            streams,
            streams_topology_configured,
            files,
            history_file: None,
        }
    }

    /// The key context: which table of keys applies right now.
    pub fn keys_context(&self) -> Context {
        let layer = self.base_layer();
        if let (Layer::View, Some(v)) = (layer, self.views.last()) {
            return match v {
                View::TopicDetail { .. } => Context::TopicView,
                View::Groups { .. } => Context::GroupsView,
                View::GroupDetail { .. } => Context::GroupView,
                View::Brokers { .. } => Context::BrokersView,
                View::Contexts { .. } => Context::ContextsView,
                View::Connect(_) => Context::ConnectView,
                View::Streams(_) => Context::StreamsView,
                View::Schemas(_) => Context::SchemasView,
            };
        }
        match layer {
            Layer::Editing => Context::Editing,
            Layer::RecordDetail => Context::Record,
            _ => Context::of_pane(self.focus),
        }
    }

    /// The key that does `action` in `context` as bound now (the config's `[keys.*]`
    /// included), for messages that tell the person which key to press.
    pub fn key(&self, context: Context, action: Action) -> String {
        self.keymap.key_for(context, &action)
    }

    /// Topic the producer publishes to: the one being tailed, else the one selected.
    pub fn target_topic(&self) -> Option<String> {
        self.tail
            .single_topic()
            .or_else(|| self.topics.selected_name())
            .map(str::to_string)
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(StatusMessage {
            // Messages quote topic names and broker errors: make them safe once, here.
            text: crate::text::sanitize_inline(&text.into()),
            error: false,
            at: Instant::now(),
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(StatusMessage {
            text: crate::text::sanitize_inline(&text.into()),
            error: true,
            at: Instant::now(),
        });
    }

    /// Drops an expired status message; returns whether anything changed.
    pub fn expire_message(&mut self) -> bool {
        if self
            .message
            .as_ref()
            .is_some_and(|m| m.at.elapsed() > MESSAGE_TTL)
        {
            self.message = None;
            return true;
        }
        false
    }

    /// Applies an event; returns whether the screen may have changed and needs a frame.
    pub fn handle_event(&mut self, event: Event) -> bool {
        match event {
            Event::Key(k) => self.handle_key(k),
            Event::Mouse(m) => self.handle_mouse(m),
            Event::Resize(w, h) => self.size = (w, h),
            Event::Paste(text) => self.paste(text),
            Event::Kafka(k) => self.handle_kafka(k),
            Event::Log(LogEvent::Lines { source, lines }) => {
                return self.logs.push_lines(source, lines)
            }
            Event::Log(LogEvent::Status { source, text }) => self.logs.set_status(source, text),
            Event::Schema(e) => self.handle_schema(e),
            Event::Connect(e) => self.handle_connect(e),
            Event::Streams(e) => self.handle_streams(e),
            Event::File(e) => self.handle_file(e),
        }
        true
    }

    fn page(&self) -> i64 {
        i64::from(self.size.1 / 2).max(1)
    }

    /// Carries out an action: the app-wide ones here, the rest in the open view or, with none
    /// open, in the focused pane (app/panes.rs).
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Focus(p) => self.focus_pane(p),
            Action::FocusNext => self.focus_pane(self.focus.next()),
            Action::FocusPrev => self.focus_pane(self.focus.prev()),
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::HistoryPicker => self.cmd_history(""),
            Action::Command => {
                self.mode = Mode::Prompt {
                    kind: PromptKind::Command,
                    input: String::new(),
                }
            }
            Action::Back => self.back(),
            Action::Up => self.scroll(-1),
            Action::Down => self.scroll(1),
            Action::PageUp => self.scroll(-self.page()),
            Action::PageDown => self.scroll(self.page()),
            Action::ToggleZoom => {
                // `zoomed` follows the focus while set (see `arrangement`).
                self.layout.zoomed = match self.layout.zoomed {
                    Some(_) => None,
                    None => Some(self.focus),
                };
            }
            // From the split as drawn (Topics may have widened for its names).
            Action::SplitLeft => {
                self.layout = self.arrangement_moved(-layout::SPLIT_STEP);
            }
            Action::SplitRight => {
                self.layout = self.arrangement_moved(layout::SPLIT_STEP);
            }
            Action::TallerTop => self.layout.move_height(layout::SPLIT_STEP),
            Action::ShorterTop => self.layout.move_height(-layout::SPLIT_STEP),
            // Writes open a dialog on what is selected, in a pane or a view.
            Action::Describe => self.open_topic_detail(),
            Action::CreateTopic => self.open_dialog_create(),
            Action::DeleteTopic => self.open_dialog_delete_topic(),
            Action::AddPartitions => self.open_dialog_partitions(),
            Action::EditConfig => self.open_dialog_config(),
            Action::ResetOffsets => self.open_dialog_reset(),
            Action::DeleteGroup => self.open_dialog_delete_group(),
            Action::CycleSort => self.cycle_group_sort(),
            // What the tail shows and the topic list holds, wherever they are asked for.
            Action::CycleFormat => {
                self.tail.format = self.tail.format.next();
                self.say(format!("format: {}", self.tail.format.label()));
            }
            Action::ToggleTimestamps => {
                self.tail.time_format = match self.tail.time_format {
                    TimeFormat::Relative => TimeFormat::Absolute,
                    TimeFormat::Absolute => TimeFormat::Relative,
                };
            }
            Action::ToggleInternal => {
                self.topics.toggle_internal();
                let what = if self.topics.show_internal {
                    "shown"
                } else {
                    "hidden"
                };
                self.say(format!("internal topics {what}"));
            }
            Action::Refresh if self.views.is_empty() => {
                self.kafka.send(KafkaCommand::RefreshTopics);
                self.watermarks_asked.clear();
                self.say("refreshing topics…");
            }
            // The Connect, Streams and Schemas views' own (`ext_view_action` takes them while
            // their view is on top; a user binding elsewhere finds nothing to act on).
            Action::TogglePlugins
            | Action::NewConnector
            | Action::EditConnector
            | Action::PauseConnector
            | Action::ResumeConnector
            | Action::RestartConnector
            | Action::RestartFailedTasks
            | Action::RestartTask
            | Action::DeleteConnector
            | Action::NextApp
            | Action::PrevApp
            | Action::NextVersion
            | Action::PrevVersion => {}
            other if !self.views.is_empty() => self.view_update(other),
            other => match self.focus {
                Pane::Topics => self.topics_update(other),
                Pane::Tail => self.tail_update(other),
                Pane::Producer => self.producer_update(other),
                Pane::Logs => self.logs_update(other),
            },
        }
    }

    fn focus_pane(&mut self, p: Pane) {
        self.focus = p;
        // Focusing the producer puts the cursor in the value field, ready to type.
        if p == Pane::Producer {
            self.producer.editing = true;
            self.producer.field = Field::Value;
        }
    }

    /// Esc: backs out of what is on top, one layer (or one filter) at a time.
    fn back(&mut self) {
        match self.layer() {
            Layer::Help => self.mode = Mode::Normal,
            Layer::Prompt => self.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Layer::Dialog => self.dialog = None,
            Layer::View => {
                if let Some(View::Groups { filter, .. }) = self.views.last_mut() {
                    if !filter.is_empty() {
                        return filter.clear();
                    }
                }
                self.views.pop();
            }
            Layer::Editing => self.producer.editing = false,
            Layer::RecordDetail => self.tail.detail = false,
            Layer::Pane => self.pane_back(),
        }
    }

    /// Esc on a pane: clears its filter, else the status message.
    fn pane_back(&mut self) {
        if self.focus == Pane::Tail && self.tail.find.active() {
            self.tail.find.jq = None;
            let _ = self.tail.set_query("");
            self.say("filter cleared");
        } else if self.focus == Pane::Topics && !self.topics.filter.is_empty() {
            self.topics.set_filter(String::new());
        } else if self.focus == Pane::Logs && !self.logs.search.is_empty() {
            self.logs.search.clear();
        } else if self.message.is_some() {
            self.message = None;
        }
    }

    fn scroll(&mut self, delta: i64) {
        match self.base_layer() {
            Layer::View => {
                self.scroll_view(delta);
                return;
            }
            Layer::RecordDetail => {
                // Bounded by the record's length (its last row at the bottom, never blank
                // rows past it), so Page Up comes straight back.
                if let Some(r) = self.tail.selected() {
                    let key = self.record_reach_key(r);
                    self.record.scroll = self.reach.record.step(key, self.record.scroll, delta);
                }
                return;
            }
            _ => {}
        }
        match self.focus {
            Pane::Topics => {
                self.topics.move_by(delta);
                self.request_watermarks();
            }
            Pane::Tail => self.tail.move_by(delta),
            Pane::Logs => self.logs.move_by(delta),
            Pane::Producer => {}
        }
    }

    pub fn start_tail(&mut self, topic: String, start: StartFrom) {
        self.start_tail_of(topic.into(), None, start);
    }

    /// A tail of `topics` (some partitions of each, or all: `None`), ending where
    /// `default_until` says.
    pub fn start_tail_of(
        &mut self,
        topics: TopicSet,
        partitions: Option<Vec<i32>>,
        start: StartFrom,
    ) {
        // A name Kafka refuses would have the tail wait for it forever: say why instead.
        if let TopicSet::Names(names) = &topics {
            if let Some(e) = names
                .iter()
                .find_map(|t| crate::state::topics::validate_topic_name(t).err())
            {
                return self.warn(format!("cannot tail: {e}"));
            }
        }
        let generation = self.tail.restart(topics.clone(), start);
        self.tail.only = partitions.clone();
        self.tail.until = self.default_until;
        let which = match &partitions {
            Some(ps) => format!("{topics}#{}", crate::model::join_ids(ps)),
            None => topics.to_string(),
        };
        let until = self
            .default_until
            .map(|u| format!(" until {u}"))
            .unwrap_or_default();
        self.kafka.send(KafkaCommand::Tail(TailRequest {
            topics,
            start,
            generation,
            partitions,
            until: self.default_until,
        }));
        self.say(format!("tailing {which} from {start}{until}"));
    }
}
