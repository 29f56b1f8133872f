//! The `:` command line: commands, Tab completion and history.

use super::*;

/// The commands `:` knows, for completion and the help screen.
pub const COMMANDS: &[&str] = &[
    "topics", "tail", "from", "format", "describe", "create", "delete", "groups", "group",
    "brokers", "connect", "streams", "ctx", "jq", "producer", "logs", "help", "quit",
];

/// Most recent commands kept.
const HISTORY: usize = 100;

impl App {
    pub(super) fn run_command(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let Some(cmd) = words.next() else { return };
        let rest: Vec<&str> = words.collect();
        let arg = rest.join(" ");
        match cmd {
            "q" | "q!" | "quit" | "exit" => self.quit = true,
            "help" | "h" => self.mode = Mode::Help { scroll: 0 },
            "topics" | "t" => self.show_pane(Pane::Topics),
            "tail" if arg.is_empty() => self.show_pane(Pane::Tail),
            "tail" => {
                let topic = rest[0].to_string();
                if let Err(e) = crate::state::topics::validate_topic_name(&topic) {
                    return self.warn(e);
                }
                let start = match rest.get(1..).map(|r| r.join(" ")).filter(|s| !s.is_empty()) {
                    Some(s) => match s.parse() {
                        Ok(st) => st,
                        Err(e) => return self.warn(format!("{e}")),
                    },
                    None => self.default_start,
                };
                self.topics.select_name(&topic);
                self.start_tail(topic, start);
                self.show_pane(Pane::Tail);
            }
            "from" => match arg.parse::<StartFrom>() {
                Ok(start) => match self
                    .tail
                    .topic
                    .clone()
                    .or_else(|| self.topics.selected_name().map(String::from))
                {
                    Some(topic) => {
                        self.default_start = start;
                        self.start_tail(topic, start);
                        self.show_pane(Pane::Tail);
                    }
                    None => self.warn("no topic to tail: select one in Topics first"),
                },
                Err(e) => self.warn(e.to_string()),
            },
            "format" | "fmt" => {
                let f = match arg.as_str() {
                    "auto" => Format::Auto,
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "hex" => Format::Hex,
                    _ => return self.warn("format takes auto, text, json or hex"),
                };
                self.tail.format = f;
                self.say(format!("format: {}", f.label()));
            }
            "jq" => match self.tail.set_jq(&arg) {
                Ok(()) if arg.is_empty() => self.say("jq off"),
                Ok(()) => {
                    self.show_pane(Pane::Tail);
                    let t = &self.tail;
                    self.say(format!(
                        "jq: {} of {} records",
                        t.find.matched(),
                        t.records.len()
                    ));
                }
                Err(e) => self.warn(e.to_string()),
            },
            "producer" | "produce" | "p" => self.show_pane(Pane::Producer),
            "logs" | "log" | "l" => self.show_pane(Pane::Logs),
            "groups" | "group" | "g" | "cg" if arg.is_empty() => self.open_groups(),
            "group" | "g" | "cg" => {
                self.open_groups();
                self.views.push(View::GroupDetail {
                    name: arg,
                    detail: None,
                    scroll: 0,
                });
                self.refresh_view();
            }
            "brokers" | "cluster" | "b" => self.open_brokers(),
            "connect" | "kc" => self.open_connect(),
            "streams" | "ks" => self.open_streams(),
            "ctx" | "context" | "contexts" if arg.is_empty() => self.open_contexts(),
            "ctx" | "context" => {
                if arg == self.context {
                    self.say(format!("already on {arg}"));
                } else if self.contexts.contains(&arg) {
                    self.switch_to = Some(arg);
                } else {
                    self.warn(format!(
                        "no context {arg:?}; known: {}",
                        self.contexts.join(", ")
                    ));
                }
            }
            "describe" | "topic" => {
                if !arg.is_empty() && !self.topics.select_name(&arg) {
                    return self.warn(format!("no topic {arg:?} in the list"));
                }
                self.open_topic_detail();
            }
            "create" => self.open_dialog_create(),
            "delete" => self.open_dialog_delete_topic(),
            other => self.warn(format!(
                "unknown command :{other}; try :{} (Tab completes)",
                COMMANDS.join(", :")
            )),
        }
    }

    /// Closes the views and focuses a pane.
    fn show_pane(&mut self, p: Pane) {
        self.views.clear();
        self.focus_pane(p);
    }

    /// Completes the command word, or the argument of `:tail`, `:describe`, `:group`, `:ctx`,
    /// `:format`, `:from`, to the longest prefix shared by every candidate.
    pub(super) fn complete(&self, input: &str) -> String {
        let (head, word) = match input.rsplit_once(' ') {
            Some((h, w)) => (format!("{h} "), w),
            None => (String::new(), input),
        };
        let candidates: Vec<String> = match head.trim() {
            "" => COMMANDS.iter().map(|c| c.to_string()).collect(),
            "tail" | "describe" | "topic" => {
                self.topics.all().iter().map(|t| t.name.clone()).collect()
            }
            "ctx" | "context" => self.contexts.clone(),
            "group" | "g" | "cg" => self
                .views
                .iter()
                .find_map(|v| match v {
                    View::Groups {
                        list: Some(Ok(l)), ..
                    } => Some(l.iter().map(|g| g.name.clone()).collect()),
                    _ => None,
                })
                .unwrap_or_default(),
            "format" | "fmt" => ["auto", "text", "json", "hex"].map(String::from).to_vec(),
            "from" => ["beginning", "end"].map(String::from).to_vec(),
            _ => Vec::new(),
        };
        let matching: Vec<&String> = candidates.iter().filter(|c| c.starts_with(word)).collect();
        let Some(first) = matching.first() else {
            return input.to_string();
        };
        let mut prefix = first.to_string();
        for m in &matching[1..] {
            while !m.starts_with(&prefix) {
                prefix.pop();
            }
        }
        let unique = matching.len() == 1;
        format!(
            "{head}{prefix}{}",
            if unique && head.is_empty() { " " } else { "" }
        )
    }

    pub(super) fn remember(&mut self, line: &str) {
        self.history_pos = None;
        let line = line.trim();
        if line.is_empty() || self.history.last().map(String::as_str) == Some(line) {
            return;
        }
        self.history.push(line.to_string());
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
    }

    /// Up (older) / Down (newer) through the history.
    pub(super) fn recall(&mut self, older: bool) -> Option<String> {
        if self.history.is_empty() {
            return None;
        }
        let last = self.history.len() - 1;
        let pos = match (self.history_pos, older) {
            (None, true) => last,
            (None, false) => return None,
            (Some(p), true) => p.saturating_sub(1),
            (Some(p), false) if p >= last => {
                self.history_pos = None;
                return Some(String::new());
            }
            (Some(p), false) => p + 1,
        };
        self.history_pos = Some(pos);
        self.history.get(pos).cloned()
    }
}
