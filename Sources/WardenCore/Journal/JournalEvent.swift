import Foundation

/// One entry of a run's journal. Each entry carries the hash of the one
/// before it and its own hash over its fields, so the chain shows any change
/// after the fact.
///
/// The kinds (`Kind`; their raw values are what the journal stores, and are
/// stable), with the fields each one fills (`step`, `host`, `command`,
/// `status`, `exit`) and what its `detail` holds:
///
/// - `step-started`: step. Detail: `mutating` for a step that changes hosts,
///   else its kind (`check`, `run`, `wait`, `approve`, `collect`, `pause`).
/// - `intent`: step, host, command (redacted, as it leaves for the host).
///   Written before the command leaves the controller, a batch's intents in
///   one transaction: an intent without an outcome is a command that may
///   have run. No detail.
/// - `process-group`: step, host. The command's process group on its host,
///   so a resume can tell whether it still runs. Detail: JSON
///   `{"pgid": Int, "start": String?}` (the group leader's start time in clock
///   ticks, `/proc/PID/stat` field 22, as pids are reused).
/// - `outcome`: step, host, command, status (a `StepStatus`: `ok`, `failed`,
///   `skipped`, `not-run`), exit. Detail: nil, or JSON `{"reason": String?,
///   "record": {"stdout", "stderr", "exit", "result"}?}`, redacted: what later
///   steps read of it, so a resumed run sees what the first one saw. A
///   `no_log` step's record is `{"exit", "stdout_sha256", "stderr_sha256"}`.
/// - `undo`: step (the one rolled back), host, command, status, exit: an
///   `undo` command run by a rollback. Detail: nil, or JSON `{"reason": String}`.
/// - `step-finished`: step, status (a `StepStatus`). Detail: the step's
///   summary, redacted.
/// - `deadman-arming`: step, host. Written before the host arms the deadman,
///   so a resume knows where to disarm it. Detail: JSON `{"path": String,
///   "fires_at": 0, "detail": "reverts with: COMMAND"}` (`path` relative to
///   the host state folder until armed).
/// - `deadman-armed`: the same once armed: `path` on the host, `fires_at` in
///   seconds since 1970.
/// - `deadman-disarmed`: the same; `detail` says what became of it
///   (`disarmed`, or that it had fired or was missing: a `DeadmanStatus`'s words).
/// - `deadman-left-armed`: the same, for a deadman left to revert its change
///   on its own (cleanup failed, or its host could not be asked); `detail` says why.
/// - `waiting-approval`: step. The run waits at its approval gate. Detail: the
///   gate's terms as JSON (`ApprovalTerms`), which `warden approve` applies.
/// - `approved`, `denied`: step. A decision on the gate (its row is in the
///   approvals table). Detail: `APPROVER: COMMENT (plan HASH)`, `, signed` when signed.
/// - `note`: step and host when it concerns one. Detail: what happened, in
///   words (redacted): a lock lost or broken, an operator's skip or abort, a
///   run not started and why, a resume's findings.
///
/// A journal holding a kind this version does not know cannot be read: the
/// store says which run, which event and which kind (`JournalError.Kind.unknownValue`).
public struct JournalEvent: Sendable, Hashable, Codable {
    /// The previous hash of a run's first event.
    public static let genesis = String(repeating: "0", count: 64)

    public var runID: String
    /// 1, 2, 3... within the run, without gaps.
    public var sequence: Int
    public var at: Double
    public var kind: Kind
    public var step: String?
    public var host: String?
    /// Redacted.
    public var command: String?
    /// How a command or step ended, for `outcome`, `undo` and `step-finished`.
    public var status: StepStatus?
    public var exit: Int?
    public var detail: String?
    public var previousHash: String
    public var hash: String

    /// What a caller gives; sequence and hashes are the journal's business.
    public struct Draft: Sendable {
        public var runID: String
        public var kind: Kind
        public var step: String?
        public var host: String?
        public var command: String?
        public var status: StepStatus?
        public var exit: Int?
        public var detail: String?
        public var at: Date

        public init(runID: String, kind: Kind, step: String? = nil, host: String? = nil, command: String? = nil,
                    status: StepStatus? = nil, exit: Int? = nil, detail: String? = nil, at: Date = Date()) {
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

    /// An event as written: `draft` placed after the run's event `previousHash` names.
    public init(draft: Draft, sequence: Int, previousHash: String) {
        self.init(runID: draft.runID, sequence: sequence, at: draft.at.timeIntervalSince1970, kind: draft.kind, step: draft.step,
                  host: draft.host, command: draft.command, status: draft.status, exit: draft.exit, detail: draft.detail,
                  previousHash: previousHash, hash: "")
        hash = computedHash
    }

    /// An event as a store read it back, its hashes as stored (`verify` checks them).
    public init(runID: String, sequence: Int, at: Double, kind: Kind, step: String?, host: String?, command: String?,
                status: StepStatus?, exit: Int?, detail: String?, previousHash: String, hash: String) {
        self.runID = runID
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.step = step
        self.host = host
        self.command = command
        self.status = status
        self.exit = exit
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// SHA-256 over the previous hash and every field (see `ChainHash`), the
    /// kind and status as their stored strings, so the hashes of journals
    /// written before they were typed still hold.
    public var computedHash: String {
        let absent = ChainHash.absent
        return ChainHash.of([
            previousHash, runID, String(sequence), String(at.bitPattern), kind.rawValue, step ?? absent, host ?? absent,
            command ?? absent, status?.rawValue ?? absent, exit.map(String.init) ?? absent, detail ?? absent,
        ])
    }

    /// Where it is, for messages.
    public var place: String { "event \(sequence) of run \(runID)" }

    enum CodingKeys: String, CodingKey {
        case sequence, at, kind, step, host, command, status, exit, detail, hash
        case runID = "run_id"
        case previousHash = "previous_hash"
    }
}
