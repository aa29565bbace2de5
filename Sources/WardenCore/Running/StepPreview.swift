/// What an operator walking a runbook step by step (`warden run --step`) is
/// shown before a step: the exact command per host, as far as it can be
/// rendered now.
public struct StepPreview: Sendable {
    public let id: String
    public let kind: String
    public let mutating: Bool
    public let doc: String?
    /// Host and command line (redacted); the host-less steps have none.
    public let commands: [(host: String, command: String)]
    /// Hosts left out now, and why (a false `when`, a render error).
    public let notes: [String]
}

/// The operator's answer before a step.
public enum StepDecision: Sendable {
    case run
    case skip
    case abort
}

extension Runner {
    /// The preview of `step` on the hosts' current records.
    func preview(_ step: Step) -> StepPreview {
        var commands: [(host: String, command: String)] = []
        var notes: [String] = []
        for host in context.hosts(of: step.target) {
            let environment = context.environment(scope: step.scope, host: host, steps: stepRecords)
            if let when = step.when, case let .success(flag) = ConditionEvaluation.evaluate(when, in: environment), !flag {
                notes.append("\(host.name): skipped (when \(when.text) is false)")
                continue
            }
            guard let command = step.command else { continue }
            do {
                commands.append((host.name, context.redactor.redact(try command.render(in: environment))))
            } catch {
                notes.append(context.redactor.redact("\(host.name): \(error.message)"))
            }
        }
        return StepPreview(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, doc: step.doc,
                           commands: commands, notes: notes)
    }
}
