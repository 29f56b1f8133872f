//! How the schema-registry task's answers change the app, and the `:schemas` view's keys.
//! Every request goes to the registry task; nothing here waits on the registry.

use super::*;
use crate::schema::registry::Version;
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

    /// The registry task's encoding of a value waiting to be published: published, or the
    /// encoder's (or the registry's) reason shown in the Producer, nothing sent.
    fn schema_encoded(
        &mut self,
        tag: u64,
        result: Result<crate::schema::service::EncodedRecord, String>,
    ) {
        let Some((waiting, mut req)) = self.schemas.encoding.take() else {
            return;
        };
        if waiting != tag {
            // An answer for an older publish: the newer one still waits.
            self.schemas.encoding = Some((waiting, req));
            return;
        }
        match result {
            Ok(e) => {
                self.say(format!(
                    "value encoded with {} v{} (schema id {})",
                    e.subject, e.version, e.id
                ));
                req.value = e.bytes;
                self.send_produce(req);
            }
            Err(e) => {
                let schema = match &self.schemas.produce_as {
                    Some((s, v)) => format!("{s} {v}"),
                    None => "the schema".into(),
                };
                self.producer.status = crate::state::producer::ProduceStatus::Invalid(format!(
                    "not sent: the value does not fit {schema}: {e}"
                ));
                // Instead of "encoding…", which would still be on the status line.
                self.warn(format!("not sent: the value does not fit {schema}"));
            }
        }
    }

    /// `:schema SUBJECT [VERSION]`, `:schema off`, `:schema` (says what is set).
    pub(super) fn cmd_schema(&mut self, arg: &str) {
        let words: Vec<&str> = arg.split_whitespace().collect();
        match words.as_slice() {
            [] => match &self.schemas.produce_as {
                Some((s, v)) => {
                    let m = self.message_said();
                    self.say(format!("the Producer's value is encoded with {s} {v}{m}"))
                }
                None => {
                    self.say("the Producer sends its value as typed (:schema SUBJECT to encode it)")
                }
            },
            ["off"] => {
                self.schemas.produce_as = None;
                self.schemas.produce_message = None;
                self.say("the Producer sends its value as typed");
            }
            [subject, rest @ ..] if rest.len() <= 2 => {
                if self.schemas.handle.is_none() {
                    return self
                        .warn("no schema registry configured: start with --schema-registry URL");
                }
                // A version is a number or `latest`; any other word names the Protobuf
                // message (`shop.Refund`), after the version or in its place.
                let (version, message) = match rest {
                    [] => (Ok(Version::Latest), None),
                    [one] => match one.parse::<Version>() {
                        Ok(v) => (Ok(v), None),
                        Err(_) => (Ok(Version::Latest), Some(one.to_string())),
                    },
                    [v, m] => (v.parse::<Version>(), Some(m.to_string())),
                    _ => unreachable!("at most two words after the subject"),
                };
                let version = match version {
                    Ok(v) => v,
                    Err(e) => return self.warn(e),
                };
                self.schemas.produce_as = Some((subject.to_string(), version));
                self.schemas.produce_message = message;
                let m = self.message_said();
                self.say(format!(
                    "the Producer's value (JSON) is encoded with {subject} {version}{m} when published"
                ));
            }
            _ => self.warn("usage: :schema SUBJECT [VERSION] [MESSAGE], or :schema off"),
        }
    }

    /// `, message shop.Refund` when one is chosen, for the messages that name the schema.
    fn message_said(&self) -> String {
        match &self.schemas.produce_message {
            Some(m) => format!(", message {}", crate::text::sanitize_inline(m)),
            None => String::new(),
        }
    }

    /// Asks the registry task to encode `req`'s value; the publish goes on in `schema_encoded`.
    pub(super) fn encode_then_publish(&mut self, req: crate::model::ProduceRequest) {
        let (Some((subject, version)), Some(h)) =
            (self.schemas.produce_as.clone(), self.schemas.handle.clone())
        else {
            return self.send_produce(req);
        };
        let json = match String::from_utf8(req.value.clone()) {
            Ok(j) => j,
            Err(_) => {
                self.producer.status = crate::state::producer::ProduceStatus::Invalid(
                    "the value must be JSON text to encode with a schema".into(),
                );
                return;
            }
        };
        self.schemas.next_tag += 1;
        let tag = self.schemas.next_tag;
        h.send(SchemaCommand::Encode {
            tag,
            subject: subject.clone(),
            version,
            message: self.schemas.produce_message.clone(),
            json,
        });
        self.producer.status = crate::state::producer::ProduceStatus::Sending {
            topic: req.topic.clone(),
        };
        self.schemas.encoding = Some((tag, req));
        self.say(format!("encoding the value with {subject} {version}…"));
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
    pub(super) fn schemas_action(&mut self, action: &Action) -> bool {
        let Some(View::Schemas(v)) = self.views.last_mut() else {
            return false;
        };
        // Moving and scrolling are the app's (`scroll_view` knows this view).
        let ask = match (action, v.subject.is_some()) {
            (Action::Back, true) => {
                v.subject = None;
                None
            }
            (Action::Back, false) => {
                self.views.pop();
                return true;
            }
            (Action::Select, false) => v.open_selected(),
            (Action::PrevVersion, true) => v.step_version(-1),
            (Action::NextVersion, true) => v.step_version(1),
            (Action::Refresh, _) => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::service::SchemaHandle;

    fn app() -> App {
        App::detached_for_tests()
    }

    fn said(a: &App) -> String {
        a.message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    /// `:schema SUBJECT [VERSION] [MESSAGE]`: a word that is not a version names the Protobuf
    /// message, and the encode request carries it to the registry task.
    #[test]
    fn schema_takes_a_version_and_a_message() {
        let mut a = app();
        let (h, mut rx) = SchemaHandle::detached("http://reg");
        a.schemas.handle = Some(h);

        a.cmd_schema("shipments-value 2 shop.Refund");
        assert_eq!(
            a.schemas.produce_as,
            Some(("shipments-value".into(), Version::Number(2)))
        );
        assert_eq!(a.schemas.produce_message.as_deref(), Some("shop.Refund"));
        assert!(
            said(&a).contains("shipments-value 2, message shop.Refund"),
            "{}",
            said(&a)
        );

        a.cmd_schema("shipments-value shop.Refund");
        assert_eq!(
            a.schemas.produce_as,
            Some(("shipments-value".into(), Version::Latest))
        );
        assert_eq!(a.schemas.produce_message.as_deref(), Some("shop.Refund"));

        a.encode_then_publish(crate::model::ProduceRequest {
            topic: "shipments".into(),
            key: None,
            value: br#"{"orderId": "o-1"}"#.to_vec(),
            headers: Vec::new(),
            partition: None,
        });
        match rx.try_recv().unwrap() {
            SchemaCommand::Encode {
                subject, message, ..
            } => {
                assert_eq!(subject, "shipments-value");
                assert_eq!(message.as_deref(), Some("shop.Refund"));
            }
            other => panic!("{other:?}"),
        }

        // A version alone forgets the message; `off` forgets both; too many words are refused.
        a.cmd_schema("orders-value 3");
        assert_eq!(a.schemas.produce_message, None);
        a.cmd_schema("orders-value 3 a.B extra");
        assert!(said(&a).contains("usage: :schema"), "{}", said(&a));
        a.cmd_schema("off");
        assert_eq!(
            (
                a.schemas.produce_as.clone(),
                a.schemas.produce_message.clone()
            ),
            (None, None)
        );
    }
}
