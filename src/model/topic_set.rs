//! What a tail reads: one topic (`orders`), several (`orders,payments`) or every topic a
//! regular expression matches (`/^orders\./`, topics created later join), and optionally only
//! some partitions of them (`#0,2`). One parser for `-t`, `:tail` and the command palette.

use std::fmt;

/// Topics a tail reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicSet {
    /// These topics, in the order given (at least one).
    Names(Vec<String>),
    /// Every topic whose name the expression matches (anywhere in the name, as librdkafka's
    /// and kcat's regex subscriptions; anchor it with `^` and `$`).
    Pattern(TopicPattern),
}

impl Default for TopicSet {
    fn default() -> Self {
        TopicSet::Names(Vec::new())
    }
}

/// A compiled topic regex; two are equal when they were written the same.
#[derive(Debug, Clone)]
pub struct TopicPattern {
    source: String,
    re: regex::Regex,
}

impl PartialEq for TopicPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for TopicPattern {}

impl TopicPattern {
    pub fn new(source: &str) -> Result<Self, String> {
        if source.is_empty() {
            return Err("an empty /regex/ would match every topic: write /./ for that".into());
        }
        let re = regex::Regex::new(source).map_err(|e| {
            // The regex crate's message spans several lines with a caret: keep its last line.
            let why = e.to_string();
            let why = why.lines().last().unwrap_or("invalid").trim().to_string();
            format!(
                "/{}/ is not a valid regex: {why}",
                crate::text::sanitize_inline(source)
            )
        })?;
        Ok(TopicPattern {
            source: source.to_string(),
            re,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `topic` belongs to the tail. Kafka's own topics (`__consumer_offsets`,
    /// `__transaction_state`, all named `__…`) join only a pattern that names them, as a Java
    /// consumer's pattern subscription leaves internal topics out.
    pub fn matches(&self, topic: &str) -> bool {
        if topic.starts_with("__") && !self.source.contains("__") {
            return false;
        }
        self.re.is_match(topic)
    }
}

impl From<&str> for TopicSet {
    /// One topic, as named (not checked: use `parse` for what a person typed).
    fn from(topic: &str) -> Self {
        TopicSet::Names(vec![topic.to_string()])
    }
}

impl From<String> for TopicSet {
    fn from(topic: String) -> Self {
        TopicSet::Names(vec![topic])
    }
}

impl TopicSet {
    /// `orders`, `orders,payments`, `/^orders\./`, each optionally followed by `#0,2` (`#`
    /// cannot be in a topic name, and a regex ends at its last `/`).
    pub fn parse(spec: &str) -> Result<(TopicSet, Option<Vec<i32>>), String> {
        let spec = spec.trim();
        let (set, partitions) = if let Some(body) = spec.strip_prefix('/') {
            let Some(end) = body.rfind('/') else {
                return Err(format!(
                    "{:?} has no closing /: write /REGEX/",
                    crate::text::sanitize_inline(spec)
                ));
            };
            let rest = &body[end + 1..];
            let partitions = match rest {
                "" => None,
                r => match r.strip_prefix('#') {
                    Some(list) => Some(list),
                    None => {
                        return Err(format!(
                            "{:?} after /REGEX/: only #PARTITIONS may follow",
                            crate::text::sanitize_inline(r)
                        ))
                    }
                },
            };
            (
                TopicSet::Pattern(TopicPattern::new(&body[..end])?),
                partitions,
            )
        } else {
            let (names, partitions) = match spec.split_once('#') {
                Some((n, p)) => (n, Some(p)),
                None => (spec, None),
            };
            let mut topics: Vec<String> = Vec::new();
            for name in names.split(',').map(str::trim) {
                validate_topic_name(name)?;
                if !topics.iter().any(|t| t == name) {
                    topics.push(name.to_string());
                }
            }
            (TopicSet::Names(topics), partitions)
        };
        let partitions = partitions.map(parse_ids).transpose()?;
        Ok((set, partitions))
    }

    /// The topic when the set is exactly one named topic.
    pub fn single(&self) -> Option<&str> {
        match self {
            TopicSet::Names(n) if n.len() == 1 => Some(&n[0]),
            _ => None,
        }
    }

    /// Whether records of several topics can come (a topic column is worth its room).
    pub fn several(&self) -> bool {
        self.single().is_none()
    }

    /// Whether `topic` is (or would be, once it exists) part of the set.
    pub fn covers(&self, topic: &str) -> bool {
        match self {
            TopicSet::Names(n) => n.iter().any(|t| t == topic),
            TopicSet::Pattern(p) => p.matches(topic),
        }
    }

    /// The first named topic (what Topics selects for a tail); none for a pattern.
    pub fn first_name(&self) -> Option<&str> {
        match self {
            TopicSet::Names(n) => n.first().map(String::as_str),
            TopicSet::Pattern(_) => None,
        }
    }
}

impl fmt::Display for TopicSet {
    /// As typed: `orders,payments` or `/^orders\./`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopicSet::Names(n) => f.write_str(&n.join(",")),
            TopicSet::Pattern(p) => write!(f, "/{}/", p.source),
        }
    }
}

/// `0,2,5` → sorted, distinct partition ids.
fn parse_ids(list: &str) -> Result<Vec<i32>, String> {
    let mut ids = Vec::new();
    for part in list.split(',').map(str::trim) {
        match part.parse::<i32>() {
            Ok(p) if p >= 0 => ids.push(p),
            _ => {
                return Err(format!(
                    "{:?} is not a partition number: use TOPIC#0,2",
                    crate::text::sanitize_inline(part)
                ))
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The longest topic name Kafka accepts.
pub const MAX_TOPIC_NAME: usize = 249;

/// Kafka's rules for a topic name (`org.apache.kafka.common.internals.Topic#validate`): not
/// empty, not `.` or `..`, at most 249 characters, only ASCII letters, digits, `.`, `_` and
/// `-`. A broker refuses any other name, and a tail on one would wait for it forever. The one
/// check for `-t`, `:tail` and the create-topic dialog.
pub fn validate_topic_name(name: &str) -> Result<(), String> {
    use crate::text::sanitize_inline as clean;
    if name.is_empty() {
        return Err("a topic name cannot be empty".into());
    }
    if name == "." || name == ".." {
        return Err(format!("a topic cannot be named {name:?}"));
    }
    let len = name.chars().count();
    if len > MAX_TOPIC_NAME {
        return Err(format!(
            "a topic name has at most {MAX_TOPIC_NAME} characters; this one has {len}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        let shown = clean(&c.to_string());
        return Err(format!(
            "{:?} is not a valid topic name: {} is not allowed (Kafka allows letters, digits, . _ -)",
            clean(name),
            if c == ' ' { "a space".to_string() } else { format!("'{shown}'") }
        ));
    }
    Ok(())
}

/// `0,2,5`: partition ids as `:tail TOPIC#…` takes them.
pub fn join_ids(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> TopicSet {
        TopicSet::Names(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn names_and_partitions() {
        assert_eq!(TopicSet::parse("orders"), Ok((names(&["orders"]), None)));
        assert_eq!(
            TopicSet::parse("orders#2, 0,2"),
            Ok((names(&["orders"]), Some(vec![0, 2])))
        );
        assert_eq!(
            TopicSet::parse("orders, payments,orders#1"),
            Ok((names(&["orders", "payments"]), Some(vec![1])))
        );
        assert!(TopicSet::parse("orders#").is_err());
        assert!(TopicSet::parse("orders#-1").is_err());
        assert!(TopicSet::parse("bad topic#1").is_err());
        assert!(TopicSet::parse("orders,").is_err(), "an empty name");
        assert_eq!(TopicSet::parse("a,b").unwrap().0.to_string(), "a,b");
    }

    #[test]
    fn a_regex_with_slashes_commas_and_hashes_inside() {
        let (set, parts) = TopicSet::parse(r"/^orders\.(eu|us),?#x/y/#3").unwrap();
        assert_eq!(parts, Some(vec![3]));
        let TopicSet::Pattern(p) = &set else {
            panic!("{set:?}")
        };
        assert_eq!(p.source(), r"^orders\.(eu|us),?#x/y");
        assert_eq!(set.to_string(), r"/^orders\.(eu|us),?#x/y/");
        assert!(set.covers("orders.eu#x/y"));
        assert!(set.several() && set.single().is_none());
    }

    #[test]
    fn a_pattern_matches_anywhere_and_leaves_kafkas_own_topics_out() {
        let (set, _) = TopicSet::parse("/orders/").unwrap();
        assert!(set.covers("eu.orders.v1"));
        assert!(!set.covers("payments"));
        assert!(!TopicSet::parse("/offsets/")
            .unwrap()
            .0
            .covers("__consumer_offsets"));
        assert!(TopicSet::parse("/^__/")
            .unwrap()
            .0
            .covers("__consumer_offsets"));
    }

    #[test]
    fn bad_regexes_say_why_in_one_line() {
        for bad in ["/(/", "/", "//", "/a/b", "/[z-a]/"] {
            let e = TopicSet::parse(bad).unwrap_err();
            assert!(!e.contains('\n'), "{bad}: {e}");
        }
        assert!(TopicSet::parse("/(/")
            .unwrap_err()
            .contains("not a valid regex"));
    }

    #[test]
    fn one_name_is_single_and_covers_itself_only() {
        let set: TopicSet = "orders".into();
        assert_eq!(set.single(), Some("orders"));
        assert!(set.covers("orders") && !set.covers("orders2"));
        assert_eq!(set.first_name(), Some("orders"));
    }

    #[test]
    fn topic_names_follow_kafka_rules() {
        for ok in ["orders", "a.b_c-D9", "_internal", &"x".repeat(249)] {
            assert_eq!(validate_topic_name(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            (".", "\".\""),
            ("..", "\"..\""),
            ("bad topic!", "a space"),
            ("bad!", "'!'"),
            ("naïve", "'ï'"),
            ("esc\u{1b}", "'␛'"),
        ] {
            let e = validate_topic_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        assert!(validate_topic_name(&"x".repeat(250))
            .unwrap_err()
            .contains("249"));
    }
}
