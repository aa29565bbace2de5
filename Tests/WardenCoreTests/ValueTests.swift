import Testing
import WardenTesting
import Yams
@testable import WardenCore

@Suite struct ValueTests {
    private func value(_ yaml: String) throws -> Value {
        guard let node = try Yams.compose(yaml: yaml) else { throw FixtureError(message: "no node") }
        return try Value(yaml: node, file: "v.yaml")
    }

    private func error(_ yaml: String) throws -> LocatedError? {
        guard let node = try Yams.compose(yaml: yaml) else { throw FixtureError(message: "no node") }
        do {
            _ = try Value(yaml: node, file: "v.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("true", Value.bool(true)), ("False", .bool(false)), ("yes", .bool(true)), ("off", .bool(false)),
        ("42", .int(42)), ("-7", .int(-7)), ("0x1F", .int(31)), ("0o17", .int(15)), ("1_000", .int(1000)),
        ("1:30", .int(90)),
        ("1.5", .double(1.5)), ("-.inf", .double(-.infinity)), ("1e3", .double(1000)),
        ("~", .null), ("null", .null), ("Null", .null),
        ("hello", .string("hello")), ("'true'", .string("true")), ("\"42\"", .string("42")),
        ("2024-01-02", .string("2024-01-02")),
        // Too large for Int: keeps its text, and must not trap the way
        // Yams' own sexagesimal conversion does.
        ("99999999999999999999", .string("99999999999999999999")),
        ("1:0:0:0:0:0:0:0:0:0:0:0", .string("1:0:0:0:0:0:0:0:0:0:0:0")),
    ])
    func scalarsResolveTheYamsWay(text: String, expected: Value) throws {
        #expect(try value(text) == expected)
    }

    @Test func anEmptyValueIsNull() throws {
        #expect(try value("a:\n") == .map(["a": .null]))
    }

    @Test func nanIsADouble() throws {
        guard case let .double(number) = try value(".nan") else {
            Issue.record("not a double")
            return
        }
        #expect(number.isNaN)
    }

    @Test func collectionsConvertRecursively() throws {
        let converted = try value("{a: [1, two, {b: null}], c: {d: 2.5}}")
        #expect(converted == .map([
            "a": .list([.int(1), .string("two"), .map(["b": .null])]),
            "c": .map(["d": .double(2.5)]),
        ]))
    }

    @Test func descriptionIsCompactAndSorted() throws {
        #expect(try value("{b: [1, x, \"q\\\"t\"], a: ~, c: true, d: 1.5}").description
            == #"{a: null, b: [1, "x", "q\"t"], c: true, d: 1.5}"#)
        #expect(Value.string("plain").description == "plain")
        #expect(Value.int(3).description == "3")
    }

    @Test func keysThatCollideAsTextAreRejected() throws {
        let error = try #require(try error("1: a\n\"1\": b\n"))
        #expect(error.description == "v.yaml:2:1: error: duplicate key '1'")
    }

    @Test func nonScalarKeysAreRejected() throws {
        let error = try #require(try error("? [a, b]\n: c\n"))
        #expect(error.description == "v.yaml:1:3: error: mapping keys must be plain values, got a list")
    }

    @Test func mergeKeysAreRejected() throws {
        let error = try #require(try error("base: &b {x: 1}\nother:\n  <<: *b\n"))
        #expect(error.description
            == "v.yaml:3:3: error: YAML merge keys ('<<') are not supported; write the keys out, or share them through defaults and group vars")
    }

    @Test func aliasBombsStopAtTheNodeLimit() async throws {
        // Each level holds ten copies of the previous one: 10^7 nodes when expanded.
        var yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            let previous = "*l\(level - 1)"
            let copies = Array(repeating: previous, count: 10).joined(separator: ", ")
            yaml += "l\(level): &l\(level) [\(copies)]\n"
        }
        let text = yaml
        let found = try await onDedicatedThread { [self] in try error(text) }
        let refusal = try #require(found)
        #expect(refusal.message == "value is too large: more than 1000000 YAML nodes")
        #expect(refusal.hint == "is an alias expanding many times?")
    }
}
