import Foundation

/// A `warden serve` controller registered in its journal: who it is, where it listens, and
/// when it last said it was alive (its heartbeat, on the journal's clock). Controllers sharing
/// a journal list each other from these (`GET /api/v1/controllers`, `warden controllers`);
/// whether one is alive is judged by the age of its heartbeat, never by asking it.
public struct ControllerRecord: Sendable, Hashable, Codable {
    /// `hostname:pid`, as its runs and locks name it.
    public var id: String
    /// Where its API listens (`127.0.0.1:8470`).
    public var listen: String
    /// The Warden version it runs.
    public var version: String
    /// Seconds since 1970, on the journal's clock.
    public var startedAt: Double
    public var heartbeatAt: Double
    /// When it stopped gracefully; nil while it runs (or if it died).
    public var stoppedAt: Double?

    public init(id: String, listen: String, version: String, startedAt: Double, heartbeatAt: Double, stoppedAt: Double? = nil) {
        self.id = id
        self.listen = listen
        self.version = version
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, listen, version
        case startedAt = "started_at"
        case heartbeatAt = "heartbeat_at"
        case stoppedAt = "stopped_at"
    }
}
