import Foundation

/// One entry of the audit log: who did what to which run, host or lock, and
/// when. The log is one chain over the whole state folder (every run, every
/// lock taken or broken, every approval), each record carrying the hash of
/// the one before it, so a changed, inserted or deleted record shows in
/// `warden audit verify`. Large content (output, plans) enters as a digest;
/// the journal keeps the content, and an event's own hash is carried so the
/// two cannot be changed apart.
public struct AuditRecord: Sendable, Hashable, Codable {
    public static let genesis = String(repeating: "0", count: 64)

    /// 1, 2, 3... over the state folder, without gaps.
    public var sequence: Int
    public var at: Double
    /// The operating-system user whose process wrote the record.
    public var actor: String
    /// What happened (see `Action`).
    public var action: Action
    public var runID: String?
    public var step: String?
    public var host: String?
    public var lock: String?
    /// For a record of a journal event: the event's sequence in its run
    /// (and `digest` is the event's hash), so an event cannot be removed
    /// or changed without the audit log disagreeing.
    public var event: Int?
    public var exit: Int?
    /// What the action left: the plan hash of `run-started`, the decision of
    /// `approval`, the phase of `checkpoint`, the run's status of
    /// `run-finished`, an event's status.
    public var status: String?
    /// A short, redacted description (a command, a reason, a comment).
    public var summary: String?
    /// `sha256:...` of the content the journal holds for this action.
    public var digest: String?
    public var previousHash: String
    public var hash: String

    /// What a writer gives; sequence, time and hashes are the journal's business.
    public struct Draft: Sendable {
        public var action: Action
        public var runID: String?
        public var step: String?
        public var host: String?
        public var lock: String?
        public var event: Int?
        public var exit: Int?
        public var status: String?
        public var summary: String?
        public var digest: String?

        public init(action: Action, runID: String? = nil, step: String? = nil, host: String? = nil, lock: String? = nil,
                    event: Int? = nil, exit: Int? = nil, status: String? = nil, summary: String? = nil, digest: String? = nil) {
            self.action = action
            self.runID = runID
            self.step = step
            self.host = host
            self.lock = lock
            self.event = event
            self.exit = exit
            self.status = status
            self.summary = summary
            self.digest = digest
        }
    }

    /// A record as written: `draft` placed after the record `previousHash` names.
    public init(draft: Draft, actor: String, at: Date, sequence: Int, previousHash: String) {
        self.init(sequence: sequence, at: at.timeIntervalSince1970, actor: actor, action: draft.action, runID: draft.runID,
                  step: draft.step, host: draft.host, lock: draft.lock, event: draft.event, exit: draft.exit, status: draft.status,
                  summary: draft.summary, digest: draft.digest, previousHash: previousHash, hash: "")
        hash = computedHash
    }

    /// A record as a store read it back, its hashes as stored (`verifyAudit` checks them).
    public init(sequence: Int, at: Double, actor: String, action: Action, runID: String?, step: String?, host: String?,
                lock: String?, event: Int?, exit: Int?, status: String?, summary: String?, digest: String?,
                previousHash: String, hash: String) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.runID = runID
        self.step = step
        self.host = host
        self.lock = lock
        self.event = event
        self.exit = exit
        self.status = status
        self.summary = summary
        self.digest = digest
        self.previousHash = previousHash
        self.hash = hash
    }

    /// SHA-256 over the previous hash and every field, the action as its stored string.
    public var computedHash: String {
        let absent = ChainHash.absent
        return ChainHash.of([
            previousHash, String(sequence), String(at.bitPattern), actor, action.rawValue, runID ?? absent, step ?? absent,
            host ?? absent, lock ?? absent, event.map(String.init) ?? absent, exit.map(String.init) ?? absent, status ?? absent, summary ?? absent,
            digest ?? absent,
        ])
    }

    enum CodingKeys: String, CodingKey {
        case sequence, at, actor, action, step, host, lock, event, exit, status, summary, digest, hash
        case runID = "run_id"
        case previousHash = "previous_hash"
    }
}
