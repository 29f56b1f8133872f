//! The `:connect` and `:streams` views: opening them, their keys, and the answers of the
//! Connect and Streams tasks. Every request goes to those tasks; nothing here waits on I/O.

use super::*;
use crate::connect::{read_only_refusal, ConnectCommand, ConnectEvent, ConnectOp, ConnectorSpec};
use crate::state::connect::{
    spec_json, ConnectView, Editor, EditorStatus, JsonText, Prompt, PromptKind as ConnectPrompt,
    NEW_CONNECTOR,
};
use crate::state::streams::StreamsView;
use crate::streams::{StreamsCommand, StreamsEvent};

impl App {
    pub(super) fn open_connect(&mut self) {
        if self.connect.clusters().is_empty() {
            return self.warn(
                "no Connect cluster configured: start with --connect URL, or add connect = [\"http://host:8083\"] to the cluster in the config file",
            );
        }
        let clusters: Vec<(String, String)> = self
            .connect
            .clusters()
            .iter()
            .map(|n| (n.clone(), String::new()))
            .collect();
        self.open_view(View::Connect(Box::new(ConnectView::new(&clusters))));
    }

    pub(super) fn open_streams(&mut self) {
        let v = StreamsView::new(self.streams_topology_configured);
        self.open_view(View::Streams(Box::new(v)));
    }

    fn connect_view(&mut self) -> Option<&mut ConnectView> {
        self.views.iter_mut().rev().find_map(|v| match v {
            View::Connect(c) => Some(c.as_mut()),
            _ => None,
        })
    }

    pub(super) fn handle_connect(&mut self, e: ConnectEvent) {
        let now = Instant::now();
        if self.connect_view().is_none() {
            // The view closed (Esc, or `:tail` cleared the views): stop asking.
            self.connect.send(ConnectCommand::Watch(false));
        }
        match e {
            ConnectEvent::Asking { cluster } => {
                if let Some(v) = self.connect_view() {
                    v.asking(&cluster, now);
                }
            }
            ConnectEvent::Connectors(t) => {
                if let Some(v) = self.connect_view() {
                    v.answer(t, now);
                }
            }
            ConnectEvent::Plugins(p) => {
                if let Some(v) = self.connect_view() {
                    v.plugins = Some(p);
                }
            }
            ConnectEvent::Done { result, .. } => {
                match result {
                    Ok(m) => self.say(m),
                    Err(m) => self.warn(m),
                }
                self.connect.send(ConnectCommand::Refresh);
            }
            ConnectEvent::Validated { result, saved, .. } => {
                let status = match (result, saved) {
                    (Err(e), _) => EditorStatus::Failed(format!("cannot validate: {e}")),
                    (Ok(v), _) if !v.is_valid() => {
                        let mut errors = v.errors_by_field();
                        if errors.is_empty() {
                            errors.insert(
                                "(config)".into(),
                                vec![format!("{} error(s)", v.error_count)],
                            );
                        }
                        EditorStatus::Errors(errors)
                    }
                    (Ok(_), Some(Ok(m))) => {
                        self.say(m.clone());
                        self.connect.send(ConnectCommand::Refresh);
                        EditorStatus::Saved(m)
                    }
                    (Ok(_), Some(Err(m))) => EditorStatus::Failed(m),
                    (Ok(_), None) => EditorStatus::Saved("valid (not saved)".into()),
                };
                if let Some(ed) = self.connect_view().and_then(|v| v.editor.as_mut()) {
                    if matches!(status, EditorStatus::Saved(ref m) if m != "valid (not saved)") {
                        // Saved: the editor's work is done.
                        self.connect_view().expect("open").editor = None;
                    } else {
                        ed.status = status;
                    }
                }
            }
        }
    }

    pub(super) fn handle_streams(&mut self, e: StreamsEvent) {
        let open = self.views.iter_mut().rev().find_map(|v| match v {
            View::Streams(s) => Some(s.as_mut()),
            _ => None,
        });
        let StreamsEvent::Discovered {
            result,
            topologies,
            took,
        } = e;
        match open {
            Some(v) => v.set(result, topologies, took, Instant::now()),
            None => self.streams.send(StreamsCommand::Watch(false)),
        }
    }

