//! What a session chooses for an App when it builds one (`App::with_options`).

use crate::keymap;
use crate::layout;
use crate::model::StartFrom;
use crate::state::Pane;

/// What a session chooses for the app, beside its clients and panes: the flags' and the config
/// file's choices and the handles of the Connect, Streams and file tasks.
pub struct AppOptions {
    /// The pane focused at the start (a `:ctx` switch keeps the person's).
    pub focus: Pane,
    /// The topic to tail as soon as it is listed (`-t`).
    pub pending_topic: Option<String>,
    pub default_start: StartFrom,
    pub default_until: Option<crate::model::Until>,
    pub keymap: keymap::Keymap,
    pub layout: layout::Arrangement,
    pub config_path: Option<std::path::PathBuf>,
    pub read_only: bool,
    pub context: String,
    pub contexts: Vec<crate::model::ContextInfo>,
    pub cluster_color: Option<String>,
    pub connect: crate::connect::ConnectHandle,
    pub streams: crate::streams::StreamsHandle,
    pub streams_topology_configured: bool,
    pub files: Option<crate::files::FilesHandle>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            focus: Pane::Topics,
            pending_topic: None,
            default_start: StartFrom::End,
            default_until: None,
            keymap: Default::default(),
            layout: layout::Arrangement::default(),
            config_path: None,
            read_only: false,
            context: String::new(),
            contexts: Vec::new(),
            cluster_color: None,
            connect: crate::connect::ConnectHandle::none(),
            streams: crate::streams::StreamsHandle::none(),
            streams_topology_configured: false,
            files: None,
        }
    }
}
