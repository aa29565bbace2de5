/// A finding of `warden validate`: an error that stops the runbook from
/// loading, or a warning about something legal but risky.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public let severity: Severity
    public let problem: LocatedError

    public init(_ severity: Severity, _ problem: LocatedError) {
        self.severity = severity
        self.problem = problem
    }

    /// `file:line:column: warning: message; hint`, the compiler format.
    public var description: String {
        guard severity == .warning else { return problem.description }
        var text = problem.location.map { "\($0): " } ?? ""
        text += "warning: \(problem.message)"
        if let hint = problem.hint { text += "; \(hint)" }
        return text
    }
}

extension Diagnostic {
    /// Sorted by place, findings without a place last; the sort is stable,
    /// so findings at one spot keep the order they were found in.
    static func inFileOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            switch (lhs.element.problem.location, rhs.element.problem.location) {
            case let (left?, right?) where left != right: return left < right
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }
}
