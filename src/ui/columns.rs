//! Column widths for lists that hold numbers: a number is never cut (a cut number reads as
//! another number), so the columns of text give way first, with `…`.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Shown whole, right-aligned, or not at all.
    Number,
    /// Left-aligned; cut with `…` when the row is too wide.
    Text,
    /// `host:port`: text whose port (after the last `:`) stays whole when the host is cut.
    Endpoint,
}

/// Text columns shrink no further than this (or their natural width, if smaller).
const TEXT_MIN: usize = 6;

/// The width of each column for rows `rows` under `headers` in `width` cells, with `gap` cells
/// between columns. Every shown number column is as wide as its widest value; text columns
/// shrink to make room; when even that is not enough, whole columns are left out from the
/// right (`None`): a number is shown whole or not at all.
pub fn widths(
    kinds: &[Kind],
    headers: &[&str],
    rows: &[Vec<String>],
    width: usize,
    gap: usize,
) -> Vec<Option<usize>> {
    widths_keeping(kinds, headers, rows, width, gap, None)
}

/// As [`widths`], but text column `keep` (the one that names the row) gives way only once
/// the other text columns are at their minimum.
pub fn widths_keeping(
    kinds: &[Kind],
    headers: &[&str],
    rows: &[Vec<String>],
    width: usize,
    gap: usize,
    keep: Option<usize>,
) -> Vec<Option<usize>> {
    let natural: Vec<usize> = (0..kinds.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .chain(headers.get(i).map(|h| h.width()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut w: Vec<Option<usize>> = natural.iter().copied().map(Some).collect();
    let total = |w: &[Option<usize>]| -> usize {
        let shown: Vec<usize> = w.iter().flatten().copied().collect();
        let gaps = shown.len().saturating_sub(1) * gap;
        // A left-out number leaves a `…` behind (one cell and its gap); a note of text at the
        // end of the row may go silently.
        let marker = if left_out_number(kinds, w) {
            1 + gap
        } else {
            0
        };
        shown.iter().sum::<usize>() + gaps + marker
    };
    // The widest text column gives a cell at a time, until the row fits or text is at its minimum.
    while total(&w) > width {
        let can_give = |i: usize| {
            kinds[i] != Kind::Number && w[i].is_some_and(|x| x > TEXT_MIN.min(natural[i]))
        };
        let widest = (0..kinds.len())
            .filter(|&i| can_give(i) && Some(i) != keep)
            .max_by_key(|&i| (w[i], std::cmp::Reverse(i)))
            .or_else(|| keep.filter(|&i| can_give(i)));
        match widest {
            Some(i) => w[i] = w[i].map(|x| x - 1),
            None => break,
        }
    }
    // Still too wide: whole columns go, from the right (the first, which names the row, stays).
    while total(&w) > width {
        let Some(i) = (1..kinds.len()).rev().find(|&i| w[i].is_some()) else {
            break;
        };
        w[i] = None;
    }
    w
}

/// One row laid out in `widths` (from [`widths`]); a `…` at the end when columns were left out.
pub fn line(kinds: &[Kind], cells: &[String], widths: &[Option<usize>], gap: usize) -> String {
    let mut parts = Vec::new();
    for (i, w) in widths.iter().enumerate() {
        let Some(w) = *w else { continue };
        let cell = cells.get(i).map_or("", String::as_str);
        parts.push(match kinds[i] {
            Kind::Number => number(cell, w),
            Kind::Text => super::widgets::fit(cell, w),
            Kind::Endpoint => endpoint(cell, w),
        });
    }
    if left_out_number(kinds, widths) {
        parts.push("…".into());
    }
    parts.join(&" ".repeat(gap)).trim_end().to_string()
}

/// `host:port` in `width` cells: the host gives way, the port does not.
fn endpoint(s: &str, width: usize) -> String {
    use super::widgets::{fit, truncate};
    match s.rfind(':') {
        Some(i) if s.width() > width && s[i..].width() < width => {
            let port = &s[i..];
            let host = truncate(&s[..i], width - port.width());
            fit(&format!("{host}{port}"), width)
        }
        _ => fit(s, width),
    }
}

fn left_out_number(kinds: &[Kind], widths: &[Option<usize>]) -> bool {
    kinds
        .iter()
        .zip(widths)
        .any(|(k, w)| *k == Kind::Number && w.is_none())
}

/// `s` right-aligned in `width` cells; `…` alone when it does not fit, never a part of it.
pub fn number(s: &str, width: usize) -> String {
    let w = s.width();
    if w <= width {
        format!("{}{s}", " ".repeat(width - w))
    } else if width == 0 {
        String::new()
    } else {
        format!("{}…", " ".repeat(width - 1))
    }
}

/// The widest of `values` and `header`, in cells.
pub fn widest<'a>(header: &str, values: impl IntoIterator<Item = &'a str>) -> usize {
    values
        .into_iter()
        .map(UnicodeWidthStr::width)
        .chain([header.width()])
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_column_gives_way_last() {
        let kinds = [Kind::Text, Kind::Text];
        let r = rows(&[&["a-long-group-name", "a-long-topic-list, and more"]]);
        let plain = widths(&kinds, &["", ""], &r, 30, 2);
        assert_eq!(plain, [Some(14), Some(14)], "the widest gives way first");
        let kept = widths_keeping(&kinds, &["", ""], &r, 30, 2, Some(0));
        assert_eq!(kept, [Some(17), Some(11)]);
        let kept = widths_keeping(&kinds, &["", ""], &r, 40, 2, Some(0));
        assert_eq!(kept, [Some(17), Some(21)]);
        let kept = widths_keeping(&kinds, &["", ""], &r, 20, 2, Some(0));
        assert_eq!(
            kept,
            [Some(12), Some(6)],
            "the others at their minimum first"
        );
    }

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn text_gives_way_before_numbers() {
        let kinds = [Kind::Text, Kind::Number, Kind::Number];
        let r = rows(&[&["a-very-long-topic-name", "1", "1,234,567"]]);
        // Natural: 22 + 1 + 1 + 1 + 9 = 34; in 20 the name gives 14 cells.
        let w = widths(&kinds, &["topic", "p", "lag"], &r, 20, 1);
        assert_eq!(w, vec![Some(8), Some(1), Some(9)]);
        assert_eq!(line(&kinds, &r[0], &w, 1), "a-very-… 1 1,234,567");
    }

    #[test]
    fn numbers_go_whole_when_text_is_at_its_minimum() {
        let kinds = [Kind::Text, Kind::Number, Kind::Number];
        let r = rows(&[&["topic-name", "12345", "1,234,567"]]);
        // Text at 6, then 6+1+5+1+9 = 22 > 12: the lag goes, then 6+1+5+1+1 = 14 > 12: so does the partition.
        let w = widths(&kinds, &["topic", "p", "lag"], &r, 12, 1);
        assert_eq!(w, vec![Some(6), None, None]);
        assert_eq!(line(&kinds, &r[0], &w, 1), "topic… …");
    }

    #[test]
    fn a_trailing_note_goes_silently_before_a_number() {
        let kinds = [Kind::Number, Kind::Number, Kind::Text];
        let r = rows(&[&["12", "1,000", "under-replicated"]]);
        let w = widths(&kinds, &["p", "high", ""], &r, 9, 2);
        assert_eq!(w, vec![Some(2), Some(5), None]);
        assert_eq!(line(&kinds, &r[0], &w, 2), "12  1,000");
    }

    #[test]
    fn an_endpoint_keeps_its_port() {
        assert_eq!(endpoint("b-1.kafka.example.com:9092", 12), "b-1.ka…:9092");
        assert_eq!(endpoint("b-1:9092", 12), "b-1:9092    ");
    }

    #[test]
    fn a_number_that_cannot_fit_is_an_ellipsis() {
        assert_eq!(number("1234", 6), "  1234");
        assert_eq!(number("1234567890", 8), "       …");
        assert_eq!(number("1", 0), "");
    }
}
