import Foundation

/// A named lock a run holds while it acts (`lock:` in a runbook), so two
/// runs cannot change the same cluster at once. It lives in the journal, so
/// every operator sharing the state folder sees it.
public struct RunLock: Sendable, Hashable, Codable {
    public var name: String
    public var runID: String
    /// The operating-system user whose run holds it.
    public var holder: String
    /// `hostname:pid` of the controller holding it.
    public var controller: String
    public var acquiredAt: Double
    /// When the lease lapses unless the holder renews it (it does, while alive).
    public var expiresAt: Double?
    /// The host that also holds the lock as a lock directory, if the runbook names one.
    public var host: String?

    public init(name: String, runID: String, holder: String, controller: String, acquiredAt: Date = Date(),
                lease: Duration = RunLock.defaultLease, host: String? = nil) {
        self.name = name
        self.runID = runID
        self.holder = holder
        self.controller = controller
        self.acquiredAt = acquiredAt.timeIntervalSince1970
        expiresAt = acquiredAt.timeIntervalSince1970 + lease.milliseconds / 1000
        self.host = host
    }

    /// Long enough that a busy controller renews in time (every third of
    /// it), short enough that a dead one's lock frees itself soon.
    public static let defaultLease: Duration = .seconds(60)

    enum CodingKeys: String, CodingKey {
        case name, holder, controller, host
        case runID = "run_id"
        case acquiredAt = "acquired_at"
        case expiresAt = "expires_at"
    }

    /// Whether the lease ran out without being renewed.
    public func hasLapsed(at date: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt < date.timeIntervalSince1970
    }

    /// Whether the controller that took the lock is gone: a process on this
    /// machine that no longer exists. A controller on another machine is
    /// assumed alive: only its operator can say otherwise.
    public var controllerIsGone: Bool {
        OperatingSystemUser.isGone(controller)
    }

    /// Why another run may take this lock over at `date` (its run, `heldBy`,
    /// ended; its controller on this machine died; its lease lapsed), or nil
    /// while its holder may still be acting.
    func takeoverReason(heldBy run: JournalRun?, at date: Date) -> String? {
        if run?.status != .running { return "its run is no longer running" }
        if controllerIsGone { return "its controller \(controller) is gone" }
        if hasLapsed(at: date) { return "its lease lapsed at \(Date(timeIntervalSince1970: expiresAt ?? 0))" }
        return nil
    }
}
