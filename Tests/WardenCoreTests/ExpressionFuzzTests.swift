import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Random text over the grammar's alphabet and random mutations of valid
/// expressions: nothing may crash, and every failure must be a
/// `LocatedError` placed inside the text (or just past its end).
@Suite struct ExpressionFuzzTests {
    /// Deterministic noise, so a failure can be reproduced from the seed.
    private struct NoiseGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    private static let seeds = [
        "result.meta_function_level == \"steady\"",
        "result.balance_operation_count.total == 0",
        "len(result.tables) > 0 and all(result.tables[*].healthy)",
        "params.max_qps * 2 >= 4000",
        "steps.level.hosts[\"meta-1\"].exit != 0",
        "hour(\"Asia/Shanghai\") in [2, 3, 4]",
        "elapsed < 30s",
        "not (vars.xs[-1] % 2 == 0) or sum(vars.xs) / 4 > 1.5",
        "matches(steps.level.hosts[\"meta-1\"].stdout, '^ok')",
        "count(result.tables[*].healthy) == len(result.tables) - 1",
        "min(1h30m, elapsed * 2) + 500ms > 1m",
        "str(int(\"42\")) + 'x' not in ['42x', null, true, [1, 2]]",
        "max(result.tables[*].rows) - -3 <= now()",
    ]

    private static let alphabet = Array("abcdefhilmnorstuxyz_0123456789.[]()*,+-/%<>=!'\"\\ \n\t")
    private static let words = ["and", "or", "not", "in", "true", "false", "null", "result", "vars", "len(", "[*]", "30s", "1h30m"]

    @Test func randomTextNeverCrashes() async throws {
        let checked = try await onDedicatedThread { () -> (Int, [String]) in
            var noise = NoiseGenerator(state: 20_241_121)
            var failures: [String] = []
            var count = 0
            let deadline = Date().addingTimeInterval(3)
            // Past the time on a starved machine until enough cases ran, up to a hard limit.
            let hardDeadline = Date().addingTimeInterval(30)
            while Date() < deadline || count < 1100, Date() < hardDeadline, failures.count < 10 {
                let text = Self.candidate(&noise)
                if let failure = Self.check(text) { failures.append(failure) }
                count += 1
            }
            return (count, failures)
        }
        #expect(checked.1 == [])
        #expect(checked.0 > 1000)
    }

    @Test func seedsAreValidAndPrintStably() throws {
        for seed in Self.seeds {
            let expression = try Expression.parse(seed, at: ExpressionFixtures.start)
            let printed = expression.description
            #expect(try Expression.parse(printed, at: ExpressionFixtures.start).description == printed)
            _ = try expression.evaluate(in: ExpressionFixtures.environment())
        }
    }

    private static func candidate(_ noise: inout NoiseGenerator) -> String {
        if noise.below(3) == 0 {
            var text = ""
            for _ in 0..<noise.below(40) {
                if noise.below(4) == 0 {
                    text += words[noise.below(words.count)]
                } else {
                    text.append(alphabet[noise.below(alphabet.count)])
                }
            }
            return text
        }
        var characters = Array(seeds[noise.below(seeds.count)])
        for _ in 0...noise.below(4) {
            let position = noise.below(characters.count + 1)
            switch noise.below(3) {
            case 0:
                characters.insert(alphabet[noise.below(alphabet.count)], at: position)
            case 1 where position < characters.count:
                characters.remove(at: position)
            default:
                if position < characters.count { characters[position] = alphabet[noise.below(alphabet.count)] }
            }
        }
        return String(characters)
    }

    /// nil when the text parses and evaluates, or fails with a well-placed
    /// error; otherwise what went wrong.
    private static func check(_ text: String) -> String? {
        let start = SourceLocation(file: "fz.yaml", line: 3, column: 9)
        let source = ExpressionSource(text, placement: .flowing(from: start))
        let end = source.location(at: source.scalars.count)
        do {
            let expression = try Expression.parse(text, at: start)
            _ = try expression.evaluate(in: ExpressionFixtures.environment())
            _ = expression.description
            return nil
        } catch {
            guard let location = error.location else { return "no location: \(text.debugDescription) -> \(error)" }
            guard location.file == "fz.yaml", start <= location, location <= end else {
                return "outside the text: \(text.debugDescription) -> \(error)"
            }
            return nil
        }
    }
}
