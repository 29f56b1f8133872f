//! Kafka Streams' `Topology.describe()` text, read back into sources, processors and sinks:
//! the only place that names an application's output topics. The format is `toString()` of
//! `TopologyDescription` (stable since Kafka 1.0):
//!
//! ```text
//! Topologies:
//!    Sub-topology: 0
//!     Source: KSTREAM-SOURCE-0000000000 (topics: [kt-words])
//!       --> KSTREAM-FLATMAPVALUES-0000000001
//!     Processor: KSTREAM-AGGREGATE-0000000004 (stores: [counts])
//!     Sink: KSTREAM-SINK-0000000010 (topic: kt-word-counts)
//!   Sub-topology: 1 for global store (will not generate tasks)
//! ```
//!
//! Sources may name a pattern (`topic pattern: …`) and sinks an extractor class (`extractor
//! class: …`) instead of topics: those are kept as such, the topics being chosen at run time.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The largest topology description read (a description is a few KB per sub-topology).
const TEXT_CAP: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    pub sub_topologies: Vec<SubTopology>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubTopology {
    pub id: String,
    /// A global store's sub-topology: read by every instance, outside the consumer group.
    pub global: bool,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    Source {
        name: String,
        topics: Vec<String>,
        /// `topic pattern: …`: the topics matching it at run time.
        pattern: Option<String>,
    },
    Processor {
        name: String,
        stores: Vec<String>,
    },
    Sink {
        name: String,
        topic: Option<String>,
        /// `extractor class: …`: the topic is chosen per record.
        extractor: Option<String>,
    },
}

impl Topology {
    fn nodes(&self) -> impl Iterator<Item = (&SubTopology, &Node)> {
        self.sub_topologies
            .iter()
            .flat_map(|s| s.nodes.iter().map(move |n| (s, n)))
    }

