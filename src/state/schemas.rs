//! What the app knows of the schema registry: the schemas records referred to (loading,
//! ready, or why not), and the `:schemas` view's lists. Filled by the registry task's events.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::Record;
use crate::schema::loaded::{Decoded, SchemaStatus};
use crate::schema::registry::{SubjectVersion, Version};
use crate::schema::service::{SchemaCommand, SchemaHandle, SubjectRow};
use crate::schema::wire;

/// A schema that could not be loaded is asked for again after this long (the registry may
/// have been down, or the schema registered since), when a record refers to it again.
pub const RETRY_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub struct SchemasState {
    /// `None`: no registry configured.
    pub handle: Option<SchemaHandle>,
    pub by_id: HashMap<u32, (SchemaStatus, Instant)>,
    /// `:schemas`: the subject list (`None` while it loads), the cursor, the schema shown.
    pub subjects: Option<Result<Vec<SubjectRow>, String>>,
    pub selected: usize,
    pub shown: Option<ShownSchema>,
}

#[derive(Debug, Clone)]
pub struct ShownSchema {
    pub subject: String,
    pub version: Version,
    /// `None` while it loads.
    pub result: Option<Result<Arc<SubjectVersion>, String>>,
    pub scroll: u16,
}

/// What a key or value in the wire format shows, given what the app knows.
#[derive(Debug, Clone)]
pub enum Shown {
    /// Not in the wire format, or no registry: shown as bytes.
    Plain,
    Loading(u32),
    Decoded {
        id: u32,
        schema: Arc<crate::schema::loaded::LoadedSchema>,
        decoded: Decoded,
    },
    /// The schema or the payload failed: why (the bytes are shown as hex).
    Failed {
        id: u32,
        reason: String,
    },
}

impl SchemasState {
    pub fn configured(&self) -> bool {
        self.handle.is_some()
    }

    /// Asks for the schemas of keys and values in the wire format that are not known yet (or
    /// failed a while ago). Cheap per record: five bytes and a map lookup.
    pub fn request_for(&mut self, records: &[Record]) {
        if self.handle.is_none() {
            return;
        }
        for r in records {
            for bytes in [r.key.as_deref(), r.value.as_deref()].into_iter().flatten() {
                if let Some(f) = wire::parse(bytes) {
                    self.request(f.schema_id);
                }
            }
        }
    }

    /// Asks for schema `id` unless it is loading, loaded, or failed only recently.
    pub fn request(&mut self, id: u32) {
        let Some(h) = &self.handle else { return };
        let ask = match self.by_id.get(&id) {
            None => true,
            Some((SchemaStatus::Failed(_), at)) => at.elapsed() >= RETRY_AFTER,
            Some(_) => false,
        };
        if ask {
            h.send(SchemaCommand::Load(id));
            self.by_id
                .insert(id, (SchemaStatus::Loading, Instant::now()));
        }
    }

    pub fn loaded(
        &mut self,
        id: u32,
        result: Result<Arc<crate::schema::loaded::LoadedSchema>, String>,
    ) {
        let status = match result {
            Ok(s) => SchemaStatus::Ready(s),
            Err(e) => SchemaStatus::Failed(e),
        };
        self.by_id.insert(id, (status, Instant::now()));
    }

    /// How `bytes` show: decoded, waiting for the schema, failed, or plain.
    pub fn show(&self, bytes: &[u8]) -> Shown {
        if self.handle.is_none() {
            return Shown::Plain;
        }
        let Some(f) = wire::parse(bytes) else {
            return Shown::Plain;
        };
        let id = f.schema_id;
        match self.by_id.get(&id) {
            None | Some((SchemaStatus::Loading, _)) => Shown::Loading(id),
            Some((SchemaStatus::Failed(reason), _)) => Shown::Failed {
                id,
                reason: reason.clone(),
            },
            Some((SchemaStatus::Ready(s), _)) => match s.decode(f.rest) {
                Ok(decoded) => Shown::Decoded {
                    id,
                    schema: s.clone(),
                    decoded,
                },
                Err(e) => Shown::Failed {
                    id,
                    reason: e.to_string(),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::loaded::LoadedSchema;
    use crate::schema::registry::{RegisteredSchema, SchemaType};

    fn avro() -> Arc<LoadedSchema> {
        let s = RegisteredSchema {
            id: 7,
            schema_type: SchemaType::Avro,
            schema: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#.into(),
            references: vec![],
        };
        Arc::new(LoadedSchema::parse(&s, &[], vec![("t-value".into(), 1)]).unwrap())
    }

    fn record(value: Vec<u8>) -> Record {
        Record {
            value: Some(value),
            ..Record::default()
        }
    }

    #[test]
    fn asks_once_then_decodes_and_retries_failures_later() {
        let (h, mut rx) = SchemaHandle::detached("http://reg");
        let mut s = SchemasState {
            handle: Some(h),
            ..Default::default()
        };
        let framed = vec![0, 0, 0, 0, 7, 6]; // id 7, int 3 (zig-zag 6)
        s.request_for(&[
            record(framed.clone()),
            record(framed.clone()),
            record(b"{}".to_vec()),
        ]);
        assert_eq!(rx.try_recv().unwrap(), SchemaCommand::Load(7));
        assert!(rx.try_recv().is_err(), "one request for two records");
        assert!(matches!(s.show(&framed), Shown::Loading(7)));
        s.loaded(7, Ok(avro()));
        match s.show(&framed) {
            Shown::Decoded { decoded, .. } => assert_eq!(decoded.json, r#"{"a":3}"#),
            other => panic!("{other:?}"),
        }
        assert!(matches!(s.show(b"{}"), Shown::Plain));
        // A payload the schema cannot read says why.
        assert!(matches!(
            s.show(&[0, 0, 0, 0, 7]),
            Shown::Failed { id: 7, .. }
        ));
        s.loaded(9, Err("schema id 9 is not in the schema registry".into()));
        let nine = vec![0, 0, 0, 0, 9, 1];
        s.request_for(&[record(nine.clone())]);
        assert!(
            rx.try_recv().is_err(),
            "a fresh failure is not asked again at once"
        );
        match s.show(&nine) {
            Shown::Failed { reason, .. } => assert!(reason.contains("not in"), "{reason}"),
            other => panic!("{other:?}"),
        }
        s.by_id.get_mut(&9).unwrap().1 -= RETRY_AFTER;
        s.request_for(&[record(nine)]);
        assert_eq!(rx.try_recv().unwrap(), SchemaCommand::Load(9));
    }

    #[test]
    fn without_a_registry_everything_is_plain() {
        let mut s = SchemasState::default();
        s.request_for(&[record(vec![0, 0, 0, 0, 7, 6])]);
        assert!(matches!(s.show(&[0, 0, 0, 0, 7, 6]), Shown::Plain));
    }
}
