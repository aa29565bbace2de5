/// The step decision on one host: whether the step acts on it and exactly
/// what it sends there, rendered from the records it was decided on.
/// Unredacted: whatever is shown goes through the redactor.
struct DecidedHost: Sendable {
    let host: InventoryHost
    let verdict: DecisionVerdict
    /// The command line with its secret files, or for `collect` the remote
    /// paths one per line; nil for a step that sends nothing, or a host left
    /// out whose command could not be rendered (for one left out it is
    /// rendered when it can be: the plan keeps it in its JSON).
    let command: RenderedCommand?
    /// The `undo` as rendered now; nil without one, or when it reads the
    /// step's own result (rendered at rollback, once that exists).
    let undo: RenderedCommand?
    /// The deadman's revert, handed to the timer armed before the change;
    /// nil without a deadman.
    let deadman: String?
    /// For a host done before a resume: whether the step acted on it then
    /// (its journaled outcome is not `skipped`), so that it still counts in
    /// the share `serial:` batches are sized from.
    var actedBefore = false

    var acts: Bool { verdict == .acts }

    /// What is sent to the host: its command (nothing when it has none).
    var sent: RenderedCommand { command ?? RenderedCommand(line: "") }

    /// The line sent, as journaled and (redacted) shown.
    var line: String { sent.line }
}
