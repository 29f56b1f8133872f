//! `kafka-tui config`: where settings come from and what they resolve to, secrets masked.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::Cli;
use crate::config::{self, ConfigFile};
use crate::target::{self, Target};

pub fn config_report(cli: &Cli, file: &ConfigFile, path: Option<&Path>, log_file: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "config file: {}",
        path.map_or("none found".to_string(), |p| p.display().to_string())
    );
    let _ = writeln!(out, "  searched, in order:");
    for (label, p) in config::search_paths() {
        let shown = match &p {
            Some(p) => format!(
                "{} ({})",
                p.display(),
                if p.exists() { "exists" } else { "missing" }
            ),
            None => "(not set)".into(),
        };
        let _ = writeln!(out, "    {label}: {shown}");
    }
    let _ = writeln!(out, "log file: {}", log_file.display());
    let theme = cli
        .theme
        .clone()
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let _ = writeln!(out, "theme: {theme}");
    let _ = writeln!(
        out,
        "contexts: {}",
        target::context_names(cli, file).join(", ")
    );
    for (name, c) in &file.clusters {
        let _ = writeln!(out, "\n[clusters.{name}]");
        let _ = writeln!(
            out,
            "  bootstrap = {}",
            if c.embedded {
                "(embedded broker)".into()
            } else {
                c.bootstrap.clone().unwrap_or_default()
            }
        );
        if c.read_only {
            let _ = writeln!(out, "  read_only = true");
        }
        if let Some(col) = &c.color {
            let _ = writeln!(out, "  color = {col}");
        }
        for (k, v) in &c.properties {
            let shown = if v.trim().starts_with("${") && config::is_secret(k) {
                format!("******** (from {})", v.trim())
            } else {
                config::mask(k, v)
            };
            let _ = writeln!(out, "  {k} = {shown}");
        }
        if let Some(f) = &c.properties_file {
            let _ = writeln!(out, "  properties_file = {}", f.display());
        }
        if c.password_cmd.is_some() {
            let _ = writeln!(out, "  sasl.password = ******** (from password_cmd)");
        }
        for (label, cmd, file) in [
            ("broker log", &c.broker_log_cmd, &c.broker_log),
            ("zookeeper log", &c.zookeeper_log_cmd, &c.zookeeper_log),
        ] {
            if let Some(cmd) = cmd {
                let _ = writeln!(out, "  {label}: command {cmd}");
            }
            if let Some(f) = file {
                let _ = writeln!(out, "  {label}: file {}", f.display());
            }
        }
    }
    out
}

/// The effective settings of the target a session would start with, masked.
pub fn target_report(t: &Target) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nselected: {} ({})",
        t.name,
        t.bootstrap.as_deref().unwrap_or("embedded broker")
    );
    let _ = writeln!(out, "  read_only = {}", t.read_only);
    for (i, (k, v)) in t.properties.iter().enumerate() {
        if matches!(&t.password_cmd, Some((_, at)) if *at == i) {
            let _ = writeln!(
                out,
                "  sasl.password = ******** (from password_cmd, not run here)"
            );
        }
        let _ = writeln!(out, "  {k} = {}", config::mask(k, v));
    }
    if matches!(&t.password_cmd, Some((_, at)) if *at >= t.properties.len()) {
        let _ = writeln!(
            out,
            "  sasl.password = ******** (from password_cmd, not run here)"
        );
    }
    out
}
