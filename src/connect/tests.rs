//! The parsing and error mapping on answers recorded from a real Kafka Connect 4.3.1 worker
//! (tests/fixtures/connect/, recorded with curl from the `connect` peer), and the client's
//! requests against a one-shot local HTTP server (tests/common/http_stub.rs).
//! tests/connect_streams.rs covers the rest against the real workers.

use std::collections::BTreeMap;
use std::time::Duration;

use super::error::{one_line, ConnectError};
use super::types::{parse_expanded, parse_topics, parse_validation};
use super::*;
use crate::http_stub;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/connect/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn expanded_list_gives_state_worker_tasks_traces_and_class() {
    let list = parse_expanded(&fixture("connectors_expanded.json")).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["rec-sink", "rec-sink-broken", "rec-source", "rec-stopped"]
    );
    let by = |n: &str| list.iter().find(|c| c.name == n).unwrap();

    let sink = by("rec-sink");
    assert_eq!(sink.kind, ConnectorType::Sink);
    assert_eq!(sink.class, "FileStreamSink");
    assert_eq!(sink.state, State::Running);
    assert_eq!(sink.worker_id, "127.0.0.1:36529");
    assert_eq!(sink.tasks.len(), 1);
    assert_eq!(sink.tasks[0].state, State::Running);
    assert_eq!(sink.config["topics"], "rec-lines");
    assert!(!sink.has_failure());
    assert_eq!(sink.topics, None, "topics are a separate request");

    let broken = by("rec-sink-broken");
    assert_eq!(
        broken.state,
        State::Running,
        "the connector runs, its task failed"
    );
    assert_eq!(broken.tasks[0].state, State::Failed);
    assert!(broken.has_failure());
    let traces = broken.traces();
    assert_eq!(traces.len(), 1);
    assert_eq!(traces[0].0, "task 0");
    assert!(
        traces[0]
            .1
            .contains("FileSystemException: /tmp/rec/adir: Is a directory"),
        "{}",
        traces[0].1
    );

    let source = by("rec-source");
    assert_eq!(source.kind, ConnectorType::Source);
    assert_eq!(
        source.class,
        "org.apache.kafka.connect.file.FileStreamSourceConnector"
    );
    assert_eq!(source.state, State::Paused);
    assert_eq!(source.tasks[0].state, State::Paused);

    let stopped = by("rec-stopped");
    assert_eq!(stopped.state, State::Stopped);
    assert!(stopped.tasks.is_empty());
}

#[test]
fn unknown_states_and_types_are_kept_not_refused() {
    let body = br#"{"x":{"status":{"name":"x","connector":{"state":"DEGRADED","worker_id":"w:1"},
        "tasks":[{"id":3,"state":"WARMING","worker_id":"w:2"}],"type":"mystery"},
        "info":{"name":"x","config":{},"tasks":[],"type":"mystery"}},
        "y":{"info":{"name":"y","config":{"connector.class":"C"},"tasks":[],"type":"sink"}}}"#;
    let list = parse_expanded(body).unwrap();
    assert_eq!(list[0].state, State::Other("DEGRADED".into()));
    assert_eq!(list[0].state.to_string(), "DEGRADED");
    assert_eq!(list[0].tasks[0].state, State::Other("WARMING".into()));
    assert_eq!(list[0].kind, ConnectorType::Unknown);
    // No status yet (created a moment ago): unassigned, type from the info.
    assert_eq!(list[1].state, State::Unassigned);
    assert_eq!(list[1].kind, ConnectorType::Sink);
    assert_eq!(list[1].class, "C");
}

#[test]
fn worker_info_and_stop_support() {
    let info: WorkerInfo = serde_json::from_slice(&fixture("worker_info.json")).unwrap();
    assert_eq!(info.version, "4.3.1");
    assert_eq!(info.commit, "26b251a451ce941d");
    assert_eq!(info.kafka_cluster_id, "0mAlMEwTQbimaGTROnrxRw");
    assert!(info.supports_stop());
    let v = |s: &str| WorkerInfo {
        version: s.into(),
        commit: String::new(),
        kafka_cluster_id: String::new(),
    };
    assert!(!v("3.4.1").supports_stop());
    assert!(!v("2.8.0").supports_stop());
    assert!(v("3.5.0").supports_stop());
    assert!(v("7.6.0-ccs").supports_stop());
    assert!(v("nightly").supports_stop(), "unknown: let the worker say");
}

