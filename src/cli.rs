//! Command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::export::FileFormat;
use crate::model::{StartFrom, Until};
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
    #[arg(
        short = 'b',
        long = "bootstrap",
        value_name = "HOST:PORT[,...]",
        global = true
    )]
    pub bootstrap: Option<String>,

    /// A librdkafka property for every client, as with kcat (repeatable): -X security.protocol=SSL
    #[arg(short = 'X', value_name = "KEY=VALUE", value_parser = parse_property, global = true)]
    pub properties: Vec<(String, String)>,

    /// Read librdkafka properties from this file (key=value lines), as with kcat -F.
    #[arg(short = 'F', value_name = "FILE", global = true)]
    pub properties_file: Option<PathBuf>,

    /// Use this named cluster from the config file (see `kafka-tui config`).
    #[arg(
        long = "cluster",
        value_name = "NAME",
        conflicts_with = "bootstrap",
        global = true
    )]
    pub cluster: Option<String>,

    /// Refuse every write: producing, creating, deleting, editing configs, resetting offsets.
    #[arg(long = "read-only")]
    pub read_only: bool,

    /// A Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Karapace,
    /// Redpanda): records in its wire format are decoded (Avro, Protobuf, JSON Schema). Wins
    /// over the cluster's `schema_registry`; `user:password@` in the URL is used as basic auth.
    #[arg(long = "schema-registry", value_name = "URL", global = true)]
    pub schema_registry: Option<String>,

    /// Open with this topic already tailing: A,B for several, /REGEX/ for all that match (and
    /// those created later), #0,2 after either for only those partitions.
    #[arg(short = 't', long = "topic", value_name = "NAME[,NAME][#P,P]", value_parser = parse_topic_partitions)]
    pub topic: Option<String>,

    /// Where tails start: beginning, end, an offset (42), the last N records of each partition
    /// (-10), or a time ago (15m) [default: the config file's `tail_from`, else -100].
    #[arg(long = "from", value_name = "POS", allow_hyphen_values = true)]
    pub from: Option<StartFrom>,

    /// Where tails stop, and say so: end (each partition's end when the tail began), an
    /// offset (the records before it), a time ago (15m) or a time (2026-12-03T10:00:00Z)
    /// [default: never].
    #[arg(long = "until", value_name = "POS")]
    pub until: Option<Until>,

    /// Embedded broker: the address other programs (kcat, your app) reach it at. If the default
    /// port is taken, a free one is used; the header shows which. Port 0 picks a free port.
    #[arg(long = "listen", value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Embedded broker: start empty, without the `demo` topic and its sample records.
    #[arg(long = "no-demo")]
    pub no_demo: bool,

    /// Do not read or write the producer's history (producer-history.jsonl in the state dir).
    #[arg(long = "no-history")]
    pub no_history: bool,

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

    /// Colour theme: dark, light, gruvbox, dracula, solarized, default (16 ANSI colours), or a
    /// path to a theme .toml file; 16 colours when the terminal lacks truecolor
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
    #[arg(long = "log-file", value_name = "PATH", global = true)]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, clap::Subcommand)]
pub enum Command {
    /// Print the config file paths and the effective settings (secrets masked), then exit.
    Config,
    /// Print records to stdout without a screen (as kcat -C -e), then exit: JSON Lines by
    /// default, decoded through the schema registry when one is set.
    Dump(DumpArgs),
    /// Publish a file of records: JSON Lines as `dump` and `:export` write them (kcat -J's
    /// too), or one value a line.
    Produce(ProduceArgs),
}

