import Foundation

/// Keeps a live run's locks: renews their leases (every third of the lease,
/// so two missed renewals still leave time) until cancelled, and reports a
/// lock the run no longer holds (broken by an operator, or taken over after
/// the run stalled past its lease) so the run stops before changing more.
/// The renewals keep time by `clock`, the run's.
enum LockKeeper {
    public static func keep(
        journal: Journal, runID: String, lease: Duration = RunLock.defaultLease, clock: any EngineClock = SystemClock(),
        renewHost: (@Sendable (RunLock) async -> Bool)? = nil,
        onLost: @Sendable (String) async -> Void
    ) async {
        let interval = lease / 3
        // The locks the run took before its keeper started, by name: one broken or taken over is
        // no longer listed under the run, and must be found missing, not skipped.
        var held = try? await journal.locks().filter { $0.runID == runID }
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            if held == nil { held = try? await journal.locks().filter { $0.runID == runID } }
            for lock in held ?? [] {
                let renewed = (try? await journal.renew(lock: lock.name, run: runID, lease: lease, at: clock.now)) ?? true
                if !renewed {
                    await onLost("lock '\(lock.name)' is no longer held by this run (broken or taken over)")
                    return
                }
                if let renewHost, !(await renewHost(lock)) {
                    await onLost("lock '\(lock.name)' on \(lock.host ?? "its lock host") is no longer held by this run")
                    return
                }
            }
        }
    }
}
