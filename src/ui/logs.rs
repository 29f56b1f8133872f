//! The logs pane: the active source's lines, coloured by level, search matches highlighted.

use crate::action::Action;
use crate::keymap::Context;
use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use super::widgets::pane_block;
use crate::app::App;
use crate::state::logs::{AnsiColor, Level, LogLine, Sgr};
use crate::state::Pane;

/// How to give the pane something to show (the config keys are in the README).
const NO_SOURCE: &str = "no source; start with --broker-log-cmd 'docker logs -f broker' (or --broker-log FILE), or set broker_log_cmd for the cluster in the config file";

/// The same in one line of 80 columns: the flag, and `4` opens the rest.
const NO_SOURCE_SHORT: &str =
    "no source: run with --broker-log-cmd 'docker logs -f broker' (4: more)";

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let logs = &app.logs;
    let mut extra = Vec::new();
    for (i, s) in logs.sources.iter().enumerate() {
        let style = if i == logs.active {
            t.style(Role::BaseTitleFocused)
        } else {
            t.style(Role::BaseMuted)
        };
        let name = if i == logs.active {
            format!("[{}]", clean(&s.name))
        } else {
            clean(&s.name)
        };
        extra.push(Span::styled(format!("{name} "), style));
    }
    if !logs.search.is_empty() {
        extra.push(Span::styled(
            format!("/{} ", clean(&logs.search)),
            t.style(Role::BaseHighlight),
        ));
    }
    let Some(src) = logs.current() else {
        if area.height == 1 {
            // Folded (`App::arrangement`): its room went to the other panes.
            let line = Line::from(vec![
                Span::styled("4 Logs: ", t.style(Role::BaseTitle)),
                Span::styled(NO_SOURCE_SHORT, t.style(Role::BaseMuted)),
            ]);
            frame.render_widget(Paragraph::new(line), area);
            return;
        }
        frame.render_widget(
            Paragraph::new(format!("{NO_SOURCE}."))
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(t.style(Role::BaseMuted))
                .block(pane_block(app, Pane::Logs, focused, extra)),
            area,
        );
        return;
    };
    if !src.scroll.follow {
        extra.push(Span::styled(
            format!(
                " PAUSED: {} follows ",
                app.keymap.keys_for(Context::Logs, &Action::Bottom)
            ),
            t.style(Role::TailPaused),
        ));
    }
    let block = pane_block(app, Pane::Logs, focused, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let status = src
        .status
        .clone()
        .unwrap_or_else(|| src.description.clone());
    lines.push(Line::from(Span::styled(
        format!("· {status}"),
        t.style(Role::BaseMuted),
    )));
    let rows = inner.height.saturating_sub(1) as usize;
    let window = logs.window(rows);
    let selected = src
        .scroll
        .current(src.lines.first_seq(), src.lines.end_seq());
    let width = inner.width.max(1) as usize;
    let mut body: Vec<Line> = Vec::new();
    for (seq, l) in &window {
        let style = match l.level {
            Level::Error => t.style(Role::LogsError),
            Level::Warn => t.style(Role::LogsWarn),
            Level::Info => t.style(Role::LogsInfo),
            Level::Debug | Level::Trace => t.style(Role::LogsDebug),
            Level::Other => t.style(Role::LogsOther),
        };
        let looks = Looks {
            base: style,
            selected: (!src.scroll.follow && Some(*seq) == selected)
                .then(|| t.style(Role::BaseSelected)),
            hit: t.style(Role::BaseHighlight),
            colors: !t.no_color,
        };
        let matches = find_matches(&l.text, &logs.search);
        if logs.wrap {
            for (start, end) in wrap_columns(&l.text, width) {
                body.push(Line::from(spans(l, start, end, &matches, &looks)));
            }
        } else {
            // A narrow pane keeps the time of day and gives the date's room to the message.
            let (mut line, start, room) = match (width < NARROW).then(|| short_time(&l.text)) {
                Some(Some((time, rest))) => {
                    let prefix = format!("{time} ");
                    let room = width.saturating_sub(prefix.len());
                    (vec![Span::styled(prefix, looks.base)], rest, room)
                }
                _ => (Vec::new(), 0, width),
            };
            // ... and drops librdkafka's thread tag (`[thrd:mock]: `), which says little there.
            let (start, room) = match (width < NARROW)
                .then(|| thread_tag(&l.text[start..]))
                .flatten()
            {
                Some((a, b)) if text_width(&l.text[start..start + a]) <= room => {
                    line.extend(spans(l, start, start + a, &matches, &looks));
                    (start + b, room - text_width(&l.text[start..start + a]))
                }
                _ => (start, room),
            };
            let end = start + cut_at(&l.text[start..], room);
            line.extend(spans(l, start, end, &matches, &looks));
            if end < l.text.len() {
                line.push(Span::styled("…", looks.piece(&Sgr::default(), false)));
            }
            body.push(Line::from(line));
        }
    }
    // Wrapped lines take several rows: keep the newest rows, so the end stays in view.
    let skip = body.len().saturating_sub(rows);
    lines.extend(body.into_iter().skip(skip));
    if window.is_empty() && src.status.is_none() {
        let text = if src.lines.is_empty() {
            "no lines yet".to_string()
        } else {
            format!(
                "no lines at {} or above (v shows more)",
                logs.verbosity.label()
            )
        };
        lines.push(Line::from(Span::styled(text, t.style(Role::BaseMuted))));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// How a line is drawn: its level's style, the selection and search-hit styles on top of the
/// line's own SGR colours (unless `NO_COLOR`).
struct Looks {
    base: Style,
    selected: Option<Style>,
    hit: Style,
    colors: bool,
}

impl Looks {
    fn piece(&self, sgr: &Sgr, hit: bool) -> Style {
        let mut style = self.base.patch(sgr_style(sgr, self.colors));
        if let Some(sel) = self.selected {
            style = style.patch(sel);
        }
        if hit {
            style = style.patch(self.hit);
        }
        style
    }
}

fn ansi(c: AnsiColor) -> Color {
    match c {
        AnsiColor::Indexed(i) => Color::Indexed(i),
        AnsiColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

fn sgr_style(sgr: &Sgr, colors: bool) -> Style {
    let mut style = Style::default();
    if colors {
        if let Some(fg) = sgr.fg {
            style = style.fg(ansi(fg));
        }
        if let Some(bg) = sgr.bg {
            style = style.bg(ansi(bg));
        }
    }
    for (on, m) in [
        (sgr.bold, Modifier::BOLD),
        (sgr.dim, Modifier::DIM),
        (sgr.italic, Modifier::ITALIC),
        (sgr.underline, Modifier::UNDERLINED),
        (sgr.reverse, Modifier::REVERSED),
    ] {
        if on {
            style = style.add_modifier(m);
        }
    }
    style
}

/// Byte ranges of the case-insensitive matches of `needle` in `text` (none when lowercasing
/// changes byte lengths, as `widgets::highlight` does).
fn find_matches(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    let n = needle.to_lowercase();
    if lower.len() != text.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(&n) {
        out.push((pos + i, pos + i + n.len()));
        pos += i + n.len();
    }
    out
}

/// The spans of `line.text[start..end]`: cut wherever its look changes (an SGR run, a search
/// match), each piece styled by `looks`.
fn spans(
    line: &LogLine,
    start: usize,
    end: usize,
    matches: &[(usize, usize)],
    looks: &Looks,
) -> Vec<Span<'static>> {
    let mut cuts: Vec<usize> = vec![start, end];
    cuts.extend(line.styles.iter().map(|r| r.start));
    cuts.extend(matches.iter().flat_map(|&(a, b)| [a, b]));
    cuts.retain(|&c| c >= start && c <= end);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let sgr = line
            .styles
            .iter()
            .rev()
            .find(|r| r.start <= a)
            .map_or(Sgr::default(), |r| r.sgr);
        let hit = matches.iter().any(|&(ms, me)| ms <= a && b <= me);
        out.push(Span::styled(
            line.text[a..b].to_string(),
            looks.piece(&sgr, hit),
        ));
    }
    out
}

/// Below this width a line's leading date is left out (`w` wraps lines whole instead).
const NARROW: usize = 60;

/// The time of day of a line that starts with a date and time, as Kafka's log4j layout
/// (`[2024-05-01 10:00:00,001] INFO …`), ZooKeeper's (`2024-05-01 10:00:00,001 [main] …`) and
/// the embedded broker's (`[2026-12-02T22:07:45.524Z] DEBUG …`) write them, and where the
/// rest of the line starts.
fn short_time(text: &str) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    let open = usize::from(b.first() == Some(&b'['));
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let d = open;
    let dated = digits(d, 4)
        && at(d + 4, b'-')
        && digits(d + 5, 2)
        && at(d + 7, b'-')
        && digits(d + 8, 2)
        && (at(d + 10, b' ') || at(d + 10, b'T'));
    let t = d + 11;
    let timed =
        digits(t, 2) && at(t + 2, b':') && digits(t + 3, 2) && at(t + 5, b':') && digits(t + 6, 2);
    if !(dated && timed) {
        return None;
    }
    let mut end = t + 8;
    if at(end, b',') || at(end, b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    // UTC, as librdkafka's lines carry it (`2026-12-02T22:07:45.524Z`).
    if at(end, b'Z') {
        end += 1;
    }
    if open == 1 {
        if !at(end, b']') {
            return None;
        }
        end += 1;
    }
    // A zone or anything else after the time: not a layout we know, left whole.
    if !at(end, b' ') {
        return None;
    }
    Some((&text[t..t + 8], end + 1))
}

fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Where librdkafka's thread tag (`[thrd:NAME]: `) sits in the start of `text` (its level and
/// facility come first: `DEBUG [MOCK] [thrd:mock]: …`), from its `[` to the message.
fn thread_tag(text: &str) -> Option<(usize, usize)> {
    let head = &text[..text.len().min(64)];
    let a = head.find(" [thrd:")? + 1;
    let b = text[a..].find("]: ")? + a + 3;
    Some((a, b))
}

/// Where `text` must be cut to fit `width` columns with a `…` after it (`text.len()` if it
/// fits whole).
fn cut_at(text: &str, width: usize) -> usize {
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.len();
    }
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            return i;
        }
        used += w;
    }
    text.len()
}

