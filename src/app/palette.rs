//! The `:` palette's keys. Tab lists the candidates for the word at the end of the command
//! line (commands, then the argument their table row names), typing filters them, ↑↓ and
//! Shift+Tab choose, Tab or Enter takes the chosen one. The list is `state::palette`.

use super::command::{lookup, ArgKind, Command, COMMANDS};
use super::*;
use crate::state::palette::{Candidate, Palette};

/// What the word at the end of the command line can become.
struct Stage {
    /// The line before the word: "" or the command and its space.
    head: String,
    word: String,
    title: &'static str,
    candidates: Vec<Candidate>,
    /// The command word, rather than an argument, is being completed.
    command: bool,
}

impl Stage {
    /// The line with `c` in place of the word. A command word gets its space, ready for the
    /// argument.
    fn line_with(&self, c: &Candidate) -> String {
        let space = if self.command { " " } else { "" };
        format!("{}{}{space}", self.head, c.text)
    }
}

fn command_candidate(c: &Command) -> Candidate {
    let desc = match c.usage {
        "" => c.desc.to_string(),
        usage => format!("{usage} · {}", c.desc),
    };
    Candidate {
        text: c.name.into(),
        aliases: c.aliases.iter().map(|a| a.to_string()).collect(),
        desc,
        color: None,
    }
}

/// Whether a command cannot run without its argument (`FROM`, not `[TOPIC]`).
fn needs_argument(c: &Command) -> bool {
    !c.usage.is_empty() && !c.usage.starts_with('[')
}

/// The longest start every string shares.
fn common_prefix<'a>(mut words: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = words.next() else {
        return String::new();
    };
    let mut prefix = first.to_string();
    for w in words {
        while !w.starts_with(&prefix) {
            prefix.pop();
        }
    }
    prefix
}

impl App {
    /// The candidates for the word being typed; `None` where nothing completes (a free-text
    /// argument, a second argument, an unknown command).
    fn stage(&self, input: &str) -> Option<Stage> {
        let (head, word) = match input.rsplit_once(' ') {
            Some((h, w)) => (format!("{h} "), w),
            None => (String::new(), input),
        };
        let cmd = head.trim();
        let (title, candidates) = if cmd.is_empty() {
            ("commands", COMMANDS.iter().map(command_candidate).collect())
        } else if cmd.contains(char::is_whitespace) {
            // Only the first argument completes.
            return None;
        } else {
            match lookup(cmd)?.arg {
                ArgKind::Topic => ("topics", self.topic_candidates()),
                ArgKind::Group => ("groups", self.group_candidates()),
                ArgKind::Context => ("contexts", self.context_candidates()),
                ArgKind::Choice(words) => (
                    "choices",
                    words.iter().map(|w| Candidate::new(*w, "")).collect(),
                ),
                ArgKind::History => ("published records", self.history_candidates()),
                ArgKind::Nothing | ArgKind::Text => return None,
            }
        };
        Some(Stage {
            word: word.to_string(),
            command: cmd.is_empty(),
            head,
            title,
            candidates,
        })
    }

    fn topic_candidates(&self) -> Vec<Candidate> {
        self.topics
            .all()
            .iter()
            .map(|t| {
                Candidate::new(
                    t.name.clone(),
                    crate::model::count(t.partitions.len() as u64, "partition"),
                )
            })
            .collect()
    }

