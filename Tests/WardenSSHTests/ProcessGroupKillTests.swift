import Foundation
import Testing
@testable import WardenSSH

/// What a timeout or Ctrl-C sends to the host to stop a command and
/// everything it started, on real local shells: dash (Debian's /bin/sh)
/// refuses `kill -TERM -- -PGID` ("Illegal number"), so the group must be
/// signalled as `kill -s TERM -- -PGID`, which every POSIX shell takes.
@Suite("Killing a command's process group")
struct ProcessGroupKillTests {
    private static let shells = ["/usr/bin/dash", "/usr/bin/bash", "/bin/sh"].filter { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(arguments: shells)
    func theWholeGroupIsGone(shell: String) async throws {
        // A group of its own (as sshd gives a session), with a child that ignores nothing.
        let started = try await LocalShell.run("setsid sh -c 'sleep 300 & wait' >/dev/null 2>&1 & sleep 0.3; ps -o pgid= -p $!",
                                               shell: shell, stdin: [])
        let group = try #require(Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(started)")
        let killed = try await LocalShell.run(ProcessGroupWrapper.killCommand(processGroup: group), shell: shell, stdin: [])
        #expect(killed.status == 0, "\(killed)")
        var alive = true
        for _ in 0..<50 where alive {
            try await Task.sleep(for: .milliseconds(100))
            alive = kill(-group, 0) == 0
        }
        if alive { kill(-group, SIGKILL) }
        #expect(!alive, "\(shell) left process group \(group) running")
    }
}
