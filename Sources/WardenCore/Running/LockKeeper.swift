import Foundation

/// Keeps a live run's hold: renews the controller's lease on the run (`RunLease`) and the
/// leases of its locks (every third of the shorter lease, so two missed renewals still leave
/// time) until cancelled, and reports what the run no longer holds so it stops before changing
/// more: a lock broken by an operator or taken over after the run stalled past its lease, or the
/// run itself, adopted by another controller after this one's lease lapsed; and a stop a person
/// asked for through the journal (any controller's cancel, `warden cancel`). The renewals keep
/// time by `clock`, the run's.
enum LockKeeper {
    /// What a run lost.
    enum Loss: Sendable {
        /// A lock: the run stops (its cleanup runs) and the journal says why.
        case lock(String)
        /// The run itself: another controller carries it now; this one writes and sends nothing more.
        case run(JournalError)
        /// Not a loss: a person asked, through the journal, that the run stop (who and why). It
        /// stops as a cancelled run does, cleanup included.
        case stopRequested(String)
    }

    public static func keep(
        journal: Journal, runID: String, lease: Duration = RunLock.defaultLease, hold: RunLease? = nil,
        clock: any EngineClock = SystemClock(),
        renewHost: (@Sendable (RunLock) async -> Bool)? = nil,
        onTrouble: (@Sendable (String) async -> Void)? = nil,
        onLost: @Sendable (Loss) async -> Void
    ) async {
        let interval = min(lease, hold?.lease ?? lease) / 3
        // The locks the run took before its keeper started, by name: one broken or taken over is
        // no longer listed under the run, and must be found missing, not skipped.
        var held = try? await journal.locks().filter { $0.runID == runID }
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            if let hold {
                do {
                    try await hold.renew()
                } catch where error.kind == .fenced {
                    await onLost(.run(error))
                    return
                } catch {
                    // The journal is unreachable: tried again next time; meanwhile commands wait
                    // on the lease (FencedTransport) once it is no longer known to be held, and no
                    // lock is renewed on a host either: a controller that cannot confirm its hold
                    // (one just woken from a pause, whose run may have been adopted) sends nothing.
                    await onTrouble?(error.description)
                    continue
                }
                if let asked = await hold.stopRequest {
                    await onLost(.stopRequested(asked))
                    return
                }
            }
            if held == nil { held = try? await journal.locks().filter { $0.runID == runID } }
            for lock in held ?? [] {
                let renewed: Bool
                do {
                    renewed = try await journal.renew(lock: lock.name, run: runID, lease: lease, at: clock.now)
                } catch {
                    // Unknown: the host's lock is renewed only once the journal's is.
                    continue
                }
                if !renewed {
                    await onLost(.lock("lock '\(lock.name)' is no longer held by this run (broken or taken over)"))
                    return
                }
                if let renewHost, !(await renewHost(lock)) {
                    await onLost(.lock("lock '\(lock.name)' on \(lock.host ?? "its lock host") is no longer held by this run"))
                    return
                }
            }
        }
    }
}
