//! Command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::model::StartFrom;
use crate::state::tail::DEFAULT_MAX_RECORDS;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:9092";

/// Where a tail starts when neither `--from` nor the config says: the last 100 records, then
/// live, so that Enter on a topic shows records instead of an empty pane.
pub const DEFAULT_START: StartFrom = StartFrom::Tail(100);

/// A full-screen terminal explorer for Apache Kafka: topics, a live tail, a producer and the
/// broker's logs on one screen. With no -b it runs an embedded broker, so it works anywhere.
#[derive(Debug, Parser)]
#[command(name = "kafka-tui", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Connect to this cluster (host:port[,host:port]) instead of running the embedded broker.
    #[arg(short = 'b', long = "bootstrap", value_name = "HOST:PORT[,...]")]
    pub bootstrap: Option<String>,

    /// A librdkafka property for every client, as with kcat (repeatable): -X security.protocol=SSL
    #[arg(short = 'X', value_name = "KEY=VALUE", value_parser = parse_property)]
    pub properties: Vec<(String, String)>,

    /// Read librdkafka properties from this file (key=value lines), as with kcat -F.
    #[arg(short = 'F', value_name = "FILE")]
    pub properties_file: Option<PathBuf>,

    /// Use this named cluster from the config file (see `kafka-tui config`).
    #[arg(long = "cluster", value_name = "NAME", conflicts_with = "bootstrap")]
    pub cluster: Option<String>,

    /// Refuse every write: producing, creating, deleting, editing configs, resetting offsets.
    #[arg(long = "read-only")]
    pub read_only: bool,

    /// A Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Karapace,
    /// Redpanda): records in its wire format are decoded (Avro, Protobuf, JSON Schema). Wins
    /// over the cluster's `schema_registry`; `user:password@` in the URL is used as basic auth.
    #[arg(long = "schema-registry", value_name = "URL")]
    pub schema_registry: Option<String>,

    /// Open with this topic already tailing.
    #[arg(short = 't', long = "topic", value_name = "NAME", value_parser = parse_topic)]
    pub topic: Option<String>,

    /// Where tails start: beginning, end, an offset (42), the last N records of each partition
    /// (-10), or a time ago (15m) [default: the config file's `tail_from`, else -100].
    #[arg(long = "from", value_name = "POS", allow_hyphen_values = true)]
    pub from: Option<StartFrom>,

    /// Embedded broker: the address other programs (kcat, your app) reach it at. If the default
    /// port is taken, a free one is used; the header shows which. Port 0 picks a free port.
    #[arg(long = "listen", value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Embedded broker: start empty, without the `demo` topic and its sample records.
    #[arg(long = "no-demo")]
    pub no_demo: bool,

    /// Records the tail keeps in memory (older ones are dropped from the view, not the topic).
    #[arg(long = "buffer", value_name = "N", default_value_t = DEFAULT_MAX_RECORDS, value_parser = clap::value_parser!(usize))]
    pub buffer: usize,

    /// Follow this file as the "broker" log (like tail -F).
    #[arg(
        long = "broker-log",
        value_name = "PATH",
        conflicts_with = "broker_log_cmd"
    )]
    pub broker_log: Option<PathBuf>,

    /// Stream this command's output as the "broker" log, e.g. 'docker logs -f broker'.
    #[arg(long = "broker-log-cmd", value_name = "CMD")]
    pub broker_log_cmd: Option<String>,

    /// Follow this file as the "zookeeper" log.
    #[arg(
        long = "zookeeper-log",
        value_name = "PATH",
        conflicts_with = "zookeeper_log_cmd"
    )]
    pub zookeeper_log: Option<PathBuf>,

    /// Stream this command's output as the "zookeeper" log, e.g. 'docker logs -f zookeeper'.
    #[arg(long = "zookeeper-log-cmd", value_name = "CMD")]
    pub zookeeper_log_cmd: Option<String>,

    /// Colour theme: dark, light, default (16 ANSI colours), or a path to a theme .toml file
    /// [default: the config file's `theme`, else dark].
    #[arg(long = "theme", value_name = "NAME")]
    pub theme: Option<String>,

    /// A Kafka Connect worker's REST URL for `:connect` (repeatable, or comma-separated; one
    /// per Connect cluster). Basic auth: http://user:password@host:8083, or `connect` in the
    /// config file with `password = "${VAR}"`.
    #[arg(long = "connect", value_name = "URL", value_delimiter = ',')]
    pub connect: Vec<String>,

    /// Where `:streams` reads an application's topology description (its output topics):
    /// APP=FILE or APP=URL of `topology.describe()`'s text (repeatable).
    #[arg(long = "streams-topology", value_name = "APP=FILE|URL", value_parser = parse_property)]
    pub streams_topology: Vec<(String, String)>,

    /// Where kafka-tui writes its own log (default: $XDG_STATE_HOME/kafka-tui/kafka-tui.log).
    #[arg(long = "log-file", value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Print the config file paths and the effective settings (secrets masked), then exit.
    Config,
}

/// `-t`: a name Kafka accepts, or a clear error before anything starts.
fn parse_topic(s: &str) -> Result<String, String> {
    crate::state::topics::validate_topic_name(s).map(|()| s.to_string())
}

fn parse_property(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("{s:?} is not KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_kafka_refuses_are_refused_at_start() {
        for bad in ["bad topic!", "", ".", "..", &"x".repeat(250)] {
            let e = Cli::try_parse_from(["kafka-tui", "-t", bad]).unwrap_err();
            assert!(e.to_string().contains("topic"), "{bad:?}: {e}");
        }
        assert!(Cli::try_parse_from(["kafka-tui", "-t", "orders.v1"]).is_ok());
    }

    #[test]
    fn parses_kcat_style_flags() {
        let cli = Cli::try_parse_from([
            "kafka-tui",
            "-b",
            "localhost:9092",
            "-X",
            "security.protocol=SASL_SSL",
            "-X",
            "sasl.password=a=b",
            "-t",
            "orders",
            "--from",
            "-5",
        ])
        .unwrap();
        assert_eq!(cli.bootstrap.as_deref(), Some("localhost:9092"));
        assert_eq!(cli.properties[1], ("sasl.password".into(), "a=b".into()));
        assert_eq!(cli.topic.as_deref(), Some("orders"));
        assert_eq!(cli.from, Some(StartFrom::Tail(5)));
    }

    #[test]
    fn defaults_and_errors() {
        let cli = Cli::try_parse_from(["kafka-tui"]).unwrap();
        assert_eq!(cli.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(cli.from, None);
        assert_eq!(cli.buffer, DEFAULT_MAX_RECORDS);
        assert!(Cli::try_parse_from(["kafka-tui", "--from", "soon"]).is_err());
        assert!(Cli::try_parse_from(["kafka-tui", "-X", "novalue"]).is_err());
        assert!(
            Cli::try_parse_from(["kafka-tui", "--broker-log", "a", "--broker-log-cmd", "b"])
                .is_err()
        );
    }
}
