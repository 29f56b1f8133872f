//! CSV: records of any bytes written by `:export`'s CSV writer, read back by the csv crate.

use std::collections::BTreeMap;

use base64::Engine as _;
use kafka_tui::export::{Decoding, FileFormat, Writer};
use kafka_tui::model::{Header, Record};
use proptest::prelude::*;

use super::common::*;

/// Bytes as records hold them: none, UTF-8 text with what CSV must quote, or any bytes.
fn field_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        1 => Just(None),
        3 => text(16).prop_map(|s| Some(s.into_bytes())),
        2 => proptest::collection::vec(any::<u8>(), 0..16).prop_map(Some),
    ]
}

fn csv_record() -> impl Strategy<Value = (Record, Option<Vec<String>>, Option<String>)> {
    (
        "[a-zA-Z0-9._-]{1,12}",
        0i32..100,
        0i64..1_000_000,
        proptest::option::of(0i64..4_000_000_000_000),
        field_bytes(),
        field_bytes(),
        proptest::collection::vec(("[a-z.,\"-]{0,6}", field_bytes()), 0..3),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![
                any::<i32>().prop_map(|n| n.to_string()),
                text(5).prop_map(|s| serde_json::to_string(&s).unwrap()),
            ],
            0..3,
        )),
        proptest::option::of((any::<i32>(), text(5))),
    )
        .prop_map(
            |(topic, partition, offset, ts, key, value, headers, jq, decoded)| {
                let r = Record {
                    topic,
                    partition,
                    offset,
                    timestamp_ms: ts,
                    key,
                    value,
                    headers: headers
                        .into_iter()
                        .map(|(name, value)| Header { name, value })
                        .collect(),
                    ..Record::default()
                };
                let decoded = decoded.map(|(n, s)| serde_json::json!({"n": n, "s": s}).to_string());
                (r, jq, decoded)
            },
        )
}

/// The bytes a CSV field and its encoding column stand for (an empty encoding is a null).
fn csv_bytes(field: &str, encoding: &str) -> Result<Option<Vec<u8>>, String> {
    match encoding {
        "" if field.is_empty() => Ok(None),
        "utf8" => Ok(Some(field.as_bytes().to_vec())),
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(field)
            .map(Some)
            .map_err(|e| format!("{field:?}: {e}")),
        e => Err(format!("encoding {e:?} of {field:?}")),
    }
}

proptest! {
    #![proptest_config(config())]

    /// Records of any bytes written as CSV and read by the `csv` crate: the header once, then
    /// each field as written (text as it is, other bytes in base64 with their encoding, a null
    /// as an empty field with no encoding; headers as a JSON list; jq's outputs joined by a
    /// space; a decoded value as its JSON).
    #[test]
    fn csv_fields_read_back_as_written(
        records in proptest::collection::vec(csv_record(), 1..6),
    ) {
        let mut w = Writer::new(FileFormat::Csv, Vec::new());
        for (r, jq, decoded) in &records {
            // A decoded record has its key decoded too (schema 8, the value's 9).
            let decoding = |id: u32| match decoded {
                Some(json) => Decoding::Decoded {
                    schema: kafka_tui::export::SchemaRef {
                        id,
                        kind: Some("AVRO".into()),
                        subject: None,
                        version: None,
                        error: None,
                    },
                    json: json.clone(),
                },
                None => Decoding::None,
            };
            w.write(r, &decoding(8), &decoding(9), jq.as_deref()).unwrap();
        }
        let out = w.into_inner();
        let text = String::from_utf8(out).expect("CSV is UTF-8");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        prop_assert_eq!(
            header,
            [
                "topic", "partition", "offset", "timestamp", "time", "key", "key_encoding",
                "value", "value_encoding", "value_decoded", "headers", "jq", "key_decoded",
                "key_schema", "value_schema",
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(rows.len(), records.len());
        for (row, (r, jq, decoded)) in rows.iter().zip(&records) {
            prop_assert_eq!(row.len(), 15);
            prop_assert_eq!(&row[0], r.topic.as_str());
            prop_assert_eq!(row[1].to_string(), r.partition.to_string());
            prop_assert_eq!(row[2].to_string(), r.offset.to_string());
            prop_assert_eq!(
                row[3].to_string(),
                r.timestamp_ms.map(|t| t.to_string()).unwrap_or_default()
            );
            prop_assert_eq!(row[4].is_empty(), r.timestamp_ms.is_none());
            prop_assert_eq!(csv_bytes(&row[5], &row[6]).map_err(TestCaseError::fail)?, r.key.clone());
            prop_assert_eq!(csv_bytes(&row[7], &row[8]).map_err(TestCaseError::fail)?, r.value.clone());
            // UTF-8 is written as text, only other bytes as base64.
            for (bytes, enc) in [(&r.key, &row[6]), (&r.value, &row[8])] {
                if let Some(b) = bytes {
                    let want = if std::str::from_utf8(b).is_ok() { "utf8" } else { "base64" };
                    prop_assert_eq!(enc, want);
                }
            }
            prop_assert_eq!(&row[9], decoded.as_deref().unwrap_or(""));
            if r.headers.is_empty() {
                prop_assert_eq!(&row[10], "");
            } else {
                let list: Vec<BTreeMap<String, serde_json::Value>> =
                    serde_json::from_str(&row[10]).map_err(|e| TestCaseError::fail(format!("{e}: {}", &row[10])))?;
                prop_assert_eq!(list.len(), r.headers.len());
                for (h, want) in list.iter().zip(&r.headers) {
                    prop_assert_eq!(h["name"].as_str(), Some(want.name.as_str()));
                    let enc = h.get("encoding").and_then(|e| e.as_str()).unwrap_or("utf8");
                    let got = match h["value"].as_str() {
                        None => None,
                        Some(v) => csv_bytes(v, enc).map_err(TestCaseError::fail)?,
                    };
                    prop_assert_eq!(&got, &want.value);
                }
            }
            prop_assert_eq!(row[11].to_string(), jq.as_ref().map(|o| o.join(" ")).unwrap_or_default());
            prop_assert_eq!(&row[12], decoded.as_deref().unwrap_or(""));
            for (col, id) in [(13, 8), (14, 9)] {
                match decoded {
                    None => prop_assert_eq!(&row[col], ""),
                    Some(_) => {
                        let schema: serde_json::Value = serde_json::from_str(&row[col])
                            .map_err(|e| TestCaseError::fail(format!("{e}: {}", &row[col])))?;
                        prop_assert_eq!(&schema["id"], &serde_json::json!(id));
                        prop_assert_eq!(&schema["type"], &serde_json::json!("AVRO"));
                    }
                }
            }
        }
    }
}
