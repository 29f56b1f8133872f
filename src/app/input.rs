//! Keys and the mouse, sent to the layer on top (layer.rs): the help screen, a prompt, a
//! dialog, a view, the editor or the key table; the prompt's own line editing.

use super::*;

/// Two clicks on the same cell within this time are a double click (the common default).
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

impl App {
    /// A click focuses the pane under it and selects the row under it (Topics, Tail); a
    /// double click on a row opens it as Enter does; the wheel scrolls the pane under the
    /// pointer. Over a view, a dialog, a prompt or the help, clicks on the panes beneath do
    /// nothing and the wheel scrolls what is open (the help, a view), never what is covered.
    pub(super) fn handle_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        let layer = self.layer();
        let on_panes = layer.is_pane();
        let areas = crate::layout::pane_areas_in(
            Rect::new(0, 0, self.size.0, self.size.1),
            self.arrangement(),
        );
        let pane_at = areas
            .iter()
            .find(|(_, r)| r.contains(pos))
            .map(|(p, _)| *p)
            .filter(|_| on_panes);
        let on_view = layer == Layer::View;
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) if on_view => {
                let double = self
                    .last_click
                    .is_some_and(|(at, p)| p == pos && at.elapsed() < DOUBLE_CLICK);
                self.last_click = Some((Instant::now(), pos));
                if let Some(View::Streams(v)) = self.views.last_mut() {
                    if let Some(r) = v.app_rows.row_at(pos) {
                        // An application's row: select it (its topics show below).
                        v.move_app(r as i64 - v.app as i64);
                        return;
                    }
                }
                let row = self
                    .view_rows
                    .row_at(pos)
                    .is_some_and(|r| self.select_view_row(r as usize));
                if double && row {
                    self.last_click = None;
                    // As Enter: the views with keys of their own (Connect, schemas) take it.
                    self.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let Some(pane) = pane_at else { return };
                self.update(Action::Focus(pane));
                let double = self
                    .last_click
                    .is_some_and(|(at, p)| p == pos && at.elapsed() < DOUBLE_CLICK);
                self.last_click = Some((Instant::now(), pos));
                let row = match pane {
                    Pane::Topics => self
                        .topics
                        .window
                        .row_at(pos)
                        .is_some_and(|r| self.topics.select_row(r)),
                    Pane::Tail if !self.tail.detail => self
                        .tail
                        .window
                        .row_at(pos)
                        .is_some_and(|r| self.tail.select_row(r)),
                    _ => false,
                };
                if double && row {
                    self.last_click = None;
                    self.update(Action::Select);
                }
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let up = m.kind == MouseEventKind::ScrollUp;
                match layer {
                    // The help scrolls; a dialog and a prompt have nothing to scroll (the
                    // wheel never moves what they cover).
                    Layer::Help => {
                        let code = if up { KeyCode::Up } else { KeyCode::Down };
                        return self.help_key(KeyEvent::new(code, KeyModifiers::NONE));
                    }
                    Layer::Dialog | Layer::Prompt => return,
                    _ => {}
                }
                if let Some(pane) = pane_at.filter(|p| *p != self.focus) {
                    self.update(Action::Focus(pane));
                }
                self.update(if up { Action::Up } else { Action::Down });
            }
            _ => {}
        }
    }

    /// Selects row `r` of the open view's list; false when it has no such row.
    fn select_view_row(&mut self, r: usize) -> bool {
        let sort = self.groups.sort;
        let n = match self.views.last() {
            Some(View::Groups {
                list: Some(Ok(list)),
                filter,
                ..
            }) => crate::state::groups::shown(list, filter, sort).len(),
            Some(View::Contexts { list, .. }) => list.len(),
            Some(View::Connect(v)) => v.rows().len(),
            Some(View::Schemas(v)) if v.subject.is_none() => v.rows().len(),
            Some(View::Streams(v)) => v
                .selected_app()
                .map_or(0, |a| crate::state::streams::topic_rows(a).len()),
            _ => 0,
        };
        if r >= n {
            return false;
        }
        match self.views.last_mut() {
            Some(View::Groups { selected, .. } | View::Contexts { selected, .. }) => *selected = r,
            Some(View::Connect(v)) => v.selected = r,
            Some(View::Schemas(v)) => v.selected = r,
            Some(View::Streams(v)) => v.topic = r,
            _ => return false,
        }
        true
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if let Some(after_esc) = esc_then_key(&key) {
            self.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            return self.handle_key(after_esc);
        }
        match self.layer() {
            Layer::Help => self.help_key(key),
            Layer::Prompt => self.prompt_key(key),
            Layer::Dialog => self.dialog_key(key),
            Layer::View if self.ext_view_text_key(key) => {}
            layer => {
                let ctx = self.keys_context();
                match self.keymap.lookup(ctx, &key) {
                    Some(action) if self.ext_view_action(&action) => {}
                    Some(action) => self.update(action),
                    None if layer == Layer::Editing => self.edit_key(key),
                    None => {}
                }
            }
        }
    }

    fn help_key(&mut self, key: KeyEvent) {
        let Mode::Help { scroll } = self.mode else {
            return;
        };
        let delta: i64 = match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                self.mode = Mode::Normal;
                return;
            }
            KeyCode::Char('c') if key.modifiers == KeyModifiers::CONTROL => {
                self.quit = true;
                return;
            }
            KeyCode::Down | KeyCode::Char('j') => 1,
            KeyCode::Up | KeyCode::Char('k') => -1,
            KeyCode::PageDown => 10,
            KeyCode::PageUp => -10,
            _ => return,
        };
        // Bounded by the help's length (its last row at the bottom), so Page Up comes
        // straight back.
        let scroll = self.reach.help.step(0, usize::from(scroll), delta);
        self.mode = Mode::Help {
            scroll: scroll.min(usize::from(u16::MAX)) as u16,
        };
    }

    /// A paste goes where typing goes, as one edit: the prompt, the dialog's field, the
    /// producer's editor. Elsewhere it is ignored and said so: pasted text is never keys (a
    /// pasted `q` never quits).
    pub(super) fn paste(&mut self, text: String) {
        // Terminals send line breaks in a paste as CR.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let one_line = || text.trim_end_matches('\n').replace('\n', " ");
        let layer = self.layer();
        match layer {
            Layer::Prompt => {
                let Mode::Prompt { kind, input } = &mut self.mode else {
                    return;
                };
                input.push_str(&one_line());
                let (kind, input) = (*kind, input.clone());
                if kind == PromptKind::Filter {
                    self.apply_filter(input);
                } else if self.palette.is_some() {
                    self.palette_follow(&input);
                }
                return;
            }
            Layer::Help => return self.warn("nothing to paste into here (Esc closes the help)"),
            Layer::Dialog => {
                if let Some(dialog) = self.dialog.as_mut() {
                    dialog.input_mut().push_str(&one_line());
                    dialog.input_changed();
                }
                return;
            }
            Layer::View if self.ext_view_paste(&text) => return,
            _ => {}
        }
        if layer.is_pane() && self.focus == Pane::Producer {
            self.producer.editing = true;
            if self.producer.field == Field::Key {
                // The key is one line.
                let line = one_line();
                self.producer.editor_mut().insert_str(line);
            } else {
                self.producer.editor_mut().insert_str(&text);
            }
            return;
        }
        self.warn(format!(
            "pasted text ignored ({} characters): nothing to paste into here; the Producer ({}) and prompts ({} {}) take pastes",
            text.chars().count(),
            self.key(Context::Global, Action::Focus(Pane::Producer)),
            self.key(Context::Global, Action::Command),
            self.key(Context::of_pane(self.focus), Action::Filter),
        ));
    }

    fn edit_key(&mut self, key: KeyEvent) {
        // The key is one line: Enter moves on instead of breaking it.
        if key.code == KeyCode::Enter && self.producer.field == Field::Key {
            self.producer.field = Field::Headers;
            return;
        }
        self.producer.editor_mut().input(key);
    }

    fn prompt_key(&mut self, key: KeyEvent) {
        let Mode::Prompt { kind, mut input } = self.mode.clone() else {
            return;
        };
        let listing = kind == PromptKind::Command && self.palette.is_some();
        match key.code {
            // Esc closes the candidate list first, then the prompt.
            KeyCode::Esc if listing => self.palette = None,
            KeyCode::Enter if listing => {
                if let Some(line) = self.palette_enter(input) {
                    self.mode = Mode::Prompt { kind, input: line };
                }
            }
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                if kind == PromptKind::Filter {
                    self.apply_filter(String::new());
                }
            }
            KeyCode::Enter => {
                self.mode = Mode::Normal;
                match kind {
                    PromptKind::Filter => {
                        self.apply_filter(input);
                        if self.focus == Pane::Tail {
                            if let Some(p) = self.tail.find.problem.clone() {
                                self.warn(p);
                            }
                        }
                        if self.focus == Pane::Logs
                            && !self.logs.search.is_empty()
                            && !self.logs.jump_to_match(false)
                        {
                            self.warn(format!("no line matches {:?}", self.logs.search));
                        }
                    }
                    PromptKind::Command => {
                        self.remember(&input);
                        self.run_command(&input);
                    }
                }
            }
            KeyCode::Tab if kind == PromptKind::Command => {
                let completed = self.palette_tab(input);
                self.mode = Mode::Prompt {
                    kind,
                    input: completed,
                };
            }
            KeyCode::Up | KeyCode::Down | KeyCode::BackTab if listing => {
                let down = key.code == KeyCode::Down;
                if let Some(p) = self.palette.as_mut() {
                    p.move_by(if down { 1 } else { -1 });
                }
            }
            KeyCode::Up | KeyCode::Down if kind == PromptKind::Command => {
                let recalled = self.recall(key.code == KeyCode::Up).unwrap_or(input);
                self.mode = Mode::Prompt {
                    kind,
                    input: recalled,
                };
            }
            KeyCode::Backspace => {
                input.pop();
                if kind == PromptKind::Filter {
                    self.apply_filter(input.clone());
                }
                if listing {
                    self.palette_follow(&input);
                }
                self.mode = Mode::Prompt { kind, input };
            }
            KeyCode::Char('c') if key.modifiers == KeyModifiers::CONTROL => self.quit = true,
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.push(c);
                if kind == PromptKind::Filter {
                    self.apply_filter(input.clone());
                }
                if listing {
                    self.palette_follow(&input);
                }
                self.mode = Mode::Prompt { kind, input };
            }
            _ => {}
        }
    }

    pub(super) fn apply_filter(&mut self, text: String) {
        if let Some(View::Groups {
            filter, selected, ..
        }) = self.views.last_mut()
        {
            *filter = text;
            *selected = 0;
            return;
        }
        match self.focus {
            Pane::Logs => self.logs.search = text,
            // A bad regex while typing keeps the last good filter; the pane says why.
            Pane::Tail => {
                let _ = self.tail.set_query(&text);
            }
            _ => {
                self.topics.set_filter(text);
                self.request_watermarks();
            }
        }
    }
}

/// Esc pressed and a key right after it reach a terminal program as one Alt+key when they
/// arrive together (a slow link, a busy machine), so Esc then `q` in the editor read as Alt+q
/// and typed nothing. The app keys that nothing binds with Alt (the editor included) are read
/// as what was meant: Esc, then the key.
fn esc_then_key(key: &KeyEvent) -> Option<KeyEvent> {
    match key.code {
        KeyCode::Char(c @ ('q' | ':' | '?' | '/' | '1' | '2' | '3' | '4'))
            if key.modifiers == KeyModifiers::ALT =>
        {
            Some(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        }
        _ => None,
    }
}
