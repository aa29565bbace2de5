import Foundation
import Testing
import WardenCore
import WardenTesting

/// A runbook step with `become` run by the CLI against the fleet: the plan
/// and the journal name the effective user, and the sudo password (a secret
/// parameter) is nowhere in the state folder or the output.
@Suite("become in a run")
struct BecomeRunTests {
    static let runbook = """
        name: become-run
        params:
          sudo_password: {type: string, secret: true, required: true}
          out: {type: string, required: true}
        targets:
          db: {hosts: fleet}
        steps:
          - id: as_service
            on: db
            become: {method: sudo, user: warden-svc, password: sudo_password}
            run: whoami > {{ params.out }}
            unguarded: writes one scratch file in /tmp
          - id: as_login
            on: db
            check: whoami
        """

    @Test func thePlanAndTheJournalNameTheUserAndThePasswordIsNowhere() async throws {
        try await withFleet(hosts: 1) { fleet in
            if let why = try await SudoAccounts.prepare(fleet) { throw TestFailure(why) }
            let dir = fleet.directory.path
            let tag = UUID().uuidString.prefix(8)
            // The fleet's inventory, logging in as the non-root account that needs a password for sudo.
            let inventory = try String(contentsOfFile: fleet.inventoryPath, encoding: .utf8)
                .replacingOccurrences(of: "  user: \(fleet.user)\n", with: "  user: \(SudoAccounts.passwordLogin)\n")
                .replacingOccurrences(of: "host_state_dir: \(dir)/hosts/h01/state", with: "host_state_dir: '~/.local/state/warden-\(tag)'")
            try inventory.write(toFile: "\(dir)/become-inventory.yaml", atomically: true, encoding: .utf8)
            let file = try write(Self.runbook, in: fleet, name: "become.yaml")
            let out = "/tmp/warden-become-\(tag)"
            let state = "\(dir)/state"
            let secret = ["WARDEN_PARAM_SUDO_PASSWORD": SudoAccounts.password]

            let plan = try await warden(["plan", file, "-i", "\(dir)/become-inventory.yaml", "--state", state, "-p", "out=\(out)"], environment: secret)
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("h01: will-run as warden-svc via sudo"), "\(plan.stdout)")

            let run = try await warden(["run", file, "-i", "\(dir)/become-inventory.yaml", "--state", state, "--yes", "-p", "out=\(out)"],
                                       environment: secret)
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let who = try await fleet.shell("cat \(out); stat -c %U \(out); rm -f \(out)")
            #expect(who == "warden-svc\nwarden-svc\n", "\(who)")
            #expect(!(plan.stdout + plan.stderr + run.stdout + run.stderr).contains(SudoAccounts.password))

            // The journal names who the change ran as; no file of the state folder holds the password.
            let journaled = try await fleet.shell("grep -rac 'as warden-svc via sudo' \(state) | awk -F: '{ n += $NF } END { print n }'")
            #expect(Int(journaled.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 1, "\(journaled)")
            let leaked = try await fleet.controller("grep -ral -- '\(SudoAccounts.password)' \(state) \(dir)/hosts/h01 /home/\(SudoAccounts.passwordLogin) 2>/dev/null")
            #expect(leaked.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the password is in: \(leaked.output)")
        }
    }
}
