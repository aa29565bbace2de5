/// How a run reaches whoever started it: step progress, lifecycle notices, and
/// (in step mode) the question before each step. The CLI renders them on a
/// terminal; the daemon streams them to its clients and answers step
/// questions from its API. Called from the run's tasks: implementations must
/// not block.
public protocol RunDelegate: Sendable {
    /// A step or host started or finished.
    func progress(_ event: RunEvent)
    /// Something about the run as a whole (see `RunNotice`).
    func notice(_ notice: RunNotice)
    /// Asked before each step when the run is in step mode; never called otherwise.
    func confirm(_ preview: StepPreview) async -> StepDecision
}

extension RunDelegate {
    public func progress(_ event: RunEvent) {}
    public func notice(_ notice: RunNotice) {}
    public func confirm(_ preview: StepPreview) async -> StepDecision { .abort }
}

/// A delegate that shows nothing and answers nothing: for runs nobody watches, and tests.
public struct SilentRunDelegate: RunDelegate {
    public init() {}
}
