import Foundation

/// A silence as Alertmanager's `GET /api/v2/silence/{id}` tells it: its state now and the
/// times, matchers and words it was made with.
public struct AlertmanagerSilence: Sendable, Hashable {
    /// Alertmanager's `status.state`.
    public enum State: String, Sendable, Hashable {
        /// Silencing now.
        case active
        /// Made with a `startsAt` still ahead.
        case pending
        /// Ended: expired by request, or its `endsAt` passed. Alertmanager keeps it for its
        /// retention (`--data.retention`, 120 h by default), then forgets it.
        case expired
    }

    public var id: String
    public var state: State
    public var matchers: [AlertmanagerMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: String
    public var comment: String

    public init(id: String, state: State, matchers: [AlertmanagerMatcher], startsAt: Date, endsAt: Date, createdBy: String, comment: String) {
        self.id = id
        self.state = state
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }
}
