import Foundation

extension JournalEvent {
    /// The event's detail read as a JSON object (`{"reason": ..., "record": ...}` of an outcome,
    /// `{"fires_at": ...}` of a deadman); empty when it holds none: no detail, plain words, or JSON of
    /// another shape. Every reader of the journal decodes details here.
    public var detailObject: [String: Value] {
        guard let detail, let value = try? JSONDecoder().decode(Value.self, from: Data(detail.utf8)), case let .map(members) = value else { return [:] }
        return members
    }

    /// An outcome's record (`stdout`, `stderr`, `exit`, `result`; digests instead of output for a
    /// `no_log` step), as later steps and a resume read it; nil when it has none.
    public var outcomeRecord: [String: Value]? {
        if case let .map(record)? = detailObject["record"] { record } else { nil }
    }
}
