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
use kafka_tui::config::target::{self, Target};
use kafka_tui::config::ConfigFile;
use kafka_tui::kafka::client::ClientSettings;

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
        self.run_within(args, Duration::from_secs(60))
    }

    /// The same, failing (and killing it) if it takes longer than `limit`.
    fn run_within(&self, args: &[&str], limit: Duration) -> Output {
        let child = Command::new(env!("CARGO_BIN_EXE_kafka-tui"))
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(limit) {
            Ok(out) => out.expect("output"),
            Err(_) => {
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                panic!("kafka-tui {args:?} did not exit within {limit:?}");
            }
        }
    }

    /// A tmux session running the binary with `args` in this sandbox; the pane then reports
    /// the exit status and runs `stty -a`. The outer shell traps SIGINT so a Ctrl+C meant for
    /// kafka-tui does not end the report.
    fn tmux(&self, name: &str, args: &[&str]) -> Tmux {
        let env: Vec<String> = self
            .env()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", sh_quote(&v)))
            .collect();
        let args: Vec<String> = args.iter().map(|a| sh_quote(a)).collect();
        let log = self.path("kafka-tui.log").display().to_string();
        let cmd = format!(
            "trap 'true' INT; env {} {} --log-file {} {}; echo kafka-tui-exited-$?; stty -a; sleep 60",
            env.join(" "),
            sh_quote(env!("CARGO_BIN_EXE_kafka-tui")),
            sh_quote(&log),
            args.join(" ")
        );
        Tmux::start(name, &cmd, 160, 45)
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
    let rt = tokio::runtime::Runtime::new().unwrap();
    for name in ["prod", "env", "cmd", "oidc"] {
        let t = Target::from_cluster(name, &file.clusters[name]).unwrap();
        assert_no_secret(
            &format!("{t:?}"),
            &format!("Debug of unresolved Target {name}"),
        );
        let t = rt.block_on(t.resolve_password(true)).unwrap();
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
    // Every pane, the cluster view, the contexts, the help, and the command line; each step
    // waits for the screen to show it took effect. (Esc then a key may arrive as Alt+key:
    // the app reads it as both, so no pause is needed after Escape.)
    type Shown = fn(&str) -> bool;
    let steps: [(&[&str], &str, Shown); 9] = [
        (&["1"], "Topics' keys", |s| s.contains("Enter tail")),
        (&["2"], "Tail's keys", |s| s.contains("f format")),
        (&["3"], "the editor's keys", |s| s.contains("Esc stop")),
        (&["Escape", "4"], "Logs' keys", |s| s.contains("s next")),
        (&["s"], "the next log source", |s| s.contains("[zookeeper]")),
        (
            &[":", "b", "r", "o", "k", "e", "r", "s", "Enter"],
            "the cluster view",
            |s| s.contains("Cluster · Esc back"),
        ),
        (
            &["Escape", ":", "c", "t", "x", "Enter"],
            "the contexts",
            |s| s.contains("Contexts · Esc back"),
        ),
        (&["Escape", "?"], "the help", |s| {
            s.contains("Keys (Esc closes")
        }),
        (
            &["Escape", ":", "t", "a", "i", "l", " ", "x", "Enter"],
            "the tail of x",
            |s| s.contains("Tail x "),
        ),
    ];
    for (keys, what, shown) in steps {
        for k in keys {
            t.keys(&[k]);
        }
        screens.push(t.wait_for(what, WAIT, shown));
    }
    // More retries, more log lines: wait for the log to grow.
    let logged_so_far = read(&log).len();
    let deadline = std::time::Instant::now() + WAIT;
    while read(&log).len() <= logged_so_far {
        assert!(
            std::time::Instant::now() < deadline,
            "the log stopped growing"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    screens.push(t.capture());
    t.keys(&["Escape", "q"]);
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

// ---------------------------------------------------------------------------------------------
// A password_cmd that waits (a gpg or pass prompt nobody answers)
// ---------------------------------------------------------------------------------------------

/// A config whose cluster `slow` takes its password from a command that sleeps `secs` (a
/// number no other process uses, so the test can tell whether it is still running), after
/// touching `ran` to show it ran.
fn slow_config(s_dir: &Path, secs: u64, timeout: &str) -> String {
    let ran = s_dir.join("password-cmd-ran");
    format!(
        "[clusters.slow]\nbootstrap = \"127.0.0.1:{}\"\npassword_cmd = \"touch {}; sleep {secs}\"\n{timeout}",
        free_port(),
        ran.display()
    )
}

/// A sleep duration no other process has.
fn unique_secs() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    2_000_000 + u64::from(std::process::id()) * 100 + N.fetch_add(1, Ordering::Relaxed)
}

/// Whether a `sleep secs` process is alive.
fn sleeping(secs: u64) -> bool {
    let needle = format!("sleep {secs}");
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).replace('\0', " ").trim() == needle)
        })
}

