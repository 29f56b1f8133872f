//! The names the config file uses for contexts, actions and keys (`[keys.tail] "ctrl-d" =
//! "page_down"`), one table each.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Context, ALL_CONTEXTS};
use crate::action::Action;
use crate::state::Pane;

/// Every action a key can be bound to, by its name in the config file.
pub static ACTIONS: &[(&str, Action)] = &[
    ("quit", Action::Quit),
    ("focus_topics", Action::Focus(Pane::Topics)),
    ("focus_tail", Action::Focus(Pane::Tail)),
    ("focus_producer", Action::Focus(Pane::Producer)),
    ("focus_logs", Action::Focus(Pane::Logs)),
    ("focus_next", Action::FocusNext),
    ("focus_prev", Action::FocusPrev),
    ("up", Action::Up),
    ("down", Action::Down),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("top", Action::Top),
    ("bottom", Action::Bottom),
    ("select", Action::Select),
    ("back", Action::Back),
    ("help", Action::Help),
    ("filter", Action::Filter),
    ("command", Action::Command),
    ("toggle_internal", Action::ToggleInternal),
    ("refresh", Action::Refresh),
    ("cycle_format", Action::CycleFormat),
    ("toggle_timestamps", Action::ToggleTimestamps),
    ("toggle_follow", Action::ToggleFollow),
    ("clear_tail", Action::ClearTail),
    ("undo_clear", Action::UndoClear),
    ("toggle_find_mode", Action::ToggleFindMode),
    ("next_source", Action::NextSource),
    ("prev_source", Action::PrevSource),
    ("search_next", Action::SearchNext),
    ("search_prev", Action::SearchPrev),
    ("toggle_wrap", Action::ToggleWrap),
    ("cycle_verbosity", Action::CycleVerbosity),
    ("history_older", Action::HistoryOlder),
    ("history_newer", Action::HistoryNewer),
    ("history_picker", Action::HistoryPicker),
    ("cycle_sort", Action::CycleSort),
    ("toggle_zoom", Action::ToggleZoom),
    ("split_left", Action::SplitLeft),
    ("split_right", Action::SplitRight),
    ("taller_top", Action::TallerTop),
    ("shorter_top", Action::ShorterTop),
    ("edit", Action::Edit),
    ("publish", Action::Publish),
    ("producer_next_field", Action::ProducerNextField),
    ("producer_prev_field", Action::ProducerPrevField),
    ("clear_producer", Action::ClearProducer),
    ("restore_unsent", Action::RestoreUnsent),
    ("to_producer", Action::ToProducer),
    ("describe", Action::Describe),
    ("create_topic", Action::CreateTopic),
    ("delete_topic", Action::DeleteTopic),
    ("add_partitions", Action::AddPartitions),
    ("edit_config", Action::EditConfig),
    ("reset_offsets", Action::ResetOffsets),
    ("delete_group", Action::DeleteGroup),
    ("scroll_left", Action::ScrollLeft),
    ("scroll_right", Action::ScrollRight),
    ("copy_value", Action::CopyValue),
    ("copy_record", Action::CopyRecord),
    ("open_pager", Action::OpenPager),
    ("open_editor", Action::OpenEditor),
    ("toggle_plugins", Action::TogglePlugins),
    ("new_connector", Action::NewConnector),
    ("edit_connector", Action::EditConnector),
    ("pause_connector", Action::PauseConnector),
    ("resume_connector", Action::ResumeConnector),
    ("restart_connector", Action::RestartConnector),
    ("restart_failed_tasks", Action::RestartFailedTasks),
    ("restart_task", Action::RestartTask),
    ("delete_connector", Action::DeleteConnector),
    ("next_app", Action::NextApp),
    ("prev_app", Action::PrevApp),
    ("next_version", Action::NextVersion),
    ("prev_version", Action::PrevVersion),
];

pub fn action_named(name: &str) -> Option<Action> {
    ACTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| a.clone())
}

pub fn action_name(action: &Action) -> Option<&'static str> {
    ACTIONS.iter().find(|(_, a)| a == action).map(|(n, _)| *n)
}

