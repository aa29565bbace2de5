/// Where the audit log stops following from itself or from the journal.
public struct AuditBreak: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The audit record's sequence, or nil when the break is in a run's events only.
    public let record: Int?
    public let runID: String?
    /// The event's sequence within its run, when the break is an event.
    public let event: Int?
    public let reason: String

    public var description: String {
        var place: [String] = []
        if let record { place.append("audit record \(record)") }
        if let runID, let event { place.append("event \(event) of run \(runID)") } else if let runID { place.append("run \(runID)") }
        return place.joined(separator: ", ") + ": " + reason
    }
}