fn wait_until(what: &str, limit: Duration, mut pred: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !pred() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `kafka-tui config` says where the password comes from without running the command: it
/// returns at once even when the command would wait for ever.
#[test]
fn kafka_tui_config_does_not_run_password_cmd() {
    let dir = tempfile::tempdir().unwrap();
    let s = Sandbox::new(&slow_config(dir.path(), 100, ""), 0o600);
    let out = s.run_within(&["--cluster", "slow", "config"], Duration::from_secs(10));
    let (stdout, stderr) = text_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("sasl.password = ******** (from password_cmd"),
        "the selected cluster's password is said to come from password_cmd:\n{stdout}"
    );
    assert!(
        !dir.path().join("password-cmd-ran").exists(),
        "the password_cmd was run"
    );
}

/// At start-up a waiting password_cmd is named on the terminal (before the screen is taken,
/// so a prompt of its own would show), and Ctrl+C quits at once, stopping it.
#[test]
fn password_cmd_that_waits_at_startup_says_so_and_ctrl_c_quits() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let secs = unique_secs();
    let s = Sandbox::new(&slow_config(dir.path(), secs, ""), 0o600);
    let t = s.tmux("startup-wait", &["--cluster", "slow"]);
    let screen = t.wait_for("the waiting text", WAIT, |s| {
        s.contains("waiting for password_cmd of cluster slow")
    });
    assert!(screen.contains("Ctrl+C cancels"), "{screen}");
    wait_until("the password_cmd to run", WAIT, || sleeping(secs));
    let started = std::time::Instant::now();
    t.keys(&["C-c"]);
    let screen = t.wait_for("kafka-tui to exit", WAIT, |s| {
        s.contains("kafka-tui-exited-") && s.contains("icanon")
    });
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "Ctrl+C took {:?}",
        started.elapsed()
    );
    assert!(!screen.contains("kafka-tui-exited-0"), "{screen}");
    wait_until("the password_cmd to stop", Duration::from_secs(5), || {
        !sleeping(secs)
    });
}

/// A password_cmd that never answers ends start-up after its timeout with a clear error.
#[test]
fn password_cmd_timeout_ends_startup_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = slow_config(dir.path(), 100, "password_cmd_timeout = \"1s\"\n");
    let s = Sandbox::new(&config, 0o600);
    let out = s.run_within(&["--cluster", "slow"], Duration::from_secs(10));
    let (_, stderr) = text_of(&out);
    assert!(!out.status.success());
    for needle in [
        "waiting for password_cmd of cluster slow",
        "no answer within 1s",
        "password_cmd_timeout",
    ] {
        assert!(stderr.contains(needle), "{needle:?} not in:\n{stderr}");
    }
}

