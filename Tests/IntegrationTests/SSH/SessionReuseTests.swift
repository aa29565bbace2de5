import Foundation
import Testing
import WardenSSH
import WardenTesting

@Suite("Cached sessions that die")
struct SessionReuseTests {
    /// Kills the per-connection sshd processes of host 0 (not its listener), as a network
    /// drop or an sshd restart would.
    private func dropConnections(_ fleet: LoopbackFleet) async throws {
        guard let listener = fleet.pid(of: fleet.hosts[0]) else { throw TestFailure("no sshd pid") }
        try await fleet.shell("pkill -KILL -P \(listener); for i in $(seq 50); do pgrep -P \(listener) >/dev/null || exit 0; sleep 0.1; done; exit 1")
    }

    @Test func aSessionThatDiedWhileIdleIsReplacedOnce() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let first = try await client.exec(ExecRequest(command: "echo one"), on: fleet.target())
            #expect(first.stdout.text == "one\n")
            try await dropConnections(fleet)
            let second = try await client.exec(ExecRequest(command: "echo two"), on: fleet.target())
            #expect(second.stdout.text == "two\n")
            #expect(fleet.acceptedLogins() == 2, "sshd log:\n\(fleet.log(of: fleet.hosts[0]))")
            await client.close()
        }
    }

    @Test func aCommandCutOffMidRunFailsAndIsNeverRunAgain() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let ledger = fleet.directory.appendingPathComponent("ran-\(UUID().uuidString)").path
            let target = fleet.target()
            let task = Task { try await client.exec(ExecRequest(command: "echo ran >> '\(ledger)'; echo started; sleep 30"), on: target) }
            for _ in 0..<100 {
                if FileManager.default.fileExists(atPath: ledger) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await dropConnections(fleet)
            let error = await expectSSHError(.channelFailure) { try await task.value }
            #expect(error?.description.contains("may or may not have finished") == true)
            #expect(try String(contentsOfFile: ledger, encoding: .utf8) == "ran\n")
            // The client recovers on the next command, with a new session.
            let next = try await client.exec(ExecRequest(command: "echo after"), on: target)
            #expect(next.stdout.text == "after\n")
            #expect(try String(contentsOfFile: ledger, encoding: .utf8) == "ran\n")
            await client.close()
        }
    }
}
