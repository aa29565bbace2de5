import Foundation
import Testing
import WardenCore
import WardenSSH
import WardenTesting

/// `become` through a real sudo on the fleet: a non-root login user runs
/// commands as another account, with and without a sudo password, and a
/// timeout still kills everything the command started.
@Suite("Become through sudo against real sshd")
struct BecomeTests {
    private func login(_ fleet: LoopbackFleet, as user: String) -> SSHTarget {
        var target = fleet.target()
        target.user = user
        return target
    }

    private func request(_ command: String, become user: String = SudoAccounts.service, password: String? = nil,
                         deadline: Duration? = nil) -> ExecRequest {
        var request = ExecRequest(command: command, deadline: deadline)
        request.become = ExecBecome(user: user, password: password.map { Array($0.utf8) })
        return request
    }

    @Test func aNonRootLoginRunsAsTheServiceAccountWithAndWithoutAPassword() async throws {
        try await withFleet { fleet in
            if let why = try await SudoAccounts.prepare(fleet) { throw TestFailure(why) }
            let client = SSHClient()
            let plain = try await client.exec(request("whoami; id -un"), on: login(fleet, as: SudoAccounts.login))
            #expect(plain.exitStatus == 0)
            #expect(plain.stdout.text == "warden-svc\nwarden-svc\n", "\(plain.stderr.text)")
            #expect(plain.stderr.text.isEmpty, "\(plain.stderr.text)")

            let withPassword = try await client.exec(request("whoami", password: SudoAccounts.password),
                                                     on: login(fleet, as: SudoAccounts.passwordLogin))
            #expect(withPassword.stdout.text == "warden-svc\n", "\(withPassword.stderr.text)")

            // sudoers asks warden-op for no password: the one given is not read by sudo, and must not reach the command.
            let unread = try await client.exec(request("cat; echo end", password: "never-shown"), on: login(fleet, as: SudoAccounts.login))
            #expect(unread.stdout.text == "end\n", "\(unread.stdout.text)")
            await client.close()
        }
    }

    @Test func sudoRefusingSaysSoAndNothingRuns() async throws {
        try await withFleet { fleet in
            if let why = try await SudoAccounts.prepare(fleet) { throw TestFailure(why) }
            let client = SSHClient()
            let marker = "/tmp/warden-become-refused-\(UUID().uuidString)"
            for (password, expected) in [(nil, "without a password"), ("wrong-password", "Check the sudo password")] {
                do {
                    _ = try await client.exec(request("touch \(marker)", password: password), on: login(fleet, as: SudoAccounts.passwordLogin))
                    Issue.record("sudo ran a command it should have refused")
                } catch let error as SSHError {
                    #expect(error.kind == .becomeRefused, "\(error)")
                    #expect(error.description.contains("as warden-svc") && error.description.contains("nothing ran"), "\(error)")
                    #expect(error.description.contains(expected), "\(error)")
                    #expect(!error.description.contains(SudoAccounts.password))
                }
            }
            // Not allowed at all: warden-op may become warden-svc only.
            await #expect(throws: SSHError.self) {
                _ = try await client.exec(request("touch \(marker)", become: "root"), on: login(fleet, as: SudoAccounts.login))
            }
            #expect(!FileManager.default.fileExists(atPath: marker))
            await client.close()
        }
    }

    @Test func aTimedOutCommandAndItsChildrenAreKilledThroughSudo() async throws {
        try await withFleet { fleet in
            if let why = try await SudoAccounts.prepare(fleet) { throw TestFailure(why) }
            let client = SSHClient()
            let tag = Int.random(in: 100_000..<900_000)
            for (login, password) in [(SudoAccounts.login, nil as String?), (SudoAccounts.passwordLogin, SudoAccounts.password)] {
                do {
                    _ = try await client.exec(request("sh -c 'sleep \(tag); :' & sleep \(tag + 1); wait", password: password, deadline: .seconds(4)),
                                              on: self.login(fleet, as: login))
                    Issue.record("the command was not stopped at its deadline")
                } catch let error as SSHError {
                    #expect(error.kind == .commandTimedOut, "\(error)")
                    #expect(error.description.contains("was killed"), "\(error)")
                }
                // TERM at once, KILL two seconds later at the latest.
                var left = ""
                for _ in 0..<40 {
                    left = try await fleet.controller("pgrep -u \(SudoAccounts.service) -f 'sleep \(tag)' || true").output
                    if left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "still running as \(SudoAccounts.service): \(left)")
            }
            await client.close()
        }
    }

    @Test func secretFilesReachTheCommandAsTheServiceAccount() async throws {
        try await withFleet { fleet in
            if let why = try await SudoAccounts.prepare(fleet) { throw TestFailure(why) }
            let client = SSHClient()
            var secret = request(#"whoami; cat "$WARDEN_SECRETS/1"; stat -c %U "$WARDEN_SECRETS/1""#, password: SudoAccounts.password)
            secret.secretFiles = [Array("the-token".utf8)]
            let result = try await client.exec(secret, on: login(fleet, as: SudoAccounts.passwordLogin))
            #expect(result.stdout.text == "warden-svc\nthe-tokenwarden-svc\n", "\(result.stdout.text) \(result.stderr.text)")
            await client.close()
        }
    }
}
