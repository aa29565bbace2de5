import Testing
@testable import WardenCore

/// Paths into the environment: members, indexes (negative from the end),
/// projections, and the errors that name what exists instead.
@Suite struct ExpressionPathTests {
    private func value(_ text: String) throws -> Value { try ExpressionFixtures.evaluate(text) }
    private func error(_ text: String) -> String { ExpressionFixtures.error(text) }

    @Test(arguments: [
        ("result.meta_function_level == \"steady\"", Value.bool(true)),
        ("result.balance_operation_count.total == 0", .bool(true)),
        ("len(result.tables) > 0 and all(result.tables[*].healthy)", .bool(false)),
        ("params.max_qps * 2 >= 4000", .bool(true)),
        ("steps.level.hosts[\"meta-1\"].exit != 0", .bool(false)),
        ("steps.level.hosts['meta-2'].exit", .int(3)),
        ("result.tables[*].name", .list([.string("users"), .string("orders")])),
        ("result.tables[-1].name", .string("orders")),
        ("vars.xs[-3]", .int(1)),
        ("vars.xs[1 + 1]", .int(3)),
        ("steps.level.hosts[*].exit", .list([.int(0), .int(3)])),
        ("result.nothing", .null),
    ])
    func paths(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test func missingFieldsNameWhatExists() {
        let result: [String: Value] = ["result": .map(["healthy": .bool(true), "name": .string("t")])]
        #expect(ExpressionFixtures.error("result.healty", result)
            == "rb.yaml:1:8: error: result has no field 'healty'; did you mean 'healthy'? (fields: healthy, name)")
        #expect(error("result.tables[0].healty")
            == "rb.yaml:1:18: error: result.tables[0] has no field 'healty'; did you mean 'healthy'? (fields: healthy, name, rows)")
        #expect(error("result.tables[*].size")
            == "rb.yaml:1:18: error: result.tables[*] has no field 'size'; fields: healthy, name, rows")
        #expect(error("result.empty.x") == "rb.yaml:1:14: error: result.empty has no field 'x'; it is an empty map")
        #expect(error("steps.level.hosts[\"meta-3\"].exit")
            == "rb.yaml:1:18: error: steps.level.hosts has no key 'meta-3'; did you mean 'meta-1'? (keys: meta-1, meta-2)")
        #expect(error("reslt.x")
            == "rb.yaml:1:1: error: unknown name 'reslt'; did you mean 'result'? (names: elapsed, params, result, steps, vars)")
        #expect(error("zzz") == "rb.yaml:1:1: error: unknown name 'zzz'; names: elapsed, params, result, steps, vars")
        #expect(ExpressionFixtures.error("x", [:]) == "rb.yaml:1:1: error: unknown name 'x'; no names are defined here")
    }

    @Test func indexErrors() {
        #expect(error("vars.xs[3]")
            == "rb.yaml:1:8: error: index 3 is out of range: vars.xs has 3 elements; valid indexes are 0 to 2, or -3 to -1 from the end")
        #expect(error("vars.xs[-4]")
            == "rb.yaml:1:8: error: index -4 is out of range: vars.xs has 3 elements; valid indexes are 0 to 2, or -3 to -1 from the end")
        #expect(error("[][0]") == "rb.yaml:1:3: error: index 0 is out of range: [] has 0 elements; the list is empty")
        #expect(error("vars.xs[\"a\"]") == "rb.yaml:1:8: error: a list index must be an int, got string")
        #expect(error("vars.xs[1.0]") == "rb.yaml:1:8: error: a list index must be an int, got float")
        #expect(error("params[0]") == "rb.yaml:1:7: error: a map key must be a string, got int")
        #expect(error("result.nothing[0]") == "rb.yaml:1:15: error: result.nothing is null, so it cannot be indexed")
        #expect(error("params.name[0]") == "rb.yaml:1:12: error: params.name is a string; only lists and maps can be indexed")
    }

    @Test func memberErrors() {
        #expect(error("result.nothing.x") == "rb.yaml:1:16: error: result.nothing is null, so it has no field 'x'")
        #expect(error("params.max_qps.x") == "rb.yaml:1:16: error: params.max_qps is an int, not a map, so it has no field 'x'")
        #expect(error("vars.xs.first") == "rb.yaml:1:9: error: vars.xs is a list, not a map, so it has no field 'first'")
        #expect(error("(1 + 2).x") == "rb.yaml:1:9: error: 1 + 2 is an int, not a map, so it has no field 'x'")
    }

    @Test func projectionErrors() {
        // rows are ints: indexing each is an error, through projection too.
        #expect(error("result.tables[*].rows[0]")
            == "rb.yaml:1:22: error: result.tables[*].rows is an int; only lists and maps can be indexed")
        #expect(error("params.max_qps[*]") == "rb.yaml:1:15: error: params.max_qps is an int; [*] needs a list or a map")
        #expect(error("result.nothing[*].x") == "rb.yaml:1:15: error: result.nothing is null, so it cannot be projected with [*]")
        #expect(error("steps.level.hosts[*].stdout.x")
            == "rb.yaml:1:29: error: steps.level.hosts[*].stdout is a string, not a map, so it has no field 'x'")
    }
}