    /// The groups of the groups view, once it has listed them (as `:groups` does).
    fn group_candidates(&self) -> Vec<Candidate> {
        self.views
            .iter()
            .find_map(|v| match v {
                View::Groups {
                    list: Some(Ok(l)), ..
                } => Some(
                    l.iter()
                        .map(|g| {
                            let members = crate::model::count(g.members as u64, "member");
                            Candidate::new(g.name.clone(), format!("{} · {members}", g.state))
                        })
                        .collect(),
                ),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Each cluster with its bootstrap and colour; the embedded broker is one of them, once
    /// (`target::contexts`).
    fn context_candidates(&self) -> Vec<Candidate> {
        self.contexts
            .iter()
            .map(|c| {
                let mut desc = c
                    .bootstrap
                    .clone()
                    .unwrap_or_else(|| "embedded broker".into());
                if c.name == self.context {
                    desc.push_str(" (current)");
                }
                Candidate {
                    text: c.name.clone(),
                    aliases: Vec::new(),
                    desc,
                    color: c.color.clone(),
                }
            })
            .collect()
    }

    /// Tab. With the list closed, a word that only one candidate fits completes at once (as a
    /// shell's Tab does); otherwise the list opens, the word grown to what the candidates
    /// starting with it share. With the list open, the chosen candidate is taken.
    pub(super) fn palette_tab(&mut self, input: String) -> String {
        if self.palette.is_some() {
            return self.palette_take(input).0;
        }
        let Some(stage) = self.stage(&input) else {
            return input;
        };
        let word = stage.word.as_str();
        let starting: Vec<&Candidate> = stage
            .candidates
            .iter()
            .filter(|c| c.text.starts_with(word) || c.aliases.iter().any(|a| a.starts_with(word)))
            .collect();
        let hits = crate::state::palette::filter(&stage.candidates, word);
        let only = match (starting.as_slice(), hits.as_slice()) {
            ([one], _) => Some(*one),
            (_, [one]) => Some(&stage.candidates[one.index]),
            _ => None,
        };
        if let Some(c) = only {
            return stage.line_with(c);
        }
        let grown = common_prefix(
            starting
                .iter()
                .flat_map(|c| std::iter::once(&c.text).chain(&c.aliases))
                .map(String::as_str)
                .filter(|k| k.starts_with(word)),
        );
        let word = if grown.len() > word.len() {
            grown
        } else {
            word.to_string()
        };
        self.palette = Some(Palette::new(stage.title, stage.candidates, &word));
        format!("{}{word}", stage.head)
    }

    /// Puts the chosen candidate in place of the word. After a command word the list moves
    /// on to its argument (if that completes); after an argument it closes. Also returns
    /// whether the line now wants an argument before it can run (`:from `).
    pub(super) fn palette_take(&mut self, input: String) -> (String, bool) {
        let chosen = self.palette.as_ref().and_then(|p| p.selected().cloned());
        let (Some(stage), Some(c)) = (self.stage(&input), chosen) else {
            // Nothing chosen: Tab chooses the first, Enter runs the line as typed.
            if let Some(p) = self.palette.as_mut() {
                p.move_by(1);
            }
            return (input, false);
        };
        let line = stage.line_with(&c);
        self.palette = None;
        if !stage.command {
            return (line, false);
        }
        self.palette_follow(&line);
        let needs = lookup(&c.text).is_some_and(needs_argument);
        (line, needs)
    }

    /// After the line changed with the list open: filter again, for whatever the word at its
    /// end now is; close the list where nothing completes.
    pub(super) fn palette_follow(&mut self, input: &str) {
        self.palette = self
            .stage(input)
            .map(|s| Palette::new(s.title, s.candidates, &s.word));
    }

    /// Enter in the `:` prompt with the list open: the chosen candidate, if any, goes in, and
    /// the line runs, unless the chosen command cannot run without its argument (the list
    /// then shows the argument's candidates). Returns the line to keep typing in.
    pub(super) fn palette_enter(&mut self, input: String) -> Option<String> {
        let chosen = self.palette.as_ref().is_some_and(|p| p.selected.is_some());
        let line = if chosen {
            let (line, needs) = self.palette_take(input);
            if needs {
                return Some(line);
            }
            line
        } else {
            input
        };
        self.palette = None;
        self.mode = Mode::Normal;
        self.remember(&line);
        self.run_command(&line);
        None
    }
}
