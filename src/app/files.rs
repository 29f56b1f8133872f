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
        let (file, rate) = match split_rate(arg) {
            Ok(split) => split,
            Err(e) => return self.warn(e),
        };
        if file.is_empty() {
            return self.warn(
                "produce-file needs a file: :produce-file records.jsonl (as exported) or a text file (a value a line) [--rate N]",
            );
        }
        let Some(topic) = self.target_topic() else {
            return self.warn("no topic to publish to: tail or select one first");
        };
        let path = crate::files::expand(file);
        let pace = rate.map_or(String::new(), |r| format!(" at {r} a second at most"));
        match self
            .files
            .as_ref()
            .map(|f| f.produce(path, topic.clone(), rate))
        {
            Some(Ok(())) => self.say(format!("publishing {file} to {topic}{pace}…")),
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

/// `FILE [--rate N]` → the file and the rate (records a second, as `kafka-tui produce --rate`).
fn split_rate(arg: &str) -> Result<(&str, Option<f64>), String> {
    let arg = arg.trim();
    let Some((file, rate)) = arg.rsplit_once("--rate") else {
        return Ok((arg, None));
    };
    // `--rate` inside a file name (`a--rate.txt`) is part of it.
    if !(file.is_empty() || file.ends_with(char::is_whitespace)) {
        return Ok((arg, None));
    }
    match rate.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok((file.trim_end(), Some(r))),
        _ => Err(format!(
            "--rate takes records a second, a number above 0 (not {:?})",
            crate::text::sanitize_inline(rate.trim())
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::split_rate;

    #[test]
    fn a_rate_follows_the_file() {
        assert_eq!(split_rate("a.jsonl"), Ok(("a.jsonl", None)));
        assert_eq!(
            split_rate(" my file.txt --rate 50 "),
            Ok(("my file.txt", Some(50.0)))
        );
        assert_eq!(split_rate("a.jsonl --rate 0.5"), Ok(("a.jsonl", Some(0.5))));
        assert_eq!(split_rate("x--rate.txt"), Ok(("x--rate.txt", None)));
        assert_eq!(split_rate("--rate 5"), Ok(("", Some(5.0))));
        for bad in [
            "a.jsonl --rate",
            "a.jsonl --rate 0",
            "a.jsonl --rate -3",
            "a --rate fast",
            "a --rate inf",
        ] {
            assert!(split_rate(bad).is_err(), "{bad}");
        }
    }
}
