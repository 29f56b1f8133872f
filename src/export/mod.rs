//! Records as files. `:export` and `dump` write them, `produce -f` and `:produce-file` read
//! them back: JSON Lines with kcat -J's fields (named plainly; kcat's own names are read too),
//! CSV for spreadsheets, or one value per line as kcat reads and writes by default.
//!
//! A key or value is kept as the bytes it was: UTF-8 as a string, anything else as base64
//! with an `_encoding` field. A value decoded through a schema registry is written as JSON
//! beside those bytes (`value_decoded`), so that a replay publishes exactly what was read.

mod csv_out;
mod line;

use std::io::Write;

pub use line::{decode_with, Decoding, Encoding, Line, LineError, SchemaRef};

use crate::model::Record;

/// The file formats, chosen by the file's name unless said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One JSON object a line (`.jsonl`, `.ndjson`, `.json`).
    JsonLines,
    /// A header row, then one row a record (`.csv`); written, not read.
    Csv,
    /// One value a line, as kcat writes and reads by default (anything else).
    Text,
}

impl FileFormat {
    /// The format a file's name implies: `.csv`, `.jsonl`/`.ndjson`/`.json`, else text.
    pub fn of_path(path: &std::path::Path) -> FileFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => FileFormat::Csv,
            Some("jsonl" | "ndjson" | "json") => FileFormat::JsonLines,
            _ => FileFormat::Text,
        }
    }

    /// What `:export` writes for a file name: CSV for `.csv`, else JSON Lines.
    pub fn or_jsonl(self) -> FileFormat {
        match self {
            FileFormat::Text => FileFormat::JsonLines,
            f => f,
        }
    }

    /// `--format`'s words.
    pub fn parse(word: &str) -> Result<FileFormat, String> {
        match word.to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Ok(FileFormat::JsonLines),
            "csv" => Ok(FileFormat::Csv),
            "text" | "lines" => Ok(FileFormat::Text),
            other => Err(format!("unknown format {other:?}: jsonl, csv or text")),
        }
    }
}

/// Writes records one at a time in one format (the CSV header first).
pub struct Writer<W: Write> {
    format: FileFormat,
    out: W,
    csv: Option<csv_out::CsvRows>,
    line: Vec<u8>,
    /// Text goes to a terminal: escape sequences and control characters are made visible.
    terminal: bool,
}

impl<W: Write> Writer<W> {
    pub fn new(format: FileFormat, out: W) -> Writer<W> {
        Writer {
            format,
            out,
            csv: (format == FileFormat::Csv).then(csv_out::CsvRows::default),
            line: Vec::new(),
            terminal: false,
        }
    }

    /// Text written to a terminal is made inert (JSON escapes its control characters itself).
    pub fn for_terminal(mut self, terminal: bool) -> Writer<W> {
        self.terminal = terminal;
        self
    }

    /// Writes one record; `jq` (a program's outputs) replaces the value in text, and is added
    /// as `jq` in JSON Lines and CSV.
    pub fn write(
        &mut self,
        r: &Record,
        key: &Decoding,
        value: &Decoding,
        jq: Option<&[String]>,
    ) -> std::io::Result<()> {
        self.line.clear();
        match self.format {
            FileFormat::JsonLines => {
                Line::of(r, key, value, jq).write_json(&mut self.line)?;
                self.line.push(b'\n');
            }
            FileFormat::Csv => {
                let rows = self.csv.as_mut().expect("a CSV writer has rows");
                rows.write(&mut self.line, r, key, value, jq)?;
            }
            FileFormat::Text => {
                match (jq, value) {
                    (Some(outputs), _) => self.line.extend_from_slice(outputs.join(" ").as_bytes()),
                    (None, Decoding::Decoded { json, .. }) => {
                        self.line.extend_from_slice(json.as_bytes())
                    }
                    (None, _) => self
                        .line
                        .extend_from_slice(r.value.as_deref().unwrap_or_default()),
                }
                if self.terminal {
                    let shown = crate::text::sanitize_inline(&String::from_utf8_lossy(&self.line));
                    self.line = shown.into_bytes();
                }
                self.line.push(b'\n');
            }
        }
        self.out.write_all(&self.line)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests;
