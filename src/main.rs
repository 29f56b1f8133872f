use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;

use kafka_tui::cli::{Cli, Command};
use kafka_tui::config::ConfigFile;
use kafka_tui::config::{self, report, target};
use kafka_tui::run::Exit;
use kafka_tui::session::{self, Options};
use kafka_tui::text::{sanitize_inline, sanitize_lines};
use kafka_tui::theme::Theme;
use kafka_tui::{logging, run, tui};

mod headless;

/// How long quitting waits for clients and the embedded broker to close.
const SHUTDOWN_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

fn main() -> std::process::ExitCode {
    kafka_tui::timing::mark_process_start();
    let cli = Cli::parse();
    let code = match real_main(cli) {
        Ok(()) => 0,
        Err(e) => {
            tui::restore();
            // Errors quote cluster names, paths and values from the config: escaped like
            // everything else shown (line breaks kept, for toml's multi-line messages).
            let text = sanitize_lines(&format!("{e:#}")).join("\n");
            eprintln!("kafka-tui: {text}");
            1
        }
    };
    exit_now(code)
}

/// Ends the process without `exit()`'s handlers. A client whose broker hangs can outlive the
/// bounded shutdown wait, and its librdkafka threads would then run under OpenSSL's atexit
/// cleanup (a SIGSEGV at quit). Everything of ours is written by now: the terminal is
/// restored, the log file is unbuffered, stdout and stderr are flushed here.
fn exit_now(code: i32) -> std::process::ExitCode {
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` only ends the process; nothing of ours needs to run after it.
    unsafe { libc::_exit(code) }
}

/// Loads the config file, warning (as ssh does) when one holding secrets is readable by others.
fn load_config() -> anyhow::Result<(ConfigFile, Option<PathBuf>)> {
    let Some(path) = config::locate()? else {
        return Ok((ConfigFile::default(), None));
    };
    let file = ConfigFile::load(&path)?;
    if file.has_literal_secrets() {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&path) {
            if meta.permissions().mode() & 0o077 != 0 {
                let shown = sanitize_inline(&path.display().to_string());
                eprintln!(
                    "kafka-tui: warning: {shown} holds passwords and is readable by other users; run: chmod 600 {shown}"
                );
            }
        }
    }
    Ok((file, Some(path)))
}

/// Runs the first target's `password_cmd`, if it has one, before the terminal is taken: the
/// command may prompt on the terminal (pinentry-tty, a `read` in a script), which the TUI would
/// hide and whose keys it would take. So the wait is said on stderr, as ssh or git say theirs,
/// and Ctrl+C (or any quitting signal) cancels it; its timeout bounds it.
async fn resolve_password_at_startup(
    initial: target::Target,
    signals: &mut run::Signals,
) -> anyhow::Result<target::Target> {
    let cmds = initial.password_cmds();
    let Some(first) = cmds.first() else {
        return Ok(initial);
    };
    let name = sanitize_inline(&first.cluster);
    // The cluster's own and its Connect clusters' run one after the other, each with its
    // timeout: say each that may run.
    for cmd in &cmds {
        let of = match &cmd.connect {
            None => String::new(),
            Some(c) => format!(" for Connect {}", sanitize_inline(c)),
        };
        eprintln!(
            "kafka-tui: waiting for password_cmd of cluster {name}{of} (up to {}; Ctrl+C cancels)…",
            humantime::format_duration(cmd.timeout)
        );
    }
    tokio::select! {
        t = initial.clone().resolve_password(false) => Ok(t?),
        sig = signals.quit_requested() => {
            anyhow::bail!("cancelled by {sig} while waiting for password_cmd of cluster {name}")
        }
    }
}

fn real_main(cli: Cli) -> anyhow::Result<()> {
    let log_path = cli.log_file.clone().unwrap_or_else(logging::default_path);
    let (file, file_path) = load_config()?;
    if cli.command == Some(Command::Config) {
        print!(
            "{}",
            report::config_report(&cli, &file, file_path.as_deref(), &log_path)
        );
        match target::resolve_initial(&cli, &file, file_path.as_deref()) {
            Ok(t) => print!("{}", report::target_report(&t)),
            Err(e) => println!(
                "\nselected: cannot resolve: {}",
                sanitize_inline(&e.to_string())
            ),
        }
        return Ok(());
    }
    let initial = target::resolve_initial(&cli, &file, file_path.as_deref())?;
    logging::init(&log_path)?;
    if let Some(cmd @ (Command::Dump(_) | Command::Produce(_))) = &cli.command {
        return headless::run(cmd, initial);
    }
    tui::install_panic_hook(Some(log_path.display().to_string()));
    let config_dir = dirs::config_dir().map(|d| d.join("kafka-tui"));
    let theme_name = cli
        .theme
        .clone()
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let mut theme = Theme::load(&theme_name, config_dir.as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colors();
    }
    let truecolor = kafka_tui::theme::truecolor_terminal(|k| std::env::var(k).ok());
    let (mut theme, theme_note) = theme.for_terminal(truecolor);
    if let Some(note) = &theme_note {
        // Said in the status line too, where the next message replaces it: also here, where
        // it stays on the terminal after quitting, and in the log.
        eprintln!("kafka-tui: {}", sanitize_inline(note));
        tracing::info!("{note}");
    }
    theme.note = theme_note;
    let mut opts = Options::from_cli(&cli);
    if let (None, Some(from)) = (cli.from, file.tail_from.as_deref()) {
        opts.from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("config file: tail_from: {e}"))?;
    }
    opts.keymap = kafka_tui::keymap::Keymap::with_overrides(&file.keys).map_err(|e| {
        let path = file_path.as_deref().map(|p| p.display().to_string());
        anyhow::anyhow!("{}: {e}", path.unwrap_or_else(|| "config file".into()))
    })?;
    opts.layout = file.layout.arrangement().map_err(|e| {
        let path = file_path.as_deref().map(|p| p.display().to_string());
        anyhow::anyhow!("{}: {e}", path.unwrap_or_else(|| "config file".into()))
    })?;
    opts.config_path = file_path
        .clone()
        .or_else(|| config::search_paths().into_iter().find_map(|(_, p)| p));
    opts.contexts = target::contexts(&cli, &file);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        // Before anything waits: from here on a signal is a clean quit, not a raw terminal.
        let mut signals = run::Signals::new()?;
        let initial = resolve_password_at_startup(initial, &mut signals).await?;
        // The first session starts before the terminal is taken, so its errors print plainly.
        let mut session = tokio::select! {
            s = session::start(&initial, &opts, theme.clone()) => s?,
            sig = signals.quit_requested() => anyhow::bail!("interrupted by {sig} while starting"),
        };
        let mut term = tui::init()?;
        let mut timing = kafka_tui::timing::Timing::from_env();
        let mut pending: Option<run::PendingSwitch> = None;
        let result = loop {
            let exit = run::event_loop(
                &mut term,
                &mut session,
                &mut timing,
                &mut signals,
                &mut pending,
            )
            .await;
            let resolved = match exit {
                Ok(Exit::Quit) => break Ok(()),
                Err(e) => break Err(e),
                Ok(Exit::Switch(name)) => {
                    // A newer :ctx replaces a switch still waiting (dropping it stops its
                    // command).
                    pending = None;
                    match target::resolve_named(&name, &cli, &file, file_path.as_deref()) {
                        // Its password_cmd may wait for a person: the loop goes on meanwhile
                        // and starts the session when it answers (a new :ctx replaces it).
                        Ok(t) if !t.password_cmds().is_empty() => {
                            pending = Some(run::PendingSwitch {
                                name: t.name.clone(),
                                started: std::time::Instant::now(),
                                wait: Box::pin(t.resolve_password(true)),
                            });
                            continue;
                        }
                        other => other,
                    }
                }
                Ok(Exit::Resolved(r)) => {
                    pending = None;
                    *r
                }
            };
            // The old session keeps running until the new one is up, so a failed switch
            // leaves the person where they were, with the reason.
            let next = match resolved {
                Ok(t) => session::start(
                    &t,
                    &Options {
                        topic: None,
                        // The person's focus and panes stay as they were.
                        focus: session.app.focus,
                        layout: session.app.layout,
                        ..opts.clone()
                    },
                    theme.clone(),
                )
                .await
                .map(|s| (t.name.clone(), s))
                .with_context(|| format!("cannot switch to {}", t.name)),
                Err(e) => Err(anyhow::Error::from(e)),
            };
            match next {
                Ok((name, mut new)) => {
                    new.app.say(format!("switched to {name}"));
                    let old = std::mem::replace(&mut session, new);
                    let _ = tokio::time::timeout(SHUTDOWN_WAIT, old.shutdown()).await;
                }
                Err(e) => {
                    session
                        .app
                        .views
                        .retain(|v| !matches!(v, kafka_tui::state::views::View::Contexts { .. }));
                    session.app.warn(format!("{e:#}"));
                }
            }
        };
        tui::restore();
        timing.write();
        // Quitting must be prompt even if a client is slow to close (a broker that went away,
        // the demo still being seeded): the terminal is already back, so bound the wait.
        if tokio::time::timeout(SHUTDOWN_WAIT, session.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("shutting down took over {SHUTDOWN_WAIT:?}; exiting anyway");
        }
        result
    })?;
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    Ok(())
}
