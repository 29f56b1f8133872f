//! The peers `.ci/peers.sh` starts (Apache Kafka, Connect, the registry, noida-db, tansu) as
//! the tests find them: environment variables, and names no other run has used.

/// A peer's variable from `.ci/peers.sh`, or None (locally) when it is not running. In CI a
/// missing peer fails the test instead of skipping it.
pub fn peer(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} is not set: .ci/run must start {what} for this test (docs/peers.md)"
            );
            eprintln!(
                "SKIPPED: {var} is not set ({what} is not running; .ci/run starts it, or source .ci/peers.sh && peers_start)"
            );
            None
        }
    }
}

/// A variable that `.ci/peers.sh` exports together with the one `peer` checked.
pub fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (docs/peers.md)"))
}

/// A topic or group name no earlier run on the same long-lived peer has used.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}
