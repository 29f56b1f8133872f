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

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $action:expr, $desc:literal) => {
        Binding { context: Context::$ctx, keys: &[$($key),+], action: $action, desc: $desc, hint: false }
    };
    ($ctx:ident, [$($key:expr),+], $action:expr, $desc:literal, hint) => {
        Binding { context: Context::$ctx, keys: &[$($key),+], action: $action, desc: $desc, hint: true }
    };
}

use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

pub static BINDINGS: &[Binding] = &[
    b!(
        Global,
        [(Char('1'), NONE)],
        Action::Focus(Pane::Topics),
        "focus Topics"
    ),
    b!(
        Global,
        [(Char('2'), NONE)],
        Action::Focus(Pane::Tail),
        "focus Tail"
    ),
    b!(
        Global,
        [(Char('3'), NONE)],
        Action::Focus(Pane::Producer),
        "focus Producer"
    ),
    b!(
        Global,
        [(Char('4'), NONE)],
        Action::Focus(Pane::Logs),
        "focus Logs"
    ),
    b!(Global, [(Tab, NONE)], Action::FocusNext, "next pane"),
    b!(
        Global,
        [(BackTab, SHIFT), (BackTab, NONE)],
        Action::FocusPrev,
        "previous pane"
    ),
    b!(
        Global,
        [(Char('?'), NONE), (Char('?'), SHIFT)],
        Action::Help,
        "show all keys",
        hint
    ),
    b!(
        Global,
        [(Char(':'), NONE), (Char(':'), SHIFT)],
        Action::Command,
        "command (:tail, :from, :format, :q)"
    ),
    b!(
        Global,
        [(Esc, NONE)],
        Action::Back,
        "back out of whatever is open"
    ),
    b!(Global, [(Char('q'), NONE)], Action::Quit, "quit", hint),
    b!(
        Global,
        [(Char('c'), CTRL)],
        Action::Quit,
        "quit, even while typing"
    ),
    b!(
        Topics,
        [(Enter, NONE)],
        Action::Select,
        "tail the selected topic",
        hint
    ),
    b!(
        Topics,
        [(Char('/'), NONE)],
        Action::Filter,
        "filter topics by name",
        hint
    ),
    b!(
        Topics,
        [(Char('i'), NONE)],
        Action::ToggleInternal,
        "show/hide internal topics",
        hint
    ),
    b!(Topics, [(Char('r'), NONE)], Action::Refresh, "refresh now"),
    b!(Topics, [(Up, NONE), (Char('k'), NONE)], Action::Up, "up"),
    b!(
        Topics,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "down"
    ),
    b!(Topics, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(Topics, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        Topics,
        [(Home, NONE), (Char('g'), NONE)],
        Action::Top,
        "first topic"
    ),
    b!(
        Topics,
        [(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)],
        Action::Bottom,
        "last topic"
    ),
    b!(
        Tail,
        [(Enter, NONE)],
        Action::Select,
        "open the selected record",
        hint
    ),
    b!(
        Tail,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "scroll up (pauses following)",
        hint
    ),
    b!(
        Tail,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "scroll down"
    ),
    b!(Tail, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(Tail, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        Tail,
        [(Home, NONE), (Char('g'), NONE)],
        Action::Top,
        "oldest record"
    ),
    b!(
        Tail,
        [(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)],
        Action::Bottom,
        "newest record, follow again",
        hint
    ),
    b!(
        Tail,
        [(Char(' '), NONE)],
        Action::ToggleFollow,
        "pause/follow"
    ),
    b!(
        Tail,
        [(Char('f'), NONE)],
        Action::CycleFormat,
        "format: auto, text, json, hex",
        hint
    ),
    b!(
        Tail,
        [(Char('t'), NONE)],
        Action::ToggleTimestamps,
        "timestamps: relative/RFC 3339",
        hint
    ),
    b!(
        Tail,
        [(Char('c'), NONE)],
        Action::ClearTail,
        "clear the buffer"
    ),
    b!(
        Record,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "scroll up"
    ),
    b!(
        Record,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "scroll down",
        hint
    ),
    b!(Record, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(Record, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        Record,
        [(Char('f'), NONE)],
        Action::CycleFormat,
        "format: auto, text, json, hex",
        hint
    ),
    b!(Record, [(Enter, NONE)], Action::Back, "close", hint),
    b!(
        Producer,
        [(Enter, NONE), (Char('e'), NONE), (Char('i'), NONE)],
        Action::Edit,
        "start typing",
        hint
    ),
    b!(
        Producer,
        [(Char('s'), CTRL)],
        Action::Publish,
        "publish to the selected topic",
        hint
    ),
    b!(
        Producer,
        [(Char('x'), NONE)],
        Action::ClearProducer,
        "clear key, headers and value"
    ),
    b!(
        Editing,
        [(Char('s'), CTRL)],
        Action::Publish,
        "publish to the selected topic",
        hint
    ),
    b!(
        Editing,
        [(Tab, NONE)],
        Action::ProducerNextField,
        "next field (key, headers, value)",
        hint
    ),
    b!(
        Editing,
        [(BackTab, SHIFT), (BackTab, NONE)],
        Action::ProducerPrevField,
        "previous field"
    ),
    b!(
        Editing,
        [(Esc, NONE)],
        Action::Back,
        "stop typing (then 1-4, q work again)",
        hint
    ),
    b!(
        Logs,
        [(Char('s'), NONE), (Right, NONE)],
        Action::NextSource,
        "next source",
        hint
    ),
    b!(
        Logs,
        [(Char('S'), SHIFT), (Char('S'), NONE), (Left, NONE)],
        Action::PrevSource,
        "previous source"
    ),
    b!(Logs, [(Char('/'), NONE)], Action::Filter, "search", hint),
    b!(Logs, [(Char('n'), NONE)], Action::SearchNext, "next match"),
    b!(
        Logs,
        [(Char('N'), SHIFT), (Char('N'), NONE)],
        Action::SearchPrev,
        "previous match"
    ),
    b!(
        Logs,
        [(Char('w'), NONE)],
        Action::ToggleWrap,
        "wrap long lines"
    ),
    b!(
        Logs,
        [(Char('v'), NONE)],
        Action::CycleVerbosity,
        "levels shown: error, warn, info, debug, trace"
    ),
    b!(
        Logs,
        [(Char(' '), NONE)],
        Action::ToggleFollow,
        "pause/follow"
    ),
    b!(
        Logs,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "scroll up (pauses following)"
    ),
    b!(
        Logs,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "scroll down"
    ),
    b!(Logs, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(Logs, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        Logs,
        [(Home, NONE), (Char('g'), NONE)],
        Action::Top,
        "oldest line"
    ),
    b!(
        Logs,
        [(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)],
        Action::Bottom,
        "newest line, follow again",
        hint
    ),
    b!(
        Topics,
        [(Char('d'), NONE)],
        Action::Describe,
        "describe: partitions, replicas, ISR, configs",
        hint
    ),
    b!(
        Topics,
        [(Char('n'), NONE)],
        Action::CreateTopic,
        "new topic"
    ),
    b!(
        Topics,
        [(Char('d'), CTRL)],
        Action::DeleteTopic,
        "delete the topic (asks for its name)"
    ),
    b!(
        Topics,
        [(Char('p'), NONE)],
        Action::AddPartitions,
        "add partitions"
    ),
    b!(
        TopicView,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "scroll up"
    ),
    b!(
        TopicView,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "scroll down"
    ),
    b!(TopicView, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(TopicView, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        TopicView,
        [(Char('e'), NONE)],
        Action::EditConfig,
        "set a config (key=value)",
        hint
    ),
    b!(
        TopicView,
        [(Char('p'), NONE)],
        Action::AddPartitions,
        "add partitions",
        hint
    ),
    b!(
        TopicView,
        [(Char('d'), CTRL)],
        Action::DeleteTopic,
        "delete the topic",
        hint
    ),
    b!(
        TopicView,
        [(Char('r'), NONE)],
        Action::Refresh,
        "refresh",
        hint
    ),
    b!(
        GroupsView,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "up"
    ),
    b!(
        GroupsView,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "down"
    ),
    b!(GroupsView, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(
        GroupsView,
        [(PageDown, NONE)],
        Action::PageDown,
        "page down"
    ),
    b!(
        GroupsView,
        [(Home, NONE), (Char('g'), NONE)],
        Action::Top,
        "first group"
    ),
    b!(
        GroupsView,
        [(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)],
        Action::Bottom,
        "last group"
    ),
    b!(
        GroupsView,
        [(Enter, NONE)],
        Action::Select,
        "members, offsets and lag",
        hint
    ),
    b!(
        GroupsView,
        [(Char('/'), NONE)],
        Action::Filter,
        "filter groups",
        hint
    ),
    b!(
        GroupsView,
        [(Char('d'), CTRL)],
        Action::DeleteGroup,
        "delete the group (asks for its name)"
    ),
    b!(
        GroupsView,
        [(Char('r'), NONE)],
        Action::Refresh,
        "refresh",
        hint
    ),
    b!(
        GroupView,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "scroll up"
    ),
    b!(
        GroupView,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "scroll down"
    ),
    b!(GroupView, [(PageUp, NONE)], Action::PageUp, "page up"),
    b!(GroupView, [(PageDown, NONE)], Action::PageDown, "page down"),
    b!(
        GroupView,
        [(Char('R'), SHIFT), (Char('R'), NONE)],
        Action::ResetOffsets,
        "reset offsets (inactive groups)",
        hint
    ),
    b!(
        GroupView,
        [(Char('d'), CTRL)],
        Action::DeleteGroup,
        "delete the group",
        hint
    ),
    b!(
        GroupView,
        [(Char('r'), NONE)],
        Action::Refresh,
        "refresh",
        hint
    ),
    b!(
        BrokersView,
        [(Char('r'), NONE)],
        Action::Refresh,
        "refresh",
        hint
    ),
    b!(
        ContextsView,
        [(Up, NONE), (Char('k'), NONE)],
        Action::Up,
        "up"
    ),
    b!(
        ContextsView,
        [(Down, NONE), (Char('j'), NONE)],
        Action::Down,
        "down"
    ),
    b!(
        ContextsView,
        [(Enter, NONE)],
        Action::Select,
        "switch to this cluster",
        hint
    ),
    b!(
        Producer,
        [(Char('r'), CTRL)],
        Action::RestoreUnsent,
        "restore the last record that failed to send"
    ),
    b!(
        Editing,
        [(Char('r'), CTRL)],
        Action::RestoreUnsent,
        "restore the last record that failed to send"
    ),
];

fn matches(b: &Binding, key: &KeyEvent) -> bool {
    b.keys.iter().any(|(code, mods)| {
        // Shifted characters arrive with or without SHIFT depending on the terminal.
        *code == key.code
            && (*mods == key.modifiers
                || matches!(code, Char(_)) && key.modifiers == SHIFT && *mods == NONE)
    })
}

pub const ALL_CONTEXTS: [Context; 12] = [
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
];

/// The action for `key` in `context`, falling back to the global keys (except while typing,
/// where only the editing keys and Ctrl+C act; everything else goes to the editor).
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    let own = BINDINGS
        .iter()
        .find(|b| b.context == context && matches(b, key));
    if let Some(b) = own {
        return Some(b.action.clone());
    }
    if context == Context::Editing {
        return (key.code == Char('c') && key.modifiers == CTRL).then_some(Action::Quit);
    }
    BINDINGS
        .iter()
        .find(|b| b.context == Context::Global && matches(b, key))
        .map(|b| b.action.clone())
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
        other => format!("{other:?}"),
    };
    if mods.contains(CTRL) {
        format!("Ctrl+{}", base.to_uppercase())
    } else {
        base
    }
}

/// All the keys of one binding, deduplicated: "↑ k".
pub fn keys_label(b: &Binding) -> String {
    let mut labels: Vec<String> = Vec::new();
    for (c, m) in b.keys {
        let l = key_label(*c, *m);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    labels.join(" ")
}

/// The status line's short hints for a context: "Enter tail · / filter · ? help".
pub fn hints(context: Context) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| {
            b.hint
                && (b.context == context
                    || b.context == Context::Global && context != Context::Editing)
        })
        .map(|b| (key_label(b.keys[0].0, b.keys[0].1), short(b.desc)))
        .collect()
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
            lookup(Context::Topics, &key(Enter, NONE)),
            Some(Action::Select)
        );
        assert_eq!(
            lookup(Context::Topics, &key(Char('2'), NONE)),
            Some(Action::Focus(Pane::Tail))
        );
        assert_eq!(
            lookup(Context::Logs, &key(Char('q'), NONE)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn editing_swallows_plain_keys() {
        assert_eq!(lookup(Context::Editing, &key(Char('q'), NONE)), None);
        assert_eq!(lookup(Context::Editing, &key(Char('1'), NONE)), None);
        assert_eq!(
            lookup(Context::Editing, &key(Char('s'), CTRL)),
            Some(Action::Publish)
        );
        assert_eq!(
            lookup(Context::Editing, &key(Esc, NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            lookup(Context::Editing, &key(Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn shifted_chars_match_with_or_without_shift() {
        assert_eq!(
            lookup(Context::Tail, &key(Char('G'), SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            lookup(Context::Tail, &key(Char('G'), NONE)),
            Some(Action::Bottom)
        );
        assert_eq!(
            lookup(Context::Tail, &key(Char('?'), SHIFT)),
            Some(Action::Help)
        );
    }

    #[test]
    fn every_context_has_hints_and_labels_are_readable() {
        for ctx in ALL_CONTEXTS {
            assert!(!hints(ctx).is_empty(), "{ctx:?}");
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
