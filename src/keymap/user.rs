//! The config file's `[keys.CONTEXT]` tables laid over the default keys:
//! `[keys.tail] "ctrl-d" = "page_down"` binds, `"c" = "none"` unbinds.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyModifiers};

use super::names::{action_named, parse_key};
use super::{key_label, Bound, Context, Keymap, ALL_CONTEXTS};

/// `[keys.CONTEXT]`: key → action name, as read from the config file.
pub type KeysTable = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyConfigError {
    #[error("[keys.{context}]: no such context (one of: {known})")]
    UnknownContext { context: String, known: String },
    #[error("[keys.{context}] {key:?}: {why}")]
    BadKey {
        context: String,
        key: String,
        why: String,
    },
    #[error("[keys.{context}] {key:?} = {action:?}: no such action (the README lists them)")]
    UnknownAction {
        context: String,
        key: String,
        action: String,
    },
    #[error("[keys.{context}] {key:?} = {action:?}: that action does nothing in {context} (it acts in: {acts_in})")]
    NotInContext {
        context: String,
        key: String,
        action: String,
        acts_in: String,
    },
    #[error(
        "[keys.editing] {key:?}: a plain key there could no longer be typed (use ctrl- or alt-)"
    )]
    WouldNotType { key: String },
}

/// The value that unbinds a key.
const UNBOUND: &str = "none";

impl Keymap {
    /// The default keys with `table` applied. A key bound in a context leaves whatever it
    /// did there before, so no two actions ever share a key in one context.
    pub fn with_overrides(table: &KeysTable) -> Result<Keymap, KeyConfigError> {
        let mut map = Keymap::default();
        for (ctx_name, keys) in table {
            let context =
                Context::named(ctx_name).ok_or_else(|| KeyConfigError::UnknownContext {
                    context: ctx_name.clone(),
                    known: ALL_CONTEXTS.map(Context::name).join(", "),
                })?;
            for (key_text, action_text) in keys {
                let key = parse_key(key_text).map_err(|why| KeyConfigError::BadKey {
                    context: ctx_name.clone(),
                    key: key_text.clone(),
                    why,
                })?;
                if context == Context::Editing && plain(key) {
                    return Err(KeyConfigError::WouldNotType {
                        key: key_text.clone(),
                    });
                }
                let action = if action_text == UNBOUND {
                    None
                } else {
                    Some(action_named(action_text).ok_or_else(|| {
                        KeyConfigError::UnknownAction {
                            context: ctx_name.clone(),
                            key: key_text.clone(),
                            action: action_text.clone(),
                        }
                    })?)
                };
                map.unbind(context, key);
                if let Some(action) = action {
                    map.bind(context, key, action).map_err(|acts_in| {
                        KeyConfigError::NotInContext {
                            context: ctx_name.clone(),
                            key: key_text.clone(),
                            action: action_text.clone(),
                            acts_in,
                        }
                    })?;
                }
            }
        }
        Ok(map)
    }

    fn unbind(&mut self, context: Context, key: (KeyCode, KeyModifiers)) {
        for b in self.bound_mut().iter_mut().filter(|b| b.context == context) {
            b.keys.retain(|k| !same_key(*k, key));
        }
    }

    /// Adds `key` to the context's binding of `action`. An action the context does not have
    /// by default is taken from the global keys (they act everywhere); one that only acts in
    /// other contexts is refused with their names.
    fn bind(
        &mut self,
        context: Context,
        key: (KeyCode, KeyModifiers),
        action: crate::action::Action,
    ) -> Result<(), String> {
        let bound = self.bound_mut();
        if let Some(b) = bound
            .iter_mut()
            .find(|b| b.context == context && b.action == action)
        {
            b.keys.push(key);
            return Ok(());
        }
        let global = bound
            .iter()
            .find(|b| b.context == Context::Global && b.action == action)
            .cloned();
        match global {
            Some(g) if context != Context::Editing => {
                bound.push(Bound {
                    context,
                    keys: vec![key],
                    hint: false,
                    ..g
                });
                Ok(())
            }
            _ => {
                let mut acts_in: Vec<&str> = bound
                    .iter()
                    .filter(|b| b.action == action)
                    .map(|b| b.context.name())
                    .collect();
                acts_in.dedup();
                Err(acts_in.join(", "))
            }
        }
    }
}

