use super::*;

const EXAMPLE: &str = r#"
default_cluster = "dev"
[clusters.dev]
bootstrap = "localhost:9092"
broker_log_cmd = "docker logs -f broker"
zookeeper_log_cmd = "docker logs -f zookeeper"

[clusters.prod]
bootstrap = "kafka-1.example:9093,kafka-2.example:9093"
read_only = true
color = "red"
[clusters.prod.properties]
"security.protocol" = "SASL_SSL"
"sasl.mechanism" = "SCRAM-SHA-512"
"sasl.username" = "ops"
"sasl.password" = "${KAFKA_PASSWORD}"
"#;

#[test]
fn parses_the_documented_example() {
    let c = ConfigFile::parse(Path::new("c.toml"), EXAMPLE).unwrap();
    assert_eq!(c.default_cluster.as_deref(), Some("dev"));
    assert_eq!(
        c.clusters["prod"].properties["sasl.mechanism"],
        "SCRAM-SHA-512"
    );
    assert!(c.clusters["prod"].read_only);
    assert!(!c.has_literal_secrets(), "${{VAR}} is not a literal secret");
}

#[test]
fn errors_name_file_line_and_column() {
    let text = "[clusters.dev]\nbootstrap = \"a\"\nbootstarp = \"b\"\n";
    let e = ConfigFile::parse(Path::new("/x/config.toml"), text)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("/x/config.toml:3:1:"), "{e}");
    assert!(e.contains("bootstarp"), "{e}");
    let e = ConfigFile::parse(Path::new("c.toml"), "[clusters.dev\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("c.toml:1:"), "{e}");
}

#[test]
fn properties_files() {
    let p = parse_properties(
        "f",
        "# comment\n\nbootstrap.servers = a:1\nsasl.password=x=y\n",
    )
    .unwrap();
    assert_eq!(
        p,
        vec![
            ("bootstrap.servers".into(), "a:1".into()),
            ("sasl.password".into(), "x=y".into())
        ]
    );
    let e = parse_properties("f.properties", "ok=1\nbroken\n")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "f.properties:2: expected key=value");
}

#[test]
fn secrets_are_recognised_and_masked() {
    for k in [
        "sasl.password",
        "ssl.key.password",
        "ssl.keystore.password",
        "sasl.oauthbearer.client.secret",
        "sasl.jaas.config",
        "ssl.key.pem",
    ] {
        assert!(is_secret(k), "{k}");
        assert_eq!(mask(k, "hunter2"), "********");
    }
    assert_eq!(mask("sasl.username", "ops"), "ops");
    let c = ConfigFile::parse(
        Path::new("c"),
        "[clusters.a]\nbootstrap=\"x\"\n[clusters.a.properties]\n\"sasl.password\"=\"plain\"\n",
    )
    .unwrap();
    assert!(c.has_literal_secrets());
}

#[test]
fn mistyped_and_foreign_secret_properties_are_masked() {
    for k in [
        "sasl.pasword",
        "sasl.passwd",
        "sasl.usernme",
        "ssl.truststore.password",
        "basic.auth.user.info",
        "api.key",
        "my.token.value",
        "aws.credentials",
    ] {
        assert!(!is_librdkafka_property(k), "{k}");
        assert_eq!(mask(k, "hunter2"), "********", "{k}");
    }
    // Properties librdkafka knows are masked only when they are secrets.
    for k in [
        "ssl.key.location",
        "ssl.certificate.location",
        "sasl.kerberos.keytab",
    ] {
        assert!(is_librdkafka_property(k), "{k}");
        assert_eq!(mask(k, "/etc/k"), "/etc/k", "{k}");
    }
    assert_eq!(mask("sasl.username", "ops"), "ops");
}