#[test]
fn plugins_parse_with_their_kind() {
    let p: Vec<Plugin> = serde_json::from_slice(&fixture("connector_plugins.json")).unwrap();
    let kinds: Vec<(&str, &str)> = p
        .iter()
        .map(|p| (p.class.rsplit('.').next().unwrap(), p.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("FileStreamSinkConnector", "sink"),
            ("FileStreamSourceConnector", "source")
        ]
    );
    assert_eq!(p[0].version.as_deref(), Some("4.3.1"));
    let all: Vec<Plugin> = serde_json::from_slice(&fixture("connector_plugins_all.json")).unwrap();
    assert!(all.iter().any(|p| p.kind == "transformation"), "{all:?}");
    assert!(all.iter().any(|p| p.kind == "converter"), "{all:?}");
}

#[test]
fn validation_errors_map_to_their_fields() {
    let v = parse_validation(&fixture("validate_errors.json")).unwrap();
    assert_eq!(v.class, "FileStreamSource");
    assert_eq!(v.error_count, 3);
    assert!(!v.is_valid());
    let errors = v.errors_by_field();
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        ["tasks.max", "topic"],
        "{errors:?}"
    );
    assert_eq!(
        errors["topic"],
        ["Missing required configuration \"topic\" which has no default value."]
    );
    assert_eq!(errors["tasks.max"].len(), 2);
    assert!(errors["tasks.max"][0].contains("Not a number of type INT"));
    let topic = v.fields.iter().find(|f| f.name == "topic").unwrap();
    assert!(topic.required);
    assert_eq!(topic.kind, "STRING");
    let tasks = v.fields.iter().find(|f| f.name == "tasks.max").unwrap();
    assert_eq!(tasks.kind, "INT");
    assert_eq!(tasks.default_value.as_deref(), Some("1"));
    assert_eq!(tasks.group.as_deref(), Some("Common"));

    let ok = parse_validation(&fixture("validate_ok.json")).unwrap();
    assert!(ok.is_valid());
    assert!(ok.errors_by_field().is_empty());
    assert!(ok.fields.len() > 10, "every field of the plugin is listed");
}

#[test]
fn topics_status_config_and_restart_answers_parse() {
    assert_eq!(
        parse_topics("rec-sink", &fixture("connector_topics.json")).unwrap(),
        ["rec-lines"]
    );
    assert!(parse_topics("other", &fixture("connector_topics.json")).is_err());

    let s: ConnectorStatus =
        serde_json::from_slice(&fixture("connector_status_failed.json")).unwrap();
    assert_eq!(s.kind, ConnectorType::Sink);
    assert_eq!(s.tasks[0].state, State::Failed);
    assert!(s.tasks[0]
        .trace
        .as_deref()
        .unwrap()
        .contains("Is a directory"));

    let r: ConnectorStatus = serde_json::from_slice(&fixture("restart_only_failed.json")).unwrap();
    assert_eq!(r.tasks[0].state, State::Restarting);

    let c: BTreeMap<String, String> =
        serde_json::from_slice(&fixture("connector_config.json")).unwrap();
    assert_eq!(c["connector.class"], "FileStreamSink");

    let created: ConnectorInfo =
        serde_json::from_slice(&fixture("put_config_created.json")).unwrap();
    assert_eq!(created.name, "rec-put");
    assert_eq!(created.kind, ConnectorType::Sink);
}

