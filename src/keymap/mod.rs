//! Keys per context and the action each one triggers, with the descriptions the help screen
//! and the status line are generated from.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;
use crate::state::Pane;

/// Where a key is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    Topics,
    Tail,
    Record,
    Producer,
    Editing,
    Logs,
    TopicView,
    GroupsView,
    GroupView,
    BrokersView,
    ContextsView,
    ConnectView,
    StreamsView,
    SchemasView,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Topics => "Topics",
            Context::Tail => "Tail",
            Context::Record => "Record detail",
            Context::Producer => "Producer",
            Context::Editing => "Producer, while typing",
            Context::Logs => "Logs",
            Context::TopicView => "Topic detail (d on a topic, :describe)",
            Context::GroupsView => "Consumer groups (:groups)",
            Context::GroupView => "One group (Enter in :groups, :group NAME)",
            Context::BrokersView => "Cluster (:brokers)",
            Context::ContextsView => "Contexts (:ctx)",
            Context::ConnectView => "Kafka Connect (:connect)",
            Context::StreamsView => "Kafka Streams (:streams)",
            Context::SchemasView => "Schema registry (:schemas)",
        }
    }

    pub fn of_pane(p: Pane) -> Context {
        match p {
            Pane::Topics => Context::Topics,
            Pane::Tail => Context::Tail,
            Pane::Producer => Context::Producer,
            Pane::Logs => Context::Logs,
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub action: Action,
    pub desc: &'static str,
    /// Shown in the status line hints for its context.
    pub hint: bool,
}

pub(crate) const NONE: KeyModifiers = KeyModifiers::NONE;
pub(crate) const CTRL: KeyModifiers = KeyModifiers::CONTROL;
pub(crate) const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

mod names;
mod user;
pub use names::{action_name, action_named, parse_key, ACTIONS};
pub use user::{KeyConfigError, KeysTable};

mod bindings;
pub use bindings::BINDINGS;

use KeyCode::{
    BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up, F,
};

fn matches(keys: &[(KeyCode, KeyModifiers)], key: &KeyEvent) -> bool {
    keys.iter().any(|(code, mods)| {
        // Shifted characters arrive with or without SHIFT depending on the terminal.
        *code == key.code
            && (*mods == key.modifiers
                || matches!(code, Char(_)) && key.modifiers == SHIFT && *mods == NONE)
    })
}

pub const ALL_CONTEXTS: [Context; 15] = [
    Context::Global,
    Context::Topics,
    Context::Tail,
    Context::Record,
    Context::Producer,
    Context::Editing,
    Context::Logs,
    Context::TopicView,
    Context::GroupsView,
    Context::GroupView,
    Context::BrokersView,
    Context::ContextsView,
    Context::ConnectView,
    Context::StreamsView,
    Context::SchemasView,
];

/// One binding as in force: a default, with the config file's `[keys.*]` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub context: Context,
    /// Empty when the config file unbound every key of it.
    pub keys: Vec<(KeyCode, KeyModifiers)>,
    pub action: Action,
    pub desc: &'static str,
    pub hint: bool,
}