#[test]
fn values_name_their_source() {
    std::env::set_var("KTUI_TEST_AT_ENV", "from-env");
    assert_eq!(
        resolve_value("-X", "sasl.password", "@env:KTUI_TEST_AT_ENV", false).unwrap(),
        "from-env"
    );
    let e = resolve_value("-X", "sasl.password", "@env:KTUI_SURELY_UNSET_VAR", false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "-X: property sasl.password: environment variable KTUI_SURELY_UNSET_VAR is not set"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("pw");
    std::fs::write(&f, "from-file\n").unwrap();
    let at_file = format!("@file:{}", f.display());
    assert_eq!(
        resolve_value("-X", "k", &at_file, false).unwrap(),
        "from-file"
    );
    let missing = format!("@file:{}", dir.path().join("none").display());
    assert!(resolve_value("-X", "k", &missing, false).is_err());
    // ${VAR} only where braces are allowed (files): on the command line the shell did it.
    assert_eq!(
        resolve_value("-X", "k", "${KTUI_TEST_AT_ENV}", false).unwrap(),
        "${KTUI_TEST_AT_ENV}"
    );
    assert_eq!(
        resolve_value("f", "k", "${KTUI_TEST_AT_ENV}", true).unwrap(),
        "from-env"
    );
    assert_eq!(secret_source(" @env:X "), Some("@env:X"));
    assert_eq!(secret_source("plain"), None);
}

#[test]
fn env_expansion() {
    std::env::set_var("KTUI_TEST_PW", "s3cret");
    assert_eq!(
        expand_env("c", "k", "pre-${KTUI_TEST_PW}-post").unwrap(),
        "pre-s3cret-post"
    );
    let e = expand_env("prod", "sasl.password", "${KTUI_SURELY_UNSET_VAR}")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("KTUI_SURELY_UNSET_VAR") && e.contains("prod"),
        "{e}"
    );
}

fn password_cmd(command: &str, timeout: Duration) -> PasswordCmd {
    PasswordCmd {
        cluster: "c".into(),
        connect: None,
        command: command.into(),
        timeout,
    }
}

#[tokio::test]
async fn password_cmd_output_and_failures() {
    let t = PASSWORD_CMD_TIMEOUT;
    assert_eq!(
        password_cmd("printf 'pw\\n'", t).run(false).await.unwrap(),
        "pw"
    );
    let e = password_cmd("echo leaked; exit 3", t)
        .run(true)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("exit status: 3") && !e.contains("leaked"), "{e}");
    assert!(password_cmd("true", t).run(false).await.is_err());
}

/// A command that waits (a passphrase prompt nobody answers) gives up after its timeout,
/// saying how to wait longer.
#[tokio::test]
async fn password_cmd_times_out() {
    let started = std::time::Instant::now();
    let e = password_cmd("sleep 100", Duration::from_millis(300))
        .run(true)
        .await
        .unwrap_err()
        .to_string();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        e.contains("no answer within 300ms") && e.contains("password_cmd_timeout"),
        "{e}"
    );
}

#[test]
fn password_cmd_timeout_is_read_and_checked() {
    let c = |t: &str| ClusterConfig {
        password_cmd: Some("x".into()),
        password_cmd_timeout: Some(t.into()),
        ..ClusterConfig::default()
    };
    let p = PasswordCmd::of("c", &c("2m")).unwrap().unwrap();
    assert_eq!(p.timeout, Duration::from_secs(120));
    let none = ClusterConfig::default();
    assert!(PasswordCmd::of("c", &none).unwrap().is_none());
    for bad in ["soon", "0s"] {
        let e = PasswordCmd::of("prod", &c(bad)).unwrap_err().to_string();
        assert!(e.contains("prod") && e.contains(bad), "{e}");
    }
}

#[test]
fn bootstrap_validation() {
    for ok in [
        "localhost:9092",
        "a:1,b:2",
        "kafka",
        "[::1]:9092",
        "PLAINTEXT://h:9092",
        " a:1 , b:2 ",
    ] {
        assert!(validate_bootstrap(ok).is_ok(), "{ok}");
    }
    for bad in [
        "not a host",
        "",
        "a:1,,b:2",
        "h:port",
        "h:99999",
        ":9092",
        "h:0",
    ] {
        let e = validate_bootstrap(bad).unwrap_err().to_string();
        assert!(e.contains("host:port"), "{bad}: {e}");
    }
}

#[test]
fn line_col_counts_from_one() {
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("x", 0), (1, 1));
}
