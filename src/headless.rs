//! The commands that run without a screen: `dump` and `produce`.

use std::io::Write as _;

use anyhow::{bail, Context as _};

use kafka_tui::cli::Command;
use kafka_tui::config::target::Target;
use kafka_tui::dump::{self, DumpSpec};
use kafka_tui::export::FileFormat;
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::replay::{self, ReplaySpec};
use kafka_tui::text::sanitize_inline;

pub fn run(cmd: &Command, initial: Target) -> anyhow::Result<()> {
    let what = match cmd {
        Command::Dump(_) => "dump",
        _ => "produce",
    };
    if initial.bootstrap.is_none() {
        bail!(
            "{what} needs a cluster: give -b HOST:PORT or --cluster NAME (an embedded broker lives inside a running kafka-tui: use -b with the address its header shows)"
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        let target = initial.resolve_password(false).await?;
        let mut settings = ClientSettings::new(target.bootstrap.clone().unwrap_or_default());
        settings.properties = target.properties.clone();
        settings.read_only = target.read_only;
        match cmd.clone() {
            Command::Dump(a) => {
                let registry = match &target.schema_registry {
                    Some(r) => Some(
                        kafka_tui::schema::registry::RegistryClient::new(r.config())
                            .context("schema registry")?,
                    ),
                    None => None,
                };
                let spec = DumpSpec {
                    topics: a.topics,
                    partitions: a.partitions,
                    from: a.from,
                    until: a.until,
                    count: a.count,
                    format: a.format,
                    filter: a.filter,
                    jq: a.jq,
                };
                let handle = tokio::runtime::Handle::current();
                let summary = tokio::task::spawn_blocking(move || {
                    dump::run(&settings, registry, handle, &spec, std::io::stdout().lock())
                })
                .await??;
                if replay::interactive() {
                    let mut line = kafka_tui::model::count(summary.written, "record");
                    if summary.filtered_out > 0 {
                        line.push_str(&format!(", {} filtered out", summary.filtered_out));
                    }
                    eprintln!("kafka-tui: {line}");
                }
                Ok(())
            }
            Command::Produce(a) => {
                if settings.read_only {
                    bail!(
                        "cluster {} is read-only: not publishing",
                        sanitize_inline(&target.name)
                    );
                }
                let format = a.format.unwrap_or_else(|| FileFormat::of_path(&a.file));
                let spec = ReplaySpec {
                    topic: a.topic,
                    file: a.file,
                    format,
                    key_delimiter: a.key_delimiter,
                    rate: a.rate,
                    partition: a.partition,
                };
                let interactive = replay::interactive();
                let report = tokio::task::spawn_blocking(move || {
                    replay::run(&settings, &spec, |sent, total, r| {
                        if interactive {
                            eprint!("\r\x1b[2K{}", replay::progress_line(sent, total, r));
                            let _ = std::io::stderr().flush();
                        }
                        true
                    })
                })
                .await??;
                if interactive {
                    eprintln!();
                }
                let summary = sanitize_inline(&report.summary());
                if report.ok() {
                    eprintln!("kafka-tui: {summary}");
                    Ok(())
                } else {
                    bail!("{summary}")
                }
            }
            _ => unreachable!("only the headless commands come here"),
        }
    });
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}
