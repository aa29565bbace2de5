import Foundation

/// A piece of work the daemon was asked for and starts by itself, kept in the journal until a
/// controller takes it: today a run requested through the API (`QueuedRun`). Every controller
/// sharing the journal may claim it (`Journal.claimWork`); the claim is a lease with an epoch,
/// like a run's, so a controller that died or froze after claiming loses it to another, and one
/// that comes back finds its claim refused when it tries to start the run (`WorkClaim`). Exactly
/// one run is journaled per item: starting it and closing the item are one write.
public struct WorkItem: Sendable, Hashable, Encodable {
    /// What the item asks for.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A run requested through the API: `payload` is a `QueuedRun`.
        case run
    }

    /// Where the item is in its life.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for a controller with room.
        case ready
        /// Taken by `claimedBy` until `leaseUntil`; back to whoever claims it next once that lapsed.
        case claimed
        /// Its run was journaled (`runID`); the run says how it went.
        case started
        /// Not started, for the reason in `outcome` (its plan changed, its runbook left the config).
        case refused
        /// Not started: no controller had room before `notAfter`.
        case expired
        /// Taken back by a person before it started (`outcome` says who and why).
        case withdrawn

        /// Whether the item may still start.
        public var isOpen: Bool { self == .ready || self == .claimed }
    }

    /// `w-` and a random UUID, or the requester's idempotency key (`QueuedRun.itemID`).
    public var id: String
    public var kind: Kind
    /// What to do, as JSON text (`QueuedRun` for `.run`); never a secret.
    public var payload: String
    /// Who asked (an API identity's name).
    public var requester: String
    /// Seconds since 1970, on the journal's clock.
    public var createdAt: Double
    /// When it is too late to start it.
    public var notAfter: Double
    public var state: State
    public var claimedBy: String?
    /// Raised by each claim: a start under an older claim is refused.
    public var epoch: Int
    public var leaseUntil: Double?
    /// How many claims it has had (more than one: a controller died or froze holding it).
    public var attempts: Int
    public var runID: String?
    /// Why it was refused, expired or withdrawn.
    public var outcome: String?
    public var updatedAt: Double

    public init(id: String, kind: Kind, payload: String, requester: String, createdAt: Double, notAfter: Double,
                state: State = .ready, claimedBy: String? = nil, epoch: Int = 0, leaseUntil: Double? = nil, attempts: Int = 0,
                runID: String? = nil, outcome: String? = nil, updatedAt: Double? = nil) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.requester = requester
        self.createdAt = createdAt
        self.notAfter = notAfter
        self.state = state
        self.claimedBy = claimedBy
        self.epoch = epoch
        self.leaseUntil = leaseUntil
        self.attempts = attempts
        self.runID = runID
        self.outcome = outcome
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Whether nobody holds it at `now` (journal clock): ready, or claimed under a lease that
    /// lapsed. `PostgresJournalStore` states the same rule in SQL.
    private func isFree(at now: Double) -> Bool {
        switch state {
        case .ready: true
        case .claimed: (leaseUntil ?? 0) < now
        case .started, .refused, .expired, .withdrawn: false
        }
    }

    /// Whether a controller may claim it at `now`: free, and not past `notAfter`.
    public func isClaimable(at now: Double) -> Bool {
        notAfter >= now && isFree(at: now)
    }

    /// Whether it is free but too late to start at `now`.
    public func hasExpired(at now: Double) -> Bool {
        notAfter < now && isFree(at: now)
    }

    /// Claimed by `controller` until `until`, at the next epoch (the one its claim names).
    mutating func claim(by controller: String, until: Double, at clock: Double) {
        state = .claimed
        claimedBy = controller
        epoch += 1
        attempts += 1
        leaseUntil = until
        updatedAt = clock
    }

    /// Expired unstarted.
    mutating func expire(at clock: Double) {
        state = .expired
        outcome = WorkItem.expiredOutcome
        updatedAt = clock
    }

    /// A fresh id for an item no idempotency key names.
    public static func newID() -> String { "w-" + UUID().uuidString.lowercased() }

    /// What an item that expired says.
    public static let expiredOutcome = "no controller had room to start it before it expired"

    /// As the API shows it: every field but the raw payload (its request is shown read out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(requester, forKey: .requester)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(notAfter, forKey: .notAfter)
        try container.encode(state, forKey: .state)
        try container.encode(claimedBy, forKey: .claimedBy)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(leaseUntil, forKey: .leaseUntil)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(runID, forKey: .runID)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, requester, state, epoch, attempts, outcome
        case createdAt = "created_at"
        case notAfter = "not_after"
        case claimedBy = "claimed_by"
        case leaseUntil = "lease_until"
        case runID = "run_id"
        case updatedAt = "updated_at"
    }
}
