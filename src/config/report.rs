//! `kafka-tui config`: where settings come from and what they resolve to, secrets masked.
//! Every string from the config file, the environment or the command line is escaped (`e`) as
//! on screen: a cluster name holding an escape sequence or a newline is shown, not obeyed.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::Cli;
use crate::config::target::{self, Target};
use crate::config::{self, ConfigFile};
use crate::connect::mask_url;
use crate::text::sanitize_inline;

/// A string from outside, made safe for the terminal on one line.
fn e(s: impl AsRef<str>) -> String {
    sanitize_inline(s.as_ref())
}

fn p(path: &Path) -> String {
    e(path.display().to_string())
}

pub fn config_report(cli: &Cli, file: &ConfigFile, path: Option<&Path>, log_file: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "config file: {}",
        path.map_or("none found".to_string(), p)
    );
    let _ = writeln!(out, "  searched, in order:");
    for (label, path) in config::search_paths() {
        let shown = match &path {
            Some(path) => format!(
                "{} ({})",
                p(path),
                if path.exists() { "exists" } else { "missing" }
            ),
            None => "(not set)".into(),
        };
        let _ = writeln!(out, "    {label}: {shown}");
    }
    let _ = writeln!(out, "log file: {}", p(log_file));
    let theme = cli
        .theme
        .clone()
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let _ = writeln!(out, "theme: {}", e(theme));
    let _ = writeln!(
        out,
        "contexts: {}",
        e(target::context_names(cli, file).join(", "))
    );
    for (name, c) in &file.clusters {
        let _ = writeln!(out, "\n[clusters.{}]", e(name));
        let _ = writeln!(
            out,
            "  bootstrap = {}",
            if c.embedded {
                "(embedded broker)".into()
            } else {
                e(c.bootstrap.clone().unwrap_or_default())
            }
        );
        if c.read_only {
            let _ = writeln!(out, "  read_only = true");
        }
        if let Some(col) = &c.color {
            let _ = writeln!(out, "  color = {}", e(col));
        }
        for (k, v) in &c.properties {
            let shown = match config::secret_source(v) {
                Some(from) if config::is_secret(k) => format!("******** (from {})", e(from)),
                _ => e(config::mask(k, v)),
            };
            let _ = writeln!(out, "  {} = {shown}", e(k));
        }
        if let Some(f) = &c.properties_file {
            let _ = writeln!(out, "  properties_file = {}", p(f));
        }
        if c.password_cmd.is_some() {
            let _ = writeln!(out, "  sasl.password = ******** (from password_cmd)");
        }
        if let Some(url) = &c.schema_registry {
            let _ = writeln!(out, "  schema_registry = {}", e(registry_shown(url)));
        }
        if let Some(u) = &c.schema_registry_user {
            let _ = writeln!(out, "  schema_registry_user = {}", e(u));
        }
        if let Some(pw) = &c.schema_registry_password {
            let from =
                config::secret_source(pw).map_or(String::new(), |f| format!(" (from {})", e(f)));
            let _ = writeln!(out, "  schema_registry_password = ********{from}");
        }
        connect_lines(&mut out, &c.connect);
        for (id, at) in &c.streams_topology {
            let _ = writeln!(out, "  streams_topology.{} = {}", e(id), e(at));
        }
        for (label, cmd, file) in [
            ("broker log", &c.broker_log_cmd, &c.broker_log),
            ("zookeeper log", &c.zookeeper_log_cmd, &c.zookeeper_log),
        ] {
            if let Some(cmd) = cmd {
                let _ = writeln!(out, "  {label}: command {}", e(cmd));
            }
            if let Some(f) = file {
                let _ = writeln!(out, "  {label}: file {}", p(f));
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
        e(&t.name),
        e(t.bootstrap.as_deref().unwrap_or("embedded broker"))
    );
    let _ = writeln!(out, "  read_only = {}", t.read_only);
    for (i, (k, v)) in t.properties.iter().enumerate() {
        if matches!(&t.password_cmd, Some((_, at)) if *at == i) {
            let _ = writeln!(
                out,
                "  sasl.password = ******** (from password_cmd, not run here)"
            );
        }
        let _ = writeln!(out, "  {} = {}", e(k), e(config::mask(k, v)));
    }
    if matches!(&t.password_cmd, Some((_, at)) if *at >= t.properties.len()) {
        let _ = writeln!(
            out,
            "  sasl.password = ******** (from password_cmd, not run here)"
        );
    }
    if let Some(r) = &t.schema_registry {
        let user = r
            .user
            .as_deref()
            .map_or(String::new(), |u| format!(" (user {})", e(u)));
        let _ = writeln!(
            out,
            "  schema_registry = {}{user}",
            e(registry_shown(&r.url))
        );
    }
    for (i, c) in t.connect.iter().enumerate() {
        let mut line = format!("  connect: {}", e(mask_url(&c.url)));
        if !c.name.trim().is_empty() {
            let _ = write!(line, " name {}", e(c.name.trim()));
        }
        if let Some(a) = &c.auth {
            let _ = write!(line, " user {}", e(&a.user));
            if t.connect_password_cmds.iter().any(|(at, _)| *at == i) {
                line.push_str(" password ******** (from password_cmd, not run here)");
            } else if !a.password.is_empty() {
                line.push_str(" password ********");
            }
        }
        if has_userinfo(&c.url) {
            line.push_str(" (credentials in the URL, masked)");
        }
        let _ = writeln!(out, "{line}");
    }
    for (id, at) in &t.streams_topology {
        let _ = writeln!(out, "  streams_topology.{} = {}", e(id), e(at));
    }
    out
}

/// A registry URL as it may be shown: credentials written in it are left out.
fn registry_shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.split('@').next_back().unwrap_or(url).to_string(),
    }
}

/// Whether a URL carries `user:password@` (the view uses them as basic auth).
fn has_userinfo(url: &str) -> bool {
    mask_url(url) != url.trim()
}

/// A cluster's Connect clusters as the file gives them: URL (credentials masked), name, user,
/// and where the password comes from, never the password.
fn connect_lines(out: &mut String, list: &[config::ConnectConfig]) {
    for c in list {
        let (url, table) = match c {
            config::ConnectConfig::Url(url) => (url, None),
            config::ConnectConfig::Full(t) => (&t.url, Some(t)),
        };
        let mut line = format!("  connect: {}", e(mask_url(url)));
        if let Some(t) = table {
            if let Some(n) = &t.name {
                let _ = write!(line, " name {}", e(n));
            }
            if let Some(u) = &t.user {
                let _ = write!(line, " user {}", e(u));
            }
            match (&t.password, &t.password_cmd) {
                (_, Some(_)) => {
                    line.push_str(" password ******** (from password_cmd");
                    if let Some(d) = &t.password_cmd_timeout {
                        let _ = write!(line, ", timeout {}", e(d));
                    }
                    line.push(')');
                }
                (Some(p), None) => match config::secret_source(p) {
                    Some(from) => {
                        let _ = write!(line, " password ******** (from {})", e(from));
                    }
                    None => line.push_str(" password ******** (in the file)"),
                },
                (None, None) => {}
            }
        }
        if has_userinfo(url) {
            line.push_str(" (credentials in the URL, masked)");
        }
        let _ = writeln!(out, "{line}");
    }
}
