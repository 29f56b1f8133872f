//! Kafka Connect's REST API: connectors with their state, tasks, traces and topics; pause,
//! resume, stop, restart, delete; create, update and validate; plugins and worker info; several
//! Connect clusters at once. Plain data in and out (no app, ui or kafka types), async on tokio.
//! docs/connect-streams.md describes what it does and its limits.

mod client;
mod clusters;
mod error;
mod task;
mod types;

pub use client::{mask_url, BasicAuth, ConnectClient, ConnectOptions, RestartOptions};
pub use clusters::{ConnectClusters, ConnectEndpoint, Tagged};
pub use error::ConnectError;
pub use task::{
    read_only_refusal, spawn, ConnectCommand, ConnectEvent, ConnectHandle, ConnectOp, WATCH_EVERY,
};
/// The worker's JSON read into plain data (for recorded answers in tests, too).
pub use types::{parse_expanded as parse_connectors, parse_validation};
pub use types::{
    validate_name, Connector, ConnectorInfo, ConnectorSpec, ConnectorState, ConnectorStatus,
    ConnectorType, FieldValidation, Plugin, State, TaskId, TaskStatus, Validation, WorkerInfo,
};

#[cfg(test)]
mod tests;
