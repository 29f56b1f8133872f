//! The logs pane's data: one bounded buffer per source, search and scroll.

use super::ring::Ring;
use super::Scroll;
use crate::text::sanitize_inline;

pub const DEFAULT_MAX_LINES: usize = 20_000;
/// A bound for lines from anywhere. Above the 16 KiB at which log sources cut (and mark) their
/// lines (`logsource::MAX_LINE_BYTES`), so a source's own cut shows once.
const MAX_LINE_BYTES: usize = 17 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
    /// No level word found: always shown.
    Other,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
            Level::Other => "all",
        }
    }
}

/// Finds the level word an operator's eye looks for (log4j, librdkafka, logback ...), in the
/// first part of the line where the level usually is.
pub fn detect_level(line: &str) -> Level {
    let head: String = line.chars().take(160).collect();
    let mut found = Level::Other;
    for word in head.split(|c: char| !c.is_ascii_alphabetic()) {
        let level = match word {
            "ERROR" | "FATAL" | "SEVERE" | "CRIT" | "CRITICAL" | "ERR" => Level::Error,
            "WARN" | "WARNING" => Level::Warn,
            "INFO" | "NOTICE" => Level::Info,
            "DEBUG" => Level::Debug,
            "TRACE" => Level::Trace,
            _ => continue,
        };
        found = level;
        break;
    }
    found
}

/// A colour a log line asked for with an SGR escape sequence (`ESC[32m`, `ESC[38;5;208m`,
/// `ESC[38;2;r;g;bm`): one of the 256 indexed colours, or a true colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsiColor {
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// The look an SGR sequence gives the text after it, as plain data (drawn by `ui::logs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sgr {
    pub fg: Option<AnsiColor>,
    pub bg: Option<AnsiColor>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
}