/// The keys in force: what input looks up, and what `?` and the status line show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bound: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bound: BINDINGS
                .iter()
                .map(|b| Bound {
                    context: b.context,
                    keys: b.keys.to_vec(),
                    action: b.action.clone(),
                    desc: b.desc,
                    hint: b.hint,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The bindings of one context, in the table's order.
    pub fn of(&self, context: Context) -> impl Iterator<Item = &Bound> {
        self.bound.iter().filter(move |b| b.context == context)
    }

    /// The action for `key` in `context`, falling back to the global keys (except while
    /// typing, where only the editing keys and Ctrl+C act; everything else goes to the editor).
    pub fn lookup(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        if let Some(b) = self.of(context).find(|b| matches(&b.keys, key)) {
            return Some(b.action.clone());
        }
        if context == Context::Editing {
            return (key.code == Char('c') && key.modifiers == CTRL).then_some(Action::Quit);
        }
        self.of(Context::Global)
            .find(|b| matches(&b.keys, key))
            .map(|b| b.action.clone())
    }

    /// The status line's short hints for a context: "Enter tail · / filter · ? help". A view
    /// with a footer of its own (`footer`) leaves only the global ones here.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        let own = !matches!(
            context,
            Context::ConnectView | Context::StreamsView | Context::SchemasView
        );
        self.bound
            .iter()
            .filter(|b| {
                b.hint
                    && (b.context == context && own
                        || b.context == Context::Global && context != Context::Editing)
            })
            .filter_map(|b| {
                let (code, mods) = b.keys.first()?;
                Some((key_label(*code, *mods), short(b.desc)))
            })
            .collect()
    }

    /// The first key bound to `action` in `context` (or, as `lookup` falls back, among the
    /// global keys), as help writes it; "(no key)" when nothing is bound to it. Messages that
    /// name a key ask here, so a rebinding in `[keys.*]` shows in them too.
    pub fn key_for(&self, context: Context, action: &Action) -> String {
        let global = (context != Context::Editing)
            .then(|| self.of(Context::Global))
            .into_iter()
            .flatten();
        self.of(context)
            .chain(global)
            .filter(|b| b.action == *action)
            .find_map(|b| b.keys.first())
            .map_or_else(|| "(no key)".into(), |(code, mods)| key_label(*code, *mods))
    }

    /// Every key bound to `action` in `context`, as help writes them, joined by "/" ("End/G").
    pub fn keys_for(&self, context: Context, action: &Action) -> String {
        let mut labels: Vec<String> = Vec::new();
        for b in self.of(context).filter(|b| b.action == *action) {
            for (code, mods) in &b.keys {
                let l = key_label(*code, *mods);
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
        }
        if labels.is_empty() {
            return self.key_for(context, action);
        }
        labels.join("/")
    }

    /// A view's own hinted keys in one line, as its footer shows them: "Enter detail · p
    /// pause · …" (the keys in force, so a rebinding shows there too).
    pub fn footer(&self, context: Context) -> String {
        self.of(context)
            .filter(|b| b.hint)
            .filter_map(|b| {
                let (code, mods) = b.keys.first()?;
                Some(format!("{} {}", key_label(*code, *mods), short(b.desc)))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    pub(crate) fn bound_mut(&mut self) -> &mut Vec<Bound> {
        &mut self.bound
    }
}

/// How a key is written in help: `Ctrl+S`, `PgUp`, `g`.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        Char(' ') => "Space".to_string(),
        Char(c) => c.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift+Tab".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        End => "End".into(),
        F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let mut label = String::new();
    if mods.contains(CTRL) {
        label.push_str("Ctrl+");
    }
    if mods.contains(KeyModifiers::ALT) {
        label.push_str("Alt+");
    }
    if label.is_empty() {
        base
    } else {
        label + &base.to_uppercase()
    }
}

/// All the keys of one binding, deduplicated: "↑ k"; "(none)" when all were unbound.
pub fn keys_label(b: &Bound) -> String {
    if b.keys.is_empty() {
        return "(none)".into();
    }
    let mut labels: Vec<String> = Vec::new();
    for (c, m) in &b.keys {
        let l = key_label(*c, *m);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    labels.join(" ")
}

fn short(desc: &'static str) -> &'static str {
    match desc.find([' ', ',', '(', ':']) {
        Some(_) if desc.starts_with("show all keys") => "help",
        Some(i) if desc[..i].len() >= 3 => &desc[..i],
        _ => desc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn pane_keys_win_over_global() {
        assert_eq!(
            Keymap::default().lookup(Context::Topics, &key(Enter, NONE)),
            Some(Action::Select)
        );
        assert_eq!(
            Keymap::default().lookup(Context::Topics, &key(Char('2'), NONE)),
            Some(Action::Focus(Pane::Tail))
        );
        assert_eq!(
            Keymap::default().lookup(Context::Logs, &key(Char('q'), NONE)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn editing_swallows_plain_keys() {
        assert_eq!(
            Keymap::default().lookup(Context::Editing, &key(Char('q'), NONE)),
            None
        );
        assert_eq!(
            Keymap::default().lookup(Context::Editing, &key(Char('1'), NONE)),
            None
        );
        assert_eq!(
            Keymap::default().lookup(Context::Editing, &key(Char('s'), CTRL)),
            Some(Action::Publish)
        );
        assert_eq!(
            Keymap::default().lookup(Context::Editing, &key(Esc, NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            Keymap::default().lookup(Context::Editing, &key(Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn shifted_chars_match_with_or_without_shift() {
        assert_eq!(
            Keymap::default().lookup(Context::Tail, &key(Char('G'), SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            Keymap::default().lookup(Context::Tail, &key(Char('G'), NONE)),
            Some(Action::Bottom)
        );
        assert_eq!(
            Keymap::default().lookup(Context::Tail, &key(Char('?'), SHIFT)),
            Some(Action::Help)
        );
    }

    #[test]
    fn every_context_has_hints_and_labels_are_readable() {
        for ctx in ALL_CONTEXTS {
            assert!(!Keymap::default().hints(ctx).is_empty(), "{ctx:?}");
        }
        assert_eq!(key_label(Char('s'), CTRL), "Ctrl+S");
        assert_eq!(key_label(BackTab, SHIFT), "Shift+Tab");
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.context);
                    }
                }
            }
        }
    }
}
