//! Secrets (issue 6, point 8): a SASL password, an SSL key password and an OAuth client secret
//! in the config file (and on the command line, from `${ENV}` and from `password_cmd`) never
//! appear in `kafka-tui config`, in `Debug` output, in error messages, on any screen, or in the
//! log file at trace level. A config file holding secrets that others can read gets a warning,
//! as ssh does.
//!
//! Every run uses a private HOME and XDG directories. The on-screen test runs the binary in tmux
//! (a private `-L` socket); without tmux it is skipped locally with a reason and fails in CI.

mod common;
use common::*;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use clap::Parser;
use kafka_tui::cli::Cli;
use kafka_tui::config::ConfigFile;
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::target::{self, Target};

const WAIT: Duration = Duration::from_secs(20);

/// Every secret value the tests plant; none may ever be shown.
const SASL_PASSWORD: &str = "S3cret-sasl-password";
const SSL_KEY_PASSWORD: &str = "S3cret-ssl-key-password";
const OAUTH_SECRET: &str = "S3cret-oauth-client-secret";
const OAUTH_CONFIG: &str = "S3cret-oauthbearer-config";
const CLI_SECRET: &str = "S3cret-given-with-X";
const ENV_SECRET: &str = "S3cret-from-the-environment";
const CMD_SECRET: &str = "S3cret-from-password-cmd";
const JAVA_SECRET: &str = "S3cret-java-truststore";
const ALL: [&str; 8] = [
    SASL_PASSWORD,
    SSL_KEY_PASSWORD,
    OAUTH_SECRET,
    OAUTH_CONFIG,
    CLI_SECRET,
    ENV_SECRET,
    CMD_SECRET,
    JAVA_SECRET,
];
const ENV_VAR: &str = "KT_TEST_SECRET_ENV";

// ---------------------------------------------------------------------------------------------
// Config files and the sandbox
// ---------------------------------------------------------------------------------------------

/// The SASL cluster's properties. `oauth` adds the OAuth client secret, which only builds of
/// librdkafka with OIDC support accept (see `oidc_supported`).
fn secret_properties(oauth: bool) -> String {
    let mut p = format!(
        r#""security.protocol" = "SASL_PLAINTEXT"
"sasl.mechanism" = "PLAIN"
"sasl.username" = "ops"
"sasl.password" = "{SASL_PASSWORD}"
"ssl.key.password" = "{SSL_KEY_PASSWORD}"
"sasl.oauthbearer.config" = "principal=ops {OAUTH_CONFIG}"
"#
    );
    if oauth {
        p.push_str(&format!(
            "\"sasl.oauthbearer.client.secret\" = \"{OAUTH_SECRET}\"\n"
        ));
    }
    p
}

/// A config whose default cluster `prod` (at `bootstrap`) holds literal secrets, a cluster that
/// takes its password from the environment, one from a command, and one (`oidc`) holding the
/// OAuth client secret unless `prod` does.
fn config_text(bootstrap: &str, oauth_in_prod: bool) -> String {
    format!(
        r#"default_cluster = "prod"
[clusters.prod]
bootstrap = "{bootstrap}"
[clusters.prod.properties]
{}
[clusters.env]
bootstrap = "{bootstrap}"
[clusters.env.properties]
"sasl.password" = "${{{ENV_VAR}}}"
[clusters.cmd]
bootstrap = "{bootstrap}"
password_cmd = "echo {CMD_SECRET}"
[clusters.oidc]
bootstrap = "{bootstrap}"
[clusters.oidc.properties]
"sasl.oauthbearer.method" = "oidc"
"sasl.oauthbearer.client.id" = "kafka-tui"
"sasl.oauthbearer.client.secret" = "{OAUTH_SECRET}"
"#,
        secret_properties(oauth_in_prod)
    )
}

/// Whether this build of librdkafka accepts `sasl.oauthbearer.client.secret` (OIDC needs
/// libcurl at build time).
fn oidc_supported() -> bool {
    rdkafka::ClientConfig::new()
        .set("bootstrap.servers", "127.0.0.1:1")
        .set("sasl.oauthbearer.client.secret", "x")
        .create::<rdkafka::producer::BaseProducer>()
        .is_ok()
}

