import Foundation
import GRDB

/// One entry of a run's journal: an intent (about to run a command on a
/// host), an outcome (what it did), or a step or run milestone. Each entry
/// carries the hash of the one before it and its own hash over its fields,
/// so the chain shows any change after the fact.
public struct JournalEvent: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "events"
    /// The previous hash of a run's first event.
    public static let genesis = String(repeating: "0", count: 64)

    public var runID: String
    /// 1, 2, 3... within the run, without gaps.
    public var sequence: Int
    public var at: Double
    /// `intent`, `outcome`, `step-started`, `step-finished`, `note`.
    public var kind: String
    public var step: String?
    public var host: String?
    /// Redacted.
    public var command: String?
    public var status: String?
    public var exit: Int?
    public var detail: String?
    public var previousHash: String
    public var hash: String

    /// What a caller gives; sequence and hashes are the journal's business.
    public struct Draft: Sendable {
        public var runID: String
        public var kind: String
        public var step: String?
        public var host: String?
        public var command: String?
        public var status: String?
        public var exit: Int?
        public var detail: String?
        public var at: Date

        public init(runID: String, kind: String, step: String? = nil, host: String? = nil, command: String? = nil,
                    status: String? = nil, exit: Int? = nil, detail: String? = nil, at: Date = Date()) {
            self.runID = runID
            self.kind = kind
            self.step = step
            self.host = host
            self.command = command
            self.status = status
            self.exit = exit
            self.detail = detail
            self.at = at
        }
    }

    init(draft: Draft, sequence: Int, previousHash: String) {
        runID = draft.runID
        self.sequence = sequence
        at = draft.at.timeIntervalSince1970
        kind = draft.kind
        step = draft.step
        host = draft.host
        command = draft.command
        status = draft.status
        exit = draft.exit
        detail = draft.detail
        self.previousHash = previousHash
        hash = ""
        hash = computedHash
    }

    /// SHA-256 over the previous hash and every field (see `ChainHash`).
    public var computedHash: String {
        let absent = ChainHash.absent
        return ChainHash.of([
            previousHash, runID, String(sequence), String(at.bitPattern), kind, step ?? absent, host ?? absent,
            command ?? absent, status ?? absent, exit.map(String.init) ?? absent, detail ?? absent,
        ])
    }

    enum CodingKeys: String, CodingKey {
        case sequence, at, kind, step, host, command, status, exit, detail, hash
        case runID = "run_id"
        case previousHash = "previous_hash"
    }
}
