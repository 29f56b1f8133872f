//! The `:` command line: commands and history (Tab's candidates: palette.rs).

use super::*;

/// What a command's argument is, for Tab completion (and the help's wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// Takes nothing (anything typed after it is ignored, as before).
    Nothing,
    /// A topic name from the topics list.
    Topic,
    /// A consumer group id from the open groups view.
    Group,
    /// A context name from the config file.
    Context,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// Free text (a position, a filter, a path): nothing to complete.
    Text,
    /// A record of the producer's history, by number (matched by its key and value).
    History,
}

/// One `:` command. `run` gets the text after the command word, trimmed ("" when none).
pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub arg: ArgKind,
    /// The argument as the help shows it after the name, e.g. `TOPIC [FROM]`; "" for none.
    pub usage: &'static str,
    pub desc: &'static str,
    pub run: fn(&mut App, &str),
}

/// The one command table: `:` dispatch, Tab completion and the `?` help all read it.
///
/// To add a command, add one row: a name, its aliases (each unique across the table; the
/// tests check), the argument kind (drives Tab completion), the usage and description shown
/// in `?`, and a handler `|app, arg| ...` calling a method of `App` (put the method in your
/// own module, `impl App` in src/app/..., and keep the row one line of intent).
#[rustfmt::skip]
pub static COMMANDS: &[Command] = &[
    Command { name: "topics", aliases: &["t"], arg: ArgKind::Nothing, usage: "", desc: "focus the Topics pane", run: |app, _| app.show_pane(Pane::Topics) },
    Command { name: "tail", aliases: &[], arg: ArgKind::Topic, usage: "[TOPIC[,TOPIC]|/REGEX/[#P,P] [FROM]]", desc: "tail topics (A,B several; /REGEX/ all that match, new ones join; #0,2 those partitions); FROM: beginning, end, 42, -10, 15m", run: App::cmd_tail },
    Command { name: "until", aliases: &[], arg: ArgKind::Choice(&["end", "off"]), usage: "[POS | off]", desc: "where tails stop: end, an offset, 15m ago, a time; off: never", run: App::cmd_until },
    Command { name: "from", aliases: &[], arg: ArgKind::Choice(&["beginning", "end"]), usage: "FROM", desc: "restart the tail at another position", run: App::cmd_from },
    Command { name: "format", aliases: &["fmt"], arg: ArgKind::Choice(&["auto", "text", "json", "hex"]), usage: "FMT", desc: "values as auto, text, json or hex", run: App::cmd_format },
    Command { name: "describe", aliases: &["topic"], arg: ArgKind::Topic, usage: "[TOPIC]", desc: "a topic's partitions and configs", run: App::cmd_describe },
    Command { name: "create", aliases: &[], arg: ArgKind::Nothing, usage: "", desc: "create a topic", run: |app, _| app.open_dialog_create() },
    Command { name: "delete", aliases: &[], arg: ArgKind::Nothing, usage: "", desc: "delete the selected topic", run: |app, _| app.open_dialog_delete_topic() },
    Command { name: "groups", aliases: &["group", "g", "cg"], arg: ArgKind::Group, usage: "[GROUP]", desc: "consumer groups, or one", run: App::cmd_groups },
    Command { name: "brokers", aliases: &["cluster", "b"], arg: ArgKind::Nothing, usage: "", desc: "brokers of the cluster", run: |app, _| app.open_brokers() },
    Command { name: "connect", aliases: &["kc"], arg: ArgKind::Nothing, usage: "", desc: "Kafka Connect: connectors, tasks, plugins", run: |app, _| app.open_connect() },
    Command { name: "streams", aliases: &["ks"], arg: ArgKind::Nothing, usage: "", desc: "Kafka Streams applications", run: |app, _| app.open_streams() },
    Command { name: "schemas", aliases: &["sr", "registry"], arg: ArgKind::Nothing, usage: "", desc: "schema registry: subjects, versions, compatibility, schemas", run: |app, _| app.open_schemas() },
    Command { name: "schema", aliases: &[], arg: ArgKind::Text, usage: "[SUBJECT [VERSION] [MESSAGE] | off]", desc: "Producer: publish the value (JSON) encoded with SUBJECT's schema (latest or VERSION; Protobuf: as MESSAGE, else the first)", run: App::cmd_schema },
    Command { name: "export", aliases: &[], arg: ArgKind::Text, usage: "FILE", desc: "write the held (filtered) records to FILE: JSON Lines, or CSV for .csv", run: App::cmd_export },
    Command { name: "produce-file", aliases: &["replay"], arg: ArgKind::Text, usage: "FILE [--rate N]", desc: "publish FILE to the tailed topic: JSON Lines (.jsonl, as exported) or one value a line; at most N a second", run: App::cmd_produce_file },
    Command { name: "jq", aliases: &[], arg: ArgKind::Text, usage: "[EXPR]", desc: "filter/project JSON values in Tail with jq (empty: off)", run: App::cmd_jq },
    Command { name: "ctx", aliases: &["context", "contexts"], arg: ArgKind::Context, usage: "[NAME]", desc: "contexts, or switch to one", run: App::cmd_ctx },
    Command { name: "producer", aliases: &["p"], arg: ArgKind::Nothing, usage: "", desc: "focus the Producer pane", run: |app, _| app.show_pane(Pane::Producer) },
    Command { name: "produce", aliases: &[], arg: ArgKind::Text, usage: "[N]", desc: "publish N records from the producer's text, placeholders ({{seq}}, {{uuid}}, …) filled for each; alone: focus the Producer", run: App::cmd_produce },
    Command { name: "logs", aliases: &["log", "l"], arg: ArgKind::Nothing, usage: "", desc: "focus the Logs pane", run: |app, _| app.show_pane(Pane::Logs) },
    Command { name: "partition", aliases: &[], arg: ArgKind::Choice(&["auto"]), usage: "[N | auto]", desc: "Producer: publish to partition N; auto: the partitioner chooses by key", run: App::cmd_partition },
    Command { name: "history", aliases: &[], arg: ArgKind::History, usage: "[N]", desc: "Producer: published records, fuzzy-found by key and value (h in Producer); N: that one into the editors", run: App::cmd_history },
    Command { name: "layout", aliases: &[], arg: ArgKind::Choice(&["save", "reset"]), usage: "[save | reset]", desc: "where the panes split; save: into the config file's [layout]; reset: the default", run: App::cmd_layout },
    Command { name: "help", aliases: &["h"], arg: ArgKind::Nothing, usage: "", desc: "this screen", run: |app, _| app.mode = Mode::Help { scroll: 0 } },
    Command { name: "quit", aliases: &["q", "q!", "exit"], arg: ArgKind::Nothing, usage: "", desc: "quit", run: |app, _| app.quit = true },
];

