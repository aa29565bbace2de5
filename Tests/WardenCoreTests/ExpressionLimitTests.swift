import Testing
@testable import WardenCore
import WardenTesting

/// Locations in multi-line text and at other columns, and the limits that
/// keep expressions from crashing or hanging Warden.
@Suite struct ExpressionLimitTests {
    private static let start = SourceLocation(file: "rb.yaml", line: 7, column: 15)

    @Test func locationsCountFromWhereTheTextStarts() {
        #expect(ExpressionFixtures.error("1 < 'a'", at: Self.start).hasPrefix("rb.yaml:7:17: error: cannot compare int with string using '<'"))
        #expect(ExpressionFixtures.error("  zzz", at: Self.start).hasPrefix("rb.yaml:7:17: error: unknown name 'zzz'"))
    }

    @Test func locationsInMultiLineText() {
        let text = "result.tables[0].rows >\n  2 and\n  result.nope"
        #expect(ExpressionFixtures.error(text, at: Self.start)
            == "rb.yaml:9:10: error: result has no field 'nope'; fields: balance_operation_count, empty, meta_function_level, nothing, ratio, tables")
        #expect(ExpressionFixtures.error("true and\n  (1 +", at: Self.start)
            == "rb.yaml:8:7: error: unexpected end of expression; expected a value")
        #expect(ExpressionFixtures.error("[1,\n 2,\n 'x\n y' < 3]", at: Self.start)
            == "rb.yaml:10:5: error: cannot compare string with int using '<'; only two numbers, two strings or two durations can be ordered; convert with int(), float() or str()")
    }

    @Test func nestingIsLimited() throws {
        let ok = String(repeating: "(", count: 64) + "1" + String(repeating: ")", count: 64)
        #expect(try ExpressionFixtures.evaluate(ok) == .int(1))
        let deep = String(repeating: "(", count: 65) + "1" + String(repeating: ")", count: 65)
        #expect(ExpressionFixtures.error(deep) == "rb.yaml:1:65: error: expression is nested more than 64 levels deep")
        let nots = String(repeating: "not ", count: 2000) + "true"
        #expect(ExpressionFixtures.error(nots) == "rb.yaml:1:257: error: expression is nested more than 64 levels deep")
        let brackets = String(repeating: "[", count: 5000)
        #expect(ExpressionFixtures.error(brackets) == "rb.yaml:1:65: error: expression is nested more than 64 levels deep")
        let indexes = "vars" + String(repeating: "[0", count: 3000)
        #expect(ExpressionFixtures.error(indexes) == "rb.yaml:1:133: error: expression is nested more than 64 levels deep")
    }

    @Test func longChainsAreLimitedByTheTreeHeight() throws {
        let sixtyThree = "1" + String(repeating: " + 1", count: 63)
        #expect(try ExpressionFixtures.evaluate(sixtyThree) == .int(64))
        let sixtyFour = "1" + String(repeating: " + 1", count: 64)
        #expect(ExpressionFixtures.error(sixtyFour) == "rb.yaml:1:255: error: expression is nested more than 64 levels deep")
    }

    @Test func hugeTextIsRejected() {
        let huge = String(repeating: "1 + ", count: 3000) + "1"
        #expect(ExpressionFixtures.error(huge, at: Self.start)
            == "rb.yaml:7:15: error: expression is too long: more than 10000 characters")
    }

    @Test func theStepBudgetStopsEvaluation() async throws {
        #expect(ExpressionFixtures.error("1 + 1 + 1", budget: 3)
            == "rb.yaml:1:5: error: expression is too expensive: it needs more than 3 evaluation steps; work on smaller lists")
        #expect(ExpressionFixtures.error("1 + 1 + 1", budget: 5) == "no error: 3")
        let text = Array(repeating: "sum(big)", count: 11).joined(separator: " + ")
        let result = try await onDedicatedThread {
            ExpressionFixtures.error(text, ["big": .list(Array(repeating: .int(1), count: 100_000))])
        }
        #expect(result
            == "rb.yaml:1:100: error: expression is too expensive: it needs more than 1000000 evaluation steps; work on smaller lists")
    }

    @Test func builtListsAndStringsAreLimited() async throws {
        let results = try await onDedicatedThread {
            let big: [String: Value] = [
                "big": .list(Array(repeating: .int(1), count: 100_000)),
                "bigger": .list(Array(repeating: .int(1), count: 100_001)),
                "s": .string(String(repeating: "x", count: 600_000)),
            ]
            return [
                ExpressionFixtures.error("len(bigger[*])", big),
                ExpressionFixtures.error("big + [1]", big),
                ExpressionFixtures.error("s + s", big),
                ExpressionFixtures.error("len(big[*]) + len(big + [])", big),
            ]
        }
        #expect(results == [
            "rb.yaml:1:11: error: bigger[*] would have 100001 elements, more than 100000",
            "rb.yaml:1:5: error: list would have more than 100000 elements",
            "rb.yaml:1:3: error: string would be longer than 1000000 bytes",
            "no error: 200000",
        ])
    }
}
