/// How a `WebhookNotifier` delivery ended, for the caller to record (in the journal, as a
/// metric). Never thrown: a notification that could not be delivered must not stop what the
/// incident's automation does next.
public enum WebhookDeliveryResult: Sendable, Hashable, CustomStringConvertible {
    /// The receiver answered 2xx, after `attempts` tries (1 or 2).
    case delivered(status: Int, attempts: Int)
    /// Not delivered after `attempts` tries: `reason` names the receiver's `host:port` and
    /// what happened (never its path, query or token).
    case failed(reason: String, attempts: Int)

    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .delivered(let status, let attempts):
            "delivered (HTTP \(status)\(attempts > 1 ? ", on try \(attempts)" : ""))"
        case .failed(let reason, let attempts):
            "not delivered after \(attempts) \(attempts == 1 ? "try" : "tries"): \(reason)"
        }
    }
}