/// Fails naming the secret and where it leaked.
fn assert_no_secret(text: &str, where_: &str) {
    for s in ALL {
        assert!(!text.contains(s), "{s:?} leaked into {where_}:\n{text}");
    }
}

/// A private HOME with a config file in it.
struct Sandbox {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Sandbox {
    fn new(config: &str, mode: u32) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, config).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        Sandbox { dir, config: path }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        let d = self.dir.path().display();
        vec![
            ("HOME", d.to_string()),
            ("XDG_CONFIG_HOME", format!("{d}/config")),
            ("XDG_STATE_HOME", format!("{d}/state")),
            ("KAFKA_TUI_CONFIG", self.config.display().to_string()),
            (ENV_VAR, ENV_SECRET.to_string()),
        ]
    }

    /// Runs the binary to completion (stdin is not a terminal, so it never takes a screen).
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kafka-tui"))
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    }
}

fn text_of(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------------------------
// tmux
// ---------------------------------------------------------------------------------------------

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// `kafka-tui config` lists every cluster and the selected one's settings, masked, whatever
/// the secret's origin: the file, `-X`, `${ENV}` or `password_cmd`.
#[test]
fn kafka_tui_config_masks_every_secret() {
    let s = Sandbox::new(&config_text("127.0.0.1:9", true), 0o600);
    for cluster in ["prod", "env", "cmd", "oidc"] {
        let out = s.run(&[
            "-X",
            &format!("sasl.password={CLI_SECRET}"),
            "--cluster",
            cluster,
            "config",
        ]);
        let (stdout, stderr) = text_of(&out);
        assert!(out.status.success(), "kafka-tui config failed: {stderr}");
        assert_no_secret(
            &stdout,
            &format!("`kafka-tui --cluster {cluster} config` stdout"),
        );
        assert_no_secret(
            &stderr,
            &format!("`kafka-tui --cluster {cluster} config` stderr"),
        );
        assert!(
            stdout.contains(&format!("selected: {cluster}"))
                && stdout.contains("sasl.password = ********"),
            "the selected cluster's password is listed, masked:\n{stdout}"
        );
    }
}

#[test]
fn debug_output_masks_every_secret() {
    let file = ConfigFile::parse(Path::new("c.toml"), &config_text("127.0.0.1:9", true)).unwrap();
    std::env::set_var(ENV_VAR, ENV_SECRET);
    for name in ["prod", "env", "cmd", "oidc"] {
        let t = Target::from_cluster(name, &file.clusters[name]).unwrap();
        let values: Vec<&str> = t.properties.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.iter().any(|v| ALL.iter().any(|s| v.contains(s))),
            "{name}: the target holds its secret (else this test proves nothing)"
        );
        assert_no_secret(&format!("{t:?}"), &format!("Debug of Target {name}"));
        assert_no_secret(
            &format!("{t:#?}"),
            &format!("pretty Debug of Target {name}"),
        );
        let mut settings = ClientSettings::new("127.0.0.1:9");
        settings.properties = t.properties.clone();
        assert_no_secret(
            &format!("{settings:?}"),
            &format!("Debug of ClientSettings {name}"),
        );
    }
    let cli =
        Cli::try_parse_from(["kafka-tui", "-X", &format!("sasl.password={CLI_SECRET}")]).unwrap();
    let t = target::resolve_initial(&cli, &file, Some(Path::new("c.toml"))).unwrap();
    assert!(t.properties.iter().any(|(_, v)| v == CLI_SECRET));
    assert_no_secret(&format!("{t:?}"), "Debug of the resolved target");
}

/// A secret librdkafka refuses (here a Java-client property it does not know, as people copy
/// from their Java configs) must not be echoed in the error kafka-tui prints.
#[test]
fn startup_errors_do_not_print_secrets() {
    let config = format!(
        "[clusters.java]\nbootstrap = \"127.0.0.1:9\"\n[clusters.java.properties]\n\"ssl.truststore.password\" = \"{JAVA_SECRET}\"\n"
    );
    let s = Sandbox::new(&config, 0o600);
    let log = s.path("kafka-tui.log").display().to_string();
    let out = s.run(&["--cluster", "java", "--log-file", &log]);
    let (stdout, stderr) = text_of(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("ssl.truststore.password"),
        "the error names the property: {stderr}"
    );
    assert_no_secret(&stderr, "the startup error on stderr");
    assert_no_secret(&stdout, "stdout");
    assert_no_secret(&read(&s.path("kafka-tui.log")), "the log file");
}

