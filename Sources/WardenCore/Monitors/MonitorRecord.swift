import Foundation

/// What the journal keeps of one monitor round (an alert input of kind
/// `monitor-sample`, source `monitor ID`): each rule's point, so that a
/// restarted daemon, or another controller of the journal, rebuilds the
/// windows from it. Only figures and verdict inputs, never probe output.
public struct MonitorRecord: Sendable, Hashable, Codable {
    public struct Point: Sendable, Hashable, Codable {
        public let breach: Bool?
        public let value: Double?
    }

    public let monitor: String
    /// By rule name.
    public let points: [String: Point]

    public init(monitor: String, points: [String: MonitorPoint]) {
        self.monitor = monitor
        self.points = points.mapValues { Point(breach: $0.breach, value: $0.value) }
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map(Array.init) ?? Array("{}".utf8)
    }

    /// The record of a journaled body; nil for one that is not (a later Warden's, a damaged one).
    public static func decode(_ body: [UInt8]) -> MonitorRecord? {
        try? JSONDecoder().decode(MonitorRecord.self, from: Data(body))
    }

    /// The points, at `time`.
    public func points(at time: Date) -> [String: MonitorPoint] {
        points.mapValues { MonitorPoint(time: time, breach: $0.breach, value: $0.value) }
    }
}