impl Context {
    /// The context's table name in the config file: `[keys.tail]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Topics => "topics",
            Context::Tail => "tail",
            Context::Record => "record",
            Context::Producer => "producer",
            Context::Editing => "editing",
            Context::Logs => "logs",
            Context::TopicView => "topic",
            Context::GroupsView => "groups",
            Context::GroupView => "group",
            Context::BrokersView => "brokers",
            Context::ContextsView => "contexts",
            Context::ConnectView => "connect",
            Context::StreamsView => "streams",
            Context::SchemasView => "schemas",
        }
    }

    pub fn named(name: &str) -> Option<Context> {
        ALL_CONTEXTS.into_iter().find(|c| c.name() == name)
    }
}

/// A key as written in the config file: `j`, `G`, `ctrl-d`, `alt-x`, `shift-tab`, `enter`,
/// `esc`, `space`, `pgdn`, `f5`. `+` joins as well as `-` (`ctrl+d`).
pub fn parse_key(text: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let prefix = ["ctrl", "alt", "shift"].into_iter().find(|p| {
            lower.starts_with(p)
                && matches!(rest.as_bytes().get(p.len()), Some(b'-' | b'+'))
                && rest.len() > p.len() + 1
        });
        match prefix {
            Some(p) => {
                mods |= match p {
                    "ctrl" => KeyModifiers::CONTROL,
                    "alt" => KeyModifiers::ALT,
                    _ => KeyModifiers::SHIFT,
                };
                rest = &rest[p.len() + 1..];
            }
            None => break,
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            // Terminals send Ctrl+D as `d` with CONTROL; a shifted letter as itself.
            if mods.contains(KeyModifiers::CONTROL) || mods.contains(KeyModifiers::ALT) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else if mods.contains(KeyModifiers::SHIFT) {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            } else {
                KeyCode::Char(c)
            }
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(format!("{text:?} is not a key")),
            },
            _ => {
                return Err(format!(
                    "{text:?} is not a key (write a character, ctrl-x, alt-x, shift-tab, enter, esc, space, up, pgdn, home, f5, …)"
                ))
            }
        },
    };
    Ok((code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::BINDINGS;
    use KeyCode::*;

    #[test]
    fn every_bound_action_has_a_name_and_names_are_unique() {
        for b in BINDINGS {
            let name = action_name(&b.action).unwrap_or_else(|| panic!("{:?}", b.action));
            assert_eq!(action_named(name), Some(b.action.clone()));
        }
        for (i, (a, _)) in ACTIONS.iter().enumerate() {
            assert!(!ACTIONS[i + 1..].iter().any(|(b, _)| a == b), "{a}");
        }
        for c in ALL_CONTEXTS {
            assert_eq!(Context::named(c.name()), Some(c));
        }
    }

    #[test]
    fn keys_parse_as_terminals_send_them() {
        let ctrl = KeyModifiers::CONTROL;
        let none = KeyModifiers::NONE;
        assert_eq!(parse_key("ctrl-d"), Ok((Char('d'), ctrl)));
        assert_eq!(parse_key("Ctrl+D"), Ok((Char('d'), ctrl)));
        assert_eq!(parse_key("G"), Ok((Char('G'), none)));
        assert_eq!(parse_key("shift-g"), Ok((Char('G'), none)));
        assert_eq!(parse_key("-"), Ok((Char('-'), none)));
        assert_eq!(parse_key("ctrl--"), Ok((Char('-'), ctrl)));
        assert_eq!(parse_key("shift-tab"), Ok((BackTab, KeyModifiers::SHIFT)));
        assert_eq!(parse_key("pgdn"), Ok((PageDown, none)));
        assert_eq!(parse_key("f5"), Ok((F(5), none)));
        assert_eq!(parse_key("alt-x"), Ok((Char('x'), KeyModifiers::ALT)));
        assert!(parse_key("ctrl-").is_err());
        assert!(parse_key("f13").is_err());
        assert!(parse_key("hyper-x").is_err());
        assert!(parse_key("").is_err());
    }
}
