//! CSV rows (the `csv` crate quotes what needs it: commas, quotes and line breaks in values).

use super::line::{Decoding, Encoding, Line};
use crate::model::Record;

/// The JSON line's fields; the key's decoded form and both schemas come last (added after the
/// rest, so that older readers' column positions hold).
const HEADER: [&str; 15] = [
    "topic",
    "partition",
    "offset",
    "timestamp",
    "time",
    "key",
    "key_encoding",
    "value",
    "value_encoding",
    "value_decoded",
    "headers",
    "jq",
    "key_decoded",
    "key_schema",
    "value_schema",
];

#[derive(Default)]
pub struct CsvRows {
    header_written: bool,
}

fn encoding_word(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "utf8",
        Encoding::Base64 => "base64",
    }
}

impl CsvRows {
    /// Appends the header (the first time) and `r`'s row to `out`.
    pub fn write(
        &mut self,
        out: &mut Vec<u8>,
        r: &Record,
        key: &Decoding,
        value: &Decoding,
        jq: Option<&[String]>,
    ) -> std::io::Result<()> {
        // A writer a row, into the caller's line buffer (csv::Writer does not lend its own).
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(1024)
            .from_writer(&mut *out);
        if !self.header_written {
            w.write_record(HEADER)?;
            self.header_written = true;
        }
        // The same fields as a JSON line, so both say the same of a record.
        let line = Line::of(r, key, value, jq);
        // The line encoded them already; a null has no encoding.
        let word = |s: &Option<String>, e| s.as_ref().map_or("", |_| encoding_word(e));
        let (ke, ve) = (
            word(&line.key, line.key_encoding),
            word(&line.value, line.value_encoding),
        );
        let (k, v) = (
            line.key.clone().unwrap_or_default(),
            line.value.clone().unwrap_or_default(),
        );
        let headers = if line.headers.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&line.headers).map_err(std::io::Error::other)?
        };
        let jq = line
            .jq
            .as_ref()
            .map(|outs| outs.iter().map(|o| o.get()).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        let schema = |s: &Option<_>| -> std::io::Result<String> {
            s.as_ref().map_or(Ok(String::new()), |s| {
                serde_json::to_string(s).map_err(std::io::Error::other)
            })
        };
        let (key_schema, value_schema) = (schema(&line.key_schema)?, schema(&line.value_schema)?);
        let key_decoded = line
            .key_decoded
            .as_ref()
            .map(|d| d.get().to_string())
            .unwrap_or_default();
        let row = [
            r.topic.clone(),
            r.partition.to_string(),
            r.offset.to_string(),
            r.timestamp_ms.map(|t| t.to_string()).unwrap_or_default(),
            line.time.unwrap_or_default(),
            k,
            ke.to_string(),
            v,
            ve.to_string(),
            line.value_decoded
                .map(|d| d.get().to_string())
                .unwrap_or_default(),
            headers,
            jq,
            key_decoded,
            key_schema,
            value_schema,
        ];
        w.write_record(&row)?;
        w.flush()?;
        Ok(())
    }
}
