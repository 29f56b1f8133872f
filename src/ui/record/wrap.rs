//! Rows of a styled line: its width, its rows wrapped at a width, a piece of it cut at a
//! column. Wide characters are never split across rows.

use unicode_width::UnicodeWidthChar;

use crate::text::StyledLine;

pub(super) fn line_width(l: &StyledLine) -> usize {
    l.iter()
        .map(|(_, t)| t.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>())
        .sum()
}

/// Rows `from..to` of `line` wrapped at `width` columns (a character wider than what is
/// left of a row starts the next one, so nothing is lost at the edges), and the number of
/// rows walked: all of the line's when `to` is past its end.
pub(super) fn wrap_line(
    line: &StyledLine,
    width: usize,
    from: usize,
    to: usize,
) -> (Vec<StyledLine>, usize) {
    let mut out = Vec::new();
    let mut cur: StyledLine = Vec::new();
    let (mut row, mut col) = (0, 0);
    for (tok, text) in line {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if col > 0 && col + w > width {
                if row >= from {
                    out.push(std::mem::take(&mut cur));
                }
                row += 1;
                col = 0;
                if row >= to {
                    return (out, row);
                }
            }
            if row >= from {
                match cur.last_mut() {
                    Some((t, s)) if t == tok => s.push(c),
                    _ => cur.push((*tok, c.to_string())),
                }
            }
            col += w;
        }
    }
    if row >= from && row < to {
        out.push(cur);
    }
    (out, row + 1)
}

/// Pieces of `line` from column `from`, at most `width` columns.
pub(super) fn cut(line: &StyledLine, from: usize, width: usize) -> StyledLine {
    let mut out = Vec::new();
    let mut col = 0;
    for (tok, text) in line {
        let mut piece = String::new();
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if col >= from && col + w <= from + width {
                piece.push(c);
            }
            col += w;
            if col >= from + width {
                break;
            }
        }
        if !piece.is_empty() {
            out.push((*tok, piece));
        }
        if col >= from + width {
            break;
        }
    }
    out
}

/// Also the body's tests' helpers.
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::text::Token;

    /// Each row's text, styles left out.
    pub(in crate::ui::record) fn text(rows: &[StyledLine]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    pub(in crate::ui::record) fn width_of(s: &str) -> usize {
        s.chars().map(|c| c.width().unwrap_or(0)).sum()
    }

    #[test]
    fn a_wrapped_line_loses_nothing_and_no_row_is_too_wide() {
        let line: StyledLine = vec![
            (Token::Key, "\"名前\"".into()),
            (Token::Punct, ": ".into()),
            (
                Token::Str,
                "\"日本語のテキスト and some ASCII, e\u{301} 👍\"".into(),
            ),
        ];
        let whole: String = line.iter().map(|(_, t)| t.as_str()).collect();
        for width in 1..=40 {
            let (rows, n) = wrap_line(&line, width, 0, usize::MAX);
            let rows = text(&rows);
            assert_eq!(rows.len(), n);
            assert_eq!(rows.concat(), whole, "width {width}");
            assert!(
                rows.iter().all(|r| width_of(r) <= width.max(2)),
                "{width}: {rows:?}"
            );
            // Any range of rows is the same rows.
            let (some, _) = wrap_line(&line, width, 1, 3);
            assert_eq!(text(&some), rows[1.min(n)..3.min(n)].to_vec());
        }
    }
}
