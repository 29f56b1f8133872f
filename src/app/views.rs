//! Views over the top of the screen (topic detail, groups, cluster, contexts), the dialogs that
//! confirm writes, and fetching watermarks for the topic rows on screen.

use super::*;
use crate::model::ResetTo;
use crate::state::groups;
use crate::state::views::{parse_new_topic, plan_matches, NewTopicSpec};

/// Watermarks are fetched for this many rows around the selection: more than any screen shows.
const WATERMARK_WINDOW: usize = 60;
/// How long fetched watermarks are considered fresh.
const WATERMARK_TTL: Duration = Duration::from_secs(5);

impl App {
    /// Asks for the watermarks of the topic rows around the selection that are not fresh.
    pub fn request_watermarks(&mut self) {
        let start = self.topics.selected.saturating_sub(WATERMARK_WINDOW);
        let now = Instant::now();
        let mut wanted = Vec::new();
        for t in self.topics.visible().skip(start).take(WATERMARK_WINDOW * 2) {
            let fresh = self
                .watermarks_asked
                .get(&t.name)
                .is_some_and(|at| now.duration_since(*at) < WATERMARK_TTL);
            if !fresh && !t.partitions.is_empty() {
                wanted.push((t.name.clone(), t.partitions.iter().map(|p| p.id).collect()));
            }
        }
        if wanted.is_empty() {
            return;
        }
        for (name, _) in &wanted {
            self.watermarks_asked.insert(name.clone(), now);
        }
        self.kafka.send(KafkaCommand::Watermarks(wanted));
    }

    pub fn open_view(&mut self, view: View) {
        // Opening the same kind of view again replaces it instead of stacking copies.
        self.views
            .retain(|v| std::mem::discriminant(v) != std::mem::discriminant(&view));
        self.views.push(view);
        self.refresh_view();
    }

    pub fn open_groups(&mut self) {
        self.open_view(View::Groups {
            list: None,
            selected: 0,
            filter: String::new(),
        });
    }

    pub fn open_brokers(&mut self) {
        self.open_view(View::Brokers { overview: None });
    }

    pub fn open_contexts(&mut self) {
        let selected = self
            .contexts
            .iter()
            .position(|c| c.name == self.context)
            .unwrap_or(0);
        let view = View::Contexts {
            list: self.contexts.clone(),
            current: self.context.clone(),
            selected,
        };
        self.views.retain(|v| !matches!(v, View::Contexts { .. }));
        self.views.push(view);
    }

    pub(super) fn open_topic_detail(&mut self) {
        let Some(topic) = self.topics.selected_name().map(str::to_string) else {
            return self.warn("no topic selected");
        };
        self.open_view(View::TopicDetail {
            topic,
            detail: None,
            configs: None,
            scroll: 0,
        });
    }

    /// Fetches what the top view shows (again).
    pub(super) fn refresh_view(&mut self) {
        let cmd = match self.views.last_mut() {
            Some(View::TopicDetail {
                topic,
                detail,
                configs,
                ..
            }) => {
                *detail = None;
                *configs = None;
                self.kafka.send(KafkaCommand::Configs(topic.clone()));
                KafkaCommand::TopicDetail(topic.clone())
            }
            Some(View::Groups { list, .. }) => {
                *list = None;
                self.groups.asked = Some(std::time::Instant::now());
                KafkaCommand::Groups
            }
            Some(View::GroupDetail { name, detail, .. }) => {
                *detail = None;
                KafkaCommand::GroupDetail(name.clone())
            }
            Some(View::Brokers { overview }) => {
                *overview = None;
                KafkaCommand::Overview
            }
            Some(View::Connect(_)) => {
                self.connect.send(crate::connect::ConnectCommand::Refresh);
                self.connect
                    .send(crate::connect::ConnectCommand::Watch(true));
                return;
            }
            Some(View::Streams(_)) => {
                self.streams.send(crate::streams::StreamsCommand::Refresh);
                self.streams
                    .send(crate::streams::StreamsCommand::Watch(true));
                return;
            }
            Some(View::Schemas(_)) => return self.refresh_schemas(),
            Some(View::Contexts { .. }) | None => return,
        };
        self.kafka.send(cmd);
    }

