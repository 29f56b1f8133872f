//! What is on top of the screen, in one order: the help, then a prompt, a dialog, the open
//! view, and under them the focused pane in its own mode (the record detail, the editor).
//! Keys, clicks, a paste and Esc all ask `layer()` and go to that one layer, so the order in
//! which things cover each other is decided here and nowhere else. Each layer keeps its state
//! where its name says (`mode`, `dialog`, `views`, `tail.detail`, `producer.editing`).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The `?` screen: it takes every key.
    Help,
    /// The `:` or `/` line at the bottom.
    Prompt,
    /// A dialog confirming a write.
    Dialog,
    /// The last of the full-width views (`views`).
    View,
    /// The tail's record detail (Tail focused).
    RecordDetail,
    /// Typing in the producer's editor (Producer focused).
    Editing,
    /// The focused pane itself.
    Pane,
}

impl Layer {
    /// Whether the panes are what is on top (clicks and the wheel reach them).
    pub fn is_pane(self) -> bool {
        matches!(self, Layer::RecordDetail | Layer::Editing | Layer::Pane)
    }
}

impl App {
    /// The layer that takes the next key, click, paste or Esc.
    pub fn layer(&self) -> Layer {
        match self.mode {
            Mode::Help { .. } => Layer::Help,
            Mode::Prompt { .. } => Layer::Prompt,
            Mode::Normal if self.dialog.is_some() => Layer::Dialog,
            Mode::Normal => self.base_layer(),
        }
    }

    /// The layer under the help, a prompt and a dialog: the one whose keys the status line
    /// lists and a prompt's command or filter acts on.
    pub fn base_layer(&self) -> Layer {
        if !self.views.is_empty() {
            return Layer::View;
        }
        match self.focus {
            Pane::Tail if self.tail.detail => Layer::RecordDetail,
            Pane::Producer if self.producer.editing => Layer::Editing,
            _ => Layer::Pane,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::views::View;

    fn app() -> App {
        App::detached_for_tests()
    }

    #[test]
    fn the_help_covers_a_prompt_covers_a_dialog_covers_a_view_covers_the_panes() {
        let mut a = app();
        a.focus = Pane::Tail;
        a.tail.detail = true;
        assert_eq!(a.layer(), Layer::RecordDetail);
        a.views.push(View::Brokers { overview: None });
        assert_eq!(a.layer(), Layer::View);
        a.dialog = Some(Dialog::DeleteGroup {
            group: "g".into(),
            typed: String::new(),
        });
        assert_eq!(a.layer(), Layer::Dialog);
        a.mode = Mode::Prompt {
            kind: PromptKind::Command,
            input: String::new(),
        };
        assert_eq!(a.layer(), Layer::Prompt);
        assert_eq!(a.base_layer(), Layer::View, "a prompt acts on the view");
        a.mode = Mode::Help { scroll: 0 };
        assert_eq!(a.layer(), Layer::Help);
    }

    #[test]
    fn esc_backs_out_of_one_layer_at_a_time_top_first() {
        let esc = || KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        let mut a = app();
        a.focus = Pane::Tail;
        a.tail.detail = true;
        a.views.push(View::Brokers { overview: None });
        a.dialog = Some(Dialog::DeleteGroup {
            group: "g".into(),
            typed: String::new(),
        });
        a.mode = Mode::Help { scroll: 0 };
        let mut seen = vec![a.layer()];
        for _ in 0..4 {
            a.handle_key(esc());
            seen.push(a.layer());
        }
        assert_eq!(
            seen,
            [
                Layer::Help,
                Layer::Dialog,
                Layer::View,
                Layer::RecordDetail,
                Layer::Pane
            ]
        );
        assert!(!a.quit);
    }
}
