import Foundation

/// The locks a run holds, as a start and a resume take them: the lock in the
/// journal and, when the runbook names a lock host, the lock directory on
/// that host. A refusal finishes the run as blocked (failed, when the lock
/// host cannot be reached), with nothing changed.
struct RunLocking: Sendable {
    let journal: Journal
    let runID: String
    let name: String
    let spec: LockSpec
    let host: InventoryHost?
    private(set) var transport: any HostTransport
    let identity: RunIdentity
    let delegate: any RunDelegate
    /// The run's clock: a lease is reckoned from its time.
    let clock: any EngineClock

    /// nil when the runbook takes no lock.
    init?(plan: Plan, context: EngineContext, journal: Journal, runID: String, transport: any HostTransport,
          identity: RunIdentity, delegate: any RunDelegate) {
        guard let name = plan.lock, let spec = context.runbook.lock else { return nil }
        self.journal = journal
        self.runID = runID
        self.name = name
        self.spec = spec
        host = spec.target.flatMap { context.hosts(of: $0).first }
        self.transport = transport
        self.identity = identity
        self.delegate = delegate
        clock = context.clock
    }

    /// The same locks, reaching their host through `transport`: once the run's hold exists, its
    /// fenced transport, so a controller that lost the run (or cannot confirm it still holds
    /// it) neither renews nor removes the lock directory its adopter now holds.
    func sending(through transport: any HostTransport) -> RunLocking {
        var fenced = self
        fenced.transport = transport
        return fenced
    }

    private var hostLock: HostLock {
        HostLock(name: name, runID: runID, owner: "\(identity.user) on \(identity.controller)", lease: spec.lease,
                 folder: HostStateFolder(configured: host?.stateFolder))
    }

    /// Takes both locks (or confirms this run still holds them, on resume). When it cannot,
    /// the run is finished in the journal and the refusal thrown.
    func take() async throws(RunSessionError) {
        let now = clock.now
        let lock = RunLock(name: name, runID: runID, holder: identity.user, controller: identity.controller, acquiredAt: now,
                           lease: spec.lease, host: host?.name)
        let stillHeld = (try? await journal.renew(lock: name, run: runID, lease: spec.lease, at: now)) ?? false
        if !stillHeld {
            let acquired: Bool, previous: RunLock?
            do {
                (acquired, previous) = try await journal.acquire(lock, at: now)
            } catch {
                try await refuse(.failed, "cannot take lock '\(name)': \(error)")
            }
            guard acquired else {
                let since = previous.map { Date(timeIntervalSince1970: $0.acquiredAt).formatted(.iso8601) } ?? "?"
                let holder = previous.map { "run \($0.runID) of \($0.holder) on \($0.controller) since \(since)" } ?? "another run"
                try await refuse(.blocked, "lock '\(name)' is held by \(holder)", show: previous?.runID)
            }
            if let previous {
                _ = try? await journal.append(.init(runID: runID, kind: .note,
                    detail: "took over lock '\(name)' from run \(previous.runID) (\(previous.controller)), which is no longer running or renewing it"))
            }
        }
        guard let host else { return }
        let outcome: HostLock.Answer
        do {
            outcome = try await hostLock.acquire(on: host, transport: transport)
        } catch {
            try? await journal.release(lock: name, run: runID)
            try await refuse(.failed, "cannot take lock '\(name)' on \(host.name): \(error)")
        }
        switch outcome {
        case .acquired, .renewed: break
        case .takenOver(let from):
            _ = try? await journal.append(.init(runID: runID, kind: .note, host: host.name,
                detail: "took over lock '\(name)' on \(host.name) from run \(from), whose lease had lapsed"))
        case .held(let owner):
            try? await journal.release(lock: name, run: runID)
            try await refuse(.blocked, "lock '\(name)' on \(host.name) is held by another controller's run (\(owner))")
        case .lost, .released:
            try? await journal.release(lock: name, run: runID)
            try await refuse(.blocked, "lock '\(name)' on \(host.name) could not be taken")
        }
    }

    /// Ends the run (blocked, or failed) with nothing changed, and throws why.
    private func refuse(_ kind: RunSessionError.Kind, _ reason: String, show run: String? = nil) async throws(RunSessionError) -> Never {
        let status: RunStatus = kind == .blocked ? .blocked : .failed
        try? await journal.finish(run: runID, status: status, reason: reason, at: clock.now)
        await transport.close()
        let hint = run.map { " `warden show \($0)` shows what it is doing." } ?? ""
        throw RunSessionError(kind, "\(reason); nothing was changed.\(hint)")
    }

    /// Renews the lock directory's lease; false when this run lost it.
    func renewHost() async -> Bool {
        guard let host else { return true }
        do {
            return try await hostLock.renew(on: host, transport: transport) == .renewed
        } catch {
            // An unreachable lock host is not a lost lock: the lease covers
            // short outages, and the journal lock still excludes local runs.
            delegate.notice(.warning("could not renew lock '\(name)' on \(host.name): \(error)"))
            return true
        }
    }

    /// Releases both locks; a lock directory that cannot be removed lapses with its lease.
    func release() async {
        if let host {
            do {
                _ = try await hostLock.release(on: host, transport: transport)
            } catch {
                delegate.notice(.warning("could not remove lock '\(name)' on \(host.name) (it lapses with its lease): \(error)"))
            }
        }
        try? await journal.release(lock: name, run: runID)
    }
}
