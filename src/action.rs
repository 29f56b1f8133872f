//! What the person wants: keys map to these (see `keymap`), `App::update` carries them out.

use crate::state::Pane;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    Focus(Pane),
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: tail the selected topic, open the selected record, ...
    Select,
    /// Esc: close the innermost thing that is open.
    Back,
    Help,
    /// `/`: filter the topic list, search the logs.
    Filter,
    /// `:`: the command prompt.
    Command,
    ToggleInternal,
    Refresh,
    CycleFormat,
    ToggleTimestamps,
    /// Pause/resume following in the tail or the logs.
    ToggleFollow,
    ClearTail,
    /// Bring back what `ClearTail` cleared.
    UndoClear,
    /// Tail: the filter hides what does not match, or highlights what does.
    ToggleFindMode,
    NextSource,
    PrevSource,
    SearchNext,
    SearchPrev,
    ToggleWrap,
    /// Logs: show more or fewer levels.
    CycleVerbosity,
    /// Producer: the previous / next record of the history into the editors.
    HistoryOlder,
    HistoryNewer,
    /// Producer: the history as a fuzzy-filtered list (`:history`).
    HistoryPicker,
    /// Groups list: the next sort order.
    CycleSort,
    /// The focused pane fills the body, or the four panes come back.
    ToggleZoom,
    /// Moves the split between Topics and Tail (and between Producer and Logs) by a step.
    SplitLeft,
    SplitRight,
    /// Moves the split between the top row (Topics, Tail) and the bottom one by a step.
    TallerTop,
    ShorterTop,
    /// Start editing the producer.
    Edit,
    Publish,
    ProducerNextField,
    ProducerPrevField,
    ClearProducer,
    /// Put the newest record that failed to send back into the editors.
    RestoreUnsent,
    /// Copy the selected tail record (key, headers, value) into the producer, to edit and
    /// send again.
    ToProducer,
    /// Topic detail: partitions, replicas, ISR, watermarks, configs.
    Describe,
    CreateTopic,
    DeleteTopic,
    AddPartitions,
    EditConfig,
    ResetOffsets,
    DeleteGroup,
    /// Connect: the workers' connector plugins, or back to the connectors.
    TogglePlugins,
    NewConnector,
    EditConnector,
    PauseConnector,
    ResumeConnector,
    /// The connector and its tasks.
    RestartConnector,
    RestartFailedTasks,
    /// One task, asked for by number.
    RestartTask,
    DeleteConnector,
    /// Streams: the next / previous application.
    NextApp,
    PrevApp,
    /// Schemas: the subject's next / previous version.
    NextVersion,
    PrevVersion,
    /// Record detail: scroll sideways (when not wrapping).
    ScrollLeft,
    ScrollRight,
    /// Record detail: copy the value (`y`) or the whole record as JSON (`Y`) with OSC 52.
    CopyValue,
    CopyRecord,
    /// Record detail: open the value in $PAGER (`o`) or $EDITOR (`e`).
    OpenPager,
    OpenEditor,
}
