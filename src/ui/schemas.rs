//! The `:schemas` view: the registry's subjects, and one subject's versions and schema text.
//! Drawn from what the registry task answered; nothing here asks the registry.

use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::widgets::fit;
use crate::app::App;
use crate::schema::registry::Version;
use crate::state::schemas::{SchemasView, SubjectDetail};
use crate::text::sanitize_inline as clean;

/// Rows above the schema text in a subject: versions, the version's facts, a blank.
const DETAIL_HEAD: u16 = 3;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, v: &SchemasView) {
    let t = &app.theme;
    let [body, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let Some(url) = &v.url else {
        let lines = vec![
            Line::from(Span::styled(
                "No schema registry is configured.",
                t.style(Role::HeaderWarn),
            )),
            Line::from(Span::styled(
                "Start with --schema-registry URL, or set schema_registry = \"URL\" for the cluster in the config file.",
                t.style(Role::BaseMuted),
            )),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
            body,
        );
        let back = app.key(Context::Global, Action::Back);
        return hint_line(frame, hint, app, &format!("{back} back"));
    };
    // The keys in force (the config file may rebind them).
    let key = |a: Action| app.keymap.key_for(Context::SchemasView, &a);
    let refresh = key(Action::Refresh);
    let back = app.key(Context::Global, Action::Back);
    match &v.subject {
        Some(d) => {
            detail(frame, body, app, d);
            let (prev, next) = (key(Action::PrevVersion), key(Action::NextVersion));
            let keys =
                format!("↑↓ scroll  {prev}{next} version  {refresh} refresh  {back} subjects");
            hint_line(frame, hint, app, &keys);
        }
        None => {
            list(frame, body, app, url, v);
            let keys = match &v.list {
                Some(Ok(l)) if !l.rows.is_empty() => format!(
                    "{} versions and schema  {refresh} refresh  {back} back",
                    key(Action::Select)
                ),
                _ => format!("{refresh} refresh  {back} back"),
            };
            hint_line(frame, hint, app, &keys);
        }
    }
}

fn hint_line(frame: &mut Frame, area: Rect, app: &App, text: &str) {
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(text, area.width as usize),
            app.theme.style(Role::BaseMuted),
        )),
        area,
    );
}

fn list(frame: &mut Frame, area: Rect, app: &App, url: &str, v: &SchemasView) {
    let t = &app.theme;
    let [head, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let l = match &v.list {
        None => {
            let text = format!("asking {} for its subjects…", clean(url));
            frame.render_widget(
                Paragraph::new(Span::styled(text, t.style(Role::BaseMuted))),
                head,
            );
            return;
        }
        Some(Err(e)) => {
            let lines = vec![
                Line::from(Span::styled(
                    format!("✖ {}", clean(e)),
                    t.style(Role::StatusError),
                )),
                Line::from(Span::styled("r asks again", t.style(Role::BaseMuted))),
            ];
            frame.render_widget(
                Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
                area,
            );
            return;
        }
        Some(Ok(l)) => l,
    };
    let global = match &l.global {
        Ok(Some(c)) => clean(c),
        Ok(None) => "not set".into(),
        Err(e) => format!("unknown ({})", clean(e)),
    };
    let n = l.rows.len();
    let head_text = format!(
        "{} · {n} subject{} · global compatibility {global}",
        clean(url),
        if n == 1 { "" } else { "s" }
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&head_text, head.width as usize),
            t.style(Role::BaseText),
        )),
        head,
    );
    if l.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "no subjects registered",
                t.style(Role::BaseMuted),
            )),
            table_area,
        );
        return;
    }
    // Wide: every column. Medium: no schema id nor version count, so that long subject names
    // keep their room. Narrow: subject, latest version and type (the selected row's problem
    // still shows below).
    let wide = area.width >= 120;
    let narrow = area.width < 60;
    // Apicurio answers a subject without a level of its own with the global one, so the two
    // cannot be told apart there: a level equal to the global one says so.
    let global_level = l.global.as_ref().ok().and_then(|g| g.as_ref());
    let rows: Vec<Row> = l
        .rows
        .iter()
        .map(|r| {
            let (latest, ty) = match &r.latest {
                Some((v, id, ty)) if wide => (format!("v{v} (id {id})"), ty.to_string()),
                Some((v, _, ty)) => (format!("v{v}"), ty.to_string()),
                None => ("?".into(), "?".into()),
            };
            let compat = match (&r.compatibility, &r.problem) {
                (Some(c), _) if Some(c) == global_level => Cell::from(Span::styled(
                    format!("{} (global)", clean(c)),
                    t.style(Role::BaseMuted),
                )),
                (Some(c), _) => Cell::from(Span::styled(clean(c), t.style(Role::BaseText))),
                (None, Some(p)) if r.latest.is_none() => Cell::from(Span::styled(
                    format!("✖ {}", clean(p)),
                    t.style(Role::StatusError),
                )),
                (None, _) => Cell::from(Span::styled("(global)", t.style(Role::BaseMuted))),
            };
            let mut cells = vec![
                Cell::from(Span::styled(clean(&r.subject), t.style(Role::TailKey))),
                Cell::from(latest),
            ];
            if wide {
                cells.push(Cell::from(r.versions.len().to_string()));
            }
            cells.push(Cell::from(ty));
            if !narrow {
                cells.push(compat);
            }
            Row::new(cells)
        })
        .collect();
    let mut header = vec!["Subject", "Latest"];
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(if wide { 13 } else { 6 }),
    ];
    if wide {
        header.push("Versions");
        widths.push(Constraint::Length(8));
    }
    header.push("Type");
    widths.push(Constraint::Length(11));
    if !narrow {
        header.push("Compatibility");
        widths.push(Constraint::Length(19));
    }
    // The selected subject's problem in full, under the table (its cell is narrow).
    let problem = l.rows.get(v.selected).and_then(|r| r.problem.as_ref());
    let (table_area, problem_area) = match problem {
        Some(_) if table_area.height > 2 => {
            let [a, b] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(table_area);
            (a, Some(b))
        }
        _ => (table_area, None),
    };
    if let (Some(p), Some(area)) = (problem, problem_area) {
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(&format!("✖ {}", clean(p)), area.width as usize),
                t.style(Role::StatusError),
            )),
            area,
        );
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.style(Role::BaseMuted)))
        .row_highlight_style(t.style(Role::BaseSelected))
        .highlight_symbol("▶ ");
    let mut state = super::widgets::view_table_state(app, table_area, n, v.selected);
    frame.render_stateful_widget(table, table_area, &mut state);
}