    /// Every topic a source reads, as written (internal ones without the application id).
    pub fn source_topics(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes()
            .filter_map(|(_, n)| match n {
                Node::Source { topics, .. } => Some(topics.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Source topics of global stores (read outside the consumer group, so without lag).
    pub fn global_source_topics(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes()
            .filter_map(|(s, n)| match n {
                Node::Source { topics, .. } if s.global => Some(topics.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn source_patterns(&self) -> Vec<String> {
        self.nodes()
            .filter_map(|(_, n)| match n {
                Node::Source {
                    pattern: Some(p), ..
                } => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every topic a sink writes, as written (internal ones without the application id).
    pub fn sink_topics(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes()
            .filter_map(|(_, n)| match n {
                Node::Sink { topic: Some(t), .. } => Some(t.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Sinks whose topic is chosen per record (their extractor class names).
    pub fn dynamic_sinks(&self) -> Vec<String> {
        self.nodes()
            .filter_map(|(_, n)| match n {
                Node::Sink {
                    extractor: Some(e), ..
                } => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// The state stores the processors use.
    pub fn stores(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes()
            .filter_map(|(_, n)| match n {
                Node::Processor { stores, .. } => Some(stores.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopologyError {
    #[error("topology line {line}: {reason}")]
    Parse { line: usize, reason: String },
    #[error("not a Kafka Streams topology description (no Sub-topology, Source or Sink)")]
    Empty,
    #[error("cannot read the topology from {location}: {reason}")]
    Read { location: String, reason: String },
    #[error("the topology at {location} did not come within {}", humantime::format_duration(*after))]
    Timeout { location: String, after: Duration },
}

/// Parses `Topology.describe().toString()`. Lines it does not know (the `-->`/`<--` edges,
/// blank lines) are skipped; a node line it cannot read is an error with its line number.
pub fn parse_topology(text: &str) -> Result<Topology, TopologyError> {
    let mut subs: Vec<SubTopology> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let lineno = i + 1;
        let err = |reason: &str| TopologyError::Parse {
            line: lineno,
            reason: reason.to_string(),
        };
        if let Some(rest) = line.strip_prefix("Sub-topology:") {
            let rest = rest.trim();
            let (id, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            if id.is_empty() {
                return Err(err("a sub-topology without an id"));
            }
            subs.push(SubTopology {
                id: id.to_string(),
                global: tail.contains("global store"),
                nodes: Vec::new(),
            });
            continue;
        }
        let node = if let Some(rest) = line.strip_prefix("Source:") {
            let (name, detail) = node_parts(rest).ok_or_else(|| err("a source without (…)"))?;
            if let Some(list) = detail.strip_prefix("topics:") {
                Node::Source {
                    name,
                    topics: parse_list(list).ok_or_else(|| err("a topic list without […]"))?,
                    pattern: None,
                }
            } else if let Some(p) = detail.strip_prefix("topic pattern:") {
                Node::Source {
                    name,
                    topics: Vec::new(),
                    pattern: Some(p.trim().to_string()),
                }
            } else {
                return Err(err("a source without topics or a topic pattern"));
            }
        } else if let Some(rest) = line.strip_prefix("Processor:") {
            let (name, detail) = node_parts(rest).ok_or_else(|| err("a processor without (…)"))?;
            let stores = match detail.strip_prefix("stores:") {
                Some(list) => parse_list(list).ok_or_else(|| err("a store list without […]"))?,
                None => Vec::new(),
            };
            Node::Processor { name, stores }
        } else if let Some(rest) = line.strip_prefix("Sink:") {
            let (name, detail) = node_parts(rest).ok_or_else(|| err("a sink without (…)"))?;
            if let Some(t) = detail.strip_prefix("topic:") {
                Node::Sink {
                    name,
                    topic: Some(t.trim().to_string()),
                    extractor: None,
                }
            } else if let Some(e) = detail.strip_prefix("extractor class:") {
                Node::Sink {
                    name,
                    topic: None,
                    extractor: Some(e.trim().to_string()),
                }
            } else {
                return Err(err("a sink without a topic or an extractor class"));
            }
        } else {
            continue;
        };
        match subs.last_mut() {
            Some(s) => s.nodes.push(node),
            None => return Err(err("a node before any Sub-topology")),
        }
    }
    if subs.iter().all(|s| s.nodes.is_empty()) {
        return Err(TopologyError::Empty);
    }
    Ok(Topology {
        sub_topologies: subs,
    })
}

/// `NAME (DETAIL)` -> (NAME, DETAIL). Names are Kafka Streams names (`[a-zA-Z0-9._-]`), so the
/// first " (" ends the name; the detail runs to the last ")".
fn node_parts(rest: &str) -> Option<(String, &str)> {
    let rest = rest.trim();
    let open = rest.find(" (")?;
    let close = rest.rfind(')')?;
    if close <= open {
        return None;
    }
    let name = rest[..open].trim();
    if name.is_empty() {
        return None;
    }
    Some((name.to_string(), rest[open + 2..close].trim()))
}

/// `[a, b]` -> ["a", "b"]; `[]` -> []. Topic and store names cannot hold ", ".
fn parse_list(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    Some(
        inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Reads a topology description from where the application exposes it: a file path (or
/// `file://` URL), or an `http(s)://` URL that answers with the text. Capped in size and time.
pub async fn load_topology(location: &str, timeout: Duration) -> Result<String, TopologyError> {
    let location = location.trim();
    let read_err = |reason: String| TopologyError::Read {
        location: location.to_string(),
        reason,
    };
    if location.starts_with("http://") || location.starts_with("https://") {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| read_err(e.to_string()))?;
        let fetch = async {
            let mut resp = client
                .get(location)
                .send()
                .await
                .map_err(|e| (e.is_timeout(), innermost(&e)))?;
            if !resp.status().is_success() {
                return Err((false, format!("HTTP {}", resp.status().as_u16())));
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| (e.is_timeout(), innermost(&e)))?
            {
                if body.len() + chunk.len() > TEXT_CAP {
                    return Err((false, format!("larger than {} MiB", TEXT_CAP >> 20)));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        let timed_out = || TopologyError::Timeout {
            location: location.to_string(),
            after: timeout,
        };
        let body = match tokio::time::timeout(timeout + Duration::from_secs(1), fetch).await {
            Err(_) | Ok(Err((true, _))) => return Err(timed_out()),
            Ok(Err((false, reason))) => return Err(read_err(reason)),
            Ok(Ok(b)) => b,
        };
        String::from_utf8(body).map_err(|_| read_err("not UTF-8 text".into()))
    } else {
        let path = location.strip_prefix("file://").unwrap_or(location);
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| read_err(e.to_string()))?;
        if !meta.is_file() {
            return Err(read_err("not a regular file".into()));
        }
        if meta.len() > TEXT_CAP as u64 {
            return Err(read_err(format!("larger than {} MiB", TEXT_CAP >> 20)));
        }
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| read_err(e.to_string()))?;
        String::from_utf8(bytes).map_err(|_| read_err("not UTF-8 text".into()))
    }
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}