#[test]
fn worker_errors_become_typed_one_line_messages() {
    let e = |status, name| ConnectError::from_status("http://w:1", status, &fixture(name));
    assert_eq!(
        e(404, "error_not_found.json"),
        ConnectError::NotFound {
            message: "No status found for connector nope".into()
        }
    );
    assert_eq!(
        e(409, "error_conflict_exists.json"),
        ConnectError::Conflict {
            message: "Connector rec-source already exists".into()
        }
    );
    let bad = e(400, "error_bad_request.json");
    let ConnectError::BadRequest { message } = &bad else {
        panic!("{bad:?}")
    };
    assert!(
        message.starts_with("Connector configuration is invalid and contains the following 4 error(s):; Invalid value x for configuration tasks.max"),
        "{message}"
    );
    let server = e(500, "error_server.json");
    let ConnectError::Http {
        status: 500,
        message,
    } = &server
    else {
        panic!("{server:?}")
    };
    assert!(
        message.chars().count() <= 300 && message.ends_with('…'),
        "{message}"
    );
    for err in [bad, server, e(404, "error_unknown_endpoint.json")] {
        let shown = err.to_string();
        assert!(!shown.contains('\n') && !shown.contains('\t'), "{shown:?}");
    }
    // The rebalance 409 that Connect's herder sends (RebalanceNeededException's text).
    let rebalance = ConnectError::from_status(
        "http://w:1",
        409,
        br#"{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}"#,
    );
    assert!(rebalance.is_transient(), "{rebalance}");
    for status in [401, 403] {
        let auth = ConnectError::from_status("http://w:1", status, b"<html>Unauthorized</html>");
        assert!(
            matches!(auth, ConnectError::Auth { status: s, .. } if s == status),
            "{auth:?}"
        );
    }
    assert_eq!(
        ConnectError::from_status("http://w:1", 502, b""),
        ConnectError::Http {
            status: 502,
            message: "HTTP 502".into()
        }
    );
}

#[test]
fn one_line_flattens_and_caps() {
    assert_eq!(one_line("  a\n\tb  c\r\n d ", 100), "a; b c; d");
    assert_eq!(one_line("abcdef", 4), "abc…");
    assert_eq!(one_line("\n\n", 10), "");
}

