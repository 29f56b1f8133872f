//! The producer's checks before a publish and its commands: `:partition`, and JSON values
//! checked when they look like JSON or the topic's records are JSON.

use super::App;

/// Held records of the topic looked at to tell whether its values are JSON.
const JSON_SAMPLE: usize = 20;

impl App {
    /// `:partition N` / `:partition auto`.
    pub(super) fn cmd_partition(&mut self, arg: &str) {
        let arg = arg.trim();
        if arg.is_empty() {
            return self.say(match self.producer.partition {
                Some(p) => {
                    format!("the producer publishes to partition {p} · :partition auto undoes it")
                }
                None => {
                    "the partitioner chooses the partition (by key) · :partition N picks one".into()
                }
            });
        }
        if arg == "auto" {
            self.producer.partition = None;
            return self.say("the partitioner chooses the partition again (by key)");
        }
        let Ok(p) = arg.parse::<i32>() else {
            return self.warn(format!(
                "partition {arg:?}: write a number (0, 1, …) or auto"
            ));
        };
        if p < 0 {
            return self.warn(format!("partition {p}: partitions are numbered from 0"));
        }
        let topic = self.target_topic();
        if let Some((topic, count)) = topic
            .as_deref()
            .and_then(|t| Some((t, self.topics.partition_count(t)?)))
        {
            if p as usize >= count {
                return self.warn(format!(
                    "{topic} has no partition {p} (it has {})",
                    crate::model::count(count as u64, "partition")
                ));
            }
        }
        self.producer.partition = Some(p);
        self.say(format!(
            "the producer publishes to partition {p} · :partition auto undoes it"
        ));
    }

    /// Refuses a value that is meant as JSON and is not, with where it breaks: one that opens
    /// with `{` or `[`, or any non-empty value for a topic whose held records are JSON. Sent
    /// as it is on a second Ctrl+S with the same value (text on a JSON topic may be meant).
    pub(super) fn check_json(&mut self, topic: &str, value: &[u8]) -> Result<(), String> {
        let opens = value
            .trim_ascii_start()
            .first()
            .is_some_and(|b| matches!(b, b'{' | b'['));
        let json_topic = !value.is_empty() && self.topic_holds_json(topic);
        if !(opens || json_topic) {
            return Ok(());
        }
        let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(value) else {
            self.producer.not_json_confirmed = None;
            return Ok(());
        };
        if self.producer.not_json_confirmed.as_deref() == Some(value) {
            self.producer.not_json_confirmed = None;
            return Ok(());
        }
        self.producer.not_json_confirmed = Some(value.to_vec());
        let full = e.to_string();
        let what = full.split(" at line ").next().unwrap_or(&full);
        let why = if json_topic {
            format!(" (the records of {topic} are JSON)")
        } else {
            String::new()
        };
        Err(format!(
            "the value is not JSON{why}: line {}, column {}: {what} · fix it, or Ctrl+S again sends it as it is",
            e.line(),
            e.column()
        ))
    }

    /// Whether the newest held records of `topic` have JSON object or array values.
    fn topic_holds_json(&self, topic: &str) -> bool {
        let mut values = self
            .tail
            .records
            .iter()
            .rev()
            .filter(|r| r.topic == topic)
            .filter_map(|r| r.value.as_deref())
            .filter(|v| !v.is_empty())
            .take(JSON_SAMPLE)
            .peekable();
        values.peek().is_some()
            && values.all(|v| {
                v.trim_ascii_start()
                    .first()
                    .is_some_and(|b| matches!(b, b'{' | b'['))
                    && serde_json::from_slice::<serde::de::IgnoredAny>(v).is_ok()
            })
    }
}
