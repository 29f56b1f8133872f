//! How news from the Kafka task changes the app.

use super::*;
use crate::kafka::api::ErrorKind;
use crate::state::groups::{reselect, shown};

impl App {
    pub(super) fn handle_kafka(&mut self, ev: KafkaEvent) {
        match ev {
            KafkaEvent::Topics(Ok(snap)) => {
                self.cluster.connection = Connection::Connected {
                    brokers: snap.brokers,
                };
                self.cluster.last_error = None;
                self.topics.set_topics(snap.topics);
                // Every listing refreshes the counts on screen (topics come and fill up).
                self.watermarks_asked.clear();
                self.request_watermarks();
                // An open topic detail is read again on the same tick (leaders and ISR change
                // while a broker is down), keeping what it shows until the answer comes.
                if let Some(View::TopicDetail {
                    topic,
                    detail: Some(_),
                    ..
                }) = self.views.last()
                {
                    self.kafka.send(KafkaCommand::TopicDetail(topic.clone()));
                }
                if let Some(spec) = self.pending_topic.take() {
                    // `-t` was checked at start: a bad spec cannot come here.
                    let (topics, partitions) = crate::model::TopicSet::parse(&spec)
                        .unwrap_or_else(|_| (spec.as_str().into(), None));
                    let absent: Vec<&str> = match &topics {
                        crate::model::TopicSet::Names(names) => names
                            .iter()
                            .filter(|t| !self.topics.has(t))
                            .map(String::as_str)
                            .collect(),
                        crate::model::TopicSet::Pattern(_) => Vec::new(),
                    };
                    if let [one] = absent.as_slice() {
                        self.warn(format!(
                            "topic {one:?} is not on this cluster (yet); tailing it anyway"
                        ));
                    } else if !absent.is_empty() {
                        self.warn(format!(
                            "topics {} are not on this cluster (yet); tailing them anyway",
                            absent.join(", ")
                        ));
                    }
                    if let Some(first) = topics.first_name() {
                        self.topics.select_name(first);
                    }
                    self.start_tail_of(topics, partitions, self.default_start);
                    self.focus = Pane::Tail;
                }
            }
            KafkaEvent::Topics(Err(e)) => {
                self.cluster.connection = Connection::Unreachable(e);
            }
            KafkaEvent::DiskUsage(usage) => self.topics.disk = Some(usage),
            KafkaEvent::Records {
                generation,
                records,
            } => {
                if generation == self.tail.generation {
                    self.schemas.request_for(&records);
                    self.tail
                        .rate
                        .add(std::time::SystemTime::now(), records.len() as u64);
                }
                if self.tail.push_batch(generation, records) {
                    // Records flowing again after an error: the tail is live, whatever it said.
                    if let TailStatus::Problem { .. } = self.tail.status {
                        self.tail.status = TailStatus::Live {
                            partitions: self.tail.partitions,
                        };
                    }
                }
            }
            KafkaEvent::TailStarted {
                generation,
                partitions,
                topics,
                notice,
            } => {
                if generation == self.tail.generation {
                    self.tail.partitions = partitions;
                    self.tail.joined = topics;
                    self.tail.status = TailStatus::Live { partitions };
                    self.tail.notice = notice;
                    if let Some(req) = self.pending_publish.take() {
                        self.kafka.send(KafkaCommand::Produce(req));
                    }
                }
            }
            KafkaEvent::TailStatus {
                generation,
                status,
                error,
            } => {
                if generation == self.tail.generation {
                    self.tail.status = TailStatus::Problem {
                        text: status,
                        error,
                    };
                    // A tail that waits for its topic would hold a publish forever: the
                    // publish itself creates the topic (auto-create), so send it now.
                    if let Some(req) = self.pending_publish.take() {
                        self.kafka.send(KafkaCommand::Produce(req));
                    }
                }
            }
            KafkaEvent::Delivery(d) => {
                if let Delivery::Delivered { topic, .. } = &d {
                    self.note_auto_created(topic);
                    self.producer.sent += 1;
                    let sent = self.in_flight_value.take();
                    let current = self.producer.value.lines().join("\n").into_bytes();
                    if sent.as_deref() == Some(current.as_slice()) {
                        self.producer.clear_value();
                    }
                }
                self.producer.status = ProduceStatus::Done(d);
            }
            KafkaEvent::Unsent(req) => self.producer.keep_unsent(req),
            KafkaEvent::ClientError(e) => {
                if matches!(self.cluster.connection, Connection::Connected { .. }) {
                    self.warn(e.detail);
                } else if !(e.kind == ErrorKind::AllBrokersDown
                    && self.cluster.last_error.is_some())
                {
                    // "1/1 brokers are down" follows every specific failure (cannot resolve,
                    // connection refused, authentication): keep the specific one on screen.
                    self.cluster.last_error = Some(e);
                }
            }
            KafkaEvent::BrokersDown(e) => {
                self.cluster.connection = Connection::Unreachable(e);
                // Find out as soon as the cluster is back, not on the next 5 s tick.
                self.kafka.send(KafkaCommand::RefreshTopics);
            }
            KafkaEvent::Watermarks(marks) => self.topics.set_watermarks(marks),
            KafkaEvent::TopicDetail(r) => {
                let name = r.as_ref().ok().map(|d| d.name.clone());
                for v in &mut self.views {
                    if let View::TopicDetail { topic, detail, .. } = v {
                        if name.is_none() || name.as_ref() == Some(topic) {
                            *detail = Some(r.clone());
                        }
                    }
                }
            }
            KafkaEvent::Configs { topic, result } => {
                for v in &mut self.views {
                    if let View::TopicDetail {
                        topic: t, configs, ..
                    } = v
                    {
                        if *t == topic {
                            *configs = Some(result.clone());
                        }
                    }
                }
            }
            KafkaEvent::Groups(r) => {
                if let Ok(l) = &r {
                    self.groups.record(l);
                }
                let sort = self.groups.sort;
                for v in &mut self.views {
                    if let View::Groups {
                        list,
                        selected,
                        filter,
                    } = v
                    {
                        // The selected group stays selected when a new listing reorders the
                        // rows (lag order moves them).
                        let old = match list {
                            Some(Ok(old)) => shown(old, filter, sort),
                            _ => Vec::new(),
                        };
                        *selected = match &r {
                            Ok(new) => reselect(&old, *selected, &shown(new, filter, sort)),
                            Err(_) => 0,
                        };
                        *list = Some(r.clone());
                    }
                }
            }
            KafkaEvent::GroupDetail(r) => {
                let name = r.as_ref().ok().map(|d| d.name.clone());
                for v in &mut self.views {
                    if let View::GroupDetail {
                        name: n, detail, ..
                    } = v
                    {
                        if name.is_none() || name.as_ref() == Some(n) {
                            *detail = Some(r.clone());
                        }
                    }
                }
            }
            KafkaEvent::ResetPlan(r) => {
                // Only the answer to the open dialog's own request: same group, partitions and
                // target. A late plan (the target was edited since) or another group's is
                // dropped; an error is shown only while a plan is awaited.
                if let Some(Dialog::ResetOffsets {
                    detail,
                    asked,
                    plan,
                    ..
                }) = &mut self.dialog
                {
                    let wanted = match &r {
                        Ok(p) => crate::state::views::plan_matches(p, detail, *asked),
                        Err(_) => asked.is_some() && plan.is_none(),
                    };
                    if wanted {
                        *plan = Some(r);
                    } else {
                        tracing::info!("dropped a reset plan that does not answer the open dialog");
                    }
                }
            }
            KafkaEvent::TopicDefaults(r) => {
                if let Some(Dialog::CreateTopic { defaults, .. }) = &mut self.dialog {
                    *defaults = Some(r.map_err(|e| e.to_string()));
                }
            }
            KafkaEvent::Overview(r) => {
                for v in &mut self.views {
                    if let View::Brokers { overview } = v {
                        *overview = Some(r.clone());
                    }
                }
            }
            KafkaEvent::AdminDone { what, result } => {
                match result {
                    Ok(text) => self.say(text),
                    Err(e) => {
                        self.warn(format!("{what}: {e}"));
                        if e.kind == crate::kafka::api::ErrorKind::Refused {
                            // Not sent: nothing changed.
                            return;
                        }
                    }
                }
                // Whatever changed (a failed write may have done part), the lists should show it.
                self.kafka.send(KafkaCommand::RefreshTopics);
                self.watermarks_asked.clear();
                self.refresh_view();
            }
        }
    }

    /// A record delivered to a topic the listing does not hold yet made it, on the embedded
    /// broker with its own partition count, unlike Kafka's (issue 10.6): say so, and list
    /// topics again so that it is said once.
    fn note_auto_created(&mut self, topic: &str) {
        if self.cluster.embedded.is_none()
            || !self.topics.loaded
            || self.topics.all().iter().any(|t| t.name == topic)
        {
            return;
        }
        self.say(format!(
            "publishing created topic {topic} with {} partitions, the embedded broker's default (Kafka: num.partitions, 1 unless set)",
            crate::kafka::embedded::AUTO_CREATE_PARTITIONS
        ));
        self.kafka.send(KafkaCommand::RefreshTopics);
    }
}