    /// Once a second: an open groups list is listed again every `groups::REFRESH` (each
    /// listing is a sample of the lag trends), its rows staying on screen meanwhile. Not while
    /// a listing is awaited, so a broker that does not answer gets one request at a time.
    pub fn tick_views(&mut self, now: std::time::Instant) {
        if matches!(self.views.last(), Some(View::Groups { list: Some(_), .. }))
            && self.groups.due(now)
        {
            self.groups.asked = Some(now);
            self.kafka.send(KafkaCommand::Groups);
        }
    }

    /// `s` in the groups list: the next order (lag, name, state, members); the selected group
    /// stays selected.
    pub(super) fn cycle_group_sort(&mut self) {
        let old = self.groups.sort;
        self.groups.sort = old.next();
        let sort = self.groups.sort;
        if let Some(View::Groups {
            list: Some(Ok(l)),
            selected,
            filter,
        }) = self.views.last_mut()
        {
            *selected = groups::reselect(
                &groups::shown(l, filter, old),
                *selected,
                &groups::shown(l, filter, sort),
            );
        }
        self.say(format!("groups sorted by {}", sort.label()));
    }

    /// Scrolls or moves the selection in the top view; false when no view is open.
    pub(super) fn scroll_view(&mut self, delta: i64) -> bool {
        // Bounded by what the view holds: scrolling never runs past its last row.
        let (reach, key) = (&self.reach.view, self.view_reach_key());
        let step = |at: u16| {
            reach
                .step(key, usize::from(at), delta)
                .min(usize::from(u16::MAX)) as u16
        };
        match self.views.last_mut() {
            None => return false,
            Some(View::TopicDetail { scroll, .. }) | Some(View::GroupDetail { scroll, .. }) => {
                *scroll = step(*scroll);
            }
            Some(View::Groups {
                list,
                selected,
                filter,
            }) => {
                let n = match list {
                    Some(Ok(l)) => groups::shown(l, filter, self.groups.sort).len(),
                    _ => 0,
                };
                *selected =
                    (*selected as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
            }
            Some(View::Contexts { list, selected, .. }) => {
                *selected = (*selected as i64 + delta).clamp(0, list.len().saturating_sub(1) as i64)
                    as usize;
            }
            Some(View::Connect(v)) if v.detail || v.plugins_open => {
                v.detail_scroll = step(v.detail_scroll);
            }
            Some(View::Connect(v)) => v.move_by(delta),
            Some(View::Streams(v)) => v.move_topic(delta),
            Some(View::Schemas(v)) => match v.subject.as_mut() {
                Some(d) => d.scroll = step(d.scroll),
                None => v.move_by(delta),
            },
            Some(View::Brokers { .. }) => {}
        }
        true
    }

    pub(super) fn select_in_view(&mut self) {
        match self.views.last() {
            Some(View::Groups {
                list: Some(Ok(l)),
                selected,
                filter,
            }) => {
                if let Some(g) = groups::shown(l, filter, self.groups.sort).get(*selected) {
                    let name = g.name.clone();
                    self.views.push(View::GroupDetail {
                        name,
                        detail: None,
                        scroll: 0,
                    });
                    self.refresh_view();
                }
            }
            Some(View::Contexts {
                list,
                selected,
                current,
            }) => {
                if let Some(name) = list.get(*selected).map(|c| c.name.clone()) {
                    if name == *current {
                        self.views.pop();
                        self.say(format!("already on {name}"));
                    } else {
                        self.switch_to = Some(name);
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn refuse_if_read_only(&mut self, what: &str) -> bool {
        if self.read_only {
            self.warn(format!(
                "read-only: {what} is disabled (--read-only / read_only = true)"
            ));
        }
        self.read_only
    }

    pub(super) fn open_dialog_create(&mut self) {
        if !self.refuse_if_read_only("creating topics") {
            // The embedded broker has no DescribeConfigs; what it does is known here.
            let defaults = self.cluster.embedded.is_some().then(|| {
                Ok(crate::model::TopicDefaults {
                    from: "the embedded broker".into(),
                    partitions: Some(crate::kafka::embedded::AUTO_CREATE_PARTITIONS.to_string()),
                    replication: Some("1".into()),
                    configs: Vec::new(),
                    note: Some("it has one broker and ignores replication and configs".into()),
                })
            });
            if defaults.is_none() {
                self.kafka.send(KafkaCommand::TopicDefaults);
            }
            self.dialog = Some(Dialog::CreateTopic {
                fields: Default::default(),
                field: 0,
                error: None,
                defaults,
            });
        }
    }

    /// The topic a topic action applies to: the detail view's, else the selected one.
    fn action_topic(&self) -> Option<String> {
        match self.views.last() {
            Some(View::TopicDetail { topic, .. }) => Some(topic.clone()),
            _ => self.topics.selected_name().map(str::to_string),
        }
    }

    pub(super) fn open_dialog_delete_topic(&mut self) {
        if self.refuse_if_read_only("deleting topics") {
            return;
        }
        match self.action_topic() {
            Some(topic) => {
                self.dialog = Some(Dialog::DeleteTopic {
                    topic,
                    typed: String::new(),
                })
            }
            None => self.warn("no topic selected"),
        }
    }

    pub(super) fn open_dialog_partitions(&mut self) {
        if self.refuse_if_read_only("adding partitions") {
            return;
        }
        let Some(topic) = self.action_topic() else {
            return self.warn("no topic selected");
        };
        let current = self
            .topics
            .all()
            .iter()
            .find(|t| t.name == topic)
            .map_or(0, |t| t.partitions.len());
        self.dialog = Some(Dialog::AddPartitions {
            topic,
            current,
            input: String::new(),
            error: None,
        });
    }

    pub(super) fn open_dialog_config(&mut self) {
        if self.refuse_if_read_only("changing configs") {
            return;
        }
        match self.action_topic() {
            Some(topic) => {
                self.dialog = Some(Dialog::EditConfig {
                    topic,
                    input: String::new(),
                    error: None,
                })
            }
            None => self.warn("no topic selected"),
        }
    }

    pub(super) fn open_dialog_reset(&mut self) {
        if self.refuse_if_read_only("resetting offsets") {
            return;
        }
        match self.views.last() {
            // Refused before a target is typed: Kafka resets only a group nobody consumes in.
            // The Kafka task checks again (the view may be stale).
            Some(View::GroupDetail {
                detail: Some(Ok(d)),
                ..
            }) if !d.is_inactive() => {
                let why = format!(
                    "cannot reset group {}: {}; stop its consumers first, then {} and {} again (Kafka resets only an inactive group)",
                    d.name,
                    d.reset_blockers(),
                    self.key(Context::GroupView, Action::Refresh),
                    self.key(Context::GroupView, Action::ResetOffsets),
                );
                self.warn(why);
            }
            Some(View::GroupDetail {
                detail: Some(Ok(d)),
                ..
            }) => {
                self.dialog = Some(Dialog::ResetOffsets {
                    detail: d.clone(),
                    input: String::new(),
                    asked: None,
                    plan: None,
                });
            }
            _ => self.warn("open a group first (:groups, Enter), and wait for its offsets"),
        }
    }

    pub(super) fn open_dialog_delete_group(&mut self) {
        if self.refuse_if_read_only("deleting groups") {
            return;
        }
        let group = match self.views.last() {
            Some(View::GroupDetail { name, .. }) => Some(name.clone()),
            Some(View::Groups {
                list: Some(Ok(l)),
                selected,
                filter,
            }) => groups::shown(l, filter, self.groups.sort)
                .get(*selected)
                .map(|g| g.name.clone()),
            _ => None,
        };
        match group {
            Some(group) => {
                self.dialog = Some(Dialog::DeleteGroup {
                    group,
                    typed: String::new(),
                })
            }
            None => self.warn("select a group first (:groups)"),
        }
    }

    /// Keys while a dialog is open: typing edits its field, Tab moves between fields, Enter
    /// confirms, Esc cancels. Nothing reaches the cluster before Enter.
    pub(super) fn dialog_key(&mut self, key: KeyEvent) {
        let Some(dialog) = self.dialog.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.dialog = None,
            KeyCode::Char('c') if key.modifiers == KeyModifiers::CONTROL => self.quit = true,
            KeyCode::Tab | KeyCode::Down => {
                if let Dialog::CreateTopic { field, .. } = dialog {
                    *field = (*field + 1) % 4;
                }
            }
            KeyCode::BackTab | KeyCode::Up => {
                if let Dialog::CreateTopic { field, .. } = dialog {
                    *field = (*field + 3) % 4;
                }
            }
            KeyCode::Backspace => {
                dialog.input_mut().pop();
                dialog.input_changed();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                dialog.input_mut().push(c);
                dialog.input_changed();
            }
            KeyCode::Enter => self.confirm_dialog(),
            _ => {}
        }
    }

    fn confirm_dialog(&mut self) {
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        match dialog {
            Dialog::CreateTopic {
                fields,
                field,
                defaults,
                ..
            } => match parse_new_topic(&fields) {
                Ok(NewTopicSpec {
                    name,
                    partitions,
                    replication,
                    configs,
                }) => {
                    self.kafka.send(KafkaCommand::CreateTopic {
                        name: name.clone(),
                        partitions,
                        replication,
                        configs,
                    });
                    self.say(format!("creating topic {name}…"));
                }
                Err(e) => {
                    self.dialog = Some(Dialog::CreateTopic {
                        fields,
                        field,
                        error: Some(e),
                        defaults,
                    })
                }
            },
            Dialog::DeleteTopic { topic, typed } => {
                if crate::state::views::confirms(&typed, &topic) {
                    self.kafka.send(KafkaCommand::DeleteTopic(topic.clone()));
                    self.views.retain(
                        |v| !matches!(v, View::TopicDetail { topic: t, .. } if *t == topic),
                    );
                    self.say(format!("deleting topic {topic}…"));
                } else {
                    self.warn(crate::state::views::mismatch("topic", &typed, &topic));
                    self.dialog = Some(Dialog::DeleteTopic { topic, typed });
                }
            }
            Dialog::AddPartitions {
                topic,
                current,
                input,
                ..
            } => match input.trim().parse::<usize>() {
                Ok(total) if total > current => {
                    self.kafka.send(KafkaCommand::AddPartitions {
                        topic: topic.clone(),
                        total,
                    });
                    self.say(format!("adding partitions to {topic}…"));
                }
                _ => {
                    let error = Some(format!("enter the new total, more than the current {current} (partitions can only be added)"));
                    self.dialog = Some(Dialog::AddPartitions {
                        topic,
                        current,
                        input,
                        error,
                    });
                }
            },
            Dialog::EditConfig { topic, input, .. } => match input.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    let (key, value) = (k.trim().to_string(), v.trim().to_string());
                    self.kafka.send(KafkaCommand::AlterConfig {
                        topic: topic.clone(),
                        key: key.clone(),
                        value,
                    });
                    self.say(format!("setting {key} on {topic}…"));
                }
                _ => {
                    let error = Some("write key=value, e.g. retention.ms=86400000".into());
                    self.dialog = Some(Dialog::EditConfig {
                        topic,
                        input,
                        error,
                    });
                }
            },
            Dialog::ResetOffsets {
                detail,
                input,
                asked,
                plan,
            } => match plan {
                // Second Enter, on the plan shown for this group and target: apply it.
                Some(Ok(p)) if plan_matches(&p, &detail, asked) => {
                    self.kafka.send(KafkaCommand::ApplyReset(p.clone()));
                    self.say(format!("resetting offsets of {}…", p.group));
                }
                _ => match parse_reset(&input, self.now) {
                    Ok(to) => {
                        self.kafka.send(KafkaCommand::PlanReset {
                            detail: detail.clone(),
                            to,
                        });
                        self.dialog = Some(Dialog::ResetOffsets {
                            detail,
                            input,
                            asked: Some(to),
                            plan: None,
                        });
                    }
                    Err(e) => {
                        self.dialog = Some(Dialog::ResetOffsets {
                            detail,
                            input,
                            asked: None,
                            plan: Some(Err(crate::model::error::KafkaError::refused(e))),
                        })
                    }
                },
            },
            Dialog::DeleteGroup { group, typed } => {
                if crate::state::views::confirms(&typed, &group) {
                    self.kafka.send(KafkaCommand::DeleteGroup(group.clone()));
                    self.views
                        .retain(|v| !matches!(v, View::GroupDetail { name, .. } if *name == group));
                    self.say(format!("deleting group {group}…"));
                } else {
                    self.warn(crate::state::views::mismatch("group", &typed, &group));
                    self.dialog = Some(Dialog::DeleteGroup { group, typed });
                }
            }
        }
    }
}

/// `earliest`, `latest`, an offset, a duration ago (`15m`) or an RFC 3339 time.
pub fn parse_reset(input: &str, now: SystemTime) -> Result<ResetTo, String> {
    let s = input.trim();
    match s.to_ascii_lowercase().as_str() {
        "earliest" | "beginning" => return Ok(ResetTo::Earliest),
        "latest" | "end" => return Ok(ResetTo::Latest),
        _ => {}
    }
    // A sign means a shift from where the group is (`--shift-by`); a bare number an offset.
    if let Some(n) = s
        .strip_prefix(['+', '-'])
        .and_then(|digits| digits.parse::<u64>().ok())
        .and_then(|n| i64::try_from(n).ok())
    {
        return Ok(ResetTo::Shift(if s.starts_with('-') { -n } else { n }));
    }
    if let Some(n) = s.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok()) {
        return Ok(ResetTo::Offset(n));
    }
    let ms = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    };
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return Ok(ResetTo::Timestamp(ms(t)));
    }
    if let Ok(d) = humantime::parse_duration(s.strip_suffix(" ago").unwrap_or(s)) {
        return Ok(ResetTo::Timestamp(ms(now - d)));
    }
    Err(format!(
        "{s:?}: use earliest, latest, an offset, a shift (-100, +50), a time ago (15m) or a time (2024-05-01 12:00:00)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_targets() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000);
        assert_eq!(parse_reset("earliest", now), Ok(ResetTo::Earliest));
        assert_eq!(parse_reset("LATEST", now), Ok(ResetTo::Latest));
        assert_eq!(parse_reset("42", now), Ok(ResetTo::Offset(42)));
        assert_eq!(parse_reset("-100", now), Ok(ResetTo::Shift(-100)));
        assert_eq!(parse_reset(" +50 ", now), Ok(ResetTo::Shift(50)));
        assert!(parse_reset("--5", now).is_err());
        assert!(parse_reset("+", now).is_err());
        assert_eq!(parse_reset("10s", now), Ok(ResetTo::Timestamp(9_990_000)));
        assert_eq!(
            parse_reset("1970-01-01T00:00:05Z", now),
            Ok(ResetTo::Timestamp(5_000))
        );
        assert_eq!(
            parse_reset("-1", now),
            Ok(ResetTo::Shift(-1)),
            "a sign shifts"
        );
        assert!(parse_reset("whenever", now)
            .unwrap_err()
            .contains("earliest"));
    }
}