/// `:ctx` to a cluster whose password_cmd waits: the switch waits in the background, the
/// status line says for what, keys keep working, Esc cancels it (stopping the command), and
/// q quits at once while another one waits.
#[test]
fn ctx_to_a_cluster_whose_password_cmd_waits_keeps_keys_working() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let secs = unique_secs();
    let s = Sandbox::new(&slow_config(dir.path(), secs, ""), 0o600);
    let t = s.tmux("ctx-wait", &["--listen", "127.0.0.1:0", "--no-demo"]);
    t.wait_for("the embedded broker", WAIT, |s| {
        s.contains("connected, 1 broker")
    });
    let ctx = |t: &Tmux| {
        t.keys(&[":"]);
        t.type_text("ctx slow");
        t.keys(&["Enter"]);
        t.wait_for("the waiting text", WAIT, |s| {
            s.contains("waiting for password_cmd of cluster slow") && s.contains("Esc cancels")
        });
        wait_until("the password_cmd to run", WAIT, || sleeping(secs));
    };
    ctx(&t);
    // Keys still work: the help opens and closes.
    t.keys(&["?"]);
    t.wait_for("the help", WAIT, |s| s.contains("Keys"));
    t.keys(&["q"]);
    t.escape();
    t.wait_for("the switch cancelled", WAIT, |s| {
        s.contains("switch to slow cancelled")
    });
    wait_until("the password_cmd to stop", Duration::from_secs(5), || {
        !sleeping(secs)
    });
    ctx(&t);
    t.escape();
    t.wait_for("the switch cancelled again", WAIT, |s| {
        s.contains("switch to slow cancelled")
    });
    ctx(&t);
    let started = std::time::Instant::now();
    t.keys(&["q"]);
    t.wait_for("a clean exit", WAIT, |s| s.contains("kafka-tui-exited-0"));
    assert!(started.elapsed() < Duration::from_secs(5));
    wait_until("the password_cmd to stop", Duration::from_secs(5), || {
        !sleeping(secs)
    });
}

// ---------------------------------------------------------------------------------------------
// Secrets kept off the command line, out of log commands, out of other users' reach
// ---------------------------------------------------------------------------------------------

/// A mistyped secret property (`sasl.pasword`) is unknown to librdkafka, whose error quotes
/// the value: kafka-tui masks the value of any unknown property whose name looks like a
/// secret's, in the start-up error and in `kafka-tui config`.
#[test]
fn a_mistyped_secret_property_is_masked_in_errors_and_config() {
    const TYPO: &str = "S3cret-under-a-typo";
    let s = Sandbox::new("", 0o600);
    let log = s.path("kafka-tui.log").display().to_string();
    let prop = format!("sasl.pasword={TYPO}");
    let out = s.run(&["-b", "127.0.0.1:9", "-X", &prop, "--log-file", &log]);
    let (stdout, stderr) = text_of(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("sasl.pasword"),
        "the error names it: {stderr}"
    );
    for (text, what) in [
        (&stdout, "stdout"),
        (&stderr, "stderr"),
        (&read(&s.path("kafka-tui.log")), "the log"),
    ] {
        assert!(
            !text.contains(TYPO),
            "the value leaked into {what}:\n{text}"
        );
    }
    let out = s.run(&["-b", "127.0.0.1:9", "-X", &prop, "config"]);
    let (stdout, _) = text_of(&out);
    assert!(stdout.contains("sasl.pasword = ********"), "{stdout}");
    assert!(!stdout.contains(TYPO), "{stdout}");
}

