use clap::Parser;

use kafka_tui::cli::Cli;
use kafka_tui::theme::Theme;
use kafka_tui::{logging, run, session, tui};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match real_main(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tui::restore();
            eprintln!("kafka-tui: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn real_main(cli: Cli) -> anyhow::Result<()> {
    let log_path = cli.log_file.clone().unwrap_or_else(logging::default_path);
    logging::init(&log_path)?;
    tui::install_panic_hook(Some(log_path.display().to_string()));
    let config_dir = dirs::config_dir().map(|d| d.join("kafka-tui"));
    let mut theme = Theme::load(&cli.theme, config_dir.as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colors();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        // The broker starts before the terminal is taken, so its errors print plainly.
        let mut session = session::start(&cli, theme).await?;
        let mut term = tui::init()?;
        let result = run::event_loop(&mut term, &mut session).await;
        tui::restore();
        session.shutdown().await;
        result
    })?;
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    Ok(())
}
