//! Full-width views opened over the top of the screen (`:groups`, `:brokers`, topic detail,
//! `:ctx`) and the dialogs that confirm writes. Plain data; `app` drives them, `ui` draws them.

use crate::model::{ClusterOverview, ConfigItem, TopicDetail};
use crate::model::{GroupDetail, GroupSummary, ResetPlan, ResetTo};
use crate::text::sanitize_inline as clean;

/// Something being fetched: not yet, or the answer.
pub type Loading<T> = Option<Result<T, crate::model::error::KafkaError>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    TopicDetail {
        topic: String,
        detail: Loading<TopicDetail>,
        configs: Loading<Vec<ConfigItem>>,
        scroll: u16,
    },
    Groups {
        list: Loading<Vec<GroupSummary>>,
        selected: usize,
        filter: String,
    },
    GroupDetail {
        name: String,
        detail: Loading<GroupDetail>,
        scroll: u16,
    },
    Brokers {
        overview: Loading<ClusterOverview>,
    },
    Contexts {
        list: Vec<crate::model::ContextInfo>,
        current: String,
        selected: usize,
    },
    /// `:connect`: src/state/connect.rs.
    Connect(Box<crate::state::connect::ConnectView>),
    /// `:streams`: src/state/streams.rs.
    Streams(Box<crate::state::streams::StreamsView>),
    /// `:schemas`: src/state/schemas.rs.
    Schemas(Box<crate::state::schemas::SchemasView>),
}

