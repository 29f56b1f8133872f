//! `:export FILE` and `:produce-file FILE`: the app hands the job to the files task
//! (src/files.rs) and shows its progress and end in the status line.

use super::*;
use crate::files::{ExportJob, FileEvent};
use crate::schema::loaded::SchemaStatus;

impl App {
    pub(super) fn cmd_export(&mut self, arg: &str) {
        if arg.is_empty() {
            return self.warn("export needs a file name: :export records.jsonl (or .csv)");
        }
        let records = self.tail.exportable();
        if records.is_empty() {
            return self.warn("nothing to export: the tail holds no (matching) records");
        }
        let schemas = self
            .schemas
            .by_id
            .iter()
            .map(|(id, (status, _))| {
                let s = match status {
                    SchemaStatus::Ready(s) => Ok(s.clone()),
                    SchemaStatus::Failed(why) => Err(why.clone()),
                    SchemaStatus::Loading => Err("still loading".to_string()),
                };
                (*id, s)
            })
            .collect();
        let job = ExportJob {
            path: crate::files::expand(arg),
            records,
            schemas,
        };
        let n = job.records.len();
        match self.files.as_ref().map(|f| f.export(job)) {
            Some(Ok(())) => self.say(format!(
                "exporting {}…",
                crate::model::count(n as u64, "record")
            )),
            Some(Err(e)) => self.warn(e),
            None => self.warn("files are not available in this session"),
        }
    }

    /// `:layout`: says the arrangement; `save` writes it to the config file, `reset` undoes
    /// `z`, `<` `>` and `+` `-`.
    pub(super) fn cmd_layout(&mut self, arg: &str) {
        match arg {
            "" => self.say(format!(
                "{} · :layout save keeps it, :layout reset restores the default",
                crate::layout_config::describe(&self.layout)
            )),
            "reset" => {
                self.layout = crate::layout::Arrangement::default();
                self.say(crate::layout_config::describe(&self.layout));
            }
            "save" => {
                let Some(path) = self.config_path.clone() else {
                    return self.warn("no config file to save to: set $KAFKA_TUI_CONFIG or HOME");
                };
                match self
                    .files
                    .as_ref()
                    .map(|f| f.save_layout(path.clone(), self.layout))
                {
                    Some(Ok(())) => self.say(format!("saving the layout to {}…", path.display())),
                    Some(Err(e)) => self.warn(e),
                    None => self.warn("files are not available in this session"),
                }
            }
            other => self.warn(format!(
                "layout {other:?}: write :layout, :layout save or :layout reset"
            )),
        }
    }

    pub(super) fn cmd_produce_file(&mut self, arg: &str) {
        if self.refuse_if_read_only("publishing") {
            return;
        }
        if arg.is_empty() {
            return self.warn(
                "produce-file needs a file: :produce-file records.jsonl (as exported) or a text file (a value a line)",
            );
        }
        let Some(topic) = self.target_topic() else {
            return self.warn("no topic to publish to: tail or select one first");
        };
        let path = crate::files::expand(arg);
        match self.files.as_ref().map(|f| f.produce(path, topic.clone())) {
            Some(Ok(())) => self.say(format!("publishing {arg} to {topic}…")),
            Some(Err(e)) => self.warn(e),
            None => self.warn("files are not available in this session"),
        }
    }

    pub(super) fn handle_file(&mut self, e: FileEvent) {
        match e {
            FileEvent::Progress { line } => self.say(line),
            FileEvent::Done { ok: true, message } => self.say(message),
            FileEvent::Done { ok: false, message } => self.warn(message),
        }
    }
}