/// The command called `word`, by name or alias.
pub fn lookup(word: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word))
}

/// Most recent commands kept.
const HISTORY: usize = 100;

impl App {
    pub(super) fn run_command(&mut self, line: &str) {
        let line = line.trim();
        let (word, arg) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, a)| (w, a.trim()));
        if word.is_empty() {
            return;
        }
        match lookup(word) {
            Some(cmd) => (cmd.run)(self, arg),
            None => self.warn(format!(
                "unknown command :{word}; try :{} (Tab completes, ? lists them)",
                COMMANDS
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", :")
            )),
        }
    }

    fn cmd_tail(&mut self, arg: &str) {
        let rest: Vec<&str> = arg.split_whitespace().collect();
        let Some(topic) = rest.first() else {
            return self.show_pane(Pane::Tail);
        };
        let (topics, partitions) = match TopicSet::parse(topic) {
            Ok(t) => t,
            Err(e) => return self.warn(e),
        };
        let start = match rest[1..].join(" ") {
            s if s.is_empty() => self.default_start,
            s => match s.parse() {
                Ok(st) => st,
                Err(e) => return self.warn(format!("{e}")),
            },
        };
        if let Some(first) = topics.first_name() {
            self.topics.select_name(first);
        }
        self.start_tail_of(topics, partitions, start);
        self.show_pane(Pane::Tail);
    }

    /// `:until POS` (or `off`): where this tail and the next ones stop; the tail restarts from
    /// where it started.
    fn cmd_until(&mut self, arg: &str) {
        let until = match arg.trim() {
            "" => {
                return self.say(match self.default_until {
                    Some(u) => format!("tails stop at {u} (:until off: never)"),
                    None => "tails never stop (:until end|OFFSET|15m|TIME sets an end)".into(),
                })
            }
            "off" | "never" => None,
            a => match a.parse::<crate::model::Until>() {
                Ok(u) => Some(u),
                Err(e) => return self.warn(e.to_string()),
            },
        };
        self.default_until = until;
        if let Some(topics) = self.tail.topics.clone() {
            let partitions = self.tail.only.clone();
            self.start_tail_of(topics, partitions, self.tail.start);
        }
    }

    fn cmd_from(&mut self, arg: &str) {
        let arg = arg.split_whitespace().collect::<Vec<_>>().join(" ");
        match arg.parse::<StartFrom>() {
            Ok(start) => match self.tail.topics.clone().or_else(|| {
                self.topics
                    .selected_name()
                    .map(|t| TopicSet::from(t.to_string()))
            }) {
                Some(topics) => {
                    self.default_start = start;
                    // The same topics and partitions as the tail it replaces.
                    let partitions = self.tail.only.clone();
                    self.start_tail_of(topics, partitions, start);
                    self.show_pane(Pane::Tail);
                }
                None => self.warn("no topic to tail: select one in Topics first"),
            },
            Err(e) => self.warn(e.to_string()),
        }
    }

    fn cmd_format(&mut self, arg: &str) {
        let f = match arg {
            "auto" => Format::Auto,
            "text" => Format::Text,
            "json" => Format::Json,
            "hex" => Format::Hex,
            _ => return self.warn("format takes auto, text, json or hex"),
        };
        self.tail.format = f;
        self.say(format!("format: {}", f.label()));
    }

    fn cmd_groups(&mut self, arg: &str) {
        self.open_groups();
        if !arg.is_empty() {
            self.views.push(View::GroupDetail {
                name: arg.to_string(),
                detail: None,
                scroll: 0,
            });
            self.refresh_view();
        }
    }

    fn cmd_ctx(&mut self, arg: &str) {
        if arg.is_empty() {
            self.open_contexts();
        } else if arg == self.context {
            self.say(format!("already on {arg}"));
        } else if self.contexts.iter().any(|c| c.name == arg) {
            self.switch_to = Some(arg.to_string());
        } else {
            let known: Vec<&str> = self.contexts.iter().map(|c| c.name.as_str()).collect();
            self.warn(format!("no context {arg:?}; known: {}", known.join(", ")));
        }
    }

    fn cmd_describe(&mut self, arg: &str) {
        if !arg.is_empty() && !self.topics.select_name(arg) {
            return self.warn(format!("no topic {arg:?} in the list"));
        }
        self.open_topic_detail();
    }

    /// Closes the views and focuses a pane.
    pub(super) fn show_pane(&mut self, p: Pane) {
        self.views.clear();
        self.focus_pane(p);
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

impl App {
    fn cmd_jq(&mut self, arg: &str) {
        match self.tail.set_jq(arg) {
            Ok(()) if arg.is_empty() => self.say("jq off"),
            Ok(()) => {
                self.show_pane(Pane::Tail);
                let t = &self.tail;
                self.say(format!(
                    "jq: {} of {}",
                    t.find.matched(),
                    crate::model::count(t.records.len() as u64, "record")
                ));
            }
            Err(e) => self.warn(e.to_string()),
        }
    }
}
