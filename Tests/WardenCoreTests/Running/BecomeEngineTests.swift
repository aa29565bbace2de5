import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// `become` through the engine on an in-memory host: the transport is told
/// whom to run as (and the password, from the secret parameter), the journal
/// says so without the password, and a deadman's revert runs as the step did.
@Suite("become in the engine (in memory)")
struct BecomeEngineTests {
    static let runbook = """
        name: restart
        params:
          pw: {type: string, secret: true, required: true}
        targets:
          admin: {hosts: meta1, exactly: 1}
        steps:
          - id: restart
            on: admin
            become: {user: pegasus, password: pw}
            run: restart-replica
            unguarded: the test cluster
          - id: lively
            on: admin
            become: pegasus
            run: set_meta_level lively
            unguarded: the test cluster
            deadman: {after: 6h, run: set_meta_level steady}
          - id: look
            on: admin
            check: whoami
        """

    @Test func theTransportRunsAsTheUserAndTheJournalSaysSoWithoutThePassword() async throws {
        let scene = try await EngineScene.make(Self.runbook, hosts: ["admin": ["meta1"]], params: [("pw", "s3cret-pw")])
        defer { scene.remove() }
        MetaLevelHost.install(on: scene.transport)
        scene.transport.on(.equals("restart-replica"), reply: .success())
        scene.transport.on(.equals("whoami"), reply: .success("ops\n"))
        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        let sent = scene.transport.received(by: "meta1")
        #expect(sent.first { $0.line == "restart-replica" }?.become == RemoteBecome(user: "pegasus", password: "s3cret-pw"))
        #expect(sent.first { $0.line == "set_meta_level lively" }?.become == RemoteBecome(user: "pegasus"))
        #expect(sent.first { $0.line == "whoami" }?.become == nil)
        let revert = try #require(scene.transport.deadmen(on: "meta1").first).revert
        #expect(revert == "sudo -n -H -u pegasus -- /bin/sh -c 'set_meta_level steady'")
        let events = try await scene.events()
        let intents = events.filter { $0.kind == .intent }.map { "\($0.step ?? "") \($0.detail ?? "-")" }
        #expect(intents == ["restart as pegasus via sudo", "lively as pegasus via sudo", "look -"], "\(intents)")
        #expect(!events.contains { "\($0)".contains("s3cret-pw") })
    }
}
