//! Where things go on the screen: the panes' rectangles for an arrangement, the compact
//! (tabbed) mode, the views' area. Pure rectangle maths, used by update (clicks, scrolling)
//! and by render alike, so that neither asks the other.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::state::Pane;

/// Below this the screen says it is too small instead of drawing squashed panes.
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 6;
/// Below this, one pane at a time with a tab bar instead of all four.
const FULL_WIDTH: u16 = 60;
const FULL_HEIGHT: u16 = 16;

pub fn compact(area: Rect) -> bool {
    area.width < FULL_WIDTH || area.height < FULL_HEIGHT
}

/// The width the pane needs to show every visible topic's name whole, with its partitions
/// and offsets columns and borders (names' lengths in characters: close enough to decide a
/// split, and cheap over 10,000 topics; a name with characters drawn as stand-ins, such as
/// `<U+200B>`, is measured as drawn).
pub fn topics_width_wanted(s: &crate::state::topics::TopicsState) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let name = s
        .visible()
        .map(|t| match crate::text::needs_escaping(&t.name) {
            true => crate::text::sanitize_inline(&t.name).width(),
            false => t.name.chars().count(),
        })
        .max()
        .unwrap_or(0);
    let records = s
        .visible()
        .filter_map(|t| t.record_count())
        .max()
        .map_or(7, |n| crate::text::thousands(n).len().max(7));
    (2 + 2 + name + 1 + "Parts".len() + 1 + records).min(u16::MAX as usize) as u16
}

/// What the focused pane needs (see `Arrangement::producer_focused`): borders, the key, two
/// rows of headers, the value's lines (3 to 8), and its report's characters.
pub fn producer_focused_wants(p: &crate::state::producer::ProducerState) -> (u16, u16) {
    let value_rows = p
        .editor(crate::state::producer::Field::Value)
        .lines()
        .len()
        .clamp(3, 8) as u16;
    // The words the pane draws (`ProduceStatus::report`); an idle hint fits a row.
    let report = p
        .status
        .report()
        .map_or(40, |(text, _)| text.chars().count());
    (2 + 1 + 2 + value_rows, report.min(4000) as u16)
}

/// Rows above the bottom row that a focused Producer leaves to Topics and Tail.
const TOP_MIN_ROWS: u16 = 8;

/// The rows the pane needs when not in use: its borders, the key, two of headers, the value's
/// lines (up to 4) and the report. The bottom row shrinks to it when Logs gives its room away.
pub fn producer_rows_wanted(p: &crate::state::producer::ProducerState) -> u16 {
    let value_rows = p
        .editor(crate::state::producer::Field::Value)
        .lines()
        .len()
        .clamp(1, 4) as u16;
    2 + 1 + 2 + value_rows + 1
}

/// The narrowest Topics column a Producer not in use tucks into: its labels and a value's
/// start stay readable.
const PRODUCER_TUCK_WIDTH: u16 = 36;

/// How much `<` and `>` (and `+`, `-`) move a split, in percent of the width (height).
pub const SPLIT_STEP: i16 = 6;
pub const SPLIT_MIN: u16 = 10;
pub const SPLIT_MAX: u16 = 90;

/// How the four panes share the body: one zoomed over all, and where the rows and columns
/// split. `zoomed`, `split` and `height` are the person's (`z`, `<` `>`, `+` `-`, `[layout]`
/// in the config file); the rest follows from what the panes hold (`App::arrangement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrangement {
    /// The pane that fills the body (`z`), if any.
    pub zoomed: Option<Pane>,
    /// Topics' share of the top row, in percent; Producer's share of the bottom row follows.
    pub split: u16,
    /// The top row's share of the body, in percent.
    pub height: u16,
    /// Logs has no source and no focus: it folds to one line under the Producer, which takes
    /// the bottom row's width.
    pub logs_folded: bool,
    /// The rows the bottom row needs when less than `height` leaves it (a folded Logs and a
    /// Producer not in use): the top row takes the rest.
    pub bottom_rows: Option<u16>,
    /// The rows a Producer not in use needs while Logs has something to show: it sits under
    /// Topics in Topics' column with those rows, Topics takes the rest of the column and Logs
    /// the rest of the bottom row's width.
    pub producer_rows: Option<u16>,
    /// The focused Producer's needs: rows for its fields, and the characters of its report
    /// (a JSON error, a broker's reason), which wraps to the pane's width. The bottom row grows
    /// to them, up to what leaves the top row `TOP_MIN_ROWS`.
    pub producer_focused: Option<(u16, u16)>,
    /// Topics' share of the top row while it needs more than `split` for its names and Tail
    /// has nothing to show; the bottom row keeps `split`'s proportion.
    pub wide_topics: Option<u16>,
    /// `split` is the default, not one the person chose (`<` `>`, `[layout] split`): Topics
    /// may widen for its names.
    pub auto_split: bool,
}

impl Default for Arrangement {
    fn default() -> Self {
        Self {
            zoomed: None,
            split: 28,
            height: 58,
            logs_folded: false,
            bottom_rows: None,
            producer_rows: None,
            producer_focused: None,
            wide_topics: None,
            auto_split: true,
        }
    }
}

