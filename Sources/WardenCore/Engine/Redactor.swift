/// Replaces secret parameter values wherever they would be shown or stored:
/// rendered commands, captured output, messages. Both the raw text and its
/// shell-quoted form are replaced, so a quoted secret in a command line is
/// caught too.
public struct Redactor: Sendable {
    public static let mask = "<secret>"
    private let needles: [String]

    public init(secrets: [String]) {
        var needles = Set<String>()
        for secret in secrets where !secret.isEmpty {
            needles.insert(secret)
            needles.insert(ShellQuoting.quote(secret))
        }
        // Longest first, so the quoted form is replaced whole before its inside.
        self.needles = needles.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    public var isEmpty: Bool { needles.isEmpty }

    func redact(_ text: String) -> String {
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Redactor.mask)
        }
        return result
    }

    /// The same value with every string inside it redacted.
    func redact(_ value: Value) -> Value {
        guard !needles.isEmpty else { return value }
        switch value {
        case let .string(text): return .string(redact(text))
        case let .list(items): return .list(items.map(redact))
        case let .map(entries): return .map(entries.mapValues(redact))
        default: return value
        }
    }
}