/// A password need not be on the command line, where every local user's `ps` shows it:
/// `-X sasl.password=@env:VAR` and `@file:PATH`, and `${VAR}` in a `-F` file, are resolved;
/// a missing variable is named.
#[test]
fn secrets_come_from_the_environment_or_a_file_instead_of_the_command_line() {
    std::env::set_var(ENV_VAR, ENV_SECRET);
    let dir = tempfile::tempdir().unwrap();
    let pw_file = dir.path().join("pw");
    std::fs::write(&pw_file, format!("{CMD_SECRET}\n")).unwrap();
    let props = dir.path().join("client.properties");
    std::fs::write(
        &props,
        format!("security.protocol=SASL_SSL\nsasl.password=${{{ENV_VAR}}}\n"),
    )
    .unwrap();
    let resolve = |args: &[&str]| {
        let cli =
            Cli::try_parse_from(std::iter::once("kafka-tui").chain(args.iter().copied())).unwrap();
        target::resolve_initial(&cli, &ConfigFile::default(), None)
    };
    let password = |t: &Target| {
        t.properties
            .iter()
            .rev()
            .find(|(k, _)| k == "sasl.password")
            .map(|(_, v)| v.clone())
    };
    let env_arg = format!("sasl.password=@env:{ENV_VAR}");
    let t = resolve(&["-b", "h:1", "-X", &env_arg]).unwrap();
    assert_eq!(password(&t).as_deref(), Some(ENV_SECRET));
    let file_arg = format!("sasl.password=@file:{}", pw_file.display());
    let t = resolve(&["-b", "h:1", "-X", &file_arg]).unwrap();
    assert_eq!(password(&t).as_deref(), Some(CMD_SECRET));
    let props_arg = props.display().to_string();
    let t = resolve(&["-b", "h:1", "-F", &props_arg]).unwrap();
    assert_eq!(password(&t).as_deref(), Some(ENV_SECRET));
    let e = resolve(&["-b", "h:1", "-X", "sasl.password=@env:KT_SURELY_UNSET"])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("KT_SURELY_UNSET") && e.contains("not set"),
        "{e}"
    );

    // The binary: `kafka-tui config` says where it comes from, never the value.
    let s = Sandbox::new("", 0o600);
    let out = s.run(&["-b", "h:1", "-X", &env_arg, "config"]);
    let (stdout, stderr) = text_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("sasl.password = ********"), "{stdout}");
    assert_no_secret(&stdout, "kafka-tui config with @env");
}

/// `kafka-tui config` and start-up errors print names and values from the config file escaped,
/// as the screen does: a cluster named with an escape sequence or a newline cannot clear the
/// terminal, set its title or forge a line of the report.
#[test]
fn config_report_and_startup_errors_escape_what_the_config_says() {
    let config = r#"default_cluster = "evil\u001b[2J\u001b]0;pwned\u0007"
[clusters."evil\u001b[2J\u001b]0;pwned\u0007"]
bootstrap = "127.0.0.1:9"
color = "red\u001b[5m"
broker_log_cmd = "echo \u001b[31m"
[clusters."evil\u001b[2J\u001b]0;pwned\u0007".properties]
"client.id" = "a\nsasl.password = forged"
"#;
    let s = Sandbox::new(config, 0o600);
    let out = s.run(&["config"]);
    let (stdout, stderr) = text_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07'),
        "raw control characters in `kafka-tui config`:\n{stdout:?}"
    );
    assert!(stdout.contains("[clusters.evil␛[2J␛]0;pwned␇]"), "{stdout}");
    assert!(stdout.contains("selected: evil␛[2J␛]0;pwned␇"), "{stdout}");
    assert!(
        stdout.contains("client.id = a␊sasl.password = forged"),
        "{stdout}"
    );
    let out = s.run(&["--cluster", "nope\x1b]0;t\x07"]);
    let (_, stderr) = text_of(&out);
    assert!(!out.status.success());
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "raw control characters in the start-up error:\n{stderr:?}"
    );
    assert!(
        stderr.contains("nope") && stderr.contains("known: evil␛[2J"),
        "{stderr}"
    );
}

