import Foundation
import Testing
@testable import WardenCore

/// `become`, `jump` and `certificate` as inventories and runbooks write them.
@Suite struct ReachLoadingTests {
    static let inventory = """
        defaults:
          user: ops
          identity_file: keys/ops
          certificate: keys/ops-cert.pub
          jump: bastion
        hosts:
          bastion: {address: 10.0.0.1, jump: none}
          outer: {address: 10.0.0.2}
          data-1: {address: 10.1.0.1, groups: [data]}
          data-2: {address: 10.1.0.2, groups: [data], become: false}
          meta-1: {address: 10.1.0.9, jump: [outer, bastion]}
        groups:
          data:
            become: {method: sudo, user: pegasus}
            jump: [outer, bastion]
        """

    @Test func chainsAndBecomeAreResolvedLikeOtherSettings() throws {
        let inventory = try InventoryFixtures.load(Self.inventory)
        let bastion = try InventoryFixtures.host("bastion", in: inventory)
        #expect(bastion.jump.isEmpty)
        #expect(bastion.certificate == "/etc/warden/keys/ops-cert.pub")
        // A group's chain passes through its own bastion: the bastion is reached through the hops before it.
        let outer = try InventoryFixtures.host("outer", in: inventory)
        #expect(outer.jump.hops.map(\.name) == ["bastion"])
        let data1 = try InventoryFixtures.host("data-1", in: inventory)
        #expect(data1.jump.hops.map(\.name) == ["outer", "bastion"])
        #expect(data1.jump.hops.allSatisfy { $0.jump.isEmpty })
        #expect(data1.jump.hops.first?.address == "10.0.0.2")
        #expect(data1.become == BecomeSpec(user: "pegasus"))
        let data2 = try InventoryFixtures.host("data-2", in: inventory)
        #expect(data2.become == nil)
        let meta = try InventoryFixtures.host("meta-1", in: inventory)
        #expect(meta.jump.description == "outer → bastion")
    }

    @Test func badReachSettingsAreNamedWhereTheyAreWritten() {
        let chains = InventoryFixtures.errors("""
            hosts:
              a: {jump: nowhere}
              b: {jump: b}
            """)
        #expect(chains.contains { $0.contains("inv.yaml:2:13") && $0.contains("unknown host 'nowhere'") }, "\(chains)")
        #expect(chains.contains { $0.contains("inv.yaml:3:13") && $0.contains("cannot jump through itself") }, "\(chains)")
        let errors = InventoryFixtures.errors("""
            hosts:
              a: {}
              b: {}
              c: {become: {user: "-rf"}}
              d: {become: {user: pegasus, password: hunter2}}
              e: {become: true}
            """)
        #expect(errors.contains { $0.contains("inv.yaml:4:") && $0.contains("plain user name") }, "\(errors)")
        #expect(errors.contains { $0.contains("inv.yaml:5:") && $0.contains("never goes in the inventory") }, "\(errors)")
        #expect(errors.contains { $0.contains("inv.yaml:6:") && $0.contains("does not say whom") }, "\(errors)")
    }

    @Test func aStepsSudoPasswordMustBeASecretParameter() throws {
        let runbook = """
            name: become
            params:
              open: {type: string, default: x}
              pw: {type: string, secret: true}
            targets:
              db: {hosts: "*"}
            steps:
              - id: good
                on: db
                become: {user: pegasus, password: pw}
                run: systemctl restart pegasus
                unguarded: test
              - id: shown
                on: db
                become: {user: pegasus, password: open}
                run: systemctl restart pegasus
                unguarded: test
              - id: missing
                on: db
                become: {user: pegasus, password: nope}
                run: systemctl restart pegasus
                unguarded: test
              - id: off
                on: db
                become: false
                check: whoami
            """
        let errors = RunbookFixtures.errors(runbook)
        #expect(errors.contains { $0.contains("step 'shown'") && $0.contains("not secret") }, "\(errors)")
        #expect(errors.contains { $0.contains("step 'missing'") && $0.contains("not a parameter") }, "\(errors)")
        #expect(errors.count == 2, "\(errors)")
    }

    @Test func theStepDecidesOverTheHostsDefault() throws {
        let inventory = try InventoryFixtures.load(Self.inventory)
        let data1 = try InventoryFixtures.host("data-1", in: inventory)
        let runbook = try RunbookFixtures.load("""
            name: become
            targets:
              db: {hosts: "*"}
            steps:
              - id: inherit
                on: db
                check: whoami
              - id: own
                on: db
                become: root
                check: whoami
              - id: off
                on: db
                become: false
                check: whoami
            """)
        let inherit = try RunbookFixtures.step("inherit", in: runbook), own = try RunbookFixtures.step("own", in: runbook)
        let off = try RunbookFixtures.step("off", in: runbook)
        #expect(inherit.becomeSpec(on: data1)?.description == "pegasus via sudo")
        #expect(own.becomeSpec(on: data1)?.user == "root")
        #expect(off.becomeSpec(on: data1) == nil)
    }

    @Test func aDeadmanCannotLeanOnASudoPasswordAndItsRevertRunsAsTheStepDid() {
        let errors = RunbookFixtures.errors("""
            name: become
            params:
              pw: {type: string, secret: true}
            targets:
              db: {hosts: "*"}
            steps:
              - id: change
                on: db
                become: {user: pegasus, password: pw}
                run: set-level lively
                undo: set-level steady
                deadman: 10m
                unguarded: test
            """)
        #expect(errors.contains { $0.contains("step 'change'") && $0.contains("deadman's revert fires unattended") }, "\(errors)")
        #expect(BecomeSpec(user: "pegasus").unattended("set-level 'steady'") == #"sudo -n -H -u pegasus -- /bin/sh -c 'set-level '\''steady'\'''"#)
    }
}
