import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// `collect` on in-memory hosts: files fetched into the run's artifacts with
/// their digests, the cap refused, and the step's timeout shared by a host's
/// files and kept by the run's clock.
@Suite("Collect (in memory)")
struct CollectRunTests {
    static func runbook(_ collect: String) -> String {
        """
        name: collect
        targets:
          dbs: {hosts: "db*", at_least: 1}
        steps:
          - id: grab
            on: dbs
        \(collect)
        """
    }

    @Test func filesAreFetchedIntoTheArtifactsWithTheirDigests() async throws {
        let scene = try await EngineScene.make(Self.runbook("""
                collect: [/var/log/db.log, /etc/db.conf]
            """), hosts: ["dbs": ["db1", "db2"]])
        defer { scene.remove() }
        for host in ["db1", "db2"] {
            scene.transport.setFile("/var/log/db.log", .text("log of \(host)\n"), on: host)
            scene.transport.setFile("/etc/db.conf", .text("replicas = 3\n"), on: host)
        }
        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        #expect(try String(contentsOfFile: scene.folder + "/artifacts/db2/db.log", encoding: .utf8) == "log of db2\n")
        #expect(scene.transport.fetches(from: "db1") == ["/var/log/db.log", "/etc/db.conf"])
        let output = try #require(report.steps.first?.hosts.first?.output)
        #expect(output.contains("13  /etc/db.conf -> \(scene.folder)/artifacts/db1/db.conf"), "\(output)")
    }

    @Test func aFileOverTheCapIsRefusedAndTheOthersStillCome() async throws {
        let scene = try await EngineScene.make(Self.runbook("""
                collect: [/var/core, /var/log/db.log]
                max_bytes: "1024"
            """), hosts: ["dbs": ["db1"]])
        defer { scene.remove() }
        scene.transport.setFile("/var/core", .regular(Data(count: 4096)), on: "db1")
        scene.transport.setFile("/var/log/db.log", .text("ok\n"), on: "db1")
        let report = await scene.run()
        #expect(report.status == .failed)
        let host = try #require(report.steps.first?.hosts.first)
        #expect(host.reason?.contains("/var/core: db1: transfer refused: /var/core: is 4096 bytes, over the cap of 1024 bytes") == true, "\(host.reason ?? "")")
        #expect(!FileManager.default.fileExists(atPath: scene.folder + "/artifacts/db1/core"))
        #expect(FileManager.default.fileExists(atPath: scene.folder + "/artifacts/db1/db.log"))
    }

    @Test func theStepsTimeoutIsSharedByAHostsFilesByTheClock() async throws {
        let scene = try await EngineScene.make(Self.runbook("""
                collect: [/var/core.1, /var/core.2, /var/core.3]
                timeout: 60s
            """), hosts: ["dbs": ["db1"]])
        defer { scene.remove() }
        // Forty seconds each: the first fits, the second runs out of the minute, the third gets none of it.
        for name in ["core.1", "core.2", "core.3"] {
            scene.transport.setFile("/var/\(name)", .regular(Data(count: 10), readTime: .seconds(40)), on: "db1")
        }
        let run = scene.start()
        try await scene.clock.waitUntilAsleep(1)
        scene.clock.advance(by: .seconds(40))
        try await scene.clock.waitUntilAsleep(1)
        scene.clock.advance(by: .seconds(20))
        let report = try await outcome(of: run)
        let reason = try #require(report.steps.first?.hosts.first?.reason)
        #expect(reason.contains("/var/core.2: the step's timeout (1m) ran out: db1: transfer timed out"), "\(reason)")
        #expect(reason.contains("/var/core.3: not fetched: the step's timeout was spent on the files before it"), "\(reason)")
        #expect(FileManager.default.fileExists(atPath: scene.folder + "/artifacts/db1/core.1"))
        #expect(!FileManager.default.fileExists(atPath: scene.folder + "/artifacts/db1/core.2"))
        #expect(scene.transport.fetches(from: "db1") == ["/var/core.1", "/var/core.2"])
    }
}
