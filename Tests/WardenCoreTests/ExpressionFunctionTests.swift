import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// The built-in functions, each with its error cases, and the injected clock.
@Suite struct ExpressionFunctionTests {
    private func value(_ text: String, _ variables: [String: Value] = ExpressionFixtures.variables) throws -> Value {
        try ExpressionFixtures.evaluate(text, variables)
    }

    private func error(_ text: String, _ variables: [String: Value] = ExpressionFixtures.variables) -> String {
        ExpressionFixtures.error(text, variables)
    }

    @Test(arguments: [
        ("len(\"héllo\")", Value.int(5)), ("len([1, 2])", .int(2)), ("len(params)", .int(2)), ("len(\"\")", .int(0)),
        ("count(result.tables[*].healthy)", .int(1)), ("count(vars.xs, 2)", .int(1)), ("count([1, 1.0, \"1\"], 1)", .int(2)),
        ("count([], 1)", .int(0)),
        ("sum(vars.xs)", .int(6)), ("sum([])", .int(0)), ("sum([1, 0.5])", .double(1.5)),
        ("sum([1s, 500ms])", .duration(.milliseconds(1500))), ("sum(result.tables[*].rows)", .int(42)),
        ("min(vars.xs)", .int(1)), ("max(3, 1.5, 7)", .int(7)), ("min(\"b\", \"a\")", .string("a")),
        ("max([2s, 1m, 500ms])", .duration(.seconds(60))), ("min(2, 1.5)", .double(1.5)),
        ("any([false, true])", .bool(true)), ("any([])", .bool(false)), ("all([])", .bool(true)),
        ("all([true, false])", .bool(false)),
        ("matches(\"meta-12\", \"^meta-[0-9]+$\")", .bool(true)), ("matches(\"x\", \"y\")", .bool(false)),
        ("matches(params.name, \"et\")", .bool(true)), ("matches(\"\", \"^$\")", .bool(true)),
        ("int(\"42\\n\")", .int(42)), ("int(2.9)", .int(2)), ("int(-2.9)", .int(-2)), ("int(7)", .int(7)),
        ("int(elapsed / 1s)", .int(12)), ("float(2)", .double(2)), ("float(\" 0.5\")", .double(0.5)),
        ("float(0.25)", .double(0.25)),
        ("str(42)", .string("42")), ("str(elapsed)", .string("12s")), ("str([1, \"a\"])", .string("[1, \"a\"]")),
        ("str(\"x\")", .string("x")), ("str(null)", .string("null")), ("str(0.5)", .string("0.5")),
        ("str(params.max_qps) + \"/s\"", .string("2500/s")),
    ])
    func functions(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test(arguments: [
        ("len(1)", "rb.yaml:1:1: error: len() needs a string, list or map, got an int"),
        ("count(vars.xs)", "rb.yaml:1:1: error: count() needs a list of bools, but element 0 is an int; to count occurrences of a value, use count(list, value)"),
        ("count(1, 1)", "rb.yaml:1:1: error: count() needs a list, got an int"),
        ("sum([\"a\"])", "rb.yaml:1:1: error: sum() needs numbers or durations, but element 0 is a string"),
        ("sum([1, 1s])", "rb.yaml:1:1: error: cannot apply '+' to int and duration"),
        ("sum(1)", "rb.yaml:1:1: error: sum() needs a list, got an int"),
        ("sum([9223372036854775807, 1])", "rb.yaml:1:1: error: the result of '+' is too large (overflow)"),
        ("max([])", "rb.yaml:1:1: error: max() of an empty list"),
        ("min([1, \"a\"])", "rb.yaml:1:1: error: cannot compare string with int using '<'; only two numbers, two strings or two durations can be ordered; convert with int(), float() or str()"),
        ("min(1)", "rb.yaml:1:1: error: min() with one argument needs a list, got an int"),
        ("all([true, 1])", "rb.yaml:1:1: error: all() needs a list of bools, but element 1 is an int"),
        ("any(true)", "rb.yaml:1:1: error: any() needs a list, got a bool"),
        ("matches(\"a\", \"(\")", "rb.yaml:1:14: error: invalid regular expression \"(\""),
        ("matches(1, \"a\")", "rb.yaml:1:9: error: matches() needs a string to search, got an int"),
        ("matches(\"a\", 1)", "rb.yaml:1:14: error: matches() needs a pattern string, got an int"),
        ("int(\"x\")", "rb.yaml:1:1: error: int() cannot convert \"x\" to an int"),
        ("int(\"2.5\")", "rb.yaml:1:1: error: int() cannot convert \"2.5\" to an int"),
        ("int(true)", "rb.yaml:1:1: error: int() cannot convert a bool"),
        ("int(elapsed)", "rb.yaml:1:1: error: int() cannot convert a duration; divide by a duration to get a number, like elapsed / 1s"),
        ("float(\"nan\")", "rb.yaml:1:1: error: float() cannot convert \"nan\" to a float"),
        ("float(null)", "rb.yaml:1:1: error: float() cannot convert null"),
        ("1 + int(float(\"1e300\"))", "rb.yaml:1:5: error: int() cannot convert 1e+300: out of range"),
    ])
    func functionErrors(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func patternAndSubjectLimits() {
        let long: [String: Value] = [
            "p": .string(String(repeating: "a", count: 1001)),
            "s": .string(String(repeating: "a", count: 1_048_577)),
        ]
        #expect(error("matches(\"a\", p)", long) == "rb.yaml:1:14: error: pattern is too long: 1001 characters, at most 1000")
        #expect(error("matches(s, \"a\")", long)
            == "rb.yaml:1:9: error: matches() subject is too large: 1048577 bytes, at most 1048576")
    }

    @Test func catastrophicPatternsAreCutOff() async throws {
        let subject: [String: Value] = ["s": .string(String(repeating: "a", count: 40) + "!")]
        let started = Date()
        let text = try await onDedicatedThreadResult { error("matches(s, \"^(a|aa)+$\")", subject) }
        #expect(text == "rb.yaml:1:12: error: matches() abandoned matching \"^(a|aa)+$\": it backtracked at one place in the text for more than 0.05 seconds, and past that the engine may answer \"no match\" without having finished; simplify the pattern; nested repetition like (a+)+ can take exponential time")
        // Cut off at once; uncut, 41 characters would take far longer than a minute.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// The engine gives up on `^(a+)+$` against 30 a's and a "b" after about
    /// half a second and answers "no match", without an error: a `not
    /// matches(...)` check passed on that. It must be an error instead.
    @Test func aMatchTheEngineGaveUpIsAnErrorNotFalse() async throws {
        let subject: [String: Value] = ["s": .string(String(repeating: "a", count: 30) + "b")]
        let text = try await onDedicatedThreadResult { error("not matches(s, \"^(a+)+$\")", subject) }
        #expect(text.hasPrefix("rb.yaml:1:16: error: matches() abandoned matching \"^(a+)+$\": it backtracked"), "\(text)")
    }

    /// The same give-up on a text the pattern does match (through `a*b`,
    /// once the first alternative is exhausted): "no match" would be wrong.
    @Test func aMatchTheEngineWouldDenyWronglyIsAnError() async throws {
        let subject: [String: Value] = ["s": .string(String(repeating: "a", count: 30) + "b")]
        let text = try await onDedicatedThreadResult { error("matches(s, \"^(?:(a+)+x|a*b)\")", subject) }
        #expect(text.hasPrefix("rb.yaml:1:12: error: matches() abandoned matching \"^(?:(a+)+x|a*b)\""), "\(text)")
        // Short enough to finish, the answer is the true one.
        let short: [String: Value] = ["s": .string(String(repeating: "a", count: 12) + "b")]
        #expect(try value("matches(s, \"^(?:(a+)+x|a*b)\")", short) == .bool(true))
    }

    /// The engine's own limit (its backtracking stack) ends a search with a
    /// flag, not an error; that is an abandoned match too.
    @Test func aSearchThatOverflowsTheEnginesStackIsAnError() async throws {
        let subject: [String: Value] = ["s": .string(String(repeating: "a", count: 1_000_000))]
        // The expression language escapes backslashes as Swift does: the pattern is ^\s*(\w+)\s+(\d+)\s*$.
        let text = try await onDedicatedThreadResult { error(#"matches(s, "^\\s*(\\w+)\\s+(\\d+)\\s*$")"#, subject) }
        #expect(text.hasPrefix(#"rb.yaml:1:12: error: matches() abandoned matching "^\\s*(\\w+)\\s+(\\d+)\\s*$": "#), "\(text)")
        // The engine's own stop, unless (on a loaded machine) the backtracking got too long first.
        #expect(text.contains("the regular expression engine gave up (its backtracking stack is full)")
                || text.contains("it backtracked at one place in the text"), "\(text)")
    }

    @Test func theClockIsInjected() throws {
        // 2024-03-05 18:30:00 UTC is 02:30 on the 6th in Shanghai.
        #expect(try value("now()") == .int(1_709_663_400))
        #expect(try value("hour()") == .int(18))
        #expect(try value("hour(\"UTC\")") == .int(18))
        #expect(try value("hour(\"Asia/Shanghai\")") == .int(2))
        #expect(try value("hour(\"Asia/Shanghai\") in [2, 3, 4]") == .bool(true))
        #expect(try value("hour(\"America/New_York\")") == .int(13))
        #expect(error("hour(\"Asia/Shangai\")") == "rb.yaml:1:6: error: unknown timezone 'Asia/Shangai'; did you mean 'Asia/Shanghai'?")
        #expect(error("hour(\"Nowhere\")") == "rb.yaml:1:6: error: unknown timezone 'Nowhere'; use an IANA name like \"Asia/Shanghai\" or \"UTC\"")
        #expect(error("hour(1)") == "rb.yaml:1:6: error: hour() needs a timezone name like \"Asia/Shanghai\", got an int")
    }

    private func onDedicatedThreadResult(_ body: @escaping @Sendable () -> String) async throws -> String {
        try await onDedicatedThread(body)
    }
}

/// `select`: the maps of a list whose field compares so with a value.
@Suite struct ExpressionSelectTests {
    private let nodes: [String: Value] = [
        "result": .map(["nodes": .list([
            .map(["address": .string("10.0.0.1:34801"), "status": .string("ALIVE"), "replicas": .int(12)]),
            .map(["address": .string("10.0.0.2:34801"), "status": .string("UNALIVE"), "replicas": .int(0)]),
            .map(["address": .string("10.0.0.3:34801"), "status": .string("UNALIVE"), "replicas": .int(3)]),
        ])]),
    ]

    @Test func selectsByEqualityOrByAComparison() throws {
        #expect(try ExpressionFixtures.evaluate(#"select(result.nodes, "status", "UNALIVE")[*].address"#, nodes)
            == .list([.string("10.0.0.2:34801"), .string("10.0.0.3:34801")]))
        #expect(try ExpressionFixtures.evaluate(#"len(select(result.nodes, "status", "!=", "ALIVE"))"#, nodes) == .int(2))
        #expect(try ExpressionFixtures.evaluate(#"select(result.nodes, "replicas", ">", 2)[*].address"#, nodes)
            == .list([.string("10.0.0.1:34801"), .string("10.0.0.3:34801")]))
        #expect(try ExpressionFixtures.evaluate(#"select([], "status", "x")"#, nodes) == .list([]))
    }

    @Test func mistakesAreNamed() {
        #expect(ExpressionFixtures.error(#"select(result.nodes, "state", "UNALIVE")"#, nodes)
            == "rb.yaml:1:1: error: select(): item 0 has no field 'state'; fields: address, replicas, status")
        #expect(ExpressionFixtures.error(#"select(result.nodes, "replicas", "~", 2)"#, nodes)
            == "rb.yaml:1:1: error: select()'s third argument must be one of == != < <= > >=, got \"~\"")
        #expect(ExpressionFixtures.error(#"select(result.nodes, "status", ">", 2)"#, nodes)
            .hasPrefix("rb.yaml:1:1: error: cannot compare string with int using '>'"))
        #expect(ExpressionFixtures.error(#"select([1, 2], "a", 1)"#, nodes)
            == "rb.yaml:1:1: error: select() needs a list of maps; item 0 is an int")
        #expect(ExpressionFixtures.error(#"select(result.nodes, 1, 2)"#, nodes)
            == "rb.yaml:1:1: error: select() needs a field name as its second argument, got an int")
    }
}