    /// Keys typed into the Connect view's editor or prompt, before the key table: they take
    /// every key but their own (Ctrl+C still quits). False when neither is open.
    pub(super) fn ext_view_text_key(&mut self, key: KeyEvent) -> bool {
        match self.views.last() {
            Some(View::Connect(v)) if v.editor.is_some() || v.prompt.is_some() => {
                self.connect_text_key(key)
            }
            _ => false,
        }
    }

    /// An action (from the key table's Connect, Streams or Schemas context) for the view on
    /// top; false when it is not the view's own, and the app's `update` takes it.
    pub(super) fn ext_view_action(&mut self, action: &Action) -> bool {
        match self.views.last() {
            Some(View::Connect(_)) => self.connect_action(action),
            Some(View::Streams(_)) => self.streams_action(action),
            Some(View::Schemas(_)) => self.schemas_action(action),
            _ => false,
        }
    }

    /// A paste into the editor or the prompt of the Connect view.
    pub(super) fn ext_view_paste(&mut self, text: &str) -> bool {
        let Some(View::Connect(v)) = self.views.last_mut() else {
            return false;
        };
        if let Some(ed) = v.editor.as_mut() {
            if !ed.update && ed.text.text() == NEW_CONNECTOR {
                // A paste over the untouched template replaces it: paste a whole connector.
                ed.text = JsonText::new(text);
            } else {
                ed.text.0.insert_str(text);
            }
            ed.status = EditorStatus::Editing;
            return true;
        }
        if let Some(p) = v.prompt.as_mut() {
            p.input.push_str(text.trim_end_matches('\n'));
            return true;
        }
        false
    }

    fn close_ext_view(&mut self) {
        match self.views.pop() {
            Some(View::Connect(_)) => self.connect.send(ConnectCommand::Watch(false)),
            Some(View::Streams(_)) => self.streams.send(StreamsCommand::Watch(false)),
            _ => {}
        }
    }