#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct DumpArgs {
    /// The topics to read (comma-separated or repeated).
    #[arg(short = 't', long = "topic", value_name = "TOPIC[,TOPIC]", value_delimiter = ',', required = true, value_parser = parse_topic)]
    pub topics: Vec<String>,
    /// Only these partitions of each topic (comma-separated).
    #[arg(
        short = 'p',
        long = "partition",
        value_name = "N[,N]",
        value_delimiter = ','
    )]
    pub partitions: Vec<i32>,
    /// Where to start: beginning, end, an offset (42), the last N of each partition (-10), or
    /// a time ago (15m).
    #[arg(
        long = "from",
        value_name = "POS",
        default_value = "beginning",
        allow_hyphen_values = true
    )]
    pub from: StartFrom,
    /// Where to stop: end (each partition's end when the dump began), never, an offset (the
    /// records before it), a time ago (15m) or a time (2026-12-03T10:00:00Z).
    #[arg(long = "until", value_name = "POS", default_value = "end")]
    pub until: Until,
    /// Stop after this many records (after the filter).
    #[arg(short = 'c', long = "count", value_name = "N")]
    pub count: Option<u64>,
    /// jsonl (one JSON object a record), csv, or text (the value alone, as kcat prints it).
    #[arg(long = "format", value_name = "FORMAT", default_value = "jsonl", value_parser = FileFormat::parse)]
    pub format: FileFormat,
    /// Only records whose key, value or headers hold this text (/regex/; ! in front inverts),
    /// as `/` in the tail.
    #[arg(long = "filter", value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// Only records whose (decoded) JSON value this jq program gives an output for; text
    /// prints the outputs, JSON Lines adds them as `jq`.
    #[arg(long = "jq", value_name = "EXPR", allow_hyphen_values = true)]
    pub jq: Option<String>,
}

#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct ProduceArgs {
    /// Publish here (a JSON line's own topic otherwise).
    #[arg(short = 't', long = "topic", value_name = "TOPIC", value_parser = parse_topic)]
    pub topic: Option<String>,
    /// The file to publish; - reads standard input.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// jsonl or text [default: jsonl for .jsonl/.ndjson/.json files, else text].
    #[arg(long = "format", value_name = "FORMAT", value_parser = FileFormat::parse)]
    pub format: Option<FileFormat>,
    /// Text: split each line into key and value at the first DELIM (kcat -K).
    #[arg(short = 'K', long = "key-delimiter", value_name = "DELIM")]
    pub key_delimiter: Option<String>,
    /// Records a second at most.
    #[arg(long = "rate", value_name = "N")]
    pub rate: Option<f64>,
    /// Every record to this partition [default: a JSON line's own, where the topic has it].
    #[arg(short = 'p', long = "partition", value_name = "N")]
    pub partition: Option<i32>,
}

/// `-t`: a name Kafka accepts, or a clear error before anything starts.
fn parse_topic(s: &str) -> Result<String, String> {
    crate::state::topics::validate_topic_name(s).map(|()| s.to_string())
}

/// `-t orders,payments#0,2` or `-t /^orders/`: names Kafka accepts (or a valid regex), and
/// partition numbers.
fn parse_topic_partitions(s: &str) -> Result<String, String> {
    crate::model::TopicSet::parse(s).map(|_| s.to_string())
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
    fn dump_and_produce_take_the_cluster_flags_after_the_command() {
        let cli = Cli::try_parse_from([
            "kafka-tui",
            "dump",
            "-b",
            "k:9092",
            "-X",
            "a=b",
            "-t",
            "a,b",
            "--from",
            "-5",
            "--until",
            "15m",
            "--format",
            "text",
            "-c",
            "3",
        ])
        .unwrap();
        assert_eq!(cli.bootstrap.as_deref(), Some("k:9092"));
        let Some(Command::Dump(d)) = cli.command else {
            panic!("{:?}", cli.command)
        };
        assert_eq!(d.topics, ["a", "b"]);
        assert_eq!(d.from, StartFrom::Tail(5));
        assert_eq!(d.until, Until::Ago(std::time::Duration::from_secs(900)));
        assert_eq!((d.format, d.count), (FileFormat::Text, Some(3)));
        let cli =
            Cli::try_parse_from(["kafka-tui", "--cluster", "prod", "produce", "-f", "-"]).unwrap();
        assert_eq!(cli.cluster.as_deref(), Some("prod"));
        assert!(matches!(
            cli.command,
            Some(Command::Produce(ProduceArgs { topic: None, .. }))
        ));
        assert!(Cli::try_parse_from(["kafka-tui", "dump"]).is_err());
        assert!(Cli::try_parse_from(["kafka-tui", "dump", "-t", "a", "--until", "soon"]).is_err());
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
