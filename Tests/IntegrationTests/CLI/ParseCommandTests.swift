import Foundation
import Testing
import WardenTesting

@Suite("warden parse, the command")
struct ParseCommandTests {
    @Test func parsesStandardInputOrAFileAndRefusesBadInput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-parse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("status.txt").path
        try "meta_function_level : steady\nbalance_operation_count : 3\n".write(toFile: file, atomically: true, encoding: .utf8)

        let parsed = try await warden(["parse", "kv", file])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout == "{\n  \"balance_operation_count\" : 3,\n  \"meta_function_level\" : \"steady\"\n}\n")

        let unknown = try await warden(["parse", "tabel", file])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'table'"))

        let notJSON = try await warden(["parse", "json", file])
        #expect(notJSON.status == 2)
        #expect(notJSON.stderr.contains("status.txt: json: no JSON object or array"))
    }
}