/// A log command (`docker logs -f broker`) runs with a clean environment: the locale, PATH,
/// HOME and what container and cluster tools need, not the variable holding the password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_commands_do_not_inherit_the_password_variable() {
    use kafka_tui::event::LogEvent;
    use kafka_tui::logsource::{spawn_all, LogSourceDef, LogSpec};
    std::env::set_var(ENV_VAR, ENV_SECRET);
    std::env::set_var("DOCKER_HOST", "unix:///kt-test/docker.sock");
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let cancel = tokio_util::sync::CancellationToken::new();
    let def = LogSourceDef {
        name: "broker".into(),
        spec: LogSpec::Command("env".into()),
    };
    spawn_all(vec![def], tx, cancel.clone());
    let mut lines = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(LogEvent::Lines { lines: l, .. })) => lines.extend(l),
            Ok(Some(LogEvent::Status { text, .. })) if text.contains("finished") => break,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("`env` did not finish; lines so far: {lines:?}"),
        }
    }
    cancel.cancel();
    let all = lines.join("\n");
    assert!(
        !all.contains(ENV_SECRET) && !all.contains(ENV_VAR),
        "the password variable reached the log command:\n{all}"
    );
    for kept in ["PATH=", "HOME=", "DOCKER_HOST=unix:///kt-test/docker.sock"] {
        assert!(
            lines.iter().any(|l| l.starts_with(kept)),
            "{kept} missing:\n{all}"
        );
    }
}

/// kafka-tui's own log is the user's alone: created 0600, in directories it creates 0700; an
/// old log file others could read is made private.
#[test]
fn the_log_file_is_private() {
    use std::os::unix::fs::MetadataExt;
    let s = Sandbox::new("", 0o600);
    let dir = s.path("logs");
    let log = dir.join("deeper").join("kafka-tui.log");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
    let run_once = |log: &Path| {
        // An unknown property: kafka-tui stops after opening its log.
        let out = s.run(&[
            "-b",
            "127.0.0.1:9",
            "-X",
            "no.such.property=1",
            "--log-file",
            &log.display().to_string(),
        ]);
        assert!(!out.status.success());
    };
    run_once(&log);
    assert_eq!(mode(&log), 0o600, "the log file");
    assert_eq!(mode(&dir), 0o700, "a directory kafka-tui created");
    assert_eq!(
        mode(&dir.join("deeper")),
        0o700,
        "a directory kafka-tui created"
    );
    let old = s.path("old.log");
    std::fs::write(&old, "from an older version\n").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    run_once(&old);
    assert_eq!(mode(&old), 0o600, "an existing log file others could read");
    assert!(
        read(&old).starts_with("from an older version"),
        "appended to, not replaced"
    );
}

// ---------------------------------------------------------------------------------------------
// Kafka Connect's basic-auth password (issue 11): handled like the SASL password
// ---------------------------------------------------------------------------------------------

const CONNECT_LITERAL: &str = "S3cret-connect-literal";
const CONNECT_ENV: &str = "S3cret-connect-from-env";
const CONNECT_FILE: &str = "S3cret-connect-from-file";
const CONNECT_CMD: &str = "S3cret-connect-from-cmd";
const CONNECT_URL: &str = "S3cret-connect-in-url";
const CONNECT_ALL: [&str; 5] = [
    CONNECT_LITERAL,
    CONNECT_ENV,
    CONNECT_FILE,
    CONNECT_CMD,
    CONNECT_URL,
];
const CONNECT_ENV_VAR: &str = "KT_TEST_CONNECT_SECRET_ENV";

fn assert_no_connect_secret(text: &str, where_: &str) {
    for s in CONNECT_ALL.iter().chain(ALL.iter()) {
        assert!(!text.contains(s), "{s:?} leaked into {where_}:\n{text}");
    }
}

/// A cluster `prod` (at `bootstrap`) with a Connect cluster of each kind of password: none,
/// literal, `${VAR}`, `@file:`, `password_cmd` (which touches `ran` first), credentials in the
/// URL; and a Streams topology. `worker` is the URL of the password_cmd's Connect cluster.
fn connect_config(dir: &Path, bootstrap: &str, worker: &str) -> String {
    let pw_file = dir.join("connect-pw");
    std::fs::write(&pw_file, format!("{CONNECT_FILE}\n")).unwrap();
    let ran = dir.join("connect-cmd-ran");
    format!(
        r#"default_cluster = "prod"
[clusters.prod]
bootstrap = "{bootstrap}"
connect = [
  "http://plain-worker:8083",
  {{ url = "http://127.0.0.1:9/lit", name = "lit", user = "ops", password = "{CONNECT_LITERAL}" }},
  {{ url = "http://127.0.0.1:9/env", name = "env", user = "ops", password = "${{{CONNECT_ENV_VAR}}}" }},
  {{ url = "http://127.0.0.1:9/file", name = "file", user = "ops", password = "@file:{}" }},
  {{ url = "{worker}", name = "cmd", user = "ops", password_cmd = "touch {}; echo {CONNECT_CMD}", password_cmd_timeout = "10s" }},
  "http://ops:{CONNECT_URL}@127.0.0.1:9/url",
]
[clusters.prod.streams_topology]
wordcount = "/srv/wordcount-topology.txt"
"#,
        pw_file.display(),
        ran.display(),
    )
}

