import Foundation
import Testing
import WardenCore
import WardenSSH
import WardenTesting

@Suite("Exec against real sshd")
struct ExecTests {
    @Test func megabytesOnStderrAndALineOnStdoutComeBackWholeAndApart() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let result = try await client.exec(
                ExecRequest(command: "head -c 4000000 /dev/zero | tr '\\0' e >&2; echo out-line; exit 7"),
                on: fleet.target())
            #expect(result.exitStatus == 7)
            #expect(result.exitSignal == nil)
            #expect(result.stdout.completeBytes == Array("out-line\n".utf8))
            #expect(result.stderr.droppedBytes == 0)
            #expect(result.stderr.totalBytes == 4_000_000)
            #expect(result.stderr.completeBytes?.allSatisfy { $0 == UInt8(ascii: "e") } == true)
            await client.close()
        }
    }

    /// A command refused at its deadline (`sendBefore`) after its channel opened: nothing runs, and
    /// the session goes on serving commands. Before, the refused channel's callbacks outlived it,
    /// and the server's CLOSE, read during a later command, crashed the controller.
    @Test func aCommandRefusedAtItsDeadlineSendsNothingAndLeavesTheSessionUsable() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let marker = "/tmp/warden-refused-\(UUID().uuidString)"
            for _ in 0..<5 {
                var refused = ExecRequest(command: "touch \(marker)")
                refused.sendBefore = { ContinuousClock.now - .seconds(1) }
                do {
                    _ = try await client.exec(refused, on: fleet.target())
                    Issue.record("a command past its deadline was run")
                } catch {
                    #expect((error as? SSHError)?.kind == .notSent, "\(error)")
                }
            }
            for index in 0..<20 {
                let result = try await client.exec(ExecRequest(command: "echo \(index); test ! -e \(marker)"), on: fleet.target())
                #expect(result.exitStatus == 0 && result.stdout.text == "\(index)\n", "\(result.stdout.text)")
            }
            await client.close()
        }
    }

    @Test func outputBeyondTheCapKeepsHeadAndTailAndSaysWhatWasDropped() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let request = ExecRequest(command: "echo FIRST; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo LAST",
                                      outputLimit: OutputLimit(head: 1000, tail: 1000))
            let result = try await client.exec(request, on: fleet.target())
            #expect(result.exitStatus == 0)
            #expect(result.stdout.totalBytes == 6 + 3_000_000 + 1 + 5)
            #expect(result.stdout.droppedBytes == result.stdout.totalBytes - 2000)
            #expect(String(decoding: result.stdout.head.prefix(6), as: UTF8.self) == "FIRST\n")
            #expect(String(decoding: result.stdout.tail.suffix(6), as: UTF8.self) == "\nLAST\n")
            #expect(result.stdout.text.contains("bytes dropped"))
            await client.close()
        }
    }

    @Test func exitStatusAndSignalAreReported() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let plain = try await client.exec(ExecRequest(command: "kill -KILL $$", killProcessGroupOnStop: false), on: fleet.target())
            #expect(plain.exitSignal == "KILL")
            #expect(plain.exitStatus == nil)
            #expect(!plain.succeeded)
            // The process-group wrapper keeps the command's pid: sshd still reports the signal.
            let wrapped = try await client.exec(ExecRequest(command: "kill -KILL $$"), on: fleet.target())
            #expect(wrapped.exitSignal == "KILL")
            #expect(wrapped.exitStatus == nil)
            let fine = try await client.exec(ExecRequest(command: "printf 'a\\nb'; printf e >&2"), on: fleet.target())
            #expect(fine.succeeded)
            #expect(fine.stdout.text == "a\nb")
            #expect(fine.stderr.text == "e")
            await client.close()
        }
    }

    @Test func commandPastItsDeadlineTimesOutAndItsProcessesAreGoneFromTheHost() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let a = uniqueSleepSeconds(), b = uniqueSleepSeconds()
            // A background child too: killing only the shell would leave it behind.
            let request = ExecRequest(command: "echo started; sleep \(a) & sleep \(b); wait", deadline: .milliseconds(800))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await expectSSHError(.commandTimedOut) { try await client.exec(request, on: fleet.target()) }
            // The sleeps last five minutes or more: well under that means stopped, not finished.
            #expect(clock.now - start < .seconds(120))
            #expect(error?.description.contains(fleet.hosts[0].name) == true)
            #expect(error?.description.contains("process group") == true)
            #expect(error?.partialResult?.stdout.text == "started\n")
            let (status, output) = try await fleet.controller("pgrep -f '[s]leep (\(a)|\(b))'")
            #expect(status == 1, "still running on the host: \(output)")
            // The session survives the kill and runs the next command.
            let next = try await client.exec(ExecRequest(command: "echo again"), on: fleet.target())
            #expect(next.stdout.text == "again\n")
            await client.close()
        }
    }

    @Test func cancellingTheTaskKillsTheRemoteCommand() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let marker = uniqueSleepSeconds()
            let target = fleet.target()
            let task = Task { try await client.exec(ExecRequest(command: "sleep \(marker)"), on: target) }
            // Wait until the command is really running on the host before cancelling.
            for _ in 0..<100 {
                if try await fleet.controller("pgrep -f '[s]leep \(marker)'").status == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            task.cancel()
            let error = await expectSSHError(.cancelled) { try await task.value }
            #expect(error?.detail.contains("killed") == true)
            let (status, output) = try await fleet.controller("pgrep -f '[s]leep \(marker)'")
            #expect(status == 1, "still running on the host: \(output)")
            await client.close()
        }
    }

    @Test func oneSessionPerHostServesEveryCommand() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            for i in 0..<5 {
                let result = try await client.exec(ExecRequest(command: "echo \(i)"), on: fleet.target())
                #expect(result.stdout.text == "\(i)\n")
            }
            #expect(fleet.acceptedLogins() == 1, "sshd log:\n\(fleet.log(of: fleet.hosts[0]))")
            await client.close()
        }
    }

    @Test func parametersQuotedForTheShellArriveAsData() async throws {
        try await withFleet { fleet in
            let client = SSHClient()
            let hostile = "x'; touch /tmp/warden-pwned-\(UUID().uuidString); echo '$(id)`id`"
            let result = try await client.exec(ExecRequest(command: "printf %s \(ShellQuoting.quote(hostile))"), on: fleet.target())
            #expect(result.stdout.text == hostile)
            await client.close()
        }
    }
}