fn detail(frame: &mut Frame, area: Rect, app: &App, d: &SubjectDetail) {
    let t = &app.theme;
    let shown = match (&d.version, &d.schema) {
        (_, Some(Ok((sv, _)))) => Some(sv.version),
        (Version::Number(n), _) => Some(*n),
        (Version::Latest, _) => None,
    };
    let mut versions = vec![Span::styled("versions ", t.style(Role::BaseMuted))];
    for (i, v) in d.versions.iter().enumerate() {
        if i > 0 {
            versions.push(Span::raw(" "));
        }
        if Some(*v) == shown {
            versions.push(Span::styled(format!("[{v}]"), t.style(Role::BaseSelected)));
        } else {
            versions.push(Span::styled(v.to_string(), t.style(Role::BaseText)));
        }
    }
    let mut lines = vec![Line::from(versions)];
    match &d.schema {
        None => lines.push(Line::from(Span::styled(
            format!("asking for version {}…", d.version),
            t.style(Role::BaseMuted),
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            format!("✖ {}", clean(e)),
            t.style(Role::StatusError),
        ))),
        Some(Ok((sv, text))) => {
            let s = &sv.schema;
            let mut facts = format!("version {} · id {} · {}", sv.version, s.id, s.schema_type);
            if !s.references.is_empty() {
                let refs: Vec<String> = s
                    .references
                    .iter()
                    .map(|r| format!("{} ({} v{})", clean(&r.name), clean(&r.subject), r.version))
                    .collect();
                facts.push_str(&format!(" · references {}", refs.join(", ")));
            }
            facts.push_str(&format!(" · {} lines", text.len()));
            lines.push(Line::from(Span::styled(facts, t.style(Role::BaseText))));
            lines.push(Line::default());
            let room = area.height.saturating_sub(DETAIL_HEAD) as usize;
            let max = text.len().saturating_sub(room);
            app.reach.view.measured(app.view_reach_key(), max);
            let from = (d.scroll as usize).min(max);
            // Only the rows on screen are turned into spans: a long schema costs what shows.
            lines.extend(
                text.iter()
                    .skip(from)
                    .take(room)
                    .map(|l| Line::from(Span::styled(l.clone(), t.style(Role::BaseText)))),
            );
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
