import Foundation

/// A controller as `GET /api/v1/controllers` and `warden controllers` show it: its record, how
/// long ago it said it was alive (on the journal's clock), what that makes it, and the runs it
/// carries with their leases, so an operator sees at a glance which controller holds what and
/// whose runs are about to be adopted.
public struct ControllerView: Sendable, Encodable {
    /// What a controller's heartbeat says about it.
    public enum State: String, Sendable, Encodable {
        /// Its heartbeat is recent.
        case alive
        /// No heartbeat for longer than three of its intervals: dead, frozen or cut off from the journal.
        case silent
        /// It stopped gracefully.
        case stopped
    }

    /// A run the controller carries.
    public struct Carried: Sendable, Encodable {
        public let runID: String
        public let runbook: String
        public let trigger: String
        public let epoch: Int
        /// Seconds until its lease lapses (negative: lapsed that long ago); nil without a lease.
        public let leaseRemaining: Double?

        enum CodingKeys: String, CodingKey {
            case runbook, trigger, epoch
            case runID = "run_id"
            case leaseRemaining = "lease_remaining_seconds"
        }
    }

    public let record: ControllerRecord
    public let heartbeatAge: Double
    public let state: State
    public let runs: [Carried]

    /// How old a heartbeat may be before its controller counts as silent.
    public static let silentAfter: Double = 30

    /// The views of `controllers`, with the `running` runs each carries, judged at `clock`;
    /// controllers that stopped more than a day ago and carry nothing are left out.
    public static func build(_ controllers: [ControllerRecord], running: [JournalRun], clock: Double) -> [ControllerView] {
        let carried = Dictionary(grouping: running, by: \.controller)
        return controllers.compactMap { record in
            let runs = (carried[record.id] ?? []).sorted { $0.startedAt < $1.startedAt }.map { run in
                Carried(runID: run.id, runbook: run.runbook, trigger: run.trigger.rawValue, epoch: run.epoch,
                        leaseRemaining: run.leaseUntil.map { $0 - clock })
            }
            if let stopped = record.stoppedAt, clock - stopped > 86400, runs.isEmpty { return nil }
            let age = clock - record.heartbeatAt
            let state: State = record.stoppedAt != nil ? .stopped : age > silentAfter ? .silent : .alive
            return ControllerView(record: record, heartbeatAge: age, state: state, runs: runs)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, listen, version, state, runs
        case startedAt = "started_at"
        case heartbeatAt = "heartbeat_at"
        case heartbeatAge = "heartbeat_age_seconds"
        case stoppedAt = "stopped_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(record.listen, forKey: .listen)
        try container.encode(record.version, forKey: .version)
        try container.encode(record.startedAt, forKey: .startedAt)
        try container.encode(record.heartbeatAt, forKey: .heartbeatAt)
        try container.encode(heartbeatAge, forKey: .heartbeatAge)
        try container.encodeIfPresent(record.stoppedAt, forKey: .stoppedAt)
        try container.encode(state, forKey: .state)
        try container.encode(runs, forKey: .runs)
    }
}

extension Journal {
    /// Every registered controller with the runs it carries (`ControllerView`).
    public func controllerViews(at now: Date = Date()) async throws(JournalError) -> [ControllerView] {
        let (controllers, clock) = try await controllers(at: now)
        let running = try await runs(RunQuery(status: .running, limit: RunQuery.maximumLimit))
        return ControllerView.build(controllers, running: running, clock: clock)
    }
}
