//! JSON Schema records: the payload after the 5-byte header is JSON text. Reading shows it as
//! it was sent (keys in their order, numbers with their digits) and says when it does not
//! match the schema; writing checks the typed JSON against the schema (the `jsonschema`
//! crate) before it is framed.

use super::error::EncodeError;

/// A compiled JSON Schema.
pub struct JsonSchema {
    validator: jsonschema::Validator,
    /// The schema's `title`, shown as the record's type.
    title: Option<String>,
}

impl std::fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonSchema")
            .field("title", &self.title)
            .finish_non_exhaustive()
    }
}

/// A decoded JSON Schema record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonRecord {
    pub json: String,
    /// Why the record does not match its schema, when it does not (it is shown anyway).
    pub mismatch: Option<String>,
}

impl JsonSchema {
    pub fn parse(schema: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(schema).map_err(|e| format!("the schema is not JSON: {e}"))?;
        let title = value
            .get("title")
            .and_then(|t| t.as_str())
            .map(str::to_string);
        let validator = jsonschema::validator_for(&value).map_err(|e| e.to_string())?;
        Ok(JsonSchema { validator, title })
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The payload as JSON text, and whether it matches the schema.
    pub fn decode(&self, payload: &[u8]) -> Result<JsonRecord, String> {
        let text = std::str::from_utf8(payload)
            .map_err(|e| format!("the payload is not UTF-8 text: {e}"))?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("the payload is not JSON: {e}"))?;
        let mismatch = self
            .validator
            .validate(&value)
            .err()
            .map(|e| describe(&e.instance_path().to_string(), &e.to_string()));
        Ok(JsonRecord {
            json: text.to_string(),
            mismatch,
        })
    }

    /// The payload for typed JSON: the text itself, once it is JSON that matches the schema.
    pub fn encode(&self, json_text: &str) -> Result<Vec<u8>, EncodeError> {
        super::json::parse(json_text)?;
        let value: serde_json::Value =
            serde_json::from_str(json_text).map_err(|e| EncodeError::Field {
                path: "$".into(),
                pos: None,
                message: e.to_string(),
            })?;
        if let Err(e) = self.validator.validate(&value) {
            return Err(EncodeError::Field {
                path: json_path(&e.instance_path().to_string()),
                pos: None,
                message: e.to_string(),
            });
        }
        Ok(json_text.trim().as_bytes().to_vec())
    }
}

fn describe(pointer: &str, message: &str) -> String {
    format!("{}: {message}", json_path(pointer))
}

/// A JSON pointer (`/items/0/price`) as the path the other formats use (`$.items[0].price`).
fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            out.push('.');
            out.push_str(&part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SCHEMA: &str = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Payment",
        "type": "object", "properties": {"payment_id": {"type": "string"},
        "amount": {"type": "number"}, "lines": {"type": "array", "items": {"type": "integer"}}},
        "required": ["payment_id", "amount"]}"#;

    #[test]
    fn decodes_as_sent_and_notes_a_mismatch() {
        let s = JsonSchema::parse(SCHEMA).unwrap();
        assert_eq!(s.title(), Some("Payment"));
        let r = s.decode(br#"{"payment_id":"p-1","amount":7.250}"#).unwrap();
        assert_eq!(r.json, r#"{"payment_id":"p-1","amount":7.250}"#);
        assert_eq!(r.mismatch, None);
        let r = s
            .decode(br#"{"payment_id":"p-1","lines":[1,"x"]}"#)
            .unwrap();
        let m = r.mismatch.unwrap();
        assert!(m.contains("amount") || m.contains("$.lines[1]"), "{m}");
        assert!(s.decode(b"\xff").unwrap_err().contains("UTF-8"));
        assert!(s.decode(b"{").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn encode_checks_the_schema_and_names_the_place() {
        let s = JsonSchema::parse(SCHEMA).unwrap();
        assert_eq!(
            s.encode(" {\"payment_id\": \"p\", \"amount\": 1} \n")
                .unwrap(),
            b"{\"payment_id\": \"p\", \"amount\": 1}"
        );
        let e = s
            .encode(r#"{"payment_id": "p", "amount": 1, "lines": [1, "two"]}"#)
            .unwrap_err();
        let EncodeError::Field { path, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(path, "$.lines[1]", "{e}");
        assert!(matches!(s.encode("{"), Err(EncodeError::Syntax(_))));
        let e = s.encode(r#"{"payment_id": "p"}"#).unwrap_err();
        assert!(e.to_string().contains("amount"), "{e}");
    }

    #[test]
    fn bad_schemas_are_errors() {
        assert!(JsonSchema::parse("not json").is_err());
        assert!(JsonSchema::parse(r#"{"type": 12}"#).is_err());
    }

    proptest! {
        #[test]
        fn any_payload_decodes_or_errs(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let s = JsonSchema::parse(SCHEMA).unwrap();
            let _ = s.decode(&bytes);
        }
    }
}