/// `kafka-tui config` lists each cluster's Connect clusters (URL, name, user, where the
/// password comes from, never the password) and its Streams topologies, in the file's
/// section and in the selected cluster's; it does not run the Connect `password_cmd`.
#[test]
fn kafka_tui_config_shows_connect_settings_masked_and_streams_topology() {
    let dir = tempfile::tempdir().unwrap();
    let s = Sandbox::new(
        &connect_config(dir.path(), "127.0.0.1:9", "http://127.0.0.1:9/cmd"),
        0o600,
    );
    let out = s.run_within(&["config"], Duration::from_secs(10));
    let (stdout, stderr) = text_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert_no_connect_secret(&stdout, "`kafka-tui config` stdout");
    assert_no_connect_secret(&stderr, "`kafka-tui config` stderr");
    let (file_part, selected) = stdout
        .split_once("selected: prod")
        .expect("a selected section");
    for (part, what) in [
        (file_part, "the file's section"),
        (selected, "the selected"),
    ] {
        for needle in [
            "connect: http://plain-worker:8083\n",
            "connect: http://127.0.0.1:9/lit name lit user ops password ********",
            "connect: http://127.0.0.1:9/cmd name cmd user ops password ******** (from password_cmd",
            "connect: http://********@127.0.0.1:9/url",
            "streams_topology.wordcount = /srv/wordcount-topology.txt",
        ] {
            assert!(part.contains(needle), "{needle:?} not in {what}:\n{stdout}");
        }
    }
    for needle in [
        "name lit user ops password ******** (in the file)",
        &format!("name env user ops password ******** (from ${{{CONNECT_ENV_VAR}}})"),
        "name file user ops password ******** (from @file:",
        "(from password_cmd, timeout 10s)",
    ] {
        assert!(file_part.contains(needle), "{needle:?} not in:\n{stdout}");
    }
    assert!(
        selected.contains("(from password_cmd, not run here)"),
        "{stdout}"
    );
    assert!(
        !dir.path().join("connect-cmd-ran").exists(),
        "`kafka-tui config` ran the Connect password_cmd"
    );
}

