import Foundation

/// Parameter values as the journal keeps them: JSON, typed, secrets replaced
/// by `<secret>`, so that `warden resume` can rebind every value but the
/// secrets, which the operator gives again.
extension ParameterBinding {
    func journalText(for runbook: Runbook) -> String {
        var entries: [String: Value] = [:]
        for spec in runbook.parameters {
            entries[spec.name] = spec.secret ? .string(Redactor.mask) : (values[0]?[spec.name] ?? .null)
        }
        return Value.map(entries).jsonText(pretty: false)
    }

    /// The journaled values, without secrets and nulls, ready to bind as a params file.
    static func restored(from text: String, runbook: Runbook) -> [String: Value] {
        guard let data = text.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data),
              case let .map(entries) = value else { return [:] }
        var result: [String: Value] = [:]
        for spec in runbook.parameters where !spec.secret {
            if let value = entries[spec.name], value != .null { result[spec.name] = value }
        }
        return result
    }
}
