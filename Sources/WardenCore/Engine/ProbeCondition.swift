/// A condition (a guard's `expect`, a watch's `abort_if`, a wait's `until`)
/// evaluated on each host of a probe's sample.
enum ProbeCondition {
    /// Holds when true on every host (with `any`: on at least one); unknown
    /// when it could not be evaluated on some host. Details say per host what
    /// was seen, with the probe's result when the condition does not hold.
    static func evaluate(
        _ condition: Expression, over records: RecordSet, probe spec: ProbeSpec, scope: Int, context: EngineContext, any: Bool,
        steps: [String: RecordSet] = [:]
    ) -> (status: PlanCondition, details: [String]) {
        var trueCount = 0
        var falseCount = 0
        var details: [String] = []
        for (name, record) in records.hosts {
            let host = context.hosts(of: spec.target).first { $0.name == name }
            let environment = context.environment(scope: scope, host: host, output: record, steps: steps)
            switch ConditionEvaluation.evaluate(condition, in: environment) {
            case .success(true):
                trueCount += 1
                details.append("\(name): holds")
            case .success(false):
                falseCount += 1
                details.append(context.redactor.redact("\(name): does not hold; result = \(ProbeCondition.brief(record.result))"))
            case let .failure(error):
                details.append(context.redactor.redact("\(name): \(error.description)"))
            }
        }
        let evaluated = trueCount + falseCount
        if any {
            if trueCount > 0 { return (.holds, details) }
            return (evaluated == records.hosts.count ? .fails : .unknown, details)
        }
        if falseCount > 0 { return (.fails, details) }
        return (evaluated == records.hosts.count ? .holds : .unknown, details)
    }

    /// A value short enough for one line of a report.
    static func brief(_ value: Value) -> String {
        let text = value == .null ? "null" : value.jsonText(pretty: false)
        return text.count > 160 ? String(text.prefix(157)) + "..." : text
    }
}
