import Foundation

/// This controller's hold on a run it carries: the fence its journal writes name, and the lease
/// that keeps it. Commands may leave for hosts only while the lease is known to be held: until
/// a third of the lease before it lapses, measured on the monotonic clock from the moment the
/// last renewal was sent (so the hold ends here before it ends in the journal, however long
/// the renewal took). Past that (the controller was paused, or its renewals stalled), the next
/// command first renews; a renewal the journal refuses (`.fenced`: another controller adopted
/// the run) makes the lease lost for good, and nothing more is sent.
public actor RunLease {
    public nonisolated let fence: RunFence
    public nonisolated let lease: Duration
    private let journal: Journal
    private let clock: any EngineClock
    private var validUntil: ContinuousClock.Instant {
        didSet { deadline.extend(to: validUntil) }
    }
    /// `validUntil` as the transports read it at the last moment before a command leaves.
    private nonisolated let deadline: SendDeadline
    private var lostTo: JournalError?
    private var stopAsked: String?

    /// A hold the journal gave at `since` (a begin or an adoption just written).
    public init(fence: RunFence, journal: Journal, lease: Duration = JournalRun.defaultLease, clock: any EngineClock,
                since: ContinuousClock.Instant) {
        self.fence = fence
        self.journal = journal
        self.lease = lease
        self.clock = clock
        validUntil = since + lease * 2 / 3
        deadline = SendDeadline(since + lease * 2 / 3)
    }

    /// Why the run was lost, once it was.
    public var lost: JournalError? { lostTo }

    /// Who asked that the run stop and why, as the last renewal found it (`Journal.requestStop`).
    public var stopRequest: String? { stopAsked }

    /// Until when commands may leave under the hold as last confirmed, read when each one leaves.
    public nonisolated var sendBefore: SendDeadline { deadline }

    /// Returns when a command may leave for a host now; throws (`.fenced`, or the journal's
    /// failure) when the hold cannot be confirmed.
    public func permit() async throws(JournalError) {
        if let lostTo { throw lostTo }
        if clock.instant < validUntil { return }
        try await renew()
    }

    /// A task renewing the lease every third of it until cancelled: for the time a run is held
    /// but not yet running (an adoption's checks), before the run's own keeper takes over.
    public nonisolated func keepRenewed() -> Task<Void, Never> {
        LeaseRenewal.every(third: lease, clock: clock) { () async throws(JournalError) in try await self.renew() }
    }

    /// Renews the lease in the journal (the keeper does, every third of it).
    public func renew() async throws(JournalError) {
        if let lostTo { throw lostTo }
        let sent = clock.instant
        do {
            let renewal = try await journal.renewLease(fence, for: lease, at: clock.now)
            validUntil = max(validUntil, sent + lease * 2 / 3)
            if let asked = renewal.stopRequest { stopAsked = asked }
        } catch where error.kind == .fenced {
            lostTo = error
            deadline.close()
            throw error
        }
    }
}