/// A Connect cluster's `password_cmd` is noted, not run, when the target is resolved; it
/// runs with the cluster's (`resolve_password`) and its output becomes the basic-auth
/// password; `${VAR}` and `@file:` are resolved; `Debug` masks all of them; `--connect`
/// replaces the file's list and its commands; password and password_cmd together, or a bad
/// timeout, are refused naming the Connect cluster.
#[test]
fn connect_password_cmd_becomes_the_basic_auth_password_masked() {
    std::env::set_var(CONNECT_ENV_VAR, CONNECT_ENV);
    let dir = tempfile::tempdir().unwrap();
    let file = ConfigFile::parse(
        Path::new("c.toml"),
        &connect_config(dir.path(), "127.0.0.1:9", "http://127.0.0.1:9/cmd"),
    )
    .unwrap();
    let cli = |args: &[&str]| {
        Cli::try_parse_from(std::iter::once("kafka-tui").chain(args.iter().copied())).unwrap()
    };
    let t = target::resolve_initial(&cli(&[]), &file, None).unwrap();
    assert!(
        !dir.path().join("connect-cmd-ran").exists(),
        "ran too early"
    );
    assert_eq!(t.password_cmds().len(), 1);
    let password = |t: &Target, name: &str| {
        t.connect
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.auth.as_ref())
            .map(|a| a.password.clone())
    };
    assert_eq!(password(&t, "lit").as_deref(), Some(CONNECT_LITERAL));
    assert_eq!(password(&t, "env").as_deref(), Some(CONNECT_ENV));
    assert_eq!(password(&t, "file").as_deref(), Some(CONNECT_FILE));
    assert_eq!(password(&t, "cmd").as_deref(), Some(""));
    assert_no_connect_secret(&format!("{t:?}"), "Debug of the unresolved target");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(t.resolve_password(true)).unwrap();
    assert!(dir.path().join("connect-cmd-ran").exists());
    assert_eq!(password(&t, "cmd").as_deref(), Some(CONNECT_CMD));
    assert!(t.password_cmds().is_empty());
    assert_no_connect_secret(&format!("{t:?}"), "Debug of the resolved target");
    assert_no_connect_secret(&format!("{t:#?}"), "pretty Debug of the resolved target");

    // --connect replaces the file's Connect clusters: their commands need not run.
    let t =
        target::resolve_initial(&cli(&["--connect", "http://other:8083"]), &file, None).unwrap();
    assert!(t.password_cmds().is_empty());
    assert_eq!(t.connect.len(), 1);

    let both = r#"[clusters.x]
bootstrap = "h:1"
connect = [{ url = "http://w:8083", name = "w", user = "u", password = "p", password_cmd = "echo p" }]
"#;
    let f = ConfigFile::parse(Path::new("c.toml"), both).unwrap();
    let e = Target::from_cluster("x", &f.clusters["x"])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"w\"") && e.contains("password or password_cmd, not both"),
        "{e}"
    );
    let bad = r#"[clusters.x]
bootstrap = "h:1"
connect = [{ url = "http://w:8083", user = "u", password_cmd = "echo p", password_cmd_timeout = "soon" }]
"#;
    let f = ConfigFile::parse(Path::new("c.toml"), bad).unwrap();
    let e = Target::from_cluster("x", &f.clusters["x"])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cluster \"x\" Connect \"http://w:8083\"") && e.contains("\"soon\""),
        "{e}"
    );
}

/// A Connect password_cmd that fails or never answers ends start-up with an error naming the
/// Connect cluster and the reason, never the command's output.
#[test]
fn a_connect_password_cmd_that_fails_or_waits_ends_startup_clearly() {
    for (cmd, timeout, want) in [
        (format!("echo {CONNECT_CMD}; exit 3"), "", "exit status: 3"),
        (
            "sleep 100".to_string(),
            "password_cmd_timeout = \"1s\", ",
            "no answer within 1s",
        ),
    ] {
        let config = format!(
            "[clusters.c]\nbootstrap = \"127.0.0.1:9\"\nconnect = [{{ url = \"http://127.0.0.1:9\", name = \"w\", user = \"u\", {timeout}password_cmd = \"{cmd}\" }}]\n"
        );
        let s = Sandbox::new(&config, 0o600);
        let started = std::time::Instant::now();
        let out = s.run_within(&["--cluster", "c"], Duration::from_secs(10));
        let (stdout, stderr) = text_of(&out);
        assert!(!out.status.success(), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(8));
        for needle in [
            "waiting for password_cmd of cluster c for Connect w",
            "cluster \"c\" Connect \"w\": password_cmd failed",
            want,
        ] {
            assert!(stderr.contains(needle), "{needle:?} not in:\n{stderr}");
        }
        assert_no_connect_secret(&stderr, "the start-up error");
        assert_no_connect_secret(&stdout, "stdout");
    }
}

