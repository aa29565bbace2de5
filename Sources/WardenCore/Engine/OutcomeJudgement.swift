/// Whether one attempt of a command step succeeded on a host: it ran,
/// exited 0, its output parsed, and its `expect` and `until` hold. The plan
/// (for read-only steps) and the run judge alike.
enum OutcomeJudgement {
    struct Verdict: Sendable {
        /// What the command gave, when it ran.
        public var record: HostRecord?
        /// Why it failed; nil when it succeeded.
        public var problem: String?
    }

    static func judge(
        _ step: Step, host: InventoryHost?, outcome: CommandAttempt.Outcome, context: EngineContext,
        steps: [String: RecordSet], probes: [String: RecordSet]
    ) -> Verdict {
        switch outcome {
        case let .unreachable(message, _):
            return Verdict(record: nil, problem: context.redactor.redact(HostReason.trimmed(message, host: host?.name)))
        case let .ran(record, parseError):
            // A command that failed says so first: its output is then seldom what the parser expects,
            // and "does not parse" would hide the exit status and the error it printed.
            guard record.exit == 0 else {
                let detail = step.noLog ? "" : record.stderr.split(separator: "\n").first.map { ": \($0)" } ?? ""
                return Verdict(record: record, problem: context.redactor.redact("exited \(record.exit.map(String.init) ?? "by a signal")\(detail)"))
            }
            if parseError != nil, step.noLog, let parser = step.parser {
                // A parse error quotes the output it could not read.
                return Verdict(record: record, problem: "the output does not parse as \(parser.name) (not shown: no_log)")
            }
            if let parseError { return Verdict(record: record, problem: context.redactor.redact(parseError)) }
            let environment = context.environment(scope: step.scope, host: host, output: record, steps: steps, probes: probes)
            for (name, condition) in [("until", step.until), ("expect", step.expect)] {
                guard let condition else { continue }
                switch ConditionEvaluation.evaluate(condition, in: environment) {
                case .success(true): continue
                case .success(false):
                    return Verdict(record: record, problem: "\(name) \(condition.text) is false")
                case .failure where step.noLog:
                    // An evaluation error may quote the value it failed on.
                    return Verdict(record: record, problem: "\(name) \(condition.text) cannot be evaluated (not shown: no_log)")
                case let .failure(error):
                    return Verdict(record: record, problem: context.redactor.redact("\(name): \(error.description)"))
                }
            }
            return Verdict(record: record, problem: nil)
        }
    }
}
