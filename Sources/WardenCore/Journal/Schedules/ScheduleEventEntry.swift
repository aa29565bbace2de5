import Foundation

/// One thing that happened to a schedule or one of its occurrences, as the
/// journal keeps it. The scheduler's whole state is the fold of these events
/// (`ScheduleBook`): after a restart it reads them back and knows which
/// occurrences fired, which were planned ahead and approved, and which ended.
///
/// Events are numbered 1, 2, 3... over the journal. Two claims are unique per
/// occurrence, enforced by the store in the same write: one `firing` (the
/// occurrence is journaled before its run starts, so a daemon killed at fire
/// time never fires it twice) and one `outcome` (every occurrence ends once).
/// A second append of either fails with `JournalError.Kind.alreadyClaimed` and
/// writes nothing of its batch.
public struct ScheduleEventEntry: Sendable, Hashable {
    /// What kind of event it is; raw values are what the journal stores.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A schedule was seen for the first time (occurrences before it are never owed).
        case registered
        /// An occurrence was planned ahead of its window (`planHash`; `detail`: the plan and the gates' terms, JSON).
        case planned
        /// An approver approved the occurrence's plan (`actor`, `planHash`; `detail`: the comment).
        case approved
        /// An approver denied it (`actor`, `planHash`; `detail`: the comment).
        case denied
        /// The occurrence is firing: written before its run is started.
        case firing
        /// Its run started (`run`).
        case started
        /// It waits: for an approval, for the run it queued behind (`detail`: why).
        case held
        /// How it ended (`detail`: `ScheduleOutcome`'s text); the last event of an occurrence.
        case outcome
        /// An operator paused the schedule (`actor`; `detail`: the reason); its occurrences are skipped until resumed.
        case paused
        /// An operator resumed it (`actor`).
        case resumed
    }

    public var sequence: Int
    public var at: Double
    public var schedule: String
    /// The occurrence's nominal start, UTC seconds since 1970; nil for events about the schedule itself.
    public var occurrence: Double?
    public var kind: Kind
    /// Who: `warden` for the daemon's own events, else the identity that approved, paused or asked.
    public var actor: String
    public var run: String?
    public var planHash: String?
    public var detail: String?

    public init(sequence: Int, at: Double, schedule: String, occurrence: Double?, kind: Kind, actor: String, run: String? = nil,
                planHash: String? = nil, detail: String? = nil) {
        self.sequence = sequence
        self.at = at
        self.schedule = schedule
        self.occurrence = occurrence
        self.kind = kind
        self.actor = actor
        self.run = run
        self.planHash = planHash
        self.detail = detail
    }

    /// `sha256:...` over every field: what its audit record carries.
    public var digest: String {
        let absent = ChainHash.absent
        let content = ChainHash.of([
            String(sequence), String(at.bitPattern), schedule, occurrence.map { String($0.bitPattern) } ?? absent, kind.rawValue, actor,
            run ?? absent, planHash ?? absent, detail ?? absent,
        ])
        return "sha256:" + content
    }
}
