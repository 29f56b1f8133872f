//! The producer: publishing what the editors hold (Ctrl+S; placeholders filled, the topic
//! tailed first so the record shows up), `r` copying a tail record into it, the checks before
//! a publish (the chosen partition, JSON where JSON is meant) and its commands `:partition`
//! and `:produce N`.

use super::*;

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
        if let Some(why) = self
            .target_topic()
            .and_then(|t| self.missing_partition(&t, p))
        {
            return self.warn(why);
        }
        self.producer.partition = Some(p);
        self.say(format!(
            "the producer publishes to partition {p} · :partition auto undoes it"
        ));
    }

    /// Why `p` cannot be published to in `topic`, when the topic is listed without it.
    fn missing_partition(&self, topic: &str, p: i32) -> Option<String> {
        let count = self.topics.partition_count(topic)?;
        (p as usize >= count).then(|| {
            format!(
                "{topic} has no partition {p} (it has {})",
                crate::model::count(count as u64, "partition")
            )
        })
    }

    /// Why a value meant as JSON is not, with where it breaks: one that opens with `{` or `[`,
    /// or any non-empty value for a topic whose held records are JSON. `None`: it is JSON, or
    /// not meant as JSON.
    fn json_problem(&self, topic: &str, value: &[u8]) -> Option<String> {
        let opens = value
            .trim_ascii_start()
            .first()
            .is_some_and(|b| matches!(b, b'{' | b'['));
        let json_topic = !value.is_empty() && self.topic_holds_json(topic);
        if !(opens || json_topic) {
            return None;
        }
        let e = serde_json::from_slice::<serde::de::IgnoredAny>(value).err()?;
        let full = e.to_string();
        let what = full.split(" at line ").next().unwrap_or(&full);
        let why = if json_topic {
            format!(" (the records of {topic} are JSON)")
        } else {
            String::new()
        };
        Some(format!(
            "the value is not JSON{why}: line {}, column {}: {what}",
            e.line(),
            e.column()
        ))
    }

    /// Ctrl+S's JSON check: refused once with where it breaks, sent as it is on a second
    /// Ctrl+S with the same value (text on a JSON topic may be meant).
    fn check_json(&mut self, topic: &str, value: &[u8]) -> Result<(), String> {
        let confirmed = self.producer.not_json_confirmed.take();
        match self.json_problem(topic, value) {
            Some(_) if confirmed.as_deref() == Some(value) => Ok(()),
            Some(why) => {
                self.producer.not_json_confirmed = Some(value.to_vec());
                let publish = self.key(Context::Editing, Action::Publish);
                Err(format!(
                    "{why} · fix it, or {publish} again sends it as it is"
                ))
            }
            None => Ok(()),
        }
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

/// Records one `:produce N` may send.
const PRODUCE_MAX: u64 = 10_000_000;

impl App {
    /// `:produce N`: N records from the producer's editors, placeholders filled for each, to
    /// the producer's topic, as a background job with its progress in the status line.
    /// `:produce` alone focuses the Producer (as `:producer`).
    pub(super) fn cmd_produce(&mut self, arg: &str) {
        let arg = arg.trim();
        if arg.is_empty() {
            return self.show_pane(crate::state::Pane::Producer);
        }
        let n = match arg.replace(['_', ','], "").parse::<u64>() {
            Ok(n) if (1..=PRODUCE_MAX).contains(&n) => n,
            _ => {
                return self.warn(format!(
                    "produce {arg:?}: give a count from 1 to {}, e.g. :produce 1000",
                    crate::text::thousands(PRODUCE_MAX as i64)
                ))
            }
        };
        if self.refuse_if_read_only("publishing") {
            return;
        }
        let Some(topic) = self.target_topic() else {
            return self.warn("no topic to publish to: tail or select one first");
        };
        if let Err(e) = crate::state::topics::validate_topic_name(&topic) {
            return self.warn(e);
        }
        let draft = match self.producer.draft() {
            Ok(d) => d,
            Err(e) => return self.warn(e.to_string()),
        };
        let template = match crate::template::DraftTemplate::parse(&draft) {
            Ok(t) => t,
            Err(e) => return self.warn(e.to_string()),
        };
        if let Some(why) = self
            .producer
            .partition
            .and_then(|p| self.missing_partition(&topic, p))
        {
            return self.warn(format!("{why}: :partition auto, or a smaller one"));
        }
        // The first record shows what all will look like: checked as a Ctrl+S would be.
        let mut probe =
            crate::template::Fill::seeded(self.producer.fill.seq, 0, std::time::SystemTime::now);
        let first = template.render(&mut probe);
        if let Some(why) = self.json_problem(&topic, &first.value) {
            return self.warn(why);
        }
        let start = self.producer.fill.seq;
        let fill =
            crate::template::Fill::seeded(start, fastrand::u64(..), std::time::SystemTime::now);
        let partition = self.producer.partition;
        match self
            .files
            .as_ref()
            .map(|f| f.produce_generated(topic.clone(), partition, n, template, fill))
        {
            Some(Ok(())) => {
                self.producer.fill.seq += n;
                self.remember_published(&topic);
                self.say(format!(
                    "producing {} to {topic}…",
                    crate::model::count(n, "record")
                ));
            }
            Some(Err(e)) => self.warn(e),
            None => self.warn("files are not available in this session"),
        }
    }
}

impl App {
    /// `r` on a tail record: its key, headers and value into the producer, its topic as the
    /// producer's target, the producer focused to edit and send it again.
    pub(super) fn copy_to_producer(&mut self) {
        let Some(r) = self.tail.selected().cloned() else {
            return self.say("no record selected");
        };
        if self.read_only {
            return self.warn("read-only: publishing is disabled (--read-only / read_only = true)");
        }
        let lost = self
            .producer
            .load(r.key.as_deref(), &r.headers, r.value.as_deref());
        // A tail of several topics: the record's own topic becomes the target.
        self.topics.select_name(&r.topic);
        self.tail.detail = false;
        self.focus_pane(Pane::Producer);
        let whence = format!("{}/{}@{}", r.topic, r.partition, r.offset);
        if lost.is_empty() {
            self.say(format!(
                "copied {whence} into the producer; Ctrl+S sends it"
            ));
        } else {
            self.warn(format!(
                "copied {whence}, but the producer holds text: {} will differ when sent",
                lost.join(", ")
            ));
        }
    }

    pub(super) fn publish(&mut self) {
        if self.read_only {
            self.producer.status = ProduceStatus::Refused(
                "read-only: publishing is disabled (--read-only / read_only = true)".into(),
            );
            return;
        }
        let Some(topic) = self.target_topic() else {
            let topics = self.key(Context::Global, Action::Focus(Pane::Topics));
            self.producer.status = ProduceStatus::Invalid(format!(
                "no topic selected: pick one in Topics ({topics}) first"
            ));
            return;
        };
        if let Err(e) = crate::state::topics::validate_topic_name(&topic) {
            self.producer.status = ProduceStatus::Invalid(e);
            return;
        }
        let draft: Draft = match self.producer.draft() {
            Ok(d) => d,
            Err(e) => {
                self.producer.status = ProduceStatus::Invalid(e.to_string());
                self.producer.field = Field::Headers;
                return;
            }
        };
        let draft = match crate::template::DraftTemplate::parse(&draft) {
            Ok(t) if t.has_placeholders() => t.render(&mut self.producer.fill),
            Ok(_) => draft,
            Err(e) => {
                self.producer.status = ProduceStatus::Invalid(e.to_string());
                return;
            }
        };
        if let Some(why) = self
            .producer
            .partition
            .and_then(|p| self.missing_partition(&topic, p))
        {
            self.producer.status =
                ProduceStatus::Invalid(format!("{why}: :partition auto, or a smaller one"));
            return;
        }
        if let Err(why) = self.check_json(&topic, &draft.value) {
            self.producer.status = ProduceStatus::Invalid(why);
            self.producer.field = Field::Value;
            return;
        }
        self.remember_published(&topic);
        let req = ProduceRequest {
            topic: topic.clone(),
            key: draft.key,
            value: draft.value,
            headers: draft.headers,
            partition: self.producer.partition,
        };
        if self.schemas.produce_as.is_some() {
            // Encoded by the registry task first (app/schemas.rs), then sent as below.
            return self.encode_then_publish(req);
        }
        self.send_produce(req);
    }

    /// Publishes `req` (tailing its topic first if needed, so the record shows in Tail).
    pub(super) fn send_produce(&mut self, req: ProduceRequest) {
        let topic = req.topic.clone();
        self.in_flight_value = Some(req.value.clone());
        self.producer.status = ProduceStatus::Sending {
            topic: topic.clone(),
        };
        if self.tail.covers(&topic) && self.tail.status == TailStatus::Starting {
            // The tail is not assigned yet: publishing now could land before its start.
            self.pending_publish = Some(req);
        } else if !self.tail.covers(&topic) {
            // Tail the topic first, so the record shows up in Tail once it is delivered.
            self.start_tail(topic, StartFrom::End);
            self.pending_publish = Some(req);
        } else {
            self.kafka.send(KafkaCommand::Produce(req));
        }
    }
}
