import ArgumentParser
import Foundation
import WardenCore
import WardenSSHTransport

/// `warden locks`: who holds which run lock, and breaking a stale one.
struct LocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locks",
        abstract: "List run locks, or break one whose holder is gone.",
        subcommands: [LocksListCommand.self, LocksBreakCommand.self],
        defaultSubcommand: LocksListCommand.self)
}

/// `warden locks list`: every lock held, by whom, since when, until when;
/// with `-i`, also what the hosts hold in their host state folders and what
/// an older Warden left in `/tmp`.
struct LocksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the locks held and who holds them.",
        discussion: """
            With -i, the hosts are asked too (read-only): the lock directories and deadmen in each \
            host's state folder (host_state_dir), a state folder Warden would refuse, and anything \
            left in /tmp/warden-locks or /tmp/warden-deadman by an older Warden, which this version \
            never uses or trusts. Exit status 1 when a host has such leftovers, a refused folder, or \
            cannot be reached.
            """)

    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(name: [.short, .customLong("inventory")], help: "Also ask these hosts what they hold (read-only).")
    var inventory: String?

    @Option(help: "With -i: the host pattern to ask.")
    var hosts = "all"

    func run() async throws {
        let journal = try await state.open()
        let locks = try await journal.locks()
        let surveys = try await survey()
        switch output {
        case .json:
            if let surveys {
                Terminal.writeJSON(try JSONText.encode(LocksOnHosts(locks: locks, hosts: surveys.map(HostSurveyJSON.init))) + "\n")
            } else {
                Terminal.writeJSON(try JSONText.encode(locks) + "\n")
            }
        case .text:
            listJournal(locks)
            if let surveys { HostSurveyText.write(surveys) }
        }
        if let surveys, surveys.contains(where: { !$0.isClean }) { throw ExitStatus.failure }
    }

    /// What the hosts hold; nil without -i.
    private func survey() async throws -> [HostSurveyResult]? {
        guard let inventory else { return nil }
        let selected = try InventoryOptions.selectHosts(hosts, in: inventory)
        let transport = SSHTransport(concurrency: 16, acceptNewHostKeys: false)
        let results = await ConcurrentMap.map(selected, limit: 16) { host -> HostSurveyResult in
            do {
                return .surveyed(try await HostStateSurvey.take(on: host, transport: transport))
            } catch {
                return .unreachable(host: host.name, "\(error)")
            }
        }
        await transport.close()
        return results
    }

    private func listJournal(_ locks: [RunLock]) {
        guard !locks.isEmpty else {
            Terminal.write("No locks held.\n")
            return
        }
        for lock in locks {
            var line = "\(lock.name)  run \(lock.runID)  \(lock.holder) on \(lock.controller)  since \(JournalText.time(lock.acquiredAt))"
            if let expires = lock.expiresAt {
                line += lock.hasLapsed() ? "  lease lapsed at \(JournalText.time(expires))" : "  lease until \(JournalText.time(expires))"
            }
            if lock.controllerIsGone { line += "  (controller gone)" }
            if let host = lock.host { line += "  also on \(host)" }
            Terminal.write(line + "\n")
        }
    }
}

/// `warden locks break NAME --reason ...`: the explicit, audited way to free a
/// lock whose holder cannot release it.
struct LocksBreakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "break",
        abstract: "Break a lock (recorded in the audit log with who broke it and why).",
        discussion: """
            A lock whose run ended, whose controller on this machine died, or whose lease lapsed is \
            taken over by the next run without this. Break a lock only when you know its holder is \
            not acting on the cluster; `warden show RUN` tells what it was doing. With -i, a lock \
            directory the lock also holds on its lock host is removed too (only if that run still owns \
            it); without, the next run takes it over once its lease lapsed.
            """)

    @Argument(help: "The lock's name (see `warden locks`).")
    var name: String

    @Option(help: "Why it is safe to break it (required; recorded).")
    var reason: String

    @OptionGroup var state: StateOptions

    @Option(name: [.short, .customLong("inventory")], help: "The inventory naming the lock host, to remove the lock directory there too.")
    var inventory: String?

    func run() async throws {
        let journal = try await state.open()
        let reason = self.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let broken = try await LockBreaking.breakLock(name, reason: reason, in: journal)
        Terminal.write(VisibleText.line("broke lock '\(name)' held by run \(broken.runID) of \(broken.holder) on \(broken.controller)") + "\n")
        guard let hostName = broken.host else { return }
        guard let inventory else {
            Terminal.write("its lock directory on \(hostName) stays until its lease lapses (pass -i INVENTORY to remove it now)\n")
            return
        }
        // An empty selection is an error there, never "all".
        guard let host = try InventoryOptions.selectHosts(hostName, in: inventory).first else {
            throw InvalidInput(description: "\(inventory) has no host '\(hostName)'")
        }
        let transport = SSHTransport(concurrency: 1, acceptNewHostKeys: false)
        let removed: Result<Bool, RunSessionError>
        do {
            removed = .success(try await LockBreaking.removeHostLock(of: broken, on: host, reason: reason, transport: transport,
                                                                      journal: journal))
        } catch {
            removed = .failure(error)
        }
        await transport.close()
        if try removed.get() {
            Terminal.write("no lock directory of this run remains on \(hostName)\n")
        } else {
            Terminal.write("its lock directory on \(hostName) is no longer this run's (taken over, or gone); left as it is\n")
        }
    }
}
