//! What an action does in each pane: `App::update` handles the app-wide actions and the open
//! view, and hands the rest to the focused pane's function here, so that no action matches on
//! the focus again.

use super::*;

impl App {
    pub(super) fn topics_update(&mut self, action: Action) {
        match action {
            Action::Select => {
                if let Some(name) = self.topics.selected_name().map(str::to_string) {
                    self.start_tail(name, self.default_start);
                    self.focus = Pane::Tail;
                }
            }
            Action::Filter => self.open_filter(self.topics.filter.clone()),
            Action::Top => self.topics.top(),
            Action::Bottom => self.topics.bottom(),
            _ => {}
        }
    }

    pub(super) fn tail_update(&mut self, action: Action) {
        match action {
            Action::Select if self.tail.selected().is_some() => {
                if self.tail.scroll.follow {
                    // Opening a record pins it, so new arrivals do not swap it out.
                    self.tail.scroll.selected = self.tail.view_bounds().1 - 1;
                    self.tail.scroll.follow = false;
                }
                self.tail.detail = true;
                self.record.open();
            }
            Action::Filter => {
                let query = self.tail.find.query.as_ref().map(|q| q.text.clone());
                self.open_filter(query.unwrap_or_default());
            }
            Action::Top => self.tail.scroll.top(self.tail.view_bounds().0),
            Action::Bottom => self.tail.scroll.bottom(),
            Action::ToggleFollow => {
                let (first, end) = self.tail.view_bounds();
                self.tail.scroll.toggle_follow(first, end);
            }
            Action::ClearTail => {
                let n = self.tail.clear();
                let undo = self.key(Context::Tail, Action::UndoClear);
                self.say(format!(
                    "tail buffer cleared ({}): {undo} brings them back",
                    crate::model::count(n as u64, "record")
                ));
            }
            Action::UndoClear => {
                if self.tail.undo_clear() {
                    self.say(format!(
                        "{} back",
                        crate::model::count(self.tail.records.len() as u64, "record")
                    ));
                } else {
                    self.say("nothing to undo");
                }
            }
            Action::ToggleFindMode => {
                let mode = self.tail.toggle_mode();
                self.say(match mode {
                    FindMode::Hide => "filter hides what does not match".to_string(),
                    FindMode::Highlight => format!(
                        "filter highlights matches: {}/{} jump",
                        self.key(Context::Tail, Action::SearchNext),
                        self.key(Context::Tail, Action::SearchPrev)
                    ),
                });
            }
            Action::SearchNext | Action::SearchPrev => {
                if !self.tail.find.active() {
                    let key = self.key(Context::Tail, Action::Filter);
                    self.warn(format!("no filter: press {key} to filter the tail"));
                } else if !self.tail.jump(action == Action::SearchNext) {
                    self.warn("no more matches");
                }
            }
            Action::ToggleWrap if self.tail.detail => {
                self.record.wrap = !self.record.wrap;
                self.record.hscroll = 0;
            }
            Action::ScrollLeft
            | Action::ScrollRight
            | Action::CopyValue
            | Action::CopyRecord
            | Action::OpenPager
            | Action::OpenEditor => self.record_action(action),
            Action::ToProducer => self.copy_to_producer(),
            _ => {}
        }
    }

    pub(super) fn producer_update(&mut self, action: Action) {
        match action {
            Action::Edit => self.producer.editing = true,
            Action::Publish => self.publish(),
            Action::RestoreUnsent => {
                if self.producer.restore_unsent() {
                    self.focus_pane(Pane::Producer);
                    let left = self.producer.unsent.len();
                    self.say(format!(
                        "restored the last unsent record ({left} more kept); Ctrl+S sends it"
                    ));
                } else {
                    self.say("no unsent records");
                }
            }
            Action::ProducerNextField => self.producer.field = self.producer.field.next(),
            Action::ProducerPrevField => self.producer.field = self.producer.field.prev(),
            Action::ClearProducer => {
                if self.producer.clear_all() {
                    let undo = self.key(Context::Producer, Action::UndoClear);
                    self.say(format!("producer cleared: {undo} brings it back"));
                } else {
                    self.say("the producer is empty already");
                }
            }
            Action::UndoClear => {
                if self.producer.undo_clear() {
                    self.say("key, headers and value back");
                } else {
                    self.say("nothing to undo");
                }
            }
            Action::HistoryOlder => self.recall_published(true),
            Action::HistoryNewer => self.recall_published(false),
            _ => {}
        }
    }

    pub(super) fn logs_update(&mut self, action: Action) {
        match action {
            Action::Filter => self.open_filter(self.logs.search.clone()),
            Action::Top => {
                if let Some(s) = self.logs.current_mut() {
                    s.scroll.top(s.lines.first_seq());
                }
            }
            Action::Bottom => {
                if let Some(s) = self.logs.current_mut() {
                    s.scroll.bottom();
                }
            }
            Action::ToggleFollow => {
                if let Some(s) = self.logs.current_mut() {
                    let (first, end) = (s.lines.first_seq(), s.lines.end_seq());
                    s.scroll.toggle_follow(first, end);
                }
            }
            Action::NextSource => self.logs.next_source(),
            Action::PrevSource => self.logs.prev_source(),
            Action::SearchNext | Action::SearchPrev => {
                let forward = action == Action::SearchNext;
                if self.logs.search.is_empty() {
                    let key = self.key(Context::Logs, Action::Filter);
                    self.warn(format!("no search: press {key} to search the logs"));
                } else if !self.logs.jump_to_match(forward) {
                    self.warn(format!("no more matches for {:?}", self.logs.search));
                }
            }
            Action::ToggleWrap => self.logs.wrap = !self.logs.wrap,
            Action::CycleVerbosity => {
                self.logs.cycle_verbosity();
                self.say(format!(
                    "logs: showing {} and above",
                    self.logs.verbosity.label()
                ));
            }
            _ => {}
        }
    }

    /// The open view's share of an action (moving and scrolling go through `scroll`).
    pub(super) fn view_update(&mut self, action: Action) {
        match action {
            Action::Select => self.select_in_view(),
            Action::Refresh => self.refresh_view(),
            Action::Top => {
                self.scroll_view(-1_000_000);
            }
            Action::Bottom => {
                self.scroll_view(1_000_000);
            }
            Action::Filter => {
                if let Some(View::Groups { filter, .. }) = self.views.last() {
                    self.open_filter(filter.clone());
                }
            }
            _ => {}
        }
    }

    /// The `/` prompt, holding what filters the pane (or the groups list) now.
    fn open_filter(&mut self, input: String) {
        self.mode = Mode::Prompt {
            kind: PromptKind::Filter,
            input,
        };
    }
}
