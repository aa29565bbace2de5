import Foundation

/// An operator's explicit decision that a lock's holder is gone (`warden locks
/// break`, or the daemon's API): the journal's lock is removed with who broke
/// it and why in the audit log and the run, and the lock directory on the lock
/// host is removed too, but only while it still belongs to that run.
public enum LockBreaking {
    /// Breaks the journal's lock `name`; returns the lock that was held.
    public static func breakLock(_ name: String, reason: String, in journal: Journal) async throws(RunSessionError) -> RunLock {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RunSessionError(.invalidInput, "--reason must say why it is safe to break the lock") }
        do {
            guard let broken = try await journal.breakLock(name, reason: trimmed) else {
                let held = try await journal.locks().map(\.name)
                throw RunSessionError(.invalidInput, "no lock '\(name)' is held" + (held.isEmpty ? "" : "; held: " + held.joined(separator: ", ")))
            }
            return broken
        } catch let error as RunSessionError {
            throw error
        } catch {
            throw RunSessionError(.failed, "\(error)")
        }
    }

    /// Removes the broken run's lock directory from `host`; false when it is no longer that
    /// run's (taken over, or gone), and left as it is.
    public static func removeHostLock(of broken: RunLock, on host: InventoryHost, reason: String, transport: any HostTransport,
                                      journal: Journal) async throws(RunSessionError) -> Bool {
        let lock = HostLock(name: broken.name, runID: broken.runID, owner: "", lease: .seconds(1), folder: HostStateFolder(for: host))
        let answer: HostLock.Answer
        do {
            answer = try await lock.release(on: host, transport: transport)
        } catch {
            throw RunSessionError(.failed, "the lock directory on \(host.name) could not be removed: \(error); it stays until its lease lapses")
        }
        guard answer == .released else { return false }
        _ = try? await journal.append(.init(runID: broken.runID, kind: .note, host: host.name,
                                            detail: "lock directory of '\(broken.name)' removed from \(host.name) by \(journal.actor): \(reason)"))
        return true
    }
}
