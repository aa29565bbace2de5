/// What a run does when a step fails on a host (`on_error:`).
public enum ErrorPolicy: String, Sendable, Hashable, CaseIterable {
    /// Stop starting new work, then run cleanup. The default.
    case abort
    /// Record the failure and go on with the next step.
    case `continue`
    /// Stop, run the `undo` of every mutating step that completed, newest
    /// first, then run cleanup.
    case rollback
}