#[test]
fn connector_json_from_the_editor() {
    let nested = ConnectorSpec::from_json(
        r#"{"name":"s","config":{"connector.class":"FileStreamSink","tasks.max":1,"x":true}}"#,
    )
    .unwrap();
    assert_eq!(nested.name, "s");
    assert_eq!(nested.config["tasks.max"], "1");
    assert_eq!(nested.config["x"], "true");
    assert!(!nested.config.contains_key("name"));
    // What GET …/config returns: flat, with "name" inside.
    let flat =
        ConnectorSpec::from_json(&String::from_utf8(fixture("connector_config.json")).unwrap())
            .unwrap();
    assert_eq!(flat.name, "rec-sink");
    assert_eq!(flat.config["file"], "/tmp/rec/out.txt");
    // Round trip through the editor text.
    assert_eq!(ConnectorSpec::from_json(&nested.to_json()).unwrap(), nested);

    for (bad, says) in [
        ("[1]", "must be an object"),
        ("{", "connector JSON"),
        (r#"{"config":{"a":"b"}}"#, "needs a \"name\""),
        (
            r#"{"name":"a","config":{"name":"b"}}"#,
            "config \"name\" is \"b\"",
        ),
        (
            r#"{"name":"a","config":{"k":[1]}}"#,
            "config \"k\" must be a string",
        ),
        (
            r#"{"name":"a","config":{"k":null}}"#,
            "config \"k\" must be a string",
        ),
        (
            r#"{"name":"a","config":"x"}"#,
            "\"config\" must be an object",
        ),
        (
            r#"{"name":"a","config":{},"tasks":[]}"#,
            "unexpected key \"tasks\"",
        ),
        (r#"{"name":" a","config":{}}"#, "white space"),
        (r#"{"name":"","config":{}}"#, "name is empty"),
        (r#"{"name":7}"#, "\"name\" must be a string"),
    ] {
        match ConnectorSpec::from_json(bad) {
            Err(ConnectError::Invalid(m)) => assert!(m.contains(says), "{bad}: {m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn credentials_never_show() {
    let auth = BasicAuth {
        user: "connect-admin".into(),
        password: "hunter2-secret".into(),
    };
    let shown = format!("{auth:?}");
    assert!(
        shown.contains("connect-admin") && !shown.contains("hunter2"),
        "{shown}"
    );

    let c = ConnectClient::new(
        "http://bob:s%40cret-pw@127.0.0.1:8083/",
        None,
        ConnectOptions::default(),
    )
    .unwrap();
    assert_eq!(c.url(), "http://127.0.0.1:8083");
    let debug = format!("{c:?}");
    assert!(
        debug.contains("bob") && !debug.contains("cret-pw"),
        "{debug}"
    );
    assert_eq!(
        c.auth,
        Some(BasicAuth {
            user: "bob".into(),
            password: "s@cret-pw".into()
        }),
        "the URL's credentials become basic auth, decoded"
    );
    // A URL that does not parse is echoed without its credentials.
    let e = ConnectClient::new("http://bob:pw-42@[::1", None, ConnectOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("********@") && !e.contains("pw-42"), "{e}");
}

#[test]
fn bad_urls_are_refused_with_a_reason() {
    for (url, says) in [
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://h:21", "not http or https"),
        ("http://", "empty host"),
        ("http://h:99999", "invalid port"),
    ] {
        match ConnectClient::new(url, None, ConnectOptions::default()) {
            Err(ConnectError::Invalid(m)) => assert!(m.contains(says), "{url:?}: {m}"),
            other => panic!("{url:?}: {other:?}"),
        }
    }
    let bare = ConnectClient::new("localhost:8083", None, ConnectOptions::default()).unwrap();
    assert_eq!(bare.url(), "http://localhost:8083");
}

#[test]
fn paths_are_encoded_per_segment_under_the_base_path() {
    let c = ConnectClient::new("https://proxy/connect/", None, ConnectOptions::default()).unwrap();
    let u = c
        .url_for(
            &["connectors", "a/b c?#", "restart"],
            &[("includeTasks", "true")],
        )
        .unwrap();
    assert_eq!(
        u.as_str(),
        "https://proxy/connect/connectors/a%2Fb%20c%3F%23/restart?includeTasks=true"
    );
    let root = ConnectClient::new("http://w:1", None, ConnectOptions::default()).unwrap();
    assert_eq!(root.url_for(&[], &[]).unwrap().as_str(), "http://w:1/");
}

/// A server answering one request with `status` and `body`; the task gives the request.
async fn serve_once(
    status: &'static str,
    body: &'static str,
) -> (String, tokio::task::JoinHandle<String>) {
    let (url, task) = http_stub::serve(vec![(status, body.to_string())]).await;
    (
        url,
        tokio::spawn(async move { task.await.unwrap().remove(0) }),
    )
}

#[tokio::test]
async fn basic_auth_is_sent_and_a_401_is_an_auth_error() {
    let (url, req) = serve_once(
        "401 Unauthorized",
        r#"{"error_code":401,"message":"User cannot access the resource."}"#,
    )
    .await;
    let auth = BasicAuth {
        user: "kt".into(),
        password: "pw".into(),
    };
    let c = ConnectClient::new(&url, Some(auth), ConnectOptions::default()).unwrap();
    let err = c.connectors().await.unwrap_err();
    let req = req.await.unwrap();
    assert!(
        req.starts_with("GET /connectors?expand=status&expand=info HTTP/1.1"),
        "{req}"
    );
    // base64("kt:pw")
    assert!(req.contains("authorization: Basic a3Q6cHc="), "{req}");
    assert_eq!(
        err,
        ConnectError::Auth {
            url: url.clone(),
            status: 401,
            message: "User cannot access the resource.".into()
        }
    );
    assert!(!err.to_string().contains("pw"), "{err}");
}

#[tokio::test]
async fn validate_sends_the_class_in_the_config_and_maps_fields() {
    let (url, req) = serve_once(
        "200 OK",
        r#"{"name":"FileStreamSink","error_count":1,"groups":["Common"],"configs":[{"definition":null,"value":{"name":"topics","value":null,"recommended_values":[],"errors":["Must configure one of topics or topics.regex"],"visible":true}}]}"#,
    )
    .await;
    let c = ConnectClient::new(&url, None, ConnectOptions::default()).unwrap();
    let mut config = BTreeMap::new();
    config.insert("file".to_string(), "/tmp/x".to_string());
    let v = c.validate("FileStreamSink", &config).await.unwrap();
    let req = req.await.unwrap();
    assert!(
        req.starts_with("PUT /connector-plugins/FileStreamSink/config/validate HTTP/1.1"),
        "{req}"
    );
    assert!(
        req.ends_with(r#"{"connector.class":"FileStreamSink","file":"/tmp/x"}"#),
        "{req}"
    );
    assert_eq!(
        v.errors_by_field()["topics"],
        ["Must configure one of topics or topics.regex"]
    );
    assert_eq!(v.fields[0].kind, "", "no definition");
    // Without a class anywhere there is nothing to validate against.
    assert!(matches!(
        c.validate("", &config).await,
        Err(ConnectError::Invalid(_))
    ));
}

#[tokio::test]
async fn a_plain_restart_answers_nothing_and_a_non_json_success_is_a_decode_error() {
    let (url, req) = serve_once("204 No Content", "").await;
    let c = ConnectClient::new(&url, None, ConnectOptions::default()).unwrap();
    assert_eq!(c.restart("a b", RestartOptions::default()).await, Ok(None));
    assert!(req
        .await
        .unwrap()
        .starts_with("POST /connectors/a%20b/restart HTTP/1.1"),);
    let (url, _req) = serve_once("200 OK", "<html>proxy login</html>").await;
    let c = ConnectClient::new(&url, None, ConnectOptions::default()).unwrap();
    match c.worker_info().await {
        Err(ConnectError::Decode { url: u, .. }) => assert_eq!(u, url),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn stop_on_a_worker_without_the_endpoint_is_unsupported() {
    let (url, _req) = serve_once(
        "404 Not Found",
        r#"{"error_code":404,"message":"HTTP 404 Not Found"}"#,
    )
    .await;
    let c = ConnectClient::new(&url, None, ConnectOptions::default()).unwrap();
    let e = c.stop("x").await.unwrap_err();
    assert!(matches!(e, ConnectError::Unsupported { .. }), "{e:?}");
    // Connect's own 404 for a connector it does not have stays NotFound.
    let (url, _req) = serve_once(
        "404 Not Found",
        r#"{"error_code":404,"message":"Connector x not found"}"#,
    )
    .await;
    let c = ConnectClient::new(&url, None, ConnectOptions::default()).unwrap();
    assert_eq!(
        c.stop("x").await,
        Err(ConnectError::NotFound {
            message: "Connector x not found".into()
        })
    );
}

#[tokio::test]
async fn invalid_names_are_refused_before_any_request() {
    // Nothing listens on this URL: an answer other than Invalid would mean a request went out.
    let c = ConnectClient::new(
        "http://127.0.0.1:9",
        None,
        ConnectOptions {
            connect_timeout: Duration::from_millis(200),
            request_timeout: Duration::from_millis(500),
        },
    )
    .unwrap();
    for name in ["", " x", "a\nb"] {
        assert!(
            matches!(c.delete(name).await, Err(ConnectError::Invalid(_))),
            "{name:?}"
        );
    }
}

#[test]
fn clusters_are_named_after_their_url_and_names_are_unique() {
    let cl = ConnectClusters::from_urls(
        &["http://127.0.0.1:1", "http://user:pw@127.0.0.1:2/"],
        None,
        ConnectOptions::default(),
    )
    .unwrap();
    assert_eq!(cl.names(), ["127.0.0.1:1", "127.0.0.1:2"]);
    assert_eq!(cl.get("127.0.0.1:2").unwrap().url(), "http://127.0.0.1:2");
    assert!(cl.get("nope").is_none());
    let dup = ConnectClusters::new(
        &[
            ConnectEndpoint {
                name: "a".into(),
                url: "h:1".into(),
                auth: None,
            },
            ConnectEndpoint {
                name: " a ".into(),
                url: "h:2".into(),
                auth: None,
            },
        ],
        ConnectOptions::default(),
    );
    assert!(matches!(dup, Err(ConnectError::Invalid(m)) if m.contains("\"a\"")));
}
