//! What the app knows of the schema registry: the schemas records referred to (loading,
//! ready, or why not), and the `:schemas` view's lists. Filled by the registry task's events.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::Record;
use crate::schema::loaded::{Decoded, SchemaStatus};
use crate::schema::registry::{SubjectVersion, Version};
use crate::schema::service::{SchemaCommand, SchemaHandle, SubjectList, SubjectRow};
use crate::schema::wire;

/// A schema that could not be loaded is asked for again after this long (the registry may
/// have been down, or the schema registered since), when a record refers to it again.
pub const RETRY_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub struct SchemasState {
    /// `None`: no registry configured.
    pub handle: Option<SchemaHandle>,
    pub by_id: HashMap<u32, (SchemaStatus, Instant)>,
    /// `:schema SUBJECT [VERSION]`: the Producer's value is JSON to encode with this schema.
    pub produce_as: Option<(String, Version)>,
    /// `:schema SUBJECT [VERSION] MESSAGE`: which Protobuf message of the schema the value is
    /// (the file's first when `None`; Avro and JSON Schema have one root and ignore it).
    pub produce_message: Option<String>,
    /// A publish waiting for its value to be encoded, by the tag its `Encode` carries.
    pub encoding: Option<(u64, crate::model::ProduceRequest)>,
    pub next_tag: u64,
}

/// `:schemas`: the subject list, the cursor, and one subject opened (Enter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemasView {
    /// The registry's URL (no credentials); `None`: no registry is configured.
    pub url: Option<String>,
    /// `None` while it loads.
    pub list: Option<Result<SubjectList, String>>,
    pub selected: usize,
    pub subject: Option<SubjectDetail>,
}

/// A version of a subject and its text, one string a line, ready to draw.
pub type ShownVersion = (Arc<SubjectVersion>, Vec<String>);

/// A subject opened in `:schemas`: its versions and the text of one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectDetail {
    pub subject: String,
    pub versions: Vec<u32>,
    /// The version shown (as asked: `latest` until the answer says which).
    pub version: Version,
    /// `None` while it loads; the schema and its text, pretty-printed when the answer came.
    pub schema: Option<Result<ShownVersion, String>>,
    pub scroll: u16,
}

impl SchemasView {
    pub fn new(url: Option<String>) -> SchemasView {
        SchemasView {
            url,
            list: None,
            selected: 0,
            subject: None,
        }
    }

    pub fn rows(&self) -> &[SubjectRow] {
        match &self.list {
            Some(Ok(l)) => &l.rows,
            _ => &[],
        }
    }

    pub fn move_by(&mut self, delta: i64) {
        let n = self.rows().len();
        self.selected =
            (self.selected as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
    }

    pub fn set_list(&mut self, list: Result<SubjectList, String>) {
        self.list = Some(list);
        self.move_by(0);
    }

    /// Opens the selected subject at its latest version; what to ask the registry for.
    pub fn open_selected(&mut self) -> Option<(String, Version)> {
        let row = self.rows().get(self.selected)?.clone();
        let version = match row.latest {
            Some((v, _, _)) => Version::Number(v),
            None => Version::Latest,
        };
        self.subject = Some(SubjectDetail {
            subject: row.subject.clone(),
            versions: row.versions,
            version,
            schema: None,
            scroll: 0,
        });
        Some((row.subject, version))
    }

    /// The version before (`-1`) or after (`1`) the one shown; what to ask for, if there is one.
    pub fn step_version(&mut self, step: i64) -> Option<(String, Version)> {
        let d = self.subject.as_mut()?;
        let at = match d.version {
            Version::Number(n) => d.versions.iter().position(|&v| v == n)?,
            Version::Latest => d.versions.len().checked_sub(1)?,
        };
        let next = *d.versions.get(usize::try_from(at as i64 + step).ok()?)?;
        d.version = Version::Number(next);
        d.schema = None;
        d.scroll = 0;
        Some((d.subject.clone(), d.version))
    }

    /// The registry's answer for `subject`'s `version`, if it is still the one shown.
    pub fn shown(
        &mut self,
        subject: &str,
        version: Version,
        result: Result<Arc<SubjectVersion>, String>,
    ) {
        let Some(d) = self.subject.as_mut() else {
            return;
        };
        if d.subject != subject || d.version != version {
            return;
        }
        d.schema = Some(result.map(|sv| {
            let lines = pretty_schema(&sv.schema.schema);
            (sv, lines)
        }));
    }
}

/// A schema's text for reading: JSON (Avro, JSON Schema) re-indented with its key order kept,
/// a base64 Protobuf descriptor written out as `.proto` source, anything else as it is.
pub fn pretty_schema(text: &str) -> Vec<String> {
    let pretty = crate::text::pretty_json(text.as_bytes())
        .or_else(|| crate::schema::protobuf::descriptor_as_source(text))
        .unwrap_or_else(|| text.to_string());
    pretty.lines().map(crate::text::sanitize_inline).collect()
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