impl Sgr {
    /// Applies the parameters of one `ESC[...m` sequence; unknown ones are ignored.
    fn apply(&mut self, params: &str) {
        let mut codes = params.split([';', ':']).map(|p| p.parse::<u16>().ok());
        while let Some(code) = codes.next() {
            match code.unwrap_or(0) {
                0 => *self = Sgr::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = true,
                7 => self.reverse = true,
                22 => (self.bold, self.dim) = (false, false),
                23 => self.italic = false,
                24 => self.underline = false,
                27 => self.reverse = false,
                c @ 30..=37 => self.fg = Some(AnsiColor::Indexed((c - 30) as u8)),
                c @ 90..=97 => self.fg = Some(AnsiColor::Indexed((c - 90 + 8) as u8)),
                39 => self.fg = None,
                c @ 40..=47 => self.bg = Some(AnsiColor::Indexed((c - 40) as u8)),
                c @ 100..=107 => self.bg = Some(AnsiColor::Indexed((c - 100 + 8) as u8)),
                49 => self.bg = None,
                c @ (38 | 48) => {
                    let mut next = || codes.next().flatten().map(|n| n.min(255) as u8);
                    let color = match next() {
                        Some(5) => next().map(AnsiColor::Indexed),
                        Some(2) => match (next(), next(), next()) {
                            (Some(r), Some(g), Some(b)) => Some(AnsiColor::Rgb(r, g, b)),
                            _ => None,
                        },
                        _ => None,
                    };
                    if c == 38 {
                        self.fg = color;
                    } else {
                        self.bg = color;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Where a look starts in a line's text (a byte offset), up to the next run or the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyleRun {
    pub start: usize,
    pub sgr: Sgr,
}

/// The length of an SGR sequence (`ESC [ digits ; : ... m`) at the start of `s`, if it is one.
fn sgr_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("\x1b[")?;
    let params = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';' || *b == b':')
        .count();
    (rest.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Already made terminal-safe, and without the SGR sequences it had (see `styles`).
    pub text: String,
    pub level: Level,
    /// The colours and attributes the line's SGR sequences asked for; empty when it had none.
    /// Any other escape sequence (cursor moves, clears, OSC) stays in `text`, shown inert.
    pub styles: Vec<StyleRun>,
}

impl LogLine {
    pub fn new(raw: &str) -> Self {
        let mut end = raw.len().min(MAX_LINE_BYTES);
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        let (mut text, styles) = Self::parse_sgr(&raw[..end]);
        if end < raw.len() {
            text.push_str(" …(line cut)");
        }
        Self {
            // On the text without the colour codes: `ESC[33mWARN` is a warning.
            level: detect_level(&text),
            text,
            styles,
        }
    }

    /// Splits the SGR sequences (colours, as `docker logs` shows them) off the text, which is
    /// sanitized piece by piece; what they asked for becomes style runs.
    fn parse_sgr(raw: &str) -> (String, Vec<StyleRun>) {
        if !raw.contains("\x1b[") {
            return (sanitize_inline(raw), Vec::new());
        }
        let mut text = String::with_capacity(raw.len());
        let mut styles: Vec<StyleRun> = Vec::new();
        let mut sgr = Sgr::default();
        let mut piece_start = 0;
        let mut i = 0;
        while let Some(off) = raw[i..].find('\x1b') {
            let at = i + off;
            let Some(len) = sgr_len(&raw[at..]) else {
                i = at + 1;
                continue;
            };
            text.push_str(&sanitize_inline(&raw[piece_start..at]));
            sgr.apply(&raw[at + 2..at + len - 1]);
            match styles.last_mut() {
                Some(last) if last.start == text.len() => last.sgr = sgr,
                Some(last) if last.sgr == sgr => {}
                None if sgr == Sgr::default() => {}
                _ => styles.push(StyleRun {
                    start: text.len(),
                    sgr,
                }),
            }
            i = at + len;
            piece_start = i;
        }
        text.push_str(&sanitize_inline(&raw[piece_start..]));
        (text, styles)
    }
}

#[derive(Debug, Clone)]
pub struct LogSource {
    pub name: String,
    /// What the source is (a file, a command, ...).
    pub description: String,
    /// Its latest state: running, exited, rotated, or why there is nothing to show.
    pub status: Option<String>,
    pub lines: Ring<LogLine>,
    pub scroll: Scroll,
}

#[derive(Debug, Clone)]
pub struct LogsState {
    pub sources: Vec<LogSource>,
    pub active: usize,
    /// The most verbose level shown (`v` cycles): lines below it are kept but hidden.
    pub verbosity: Level,
    /// Case-insensitive search; matches are highlighted, `n`/`N` jump.
    pub search: String,
    pub wrap: bool,
}

impl LogsState {
    pub fn new(sources: Vec<(String, String)>, max_lines: usize) -> Self {
        Self {
            sources: sources
                .into_iter()
                .map(|(name, description)| LogSource {
                    name,
                    description,
                    status: None,
                    lines: Ring::new(max_lines, max_lines.saturating_mul(512)),
                    scroll: Scroll::default(),
                })
                .collect(),
            active: 0,
            verbosity: Level::Debug,
            search: String::new(),
            wrap: false,
        }
    }

    /// Keeps the lines; returns whether the pane may look different: false when they all
    /// belong to another source or are hidden by the verbosity (the embedded broker logs a
    /// TRACE line per fetch, a hundred a second, which must not cost a hundred frames).
    pub fn push_lines(&mut self, source: usize, lines: Vec<String>) -> bool {
        let verbosity = self.verbosity;
        let active = self.active == source;
        let Some(s) = self.sources.get_mut(source) else {
            return false;
        };
        let mut visible = false;
        for l in lines {
            let line = LogLine::new(&l);
            visible |= active && (line.level == Level::Other || line.level <= verbosity);
            let size = line.text.len() + 32 + line.styles.len() * std::mem::size_of::<StyleRun>();
            s.lines.push(line, size);
        }
        visible
    }

    pub fn set_status(&mut self, source: usize, text: String) {
        if let Some(s) = self.sources.get_mut(source) {
            s.status = Some(sanitize_inline(&text));
        }
    }

    pub fn current(&self) -> Option<&LogSource> {
        self.sources.get(self.active)
    }

    pub fn current_mut(&mut self) -> Option<&mut LogSource> {
        self.sources.get_mut(self.active)
    }

    pub fn next_source(&mut self) {
        if !self.sources.is_empty() {
            self.active = (self.active + 1) % self.sources.len();
        }
    }

    pub fn prev_source(&mut self) {
        if !self.sources.is_empty() {
            self.active = (self.active + self.sources.len() - 1) % self.sources.len();
        }
    }

    pub fn shows(&self, line: &LogLine) -> bool {
        line.level == Level::Other || line.level <= self.verbosity
    }

    /// Cycles how verbose the pane is: error, warn, info, debug, trace.
    pub fn cycle_verbosity(&mut self) {
        self.verbosity = match self.verbosity {
            Level::Error => Level::Warn,
            Level::Warn => Level::Info,
            Level::Info => Level::Debug,
            Level::Debug => Level::Trace,
            Level::Trace | Level::Other => Level::Error,
        };
    }

    /// The shown lines of the active source ending at its selected line, newest last: what
    /// a view of `rows` lines displays.
    pub fn window(&self, rows: usize) -> Vec<(u64, &LogLine)> {
        let Some(s) = self.current() else {
            return Vec::new();
        };
        let Some(sel) = s.scroll.current(s.lines.first_seq(), s.lines.end_seq()) else {
            return Vec::new();
        };
        let mut out: Vec<(u64, &LogLine)> = Vec::with_capacity(rows);
        let mut seq = sel + 1;
        while out.len() < rows && seq > s.lines.first_seq() {
            seq -= 1;
            if let Some(l) = s.lines.get_seq(seq) {
                if self.shows(l) {
                    out.push((seq, l));
                }
            }
        }
        out.reverse();
        // Near the start there may be room left: show what follows the selection.
        let mut next = sel + 1;
        while out.len() < rows && next < s.lines.end_seq() {
            if let Some(l) = s.lines.get_seq(next).filter(|l| self.shows(l)) {
                out.push((next, l));
            }
            next += 1;
        }
        out
    }

    /// Moves over shown lines only; moving past the newest follows again.
    pub fn move_by(&mut self, delta: i64) {
        let verbosity = self.verbosity;
        let Some(s) = self.sources.get_mut(self.active) else {
            return;
        };
        let (first, end) = (s.lines.first_seq(), s.lines.end_seq());
        let Some(mut cur) = s.scroll.current(first, end) else {
            return;
        };
        let shown = |l: &LogLine| l.level == Level::Other || l.level <= verbosity;
        for _ in 0..delta.unsigned_abs() {
            let next = if delta > 0 {
                (cur + 1..end).find(|&q| s.lines.get_seq(q).is_some_and(shown))
            } else {
                (first..cur)
                    .rev()
                    .find(|&q| s.lines.get_seq(q).is_some_and(shown))
            };
            match next {
                Some(n) => cur = n,
                None if delta > 0 => {
                    s.scroll.follow = true;
                    return;
                }
                None => break,
            }
        }
        s.scroll.follow = false;
        s.scroll.selected = cur;
    }

    /// Jumps to the next (or previous) line matching the search; returns whether one exists.
    pub fn jump_to_match(&mut self, forward: bool) -> bool {
        let needle = self.search.to_lowercase();
        let verbosity = self.verbosity;
        let Some(s) = self.sources.get_mut(self.active) else {
            return false;
        };
        if needle.is_empty() || s.lines.is_empty() {
            return false;
        }
        let (first, end) = (s.lines.first_seq(), s.lines.end_seq());
        let cur = s.scroll.current(first, end).unwrap_or(end - 1);
        let hit = |seq: u64| {
            s.lines.get_seq(seq).is_some_and(|l| {
                (l.level == Level::Other || l.level <= verbosity)
                    && l.text.to_lowercase().contains(&needle)
            })
        };
        let found = if forward {
            (cur + 1..end).find(|&q| hit(q))
        } else {
            (first..cur).rev().find(|&q| hit(q))
        };
        match found {
            Some(seq) => {
                s.scroll.follow = false;
                s.scroll.selected = seq;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_common_formats() {
        assert_eq!(
            detect_level("[2024-01-01 10:00:00,123] INFO [KafkaServer id=1] started"),
            Level::Info
        );
        assert_eq!(
            detect_level("[2024] WARN Session 0x0 for server null"),
            Level::Warn
        );
        assert_eq!(
            detect_level("2024-01-01 ERROR something broke"),
            Level::Error
        );
        assert_eq!(
            detect_level("[ts] DEBUG [MOCK] Broker 1: listening"),
            Level::Debug
        );
        assert_eq!(detect_level("plain line with information"), Level::Other);
        // Level words later in the message do not recolour a line that has its own level.
        assert_eq!(detect_level("INFO retrying after ERROR"), Level::Info);
    }

    #[test]
    fn lines_are_sanitized_and_bounded() {
        let l = LogLine::new("INFO \x1b]0;pwned\x07 done");
        assert_eq!(l.text, "INFO ␛]0;pwned␇ done");
        let long = "x".repeat(100_000);
        let l = LogLine::new(&long);
        assert!(l.text.len() < 18 * 1024 && l.text.ends_with("(line cut)"));
    }

    #[test]
    fn sgr_colours_become_styles_and_leave_the_text() {
        let l = LogLine::new(
            "\x1b[32m[2024] \x1b[1;33mWARN\x1b[0m slow \x1b[38;5;208mx\x1b[38;2;1;2;3my\x1b[m",
        );
        assert_eq!(l.text, "[2024] WARN slow xy");
        assert_eq!(l.level, Level::Warn, "the level is found without the codes");
        let green = Sgr {
            fg: Some(AnsiColor::Indexed(2)),
            ..Sgr::default()
        };
        let bold_yellow = Sgr {
            fg: Some(AnsiColor::Indexed(3)),
            bold: true,
            ..Sgr::default()
        };
        assert_eq!(
            l.styles,
            vec![
                StyleRun {
                    start: 0,
                    sgr: green
                },
                StyleRun {
                    start: 7,
                    sgr: bold_yellow
                },
                StyleRun {
                    start: 11,
                    sgr: Sgr::default()
                },
                StyleRun {
                    start: 17,
                    sgr: Sgr {
                        fg: Some(AnsiColor::Indexed(208)),
                        ..Sgr::default()
                    }
                },
                StyleRun {
                    start: 18,
                    sgr: Sgr {
                        fg: Some(AnsiColor::Rgb(1, 2, 3)),
                        ..Sgr::default()
                    }
                },
                StyleRun {
                    start: 19,
                    sgr: Sgr::default()
                },
            ]
        );
    }

    /// Only SGR is taken: cursor moves, clears, OSC and a cut-off sequence stay visible and
    /// inert; a line without codes has no styles.
    #[test]
    fn other_escape_sequences_stay_visible() {
        let l = LogLine::new("\x1b[2J\x1b[5;5H\x1b]0;t\x07\x1b[31mred\x1b[K\x1b[3");
        assert_eq!(l.text, "␛[2J␛[5;5H␛]0;t␇red␛[K␛[3");
        assert_eq!(l.styles.len(), 1);
        assert_eq!(l.styles[0].start, "␛[2J␛[5;5H␛]0;t␇".len());
        assert!(LogLine::new("INFO plain").styles.is_empty());
        assert_eq!(LogLine::new("\x1b[31mERROR\x1b[0m x").level, Level::Error);
    }

    /// Lines nobody can see (hidden by the verbosity, or of another source) ask for no frame,
    /// but are kept.
    #[test]
    fn only_lines_that_show_ask_for_a_frame() {
        let mut s = LogsState::new(
            vec![
                ("broker".into(), "t".into()),
                ("zookeeper".into(), "t".into()),
            ],
            100,
        );
        s.verbosity = Level::Debug;
        assert!(!s.push_lines(0, vec!["TRACE fetch".into(), "TRACE fetch".into()]));
        assert!(s.push_lines(0, vec!["TRACE fetch".into(), "DEBUG seen".into()]));
        assert!(s.push_lines(0, vec!["no level at all".into()]));
        assert!(!s.push_lines(1, vec!["ERROR in another source".into()]));
        assert!(!s.push_lines(7, vec!["ERROR from nowhere".into()]));
        assert_eq!(s.sources[0].lines.len(), 5);
        assert_eq!(s.sources[1].lines.len(), 1);
    }

    #[test]
    fn search_jumps_between_matches() {
        let mut s = LogsState::new(vec![("broker".into(), "test".into())], 100);
        s.push_lines(
            0,
            ["a", "needle 1", "b", "NEEDLE 2", "c"]
                .map(String::from)
                .to_vec(),
        );
        s.search = "needle".into();
        assert!(s.jump_to_match(false));
        assert_eq!(s.sources[0].scroll.selected, 3);
        assert!(s.jump_to_match(false));
        assert_eq!(s.sources[0].scroll.selected, 1);
        assert!(!s.jump_to_match(false));
        assert!(s.jump_to_match(true));
        assert_eq!(s.sources[0].scroll.selected, 3);
    }

    #[test]
    fn verbosity_hides_lines_and_scrolling_skips_them() {
        let mut s = LogsState::new(vec![("broker".into(), "t".into())], 100);
        let lines = [
            "INFO a", "TRACE x", "DEBUG b", "TRACE y", "plain", "ERROR c",
        ];
        s.push_lines(0, lines.map(String::from).to_vec());
        let texts = |s: &LogsState| {
            s.window(10)
                .iter()
                .map(|(_, l)| l.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&s), vec!["INFO a", "DEBUG b", "plain", "ERROR c"]);
        s.move_by(-2);
        assert_eq!(
            s.sources[0].scroll.selected, 2,
            "skips the hidden TRACE line"
        );
        s.verbosity = Level::Trace;
        assert_eq!(
            texts(&s).len(),
            6,
            "with room left, lines after the selection show too"
        );
        assert_eq!(
            s.window(2).last().map(|(q, _)| *q),
            Some(2),
            "a full view ends at the selection"
        );
        s.verbosity = Level::Warn;
        s.sources[0].scroll.follow = true;
        assert_eq!(texts(&s), vec!["plain", "ERROR c"]);
        s.cycle_verbosity();
        assert_eq!(s.verbosity, Level::Info);
    }

    #[test]
    fn memory_is_bounded_per_source() {
        let mut s = LogsState::new(vec![("broker".into(), "t".into())], 10);
        s.push_lines(0, (0..1000).map(|i| format!("line {i}")).collect());
        assert_eq!(s.sources[0].lines.len(), 10);
        assert_eq!(s.sources[0].lines.iter().last().unwrap().text, "line 999");
    }
}
