import Foundation
import WardenCore

/// The locks a run holds, as `warden run` and `warden resume` take them: the
/// lock in the state folder and, when the runbook names a lock host, the lock
/// directory on that host. Refusal finishes the run as blocked, nothing changed.
struct RunLocking: Sendable {
    let journal: Journal
    let runID: String
    let name: String
    let spec: LockSpec
    let host: InventoryHost?
    let transport: any HostTransport
    /// The run's clock: a lease is reckoned from its time.
    let clock: any EngineClock

    /// nil when the runbook takes no lock.
    init?(plan: Plan, context: EngineContext, journal: Journal, runID: String, transport: any HostTransport) {
        guard let name = plan.lock, let spec = context.runbook.lock else { return nil }
        self.journal = journal
        self.runID = runID
        self.name = name
        self.spec = spec
        host = spec.target.flatMap { context.hosts(of: $0).first }
        self.transport = transport
        clock = context.clock
    }

    private var hostLock: HostLock {
        HostLock(name: name, runID: runID, owner: "\(OperatingSystemUser.name) on \(OperatingSystemUser.controller)", lease: spec.lease,
                 folder: HostStateFolder(configured: host?.stateFolder))
    }

    /// Takes both locks (or confirms this run still holds them, on resume);
    /// throws the exit status after finishing the run when it cannot.
    func take() async throws {
        let now = clock.now
        let lock = RunLock(name: name, runID: runID, holder: OperatingSystemUser.name, controller: OperatingSystemUser.controller,
                           acquiredAt: now, lease: spec.lease, host: host?.name)
        let stillHeld = (try? await journal.renew(lock: name, run: runID, lease: spec.lease, at: now)) ?? false
        if !stillHeld {
            let (acquired, previous) = try await journal.acquire(lock, at: now)
            guard acquired else {
                let holder = previous.map { "run \($0.runID) of \($0.holder) on \($0.controller) since \(JournalText.time($0.acquiredAt))" } ?? "another run"
                try await refuse("lock '\(name)' is held by \(holder)", show: previous?.runID)
            }
            if let previous {
                _ = try? await journal.append(.init(runID: runID, kind: "note",
                    detail: "took over lock '\(name)' from run \(previous.runID) (\(previous.controller)), which is no longer running or renewing it"))
            }
        }
        guard let host else { return }
        do {
            switch try await hostLock.acquire(on: host, transport: transport) {
            case .acquired, .renewed: break
            case .takenOver(let from):
                _ = try? await journal.append(.init(runID: runID, kind: "note", host: host.name,
                    detail: "took over lock '\(name)' on \(host.name) from run \(from), whose lease had lapsed"))
            case .held(let owner):
                try? await journal.release(lock: name, run: runID)
                try await refuse("lock '\(name)' on \(host.name) is held by another controller's run (\(owner))", show: nil)
            case .lost, .released:
                try? await journal.release(lock: name, run: runID)
                try await refuse("lock '\(name)' on \(host.name) could not be taken", show: nil)
            }
        } catch let status as ExitStatus {
            throw status
        } catch {
            try? await journal.release(lock: name, run: runID)
            try? await journal.finish(run: runID, status: RunStatus.failed.rawValue, reason: "cannot take lock '\(name)' on \(host.name): \(error)")
            await transport.close()
            Terminal.writeError("warden: cannot take lock '\(name)' on \(host.name): \(error); nothing was changed\n")
            throw ExitStatus.failure
        }
    }

    private func refuse(_ reason: String, show run: String?) async throws -> Never {
        try? await journal.finish(run: runID, status: RunStatus.blocked.rawValue, reason: reason)
        await transport.close()
        let hint = run.map { " `warden show \($0)` shows what it is doing." } ?? ""
        Terminal.writeError("warden: \(reason); nothing was changed.\(hint)\n")
        throw ExitStatus.blocked
    }

    /// Renews the lock directory's lease; false when this run lost it.
    func renewHost() async -> Bool {
        guard let host else { return true }
        do {
            return try await hostLock.renew(on: host, transport: transport) == .renewed
        } catch {
            // An unreachable lock host is not a lost lock: the lease covers
            // short outages, and the journal lock still excludes local runs.
            Terminal.writeError("warden: could not renew lock '\(name)' on \(host.name): \(error)\n")
            return true
        }
    }

    /// Releases both locks; a lock directory that cannot be removed lapses with its lease.
    func release() async {
        if let host {
            do {
                _ = try await hostLock.release(on: host, transport: transport)
            } catch {
                Terminal.writeError("warden: could not remove lock '\(name)' on \(host.name) (it lapses with its lease): \(error)\n")
            }
        }
        try? await journal.release(lock: name, run: runID)
    }
}
