import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Nothing a file can contain may crash the loader or load as an inventory.
/// The heavy cases parse on a dedicated thread (see `onDedicatedThread`).
@Suite struct InventoryGarbageTests {
    private func errors(_ yaml: String) -> [String] {
        InventoryFixtures.errors(yaml)
    }

    /// Deterministic noise, so a failure can be reproduced.
    private struct NoiseGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    private static let tenMegabytes = 10 * 1024 * 1024

    @Test(arguments: ["", "   \n\n", "# just a comment\n", "---\n", "~\n"])
    func emptyFiles(text: String) {
        #expect(errors(text) == [
            "inv.yaml:1:1: error: the inventory is empty; it needs a 'hosts' mapping with at least one host",
        ])
    }

    @Test func otherTopLevelValues() {
        #expect(errors("- a\n- b\n") == [
            "inv.yaml:1:1: error: an inventory must be a mapping with 'hosts' (and optionally 'defaults' and 'groups'), got a list",
        ])
        #expect(errors("just some words\n") == [
            "inv.yaml:1:1: error: an inventory must be a mapping with 'hosts' (and optionally 'defaults' and 'groups'), got 'just some words'",
        ])
    }

    @Test func controlCharactersArePlacedExactly() {
        #expect(errors("hosts:\n  ab\u{0}c:\n") == ["inv.yaml:2:5: error: invalid YAML: control characters are not allowed"])
    }

    @Test func binaryFilesAreReportedWhereTheyStopBeingText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("junk.yaml")
        var bytes = Array("hosts:\n  a\u{e9}:".utf8) // valid UTF-8 first: é is two bytes, one column
        bytes += [0xFF, 0xFE, 0x00, 0x80]
        var noise = NoiseGenerator(state: 7)
        for _ in 0..<4096 { bytes.append(UInt8(truncatingIfNeeded: noise.next())) }
        try Data(bytes).write(to: file)

        #expect(throws: InventoryErrors([LocatedError(
            "the file is not UTF-8 text (invalid byte sequence)",
            at: SourceLocation(file: file.path, line: 2, column: 6))])) {
            try Inventory.load(path: file.path)
        }
    }

    @Test func randomBytesDecodedLossilyAreRejected() {
        var noise = NoiseGenerator(state: 42)
        let bytes = (0..<65536).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
        let found = errors(String(decoding: bytes, as: UTF8.self))
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.hasPrefix("inv.yaml:") })
    }

    @Test func tenMegabytesOfPrintableNoise() async throws {
        var noise = NoiseGenerator(state: 1)
        let alphabet = Array("abc XYZ 019 :-,[]{}#&*!|>'\"%@`?\n\n  ".utf8)
        let bytes = (0..<Self.tenMegabytes).map { _ in alphabet[Int(noise.next() % UInt64(alphabet.count))] }
        let text = String(decoding: bytes, as: UTF8.self)
        let found = try await onDedicatedThread { InventoryFixtures.errors(text) }
        #expect(found.count == 1)
        #expect(found.first?.contains("error: invalid YAML:") == true)
    }

    @Test func aMegabyteOfWellFormedNonsense() async throws {
        // Parses as YAML but is all wrong: the error list stays bounded.
        // (One megabyte: Yams alone needs over ten seconds for ten in a
        // debug build, and the point is the bound, not the size.)
        var yaml = "hosts:\n"
        var index = 0
        while yaml.utf8.count < 1024 * 1024 {
            yaml += "  h\(index): {port: nope, colour: blue, groups: [g\(index)]}\n"
            index += 1
        }
        let text = yaml
        let found = try await onDedicatedThread { InventoryFixtures.errors(text) }
        #expect(found.count == 101)
        #expect(found[0] == "inv.yaml:2:14: error: port must be an integer 1...65535, got 'nope'")
        #expect(found[100].hasPrefix("error: too many errors; "))
    }

    @Test func deepNestingIsRefusedNotOverflowed() async throws {
        let text = String(repeating: "[", count: Self.tenMegabytes)
        let found = try await onDedicatedThread { InventoryFixtures.errors(text) }
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("inv.yaml:1:") == true)
        #expect(found.first?.contains("Maximum nesting level reached") == true)
    }

    @Test func aliasBombsInVarsAreRefused() async throws {
        var yaml = "defaults:\n  vars:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let copies = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "    l\(level): &l\(level) [\(copies)]\n"
        }
        yaml += "hosts:\n  a:\n"
        let text = yaml
        let found = try await onDedicatedThread { InventoryFixtures.errors(text) }
        #expect(found.count == 1)
        #expect(found.first?.hasSuffix(
            "error: value is too large: more than 1000000 YAML nodes; is an alias expanding many times?") == true)
    }

    @Test func longChainsOfGroupsNeedNoDeepStack() async throws {
        let count = 20000
        var yaml = "hosts:\n  h: {groups: [g\(count - 1)]}\ngroups:\n"
        for index in 0..<(count - 1) {
            yaml += "  g\(index): {children: [g\(index + 1)]}\n"
        }
        yaml += "  g\(count - 1): {vars: {deepest: true}}\n"
        let text = yaml
        let host = try await onDedicatedThread { try InventoryFixtures.load(text).hosts[0] }
        #expect(host.groups.count == count)
        #expect(host.vars == ["deepest": .bool(true)])

        let cyclic = yaml.replacingOccurrences(of: "{vars: {deepest: true}}", with: "{children: [g0]}")
        let cyclicErrors = try await onDedicatedThread { InventoryFixtures.errors(cyclic) }
        #expect(cyclicErrors == [
            "inv.yaml:\(count + 3):\(String(count - 1).count + 18): error: group cycle through children: g0 -> g1 -> g2 -> g3 -> g4 -> ... -> g19997 -> g19998 -> g19999 -> g0",
        ])
    }

    @Test func aHugeNumberDoesNotTrap() {
        #expect(errors("hosts:\n  a: {port: 1:0:0:0:0:0:0:0:0:0:0:0:0}\n") == [
            "inv.yaml:2:13: error: port must be an integer 1...65535, got '1:0:0:0:0:0:0:0:0:0:0:0:0'",
        ])
        #expect(errors("hosts:\n  a: {port: 99999999999999999999999}\n") == [
            "inv.yaml:2:13: error: port must be an integer 1...65535, got '99999999999999999999999'",
        ])
    }

    @Test func windowsLineEndingsStillLoad() throws {
        let inventory = try InventoryFixtures.load("hosts:\r\n  a:\r\n    port: 2200\r\n")
        #expect(inventory.hosts.map(\.port) == [2200])
        #expect(errors("hosts:\r\n  a:\r\n    port: 1\r\n  a:\r\n") == [
            "inv.yaml:4:3: error: duplicate key 'a' (first defined at line 2, column 3)",
        ])
    }
}
