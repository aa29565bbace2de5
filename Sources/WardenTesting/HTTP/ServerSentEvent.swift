import Foundation

/// One Server-Sent Event: its `id:` (absent when the server sent none), `event:` (`message` by default) and data lines.
public struct ServerSentEvent: Sendable, Hashable, CustomStringConvertible {
    public var id: String?
    public var event: String
    public var data: String

    public init(id: String?, event: String, data: String) {
        self.id = id
        self.event = event
        self.data = data
    }

    /// The data as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:]
    }

    public var description: String { "\(id.map { "#\($0) " } ?? "")\(event): \(data)" }
}
