import Foundation
import Testing
@testable import WardenCore

/// `host_state_dir` in an inventory: where Warden keeps locks and deadmen on a host.
@Suite struct InventoryHostStateTests {
    @Test func theHostsOwnWinsThenTheDeepestGroupThenDefaults() throws {
        let inventory = try InventoryFixtures.load("""
            defaults:
              host_state_dir: /var/lib/warden-site
            groups:
              db:
                children: [pegasus]
                host_state_dir: /srv/db/warden
              pegasus:
                host_state_dir: "~/.local/state/warden-pegasus"
            hosts:
              plain: {}
              member: {groups: [db]}
              deep: {groups: [pegasus]}
              own: {groups: [pegasus], host_state_dir: /opt/warden}
            """)
        #expect(try InventoryFixtures.host("plain", in: inventory).stateFolder == "/var/lib/warden-site")
        #expect(try InventoryFixtures.host("member", in: inventory).stateFolder == "/srv/db/warden")
        #expect(try InventoryFixtures.host("deep", in: inventory).stateFolder == "~/.local/state/warden-pegasus")
        #expect(try InventoryFixtures.host("own", in: inventory).stateFolder == "/opt/warden")
    }

    @Test func unsetMeansTheDefaultResolvedOnTheHost() throws {
        let inventory = try InventoryFixtures.load("hosts:\n  a: {}\n")
        #expect(try InventoryFixtures.host("a", in: inventory).stateFolder == nil)
    }

    @Test func aRelativeOrWanderingPathIsRefusedWhereItIsWritten() {
        let errors = InventoryFixtures.errors("""
            defaults:
              host_state_dir: state/warden
            hosts:
              a: {host_state_dir: /var/lib/../tmp}
              b: {host_state_dir: "~"}
            """)
        #expect(errors == [
            "inv.yaml:2:19: error: host_state_dir must be an absolute path on the host or start with '~/', got 'state/warden'; for example /var/lib/warden, or '~/.local/state/warden' (quoted)",
            "inv.yaml:4:23: error: host_state_dir must name a folder without '.' or '..' components, got '/var/lib/../tmp'",
            "inv.yaml:5:23: error: host_state_dir must be an absolute path on the host or start with '~/', got '~'; for example /var/lib/warden, or '~/.local/state/warden' (quoted)",
        ])
    }
}