/// A Connect worker on loopback that wants basic auth `ops:<password>`: 200 with no
/// connectors for it, 401 otherwise. Counts the requests it let in.
struct AuthWorker {
    url: String,
    let_in: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    refused: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn auth_worker(password: &str) -> AuthWorker {
    use base64::Engine as _;
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let want = base64::engine::general_purpose::STANDARD.encode(format!("ops:{password}"));
    let (let_in, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (i, r) = (let_in.clone(), refused.clone());
    std::thread::spawn(move || {
        for stream in l.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut authorized = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    let v = v.trim();
                    if k.eq_ignore_ascii_case("authorization")
                        && v.len() > 6
                        && v[..6].eq_ignore_ascii_case("basic ")
                        && v[6..] == want
                    {
                        authorized = true;
                    }
                }
            }
            let (status, body) = if authorized {
                i.fetch_add(1, Ordering::SeqCst);
                ("200 OK", "{}")
            } else {
                r.fetch_add(1, Ordering::SeqCst);
                (
                    "401 Unauthorized",
                    r#"{"error_code":401,"message":"User cannot access the resource."}"#,
                )
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    AuthWorker {
        url,
        let_in,
        refused,
    }
}

/// On screen, end to end: the Connect password from `password_cmd` runs at start-up (said on
/// the terminal) and reaches the worker as basic auth (it lets the view in); a Connect cluster
/// whose password (from the environment) is wrong says the worker refused the credentials.
/// No screen and no line of the trace log holds either password.
#[test]
fn connect_view_logs_in_with_the_password_cmd_and_never_shows_a_password() {
    if skip_without_tmux() {
        return;
    }
    let good = auth_worker(CONNECT_CMD);
    let bad = auth_worker("another-password");
    let config = format!(
        r#"[clusters.prod]
bootstrap = "127.0.0.1:{}"
connect = [
  {{ url = "{}", name = "good", user = "ops", password_cmd = "echo {CONNECT_CMD}" }},
  {{ url = "{}", name = "bad", user = "ops", password = "@env:{CONNECT_ENV_VAR}" }},
]
"#,
        free_port(),
        good.url,
        bad.url
    );
    let s = Sandbox::new(&config, 0o600);
    let log = s.path("kafka-tui.log");
    let env: Vec<String> = s
        .env()
        .into_iter()
        .chain([
            ("KAFKA_TUI_LOG", "trace".to_string()),
            (CONNECT_ENV_VAR, CONNECT_ENV.to_string()),
        ])
        .map(|(k, v)| format!("{k}={}", sh_quote(&v)))
        .collect();
    // The binary is started after a line on the terminal that the start-up message follows.
    let cmd = format!(
        "env {} {} --log-file {} --cluster prod; echo kafka-tui-exited-$?; sleep 60",
        env.join(" "),
        sh_quote(env!("CARGO_BIN_EXE_kafka-tui")),
        sh_quote(&log.display().to_string()),
    );
    let t = Tmux::start("connect-auth", &cmd, 160, 45);
    let mut screens = vec![t.wait_for("the unreachable cluster", WAIT, |s| {
        s.contains("cannot reach")
    })];
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    let screen = t.wait_for("both Connect clusters' answers", WAIT, |s| {
        s.contains("✔ 0 connectors") && s.contains("refused the credentials")
    });
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.trim_start_matches(['│', ' ']).starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("good").contains("✔ 0 connectors"), "{screen}");
    assert!(
        line("bad").contains("refused the credentials (401)"),
        "{screen}"
    );
    screens.push(screen);
    assert!(good.let_in.load(std::sync::atomic::Ordering::SeqCst) > 0);
    assert!(bad.refused.load(std::sync::atomic::Ordering::SeqCst) > 0);
    t.keys(&["Escape", "q"]);
    screens.push(t.wait_for("a clean exit", WAIT, |s| s.contains("kafka-tui-exited-0")));
    for (i, screen) in screens.iter().enumerate() {
        assert_no_connect_secret(screen, &format!("screen {i}"));
    }
    let logged = read(&log);
    assert!(logged.contains("TRACE"), "the log is at trace level");
    assert_no_connect_secret(&logged, "the trace log file");
}