impl Arrangement {
    pub fn move_split(&mut self, delta: i16) {
        self.split = moved(self.wide_topics.unwrap_or(self.split), delta);
        self.auto_split = false;
        self.wide_topics = None;
    }

    /// `+` grows the top row (Topics and Tail), `-` the bottom one.
    pub fn move_height(&mut self, delta: i16) {
        self.height = moved(self.height, delta);
    }
}

fn moved(value: u16, delta: i16) -> u16 {
    (value as i16 + delta).clamp(SPLIT_MIN as i16, SPLIT_MAX as i16) as u16
}

/// Where each pane is drawn. In compact mode only the focused pane has a body; the tab bar
/// labels (row 1) are returned as the click targets of the others. A zoomed pane is the only
/// one, over the whole body.
pub fn pane_areas_in(area: Rect, layout: Arrangement) -> Vec<(Pane, Rect)> {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .split(area);
    let body = rows[1];
    if compact(area) {
        let tabs = tab_labels();
        let mut x = body.x;
        return tabs
            .iter()
            .map(|(pane, label)| {
                let w = label.chars().count() as u16;
                let r = Rect::new(x, body.y, w.min(body.right().saturating_sub(x)), 1);
                x = x.saturating_add(w + 1);
                (*pane, r)
            })
            .collect();
    }
    if let Some(pane) = layout.zoomed {
        return vec![(pane, body)];
    }
    let share = body.height * (100 - layout.height) / 100;
    let mut bottom_h = layout.bottom_rows.map_or(share, |rows| rows.min(share));
    let top_split = layout.wide_topics.unwrap_or(layout.split).max(layout.split);
    // The bottom row keeps its own proportion (42/58 by default) and moves with the top one.
    let bottom_split = (layout.split + 14).clamp(SPLIT_MIN, SPLIT_MAX);
    if let Some((fields, report_chars)) = layout.producer_focused {
        let width = match layout.logs_folded {
            true => body.width,
            false => body.width * bottom_split / 100,
        }
        .saturating_sub(2)
        .max(1);
        let wants = fields + report_chars.div_ceil(width) + 1;
        bottom_h = bottom_h.max(wants.min(body.height.saturating_sub(TOP_MIN_ROWS)));
    }
    let halves = Layout::vertical([Constraint::Min(1), Constraint::Length(bottom_h)]).split(body);
    let top = Layout::horizontal([
        Constraint::Percentage(top_split),
        Constraint::Percentage(100 - top_split),
    ])
    .split(halves[0]);
    if layout.logs_folded {
        let [producer, logs] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(halves[1]);
        return vec![
            (Pane::Topics, top[0]),
            (Pane::Tail, top[1]),
            (Pane::Producer, producer),
            (Pane::Logs, logs),
        ];
    }
    // Too narrow a column (80 columns) and the Producer keeps its place beside Logs.
    if let Some(rows) = layout
        .producer_rows
        .filter(|_| top[0].width >= PRODUCER_TUCK_WIDTH)
    {
        // The Producer keeps no more than its usual share of the height, and Topics no less
        // than what remains of the top row.
        let rows = rows.min(bottom_h);
        let [topics, producer] = Layout::vertical([Constraint::Min(1), Constraint::Length(rows)])
            .areas(Rect {
                height: body.height,
                ..top[0]
            });
        let logs = Rect {
            x: top[1].x,
            width: top[1].width,
            ..halves[1]
        };
        return vec![
            (Pane::Topics, topics),
            (Pane::Tail, top[1]),
            (Pane::Producer, producer),
            (Pane::Logs, logs),
        ];
    }
    let bottom = Layout::horizontal([
        Constraint::Percentage(bottom_split),
        Constraint::Percentage(100 - bottom_split),
    ])
    .split(halves[1]);
    vec![
        (Pane::Topics, top[0]),
        (Pane::Tail, top[1]),
        (Pane::Producer, bottom[0]),
        (Pane::Logs, bottom[1]),
    ]
}

/// Where `pane` is drawn when it has a body: its place among the four, or (compact) the body
/// under the tab bar; `layout`: as `App::arrangement` gives it.
pub fn pane_rect(area: Rect, layout: Arrangement, pane: Pane) -> Rect {
    if compact(area) {
        let rows = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .split(area);
        let parts = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).split(rows[1]);
        return parts[1];
    }
    pane_areas_in(area, layout)
        .into_iter()
        .find(|(p, _)| *p == pane)
        .map_or(area, |(_, r)| r)
}

pub fn tab_labels() -> Vec<(Pane, String)> {
    Pane::ALL
        .iter()
        .map(|p| (*p, format!("{} {}", p.index() + 1, p.title())))
        .collect()
}

/// Where views are drawn: the whole body, between the header and the status line (issue 13.3:
/// a view of a group's offsets or a topic's configs needs the rows more than the panes do).
pub fn view_area(area: Rect) -> Rect {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .split(area);
    rows[1]
}
