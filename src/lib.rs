//! kafka-tui: a terminal explorer for Apache Kafka. The binary is a thin shell around this
//! library so that tests and benchmarks drive the same code paths as the person at the keyboard.
#![deny(unsafe_code)]

pub mod action;
pub mod app;
pub mod cli;
pub mod config;
pub mod connect;
pub mod dump;
pub mod event;
pub mod export;
pub mod files;
pub mod find;
pub mod handoff;
pub mod history_file;
pub mod kafka;
pub mod keymap;
pub mod layout;
pub mod layout_config;
pub mod logging;
pub mod logsource;
pub mod model;
pub mod replay;
pub mod run;
pub mod schema;
pub mod session;
pub mod signals;
pub mod state;
pub mod streams;
pub mod template;
pub mod text;
pub mod theme;
pub mod timing;
pub mod tui;
pub mod ui;

/// The unit tests' one-shot HTTP server, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/common/http_stub.rs"]
mod http_stub;
