//! How the schema-registry task's answers change the app.

use super::*;
use crate::schema::service::SchemaEvent;

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
                self.schemas.subjects = Some(result);
            }
            SchemaEvent::Shown {
                subject,
                version,
                result,
            } => {
                if let Some(s) = &mut self.schemas.shown {
                    if s.subject == subject && s.version == version {
                        s.result = Some(result);
                    }
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
}