    fn connect_text_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return false;
        }
        let Some(View::Connect(v)) = self.views.last_mut() else {
            return false;
        };
        // The editor takes every key but its own.
        if let Some(ed) = v.editor.as_mut() {
            match key.code {
                KeyCode::Esc => v.editor = None,
                KeyCode::Char('s') if ctrl => {
                    let (cluster, update) = (ed.cluster.clone(), ed.update);
                    match ConnectorSpec::from_json(&ed.text.text()) {
                        Err(e) => ed.status = EditorStatus::Invalid(e.to_string()),
                        Ok(spec) => {
                            ed.status = EditorStatus::Validating;
                            // Read-only still validates (nothing changes); the task refuses
                            // the save with the read-only message.
                            self.connect.send(ConnectCommand::Validate {
                                cluster,
                                spec,
                                save: true,
                                update,
                            });
                        }
                    }
                }
                _ => {
                    ed.text.0.input(key);
                    ed.status = EditorStatus::Editing;
                }
            }
            return true;
        }
        if let Some(p) = v.prompt.as_mut() {
            match key.code {
                KeyCode::Esc => v.prompt = None,
                KeyCode::Backspace => {
                    p.input.pop();
                }
                KeyCode::Char(c) if !ctrl => p.input.push(c),
                KeyCode::Enter => {
                    let p = p.clone();
                    match p.kind {
                        ConnectPrompt::Delete => {
                            if crate::state::views::confirms(&p.input, &p.name) {
                                v.prompt = None;
                                self.connector_op(p.cluster, p.name, ConnectOp::Delete);
                            } else if let Some(pr) = v.prompt.as_mut() {
                                pr.error = Some(
                                    "type the connector's name as shown to delete it (Esc cancels)"
                                        .into(),
                                );
                            }
                        }
                        ConnectPrompt::RestartTask => match p.input.trim().parse::<u32>() {
                            Ok(t) => {
                                v.prompt = None;
                                self.connector_op(p.cluster, p.name, ConnectOp::RestartTask(t));
                            }
                            Err(_) => {
                                if let Some(pr) = v.prompt.as_mut() {
                                    pr.error = Some("type a task number (0, 1, …)".into());
                                }
                            }
                        },
                    }
                }
                _ => {}
            }
            return true;
        }
        false
    }

    fn connect_action(&mut self, action: &Action) -> bool {
        let read_only = self.read_only;
        let Some(View::Connect(v)) = self.views.last_mut() else {
            return false;
        };
        let selected = v.selected_connector();
        match action {
            Action::Back if v.detail => v.detail = false,
            Action::Back if v.plugins_open => v.plugins_open = false,
            Action::Back => self.close_ext_view(),
            Action::Select => {
                v.detail = !v.detail && selected.is_some();
                v.detail_scroll = 0;
            }
            Action::Refresh => {
                self.connect.send(ConnectCommand::Refresh);
                if v.plugins_open {
                    self.connect.send(ConnectCommand::Plugins);
                }
                self.say("asking the Connect workers…");
            }
            Action::TogglePlugins => {
                v.plugins_open = !v.plugins_open;
                v.detail_scroll = 0;
                if v.plugins_open {
                    v.plugins = None;
                    self.connect.send(ConnectCommand::Plugins);
                }
            }
            Action::NewConnector => {
                if read_only {
                    self.warn(read_only_refusal("creating connectors"));
                } else if let Some(cluster) = v.selected_cluster() {
                    v.editor = Some(Editor {
                        cluster,
                        update: false,
                        text: JsonText::new(NEW_CONNECTOR),
                        status: EditorStatus::Editing,
                    });
                }
            }
            Action::PauseConnector
            | Action::ResumeConnector
            | Action::RestartConnector
            | Action::RestartFailedTasks
            | Action::RestartTask
            | Action::DeleteConnector
            | Action::EditConnector => {
                let Some((cluster, conn)) = selected else {
                    self.warn("select a connector first");
                    return true;
                };
                let what = match action {
                    Action::PauseConnector => "pausing connectors",
                    Action::ResumeConnector => "resuming connectors",
                    Action::DeleteConnector => "deleting connectors",
                    Action::EditConnector => "editing connectors",
                    _ => "restarting connectors",
                };
                if read_only {
                    self.warn(read_only_refusal(what));
                    return true;
                }
                let name = conn.name.clone();
                let prompt = |kind| Prompt {
                    kind,
                    cluster: cluster.clone(),
                    name: name.clone(),
                    input: String::new(),
                    error: None,
                };
                match action {
                    Action::RestartTask => v.prompt = Some(prompt(ConnectPrompt::RestartTask)),
                    Action::DeleteConnector => v.prompt = Some(prompt(ConnectPrompt::Delete)),
                    Action::EditConnector => {
                        v.editor = Some(Editor {
                            cluster,
                            update: true,
                            text: JsonText::new(&spec_json(&conn)),
                            status: EditorStatus::Editing,
                        })
                    }
                    Action::PauseConnector => self.connector_op(cluster, name, ConnectOp::Pause),
                    Action::ResumeConnector => self.connector_op(cluster, name, ConnectOp::Resume),
                    Action::RestartConnector => {
                        self.connector_op(cluster, name, ConnectOp::Restart)
                    }
                    _ => self.connector_op(cluster, name, ConnectOp::RestartFailed),
                }
            }
            _ => return false,
        }
        true
    }

    fn connector_op(&mut self, cluster: String, name: String, op: ConnectOp) {
        self.say(format!("{cluster}: {} {name}…", op.doing()));
        self.connect.send(ConnectCommand::Op { cluster, name, op });
    }

    fn streams_action(&mut self, action: &Action) -> bool {
        let Some(View::Streams(v)) = self.views.last_mut() else {
            return false;
        };
        match action {
            Action::Back => self.close_ext_view(),
            Action::NextApp => v.move_app(1),
            Action::PrevApp => v.move_app(-1),
            Action::Refresh => {
                self.streams.send(StreamsCommand::Refresh);
                self.say("looking for Streams applications…");
            }
            Action::Select => match v.selected_topic() {
                Some(topic) => {
                    self.close_ext_view();
                    self.views.clear();
                    self.topics.select_name(&topic);
                    self.start_tail(topic, self.default_start);
                    self.focus_pane(Pane::Tail);
                }
                None => self.warn("no topic selected"),
            },
            _ => return false,
        }
        true
    }
}
