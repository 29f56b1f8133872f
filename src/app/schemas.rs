//! How the schema-registry task's answers change the app, and the `:schemas` view's keys.
//! Every request goes to the registry task; nothing here waits on the registry.

use super::*;
use crate::schema::service::{SchemaCommand, SchemaEvent};
use crate::state::schemas::SchemasView;

impl App {
    pub(super) fn handle_schema(&mut self, ev: SchemaEvent) {
        match ev {
            SchemaEvent::Loaded { id, result } => {
                if let Err(e) = &result {
                    tracing::warn!(id, error = %e, "schema not loaded");
                }
                self.schemas.loaded(id, result);
            }
            SchemaEvent::Subjects(result) => {
                if let Some(v) = self.schemas_view() {
                    v.set_list(result);
                }
            }
            SchemaEvent::Shown {
                subject,
                version,
                result,
            } => {
                if let Some(v) = self.schemas_view() {
                    v.shown(&subject, version, result);
                }
            }
            SchemaEvent::Encoded { tag, result } => self.schema_encoded(tag, result),
        }
    }

    fn schema_encoded(
        &mut self,
        _tag: u64,
        _result: Result<crate::schema::service::EncodedRecord, String>,
    ) {
    }

    fn schemas_view(&mut self) -> Option<&mut SchemasView> {
        self.views.iter_mut().rev().find_map(|v| match v {
            View::Schemas(s) => Some(s.as_mut()),
            _ => None,
        })
    }

    /// `:schemas`. Opens even without a registry, to say how to configure one.
    pub(super) fn open_schemas(&mut self) {
        let url = self.schemas.handle.as_ref().map(|h| h.url.clone());
        self.open_view(View::Schemas(Box::new(SchemasView::new(url))));
    }

    /// Asks again for what the view shows: the subject list, and the version open if any.
    pub(super) fn refresh_schemas(&mut self) {
        let Some(handle) = self.schemas.handle.clone() else {
            return;
        };
        let Some(v) = self.schemas_view() else {
            return;
        };
        v.list = None;
        handle.send(SchemaCommand::Subjects);
        if let Some(d) = v.subject.as_mut() {
            d.schema = None;
            handle.send(SchemaCommand::Show {
                subject: d.subject.clone(),
                version: d.version,
            });
        }
    }

    /// Keys of the `:schemas` view, before the key table; false for a key left to it (`:`,
    /// `?`, `q`, Ctrl+C).
    pub(super) fn schemas_key(&mut self, key: KeyEvent) -> bool {
        let Some(View::Schemas(v)) = self.views.last_mut() else {
            return false;
        };
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return false;
        }
        let ask = match (key.code, v.subject.is_some()) {
            (KeyCode::Esc, true) => {
                v.subject = None;
                None
            }
            (KeyCode::Esc, false) => {
                self.views.pop();
                return true;
            }
            (KeyCode::Enter, false) => v.open_selected(),
            (KeyCode::Left | KeyCode::Char('h'), true) => v.step_version(-1),
            (KeyCode::Right | KeyCode::Char('l'), true) => v.step_version(1),
            (KeyCode::Down | KeyCode::Char('j'), _) => {
                self.scroll_view(1);
                None
            }
            (KeyCode::Up | KeyCode::Char('k'), _) => {
                self.scroll_view(-1);
                None
            }
            (KeyCode::PageDown, _) => {
                self.scroll_view(10);
                None
            }
            (KeyCode::PageUp, _) => {
                self.scroll_view(-10);
                None
            }
            (KeyCode::Home | KeyCode::Char('g'), _) => {
                self.scroll_view(i64::MIN / 2);
                None
            }
            (KeyCode::End | KeyCode::Char('G'), _) => {
                self.scroll_view(i64::MAX / 2);
                None
            }
            (KeyCode::Char('r'), _) => {
                self.refresh_schemas();
                None
            }
            _ => return false,
        };
        if let (Some((subject, version)), Some(h)) = (ask, &self.schemas.handle) {
            h.send(SchemaCommand::Show { subject, version });
        }
        true
    }
}
