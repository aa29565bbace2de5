import Foundation

/// One open incident: a rule and incident key with firing alerts, and the run
/// started for it. Later alerts of the key attach to it instead of starting a
/// parallel run; it closes when its alerts resolved and its runs ended.
public struct AlertIncident: Sendable, Hashable {
    /// `I<n>`, numbered in the order incidents opened (so a replay numbers them alike).
    public let id: String
    public let key: IncidentKey
    public let openedAt: Date
    /// Fingerprints of its alerts that fire now.
    public var firing: Set<String>
    /// Runs started for it that have not ended.
    public var runs: Set<String>
    /// A `start` was decided and the server has not said how it went.
    public var startPending: Bool
    /// The last run started for it, for messages.
    public var lastRun: String?

    public init(id: String, key: IncidentKey, openedAt: Date, firing: Set<String>) {
        self.id = id
        self.key = key
        self.openedAt = openedAt
        self.firing = firing
        runs = []
        startPending = true
        lastRun = nil
    }

    /// Nothing fires and nothing runs.
    public var isSettled: Bool { firing.isEmpty && runs.isEmpty && !startPending }
}
