import Foundation
import Testing
import WardenCore
import WardenTesting

/// The operator's OpenSSH config, opted into with `ssh_config:` in the
/// inventory's defaults: aliases and ProxyJump honoured, options that would
/// weaken host-key checking ignored with a warning.
@Suite("ssh_config against real sshd")
struct SSHConfigTests {
    @Test func aliasesAndProxyJumpAreHonouredAndWeakeningOptionsAreNot() async throws {
        try await withFleet(hosts: 2, behindBastion: true) { fleet in
            let dir = fleet.directory.path
            let bastion = try #require(try Inventory.load(path: fleet.inventoryPath).host(named: "h01"))
            let target = fleet.hosts[1]
            try """
                # The operator's own config: the bastion under another name, the target behind it.
                Host edge
                    HostName \(bastion.address)
                    Port \(fleet.port)
                Host db-*
                    ProxyJump edge
                    Port \(fleet.port)
                    StrictHostKeyChecking no
                    UserKnownHostsFile /dev/null
                Host db-one
                    HostName \(target.address)
                """.write(toFile: "\(dir)/ssh_config", atomically: true, encoding: .utf8)
            let inventory = """
                defaults:
                  ssh_config: \(dir)/ssh_config
                  identity_file: \(dir)/client_key
                  known_hosts: \(dir)/known_hosts
                  user: \(fleet.user)
                hosts:
                  db-one: {}
                """
            try inventory.write(toFile: "\(dir)/config-inventory.yaml", atomically: true, encoding: .utf8)
            let run = try await warden(["exec", "-i", "\(dir)/config-inventory.yaml", "db-one", "--full", "--", #"echo "at $SSH_CONNECTION""#])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains(" \(target.address) \(fleet.port)"), "\(run.stdout)")
            #expect(run.stderr.contains("ssh_config:8: StrictHostKeyChecking"), "\(run.stderr)")
            #expect(run.stderr.contains("ssh_config:9: UserKnownHostsFile") && run.stderr.contains("not obeyed"), "\(run.stderr)")

            // StrictHostKeyChecking no in the config lets in no host the inventory's known_hosts does not know.
            try "".write(toFile: "\(dir)/empty_known_hosts", atomically: true, encoding: .utf8)
            try inventory.replacingOccurrences(of: "\(dir)/known_hosts", with: "\(dir)/empty_known_hosts")
                .write(toFile: "\(dir)/config-inventory.yaml", atomically: true, encoding: .utf8)
            let refused = try await warden(["exec", "-i", "\(dir)/config-inventory.yaml", "db-one", "--full", "--", "true"])
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect((refused.stdout + refused.stderr).contains("is not in \(dir)/empty_known_hosts"), "\(refused.stdout)\(refused.stderr)")
        }
    }
}
