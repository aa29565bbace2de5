import Foundation
import WardenCore

/// Breaking a lock for `POST /api/v1/locks/{name}/break` and the web UI's
/// locks page alike: the journal's lock is broken in `identity`'s name (the
/// audit record says who and why), then its directory is removed from the
/// lock host while that is still the broken run's.
enum LockBreaker {
    /// Breaks lock `name`; the lock that was held and what became of its host directory.
    /// `invalidInput` without a reason or when no such lock is held.
    static func breakLock(_ name: String, reason: String, by identity: Identity, _ services: ServeServices)
        async throws(RunSessionError) -> (lock: RunLock, hostDirectory: String) {
        let journal = services.journal(as: identity)
        let broken = try await LockBreaking.breakLock(name, reason: reason, in: journal)
        var hostDirectory = "the lock had no directory on a host"
        if let hostName = broken.host {
            hostDirectory = await removeDirectory(of: broken, host: hostName, reason: reason, journal: journal, services: services)
        }
        return (broken, hostDirectory)
    }

    /// Removes the broken run's lock directory from its host, found in the run's inventory; says what became of it.
    private static func removeDirectory(of broken: RunLock, host hostName: String, reason: String, journal: Journal,
                                        services: ServeServices) async -> String {
        guard let run = try? await journal.run(broken.runID), let inventoryPath = run.inventory,
              let inventory = try? Inventory.load(path: inventoryPath), let host = inventory.host(named: hostName) else {
            return "the lock directory on \(hostName) was left: the run's inventory does not name the host; it goes when its lease lapses"
        }
        let transport = await services.dispatcher.hostTransport()
        defer { Task { await transport.close() } }
        do {
            let removed = try await LockBreaking.removeHostLock(of: broken, on: host, reason: reason, transport: transport, journal: journal)
            return removed ? "removed from \(hostName)" : "no lock directory of this run remains on \(hostName)"
        } catch {
            return error.description
        }
    }
}