/// Splits `text` into byte ranges of at most `width` display columns.
fn wrap_columns(text: &str, width: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            out.push((start, i));
            start = i;
            used = 0;
        }
        used += w;
    }
    out.push((start, text.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_of_day_is_found_in_kafka_and_zookeeper_lines() {
        let kafka = "[2024-05-01 10:00:00,001] INFO [KafkaServer id=1] started";
        let (time, rest) = short_time(kafka).unwrap();
        assert_eq!(
            (time, &kafka[rest..]),
            ("10:00:00", "INFO [KafkaServer id=1] started")
        );
        let zk = "2026-12-04 12:00:00,000 [main] INFO org.apache.zookeeper";
        let (time, rest) = short_time(zk).unwrap();
        assert_eq!(
            (time, &zk[rest..]),
            ("12:00:00", "[main] INFO org.apache.zookeeper")
        );
        let mock = "[2026-12-02T22:07:45.524Z] DEBUG [MOCK] [thrd:mock]: Broker 1";
        let (time, rest) = short_time(mock).unwrap();
        assert_eq!(
            (time, &mock[rest..]),
            ("22:07:45", "DEBUG [MOCK] [thrd:mock]: Broker 1")
        );
        let offset = "2026-12-04T12:00:00.123+01:00 x";
        assert_eq!(short_time(offset), None, "a zone offset: left whole");
        for other in [
            "",
            "[",
            "INFO no time",
            "[2024-05-01 10:00:00,001 INFO",
            "2024-05-01",
            "[2024-05-01 10:00:00,001]",
        ] {
            assert_eq!(short_time(other), None, "{other:?}");
        }
    }

    #[test]
    fn librdkafkas_thread_tag_is_found_after_the_level_and_facility() {
        let mock = "DEBUG [MOCK] [thrd:mock]: Broker 1: Log append";
        let (a, b) = thread_tag(mock).unwrap();
        assert_eq!(
            (&mock[..a], &mock[b..]),
            ("DEBUG [MOCK] ", "Broker 1: Log append")
        );
        let client = "DEBUG [CONNECT] [thrd:127.0.0.1:9092/1]: 127.0.0.1:9092/1: Connecting";
        let (a, b) = thread_tag(client).unwrap();
        assert_eq!(&client[..a], "DEBUG [CONNECT] ");
        assert_eq!(&client[b..], "127.0.0.1:9092/1: Connecting");
        for other in [
            "INFO [KafkaServer id=1] started",
            "[thrd:x]: at the start",
            "[thrd:x",
        ] {
            assert_eq!(thread_tag(other), None, "{other:?}");
        }
    }
}
