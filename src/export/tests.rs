use proptest::prelude::*;

use super::*;
use crate::model::Header;

fn record(key: Option<&[u8]>, value: Option<&[u8]>, headers: Vec<Header>) -> Record {
    Record {
        topic: "orders".into(),
        partition: 2,
        offset: 41,
        timestamp_ms: Some(1_700_000_000_123),
        leader_epoch: None,
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers,
    }
}

fn jsonl(r: &Record, value: &Decoding, jq: Option<&[String]>) -> String {
    let mut w = Writer::new(FileFormat::JsonLines, Vec::new());
    w.write(r, &Decoding::None, value, jq).unwrap();
    String::from_utf8(w.into_inner()).unwrap()
}

#[test]
fn a_json_line_names_every_field_and_keeps_text_as_text() {
    let r = record(
        Some(b"k1"),
        Some(br#"{"b":1,"a":2}"#),
        vec![Header {
            name: "trace".into(),
            value: Some(b"abc".to_vec()),
        }],
    );
    assert_eq!(
        jsonl(&r, &Decoding::None, None),
        concat!(
            r#"{"topic":"orders","partition":2,"offset":41,"timestamp":1700000000123,"#,
            r#""time":"2023-11-14T22:13:20.123Z","key":"k1","value":"{\"b\":1,\"a\":2}","#,
            r#""headers":[{"name":"trace","value":"abc"}]}"#,
            "\n"
        )
    );
}

#[test]
fn binary_goes_as_base64_and_null_stays_null() {
    let r = record(
        None,
        Some(&[0, 0xff, 0x10]),
        vec![Header {
            name: "h".into(),
            value: None,
        }],
    );
    let line = jsonl(&r, &Decoding::None, None);
    assert!(line.contains(r#""key":null"#), "{line}");
    assert!(
        line.contains(r#""value":"AP8Q","value_encoding":"base64""#),
        "{line}"
    );
    assert!(line.contains(r#"{"name":"h","value":null}"#), "{line}");
    let back = Line::parse(line.trim()).unwrap().to_record().unwrap();
    assert_eq!(back.value, r.value);
    assert_eq!(back.key, None);
    assert_eq!(back.headers, r.headers);
}

#[test]
fn a_decoded_value_is_written_as_json_beside_its_bytes() {
    let r = record(None, Some(&[0, 0, 0, 0, 7, 2, 4]), vec![]);
    let value = Decoding::Decoded {
        schema: SchemaRef {
            id: 7,
            kind: Some("AVRO".into()),
            subject: Some("orders-value".into()),
            version: Some(3),
            error: None,
        },
        json: r#"{"id":12345678901234567890,"z":1,"a":2}"#.into(),
    };
    let line = jsonl(&r, &value, Some(&["1".to_string(), r#""x""#.to_string()]));
    assert!(
        line.contains(
            r#""value_schema":{"id":7,"type":"AVRO","subject":"orders-value","version":3}"#
        ),
        "{line}"
    );
    // As decoded: key order and the big number untouched.
    assert!(
        line.contains(r#""value_decoded":{"id":12345678901234567890,"z":1,"a":2}"#),
        "{line}"
    );
    assert!(line.contains(r#""jq":[1,"x"]"#), "{line}");
    // The bytes are what a replay publishes.
    let back = Line::parse(line.trim()).unwrap().to_record().unwrap();
    assert_eq!(back.value, r.value);
}

#[test]
fn kcat_json_lines_are_read() {
    let kcat = r#"{"topic":"t","partition":1,"offset":5,"tstype":"create","ts":1700000000000,"broker":1,"headers":["a","1","b",null],"key":"k","payload":"v"}"#;
    let r = Line::parse(kcat).unwrap().to_record().unwrap();
    assert_eq!(r.partition, 1);
    assert_eq!(r.timestamp_ms, Some(1_700_000_000_000));
    assert_eq!(r.key.as_deref(), Some(&b"k"[..]));
    assert_eq!(r.value.as_deref(), Some(&b"v"[..]));
    assert_eq!(
        r.headers,
        vec![
            Header {
                name: "a".into(),
                value: Some(b"1".to_vec())
            },
            Header {
                name: "b".into(),
                value: None
            },
        ]
    );
    assert!(Line::parse(r#"{"headers":["only-a-name"]}"#).is_err());
    assert!(matches!(
        Line::parse(r#"{"value":"%%%","value_encoding":"base64"}"#)
            .unwrap()
            .to_record(),
        Err(LineError::Base64 { .. })
    ));
}

#[test]
fn csv_quotes_what_needs_it_and_writes_the_header_once() {
    let mut w = Writer::new(FileFormat::Csv, Vec::new());
    let r = record(Some(b"a,b"), Some(b"line1\nline \"2\""), vec![]);
    w.write(&r, &Decoding::None, &Decoding::None, None).unwrap();
    w.write(&r, &Decoding::None, &Decoding::None, None).unwrap();
    let text = String::from_utf8(w.into_inner()).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rows.headers().unwrap().get(7), Some("value"));
    let all: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].get(5), Some("a,b"));
    assert_eq!(all[0].get(7), Some("line1\nline \"2\""));
    assert_eq!(all[0].get(8), Some("utf8"));
}

#[test]
fn text_writes_the_value_or_the_projection() {
    let mut w = Writer::new(FileFormat::Text, Vec::new());
    let r = record(None, Some(b"hello"), vec![]);
    w.write(&r, &Decoding::None, &Decoding::None, None).unwrap();
    w.write(&r, &Decoding::None, &Decoding::None, Some(&["42".into()]))
        .unwrap();
    assert_eq!(w.into_inner(), b"hello\n42\n");
}

#[test]
fn formats_follow_the_file_name() {
    use std::path::Path;
    assert_eq!(FileFormat::of_path(Path::new("a.CSV")), FileFormat::Csv);
    assert_eq!(
        FileFormat::of_path(Path::new("x/a.jsonl")),
        FileFormat::JsonLines
    );
    assert_eq!(FileFormat::of_path(Path::new("a.txt")), FileFormat::Text);
    assert!(FileFormat::parse("yaml").is_err());
}

fn bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Some),
        "\\PC{0,20}".prop_map(|s| Some(s.into_bytes())),
    ]
}

proptest! {
    /// Whatever the bytes, a record written as a JSON line reads back field by field.
    #[test]
    fn every_record_survives_a_json_line(
        key in bytes(),
        value in bytes(),
        partition in 0i32..1000,
        ts in proptest::option::of(0i64..4_000_000_000_000),
        headers in proptest::collection::vec(("[a-z.-]{0,8}", bytes()), 0..4),
    ) {
        let r = Record {
            topic: "t".into(),
            partition,
            offset: 7,
            timestamp_ms: ts,
            leader_epoch: None,
            key,
            value,
            headers: headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
        };
        let line = jsonl(&r, &Decoding::None, None);
        prop_assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let back = Line::parse(line.trim_end()).unwrap().to_record().unwrap();
        prop_assert_eq!(back.topic, r.topic);
        prop_assert_eq!(back.partition, r.partition);
        prop_assert_eq!(back.timestamp_ms, r.timestamp_ms);
        prop_assert_eq!(back.key, r.key);
        prop_assert_eq!(back.value, r.value);
        prop_assert_eq!(back.headers, r.headers);
    }
}
