import Foundation
import Testing
@testable import WardenCore

extension IdentityTests {
    /// Noise and mangled token files thrown at the parser: nothing may crash,
    /// and whatever is not a valid file is refused as malformed, naming the
    /// file. Deterministic (`RunbookFuzzTests.NoiseGenerator`); `WARDEN_FUZZ_SEED`
    /// replays a run.
    @Suite("Token file fuzzing")
    struct TokenFileFuzzTests {
        static let valid: [UInt8] = {
            var file = TokenFile()
            _ = try? file.add(name: "alice", roles: [.operator, .approver], expires: Date(timeIntervalSince1970: 1_800_000_000),
                              now: Date(timeIntervalSince1970: 1_750_000_000))
            _ = try? file.add(name: "bob", roles: [.viewer], expires: nil, now: Date(timeIntervalSince1970: 1_750_000_000))
            return Array(file.jsonText.utf8)
        }()

        @Test func randomBytesAndMangledFilesNeverCrashTheParser() throws {
            let seed = RunbookFuzzTests.seed
            var noise = RunbookFuzzTests.NoiseGenerator(state: seed)
            var counts = (cases: 0, loaded: 0)
            var failures: [String] = []
            let path = "/state/tokens.json"
            #expect(throws: Never.self) { try TokenFile.parse(Self.valid, path: path) }
            let deadline = Date().addingTimeInterval(1)
            while Date() < deadline || counts.cases < 2_000, counts.cases < 200_000, failures.count < 5 {
                let bytes = Self.candidate(&noise)
                do throws(TokenFileError) {
                    let file = try TokenFile.parse(bytes, path: path)
                    // What loads must save and load back to the same tokens.
                    let again = try TokenFile.parse(Array(file.jsonText.utf8), path: path)
                    if again.entries != file.entries { failures.append("case \(counts.cases): not the same after a round trip") }
                    counts.loaded += 1
                } catch {
                    if error.kind != .malformed || !error.description.hasPrefix(path + ": ") {
                        failures.append("case \(counts.cases): \(error.kind) \(error.description)")
                    }
                }
                counts.cases += 1
            }
            print("TokenFileFuzzTests: seed \(seed), \(counts.cases) files, \(counts.loaded) loaded")
            #expect(failures == [], "seed \(seed)")
            #expect(counts.loaded > 0, "some mangled files still load (whitespace, key order)")
        }

        @Test func randomBytesOnDiskAreRefusedAsMalformed() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            var noise = RunbookFuzzTests.NoiseGenerator(state: RunbookFuzzTests.seed &+ 1)
            for _ in 0..<50 {
                let bytes = (0..<noise.below(4096)).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
                try Data(bytes).write(to: URL(fileURLWithPath: folder.file))
                #expect(chmod(folder.file, 0o600) == 0)
                #expect(folder.loadError()?.kind == .malformed)
            }
            // Deep nesting is refused, not a stack overflow.
            try folder.write(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
            #expect(folder.loadError()?.kind == .malformed)
        }

        /// Pure noise, or the valid file with bytes flipped, cut, repeated or inserted.
        static func candidate(_ noise: inout RunbookFuzzTests.NoiseGenerator) -> [UInt8] {
            if noise.chance(4) {
                return (0..<noise.below(512)).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
            }
            var bytes = valid
            for _ in 0...noise.below(4) {
                guard !bytes.isEmpty else { break }
                let at = noise.below(bytes.count)
                switch noise.below(6) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: noise.next())
                case 1: bytes.removeSubrange(at...)
                case 2: bytes.insert(noise.pick(Array("{}[]\",:0123456789-.e \\ntfu".utf8)), at: at)
                case 3: bytes.remove(at: at)
                case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + noise.below(40))], at: at)
                default: bytes.insert(contentsOf: Array(noise.pick([" ", "\n", "\t"]).utf8), at: at)
                }
            }
            return bytes
        }
    }
}
