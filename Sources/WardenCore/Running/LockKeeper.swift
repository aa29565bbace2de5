import Foundation

/// Keeps a live run's hold: renews the controller's lease on the run (`RunLease`) and the
/// leases of its locks (every third of the shorter lease, so two missed renewals still leave
/// time) until cancelled, and reports what the run no longer holds so it stops before changing
/// more: a lock broken by an operator or taken over after the run stalled past its lease, or the
/// run itself, adopted by another controller after this one's lease lapsed; and a stop a person
/// asked for through the journal (any controller's cancel, `warden cancel`). The renewals keep
/// time by `clock`, the run's.
///
/// A lock directory on a host is renewed over SSH, which a loaded or unreachable host can make
/// take seconds: then the hold is renewed by a loop of its own, so a slow host never lets a live
/// controller's lease on the run lapse (another controller would adopt a run that is still
/// running here).
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
        let holdApart = renewHost != nil ? hold : nil
        let loss: Loss? = await withTaskGroup(of: Loss?.self) { group in
            if let holdApart {
                group.addTask { await keep(holdApart, clock: clock, onTrouble: onTrouble) }
            }
            group.addTask {
                await keepLocks(journal: journal, runID: runID, lease: lease, interval: interval, hold: hold, clock: clock,
                                renewHost: renewHost, onTrouble: holdApart == nil ? onTrouble : nil)
            }
            // The first loss ends both loops; a cancelled keeper ends with none.
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let loss { await onLost(loss) }
    }

    /// Renews the hold every third of its lease: the loop that must never wait on a host.
    private static func keep(_ hold: RunLease, clock: any EngineClock, onTrouble: (@Sendable (String) async -> Void)?) async -> Loss? {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: hold.lease / 3)
            } catch {
                return nil
            }
            if case .lost(let loss) = await confirm(hold, onTrouble: onTrouble) { return loss }
        }
        return nil
    }

    /// What a renewal of the hold found: confirmed, not confirmed now (the journal did not
    /// answer), or a loss that ends the run here.
    private enum Confirmation {
        case confirmed, unconfirmed, lost(Loss)
    }

    private static func confirm(_ hold: RunLease, onTrouble: (@Sendable (String) async -> Void)?) async -> Confirmation {
        do {
            try await hold.renew()
        } catch where error.kind == .fenced {
            return .lost(.run(error))
        } catch {
            // The journal is unreachable: tried again next time; meanwhile commands wait on the
            // lease (FencedTransport) once it is no longer known to be held, and no lock is
            // renewed on a host either: a controller that cannot confirm its hold (one just woken
            // from a pause, whose run may have been adopted) sends nothing.
            await onTrouble?(error.description)
            return .unconfirmed
        }
        if let asked = await hold.stopRequest { return .lost(.stopRequested(asked)) }
        return .confirmed
    }

    /// Renews the run's locks, in the journal and then on their host, each time after confirming
    /// the hold (when the run has one).
    private static func keepLocks(journal: Journal, runID: String, lease: Duration, interval: Duration, hold: RunLease?,
                                  clock: any EngineClock, renewHost: (@Sendable (RunLock) async -> Bool)?,
                                  onTrouble: (@Sendable (String) async -> Void)?) async -> Loss? {
        // The locks the run took before its keeper started, by name: one broken or taken over is
        // no longer listed under the run, and must be found missing, not skipped.
        var held = try? await journal.locks().filter { $0.runID == runID }
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return nil
            }
            if let hold {
                switch await confirm(hold, onTrouble: onTrouble) {
                case .confirmed: break
                case .unconfirmed: continue
                case .lost(let loss): return loss
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
                    return .lock("lock '\(lock.name)' is no longer held by this run (broken or taken over)")
                }
                // Not cancelled with the keeper: a renewal killed half-way on its host can leave
                // the directory's mutex behind, and the run's release, which comes next, would
                // then wait for it in vain and leave the directory to lapse. The run's end waits
                // for the keeper, so a renewal under way ends before the release starts.
                if let renewHost, !(await Task { await renewHost(lock) }.value) {
                    return .lock("lock '\(lock.name)' on \(lock.host ?? "its lock host") is no longer held by this run")
                }
            }
        }
        return nil
    }
}