/// The binary on the secret-holding cluster (unreachable), at trace level: no screen it shows
/// and no line of its log file holds a secret.
#[test]
fn screens_and_the_trace_log_never_show_secrets() {
    if skip_without_tmux() {
        return;
    }
    let address = format!("127.0.0.1:{}", free_port());
    let s = Sandbox::new(&config_text(&address, oidc_supported()), 0o600);
    let log = s.path("kafka-tui.log");
    let env: Vec<String> = s
        .env()
        .into_iter()
        .chain([("KAFKA_TUI_LOG", "trace".to_string())])
        .map(|(k, v)| format!("{k}={}", sh_quote(&v)))
        .collect();
    let cmd = format!(
        "env {} {} --log-file {} -X {}; echo kafka-tui-exited-$?; sleep 60",
        env.join(" "),
        sh_quote(env!("CARGO_BIN_EXE_kafka-tui")),
        sh_quote(&log.display().to_string()),
        sh_quote(&format!("ssl.keystore.password={CLI_SECRET}")),
    );
    let t = Tmux::start("screens", &cmd, 200, 50);
    let mut screens = vec![t.wait_for("the unreachable cluster", WAIT, |s| {
        s.contains("cannot reach")
    })];
    // Every pane, the cluster view, the contexts, the help, and the command line.
    for keys in [
        &["1"][..],
        &["2"],
        &["3"],
        &["Escape", "4"],
        &["s"],
        &[":", "b", "r", "o", "k", "e", "r", "s", "Enter"],
        &["Escape", ":", "c", "t", "x", "Enter"],
        &["Escape", "?"],
        &["Escape", ":", "t", "a", "i", "l", " ", "x", "Enter"],
    ] {
        for k in keys {
            t.keys(&[k]);
            std::thread::sleep(Duration::from_millis(if *k == "Escape" { 200 } else { 30 }));
        }
        std::thread::sleep(Duration::from_millis(500));
        screens.push(t.capture());
    }
    std::thread::sleep(Duration::from_secs(3)); // more retries, more log lines
    screens.push(t.capture());
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    t.keys(&["q"]);
    screens.push(t.wait_for("a clean exit", WAIT, |s| s.contains("kafka-tui-exited-0")));
    for (i, screen) in screens.iter().enumerate() {
        assert_no_secret(screen, &format!("screen {i}"));
    }
    let logged = read(&log);
    assert!(
        logged.contains("TRACE"),
        "the log is at trace level:\n{logged}"
    );
    assert!(
        logged.contains("librdkafka"),
        "librdkafka's lines are in the log"
    );
    assert_no_secret(&logged, "the trace log file");
}

/// A config file holding literal secrets that group or others can read gets a warning naming
/// the fix; a private one does not, nor does a world-readable one whose secrets come from the
/// environment.
#[test]
fn readable_config_with_secrets_gets_a_chmod_warning() {
    let with_secrets = config_text("127.0.0.1:9", false);
    let env_only = format!("[clusters.a]\nbootstrap = \"x:1\"\n[clusters.a.properties]\n\"sasl.password\" = \"${{{ENV_VAR}}}\"\n");
    for (config, mode, warned) in [
        (&with_secrets, 0o644, true),
        (&with_secrets, 0o640, true),
        (&with_secrets, 0o604, true),
        (&with_secrets, 0o600, false),
        (&with_secrets, 0o400, false),
        (&env_only, 0o644, false),
    ] {
        let s = Sandbox::new(config, mode);
        let out = s.run(&["config"]);
        let (_, stderr) = text_of(&out);
        let fix = format!("chmod 600 {}", s.config.display());
        let said = stderr.contains("readable by other users") && stderr.contains(&fix);
        assert_eq!(said, warned, "mode {mode:o}: stderr:\n{stderr}");
        assert_no_secret(&stderr, "the warning");
    }
}
