/// Why an incident closed.
public enum IncidentCloseReason: Sendable, Hashable, CustomStringConvertible {
    /// All its alerts resolved and all its runs ended.
    case resolved
    /// The server could not start its run: closed so that automation is not stuck
    /// attaching alerts to a run that does not exist (throttles still apply to a retry).
    case startFailed
    /// An operator closed it, saying why.
    case byOperator(String)

    public var description: String {
        switch self {
        case .resolved: "all its alerts resolved and its runs ended"
        case .startFailed: "its run could not be started"
        case let .byOperator(reason): "closed by an operator: \(reason)"
        }
    }
}
