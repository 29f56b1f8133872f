//! Where a list is on screen: the row it shows first, kept between frames (so that a click,
//! or a move within the page, selects without scrolling the page), and the rows' area, so
//! that the mouse can tell which row is under it. Drawing sets both (through `Cell`s: the
//! screen is drawn from `&App`); input reads them.

use std::cell::Cell;

use ratatui::layout::{Position, Rect};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Window {
    first: Cell<u64>,
    rows: Cell<Rect>,
}

impl Window {
    /// The first row to show of `[lo, end)` in `height` rows with `selected` among them: the
    /// previous frame's first row, moved only as far as needed to show the selection (the
    /// last row selected, as when a tail follows, keeps the page at the bottom).
    pub fn place(&self, selected: u64, lo: u64, end: u64, height: u64) -> u64 {
        let h = height.max(1);
        let last_page = end.saturating_sub(h).max(lo);
        let mut first = self.first.get().clamp(lo, last_page);
        if selected < first {
            first = selected.max(lo);
        } else if selected >= first + h {
            first = selected + 1 - h;
        }
        self.first.set(first);
        first
    }

    /// Where the rows were drawn this frame (the header left out).
    pub fn drawn(&self, rows: Rect) {
        self.rows.set(rows);
    }

    /// Forgets the rows' place: a list not drawn this frame cannot be clicked.
    pub fn hidden(&self) {
        self.rows.set(Rect::default());
    }

    /// The row under `pos`, if it is on the list's rows.
    pub fn row_at(&self, pos: Position) -> Option<u64> {
        let r = self.rows.get();
        r.contains(pos)
            .then(|| self.first.get() + u64::from(pos.y - r.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_moves_only_as_far_as_the_selection_needs() {
        let w = Window::default();
        assert_eq!(w.place(0, 0, 100, 10), 0);
        assert_eq!(w.place(9, 0, 100, 10), 0, "still on the first page");
        assert_eq!(w.place(10, 0, 100, 10), 1, "one row down");
        assert_eq!(
            w.place(5, 0, 100, 10),
            1,
            "back up within the page: no scroll"
        );
        assert_eq!(w.place(0, 0, 100, 10), 0);
        // Following the end, and a list shorter than the pane.
        assert_eq!(w.place(99, 0, 100, 10), 90);
        assert_eq!(w.place(3, 0, 4, 10), 0);
        // Rows numbered from where a ring's oldest is now.
        assert_eq!(w.place(500, 450, 501, 10), 491);
        assert_eq!(w.place(460, 455, 501, 10), 460);
    }

    #[test]
    fn a_click_maps_to_the_row_under_it() {
        let w = Window::default();
        w.place(25, 0, 100, 10);
        w.drawn(Rect::new(5, 3, 20, 10));
        assert_eq!(w.row_at(Position::new(5, 3)), Some(16));
        assert_eq!(w.row_at(Position::new(24, 12)), Some(25));
        assert_eq!(w.row_at(Position::new(4, 3)), None);
        assert_eq!(w.row_at(Position::new(5, 13)), None);
        w.hidden();
        assert_eq!(w.row_at(Position::new(5, 3)), None);
    }
}
