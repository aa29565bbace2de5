import Foundation
import Testing
import WardenTesting

@Suite("warden validate, the command")
struct ValidateCommandTests {
    @Test func reportsEveryProblemAsFileLineColumnAndExitsTwo() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.yaml").path
        try """
            name: good
            targets:
              one: {hosts: h01, exactly: 1}
            steps:
              - id: look
                on: one
                check: uptime
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let bad = dir.appendingPathComponent("bad.yaml").path
        try """
            name: bad
            targest:
              one: {hosts: h01}
            steps:
              - id: look
                on: one
                check: uptime
                expect: exit == 0 and
            """.write(toFile: bad, atomically: true, encoding: .utf8)

        let clean = try await warden(["validate", good])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout == "\(good): ok: 'good', 1 step (0 mutating), 0 cleanup\n")

        let broken = try await warden(["validate", good, bad])
        #expect(broken.status == 2)
        let lines = broken.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(bad):2:1: error: unknown key 'targest' at the top level of the runbook; did you mean 'targets'?"))
        #expect(lines.contains { $0.hasPrefix("\(bad):6:9: error: unknown target 'one'") })
        #expect(lines.contains { $0.hasPrefix("\(bad):8:26: error: expect: ") })
        #expect(lines.last == "3 errors, 0 warnings in 2 files")

        let garbage = dir.appendingPathComponent("garbage.yaml").path
        try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: garbage))
        let binary = try await warden(["validate", garbage])
        #expect(binary.status == 2)
        #expect(binary.stdout.contains("\(garbage):1:1: error: the file is not UTF-8 text"))
    }
}
