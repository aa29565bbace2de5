import Foundation
import Testing
import WardenCore
import WardenTesting

/// A whole `warden run` on hosts only a bastion reaches: a lock on one of
/// them, a change one host at a time with a deadman armed before it, and a
/// file collected over SFTP, all through one bastion session.
@Suite("A run through a bastion")
struct JumpRunTests {
    @Test func lockDeadmanChangeAndCollectGoThroughTheBastion() async throws {
        try await withFleet(hosts: 4, behindBastion: true) { fleet in
            let dir = fleet.directory.path
            let tag = UUID().uuidString.prefix(8)
            let file = try write("""
                name: through-bastion
                targets:
                  db: {hosts: fleet}
                  first: {hosts: h02, exactly: 1}
                lock: {name: bastion-\(tag), on: first}
                steps:
                  - id: mark
                    on: db
                    serial: 1
                    run: echo "$SSH_CONNECTION" > /tmp/warden-jump-\(tag)-{{ host.name }}
                    undo: rm -f /tmp/warden-jump-\(tag)-{{ host.name }}
                    deadman: 1h
                    unguarded: writes a scratch file
                  - id: fetch
                    on: first
                    collect: /tmp/warden-jump-\(tag)-h02
                """, in: fleet, name: "through-bastion.yaml")
            let state = "\(dir)/state", artifacts = "\(dir)/artifacts"
            let run = try await warden(["run", file, "-i", fleet.inventoryPath, "--state", state, "--yes", "--artifacts", artifacts])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let marks = try await fleet.shell("cat /tmp/warden-jump-\(tag)-* | awk '{ print $3 }' | sort; rm -f /tmp/warden-jump-\(tag)-*")
            #expect(marks == fleet.hosts.dropFirst().map { "\($0.address)\n" }.sorted().joined(), "\(marks)")
            let fetched = try FileManager.default.subpathsOfDirectory(atPath: artifacts).filter { $0.contains("warden-jump-\(tag)") }
            #expect(!fetched.isEmpty, "nothing collected through the bastion")
            // One login on the bastion for the whole run: locks, deadmen, changes and SFTP share it.
            #expect(fleet.acceptedLogins(0) == 1, "the bastion's sshd accepted \(fleet.acceptedLogins(0)) logins")
        }
    }
}