/// A key that types a character in the editor.
fn plain((code, mods): (KeyCode, KeyModifiers)) -> bool {
    matches!(code, KeyCode::Char(_)) && !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// The same key as far as a person is concerned: `G` and `Shift+G` are one key.
fn same_key(a: (KeyCode, KeyModifiers), b: (KeyCode, KeyModifiers)) -> bool {
    key_label(a.0, a.1) == key_label(b.0, b.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crossterm::event::KeyEvent;
    use KeyCode::*;

    fn table(entries: &[(&str, &str, &str)]) -> KeysTable {
        let mut t = KeysTable::new();
        for (c, k, a) in entries {
            t.entry(c.to_string())
                .or_default()
                .insert(k.to_string(), a.to_string());
        }
        t
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn a_bound_key_acts_and_replaces_what_it_did() {
        let map = Keymap::with_overrides(&table(&[
            ("tail", "ctrl-d", "page_down"),
            ("tail", "c", "toggle_follow"),
        ]))
        .unwrap();
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            map.lookup(Context::Tail, &key(Char('d'), ctrl)),
            Some(Action::PageDown)
        );
        // PgDn still pages: a new key is added, not swapped in.
        assert_eq!(
            map.lookup(Context::Tail, &key(PageDown, KeyModifiers::NONE)),
            Some(Action::PageDown)
        );
        // `c` cleared the tail; now it pauses, and clearing has no key left but `c` was its
        // only one.
        assert_eq!(
            map.lookup(Context::Tail, &key(Char('c'), KeyModifiers::NONE)),
            Some(Action::ToggleFollow)
        );
        let clear = map
            .of(Context::Tail)
            .find(|b| b.action == Action::ClearTail)
            .unwrap();
        assert!(clear.keys.is_empty());
        assert_eq!(super::super::keys_label(clear), "(none)");
        // Other contexts are untouched.
        assert_eq!(
            map.lookup(Context::Topics, &key(Char('d'), ctrl)),
            Keymap::default().lookup(Context::Topics, &key(Char('d'), ctrl))
        );
    }

    #[test]
    fn none_unbinds_and_a_global_action_can_be_bound_in_a_pane() {
        let map = Keymap::with_overrides(&table(&[("global", "q", "none"), ("logs", "x", "quit")]))
            .unwrap();
        assert_eq!(
            map.lookup(Context::Topics, &key(Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.lookup(Context::Logs, &key(Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |t| Keymap::with_overrides(&t).unwrap_err().to_string();
        assert_eq!(
            err(table(&[("tial", "j", "down")])),
            "[keys.tial]: no such context (one of: global, topics, tail, record, producer, \
             editing, logs, topic, groups, group, brokers, contexts, connect, streams, schemas)"
        );
        assert!(err(table(&[("tail", "ctrl-", "down")])).starts_with("[keys.tail] \"ctrl-\": "));
        assert_eq!(
            err(table(&[("tail", "j", "dwon")])),
            "[keys.tail] \"j\" = \"dwon\": no such action (the README lists them)"
        );
        assert_eq!(
            err(table(&[("logs", "x", "publish")])),
            "[keys.logs] \"x\" = \"publish\": that action does nothing in logs (it acts in: \
             producer, editing)"
        );
        assert_eq!(
            err(table(&[("editing", "x", "publish")])),
            "[keys.editing] \"x\": a plain key there could no longer be typed (use ctrl- or alt-)"
        );
    }

    /// Whatever is bound, no key means two things in one context.
    #[test]
    fn no_two_actions_share_a_key_after_any_overrides() {
        let names = ["j", "k", "G", "ctrl-d", "enter", "esc", "c", "u", "/"];
        let actions = [
            "down",
            "up",
            "page_down",
            "clear_tail",
            "quit",
            "filter",
            "none",
        ];
        for (i, k) in names.iter().enumerate() {
            for (j, a) in actions.iter().enumerate() {
                let t = table(&[
                    ("tail", k, a),
                    (
                        "tail",
                        names[(i + j + 1) % names.len()],
                        actions[(i + 2 * j) % actions.len()],
                    ),
                ]);
                let Ok(map) = Keymap::with_overrides(&t) else {
                    continue;
                };
                let tail: Vec<_> = map.of(Context::Tail).collect();
                for (x, a) in tail.iter().enumerate() {
                    for b in &tail[x + 1..] {
                        for k in &a.keys {
                            assert!(
                                !b.keys.iter().any(|o| same_key(*o, *k)),
                                "{k:?} bound twice after {t:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
