import Foundation

/// One decision about an alert input, as the journal keeps it and the API
/// and `warden decisions` show it: which input it answers, which rule,
/// incident and run it concerns, its kind, and its one-line text (which names
/// the rule, key and reason). Numbered 1, 2, 3... over the journal; each has
/// an audit record carrying its digest, so the record of why automation did
/// or did not act cannot be changed unseen.
public struct AlertDecisionEntry: Sendable, Hashable, Codable {
    public var sequence: Int
    /// The input it answers (`AlertInputEntry.sequence`).
    public var input: Int
    public var at: Double
    /// The decision's kind (`AlertDecision.kind`): `start`, `attached`, `throttled`, ...
    public var kind: String
    public var rule: String?
    /// The incident key (`node-down{cluster="a"}`), if one.
    public var key: String?
    public var incident: String?
    public var run: String?
    public var summary: String

    public init(sequence: Int, input: Int, at: Double, kind: String, rule: String?, key: String? = nil, incident: String?, run: String?, summary: String) {
        self.sequence = sequence
        self.input = input
        self.at = at
        self.kind = kind
        self.rule = rule
        self.key = key
        self.incident = incident
        self.run = run
        self.summary = summary
    }

    /// `sha256:...` over every field: what its audit record carries.
    public var digest: String {
        let absent = ChainHash.absent
        return "sha256:" + ChainHash.of([
            String(sequence), String(input), String(at.bitPattern), kind, rule ?? absent, key ?? absent, incident ?? absent, run ?? absent, summary,
        ])
    }

    enum CodingKeys: String, CodingKey {
        case sequence, input, at, kind, rule, key, incident, run, summary
    }
}
