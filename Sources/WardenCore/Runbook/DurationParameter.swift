/// A duration a runbook takes from a parameter (`every: "{{ params.poll }}"`,
/// `deadman: {after: "{{ params.revert_after }}"}`), so one runbook serves
/// each site's pace. The loader checks that the parameter is declared with
/// type duration; the value is filled in when parameters are bound
/// (`Runbook.resolvingDurations`), before anything is planned.
struct DurationParameter: Sendable, Hashable {
    /// Which setting takes the value.
    enum Field: String, Sendable, Hashable {
        case timeout, delay, batchPause = "batch_pause", pause
        case waitEvery = "wait.every", waitTimeout = "wait.timeout"
        case approvalTimeout = "approve.timeout", deadmanAfter = "deadman.after", watchEvery = "watch.every"
    }

    public let field: Field
    /// The step's id, for every field but `watch.every`.
    public let step: String?
    /// The watch's index in `Runbook.watches`, for `watch.every`.
    public let watch: Int?
    public let parameter: String
    let scope: Int
    public let location: SourceLocation
}

extension Runbook {
    /// This runbook with the durations that read parameters filled in from
    /// `parameters`. A value that is not a positive duration is an error at
    /// the place in the runbook that reads it.
    func resolvingDurations(_ parameters: ParameterBinding) throws(LocatedError) -> Runbook {
        guard !durationParameters.isEmpty else { return self }
        var resolved = self
        for reference in durationParameters {
            let value = parameters.values[reference.scope]?[reference.parameter] ?? .null
            guard case let .duration(duration) = value, duration > .zero else {
                throw LocatedError("\(reference.field.rawValue) reads params.\(reference.parameter), which is \(value.description), not a duration above zero",
                                   at: reference.location)
            }
            if let index = reference.watch, resolved.watches.indices.contains(index) {
                resolved.watches[index].every = duration
            } else if let id = reference.step {
                if let index = resolved.steps.firstIndex(where: { $0.id == id }) {
                    resolved.steps[index].set(reference.field, to: duration)
                } else if let index = resolved.finally.firstIndex(where: { $0.id == id }) {
                    resolved.finally[index].set(reference.field, to: duration)
                }
            }
        }
        return resolved
    }
}

extension Step {
    /// Sets one duration setting of the step.
    mutating func set(_ field: DurationParameter.Field, to duration: Duration) {
        switch (field, kind) {
        case (.timeout, _): timeout = duration
        case (.delay, _): delay = duration
        case (.batchPause, _): batchPause = duration
        case (.deadmanAfter, _): deadman?.after = duration
        case (.pause, .pause(var spec)):
            spec.duration = duration
            kind = .pause(spec)
        case (.waitEvery, .wait(var spec)):
            spec.every = duration
            kind = .wait(spec)
        case (.waitTimeout, .wait(var spec)):
            spec.timeout = .duration(duration)
            kind = .wait(spec)
        case (.approvalTimeout, .approve(var spec)):
            spec.timeout = duration
            kind = .approve(spec)
        default:
            break
        }
    }
}
