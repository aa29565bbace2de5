/// The parts of a step that read records (`steps.<id>`, `probes.<name>`),
/// grouped by when they are read. The plan (to know what a step waits on
/// and which probes to take), the run (to take the step's probes when it
/// starts, and those read as `.before` before the first step) and a resume
/// (for `verify`) all read these lists, so no part is left without the
/// records validation lets it read.
extension Step {
    /// What decides whether and what the step sends to each host, and how
    /// that is undone: `when`, the command or the `collect` paths (or a
    /// report's text), `undo`, and the deadman's revert. Read when the step starts.
    var expressionsDeciding: [Expression] {
        var expressions: [Expression] = []
        if let when { expressions.append(when) }
        if let command { expressions += command.holes.map(\.expression) }
        if case let .collect(collect) = kind { expressions += collect.paths.flatMap { $0.holes.map(\.expression) } }
        if case let .report(report) = kind {
            expressions += report.name.holes.map(\.expression) + (report.markdown?.holes.map(\.expression) ?? []) + (report.json.map { [$0] } ?? [])
        }
        if let undo { expressions += undo.holes.map(\.expression) }
        if let revert = deadman?.command { expressions += revert.holes.map(\.expression) }
        return expressions
    }

    /// What judges each attempt's output: `expect` and `until`. Read with
    /// the records the step was decided on.
    var expressionsJudging: [Expression] {
        [expect, until].compactMap { $0 }
    }

    /// What `verify` reads: its command and its `expect`, run by a resume
    /// for a change whose outcome the journal never got.
    var expressionsVerifying: [Expression] {
        guard let verify else { return [] }
        return verify.command.holes.map(\.expression) + [verify.expect]
    }

    /// Every part's expressions.
    var expressionsReadingRecords: [Expression] {
        expressionsDeciding + expressionsJudging + expressionsVerifying
    }

    /// Whether the step's `undo` reads the step's own result: it can only be
    /// rendered once the step ran on the host (at rollback), not when it is decided.
    func undoReadsItself(in context: EngineContext) -> Bool {
        guard let undo else { return false }
        return undo.holes.contains { context.stepsRead(by: $0.expression, scope: scope).contains(id) }
    }
}