impl View {
    pub fn title(&self) -> String {
        match self {
            View::TopicDetail { topic, .. } => format!("Topic {}", clean(topic)),
            View::Groups { .. } => "Consumer groups".into(),
            View::GroupDetail { name, .. } => format!("Group {}", clean(name)),
            View::Brokers { .. } => "Cluster".into(),
            View::Contexts { .. } => "Contexts".into(),
            View::Connect(_) => "Kafka Connect".into(),
            View::Streams(_) => "Kafka Streams applications".into(),
            View::Schemas(v) => match &v.subject {
                Some(d) => format!("Schema registry · {}", clean(&d.subject)),
                None => "Schema registry".into(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Fields: name, partitions, replication factor, configs (`k=v,k=v`).
    CreateTopic {
        fields: [String; 4],
        field: usize,
        error: Option<String>,
        /// What empty fields get: `None` while the cluster is asked.
        defaults: Option<Result<crate::model::TopicDefaults, String>>,
    },
    /// The person types the topic's name to confirm.
    DeleteTopic {
        topic: String,
        typed: String,
    },
    AddPartitions {
        topic: String,
        current: usize,
        input: String,
        error: Option<String>,
    },
    EditConfig {
        topic: String,
        input: String,
        error: Option<String>,
    },
    /// `input`: earliest, latest, an offset, a shift (-100), or a time ago / RFC 3339 time. Enter once shows the
    /// plan (old and new offsets), Enter again applies it.
    ResetOffsets {
        detail: GroupDetail,
        input: String,
        /// The target the plan was asked for: set by the first Enter, cleared by any edit.
        asked: Option<ResetTo>,
        plan: Loading<ResetPlan>,
    },
    DeleteGroup {
        group: String,
        typed: String,
    },
}

impl Dialog {
    pub fn title(&self) -> &'static str {
        match self {
            Dialog::CreateTopic { .. } => "Create topic",
            Dialog::DeleteTopic { .. } => "Delete topic",
            Dialog::AddPartitions { .. } => "Add partitions",
            Dialog::EditConfig { .. } => "Set a topic config",
            Dialog::ResetOffsets { .. } => "Reset group offsets",
            Dialog::DeleteGroup { .. } => "Delete group",
        }
    }

    /// After an edit of the text field: a reset plan shown (or asked for) is for the old
    /// target, so it goes.
    pub fn input_changed(&mut self) {
        if let Dialog::ResetOffsets { asked, plan, .. } = self {
            *asked = None;
            *plan = None;
        }
    }

    /// The text field keys go to.
    pub fn input_mut(&mut self) -> &mut String {
        match self {
            Dialog::CreateTopic { fields, field, .. } => &mut fields[*field],
            Dialog::DeleteTopic { typed, .. } | Dialog::DeleteGroup { typed, .. } => typed,
            Dialog::AddPartitions { input, .. }
            | Dialog::EditConfig { input, .. }
            | Dialog::ResetOffsets { input, .. } => input,
        }
    }
}

/// Whether what the person typed confirms deleting `name`. The dialog shows the name escaped
/// (a group id may hold an escape or an invisible character), so the typed text is compared
/// as shown, never raw: typing (or pasting) what the screen shows confirms. A stand-in may be
/// typed as its code too: `␛` as `<U+001B>`.
/// Why a delete was not confirmed: what was typed does not match, said with both names.
pub fn mismatch(what: &str, typed: &str, name: &str) -> String {
    if typed.trim().is_empty() {
        format!("type the {what}'s name as shown to delete it (Esc cancels)")
    } else {
        format!(
            "{:?} does not match the {what}'s name {:?}: nothing deleted; type it as shown (Esc cancels)",
            clean(typed),
            clean(name)
        )
    }
}

pub fn confirms(typed: &str, name: &str) -> bool {
    fn as_codes(s: &str) -> String {
        clean(s)
            .chars()
            .map(|c| match c as u32 {
                // The control pictures stand for C0 controls and DEL.
                p @ 0x2400..=0x241F => format!("<U+{:04X}>", p - 0x2400),
                0x2421 => "<U+007F>".to_string(),
                _ => c.to_string(),
            })
            .collect()
    }
    typed == name || as_codes(typed) == as_codes(name)
}

/// Whether `plan` is the one the reset dialog of `detail` asked for `asked`: the same group,
/// the same partitions, the same target. A plan that answers an older request (the target
/// was edited since) or another group's dialog must never be shown, let alone applied.
pub fn plan_matches(plan: &ResetPlan, detail: &GroupDetail, asked: Option<ResetTo>) -> bool {
    let mut planned: Vec<(&str, i32)> = plan
        .moves
        .iter()
        .map(|(t, p, _, _)| (t.as_str(), *p))
        .collect();
    let mut shown: Vec<(&str, i32)> = detail
        .offsets
        .iter()
        .map(|o| (o.topic.as_str(), o.partition))
        .collect();
    planned.sort_unstable();
    shown.sort_unstable();
    plan.group == detail.name && asked == Some(plan.to) && planned == shown
}

/// A reset target in words: "earliest", "offset 42", "time 2024-05-01T12:00:00Z".
pub fn reset_target_text(to: ResetTo) -> String {
    match to {
        ResetTo::Earliest => "earliest".into(),
        ResetTo::Latest => "latest".into(),
        ResetTo::Offset(n) => format!("offset {n}"),
        ResetTo::Shift(n) => format!("shift by {n:+}"),
        ResetTo::Timestamp(ms) => {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
            format!("time {}", humantime::format_rfc3339_seconds(t))
        }
    }
}

pub const CREATE_FIELDS: [&str; 4] = [
    "name",
    "partitions",
    "replication factor",
    "configs (k=v,k=v)",
];

/// A validated create-topic request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopicSpec {
    pub name: String,
    /// `None`: the cluster's default.
    pub partitions: Option<i32>,
    pub replication: Option<i32>,
    pub configs: Vec<(String, String)>,
}

/// Checks the create-topic form the way Kafka would, with messages a person can act on.
pub fn parse_new_topic(fields: &[String; 4]) -> Result<NewTopicSpec, String> {
    let name = fields[0].trim();
    if name.is_empty() {
        return Err("the topic needs a name".into());
    }
    crate::state::topics::validate_topic_name(name)?;
    // Empty means the cluster's default, as `kafka-topics --create` without the flag: a
    // production cluster's default.replication.factor is rarely 1.
    let num = |s: &str, what: &str| -> Result<Option<i32>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<i32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(format!(
                "{what} must be a whole number of at least 1, not {s:?}"
            )),
        }
    };
    let partitions = num(&fields[1], "partitions")?;
    let replication = num(&fields[2], "replication factor")?;
    let mut configs = Vec::new();
    for part in fields[3]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                configs.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => return Err(format!("config {part:?} is not key=value")),
        }
    }
    Ok(NewTopicSpec {
        name: name.to_string(),
        partitions,
        replication,
        configs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(a: &str, b: &str, c: &str, d: &str) -> [String; 4] {
        [a.into(), b.into(), c.into(), d.into()]
    }

    #[test]
    fn new_topic_defaults_and_configs() {
        let t = parse_new_topic(&f(
            "orders",
            "",
            "",
            "retention.ms=1000, cleanup.policy=compact",
        ))
        .unwrap();
        assert_eq!((t.partitions, t.replication), (None, None));
        assert_eq!(t.configs[1], ("cleanup.policy".into(), "compact".into()));
    }

    #[test]
    fn new_topic_errors_are_specific() {
        assert!(parse_new_topic(&f("", "1", "1", ""))
            .unwrap_err()
            .contains("name"));
        assert!(parse_new_topic(&f("a b", "1", "1", ""))
            .unwrap_err()
            .contains("a space is not allowed"));
        assert!(parse_new_topic(&f("a", "0", "1", ""))
            .unwrap_err()
            .contains("partitions"));
        assert!(parse_new_topic(&f("a", "1", "x", ""))
            .unwrap_err()
            .contains("replication"));
        assert!(parse_new_topic(&f("a", "1", "1", "nokey"))
            .unwrap_err()
            .contains("nokey"));
    }
}
