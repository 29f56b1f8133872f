//! The key table: every binding, with the description the help screen and status line show.

use crossterm::event::KeyCode::{
    BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

use super::{Binding, Context, CTRL, NONE, SHIFT};
use crate::action::Action;
use crate::state::Pane;

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $action:expr, $desc:literal) => {
        Binding { context: Context::$ctx, keys: &[$($key),+], action: $action, desc: $desc, hint: false }
    };
    ($ctx:ident, [$($key:expr),+], $action:expr, $desc:literal, hint) => {
        Binding { context: Context::$ctx, keys: &[$($key),+], action: $action, desc: $desc, hint: true }
    };
}

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
        [(Char('z'), NONE)],
        Action::ToggleZoom,
        "zoom: the focused pane fills the screen, again restores"
    ),
    b!(
        Global,
        [(Char('<'), NONE), (Char('<'), SHIFT)],
        Action::SplitLeft,
        "move the split between panes left"
    ),
    b!(
        Global,
        [(Char('>'), NONE), (Char('>'), SHIFT)],
        Action::SplitRight,
        "move the split between panes right"
    ),
    b!(
        Global,
        [(Char('+'), NONE), (Char('+'), SHIFT), (Char('='), NONE)],
        Action::TallerTop,
        "grow the top row (Topics, Tail)"
    ),
    b!(
        Global,
        [(Char('-'), NONE)],
        Action::ShorterTop,
        "grow the bottom row (Producer, Logs)"
    ),
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
        "clear the buffer (u brings it back)"
    ),
    b!(
        Tail,
        [(Char('u'), NONE)],
        Action::UndoClear,
        "undo the clear"
    ),
    b!(
        Tail,
        [(Char('/'), NONE)],
        Action::Filter,
        "filter: text, /regex/, !inverts",
        hint
    ),
    b!(
        Tail,
        [(Char('h'), NONE)],
        Action::ToggleFindMode,
        "filter hides / highlights"
    ),
    b!(Tail, [(Char('n'), NONE)], Action::SearchNext, "next match"),
    b!(
        Tail,
        [(Char('r'), NONE)],
        Action::ToProducer,
        "copy the record into the producer, to edit and resend"
    ),
    b!(
        Tail,
        [(Char('N'), SHIFT), (Char('N'), NONE)],
        Action::SearchPrev,
        "previous match"
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
        Record,
        [(Char('w'), NONE)],
        Action::ToggleWrap,
        "wrap long lines / scroll sideways",
        hint
    ),
    b!(
        Record,
        [(Left, NONE), (Char('h'), NONE)],
        Action::ScrollLeft,
        "scroll left"
    ),
    b!(
        Record,
        [(Right, NONE), (Char('l'), NONE)],
        Action::ScrollRight,
        "scroll right"
    ),
    b!(
        Record,
        [(Char('t'), NONE)],
        Action::ToggleTimestamps,
        "time: relative/RFC 3339"
    ),
    b!(
        Record,
        [(Char('y'), NONE)],
        Action::CopyValue,
        "copy the value (OSC 52)",
        hint
    ),
    b!(
        Record,
        [(Char('Y'), SHIFT), (Char('Y'), NONE)],
        Action::CopyRecord,
        "copy the record as JSON (OSC 52)"
    ),
    b!(
        Record,
        [(Char('r'), NONE)],
        Action::ToProducer,
        "copy into the producer, to edit and resend"
    ),
    b!(
        Record,
        [(Char('o'), NONE)],
        Action::OpenPager,
        "open the value in $PAGER",
        hint
    ),
    b!(
        Record,
        [(Char('e'), NONE)],
        Action::OpenEditor,
        "open the value in $EDITOR"
    ),
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
        [(Up, NONE), (Char('p'), CTRL)],
        Action::HistoryOlder,
        "history: the previous record published (kept across runs)",
        hint
    ),
    b!(
        Producer,
        [(Down, NONE), (Char('n'), CTRL)],
        Action::HistoryNewer,
        "history: the next record; past the newest, what you were typing"
    ),
    b!(
        Producer,
        [(Char('h'), NONE)],
        Action::HistoryPicker,
        "history: find a published record by its key or value (fuzzy)"
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
        Editing,
        [(Char('p'), CTRL)],
        Action::HistoryOlder,
        "history: the previous record published (↑ moves the cursor here)",
        hint
    ),
    b!(
        Editing,
        [(Char('n'), CTRL)],
        Action::HistoryNewer,
        "history: the next record; past the newest, what you were typing"
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
        "levels shown: error, warn, info, debug, trace (trace adds kafka-tui's own polling)"
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
        [(Char('s'), NONE)],
        Action::CycleSort,
        "sort by lag (first), name, state or members",
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
